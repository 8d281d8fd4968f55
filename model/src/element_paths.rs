//! Where an embedded Identity Providers element is, in its three spellings:
//! - the app's own path, which the pages read: `/settings/identity-providers/new`;
//! - the element's sub-path, which the host hears in `qufabric:location-change` and gives
//!   back through `location`: `/new` (the list is `/`, a provider `/<id>`);
//! - the address-bar path under `base-path` (hosts without a router): `/admin/sso/new`.
//!
//! and the `href` its in-element links carry, which must be an address the host serves.

use crate::answers::PROVIDERS_PAGE;

/// The address-bar path of an app path under `base`:
/// (`/admin/sso`, `/settings/identity-providers/new`) → `/admin/sso/new`.
pub fn to_browser_path(base: &str, app_path: &str) -> String {
    let base = base.trim_end_matches('/');
    let rest = app_path.strip_prefix(PROVIDERS_PAGE).unwrap_or(app_path);
    if rest.is_empty() || rest.starts_with('?') {
        format!("{base}/{rest}")
    } else {
        format!("{base}{rest}")
    }
}

/// The app path an address-bar path under `base` stands for; `None` outside `base`.
pub fn from_browser_path(base: &str, browser_path: &str) -> Option<String> {
    let base = base.trim_end_matches('/');
    let rest = browser_path.strip_prefix(base)?;
    if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')) {
        return None;
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    Some(if rest.is_empty() || rest.starts_with('?') {
        format!("{PROVIDERS_PAGE}{rest}")
    } else {
        format!("{PROVIDERS_PAGE}/{rest}")
    })
}

/// The element's sub-path of an app path: `/settings/identity-providers/new` → `/new`.
pub fn sub_path(app_path: &str) -> String {
    to_browser_path("", app_path)
}

/// The app path of a `location` the host gives: a sub-path such as `/`, `/new`, `/<id>`
/// or `/?q=pocket`. Anything else is refused with a sentence for the console.
pub fn from_sub_path(location: &str) -> Result<String, String> {
    let location = location.trim();
    let (path, _) = location.split_once('?').unwrap_or((location, ""));
    let valid = path.starts_with('/')
        && !path.starts_with("//")
        && !location.contains(['#', '\\', ' '])
        && !path.split('/').any(|segment| segment == "..");
    match from_browser_path("", location) {
        Some(app) if valid => Ok(app),
        _ => Err(format!(
            "location \"{location}\" is not one of this element's places: write / for the list, /new for a new provider or /<id> for a provider"
        )),
    }
}

/// The `href` of an in-element link to `app_path`. Under `base-path` the address bar's
/// own path; with `href-template` (`/settings?tab=sso&at={path}`) the host's address for
/// that sub-path (percent-encoded into the template); otherwise the host page's current
/// address, which exists: an element knows no other address of its host, and the API
/// server need not serve the standalone dashboard.
pub fn link_href(
    app_path: &str,
    base_path: Option<&str>,
    href_template: Option<&str>,
    host_address: &str,
) -> String {
    if let Some(base) = base_path {
        return to_browser_path(base, app_path);
    }
    match href_template {
        Some(template) => template.replace("{path}", &encode_component(&sub_path(app_path))),
        None => host_address.to_string(),
    }
}

/// `href-template`: absent, or an address on the host's site with one `{path}`.
pub fn href_template(value: Option<&str>) -> Result<Option<String>, String> {
    let Some(value) = value.map(str::trim) else {
        return Ok(None);
    };
    let valid = value.starts_with('/')
        && !value.starts_with("//")
        && value.matches("{path}").count() == 1
        && !value.contains([' ', '\\']);
    if valid {
        Ok(Some(value.to_string()))
    } else {
        Err(format!(
            "href-template \"{value}\" must be a path on this site with {{path}} once, such as /settings?tab=sso&at={{path}}"
        ))
    }
}

/// Percent-encoding for a query value: the path segment's, with `/` kept readable in the
/// host's address bar (a query value may hold it).
fn encode_component(text: &str) -> String {
    crate::answers::endpoints::encode_segment(text).replace("%2F", "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_paths_map_to_the_address_bar_under_a_base_path_and_back() {
        let cases = [
            ("/settings/identity-providers", "/admin/sso/"),
            ("/settings/identity-providers/new", "/admin/sso/new"),
            (
                "/settings/identity-providers/p-1?saved=1",
                "/admin/sso/p-1?saved=1",
            ),
        ];
        for (app, browser) in cases {
            assert_eq!(to_browser_path("/admin/sso/", app), browser);
            assert_eq!(
                from_browser_path("/admin/sso", browser).as_deref(),
                Some(app)
            );
        }
        assert_eq!(
            from_browser_path("/admin/sso", "/admin/sso").as_deref(),
            Some(PROVIDERS_PAGE)
        );
        // Another page of the host, even one whose name starts the same, is not ours.
        assert_eq!(from_browser_path("/admin/sso", "/admin/ssoextra"), None);
        assert_eq!(from_browser_path("/admin/sso", "/elsewhere"), None);
    }

    #[test]
    fn a_sub_path_goes_to_the_host_and_comes_back_as_the_same_place() {
        let cases = [
            ("/settings/identity-providers", "/"),
            ("/settings/identity-providers/new", "/new"),
            ("/settings/identity-providers/p%201", "/p%201"),
            ("/settings/identity-providers?q=pocket", "/?q=pocket"),
        ];
        for (app, sub) in cases {
            assert_eq!(sub_path(app), sub);
            assert_eq!(from_sub_path(sub).as_deref(), Ok(app));
        }
        assert_eq!(
            from_sub_path(" /new ").as_deref(),
            Ok("/settings/identity-providers/new")
        );
        for wrong in [
            "new",
            "",
            "//evil.example",
            "/a#b",
            "/../users",
            "https://x/",
        ] {
            let error = from_sub_path(wrong).expect_err(wrong);
            assert!(
                error.contains("is not one of this element's places"),
                "{error}"
            );
        }
    }

    #[test]
    fn in_element_links_point_at_addresses_the_host_serves() {
        let form = "/settings/identity-providers/p 1";
        let host = "https://host.example/settings?tab=sso";
        assert_eq!(
            link_href(form, Some("/admin/sso"), None, host),
            "/admin/sso/p 1"
        );
        assert_eq!(
            link_href(form, None, Some("/settings?tab=sso&at={path}"), host),
            "/settings?tab=sso&at=/p%201"
        );
        assert_eq!(
            link_href(
                "/settings/identity-providers?saved=1",
                None,
                Some("/s?at={path}"),
                host
            ),
            "/s?at=/%3Fsaved%3D1"
        );
        // Nothing known of the host's addresses: its current page, never the API server.
        assert_eq!(link_href(form, None, None, host), host);
    }

    #[test]
    fn an_href_template_is_a_path_of_the_host_with_one_placeholder() {
        assert_eq!(href_template(None), Ok(None));
        assert_eq!(
            href_template(Some("/settings?tab=sso&at={path}")),
            Ok(Some("/settings?tab=sso&at={path}".into()))
        );
        for wrong in [
            "/settings",
            "settings/{path}",
            "//evil/{path}",
            "/{path}/{path}",
        ] {
            assert!(href_template(Some(wrong)).is_err(), "{wrong}");
        }
    }
}
