//! The standalone dashboard is two builds of one crate: the pages a signed-out person
//! sees (the login bundle) and the settings. Which address belongs to which is one rule,
//! used by the reference server (which page's HTML to answer) and by the dashboard (a move
//! to a page of the other build is a full page load, not a client-side navigation).

/// One build of the standalone dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// `/`, the login screen, the sign-in callback, setup, the signed-out address, the
    /// redirect-URI help, and every address no page has (its not-found page).
    Login,
    /// `/settings` and everything under it (with a not-found page of its own).
    Settings,
}

impl Bundle {
    /// The HTML file of this build in the combined `dist/` (`scripts/build.sh`).
    pub fn html_file(self) -> &'static str {
        match self {
            Bundle::Login => "login.html",
            Bundle::Settings => "settings.html",
        }
    }
}

/// The build that serves `path` (an app path; a query or fragment is ignored).
pub fn bundle_of(path: &str) -> Bundle {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    match path.strip_prefix("/settings") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => Bundle::Settings,
        _ => Bundle::Login,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_and_everything_under_them_are_the_settings_build() {
        for path in [
            "/settings",
            "/settings/",
            "/settings/identity-providers",
            "/settings/identity-providers/new?saved=1",
            "/settings/groups#top",
            "/settings/users?filter=pending",
            "/settings/nowhere",
        ] {
            assert_eq!(bundle_of(path), Bundle::Settings, "{path}");
        }
    }

    #[test]
    fn the_signed_out_pages_and_unknown_addresses_are_the_login_build() {
        for path in [
            "/",
            "",
            "/login",
            "/login?return_to=/settings/groups",
            "/auth/callback?code=x",
            "/setup",
            "/signed-out",
            "/help/redirect-uri",
            "/settingsx",
            "/nowhere",
            "/?next=/settings",
        ] {
            assert_eq!(bundle_of(path), Bundle::Login, "{path}");
        }
    }

    #[test]
    fn each_build_has_its_own_html_file() {
        assert_eq!(Bundle::Login.html_file(), "login.html");
        assert_eq!(Bundle::Settings.html_file(), "settings.html");
    }
}
