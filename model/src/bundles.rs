//! The standalone dashboard is three builds of one crate, so that the login screen, the
//! one page every person loads, downloads only itself: the login bundle, the onboarding
//! pages (visited once: setup, an invitation, the redirect-URI help) and the settings.
//! Which address belongs to which is one rule, used by the reference server (which page's
//! HTML to answer) and by the dashboard (a move to a page of another build is a full page
//! load, not a client-side navigation).

/// One build of the standalone dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// `/`, the login screen, the signed-out address, and every address no page has (its
    /// not-found page).
    Login,
    /// The pages a person sees once: `/setup` (the first owner), `/invite` (an
    /// invitation's password) and the redirect-URI help the login screen links to.
    Onboarding,
    /// `/settings` and everything under it (with a not-found page of its own), and the
    /// sign-in callback: a sign-in ends in the settings, so the callback hands over to them
    /// in the same running app instead of through one more full page load.
    Settings,
}

/// The sign-in callback's path (the dashboard's registered redirect URI).
pub const CALLBACK_PATH: &str = "/auth/callback";

/// The onboarding bundle's pages.
pub const ONBOARDING_PATHS: [&str; 3] = ["/setup", "/invite", "/help/redirect-uri"];

impl Bundle {
    /// The HTML file of this build in the combined `dist/` (`scripts/build.sh`).
    pub fn html_file(self) -> &'static str {
        match self {
            Bundle::Login => "login.html",
            Bundle::Onboarding => "onboarding.html",
            Bundle::Settings => "settings.html",
        }
    }
}

/// The build that serves `path` (an app path; a query or fragment is ignored).
pub fn bundle_of(path: &str) -> Bundle {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if path == CALLBACK_PATH {
        return Bundle::Settings;
    }
    if ONBOARDING_PATHS.contains(&path) {
        return Bundle::Onboarding;
    }
    match path.strip_prefix("/settings") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => Bundle::Settings,
        _ => Bundle::Login,
    }
}

/// Where a completed sign-in goes: the page it was asked for, except `/`, which for a
/// signed-in person is the identity providers (what the root page would move on to, one
/// full page load later, since `/` is the login bundle's and the callback the settings').
pub fn after_sign_in(return_to: &str) -> &str {
    if return_to.split(['?', '#']).next() == Some("/") {
        crate::answers::PROVIDERS_PAGE
    } else {
        return_to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_for_the_root_goes_to_the_settings_and_any_other_page_to_itself() {
        assert_eq!(after_sign_in("/"), "/settings/identity-providers");
        assert_eq!(after_sign_in("/?x=1"), "/settings/identity-providers");
        assert_eq!(after_sign_in("/settings/groups"), "/settings/groups");
        assert_eq!(
            after_sign_in("/settings/users?filter=pending"),
            "/settings/users?filter=pending"
        );
        assert_eq!(after_sign_in("/login"), "/login");
    }

    #[test]
    fn the_settings_everything_under_them_and_the_callback_are_the_settings_build() {
        for path in [
            "/settings",
            "/settings/",
            "/settings/identity-providers",
            "/settings/identity-providers/new?saved=1",
            "/settings/groups#top",
            "/settings/users?filter=pending",
            "/settings/nowhere",
            "/auth/callback?code=x&state=y",
            "/auth/callback",
        ] {
            assert_eq!(bundle_of(path), Bundle::Settings, "{path}");
        }
    }

    #[test]
    fn the_pages_seen_once_are_the_onboarding_build() {
        for path in [
            "/setup",
            "/invite?token=abc",
            "/invite#token=abc",
            "/help/redirect-uri",
        ] {
            assert_eq!(bundle_of(path), Bundle::Onboarding, "{path}");
        }
    }

    #[test]
    fn the_login_screen_and_unknown_addresses_are_the_login_build() {
        for path in [
            "/",
            "",
            "/login",
            "/login?return_to=/settings/groups",
            "/signed-out",
            "/settingsx",
            "/setup/more",
            "/help",
            "/auth/callbackx",
            "/nowhere",
            "/?next=/settings",
        ] {
            assert_eq!(bundle_of(path), Bundle::Login, "{path}");
        }
    }

    #[test]
    fn each_build_has_its_own_html_file() {
        assert_eq!(Bundle::Login.html_file(), "login.html");
        assert_eq!(Bundle::Onboarding.html_file(), "onboarding.html");
        assert_eq!(Bundle::Settings.html_file(), "settings.html");
    }
}
