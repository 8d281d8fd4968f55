//! The findings of the inline checks for one field: errors, warnings and notes, each with
//! its one-click fix.

use leptos::prelude::*;

use super::CodedText;
use qufabric_model::checks::{Field, Finding, Severity};

/// The findings of a form that belong under `field`.
pub fn findings_for(findings: Memo<Vec<Finding>>, field: Field) -> Signal<Vec<Finding>> {
    Signal::derive(move || {
        findings.with(|all| all.iter().filter(|f| f.field == field).cloned().collect())
    })
}

#[component]
pub fn Findings(
    /// The element id (for `aria-describedby` from the input).
    id: String,
    #[prop(into)] findings: Signal<Vec<Finding>>,
    /// Applies a fix's value to the field.
    on_fix: Callback<String>,
) -> impl IntoView {
    view! {
        <ul class="findings" id=id hidden=move || findings.with(Vec::is_empty)>
            {move || findings.get().into_iter().map(|finding| {
                let (class, prefix) = match finding.severity {
                    Severity::Error => ("finding finding-error", "Error: "),
                    Severity::Warning => ("finding finding-warning", "Warning: "),
                    Severity::Note => ("finding finding-note", ""),
                };
                let code = finding.code;
                view! {
                    <li class=class data-code=code>
                        <span class="visually-hidden">{prefix}</span>
                        <span><CodedText text=finding.message.clone()/></span>
                        {finding.fix.map(|fix| {
                            let value = fix.value.clone();
                            view! {
                                <button type="button" class="button fix" on:click=move |_| on_fix.run(value.clone())>
                                    {fix.label}
                                </button>
                            }
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
