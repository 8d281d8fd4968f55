//! The providers list's rows: one row is built with DOM calls, then cloned and filled per
//! provider. A list of ten thousand rows has no reactive part per row (links and buttons
//! are handled by one delegated click handler on the table), so going through the view
//! tree for each row only cost time (see the README's benchmark). Text and attributes are
//! set as text and attribute values, never parsed as markup.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::nav::{Nav, PROVIDERS_PATH};
use qufabric_model::IdentityProvider;

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

/// A row button: its words, then the provider's name for screen readers.
fn row_button(document: &Document, class: &str, words: &str) -> Option<Element> {
    let button = element(document, "button", &[("type", "button"), ("class", class)])?;
    button.append_with_str_1(words).ok()?;
    add(
        &button,
        &element(document, "span", &[("class", "visually-hidden")])?,
    )?;
    Some(button)
}

/// The empty row every provider's row is cloned from.
fn template(document: &Document, write: bool) -> Option<Element> {
    let row = element(document, "tr", &[])?;
    let name_cell = element(document, "td", &[])?;
    let name = element(document, "span", &[("class", "provider-name")])?;
    let icon = element(
        document,
        "img",
        &[("alt", ""), ("width", "20"), ("height", "20")],
    )?;
    add(&name, &icon)?;
    add(&name, &element(document, "a", &[])?)?;
    add(&name_cell, &name)?;
    add(&row, &name_cell)?;
    add(&row, &element(document, "td", &[])?)?;
    add(&row, &element(document, "td", &[("class", "issuer")])?)?;
    let actions = element(document, "td", &[("class", "actions")])?;
    if write {
        add(
            &actions,
            &row_button(document, "button secondary", "Test sign-in")?,
        )?;
        add(
            &actions,
            &row_button(document, "button secondary danger-text", "Delete")?,
        )?;
    }
    add(&row, &actions)?;
    Some(row)
}

/// One provider's row, cloned from `template` and filled in.
fn row(template: &Element, provider: &IdentityProvider, nav: Nav) -> Option<Element> {
    let row: Element = template.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let info = provider.kind.info();
    let to = format!(
        "{PROVIDERS_PATH}/{}",
        crate::api::encode_segment(&provider.id)
    );
    let name_cell = row.first_element_child()?;
    let name = name_cell.first_element_child()?;
    let icon = name.first_element_child()?;
    icon.set_attribute("src", &nav.outside_href(&format!("/icons/{}", info.icon)))
        .ok()?;
    let link = icon.next_element_sibling()?;
    link.set_attribute("href", &nav.href(&to)).ok()?;
    link.set_attribute("data-nav", &to).ok()?;
    link.set_text_content(Some(&provider.name));
    let kind_cell = name_cell.next_element_sibling()?;
    kind_cell.set_text_content(Some(info.label));
    let issuer_cell = kind_cell.next_element_sibling()?;
    issuer_cell.set_text_content(Some(&provider.issuer));
    let actions = issuer_cell.next_element_sibling()?;
    let spoken_name = format!(" {}", provider.name);
    let mut button = actions.first_element_child();
    for attribute in ["data-test", "data-delete"] {
        let Some(current) = button else { break };
        current.set_attribute(attribute, &provider.id).ok()?;
        current
            .first_element_child()?
            .set_text_content(Some(&spoken_name));
        button = current.next_element_sibling();
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
    let template = template(&document, write)?;
    let rows = document.create_document_fragment();
    for provider in providers {
        let filled = row(&template, provider, nav)?;
        rows.append_child(&filled).ok()?;
    }
    body.set_text_content(None);
    body.append_child(&rows).ok().map(drop)
}
