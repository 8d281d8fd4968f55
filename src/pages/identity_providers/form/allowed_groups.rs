//! The groups allowed through a provider: only their members may sign in through it,
//! whether or not group sync is on. For a saved provider the owners and admins it would
//! lock out are named before saving (the users and groups load only once a group is typed).

use leptos::prelude::*;

use super::draft::FormState;
use crate::api::use_api;
use qufabric_model::provider_options::{locked_out_by_provider, parse_group_list};

#[component]
pub(super) fn AllowedGroupsField(
    form: FormState,
    /// The saved provider's id; a new provider has nobody to lock out.
    provider_id: Option<String>,
    #[prop(into)] provider_label: Signal<String>,
    on_edit: Callback<()>,
) -> impl IntoView {
    let allowed = Memo::new(move |_| parse_group_list(&form.allowed_groups.get()));
    let provider_id = StoredValue::new(provider_id);
    let saved = provider_id.with_value(Option::is_some);
    // A memo: the users and groups load once when a group is first typed, not per key.
    let has_allowed = Memo::new(move |_| saved && allowed.with(|a| !a.is_empty()));
    let needs_groups_scope = move || {
        allowed.with(|a| !a.is_empty())
            && !super::advanced::scopes_now(form)
                .iter()
                .any(|s| s == qufabric_model::provider_options::GROUPS_SCOPE)
    };
    view! {
        <Show when=move || form.options_supported.get()>
            <div class="field">
                <label for="provider-allowed-groups">"Allowed groups"</label>
                <input id="provider-allowed-groups" type="text" autocomplete="off" spellcheck="false"
                    aria-describedby="provider-allowed-groups-hint provider-allowed-groups-scope provider-allowed-groups-lockout"
                    prop:value=move || form.allowed_groups.get()
                    on:input=move |ev| {
                        form.allowed_groups.set(event_target_value(&ev));
                        on_edit.run(());
                    }/>
                <p class="hint" id="provider-allowed-groups-hint">
                    {move || format!("Separated by commas. Only members of one of these groups, as {}'s groups claim names them, may sign in through it; empty: anyone it lets through. Applies whether or not group sync is on.", provider_label.get())}
                </p>
                <p class="finding finding-warning" id="provider-allowed-groups-scope"
                    hidden=move || !needs_groups_scope()>
                    {move || format!("Warning: QuFabric does not ask {} for the groups scope. Many providers release groups only under it; without groups nobody gets in through this list. Add it under Advanced.", provider_label.get())}
                </p>
                <div id="provider-allowed-groups-lockout" role="status">
                    {move || has_allowed.get().then(|| view! {
                        <LockedOut provider_id=provider_id.get_value().unwrap_or_default() allowed/>
                    })}
                </div>
            </div>
        </Show>
    }
}

/// Who the typed list would lock out, from the groups sync last recorded.
#[component]
fn LockedOut(provider_id: String, allowed: Memo<Vec<String>>) -> impl IntoView {
    let api = use_api();
    let users = api.load_users();
    let groups = api.load_groups();
    move || {
        let users = users.get().and_then(Result::ok)?;
        let groups = groups.get().and_then(Result::ok)?;
        let out =
            allowed.with(|allowed| locked_out_by_provider(allowed, &provider_id, &users, &groups));
        (!out.is_empty()).then(|| {
            let text = format!(
                "Warning: saving locks out {}: none of their groups as last recorded is allowed through this provider.",
                out.join(", ")
            );
            view! { <p class="finding finding-warning">{text}</p> }
        })
    }
}
