//! The page's fields: their signals, filled from the stored settings, compared with them,
//! written into them for the save, and kept (as a draft) across a session that ended or a
//! reload.

use leptos::prelude::*;

use crate::pages::{guard_unsaved_edits, read_kept_draft, use_loaded};
use qufabric_model::group_checks::SyncDraft;
use qufabric_model::role_rules::RoleRules;
use qufabric_model::{Account, AccountSettings};

/// sessionStorage key and scope of the edits kept when the session ends mid-edit.
const DRAFT_KEY: &str = "qufabric.groups_draft";
const DRAFT_SCOPE: &str = "groups";

/// This page's fields, as kept across a session that ended or a reload.
#[derive(serde::Serialize, serde::Deserialize)]
struct GroupsDraft {
    propagation: bool,
    enabled: bool,
    claim: String,
    allow: Vec<String>,
    #[serde(default)]
    role_rules: Option<RoleRules>,
}

/// The sync settings of a Groups draft kept in this tab (edits not saved when the session
/// ended), for a test sign-in's report.
pub fn kept_sync_draft() -> Option<SyncDraft> {
    read_kept_draft::<GroupsDraft>(DRAFT_KEY, DRAFT_SCOPE).map(|kept| SyncDraft {
        enabled: kept.enabled,
        claim: kept.claim,
        allow: kept.allow,
    })
}

#[derive(Clone, Copy)]
pub(super) struct GroupFields {
    pub propagation: RwSignal<bool>,
    pub enabled: RwSignal<bool>,
    pub claim: RwSignal<String>,
    pub allow: RwSignal<Vec<String>>,
    /// `None` when the server keeps no role rules (the section is hidden).
    pub role_rules: RwSignal<Option<RoleRules>>,
}

impl GroupFields {
    fn new() -> GroupFields {
        GroupFields {
            propagation: RwSignal::new(false),
            enabled: RwSignal::new(false),
            claim: RwSignal::new(String::new()),
            allow: RwSignal::new(Vec::new()),
            role_rules: RwSignal::new(None),
        }
    }

    /// The sync settings as the model's checks read them.
    pub fn sync(&self) -> SyncDraft {
        SyncDraft {
            enabled: self.enabled.get(),
            claim: self.claim.get(),
            allow: self.allow.get(),
        }
    }

    fn load(&self, settings: &AccountSettings) {
        self.propagation.set(settings.groups_propagation_enabled);
        self.enabled.set(settings.jwt_groups_enabled);
        self.claim.set(settings.jwt_groups_claim_name.clone());
        self.allow.set(settings.jwt_allow_groups.clone());
        self.role_rules.set(settings.role_rules());
    }

    fn restore(&self, kept: GroupsDraft) {
        self.propagation.set(kept.propagation);
        self.enabled.set(kept.enabled);
        self.claim.set(kept.claim);
        self.allow.set(kept.allow);
        // Kept rules come back only where the server keeps rules.
        if self.role_rules.with_untracked(Option::is_some) && kept.role_rules.is_some() {
            self.role_rules.set(kept.role_rules);
        }
    }

    fn kept(&self) -> GroupsDraft {
        GroupsDraft {
            propagation: self.propagation.get(),
            enabled: self.enabled.get(),
            claim: self.claim.get(),
            allow: self.allow.get(),
            role_rules: self.role_rules.get(),
        }
    }

    fn differ_from(&self, settings: &AccountSettings) -> bool {
        settings.groups_propagation_enabled != self.propagation.get()
            || settings.jwt_groups_enabled != self.enabled.get()
            || settings.jwt_groups_claim_name != self.claim.get()
            || settings.jwt_allow_groups != self.allow.get()
            || settings.role_rules() != self.role_rules.get()
    }

    /// The whole settings object as received, with only this page's fields changed (the
    /// server replaces the whole object).
    pub fn written_into(&self, mut settings: AccountSettings) -> AccountSettings {
        settings.groups_propagation_enabled = self.propagation.get_untracked();
        settings.jwt_groups_enabled = self.enabled.get_untracked();
        settings.jwt_groups_claim_name = self.claim.get_untracked();
        settings.jwt_allow_groups = self.allow.get_untracked();
        match self.role_rules.get_untracked() {
            Some(rules) => settings.with_role_rules(&rules),
            None => settings,
        }
    }
}

/// The fields, filled from `loaded` each time it changes; edits kept when the session
/// ended mid-edit (or the page was reloaded) come back once, over what is stored, and say
/// so in `restore_note`. Returns the fields and whether they differ from what is stored.
pub(super) fn use_group_fields(
    loaded: Memo<Option<Account>>,
    restore_note: RwSignal<String>,
) -> (GroupFields, Memo<bool>) {
    let fields = GroupFields::new();
    let restored = StoredValue::new(false);
    let stored = Signal::derive(move || loaded.get());
    let _ = use_loaded(stored, move |account: &Account| {
        fields.load(&account.settings);
        if restored.get_value() {
            return;
        }
        restored.set_value(true);
        if let Some(kept) = read_kept_draft::<GroupsDraft>(DRAFT_KEY, DRAFT_SCOPE) {
            fields.restore(kept);
            restore_note
                .set("Restored the changes you had not saved yet. Review them and save.".into());
        }
    });
    let dirty = Memo::new(move |_| {
        loaded.with(|account| {
            account
                .as_ref()
                .is_some_and(|a| fields.differ_from(&a.settings))
        })
    });
    guard_unsaved_edits(
        DRAFT_KEY,
        DRAFT_SCOPE.to_string(),
        dirty,
        restored,
        move || fields.kept(),
    );
    (fields, dirty)
}
