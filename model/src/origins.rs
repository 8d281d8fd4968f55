//! Where the dashboard may sign in from, and whether the server's public URL looks right.
//!
//! One rule, used by the server's authorize and end-session endpoints and by
//! `GET /api/instance` (which tells the page before any click): the dashboard signs in on
//! the public URL's origin, and on plain-http loopback (`127.0.0.1`, `localhost`, any
//! port) only when the public URL is itself loopback or the server runs with `--dev`
//! (`trunk serve` and tests). Anything else would let a page the administrator does not
//! control receive codes, or would sign in on an address whose cookies the public URL
//! never sees.

use crate::issuer::parse_issuer;

/// `scheme://host[:port]` of an absolute URL, lowercased, without a default port
/// (`:80` for http, `:443` for https). `None` when `url` is not absolute.
pub fn origin_of(url: &str) -> Option<String> {
    let parsed = parse_issuer(url.trim())?;
    let scheme = parsed.scheme.to_ascii_lowercase();
    let host = parsed.host.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => Some("80"),
        "https" => Some("443"),
        _ => None,
    };
    Some(match parsed.port {
        Some(port) if Some(port) != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// Whether `url`'s host is loopback (`127.x.x.x`, `::1`, `localhost`).
pub fn is_loopback_url(url: &str) -> bool {
    parse_issuer(url.trim()).is_some_and(|u| u.is_loopback())
}

/// Whether a dashboard page on `origin` may sign in through the embedded IdP of a server
/// whose public URL is `public_url`. `dev` is the server's `--dev` flag.
pub fn origin_may_sign_in(public_url: &str, dev: bool, origin: &str) -> bool {
    let Some(origin) = origin_of(origin) else {
        return false;
    };
    if origin_of(public_url).as_deref() == Some(origin.as_str()) {
        return true;
    }
    let loopback_allowed = dev || is_loopback_url(public_url);
    loopback_allowed && origin.starts_with("http://") && is_loopback_url(&origin)
}

/// Whether `candidate` is an acceptable dashboard redirect (`/auth/callback`) or
/// post-logout (`/login`) URI: exactly `path` on an origin that may sign in, with no
/// query, fragment or user info.
pub fn dashboard_uri_allowed(public_url: &str, dev: bool, candidate: &str, path: &str) -> bool {
    let Some(parsed) = parse_issuer(candidate) else {
        return false;
    };
    let (authority, _) = candidate
        .split_once("://")
        .map(|(_, rest)| rest.split_once('/').unwrap_or((rest, "")))
        .unwrap_or_default();
    parsed.path == path
        && parsed.query.is_none()
        && parsed.fragment.is_none()
        && !authority.contains('@')
        && origin_may_sign_in(public_url, dev, &parsed.origin())
}

/// Why the Redirect URL the server sends is probably not the address providers should
/// send users to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicUrlProblem {
    /// The URL names `0.0.0.0` (or `::`), which no browser can be sent to.
    Unspecified,
    /// The URL is loopback while the page is not: a provider would send users to their
    /// own machine.
    Loopback,
    /// The page is https but the URL is http.
    PlainHttp,
}

impl PublicUrlProblem {
    /// One sentence: what is wrong and why it matters.
    pub fn explanation(self) -> &'static str {
        match self {
            PublicUrlProblem::Unspecified => "The server's public URL names 0.0.0.0, an address no browser can be sent to: the provider would send users nowhere after they sign in.",
            PublicUrlProblem::Loopback => "The server's public URL is a loopback address (127.0.0.1 or localhost), but you opened this page at another address: the provider would send users to their own computer after they sign in.",
            PublicUrlProblem::PlainHttp => "This page is served over https, but the server's public URL is http: the provider would send users to an unencrypted address, and most providers refuse it.",
        }
    }
}

/// Check the Redirect URL the server sends against the page's own origin.
pub fn public_url_problem(redirect_url: &str, page_origin: &str) -> Option<PublicUrlProblem> {
    let url = parse_issuer(redirect_url.trim())?;
    let page = parse_issuer(page_origin.trim())?;
    let host = url.host.trim_start_matches('[').trim_end_matches(']');
    if host == "0.0.0.0" || host == "::" {
        return Some(PublicUrlProblem::Unspecified);
    }
    if url.is_loopback() && !page.is_loopback() {
        return Some(PublicUrlProblem::Loopback);
    }
    if page.scheme.eq_ignore_ascii_case("https") && url.scheme.eq_ignore_ascii_case("http") {
        return Some(PublicUrlProblem::PlainHttp);
    }
    None
}

