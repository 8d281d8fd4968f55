//! Serving the built dashboard from the same origin, with a strict Content-Security-Policy
//! on everything. The dashboard is three builds (`scripts/build.sh`): `login.html` for the
//! login screen, `onboarding.html` for the pages seen once (setup, an invitation, the
//! redirect-URI help) and `settings.html` for the settings and the sign-in callback; each
//! path gets its build's page ([`bundle_of`]). Trunk writes one inline module script into
//! each; all are allowed by their SHA-256 hashes, computed when the server loads the
//! pages, and nothing else inline is. A `dist/` of one Trunk build (`index.html` only) serves it for all.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

use crate::AppState;
use qufabric_model::bundles::{bundle_of, Bundle};

/// Each build's HTML page and the CSP that fits them all.
pub struct IndexPage {
    login: Option<String>,
    onboarding: Option<String>,
    settings: Option<String>,
    pub csp: String,
}

impl IndexPage {
    pub fn load(dist: Option<&Path>) -> IndexPage {
        let read = |file: &str| dist.and_then(|d| std::fs::read_to_string(d.join(file)).ok());
        let single = read("index.html");
        let page = |bundle: Bundle| read(bundle.html_file()).or_else(|| single.clone());
        let (login, onboarding, settings) = (
            page(Bundle::Login),
            page(Bundle::Onboarding),
            page(Bundle::Settings),
        );
        let mut scripts: Vec<String> = [&login, &onboarding, &settings]
            .into_iter()
            .flatten()
            .flat_map(|html| inline_scripts(html))
            .collect();
        scripts.sort();
        scripts.dedup();
        let hashes: Vec<String> = scripts
            .iter()
            .map(|script| {
                format!(
                    "'sha256-{}'",
                    STANDARD.encode(Sha256::digest(script.as_bytes()))
                )
            })
            .collect();
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}{}; style-src 'self'; \
             img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            if hashes.is_empty() { "" } else { " " },
            hashes.join(" ")
        );
        IndexPage {
            login,
            onboarding,
            settings,
            csp,
        }
    }

    /// The page of the build that serves `path`.
    pub fn html_for(&self, path: &str) -> Option<&str> {
        match bundle_of(path) {
            Bundle::Login => self.login.as_deref(),
            Bundle::Onboarding => self.onboarding.as_deref(),
            Bundle::Settings => self.settings.as_deref(),
        }
    }
}

/// The contents of every `<script>` without a `src` attribute.
pub fn inline_scripts(html: &str) -> Vec<String> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = &after[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            scripts.push(body_start[..close].to_string());
        }
        rest = &body_start[close + "</script>".len()..];
    }
    scripts
}

/// CSP and friends on every answer.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    // The IdP's pages and answers carry sessions, codes and tokens: never cached.
    let idp_page = request.uri().path().starts_with("/oauth2/")
        && !request.uri().path().starts_with("/oauth2/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if idp_page {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.services.config.public_url.starts_with("https://") {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if let Ok(value) = HeaderValue::from_str(&state.csp.csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// A file from `dist/`, or the page of the build that has the route for any other GET, so
/// that every dashboard route survives a reload. Unknown `/api` and `/oauth2` paths stay
/// 404.
pub async fn static_or_index(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/api/") || path.starts_with("/oauth2/") {
        return crate::error::ApiError::not_found("resource").into_response();
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    if let Some(asset) = state.assets.get(&path) {
        return asset_response(&asset, request.headers());
    }
    // A file added to dist/ after start (a rebuild under a running server): as is.
    if let Some(dist) = state.services.config.dist.as_deref() {
        if let Some(file) = safe_join(dist, &path) {
            if file.is_file() {
                if let Ok(bytes) = tokio::fs::read(&file).await {
                    return (
                        [
                            (header::CONTENT_TYPE, crate::assets::content_type(&file)),
                            (header::CACHE_CONTROL, "no-cache"),
                        ],
                        Body::from(bytes),
                    )
                        .into_response();
                }
            }
        }
    }
    match state.csp.html_for(&path) {
        Some(html) => (
            [(header::CACHE_CONTROL, "no-cache")],
            Html(html.to_string()),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><title>QuFabric</title><p>The dashboard is not built. Run the README's run command.</p>"),
        )
            .into_response(),
    }
}

/// A file of `dist/`, compressed as the browser accepts.
fn asset_response(asset: &crate::assets::Asset, headers: &axum::http::HeaderMap) -> Response {
    let accepts = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(crate::assets::accepted_codings)
        .unwrap_or((false, false));
    let (body, coding) = asset.body_for(accepts);
    let cache = if asset.immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        Body::from(body),
    )
        .into_response();
    if let Some(value) = coding.header_value() {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(value));
    }
    if asset.varies() {
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// `dist` joined with a URL path, refusing anything that climbs out of it.
fn safe_join(dist: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = Path::new(url_path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    if relative.as_os_str().is_empty() {
        return None;
    }
    Some(dist.join(relative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_inline_scripts() {
        let html =
            r#"<script src="/a.js"></script><script type="module">import x from '/x.js';</script>"#;
        assert_eq!(
            inline_scripts(html),
            vec!["import x from '/x.js';".to_string()]
        );
    }

    #[test]
    fn csp_allows_exactly_the_inline_script() {
        let dir = std::env::temp_dir().join(format!("qf-web-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            "<script type=\"module\">go()</script>",
        )
        .unwrap();
        let page = IndexPage::load(Some(&dir));
        let expected = STANDARD.encode(Sha256::digest(b"go()"));
        assert!(page.csp.contains(&format!("'sha256-{expected}'")));
        assert!(page.csp.contains("'wasm-unsafe-eval'"));
        assert!(!page.csp.contains("unsafe-inline"));
        // One Trunk build: its page for every route.
        assert_eq!(page.html_for("/login"), page.html_for("/settings/groups"));
        assert!(page.html_for("/").is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn each_route_gets_its_builds_page_and_the_csp_allows_every_builds_script() {
        let dir = std::env::temp_dir().join(format!("qf-web-three-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let login = "<script type=\"module\">login()</script>";
        let onboarding = "<script type=\"module\">onboarding()</script>";
        let settings = "<script type=\"module\">settings()</script>";
        std::fs::write(dir.join("login.html"), login).unwrap();
        std::fs::write(dir.join("onboarding.html"), onboarding).unwrap();
        std::fs::write(dir.join("settings.html"), settings).unwrap();
        let page = IndexPage::load(Some(&dir));
        for path in ["/", "/login", "/signed-out", "/nowhere"] {
            assert_eq!(page.html_for(path), Some(login), "{path}");
        }
        for path in ["/setup", "/invite", "/help/redirect-uri"] {
            assert_eq!(page.html_for(path), Some(onboarding), "{path}");
        }
        for path in [
            "/auth/callback",
            "/settings",
            "/settings/identity-providers/new",
            "/settings/x",
        ] {
            assert_eq!(page.html_for(path), Some(settings), "{path}");
        }
        for script in [&b"login()"[..], b"onboarding()", b"settings()"] {
            let hash = STANDARD.encode(Sha256::digest(script));
            assert!(
                page.csp.contains(&format!("'sha256-{hash}'")),
                "{}",
                page.csp
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn paths_cannot_escape_dist() {
        let dist = Path::new("/srv/dist");
        assert_eq!(
            safe_join(dist, "/app.wasm"),
            Some(PathBuf::from("/srv/dist/app.wasm"))
        );
        assert_eq!(safe_join(dist, "/../etc/passwd"), None);
        assert_eq!(safe_join(dist, "/"), None);
    }
}
