//! Black-box tests: the real `byline` binary, its CLI and its HTTP server
//! on a random port, each test with its own temporary data directory.

mod admin;
mod admin_articles;
mod admin_settings;
mod archives;
mod cli;
mod client_address;
mod comment_form;
mod connections;
mod discovery;
mod discussion;
mod feed_safety;
mod hostile;
mod live_import;
mod operator_input;
mod page_cache;
mod privacy;
mod redirects;
mod revalidation;
mod roles;
mod support;
mod throttling;
mod wordpress;
