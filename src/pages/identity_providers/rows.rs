//! The providers list's rows: one row per provider kind is built with DOM calls (its type
//! already in it), then cloned and filled per provider. A list of ten thousand rows
//! has no reactive part per row (links and buttons are handled by one delegated click
//! handler on the table, which finds the provider by the row's `data-id`), so going
//! through the view tree for each row only cost time, and so did every call across the
//! WebAssembly boundary that a row could do without (see the README's benchmark). Text
//! and attributes are set as text and attribute values, never parsed as markup.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::nav::{provider_path, Nav};
use qufabric_model::{IdentityProvider, ProviderKind};

/// `data-action` of a row's Test sign-in button.
pub const TEST_ACTION: &str = "test";
/// `data-action` of a row's Delete button.
pub const DELETE_ACTION: &str = "delete";
/// The row's buttons: `data-action`, classes, words.
const ROW_BUTTONS: [(&str, &str, &str); 2] = [
    (TEST_ACTION, "button secondary", "Test sign-in"),
    (DELETE_ACTION, "button secondary danger-text", "Delete"),
];

fn element(document: &Document, tag: &str, attributes: &[(&str, &str)]) -> Option<Element> {
    let element = document.create_element(tag).ok()?;
    for (name, value) in attributes {
        element.set_attribute(name, value).ok()?;
    }
    Some(element)
}

/// Append `child` to `parent`.
fn add(parent: &Element, child: &Element) -> Option<()> {
    parent.append_child(child).ok().map(drop)
}

/// The empty row of one kind that every provider's row of that kind is cloned from.
fn template(document: &Document, kind: ProviderKind, write: bool) -> Option<Element> {
    let info = kind.info();
    let row = element(document, "tr", &[])?;
    let name_cell = element(document, "td", &[])?;
    let name = element(document, "span", &[("class", "provider-name")])?;
    // The mark is drawn inline (no request, coloured by the stylesheet) into the kind's
    // template, so each row's copy is a clone, not a parse. Decorative: the type is in the
    // next cell.
    let icon = element(
        document,
        "span",
        &[("class", "mark provider-icon"), ("aria-hidden", "true")],
    )?;
    icon.set_inner_html(info.mark);
    add(&name, &icon)?;
    add(&name, &element(document, "a", &[])?)?;
    add(&name_cell, &name)?;
    add(&row, &name_cell)?;
    let kind_cell = element(document, "td", &[])?;
    kind_cell.set_text_content(Some(info.label));
    add(&row, &kind_cell)?;
    add(&row, &element(document, "td", &[("class", "issuer")])?)?;
    let actions = element(document, "td", &[("class", "actions")])?;
    if write {
        for (action, class, words) in ROW_BUTTONS {
            let button = element(
                document,
                "button",
                &[
                    ("type", "button"),
                    ("class", class),
                    ("data-action", action),
                ],
            )?;
            button.append_with_str_1(words).ok()?;
            // The provider's name follows, for screen readers ("Delete PocketID").
            add(
                &button,
                &element(document, "span", &[("class", "visually-hidden")])?,
            )?;
            add(&actions, &button)?;
        }
    }
    add(&row, &actions)?;
    Some(row)
}

/// One provider's row, cloned from its kind's template and filled in.
fn row(template: &Element, provider: &IdentityProvider, nav: Nav) -> Option<Element> {
    let row: Element = template.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    row.set_attribute("data-id", &provider.id).ok()?;
    let name_cell = row.first_element_child()?;
    let link = name_cell.first_element_child()?.last_element_child()?;
    link.set_attribute("href", &nav.href(&provider_path(&provider.id)))
        .ok()?;
    link.set_text_content(Some(&provider.name));
    if provider.login_default {
        // The login screen goes on to this one by itself: say so where it is listed.
        let document = row.owner_document()?;
        let badge = element(&document, "span", &[("class", "badge")])?;
        badge.set_text_content(Some("Login default"));
        add(&name_cell, &badge)?;
    }
    let issuer_cell = name_cell.next_element_sibling()?.next_element_sibling()?;
    issuer_cell.set_text_content(Some(&provider.issuer));
    let actions = issuer_cell.next_element_sibling()?;
    if let (Some(first), Some(last)) = (actions.first_element_child(), actions.last_element_child())
    {
        let spoken_name = format!(" {}", provider.name);
        for button in [first, last] {
            button
                .last_element_child()?
                .set_text_content(Some(&spoken_name));
        }
    }
    Some(row)
}

/// Replace the rows of `body` with one per provider (with Test sign-in and Delete buttons
/// when `write`). Returns `None` if the browser refused a DOM call (the table then stays
/// as it was).
pub fn fill_rows(
    body: &Element,
    providers: &[IdentityProvider],
    write: bool,
    nav: Nav,
) -> Option<()> {
    let document = body.owner_document()?;
    // A handful of kinds: a short list beats a map.
    let mut templates: Vec<(ProviderKind, Element)> = Vec::new();
    let rows = document.create_document_fragment();
    for provider in providers {
        let index = match templates
            .iter()
            .position(|(kind, _)| *kind == provider.kind)
        {
            Some(index) => index,
            None => {
                let template = template(&document, provider.kind, write)?;
                templates.push((provider.kind, template));
                templates.len() - 1
            }
        };
        let (_, template) = templates.get(index)?;
        let filled = row(template, provider, nav)?;
        rows.append_child(&filled).ok()?;
    }
    body.set_text_content(None);
    body.append_child(&rows).ok().map(drop)
}

/// What a click in the table asks for: the row's provider id and, for a button, its
/// `data-action`; `None` as action for the provider's link. `None` for anything else.
pub fn clicked_in_row(target: &Element) -> Option<(String, Option<String>)> {
    let row = target.closest("tr[data-id]").ok()??;
    let id = row.get_attribute("data-id")?;
    if let Some(button) = target.closest("button[data-action]").ok()? {
        return Some((id, button.get_attribute("data-action")));
    }
    target.closest("a").ok()??;
    Some((id, None))
}
