//! The allow-groups picker: the chosen groups as removable tags, a text input that adds on
//! Enter, and suggestions from the account's groups.

use leptos::prelude::*;

use crate::components::{findings_for, Findings};
use qufabric_model::checks::{Field, Finding};
use qufabric_model::group_checks::with_exact_group_name;
use qufabric_model::Group;

/// Up to `limit` existing group names containing `typed`, not already chosen.
pub fn suggest_groups(
    groups: &[Group],
    typed: &str,
    chosen: &[String],
    limit: usize,
) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return Vec::new();
    }
    groups
        .iter()
        .filter(|g| g.name.to_lowercase().contains(&typed) && !chosen.contains(&g.name))
        .take(limit)
        .map(|g| g.name.clone())
        .collect()
}

#[component]
pub(super) fn AllowGroupsField(
    allow: RwSignal<Vec<String>>,
    /// The account's groups, for suggestions.
    #[prop(into)]
    groups: Signal<Vec<Group>>,
    findings: Memo<Vec<Finding>>,
    #[prop(into)] read_only: Signal<bool>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let add_group = move |name: String| {
        let name = name.trim().to_string();
        if !name.is_empty() && !allow.with(|a| a.contains(&name)) {
            allow.update(|a| a.push(name));
        }
        typed.set(String::new());
    };
    let suggestions = Memo::new(move |_| {
        groups.with(|groups| allow.with(|chosen| suggest_groups(groups, &typed.get(), chosen, 8)))
    });
    let own = findings_for(findings, Field::AllowGroups);
    view! {
        <div class="field">
            <label for="allow-input">"JWT allow groups"</label>
            <ul class="tags" aria-label="Allowed groups">
                {move || allow.get().into_iter().map(|name| {
                    let remove = name.clone();
                    view! {
                        <li class="tag">
                            <span>{name.clone()}</span>
                            <button type="button" class="tag-remove" disabled=move || read_only.get()
                                aria-label=format!("Remove {name}")
                                on:click=move |_| allow.update(|a| a.retain(|x| x != &remove))>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <input id="allow-input" type="text" autocomplete="off" spellcheck="false"
                disabled=move || read_only.get()
                placeholder="Type a group name and press Enter"
                aria-describedby="allow-hint allow-findings"
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        add_group(typed.get_untracked());
                    }
                }/>
            <ul class="suggestions" aria-label="Matching groups" hidden=move || suggestions.with(Vec::is_empty)>
                {move || suggestions.get().into_iter().map(|name| {
                    let chosen = name.clone();
                    view! { <li><button type="button" class="button secondary" on:click=move |_| add_group(chosen.clone())>{name}</button></li> }
                }).collect_view()}
            </ul>
            <p class="hint" id="allow-hint">"Empty: everyone who signs in is admitted. Otherwise only members of at least one of these groups."</p>
            <Findings id="allow-findings".into() findings=own
                on_fix=Callback::new(move |exact: String| allow.update(|list| *list = with_exact_group_name(list, &exact)))/>
        </div>
    }
}
