//! The dashboard's stylesheet made fit for a shadow root (the embedded elements).
//!
//! - `:root` rules become `:host` rules, so the custom properties (colours, `--font`,
//!   `--radius`, `--gap`) are set on the element, where a host page can override them
//!   (outer rules win over `:host` rules);
//! - the scheme is the host page's, not the system's: the element's script
//!   (`embed/qufabric-sso.js`) reads what the host shows (its root's `color-scheme`, a
//!   `dark`/`light` class or `data-theme`, else `prefers-color-scheme`) into the custom
//!   states `:state(dark)` / `:state(light)`, without writing an attribute on the element;
//!   `theme="dark"` or `theme="light"` overrides it. So the stylesheet's
//!   `prefers-color-scheme` rule is dropped here and its colours go to `:state(dark)`;
//! - `html, body` becomes the inner wrapper `.qf-root`, which also resets the inherited
//!   properties a host page may force on our element itself (`* { … !important }` matches
//!   the host element, and font, letter-spacing, colour… inherit into the shadow tree).

/// The class of the wrapper every element mounts into.
pub const WRAPPER_CLASS: &str = "qf-root";

const DARK_MEDIA: &str = "@media (prefers-color-scheme: dark) {";

/// `text` as the inside of a double-quoted CSS string (`url("…")`, `content: "…"`): quotes
/// and backslashes escaped, and line breaks, which would end the string, written as
/// escapes.
pub fn css_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '\n' | '\r' | '\u{c}' => quoted.push_str(&format!("\\{:x} ", u32::from(c))),
            _ => quoted.push(c),
        }
    }
    quoted
}

/// Rewrite `css` (the standalone stylesheet) for a shadow root.
pub fn for_shadow_root(css: &str) -> String {
    let dark = dark_declarations(css);
    let mut out = without_dark_media(css).replacen(":root {", ":host { display: block;", 1);
    out = out.replace(":root", ":host");
    out = out.replacen("html, body {", &format!(".{WRAPPER_CLASS} {{"), 1);
    if let Some(dark) = dark {
        out.push_str(&format!(
            "\n:host(:state(dark)), :host([theme=\"dark\"]) {{ color-scheme: dark; {dark} }}\n"
        ));
    }
    out.push_str(&format!(
        ":host(:state(light)), :host([theme=\"light\"]) {{ color-scheme: light; }}\n\
         .{WRAPPER_CLASS} {{ font: var(--font); font-style: normal; font-weight: 400; \
         letter-spacing: normal; word-spacing: normal; text-transform: none; text-align: start; \
         text-indent: 0; text-shadow: none; white-space: normal; color: var(--text); }}\n"
    ));
    out
}

/// `css` without its dark-scheme media block (a block of one rule: `@media … { :root {…} }`).
fn without_dark_media(css: &str) -> String {
    let Some(start) = css.find(DARK_MEDIA) else {
        return css.to_string();
    };
    let after_rule = css[start..]
        .find('}')
        .map(|end| start + end + 1)
        .and_then(|rule_end| css[rule_end..].find('}').map(|end| rule_end + end + 1));
    match after_rule {
        Some(end) => format!("{}{}", &css[..start], &css[end..]),
        None => css.to_string(),
    }
}

/// The declarations of the `:root` rule inside the dark-scheme media query.
fn dark_declarations(css: &str) -> Option<String> {
    let start = css.find(DARK_MEDIA)? + DARK_MEDIA.len();
    let rule = start + css[start..].find(":root {")? + ":root {".len();
    let end = rule + css[rule..].find('}')?;
    Some(css[rule..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSS: &str = include_str!("../../style/main.css");

    #[test]
    fn css_strings_cannot_be_ended_from_inside() {
        assert_eq!(
            css_string("https://qf.example/icons/a.svg"),
            "https://qf.example/icons/a.svg"
        );
        assert_eq!(css_string(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(css_string("a\nb\rc"), "a\\a b\\d c");
        // The quote that would end `url("…")` early stays inside it.
        assert_eq!(
            css_string(r#"x");}body{color:red"#),
            r#"x\");}body{color:red"#
        );
    }

    #[test]
    fn nothing_targets_the_document_and_the_themes_are_on_the_host() {
        let css = for_shadow_root(CSS);
        assert!(!css.contains(":root"), "no :root left");
        assert!(!css.contains("html, body"), "no document rules left");
        assert!(css.contains(":host { display: block;"));
        // The system's preference decides nothing by itself: the host's scheme does.
        assert!(!css.contains("prefers-color-scheme"), "no media rule left");
        // The host's dark scheme (a custom state) and theme="dark" carry the dark colours.
        let forced = css
            .split(":host(:state(dark)), :host([theme=\"dark\"]) {")
            .nth(1)
            .expect("a dark rule");
        assert!(forced.contains("--bg: #101318"), "{forced}");
        assert!(
            css.contains(":host(:state(light)), :host([theme=\"light\"]) { color-scheme: light; }")
        );
        // What followed the media block is kept.
        assert!(css.contains("* { box-sizing: border-box; }"));
        // The wrapper resets what a host can force onto the element and what inherits.
        let wrapper = css.rsplit(".qf-root {").next().unwrap_or_default();
        for property in [
            "font: var(--font)",
            "letter-spacing: normal",
            "color: var(--text)",
        ] {
            assert!(wrapper.contains(property), "{property}");
        }
    }

    #[test]
    fn a_stylesheet_without_a_dark_scheme_still_converts() {
        let css = for_shadow_root(":root { --bg: #fff; }\nhtml, body { margin: 0; }");
        assert!(css.starts_with(":host { display: block; --bg: #fff; }"));
        assert!(css.contains(".qf-root { margin: 0; }"));
        assert!(!css.contains("theme=\"dark\""));
    }
}
