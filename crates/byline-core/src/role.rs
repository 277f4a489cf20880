//! Who may do what in the admin, with WordPress's four roles. Every admin
//! handler asks [`allows`] before acting, whatever the form or URL claims.

use std::fmt;

/// A user's role, as WordPress defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Writes drafts and submits them for review; publishes nothing.
    Contributor,
    /// Writes and publishes their own articles and moderates comments on them.
    Author,
    /// All articles and all comments.
    Editor,
    /// Everything, including users and settings.
    Administrator,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 4] = [Role::Contributor, Role::Author, Role::Editor, Role::Administrator];

    /// Reads a stored or typed role name.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "contributor" => Some(Role::Contributor),
            "author" => Some(Role::Author),
            "editor" => Some(Role::Editor),
            "administrator" | "admin" => Some(Role::Administrator),
            _ => None,
        }
    }

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Administrator => "administrator",
        }
    }

    /// Shown form.
    pub fn label(self) -> &'static str {
        match self {
            Role::Contributor => "Contributor",
            Role::Author => "Author",
            Role::Editor => "Editor",
            Role::Administrator => "Administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a user asks to do. `own` says whether the article (or the
/// article a comment is on, or the profile) is the user's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Change site settings.
    ManageSettings,
    /// Add users, change roles, reset passwords.
    ManageUsers,
    /// Write a new article (as themselves).
    CreateArticle,
    /// Create, edit and delete pages (WordPress's `edit_pages`), on top of
    /// what the article actions allow.
    WritePages,
    /// Open and save an existing article.
    EditArticle {
        /// The user's own article.
        own: bool,
        /// It is published (or scheduled or private): past review.
        published: bool,
    },
    /// Make an article public, schedule it, or make it private.
    PublishArticle {
        /// The user's own article.
        own: bool,
    },
    /// Move an article to the trash, restore it, or delete it.
    DeleteArticle {
        /// The user's own article.
        own: bool,
        /// It is published: past review.
        published: bool,
    },
    /// Put an article under another author's byline.
    AssignAuthor,
    /// Approve, edit, reply to, spam, trash or delete a comment.
    ModerateComment {
        /// The comment is on the user's own article.
        own_article: bool,
    },
    /// See commenters' email addresses in the queue.
    SeeCommenterEmail,
    /// Edit an author's public profile.
    EditProfile {
        /// The user's own profile.
        own: bool,
        /// The role of the profile's owner; `None` for an author who cannot
        /// sign in (an imported one, say).
        owner: Option<Role>,
    },
}

/// Whether `role` may do `action` (WordPress's capability map, reduced to
/// what byline has).
pub fn allows(role: Role, action: Action) -> bool {
    use Role::*;
    match action {
        Action::ManageSettings | Action::ManageUsers | Action::SeeCommenterEmail => role == Administrator,
        Action::CreateArticle => true,
        Action::WritePages => role >= Editor,
        Action::EditArticle { own, published } => match role {
            Administrator | Editor => true,
            Author => own,
            Contributor => own && !published,
        },
        Action::PublishArticle { own } => match role {
            Administrator | Editor => true,
            Author => own,
            Contributor => false,
        },
        Action::DeleteArticle { own, published } => match role {
            Administrator | Editor => true,
            Author => own,
            Contributor => own && !published,
        },
        Action::AssignAuthor => role >= Editor,
        Action::ModerateComment { own_article } => match role {
            Administrator | Editor => true,
            Author => own_article,
            Contributor => false,
        },
        // WordPress lets only administrators edit other users; byline lets
        // editors edit the public profiles of those below them too.
        Action::EditProfile { own, owner } => match role {
            _ if own => true,
            Administrator => true,
            Editor => owner.is_none_or(|r| r < Editor),
            Author | Contributor => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), Some(Role::Administrator));
        assert_eq!(Role::parse("owner"), None);
    }

    #[test]
    fn wordpress_meanings() {
        use Action::*;
        use Role::*;
        assert!(allows(
            Contributor,
            EditArticle {
                own: true,
                published: false
            }
        ));
        assert!(!allows(
            Contributor,
            EditArticle {
                own: true,
                published: true
            }
        ));
        assert!(!allows(Contributor, PublishArticle { own: true }));
        assert!(!allows(Contributor, ModerateComment { own_article: true }));
        assert!(allows(Author, PublishArticle { own: true }));
        assert!(!allows(Author, PublishArticle { own: false }));
        assert!(!allows(
            Author,
            EditArticle {
                own: false,
                published: false
            }
        ));
        assert!(allows(Author, ModerateComment { own_article: true }));
        assert!(!allows(Author, ModerateComment { own_article: false }));
        assert!(allows(
            Editor,
            EditArticle {
                own: false,
                published: true
            }
        ));
        assert!(allows(Editor, ModerateComment { own_article: false }));
        assert!(!allows(Editor, ManageSettings));
        assert!(!allows(Editor, ManageUsers));
        assert!(allows(
            Editor,
            EditProfile {
                own: false,
                owner: Some(Author)
            }
        ));
        assert!(allows(
            Editor,
            EditProfile {
                own: false,
                owner: Some(Contributor)
            }
        ));
        assert!(allows(
            Editor,
            EditProfile {
                own: false,
                owner: None
            }
        ));
        assert!(!allows(
            Editor,
            EditProfile {
                own: false,
                owner: Some(Editor)
            }
        ));
        assert!(!allows(
            Editor,
            EditProfile {
                own: false,
                owner: Some(Administrator)
            }
        ));
        assert!(allows(
            Editor,
            EditProfile {
                own: true,
                owner: Some(Editor)
            }
        ));
        assert!(allows(
            Administrator,
            EditProfile {
                own: false,
                owner: Some(Administrator)
            }
        ));
        assert!(!allows(
            Author,
            EditProfile {
                own: false,
                owner: Some(Contributor)
            }
        ));
        assert!(allows(
            Contributor,
            EditProfile {
                own: true,
                owner: Some(Contributor)
            }
        ));
        assert!(!allows(Contributor, WritePages));
        assert!(!allows(Author, WritePages), "WordPress authors have no edit_pages");
        assert!(allows(Editor, WritePages));
        assert!(allows(Administrator, ManageUsers));
    }
}
