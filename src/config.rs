//! Runtime configuration: where the management API and the embedded IdP are, and the
//! dashboard's client id. Everything defaults to the page's own origin, which is how the
//! dashboard ships inside the QuFabric web bundle. A host page that serves it elsewhere
//! sets `<meta name="qufabric-config" content='{"management_origin": "https://…"}'>`.

use qufabric_model::oidc::DASHBOARD_CLIENT_ID;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Origin of the management API, without a trailing slash; empty means this origin.
    pub management_origin: String,
    /// The embedded IdP's issuer (`<management origin>/oauth2`).
    pub authority: String,
    pub client_id: String,
    /// Origin the page runs on; redirect URIs are built from it.
    pub page_origin: String,
    /// The API client gives up on a request after this long.
    pub request_timeout_ms: u32,
}

/// product.md: the client gives up after 15 s.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u32 = 15_000;

#[derive(Debug, Default, Deserialize)]
struct ConfigOverrides {
    management_origin: Option<String>,
    auth_authority: Option<String>,
    client_id: Option<String>,
    request_timeout_ms: Option<u32>,
}

impl Config {
    /// Build from the page origin and an optional JSON override (the meta tag's content).
    /// A malformed override is ignored rather than fatal: same-origin defaults still work.
    pub fn from_parts(page_origin: &str, overrides_json: Option<&str>) -> Config {
        let overrides: ConfigOverrides = overrides_json
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        let management_origin = overrides
            .management_origin
            .map(|o| o.trim().trim_end_matches('/').to_string())
            .unwrap_or_default();
        let base = if management_origin.is_empty() {
            page_origin.trim_end_matches('/').to_string()
        } else {
            management_origin.clone()
        };
        let authority = overrides
            .auth_authority
            .map(|a| a.trim().trim_end_matches('/').to_string())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| format!("{base}/oauth2"));
        Config {
            management_origin,
            authority,
            client_id: overrides
                .client_id
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| DASHBOARD_CLIENT_ID.to_string()),
            page_origin: page_origin.trim_end_matches('/').to_string(),
            request_timeout_ms: overrides
                .request_timeout_ms
                .filter(|ms| *ms > 0)
                .unwrap_or(DEFAULT_REQUEST_TIMEOUT_MS),
        }
    }

    /// The configuration of the running page.
    pub fn from_page() -> Config {
        let overrides = crate::browser::meta_content("qufabric-config");
        Config::from_parts(&crate::browser::origin(), overrides.as_deref())
    }

    /// Absolute or same-origin URL of an API path such as `/api/instance`.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}{path}", self.management_origin)
    }

    /// Where the embedded IdP sends the browser back with a code.
    pub fn redirect_uri(&self) -> String {
        format!("{}/auth/callback", self.page_origin)
    }

    /// The Redirect URL to paste into providers, when the server does not send one.
    pub fn derived_redirect_url(&self) -> String {
        let base = if self.management_origin.is_empty() {
            &self.page_origin
        } else {
            &self.management_origin
        };
        format!("{base}/oauth2/callback")
    }
}
