//! What the administrator typed: the form's signals, whether they differ from what is
//! stored, and the draft kept when a session ends mid-edit (never the secret).

use leptos::prelude::*;

use crate::pages::{guard_unsaved_edits, read_kept_draft, use_loaded};
use qufabric_model::checks::{strip_well_known, Field, ProviderDraft};
use qufabric_model::claims::ClaimMapping;
use qufabric_model::provider_options::{
    default_scopes, mapping_problem, parse_group_list, parse_scopes, scopes_problem,
    ProviderOptions,
};
use qufabric_model::{IdentityProvider, IdentityProviderRequest, ProviderKind};

/// sessionStorage key of the draft kept when the session ends mid-edit.
const DRAFT_KEY: &str = "qufabric.provider_draft";

/// What survives a session that ended mid-edit: everything typed but the secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct SavedDraft {
    kind: Option<ProviderKind>,
    name: String,
    issuer: String,
    client_id: String,
    #[serde(default)]
    logout_url_registered: bool,
    #[serde(default)]
    login_default: bool,
    #[serde(default)]
    options: Option<ProviderOptions>,
}

/// Everything the user typed, owned by the form: a failed save never clears it.
#[derive(Clone, Copy)]
pub(super) struct FormState {
    pub kind: RwSignal<Option<ProviderKind>>,
    pub name: RwSignal<String>,
    pub issuer: RwSignal<String>,
    pub client_id: RwSignal<String>,
    pub secret: RwSignal<String>,
    /// QuFabric's Logout URL is listed at the provider.
    pub logout_registered: RwSignal<bool>,
    /// The login screen goes on to this provider by itself.
    pub login_default: RwSignal<bool>,
    /// The name was typed (a type chosen later no longer renames it).
    pub name_touched: RwSignal<bool>,
    /// Said under the issuer after the form corrected what was pasted there.
    pub issuer_note: RwSignal<Option<&'static str>>,
    /// The scopes as typed; `None` until typed: the kind's defaults.
    pub scopes: RwSignal<Option<String>>,
    pub groups_claim: RwSignal<String>,
    pub groups_split: RwSignal<bool>,
    /// The groups allowed through the provider, as typed (comma-separated).
    pub allowed_groups: RwSignal<String>,
    pub email_claim: RwSignal<String>,
    /// The server takes provider options: the form shows and sends them.
    pub options_supported: RwSignal<bool>,
}

impl FormState {
    pub fn new() -> FormState {
        FormState {
            kind: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            issuer: RwSignal::new(String::new()),
            client_id: RwSignal::new(String::new()),
            secret: RwSignal::new(String::new()),
            logout_registered: RwSignal::new(false),
            login_default: RwSignal::new(false),
            name_touched: RwSignal::new(false),
            issuer_note: RwSignal::new(None),
            scopes: RwSignal::new(None),
            groups_claim: RwSignal::new(ClaimMapping::default().groups),
            groups_split: RwSignal::new(false),
            allowed_groups: RwSignal::new(String::new()),
            email_claim: RwSignal::new(ClaimMapping::default().email),
            options_supported: RwSignal::new(false),
        }
    }

    /// The options as edited (tracked); `None` when the server takes none. Scopes equal to
    /// the kind's defaults are sent as `None`, so they follow the catalogue.
    pub fn options(&self) -> Option<ProviderOptions> {
        if !self.options_supported.get() {
            return None;
        }
        let defaults = self.kind.get().map(default_scopes);
        let scopes = self
            .scopes
            .get()
            .map(|typed| parse_scopes(&typed))
            .filter(|scopes| Some(scopes) != defaults.as_ref());
        Some(ProviderOptions {
            scopes,
            claims: ClaimMapping {
                groups: self.groups_claim.get().trim().to_string(),
                groups_split: self.groups_split.get(),
                email: self.email_claim.get().trim().to_string(),
            },
            allowed_groups: parse_group_list(&self.allowed_groups.get()),
        })
    }

    /// Why the options cannot be saved (tracked), if they cannot.
    pub fn options_problem(&self) -> Option<String> {
        let options = self.options()?;
        options
            .scopes
            .as_deref()
            .and_then(scopes_problem)
            .or_else(|| mapping_problem(&options.claims))
    }

    fn set_options(&self, options: Option<&ProviderOptions>) {
        self.scopes
            .set(options.and_then(|o| o.scopes.as_ref()).map(|s| s.join(" ")));
        let claims = options.map(|o| o.claims.clone()).unwrap_or_default();
        self.groups_claim.set(claims.groups);
        self.groups_split.set(claims.groups_split);
        self.email_claim.set(claims.email);
        let allowed = options.map(|o| o.allowed_groups.join(", "));
        self.allowed_groups.set(allowed.unwrap_or_default());
    }

