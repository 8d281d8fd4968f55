//! Roles from groups: the ordered role rules (group, provider, role), the role of everyone
//! else from the providers they name, and before saving who would gain or lose which role
//! (the model's `role_rules::changes`, as the server applies them on save).

use leptos::prelude::*;

use crate::components::{findings_for, Findings};
use qufabric_model::checks::{Field, Finding};
use qufabric_model::role_rules::{Change, RoleRule, RoleRules, GRANTABLE};
use qufabric_model::{IdentityProvider, Role};

fn role_options(selected: Role) -> impl IntoView {
    GRANTABLE
        .iter()
        .map(|role| {
            view! { <option value=role.as_str() selected=*role == selected>{role.as_str()}</option> }
        })
        .collect_view()
}

#[component]
pub(super) fn RoleRulesField(
    /// The rules as edited; the section is not there when the server keeps none.
    rules: RwSignal<Option<RoleRules>>,
    #[prop(into)] providers: Signal<Vec<IdentityProvider>>,
    /// Who would gain or lose which role if the edited rules were saved.
    #[prop(into)]
    changes: Signal<Vec<Change>>,
    findings: Memo<Vec<Finding>>,
    #[prop(into)] read_only: Signal<bool>,
) -> impl IntoView {
    let edit = move |index: usize, change: &dyn Fn(&mut RoleRule)| {
        rules.update(|set| {
            if let Some(rule) = set.as_mut().and_then(|set| set.rules.get_mut(index)) {
                change(rule);
            }
        })
    };
    let add_button = NodeRef::<leptos::html::Button>::new();
    // The rows are rebuilt only when their number changes, so typing keeps the focus.
    let count = Memo::new(move |_| rules.with(|set| set.as_ref().map_or(0, |set| set.rules.len())));
    let field = move |index: usize, read: fn(&RoleRule) -> String| {
        move || {
            rules.with(|set| {
                set.as_ref()
                    .and_then(|set| set.rules.get(index))
                    .map(read)
                    .unwrap_or_default()
            })
        }
    };
    let add = move |_| {
        let first = providers.with_untracked(|list| list.first().map(|p| p.id.clone()));
        rules.update(|set| {
            if let Some(set) = set.as_mut() {
                set.rules.push(RoleRule {
                    group: String::new(),
                    idp_id: first.unwrap_or_default(),
                    role: Role::Admin,
                });
            }
        })
    };
    let row = move |index: usize| {
        let number = index + 1;
        let id = move |part: &str| format!("role-rule-{number}-{part}");
        let remove = move |_| {
            rules.update(|set| {
                if let Some(set) = set.as_mut().filter(|set| index < set.rules.len()) {
                    set.rules.remove(index);
                }
            });
            // The rows are rebuilt: the focus goes on to the button that adds one (a
            // node reference, as the page may live in an element's shadow root).
            if let Some(button) = add_button.get_untracked() {
                let _ = button.focus();
            }
        };
        let move_up = move |_| {
            rules.update(|set| {
                if let Some(set) = set
                    .as_mut()
                    .filter(|set| index > 0 && index < set.rules.len())
                {
                    set.rules.swap(index - 1, index);
                }
            })
        };
        let provider_of = field(index, |rule| rule.idp_id.clone());
        let role_of = field(index, |rule| rule.role.as_str().to_string());
        view! {
            <li class="role-rule">
                <span class="role-rule-number">{number}"."</span>
                <div class="field">
                    <label for=id("group")>"Members of group"</label>
                    <input id=id("group") type="text" autocomplete="off" spellcheck="false"
                        disabled=move || read_only.get()
                        prop:value=field(index, |rule| rule.group.clone())
                        on:input=move |ev| {
                            let typed = event_target_value(&ev);
                            edit(index, &|rule| rule.group = typed.clone());
                        }/>
                </div>
                <div class="field">
                    <label for=id("provider")>"from provider"</label>
                    <select id=id("provider") disabled=move || read_only.get()
                        prop:value=provider_of
                        on:change=move |ev| {
                            let chosen = event_target_value(&ev);
                            edit(index, &|rule| rule.idp_id = chosen.clone());
                        }>
                        {move || providers.get().into_iter().map(|provider| {
                            let selected = provider_of() == provider.id;
                            view! { <option value=provider.id.clone() selected=selected>{provider.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=id("role")>"get the role"</label>
                    <select id=id("role") disabled=move || read_only.get()
                        prop:value=role_of
                        on:change=move |ev| {
                            let role = Role::parse(&event_target_value(&ev)).unwrap_or(Role::User);
                            edit(index, &|rule| rule.role = role);
                        }>
                        {role_options(Role::parse(&role_of()).unwrap_or(Role::User))}
                    </select>
                </div>
                <div class="role-rule-actions" hidden=move || read_only.get()>
                    <button type="button" class="button secondary" disabled=index == 0
                        aria-label=format!("Move rule {number} up") on:click=move_up>"↑"</button>
                    <button type="button" class="button secondary"
                        aria-label=format!("Remove rule {number}") on:click=remove>"Remove"</button>
                </div>
            </li>
        }
    };
    let default_role =
        move || rules.with(|set| set.as_ref().map_or(Role::User, |s| s.default_role));
    let own = findings_for(findings, Field::RoleRules);
    view! {
        <Show when=move || rules.with(Option::is_some)>
            <fieldset class="role-rules" aria-describedby="role-rules-hint role-rules-findings">
                <legend>"Roles from groups"</legend>
                <p class="hint" id="role-rules-hint">"At every sign-in through a provider named here, the first rule its groups match gives the role; everyone else from that provider gets the default. Rules never give owner or change an owner, and a role set by hand under Users stays until an owner gives the person back to the rules."</p>
                <ol class="role-rule-list" aria-label="Role rules, first match wins">
                    {move || (0..count.get()).map(row).collect_view()}
                </ol>
                <button type="button" class="button secondary" node_ref=add_button on:click=add
                    hidden=move || read_only.get()
                    disabled=move || providers.with(Vec::is_empty)>"Add role rule"</button>
                <div class="field">
                    <label for="role-rules-default">"Everyone else from these providers gets"</label>
                    <select id="role-rules-default" disabled=move || read_only.get()
                        prop:value=move || default_role().as_str()
                        on:change=move |ev| {
                            let role = Role::parse(&event_target_value(&ev)).unwrap_or(Role::User);
                            rules.update(|set| if let Some(set) = set.as_mut() { set.default_role = role });
                        }>
                        {move || role_options(default_role())}
                    </select>
                </div>
                <Findings id="role-rules-findings".into() findings=own on_fix=Callback::new(|_| {})/>
                <div class="role-preview" role="status" aria-live="polite">
                    {move || changes.with(|changes| (!changes.is_empty()).then(|| view! {
                        <p>"Saving now changes these roles:"</p>
                        <ul>
                            {changes.iter().map(|change| view! {
                                <li>{format!("{}: {} → {}", change.email, change.from.as_str(), change.to.as_str())}</li>
                            }).collect_view()}
                        </ul>
                    }))}
                </div>
            </fieldset>
        </Show>
    }
}
