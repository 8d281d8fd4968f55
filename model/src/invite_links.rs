//! Invite links: where the public invite page lives, how a link is spelled from the
//! server's public URL, and the lifetimes the Users page offers.

/// The login bundle's public page that sets an invited person's password.
pub const INVITE_PATH: &str = "/invite";

/// The link an invited person opens: `{public_url}/invite?token=…`, the token encoded.
/// `public_url` is the server's (from the issuer), not the page's: inside a host page the
/// element's own address is the host's, where no invite page exists.
pub fn invite_url(public_url: &str, token: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .finish();
    format!("{}{INVITE_PATH}?{query}", public_url.trim_end_matches('/'))
}

/// The server's public URL from its issuer (`{public_url}/oauth2`), else `fallback`.
pub fn public_url_of(issuer: Option<&str>, fallback: &str) -> String {
    issuer
        .and_then(|issuer| issuer.trim_end_matches('/').strip_suffix("/oauth2"))
        .unwrap_or(fallback)
        .trim_end_matches('/')
        .to_string()
}

/// The lifetimes offered for a new invite, in seconds, with their words; the second is the
/// server's default (72 hours).
pub const LIFETIMES: [(i64, &str); 4] = [
    (86_400, "1 day"),
    (259_200, "3 days"),
    (604_800, "7 days"),
    (2_592_000, "30 days"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_starts_at_the_servers_public_url_with_the_token_encoded() {
        assert_eq!(
            invite_url("https://qufabric.example.com/", "nbi_a+b/c"),
            "https://qufabric.example.com/invite?token=nbi_a%2Bb%2Fc"
        );
        assert_eq!(
            public_url_of(Some("https://qufabric.example.com/oauth2"), "http://host"),
            "https://qufabric.example.com"
        );
        assert_eq!(
            public_url_of(Some("https://qufabric.example.com/oauth2/"), "http://host"),
            "https://qufabric.example.com"
        );
        assert_eq!(public_url_of(None, "http://host/"), "http://host");
        assert_eq!(
            public_url_of(Some("https://odd.example"), "http://host"),
            "http://host"
        );
    }
}
