//! Rendering: the default theme's minijinja templates, embedded in the
//! binary, filled from view models. View models carry only what a page
//! may show, so a commenter's email cannot reach a template.

mod assets;
pub mod feeds;
mod templates;
pub mod view;

pub use assets::{Asset, asset};
pub use templates::{RenderError, Renderer};
