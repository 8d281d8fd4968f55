//! The form's Advanced part, closed by default: the scopes QuFabric asks the provider for
//! and the claims it reads (the groups claim, splitting one string, the email claim).
//! Shown only when the server takes provider options (a saved provider that carries
//! them, or `/api/instance` saying so for a new one).

use leptos::prelude::*;

use super::draft::FormState;
use crate::components::CodedText;
use qufabric_model::provider_options::{
    default_scopes, parse_scopes, with_scope, GROUPS_SCOPE, OPENID,
};
use qufabric_model::{IdentityProvider, InstanceStatus, ProviderKind};

/// Keep `form.options_supported` in step with what the server says it takes.
pub(super) fn follow_options_support(
    form: FormState,
    editing: bool,
    stored: Signal<Option<IdentityProvider>>,
    instance: crate::api::Load<InstanceStatus>,
) {
    Effect::new(move |_| {
        let supported = if editing {
            stored.with(|p| p.as_ref().is_some_and(|p| p.options.is_some()))
        } else {
            instance
                .get()
                .and_then(Result::ok)
                .is_some_and(|i| i.provider_options)
        };
        form.options_supported.set(supported);
    });
}

/// The scopes the form would send (the typed ones, or the kind's defaults).
pub(super) fn scopes_now(form: FormState) -> Vec<String> {
    let kind = form.kind.get().unwrap_or(ProviderKind::Oidc);
    form.scopes
        .get()
        .map(|typed| parse_scopes(&typed))
        .unwrap_or_else(|| default_scopes(kind))
}

#[component]
pub(super) fn AdvancedOptions(
    form: FormState,
    /// The scopes the provider's discovery document offers.
    #[prop(into)]
    offered: Signal<Vec<String>>,
    #[prop(into)] provider_label: Signal<String>,
    on_edit: Callback<()>,
) -> impl IntoView {
    let scopes_text = move || {
        form.scopes
            .get()
            .unwrap_or_else(|| scopes_now(form).join(" "))
    };
    let sent = move || format!("`scope={}`", scopes_now(form).join(" "));
    let defaults = move || {
        let kind = form.kind.get().unwrap_or(ProviderKind::Oidc);
        default_scopes(kind).join(" ")
    };
    let offer_groups = move || {
        offered.with(|o| o.iter().any(|s| s == GROUPS_SCOPE))
            && !scopes_now(form).iter().any(|s| s == GROUPS_SCOPE)
    };
    let add_groups = move |_| {
        let scopes = with_scope(&scopes_now(form), GROUPS_SCOPE);
        form.scopes.set(Some(scopes.join(" ")));
        on_edit.run(());
    };
    let problem = move || form.options_problem();
    let openid_note = format!("`{OPENID}` is always sent.");
    view! {
        <Show when=move || form.options_supported.get()>
        <details class="advanced" id="provider-advanced">
            <summary>"Advanced: scopes and claims"</summary>
            <p class="hint" id="advanced-sent">
                {move || view! { <CodedText text=format!("QuFabric asks {} for {}.", provider_label.get(), sent())/> }}
            </p>
            <div class="field">
                <label for="provider-scopes">"Scopes"</label>
                <div class="input-row">
                    <input id="provider-scopes" type="text" autocomplete="off" spellcheck="false"
                        aria-describedby="provider-scopes-hint provider-options-error"
                        prop:value=scopes_text
                        on:input=move |ev| {
                            form.scopes.set(Some(event_target_value(&ev)));
                            on_edit.run(());
                        }/>
                    <Show when=offer_groups>
                        <button type="button" class="button secondary" on:click=add_groups>
                            "Add the groups scope"
                        </button>
                    </Show>
                </div>
                <p class="hint" id="provider-scopes-hint">
                    {move || format!("Separated by spaces. This type's defaults: {}. ", defaults())}
                    <CodedText text=openid_note.clone()/>
                    {move || offer_groups().then_some(" The provider offers the groups scope: many providers release groups only under it.")}
                </p>
            </div>
            <ClaimField id="provider-groups-claim" label="Groups claim" value=form.groups_claim on_edit
                hint="The claim that lists the person's groups, read from the ID token, then userinfo. A dotted path such as `realm_access.roles` reads a nested claim (a claim named with dots is tried first). QuFabric passes these groups on as `groups`."/>
            <div class="field">
                <div class="checkbox-row">
                <input id="provider-groups-split" type="checkbox"
                    aria-describedby="provider-groups-split-hint"
                    prop:checked=move || form.groups_split.get()
                    on:change=move |ev| {
                        form.groups_split.set(event_target_checked(&ev));
                        on_edit.run(());
                    }/>
                <label for="provider-groups-split">"Split one string into groups"</label>
                </div>
                <p class="hint" id="provider-groups-split-hint">
                    "For a provider that sends all groups as one text, separated by commas or spaces. Off, one text is one group (names such as “QuFabric Admins” have spaces)."
                </p>
            </div>
            <ClaimField id="provider-email-claim" label="Email claim" value=form.email_claim on_edit
                hint="Tried first; then `preferred_username` and `upn` when they hold an address. A sign-in without an address is refused."/>
            // Always there for `aria-describedby`; the alert only while there is a problem.
            <p class="field-error" id="provider-options-error" hidden=move || problem().is_none()>
                {move || problem().map(|p| view! { <span role="alert"><CodedText text=format!("Error: {p}.")/></span> })}
            </p>
        </details>
        </Show>
    }
}

/// A claim name to type, with its hint; described by the options' shared error too.
#[component]
fn ClaimField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    /// With `backticks` around names, drawn as code.
    hint: &'static str,
    on_edit: Callback<()>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" autocomplete="off" spellcheck="false"
                aria-describedby=format!("{hint_id} provider-options-error")
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    on_edit.run(());
                }/>
            <p class="hint" id=hint_id><CodedText text=hint.to_string()/></p>
        </div>
    }
}
