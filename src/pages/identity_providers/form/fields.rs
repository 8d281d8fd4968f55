//! The form's inputs: one table of the text fields and one component that draws any of
//! them (label, input, hint and findings wired through `aria-describedby`), and the type
//! picker.

use leptos::prelude::*;

use super::draft::FormState;
use crate::components::{findings_for, Findings, ProviderMark};
use qufabric_model::checks::{Field, Finding, Severity};
use qufabric_model::{ProviderKind, CATALOGUE};

/// One text field of the provider form.
pub(super) struct FieldSpec {
    /// The findings that belong under it.
    pub field: Field,
    /// The input's id; `-hint` and `-findings` ids derive from it.
    pub id: &'static str,
    pub label: &'static str,
    pub input_type: &'static str,
    pub autocomplete: &'static str,
    pub spellcheck: bool,
    /// The form's signal holding it.
    pub value: fn(&FormState) -> RwSignal<String>,
}

pub(super) const NAME: FieldSpec = FieldSpec {
    field: Field::Name,
    id: "provider-name",
    label: "Name",
    input_type: "text",
    autocomplete: "off",
    spellcheck: true,
    value: |form| form.name,
};
pub(super) const ISSUER: FieldSpec = FieldSpec {
    field: Field::Issuer,
    id: "provider-issuer",
    label: "Issuer",
    input_type: "url",
    autocomplete: "off",
    spellcheck: false,
    value: |form| form.issuer,
};
pub(super) const CLIENT_ID: FieldSpec = FieldSpec {
    field: Field::ClientId,
    id: "provider-client-id",
    label: "Client ID",
    input_type: "text",
    autocomplete: "off",
    spellcheck: false,
    value: |form| form.client_id,
};
pub(super) const SECRET: FieldSpec = FieldSpec {
    field: Field::ClientSecret,
    id: "provider-secret",
    label: "Client Secret",
    input_type: "password",
    autocomplete: "new-password",
    spellcheck: false,
    value: |form| form.secret,
};

/// The changing words under the fields.
pub(super) struct FieldHints {
    pub name: Signal<String>,
    pub issuer: Signal<String>,
    pub issuer_placeholder: Signal<&'static str>,
    pub client_id: Signal<String>,
    pub secret: Signal<String>,
}

impl FieldHints {
    /// The issuer's note (after the form corrected a paste) replaces its hint.
    pub fn new(form: FormState, provider_label: Signal<String>, editing: bool) -> FieldHints {
        let issuer_note = form.issuer_note;
        let name = form.name;
        let kind = form.kind;
        FieldHints {
            name: Signal::derive(move || {
                format!("Shown on the login button: “Continue with {}”.", name.get())
            }),
            issuer: Signal::derive(move || match issuer_note.get() {
                Some(note) => note.to_string(),
                None => format!(
                    "The URL {} names as its issuer, exactly.",
                    provider_label.get()
                ),
            }),
            issuer_placeholder: Signal::derive(move || {
                kind.get()
                    .unwrap_or(ProviderKind::Oidc)
                    .info()
                    .issuer_placeholder
            }),
            client_id: Signal::derive(move || {
                format!(
                    "From the OIDC client you created in {}.",
                    provider_label.get()
                )
            }),
            secret: Signal::derive(move || {
                let base = if editing {
                    "Write-only: leave empty to keep the current secret."
                } else {
                    "Write-only: it is never shown again after saving."
                };
                match kind.get().and_then(|k| k.info().secret_hint) {
                    Some(hint) => format!("{base} {hint}"),
                    None => base.to_string(),
                }
            }),
        }
    }
}

/// Shows or hides the client secret as typed.
#[component]
pub(super) fn RevealButton(shown: RwSignal<bool>) -> impl IntoView {
    view! {
        <button type="button" class="button secondary" aria-controls="provider-secret"
            aria-pressed=move || if shown.get() { "true" } else { "false" }
            on:click=move |_| shown.update(|s| *s = !*s)>
            {move || if shown.get() { "Hide" } else { "Show" }}
            <span class="visually-hidden">" the client secret"</span>
        </button>
    }
}

/// A text field of the table. `findings` are all of the form's; the field shows its own.
/// `on_edit` hears of each change; `revealed` shows a password field's value; `beside`
/// sits next to the input (a Show button), `below` under the findings (a status line).
#[component]
pub(super) fn ProviderField(
    spec: &'static FieldSpec,
    form: FormState,
    #[prop(into)] hint: Signal<String>,
    findings: Memo<Vec<Finding>>,
    on_edit: Callback<()>,
    #[prop(optional, into)] placeholder: Option<Signal<&'static str>>,
    #[prop(optional, into)] revealed: Option<Signal<bool>>,
    #[prop(optional)] beside: Option<AnyView>,
    #[prop(optional)] below: Option<AnyView>,
) -> impl IntoView {
    let field = spec.field;
    let value = (spec.value)(&form);
    let type_into = move |typed: String| {
        form.type_into(field, typed);
        on_edit.run(());
    };
    let own = findings_for(findings, field);
    let invalid = move || {
        findings
            .with(|all| {
                all.iter()
                    .any(|f| f.field == field && f.severity == Severity::Error)
            })
            .then_some("true")
    };
    let input_type = move || match revealed {
        Some(shown) if shown.get() => "text",
        _ => spec.input_type,
    };
    view! {
        <div class="field">
            <label for=spec.id>{spec.label}</label>
            <div class="input-row">
                <input id=spec.id type=input_type autocomplete=spec.autocomplete
                    spellcheck=if spec.spellcheck { "true" } else { "false" }
                    placeholder=move || placeholder.map(|p| p.get())
                    aria-describedby=format!("{0}-hint {0}-findings", spec.id)
                    aria-invalid=invalid
                    prop:value=move || value.get()
                    on:input=move |ev| type_into(event_target_value(&ev))/>
                {beside}
            </div>
            <p class="hint" id=format!("{}-hint", spec.id)>{move || hint.get()}</p>
            <Findings id=format!("{}-findings", spec.id) findings=own
                on_fix=Callback::new(type_into)/>
            {below}
        </div>
    }
}

/// The provider types as radio buttons with their marks; fixed once a provider is saved.
#[component]
pub(super) fn TypePicker(
    kind: RwSignal<Option<ProviderKind>>,
    editing: bool,
    findings: Memo<Vec<Finding>>,
    on_choose: Callback<ProviderKind>,
) -> impl IntoView {
    let own = findings_for(findings, Field::Type);
    view! {
        <fieldset class="type-picker">
            <legend>"Type"</legend>
            {editing.then_some(view! { <p class="hint" id="type-hint">"The type of a saved provider cannot change."</p> })}
            <div class="type-options">
                {CATALOGUE.iter().map(|info| {
                    let choice = info.kind;
                    let id = format!("type-{}", info.id);
                    let label_for = id.clone();
                    view! {
                        <label class="type-option" for=label_for>
                            <input type="radio" name="type" id=id value=info.id
                                disabled=editing
                                prop:checked=move || kind.get() == Some(choice)
                                on:change=move |_| on_choose.run(choice)/>
                            <ProviderMark kind=choice/>
                            <span>{info.label}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
            <Findings id="type-findings".into() findings=own on_fix=Callback::new(|_| {})/>
        </fieldset>
    }
}
