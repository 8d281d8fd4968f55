//! The attributes of the embedded elements, checked before anything mounts: a wrong value
//! shows a sentence inside the element and in the console, never a panic.

use crate::origins::origin_of;

/// The management API's origin from `api-origin`; absent or empty means the page's own.
pub fn api_origin(value: Option<&str>, page_origin: &str) -> Result<String, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(page_origin.trim_end_matches('/').to_string());
    };
    let refuse = || {
        format!(
            "api-origin \"{value}\" is not an origin: write the management server's scheme, host and port only, such as https://qufabric.example.com"
        )
    };
    let origin = origin_of(value).ok_or_else(refuse)?;
    let scheme_ok = origin.starts_with("http://") || origin.starts_with("https://");
    // Only the origin itself (with or without a final slash) is accepted: a path here
    // would be silently dropped and requests would go somewhere else than written.
    let bare = value.trim_end_matches('/').eq_ignore_ascii_case(&origin)
        || value
            .trim_end_matches('/')
            .eq_ignore_ascii_case(&with_default_port(&origin));
    if scheme_ok && bare {
        Ok(origin)
    } else {
        Err(refuse())
    }
}

fn with_default_port(origin: &str) -> String {
    if origin.starts_with("https://") {
        format!("{origin}:443")
    } else {
        format!("{origin}:80")
    }
}

/// `base-path`: absent means navigation stays inside the element; otherwise an absolute
/// path without query or fragment, kept without its final slash.
pub fn base_path(value: Option<&str>) -> Result<Option<String>, String> {
    let Some(value) = value.map(str::trim) else {
        return Ok(None);
    };
    let valid = value.starts_with('/')
        && !value.starts_with("//")
        && !value.contains(['?', '#', ' ', '\\']);
    if valid {
        Ok(Some(value.trim_end_matches('/').to_string()))
    } else {
        Err(format!(
            "base-path \"{value}\" must be a path on this site, such as /settings/sso"
        ))
    }
}

/// `theme`: `light`, `dark`, or absent (follow the system).
pub fn theme(value: Option<&str>) -> Result<(), String> {
    match value {
        None | Some("light") | Some("dark") => Ok(()),
        Some(other) => Err(format!(
            "theme \"{other}\" is not light or dark (leave it out to follow the system)"
        )),
    }
}

/// `chrome`: absent (the element draws its own card and page heading) or `none` (it sits
/// in the host's layout, which shows the heading). `Ok(true)` when the element draws them.
pub fn own_chrome(value: Option<&str>) -> Result<bool, String> {
    match value.map(str::trim) {
        None => Ok(true),
        Some("none") => Ok(false),
        Some(other) => Err(format!(
            "chrome \"{other}\" is not none (leave it out for the element's own card and heading)"
        )),
    }
}

/// What an element says when the host page's Content-Security-Policy blocked its request
/// to `origin` under `directive` (the violation's effective directive, e.g. `connect-src`):
/// which directive blocks what, and what to add.
pub fn policy_advice(directive: &str, origin: &str) -> String {
    let directive = if directive.trim().is_empty() {
        "connect-src"
    } else {
        directive.trim()
    };
    format!(
        "This page's Content-Security-Policy blocks requests to the management server at {origin} ({directive}). Add {origin} to {directive} in the policy the page is served with."
    )
}

#[cfg(test)]
mod tests {
    use super::policy_advice;

    #[test]
    fn a_blocking_policy_is_explained_with_what_to_add() {
        let advice = policy_advice("connect-src", "https://qufabric.example.com");
        assert!(advice.contains("(connect-src)"), "{advice}");
        assert!(
            advice.contains("Add https://qufabric.example.com to connect-src"),
            "{advice}"
        );
        // A violation without a directive is still about connecting.
        assert!(policy_advice(" ", "https://a.example").contains("to connect-src"));
    }

    use super::*;

    #[test]
    fn api_origin_is_an_origin_or_the_pages_own() {
        let page = "https://host.example";
        assert_eq!(api_origin(None, page).as_deref(), Ok(page));
        assert_eq!(api_origin(Some(" "), page).as_deref(), Ok(page));
        assert_eq!(
            api_origin(Some("http://127.0.0.1:8080/"), page).as_deref(),
            Ok("http://127.0.0.1:8080")
        );
        assert_eq!(
            api_origin(Some("HTTPS://QF.example.com:443"), page).as_deref(),
            Ok("https://qf.example.com")
        );
        for wrong in [
            "qf.example.com",
            "https://qf.example.com/api",
            "ftp://qf.example.com",
            "https://",
        ] {
            let error = api_origin(Some(wrong), page).expect_err(wrong);
            assert!(error.contains("is not an origin"), "{error}");
        }
    }

    #[test]
    fn base_path_is_a_plain_absolute_path() {
        assert_eq!(base_path(None), Ok(None));
        assert_eq!(
            base_path(Some("/admin/sso/")),
            Ok(Some("/admin/sso".into()))
        );
        assert_eq!(base_path(Some("/")), Ok(Some(String::new())));
        for wrong in ["admin", "//evil.example", "/a?b", "/a#b"] {
            assert!(base_path(Some(wrong)).is_err(), "{wrong}");
        }
    }

    #[test]
    fn chrome_is_none_or_absent() {
        assert_eq!(own_chrome(None), Ok(true));
        assert_eq!(own_chrome(Some("none")), Ok(false));
        assert!(own_chrome(Some("minimal"))
            .unwrap_err()
            .contains("is not none"));
    }

    #[test]
    fn theme_is_light_dark_or_absent() {
        assert!(theme(None).is_ok() && theme(Some("dark")).is_ok() && theme(Some("light")).is_ok());
        assert!(theme(Some("blue"))
            .unwrap_err()
            .contains("not light or dark"));
    }
}
