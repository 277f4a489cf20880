//! Black-box tests: the real `byline` binary, its CLI and its HTTP server
//! on a random port, each test with its own temporary data directory.

mod admin;
mod admin_articles;
mod admin_settings;
mod archives;
mod cli;
mod comment_form;
mod discovery;
mod discussion;
mod operator_input;
mod page_cache;
mod privacy;
mod redirects;
mod roles;
mod support;
mod throttling;
mod wordpress;
