//! Moving a site in and out of WordPress: `byline import wordpress` and
//! `byline export wordpress`.

pub mod export;
pub mod import;
