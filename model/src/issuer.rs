//! Reading an issuer URL. The dashboard (inline, in WebAssembly) and the server
//! (validation) both use this one parser, so they cannot disagree about what a valid
//! issuer is. It is deliberately small: an issuer is `scheme://host[:port][/path]`, and
//! pulling the `url` crate into the browser bundle would cost more than it buys.

/// The parts of an absolute URL that the issuer checks look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerUrl<'a> {
    pub scheme: &'a str,
    /// Host without port or user info, lowercase not enforced.
    pub host: &'a str,
    pub port: Option<&'a str>,
    /// Everything from the first `/` after the authority, without query and fragment.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

impl IssuerUrl<'_> {
    /// `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// `127.0.0.1`, `::1`, `localhost` and its subdomains.
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host.ends_with(".localhost")
            || host == "::1"
            || host.split('.').next() == Some("127") && host.split('.').count() == 4
    }
}

/// Parse `input` as an absolute URL with a scheme and a host. `None` when it is not one.
pub fn parse_issuer(input: &str) -> Option<IssuerUrl<'_>> {
    let (scheme, rest) = input.split_once("://")?;
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return None;
    }
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (rest, None),
    };
    let (before_query, query) = match before_fragment.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (before_fragment, None),
    };
    let (authority, path) = match before_query.find('/') {
        Some(index) => (&before_query[..index], &before_query[index..]),
        None => (before_query, ""),
    };
    // User info is not part of an issuer's host.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = if host_port.starts_with('[') {
        // IPv6 literal.
        let end = host_port.find(']')?;
        let host = &host_port[..=end];
        let port = host_port[end + 1..].strip_prefix(':');
        (host, port)
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '[' | ']' | ':'))
        && !host.chars().any(char::is_whitespace);
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    if !host_ok || !port_ok || path.chars().any(char::is_whitespace) {
        return None;
    }
    Some(IssuerUrl {
        scheme,
        host,
        port,
        path,
        query,
        fragment,
    })
}

/// The discovery document's address: `<issuer without trailing slash>/.well-known/openid-configuration`.
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_issuers() {
        let url = parse_issuer("https://pocketid.example.com").unwrap();
        assert_eq!(
            (url.scheme, url.host, url.port, url.path),
            ("https", "pocketid.example.com", None, "")
        );
        let url = parse_issuer("https://kc.example.com:8443/realms/main/").unwrap();
        assert_eq!(
            (url.host, url.port, url.path),
            ("kc.example.com", Some("8443"), "/realms/main/")
        );
        assert_eq!(url.origin(), "https://kc.example.com:8443");
        let url = parse_issuer("http://[::1]:9000/x").unwrap();
        assert_eq!((url.host, url.port), ("[::1]", Some("9000")));
        assert!(url.is_loopback());
        let url = parse_issuer("https://a.example/?x=1#f").unwrap();
        assert_eq!(
            (url.path, url.query, url.fragment),
            ("/", Some("x=1"), Some("f"))
        );
    }

    #[test]
    fn refuses_what_is_not_an_absolute_url() {
        for bad in [
            "",
            "pocketid.example.com",
            "/relative",
            "https://",
            "https:///path",
            "://host",
            "1http://host",
            "https://ho st",
            "https://host:port",
            "https://host:123456",
            "https://host/pa th",
        ] {
            assert!(parse_issuer(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://id.localhost",
            "http://127.1.2.3",
        ] {
            assert!(parse_issuer(host).unwrap().is_loopback(), "{host}");
        }
        for host in [
            "http://10.0.0.1",
            "http://localhost.example.com",
            "http://127.example.com",
        ] {
            assert!(!parse_issuer(host).unwrap().is_loopback(), "{host}");
        }
    }

    #[test]
    fn discovery_url_drops_one_trailing_slash() {
        assert_eq!(
            discovery_url("https://a.example/application/o/x/"),
            "https://a.example/application/o/x/.well-known/openid-configuration"
        );
        assert_eq!(
            discovery_url("https://a.example"),
            "https://a.example/.well-known/openid-configuration"
        );
    }
}
