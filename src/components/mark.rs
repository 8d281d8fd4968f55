//! A provider's mark, drawn inline from the catalogue: no request, nothing for a host
//! page's `img-src` to allow, coloured by the stylesheet (`.mark-ink`, `.mark-knockout`;
//! see `public/ICONS.md`), so the dark theme recolours it.

use leptos::prelude::*;
use qufabric_model::ProviderKind;

/// Decorative: the provider's name is always next to it.
#[component]
pub fn ProviderMark(kind: ProviderKind) -> impl IntoView {
    view! { <span class="mark" aria-hidden="true" inner_html=kind.mark()></span> }
}