/// The public URL a `redirect_url` (`<public URL>/oauth2/callback`) was built from.
pub fn public_url_of_redirect(redirect_url: &str) -> &str {
    redirect_url
        .strip_suffix("/oauth2/callback")
        .unwrap_or(redirect_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            origin_of("HTTPS://QuFabric.Example.com:443/x?y").as_deref(),
            Some("https://qufabric.example.com")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:80").as_deref(),
            Some("http://127.0.0.1")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080/").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("not a url"), None);
    }

    #[test]
    fn the_public_origin_may_always_sign_in() {
        let public = "https://qufabric.example.com";
        assert!(origin_may_sign_in(
            public,
            false,
            "https://qufabric.example.com"
        ));
        assert!(origin_may_sign_in(
            public,
            false,
            "https://QUFABRIC.example.com:443"
        ));
        assert!(!origin_may_sign_in(
            public,
            false,
            "http://qufabric.example.com"
        ));
        assert!(!origin_may_sign_in(public, false, "https://evil.example"));
        assert!(!origin_may_sign_in(
            public,
            false,
            "http://192.168.1.5:8080"
        ));
    }

    #[test]
    fn loopback_only_with_dev_or_a_loopback_public_url() {
        let public = "https://qufabric.example.com";
        assert!(!origin_may_sign_in(public, false, "http://127.0.0.1:8081"));
        assert!(!origin_may_sign_in(public, false, "http://localhost:8081"));
        assert!(origin_may_sign_in(public, true, "http://127.0.0.1:8081"));
        assert!(origin_may_sign_in(public, true, "http://localhost:3000"));
        // Only plain http on loopback, never another host in dev mode.
        assert!(!origin_may_sign_in(public, true, "https://127.0.0.1:8081"));
        assert!(!origin_may_sign_in(public, true, "http://192.168.1.5:8080"));
        // A loopback public URL allows the other loopback names and ports.
        let local = "http://localhost:8080";
        assert!(origin_may_sign_in(local, false, "http://127.0.0.1:8080"));
        assert!(origin_may_sign_in(local, false, "http://127.0.0.1:8081"));
        assert!(!origin_may_sign_in(local, false, "http://10.0.0.2:8080"));
    }

    #[test]
    fn dashboard_uris_are_exact() {
        let public = "https://qufabric.example.com";
        assert!(dashboard_uri_allowed(
            public,
            false,
            "https://qufabric.example.com/auth/callback",
            "/auth/callback"
        ));
        assert!(dashboard_uri_allowed(
            public,
            true,
            "http://127.0.0.1:8081/auth/callback",
            "/auth/callback"
        ));
        assert!(dashboard_uri_allowed(
            public,
            true,
            "http://localhost/login",
            "/login"
        ));
        assert!(!dashboard_uri_allowed(
            public,
            false,
            "http://127.0.0.1:8081/auth/callback",
            "/auth/callback"
        ));
        for refused in [
            "https://evil.example/auth/callback",
            "https://qufabric.example.com/auth/callback?x=1",
            "https://qufabric.example.com/auth/callback#x",
            "https://qufabric.example.com/auth/callback/",
            "https://qufabric.example.com/other",
            "http://qufabric.example.com/auth/callback",
            "https://127.0.0.1/auth/callback",
            "http://user@127.0.0.1/auth/callback",
            "http://127.0.0.1.evil.example/auth/callback",
            "not a url",
        ] {
            assert!(
                !dashboard_uri_allowed(public, true, refused, "/auth/callback"),
                "{refused}"
            );
        }
    }

    #[test]
    fn public_url_problems_follow_the_page() {
        let loopback = "http://127.0.0.1:8080/oauth2/callback";
        assert_eq!(
            public_url_problem(loopback, "http://192.168.1.5:8080"),
            Some(PublicUrlProblem::Loopback)
        );
        assert_eq!(public_url_problem(loopback, "http://localhost:8081"), None);
        assert_eq!(
            public_url_problem("http://0.0.0.0:8080/oauth2/callback", "http://0.0.0.0:8080"),
            Some(PublicUrlProblem::Unspecified)
        );
        assert_eq!(
            public_url_problem(
                "http://qufabric.example.com/oauth2/callback",
                "https://qufabric.example.com"
            ),
            Some(PublicUrlProblem::PlainHttp)
        );
        assert_eq!(
            public_url_problem(
                "https://qufabric.example.com/oauth2/callback",
                "http://10.0.0.2:8080"
            ),
            None
        );
        assert_eq!(
            public_url_of_redirect("https://q.example.com/oauth2/callback"),
            "https://q.example.com"
        );
    }
}
