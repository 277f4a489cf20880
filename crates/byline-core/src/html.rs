//! HTML that is safe to put in a page as is.

use std::fmt;

/// HTML that went through one of byline's sanitisers. Only this crate can
/// make one, so a template that outputs it unescaped cannot be handed
/// unchecked text by mistake.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SanitizedHtml(String);

impl SanitizedHtml {
    pub(crate) fn new(html: String) -> Self {
        Self(html)
    }

    /// The markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The markup, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for SanitizedHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
