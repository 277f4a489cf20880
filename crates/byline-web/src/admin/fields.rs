//! Form fields as the settings, users and profile pages draw them (the
//! `field` macro of `admin/fields.html`): a label, the value as typed, a
//! hint and a message, tied to the control with `aria-describedby` and
//! `aria-invalid`.

use serde::Serialize;

/// One choice of a menu or of radio buttons.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// What the reader sees.
    pub label: String,
}

/// Choices under a heading (`<optgroup>`); an empty label means none.
#[derive(Debug, Clone, Serialize)]
pub struct ChoiceGroup {
    /// The group's heading.
    pub label: String,
    /// Its choices.
    pub choices: Vec<Choice>,
}

/// A form control with its label, hint and message.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    id: String,
    name: &'static str,
    label: String,
    /// `text`, `email`, `url`, `password`, `number` (a text box with a
    /// numeric keyboard, so what was typed comes back as typed),
    /// `textarea`, `select` or `radio`.
    kind: &'static str,
    value: String,
    hint: Option<String>,
    error: Option<String>,
    groups: Vec<ChoiceGroup>,
    maxlength: Option<usize>,
    autocomplete: Option<&'static str>,
    rows: Option<u32>,
}

impl Field {
    /// A control named `name` (also its id).
    pub fn new(name: &'static str, kind: &'static str, label: impl Into<String>) -> Self {
        Self {
            id: name.to_owned(),
            name,
            label: label.into(),
            kind,
            value: String::new(),
            hint: None,
            error: None,
            groups: Vec::new(),
            maxlength: None,
            autocomplete: None,
            rows: None,
        }
    }

    /// Another id, when a page has several controls of one name.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// What the control holds.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    /// A line under the control.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// What is wrong with the value, if anything.
    pub fn error(mut self, error: Option<String>) -> Self {
        self.error = error;
        self
    }

    /// The browser stops typing at `n` characters.
    pub fn maxlength(mut self, n: usize) -> Self {
        self.maxlength = Some(n);
        self
    }

    /// What a password manager or the browser may fill in.
    pub fn autocomplete(mut self, what: &'static str) -> Self {
        self.autocomplete = Some(what);
        self
    }

    /// Height of a text area.
    pub fn rows(mut self, rows: u32) -> Self {
        self.rows = Some(rows);
        self
    }

    /// The choices of a menu or radio group, without headings.
    pub fn choices<V: Into<String>, L: Into<String>>(self, choices: impl IntoIterator<Item = (V, L)>) -> Self {
        self.groups([(String::new(), choices)])
    }

    /// The choices of a menu, under headings.
    pub fn groups<G, V, L, C>(mut self, groups: impl IntoIterator<Item = (G, C)>) -> Self
    where
        G: Into<String>,
        V: Into<String>,
        L: Into<String>,
        C: IntoIterator<Item = (V, L)>,
    {
        self.groups = groups
            .into_iter()
            .map(|(label, choices)| ChoiceGroup {
                label: label.into(),
                choices: choices
                    .into_iter()
                    .map(|(value, label)| Choice {
                        value: value.into(),
                        label: label.into(),
                    })
                    .collect(),
            })
            .collect();
        self
    }

    /// The label.
    pub fn label(&self) -> &str {
        &self.label
    }
}
