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

/// The account's sync settings as the model's rules read them (one source of truth with
/// the Groups page's checks).
pub fn sync_settings(settings: &Settings) -> SyncDraft {
    SyncDraft {
        enabled: settings.jwt_groups_enabled,
        claim: settings.jwt_groups_claim_name.clone(),
        allow: settings.jwt_allow_groups.clone(),
    }
}

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
}

/// Apply sync and the allow list for an external user with the groups of their token.
pub fn apply(
    store: &Store,
    user: &UserRecord,
    token_groups: &[String],
) -> Result<SyncOutcome, StoreError> {
    if user.is_local() {
        return Ok(SyncOutcome::Admitted);
    }
    let sync = load_sync(store)?;
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
    Ok(if group_checks::admits(&sync, token_groups) {
        SyncOutcome::Admitted
    } else {
        SyncOutcome::NotInAllowedGroup
    })
}

#[cfg(test)]
mod tests {
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
