//! The stylesheets: `style/main.css` is every page's (Trunk links it from `index.html`);
//! `style/settings.css` holds the settings pages' rules, which the login and onboarding
//! bundles never load (about 2 KB gzip less for the login screen). The settings bundle
//! adopts it from inside its wasm at start, as one constructed stylesheet after main.css
//! (no `<style>` element, which a strict `style-src` would refuse); the elements put both
//! into each shadow root.

/// The settings pages' rules.
pub const SETTINGS_CSS: &str = include_str!("../style/settings.css");

/// What each element's shadow root is styled by: every page's rules, then the settings
/// pages' (converted for the shadow root by `qufabric_model::shadow_css`).
#[cfg(feature = "embed")]
pub const ELEMENTS_CSS: &str = concat!(
    include_str!("../style/main.css"),
    include_str!("../style/settings.css")
);

/// Add the settings pages' sheet to the document, after the sheets already there.
pub fn adopt_settings_sheet() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Ok(sheet) = web_sys::CssStyleSheet::new() else {
        return;
    };
    if sheet.replace_sync(SETTINGS_CSS).is_err() {
        return;
    }
    let sheets = document.adopted_style_sheets();
    sheets.push(&sheet);
    document.set_adopted_style_sheets(&sheets);
}
