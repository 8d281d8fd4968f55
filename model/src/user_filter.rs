//! The Users page's filters: by status, role and the way a person signs in, and a search
//! over name and email. One rule, tested here, for the page's rows and its counts.

use crate::{Role, User};

/// Which statuses to show (a person waiting for approval is stored blocked too, but is
/// shown and filtered as waiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    Any,
    Active,
    Pending,
    Blocked,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 4] = [
        StatusFilter::Any,
        StatusFilter::Active,
        StatusFilter::Pending,
        StatusFilter::Blocked,
    ];

    /// The value of its `<option>`.
    pub fn value(self) -> &'static str {
        match self {
            StatusFilter::Any => "",
            StatusFilter::Active => "active",
            StatusFilter::Pending => "pending",
            StatusFilter::Blocked => "blocked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Any => "Any status",
            StatusFilter::Active => "Active",
            StatusFilter::Pending => "Pending approval",
            StatusFilter::Blocked => "Blocked",
        }
    }

    pub fn parse(value: &str) -> StatusFilter {
        StatusFilter::ALL
            .into_iter()
            .find(|s| s.value() == value)
            .unwrap_or_default()
    }

    fn admits(self, user: &User) -> bool {
        match self {
            StatusFilter::Any => true,
            StatusFilter::Pending => user.pending_approval,
            StatusFilter::Blocked => user.is_blocked && !user.pending_approval,
            StatusFilter::Active => !user.is_blocked,
        }
    }
}

/// How people sign in: any way, email and password, or one provider (by id).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SignInFilter {
    #[default]
    Any,
    EmailAndPassword,
    Provider(String),
}

impl SignInFilter {
    /// The value of its `<option>`: empty, `local`, or `provider:<id>`.
    pub fn value(&self) -> String {
        match self {
            SignInFilter::Any => String::new(),
            SignInFilter::EmailAndPassword => "local".into(),
            SignInFilter::Provider(id) => format!("provider:{id}"),
        }
    }

    pub fn parse(value: &str) -> SignInFilter {
        match value {
            "local" => SignInFilter::EmailAndPassword,
            other => other
                .strip_prefix("provider:")
                .filter(|id| !id.is_empty())
                .map_or(SignInFilter::Any, |id| {
                    SignInFilter::Provider(id.to_string())
                }),
        }
    }

    fn admits(&self, user: &User) -> bool {
        match self {
            SignInFilter::Any => true,
            SignInFilter::EmailAndPassword => user.idp_id.is_none(),
            SignInFilter::Provider(id) => user.idp_id.as_deref() == Some(id.as_str()),
        }
    }
}

/// Everything the Users page filters by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserFilter {
    /// Part of a name or an email, any case; blank shows everyone.
    pub search: String,
    pub status: StatusFilter,
    pub role: Option<Role>,
    pub sign_in: SignInFilter,
}

impl UserFilter {
    pub fn admits(&self, user: &User) -> bool {
        let search = self.search.trim().to_lowercase();
        let found = search.is_empty()
            || user.name.to_lowercase().contains(&search)
            || user.email.to_lowercase().contains(&search);
        found
            && self.status.admits(user)
            && self.role.is_none_or(|role| user.role == role)
            && self.sign_in.admits(user)
    }

    /// Whether anything is filtered at all.
    pub fn is_active(&self) -> bool {
        !self.search.trim().is_empty()
            || self.status != StatusFilter::Any
            || self.role.is_some()
            || self.sign_in != SignInFilter::Any
    }
}

/// "3 users", or "2 of 7 users" when a filter hides some.
pub fn user_count(shown: usize, all: usize) -> String {
    let noun = if all == 1 { "user" } else { "users" };
    if shown == all {
        format!("{all} {noun}")
    } else {
        format!("{shown} of {all} {noun}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, role: &str, idp: Option<&str>, blocked: bool, pending: bool) -> User {
        serde_json::from_value(serde_json::json!({
            "id": name, "email": format!("{}@Example.com", name.to_lowercase()), "name": name,
            "role": role, "auto_groups": [], "status": "active", "is_blocked": blocked,
            "pending_approval": pending, "idp_id": idp,
        }))
        .unwrap()
    }

    fn shown(users: &[User], filter: &UserFilter) -> Vec<String> {
        users
            .iter()
            .filter(|u| filter.admits(u))
            .map(|u| u.name.clone())
            .collect()
    }

    #[test]
    fn each_filter_and_the_search_narrow_the_list_together() {
        let users = [
            person("Olivia", "owner", None, false, false),
            person("Alice", "user", Some("pocketid-1"), false, false),
            person("Bob", "user", Some("pocketid-1"), true, true),
            person("Carol", "admin", Some("zitadel-2"), true, false),
        ];
        let all = UserFilter::default();
        assert_eq!(shown(&users, &all).len(), 4);
        assert!(!all.is_active());
        let by = |f: UserFilter| shown(&users, &f);
        assert_eq!(
            by(UserFilter {
                status: StatusFilter::Pending,
                ..all.clone()
            }),
            ["Bob"]
        );
        // Waiting is not counted as blocked, and neither is active.
        assert_eq!(
            by(UserFilter {
                status: StatusFilter::Blocked,
                ..all.clone()
            }),
            ["Carol"]
        );
        assert_eq!(
            by(UserFilter {
                status: StatusFilter::Active,
                ..all.clone()
            }),
            ["Olivia", "Alice"]
        );
        assert_eq!(
            by(UserFilter {
                role: Some(Role::User),
                ..all.clone()
            }),
            ["Alice", "Bob"]
        );
        assert_eq!(
            by(UserFilter {
                sign_in: SignInFilter::EmailAndPassword,
                ..all.clone()
            }),
            ["Olivia"]
        );
        let pocket = SignInFilter::Provider("pocketid-1".into());
        assert_eq!(
            by(UserFilter {
                sign_in: pocket.clone(),
                ..all.clone()
            }),
            ["Alice", "Bob"]
        );
        // The search reads names and emails in any case, trimmed, with the other filters.
        let search = |s: &str| UserFilter {
            search: s.into(),
            sign_in: pocket.clone(),
            ..all.clone()
        };
        assert_eq!(by(search(" BOB@example ")), ["Bob"]);
        assert_eq!(by(search("ali")), ["Alice"]);
        assert!(by(search("carol")).is_empty());
        assert!(search("x").is_active());
        assert!(!UserFilter {
            search: "  ".into(),
            ..all
        }
        .is_active());
    }

    #[test]
    fn filter_values_read_back_and_counts_say_what_is_hidden() {
        for status in StatusFilter::ALL {
            assert_eq!(StatusFilter::parse(status.value()), status);
        }
        for sign_in in [
            SignInFilter::Any,
            SignInFilter::EmailAndPassword,
            SignInFilter::Provider("p:1".into()),
        ] {
            assert_eq!(SignInFilter::parse(&sign_in.value()), sign_in);
        }
        assert_eq!(SignInFilter::parse("provider:"), SignInFilter::Any);
        assert_eq!(StatusFilter::parse("nonsense"), StatusFilter::Any);
        assert_eq!(user_count(1, 1), "1 user");
        assert_eq!(user_count(3, 3), "3 users");
        assert_eq!(user_count(2, 7), "2 of 7 users");
    }
}