    /// What typing in `field` (or applying a fix to it) does: a typed name stays; a
    /// pasted discovery URL becomes its issuer, with a note.
    pub fn type_into(&self, field: Field, value: String) {
        match field {
            Field::Name => {
                self.name_touched.set(true);
                self.name.set(value);
            }
            Field::Issuer => match strip_well_known(&value) {
                Some(stripped) => {
                    self.issuer_note.set(Some(
                        "Removed /.well-known/openid-configuration: the issuer is the part before it.",
                    ));
                    self.issuer.set(stripped);
                }
                None => {
                    self.issuer_note.set(None);
                    self.issuer.set(value);
                }
            },
            Field::ClientId => self.client_id.set(value),
            Field::ClientSecret => self.secret.set(value),
            // Not text fields of this form.
            Field::Type | Field::Sync | Field::Claim | Field::AllowGroups | Field::RoleRules => {}
        }
    }

    pub fn draft(&self) -> ProviderDraft {
        ProviderDraft {
            kind: self.kind.get(),
            name: self.name.get(),
            issuer: self.issuer.get(),
            client_id: self.client_id.get(),
            client_secret: self.secret.get(),
        }
    }

    /// Picking a type names the provider after it until a name is typed.
    pub fn choose_kind(&self, kind: ProviderKind) {
        self.kind.set(Some(kind));
        if !self.name_touched.get_untracked() {
            self.name.set(kind.label().to_string());
        }
    }

    /// What a save sends; `None` until a type is chosen.
    pub fn request(&self) -> Option<IdentityProviderRequest> {
        let kind = self.kind.get_untracked()?;
        Some(IdentityProviderRequest {
            kind,
            name: self.name.get_untracked(),
            issuer: if kind.info().builtin_issuer.is_some() {
                String::new()
            } else {
                self.issuer.get_untracked()
            },
            client_id: self.client_id.get_untracked(),
            client_secret: self.secret.get_untracked(),
            logout_url_registered: self.logout_registered.get_untracked(),
            login_default: self.login_default.get_untracked(),
            options: self.options_untracked(),
        })
    }

    fn options_untracked(&self) -> Option<ProviderOptions> {
        untrack(|| self.options())
    }

    fn saved_draft(&self) -> SavedDraft {
        SavedDraft {
            kind: self.kind.get(),
            name: self.name.get(),
            issuer: self.issuer.get(),
            client_id: self.client_id.get(),
            logout_url_registered: self.logout_registered.get(),
            login_default: self.login_default.get(),
            options: self.options(),
        }
    }

    fn restore(&self, draft: &SavedDraft) {
        self.kind.set(draft.kind);
        self.name.set(draft.name.clone());
        self.issuer.set(draft.issuer.clone());
        self.client_id.set(draft.client_id.clone());
        self.logout_registered.set(draft.logout_url_registered);
        self.login_default.set(draft.login_default);
        if draft.options.is_some() {
            self.set_options(draft.options.as_ref());
        }
        self.name_touched.set(true);
    }

    fn load(&self, provider: &IdentityProvider) {
        self.kind.set(Some(provider.kind));
        self.name.set(provider.name.clone());
        self.issuer.set(provider.issuer.clone());
        self.client_id.set(provider.client_id.clone());
        self.logout_registered.set(provider.logout_url_registered);
        self.login_default.set(provider.login_default);
        self.options_supported.set(provider.options.is_some());
        self.set_options(provider.options.as_ref());
        self.secret.set(String::new());
        self.name_touched.set(true);
    }
}

/// The form's life with what is stored: the stored provider fills it (again after each
/// save); a draft kept when the session ended comes back once, over what is stored, and
/// says so in `status`; while anything differs, the edits are guarded and kept. Returns
/// whether the form differs from what is stored, and the reload trigger of the stored
/// provider (to call after a save).
pub(super) fn use_saved_draft(
    form: FormState,
    route: String,
    editing: bool,
    stored: Signal<Option<IdentityProvider>>,
    status: RwSignal<String>,
) -> (Memo<bool>, Callback<()>) {
    let restored = StoredValue::new(false);
    let restore_once = {
        let route = route.clone();
        move || {
            if restored.get_value() {
                return;
            }
            restored.set_value(true);
            if let Some(draft) = read_kept_draft::<SavedDraft>(DRAFT_KEY, &route) {
                form.restore(&draft);
                status.set("Restored what you typed before your session ended. Type the client secret again.".into());
            }
        }
    };
    let reload = {
        let restore_once = restore_once.clone();
        use_loaded(stored, move |provider| {
            form.load(provider);
            restore_once();
        })
    };
    if !editing {
        restore_once();
    }
    let dirty = Memo::new(move |_| {
        super::changes::changed(
            &form.draft(),
            [form.logout_registered.get(), form.login_default.get()],
            form.options().as_ref(),
            stored.get().as_ref(),
        )
    });
    guard_unsaved_edits(DRAFT_KEY, route, dirty, restored, move || {
        form.saved_draft()
    });
    (dirty, reload)
}
