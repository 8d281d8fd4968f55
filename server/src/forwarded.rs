//! Where a request really came from. Behind a TLS-terminating reverse proxy the server
//! sees the proxy's address and plain http; the proxy says the truth in
//! `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host`. Those headers are
//! believed only from the addresses given with `--trusted-proxy`: from anyone else they
//! would let a client claim any address or scheme.

use axum::http::{header, HeaderMap};
use ipnet::IpNet;
use std::net::IpAddr;

/// Parse a `--trusted-proxy` value: an address (`10.0.0.5`, `::1`) or a network
/// (`10.0.0.0/8`).
pub fn parse_trusted_proxy(value: &str) -> Result<IpNet, String> {
    let value = value.trim();
    if let Ok(net) = value.parse::<IpNet>() {
        return Ok(net);
    }
    value
        .parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("{value:?} is neither an IP address nor a network like 10.0.0.0/8"))
}

/// The facts about one request that depend on proxies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSource {
    /// `scheme://host[:port]` the browser used, lowercased, without a default port.
    pub origin: Option<String>,
    /// The client's address (the proxy's own when it is not trusted).
    pub client_ip: Option<IpAddr>,
    /// Whether the browser reached us over https.
    pub https: bool,
}

impl RequestSource {
    /// Work out the source from the headers, the peer address and the server's settings.
    pub fn from_headers(
        headers: &HeaderMap,
        peer: Option<IpAddr>,
        trusted: &[IpNet],
        public_url: &str,
    ) -> RequestSource {
        let from_trusted_proxy = peer.is_some_and(|ip| trusted.iter().any(|n| n.contains(&ip)));
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                // A proxy chain appends: the first value is the one the client sent to the
                // outermost proxy.
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let host = if from_trusted_proxy {
            text("x-forwarded-host")
        } else {
            None
        }
        .or_else(|| text(header::HOST.as_str()));
        let scheme = if from_trusted_proxy {
            text("x-forwarded-proto").map(|p| p.to_ascii_lowercase())
        } else {
            None
        }
        .unwrap_or_else(|| {
            // The server itself speaks plain http. Without a trusted proxy, a request for
            // the public URL's host is taken to have come the public URL's way (a proxy
            // the administrator did not declare), anything else as plain http.
            match qufabric_model::issuer::parse_issuer(public_url) {
                Some(public)
                    if host.as_deref().is_some_and(|host| {
                        let authority = match public.port {
                            Some(port) => format!("{}:{port}", public.host),
                            None => public.host.to_string(),
                        };
                        host.eq_ignore_ascii_case(&authority)
                    }) =>
                {
                    public.scheme.to_ascii_lowercase()
                }
                _ => "http".to_string(),
            }
        });
        let origin =
            host.and_then(|host| qufabric_model::origins::origin_of(&format!("{scheme}://{host}")));
        let client_ip = if from_trusted_proxy {
            text("x-forwarded-for").and_then(|ip| ip.parse().ok())
        } else {
            None
        }
        .or(peer);
        RequestSource {
            https: scheme == "https",
            origin,
            client_ip,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    const PUBLIC: &str = "https://qufabric.example.com";

    #[test]
    fn forwarded_headers_are_believed_only_from_trusted_proxies() {
        let trusted = vec![parse_trusted_proxy("10.0.0.0/8").unwrap()];
        let sent = headers(&[
            ("host", "10.0.0.2:8080"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "qufabric.example.com"),
            ("x-forwarded-for", "203.0.113.9, 10.0.0.1"),
        ]);
        let via_proxy =
            RequestSource::from_headers(&sent, "10.0.0.1".parse().ok(), &trusted, PUBLIC);
        assert_eq!(
            via_proxy.origin.as_deref(),
            Some("https://qufabric.example.com")
        );
        assert!(via_proxy.https);
        assert_eq!(via_proxy.client_ip, "203.0.113.9".parse().ok());

        let spoofed =
            RequestSource::from_headers(&sent, "198.51.100.7".parse().ok(), &trusted, PUBLIC);
        assert_eq!(spoofed.origin.as_deref(), Some("http://10.0.0.2:8080"));
        assert!(!spoofed.https);
        assert_eq!(spoofed.client_ip, "198.51.100.7".parse().ok());
    }

    #[test]
    fn the_public_host_without_a_declared_proxy_keeps_the_public_scheme() {
        let sent = headers(&[("host", "qufabric.example.com")]);
        let source = RequestSource::from_headers(&sent, "127.0.0.1".parse().ok(), &[], PUBLIC);
        assert_eq!(
            source.origin.as_deref(),
            Some("https://qufabric.example.com")
        );
        assert!(source.https);
        let local = headers(&[("host", "127.0.0.1:8080")]);
        let source = RequestSource::from_headers(&local, "127.0.0.1".parse().ok(), &[], PUBLIC);
        assert_eq!(source.origin.as_deref(), Some("http://127.0.0.1:8080"));
        assert!(!source.https);
    }

    #[test]
    fn proxy_addresses_parse() {
        assert!(parse_trusted_proxy("127.0.0.1").is_ok());
        assert!(parse_trusted_proxy("::1").is_ok());
        assert!(parse_trusted_proxy("192.168.0.0/16").is_ok());
        assert!(parse_trusted_proxy("proxy.example").is_err());
    }
}
