//! The template environment.

use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, Value, escape_formatter};
use serde::Serialize;

use crate::assets::fingerprint;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../themes/default/templates/base.html")),
    ("list.html", include_str!("../../../themes/default/templates/list.html")),
    (
        "article.html",
        include_str!("../../../themes/default/templates/article.html"),
    ),
    (
        "comments.html",
        include_str!("../../../themes/default/templates/comments.html"),
    ),
    (
        "comment_form.html",
        include_str!("../../../themes/default/templates/comment_form.html"),
    ),
    (
        "comment_refused.html",
        include_str!("../../../themes/default/templates/comment_refused.html"),
    ),
    (
        "pagination.html",
        include_str!("../../../themes/default/templates/pagination.html"),
    ),
    (
        "error.html",
        include_str!("../../../themes/default/templates/error.html"),
    ),
    // The admin's own pages: part of byline, not of a theme.
    ("admin/base.html", include_str!("../admin/templates/base.html")),
    ("admin/login.html", include_str!("../admin/templates/login.html")),
    ("admin/setup.html", include_str!("../admin/templates/setup.html")),
    (
        "admin/dashboard.html",
        include_str!("../admin/templates/dashboard.html"),
    ),
    ("admin/message.html", include_str!("../admin/templates/message.html")),
    ("admin/comments.html", include_str!("../admin/templates/comments.html")),
    (
        "admin/comment_edit.html",
        include_str!("../admin/templates/comment_edit.html"),
    ),
    (
        "admin/article_list.html",
        include_str!("../admin/templates/article_list.html"),
    ),
    (
        "admin/article_edit.html",
        include_str!("../admin/templates/article_edit.html"),
    ),
    (
        "admin/revisions.html",
        include_str!("../admin/templates/revisions.html"),
    ),
    ("admin/fields.html", include_str!("../admin/templates/fields.html")),
    ("admin/settings.html", include_str!("../admin/templates/settings.html")),
    ("admin/users.html", include_str!("../admin/templates/users.html")),
    ("admin/profile.html", include_str!("../admin/templates/profile.html")),
    ("admin/authors.html", include_str!("../admin/templates/authors.html")),
];

/// Escapes strings the way HTML needs (`& < > " '`) and no more, so URLs
/// stay readable in the page source; everything else is minijinja's default.
fn html_formatter(out: &mut Output, state: &State, value: &Value) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(s) if state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
            let mut escaped = String::with_capacity(s.len() + 8);
            for c in s.chars() {
                match c {
                    '&' => escaped.push_str("&amp;"),
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '"' => escaped.push_str("&quot;"),
                    '\'' => escaped.push_str("&#39;"),
                    c => escaped.push(c),
                }
            }
            out.write_str(&escaped).map_err(minijinja::Error::from)
        }
        _ => escape_formatter(out, state, value),
    }
}

/// A template failed to render: a bug in a theme, reported to the operator.
#[derive(Debug, thiserror::Error)]
#[error("template error: {0:#}")]
pub struct RenderError(#[from] minijinja::Error);

/// The theme, ready to render pages.
pub struct Renderer {
    env: Environment<'static>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// Loads the embedded default theme.
    pub fn new() -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        env.set_formatter(html_formatter);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .expect("the embedded theme's templates parse");
        }
        let style = format!("/static/style.css?v={}", fingerprint("style.css"));
        env.add_global("stylesheet_url", Value::from(style));
        for (global, file) in [("admin_css_url", "admin.css"), ("admin_js_url", "admin.js")] {
            env.add_global(global, Value::from(format!("/static/{file}?v={}", fingerprint(file))));
        }
        Self { env }
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, RenderError> {
        Ok(self.env.get_template(name)?.render(context)?)
    }
}
