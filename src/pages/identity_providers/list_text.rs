//! What the providers list says: which rows a search shows, how many, and what deleting
//! one means. Plain functions (component tests call them directly).

use qufabric_model::{IdentityProvider, User};

/// Providers whose name or type label contains the query (case-insensitive).
pub fn filter_providers(providers: &[IdentityProvider], query: &str) -> Vec<IdentityProvider> {
    let query = query.trim().to_lowercase();
    providers
        .iter()
        .filter(|p| {
            query.is_empty()
                || p.name.to_lowercase().contains(&query)
                || p.kind.label().to_lowercase().contains(&query)
                || p.kind.id().contains(&query)
        })
        .cloned()
        .collect()
}

/// "1 provider", "3 providers", "1 of 3 providers".
pub fn provider_count(shown: usize, total: usize) -> String {
    let noun = if total == 1 { "provider" } else { "providers" };
    if shown == total {
        format!("{total} {noun}")
    } else {
        format!("{shown} of {total} {noun}")
    }
}

/// What deleting `provider` means, in words: who signs in with it, and whether it is the
/// way the current administrator came in or the last way in at all.
pub fn delete_consequences(
    provider: &IdentityProvider,
    users: Option<&[User]>,
    session_connector: Option<&str>,
    providers_count: usize,
    local_auth_disabled: bool,
) -> Vec<(bool, String)> {
    let mut lines = Vec::new();
    match users {
        Some(users) => {
            let count = users
                .iter()
                .filter(|u| u.idp_id.as_deref() == Some(provider.id.as_str()))
                .count();
            let text = match count {
                0 => "No user signs in with it yet.".to_string(),
                1 => "1 user signs in with it and will no longer be able to.".to_string(),
                n => format!("{n} users sign in with it and will no longer be able to."),
            };
            lines.push((count > 0, text));
        }
        None => lines.push((
            false,
            "The number of users who sign in with it could not be loaded.".into(),
        )),
    }
    if session_connector == Some(provider.id.as_str()) {
        lines.push((
            true,
            "You signed in with this provider: your session ends and you cannot sign in this way again.".into(),
        ));
    }
    if local_auth_disabled && providers_count <= 1 {
        lines.push((
            true,
            "It is the last way in: email sign-in is disabled on this server, so nobody could sign in afterwards.".into(),
        ));
    }
    lines
}
