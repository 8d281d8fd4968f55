//! JWT group sync as the real server does it, on the model's rules.
//!
//! With sync on, the groups in the configured claim of a user's token become account
//! groups (created with `issued: "jwt"` when missing) and the user's `auto_groups`; a group
//! of the same name created through the API is not attached. With a non-empty allow list,
//! a user in none of its groups is refused. Local (email) users and personal access tokens
//! are exempt from both, so a local owner can always get back in.

use crate::secrets::random_id;
use crate::settings::Settings;
use crate::store::{GroupRecord, Store, StoreError, UserRecord};
use qufabric_model::group_checks::{self, SyncDraft};
use qufabric_model::GroupIssued;

pub use crate::settings::sync_settings;

/// The account's sync settings as stored.
pub fn load_sync(store: &Store) -> Result<SyncDraft, StoreError> {
    let account = store.account(&random_id(20), &Settings::default())?;
    Ok(sync_settings(&account.settings))
}

/// Words for the login screen: which rule refused the user.
pub fn refusal_description(store: &Store, token_groups: &[String]) -> String {
    let sync = load_sync(store).unwrap_or_default();
    group_checks::refusal_sentence(&sync.allow, &group_checks::groups_read(&sync, token_groups))
}

/// Whether a user may in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    Admitted,
    NotInAllowedGroup,
    /// Outside the groups allowed through the person's provider; the login screen's words.
    NotInProviderGroup(String),
}

impl SyncOutcome {
    pub fn admitted(&self) -> bool {
        *self == SyncOutcome::Admitted
    }
}

/// Apply the provider's allowed groups, sync, the allow list and the role rules for an
/// external user with the groups of their token.
pub fn apply(
    store: &Store,
    user: &UserRecord,
    token_groups: &[String],
) -> Result<SyncOutcome, StoreError> {
    if user.is_local() {
        return Ok(SyncOutcome::Admitted);
    }
    // The groups allowed through the person's provider hold for the whole session, as
    // the account's allow list does: a list changed since the sign-in applies from the
    // next request or renewal, sync on or off.
    let provider = user
        .idp_id
        .as_deref()
        .map(|id| store.provider(id))
        .transpose()?
        .flatten();
    if let Some(provider) = provider {
        let allowed = &provider.options.allowed_groups;
        if !qufabric_model::provider_options::admits_through(allowed, token_groups) {
            return Ok(SyncOutcome::NotInProviderGroup(
                qufabric_model::provider_options::provider_refusal(
                    &provider.name,
                    allowed,
                    token_groups,
                ),
            ));
        }
    }
    let settings = store
        .account(&random_id(20), &Settings::default())?
        .settings;
    let sync = sync_settings(&settings);
    if !sync.enabled {
        return Ok(SyncOutcome::Admitted);
    }
    let names = group_checks::groups_read(&sync, token_groups);
    let mut groups = store.groups()?;
    let mut jwt_ids = Vec::new();
    for name in &names {
        match groups.iter().find(|g| &g.name == name) {
            Some(group) if group.issued == GroupIssued::Jwt => jwt_ids.push(group.id.clone()),
            // A same-named group made through the API is not attached.
            Some(_) => {}
            None => {
                let group = GroupRecord {
                    id: random_id(20),
                    name: name.clone(),
                    issued: GroupIssued::Jwt,
                };
                store.insert_group(&group)?;
                jwt_ids.push(group.id.clone());
                groups.push(group);
            }
        }
    }
    // Keep groups given by hand; JWT groups follow the token.
    let jwt_issued: Vec<&str> = groups
        .iter()
        .filter(|g| g.issued == GroupIssued::Jwt)
        .map(|g| g.id.as_str())
        .collect();
    let mut auto_groups: Vec<String> = user
        .auto_groups
        .iter()
        .filter(|id| !jwt_issued.contains(&id.as_str()))
        .cloned()
        .collect();
    auto_groups.extend(jwt_ids);
    if auto_groups != user.auto_groups {
        // Only the groups: role and block may have changed since `user` was read.
        store.set_auto_groups(&user.id, &auto_groups)?;
    }
    if !group_checks::admits(&sync, token_groups) {
        return Ok(SyncOutcome::NotInAllowedGroup);
    }
    crate::role_rules::apply_at_sign_in(store, &settings, user, &names)?;
    Ok(SyncOutcome::Admitted)
}

/// Why a group may not be deleted yet, naming what still names it: users whose auto
/// groups hold it (`members`, their emails) and the JWT allow list (`allow`, by name).
/// `None` when nothing does.
pub fn still_named(name: &str, members: &[String], allow: &[String]) -> Option<String> {
    let mut reasons = Vec::new();
    if !members.is_empty() {
        let shown: Vec<&str> = members.iter().take(3).map(String::as_str).collect();
        let more = members.len().saturating_sub(shown.len());
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        reasons.push(format!(
            "it is in the auto groups of {} ({}{tail})",
            if members.len() == 1 {
                "1 user".to_string()
            } else {
                format!("{} users", members.len())
            },
            shown.join(", ")
        ));
    }
    if allow.iter().any(|allowed| allowed == name) {
        reasons.push("the JWT allow list under Settings → Groups names it".to_string());
    }
    (!reasons.is_empty()).then(|| format!("group {name} cannot be deleted: {}", reasons.join("; ")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_group_still_named_says_by_whom() {
        assert_eq!(super::still_named("QuFabric", &[], &[]), None);
        let members: Vec<String> = ["a@x", "b@x", "c@x", "d@x"].map(String::from).to_vec();
        let why = super::still_named("QuFabric", &members, &["QuFabric".to_string()]).unwrap();
        assert_eq!(
            why,
            "group QuFabric cannot be deleted: it is in the auto groups of 4 users (a@x, b@x, c@x and 1 more); the JWT allow list under Settings → Groups names it"
        );
        let one = super::still_named("Ops", &members[..1], &["QuFabric".to_string()]).unwrap();
        assert!(
            one.ends_with("it is in the auto groups of 1 user (a@x)"),
            "{one}"
        );
    }

    use super::*;

    #[test]
    fn sync_reads_the_three_settings() {
        let settings = Settings {
            jwt_groups_enabled: true,
            jwt_groups_claim_name: "groups".into(),
            jwt_allow_groups: vec!["A".into()],
            ..Settings::default()
        };
        let expected = SyncDraft {
            enabled: true,
            claim: "groups".into(),
            allow: vec!["A".into()],
        };
        assert_eq!(sync_settings(&settings), expected);
        assert_eq!(sync_settings(&Settings::default()), SyncDraft::default());
    }
}
