//! The role rules as the server applies them: at every sign-in through a provider they
//! name, and to everyone at once when they are saved. What a rule decides, and when a rule
//! set would lock everyone out, is the model's (`qufabric_model::role_rules`), the same
//! functions the Groups page previews with.

use crate::settings::Settings;
use crate::store::{RoleSource, Store, StoreError, UserRecord};
use qufabric_model::role_rules::{self, Decision, Member, Person};
use qufabric_model::Group;

/// Give `user`, signing in with the groups `groups_read` (as sync read them from the token),
/// the role the rules decide, if they decide one.
pub fn apply_at_sign_in(
    store: &Store,
    settings: &Settings,
    user: &UserRecord,
    groups_read: &[String],
) -> Result<(), StoreError> {
    let person = Person {
        email: user.email.clone(),
        role: user.role,
        idp_id: user.idp_id.clone(),
        groups: groups_read.to_vec(),
        role_by_hand: user.role_source == RoleSource::Hand,
        may_sign_in: true,
    };
    let decision = role_rules::decision_for(
        &settings.qufabric_role_rules,
        settings.jwt_groups_enabled,
        &person,
    );
    give(store, user, decision)
}

/// A stored user as the rules read one (this server has no service users).
fn member(user: &UserRecord) -> Member<'_> {
    Member {
        email: &user.email,
        role: user.role,
        idp_id: user.idp_id.as_deref(),
        auto_groups: &user.auto_groups,
        is_blocked: user.is_blocked,
        pending_approval: user.pending_approval,
        is_service_user: false,
        role_by_hand: user.role_source == RoleSource::Hand,
    }
}

/// Record the rules' decision; without one (the rules no longer name the person's
/// provider, or sync is off), a role they gave stays but no longer claims a rule.
fn give(store: &Store, user: &UserRecord, decision: Option<Decision>) -> Result<(), StoreError> {
    match decision {
        Some(decision) => {
            let source = RoleSource::Rule(decision.given);
            if user.role != decision.role || user.role_source != source {
                store.set_rule_role(&user.id, decision.role, &source)?;
            }
        }
        None if matches!(user.role_source, RoleSource::Rule(_)) => {
            store.set_role_source(&user.id, &RoleSource::Unset)?;
        }
        None => {}
    }
    Ok(())
}

/// Every user with what the rules see of them (their groups as sync last recorded them),
/// under `settings`.
fn people(
    store: &Store,
    settings: &Settings,
    provider_ids: &[&str],
    local_auth_disabled: bool,
) -> Result<(Vec<UserRecord>, Vec<Person>), StoreError> {
    let records = store.users()?;
    let members: Vec<Member> = records.iter().map(member).collect();
    let groups: Vec<Group> = store
        .groups()?
        .into_iter()
        .map(|g| Group::empty(g.id, g.name, g.issued))
        .collect();
    let sync = crate::settings::sync_settings(settings);
    let people = role_rules::people(&members, &groups, provider_ids, &sync, local_auth_disabled);
    Ok((records, people))
}

/// Why `new` may not replace `stored` (the API's 422): a rule the model finds wrong, or a
/// rule set that would leave no owner or administrator who can sign in.
pub fn refusal(
    store: &Store,
    stored: &Settings,
    new: &Settings,
    local_auth_disabled: bool,
) -> Result<Option<String>, StoreError> {
    let providers = store.providers()?;
    let provider_ids: Vec<&str> = providers.iter().map(|p| p.id.as_str()).collect();
    if let Some(problem) = role_rules::problem(&new.qufabric_role_rules, &provider_ids) {
        return Ok(Some(problem));
    }
    let (_, people) = people(store, new, &provider_ids, local_auth_disabled)?;
    Ok(role_rules::lockout(
        &stored.qufabric_role_rules,
        &new.qufabric_role_rules,
        new.jwt_groups_enabled,
        &people,
    ))
}

/// Drop the rules that name `provider_id` (the provider was deleted).
pub fn forget_provider(store: &Store, provider_id: &str) -> Result<(), StoreError> {
    let account = store.account(&crate::secrets::random_id(20), &Settings::default())?;
    let mut settings = account.settings;
    let before = settings.qufabric_role_rules.rules.len();
    settings
        .qufabric_role_rules
        .rules
        .retain(|rule| rule.idp_id != provider_id);
    if settings.qufabric_role_rules.rules.len() != before {
        store.save_settings(&account.id, &settings)?;
    }
    Ok(())
}

/// Whether saving `new` over `stored` can change what the rules do: the rules themselves,
/// or the group sync they read (on/off, claim, allow list). Only then is the rule set
/// judged again, so a save of another setting is never refused for the rules.
pub fn judged_again(stored: &Settings, new: &Settings) -> bool {
    stored.qufabric_role_rules != new.qufabric_role_rules
        || crate::settings::sync_settings(stored) != crate::settings::sync_settings(new)
}

/// Apply `settings`' rules to everyone now, from their recorded groups (after a save, and
/// when an owner gives someone back to the rules).
pub fn apply_to_all(
    store: &Store,
    settings: &Settings,
    local_auth_disabled: bool,
) -> Result<(), StoreError> {
    let providers = store.providers()?;
    let provider_ids: Vec<&str> = providers.iter().map(|p| p.id.as_str()).collect();
    let (records, people) = people(store, settings, &provider_ids, local_auth_disabled)?;
    // One person per row, in the same order.
    for (record, person) in records.iter().zip(&people) {
        let decision = role_rules::decision_for(
            &settings.qufabric_role_rules,
            settings.jwt_groups_enabled,
            person,
        );
        give(store, record, decision)?;
    }
    Ok(())
}
