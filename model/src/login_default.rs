//! The default provider: with one marked, `/login` goes on to it by itself after a visible
//! notice with a Cancel button (WCAG 2.2.1: the person can stop the timed move before it
//! happens), except where going on would be wrong or loop: after a sign-out, with an
//! error or refusal on the page, after `prompt=login`, or at `/login?local=1`, the way back
//! to email sign-in for owners.

use crate::LoginProvider;

/// How long the notice stands before the login screen goes on.
pub const REDIRECT_DELAY_MS: u32 = 5_000;

/// What the login screen knows about this visit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Visit<'a> {
    /// `error=` is on the page (a refusal, a failure, waiting for approval).
    pub error: bool,
    /// The person has just signed out (the sign-out record was read).
    pub signed_out: bool,
    /// `local=` is on the page: email sign-in asked for.
    pub local: bool,
    /// `prompt=` as given to `/login`.
    pub prompt: Option<&'a str>,
}

/// The provider to go on to, if any.
pub fn redirect_target<'a>(
    providers: &'a [LoginProvider],
    visit: &Visit,
) -> Option<&'a LoginProvider> {
    let asks_login = visit
        .prompt
        .is_some_and(|prompt| prompt.split(' ').any(|value| value == "login"));
    if visit.error || visit.signed_out || visit.local || asks_login {
        return None;
    }
    providers.iter().find(|provider| provider.login_default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProviderKind;

    fn provider(id: &str, login_default: bool) -> LoginProvider {
        LoginProvider {
            id: id.into(),
            kind: ProviderKind::Pocketid,
            name: id.into(),
            login_default,
        }
    }

    #[test]
    fn the_marked_provider_is_the_target_unless_the_visit_says_otherwise() {
        let providers = [provider("a", false), provider("pocket", true)];
        let plain = Visit::default();
        assert_eq!(
            redirect_target(&providers, &plain).map(|p| p.id.as_str()),
            Some("pocket")
        );
        assert_eq!(
            redirect_target(&providers[..1], &plain),
            None,
            "none marked"
        );
        for visit in [
            Visit {
                error: true,
                ..plain
            },
            Visit {
                signed_out: true,
                ..plain
            },
            Visit {
                local: true,
                ..plain
            },
            Visit {
                prompt: Some("login"),
                ..plain
            },
            Visit {
                prompt: Some("consent login"),
                ..plain
            },
        ] {
            assert_eq!(redirect_target(&providers, &visit), None, "{visit:?}");
        }
        let select = Visit {
            prompt: Some("select_account"),
            ..plain
        };
        assert!(redirect_target(&providers, &select).is_some());
    }
}
