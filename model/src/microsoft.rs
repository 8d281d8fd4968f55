//! Microsoft's multi-tenant issuers.
//!
//! The `common`, `organizations` and `consumers` endpoints of the Microsoft identity
//! platform (`https://login.microsoftonline.com/common/v2.0` and the same path on the
//! national clouds) serve one discovery document for many tenants. Its `issuer` is the
//! template `https://login.microsoftonline.com/{tenantid}/v2.0` (for `consumers`: the fixed
//! consumer tenant's issuer), so it never equals the URL typed, and each ID token's `iss`
//! names the user's own tenant. Microsoft's guidance for multi-tenant applications is to
//! validate the token's `iss` against the template with `{tenantid}` replaced by the
//! token's `tid` claim. This module holds that rule; everything else keeps the exact,
//! byte-for-byte match.

use crate::issuer::parse_issuer;

/// The placeholder in the discovery document's issuer.
pub const TENANT_PLACEHOLDER: &str = "{tenantid}";

/// The tenant segment of a multi-tenant endpoint (`common`, `organizations`, `consumers`)
/// when `issuer` is `<scheme>://<host>/<tenant>/v2.0`.
pub fn multi_tenant_segment(issuer: &str) -> Option<&'static str> {
    let parsed = parse_issuer(issuer.trim())?;
    if parsed.query.is_some() || parsed.fragment.is_some() {
        return None;
    }
    let tenant = parsed.path.strip_prefix('/')?.strip_suffix("/v2.0")?;
    ["common", "organizations", "consumers"]
        .into_iter()
        .find(|known| tenant.eq_ignore_ascii_case(known))
}

/// Whether `issuer` is one of Microsoft's multi-tenant endpoints.
pub fn is_multi_tenant(issuer: &str) -> bool {
    multi_tenant_segment(issuer).is_some()
}

/// A directory (tenant) id: a GUID in its 8-4-4-4-12 hexadecimal form.
pub fn is_tenant_id(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Whether the discovery document of the multi-tenant endpoint `typed` may name its issuer
/// `discovered`: the same origin, and the path `/{tenantid}/v2.0` (for `consumers`, a
/// concrete tenant id is also what Microsoft publishes).
pub fn accepts_discovered_issuer(typed: &str, discovered: &str) -> bool {
    let Some(segment) = multi_tenant_segment(typed) else {
        return false;
    };
    let (Some(typed_url), Some(found)) = (parse_issuer(typed), parse_issuer(discovered)) else {
        return false;
    };
    if typed_url.origin() != found.origin() || found.query.is_some() || found.fragment.is_some() {
        return false;
    }
    let Some(tenant) = found
        .path
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix("/v2.0"))
    else {
        return false;
    };
    tenant == TENANT_PLACEHOLDER || (segment == "consumers" && is_tenant_id(tenant))
}

/// Whether an ID token's `iss` is valid for the discovered issuer `discovered`, given the
/// token's `tid` claim: `discovered` with `{tenantid}` replaced by `tid` (a tenant id), or
/// `discovered` itself when it holds no placeholder.
pub fn token_issuer_valid(discovered: &str, iss: &str, tid: Option<&str>) -> bool {
    if !discovered.contains(TENANT_PLACEHOLDER) {
        return iss == discovered;
    }
    match tid {
        Some(tid) if is_tenant_id(tid) => iss == discovered.replace(TENANT_PLACEHOLDER, tid),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_are_guids() {
        assert!(is_tenant_id("72f988bf-86f1-41af-91ab-2d7cd011db47"));
        assert!(!is_tenant_id("72f988bf86f141af91ab2d7cd011db47"));
        assert!(!is_tenant_id("common"));
        assert!(!is_tenant_id("72f988bf-86f1-41af-91ab-2d7cd011db4g"));
    }
}
