//! The one HTTP client that talks to identity providers (the discovery check and the
//! sign-in broker). An administrator, or anyone who can make one type an issuer, chooses
//! where it connects, so it must not become a way into the server's own network:
//! - no redirects (a provider's discovery document and token endpoint answer directly);
//! - link-local (cloud metadata at 169.254.169.254 among them), unspecified and known
//!   metadata addresses are always refused, checked on the addresses DNS returns, which
//!   are the ones connected to (a name cannot resolve to one thing when checked and to
//!   another when used);
//! - loopback and private ranges are allowed (PocketID on the LAN is the common case)
//!   unless the server runs with `--deny-private-issuers`;
//! - answers are read up to [`MAX_BODY`] bytes.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The largest discovery document or token answer read.
pub const MAX_BODY: usize = 256 * 1024;

/// Why an address may not be connected to; `None` when it may.
pub fn refused_address(ip: IpAddr, deny_private: bool) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            if v4.is_unspecified() || v4.is_broadcast() {
                Some("an unspecified address")
            } else if v4.is_link_local() || v4.octets() == [100, 100, 100, 200] {
                Some("a link-local or cloud metadata address")
            } else if deny_private && (v4.is_loopback() || v4.is_private() || is_shared(v4)) {
                Some("a private address (--deny-private-issuers)")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            if v6.is_unspecified() {
                Some("an unspecified address")
            } else if (segments[0] & 0xffc0) == 0xfe80 || segments[..4] == [0xfd00, 0xec2, 0, 0] {
                Some("a link-local or cloud metadata address")
            } else if deny_private && (v6.is_loopback() || (segments[0] & 0xfe00) == 0xfc00) {
                Some("a private address (--deny-private-issuers)")
            } else {
                None
            }
        }
    }
}

/// 100.64.0.0/10, carrier-grade NAT (and the mesh's own range on many installations).
fn is_shared(v4: std::net::Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    a == 100 && (64..128).contains(&b)
}

/// Resolves names and keeps only the addresses that may be connected to.
struct CheckedResolver {
    deny_private: bool,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let deny_private = self.deny_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|addr| refused_address(addr.ip(), deny_private).is_none())
                .collect();
            if allowed.is_empty() {
                let why = found
                    .first()
                    .and_then(|addr| refused_address(addr.ip(), deny_private))
                    .unwrap_or("no address");
                return Err(format!(
                    "{host} resolves to {why}, which QuFabric does not connect to"
                )
                .into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// The client, built once per server.
pub fn client(deny_private: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .dns_resolver(Arc::new(CheckedResolver { deny_private }))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Refuse an issuer whose host is an IP literal that may not be connected to (literals
/// never reach the resolver).
pub fn refused_literal(issuer: &str, deny_private: bool) -> Option<String> {
    let host = qufabric_model::issuer::parse_issuer(issuer)?.host;
    let ip: IpAddr = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()?;
    refused_address(ip, deny_private)
        .map(|why| format!("{host} is {why}, which QuFabric does not connect to"))
}

/// Read at most [`MAX_BODY`] bytes of an answer.
pub async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(format!("the answer is larger than {} KiB", MAX_BODY / 1024));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_link_local_and_unspecified_are_always_refused() {
        for ip in [
            "169.254.169.254",
            "169.254.1.1",
            "0.0.0.0",
            "100.100.100.200",
            "fe80::1",
            "::",
            "fd00:ec2::254",
            "::ffff:169.254.169.254",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(refused_address(ip, false).is_some(), "{ip}");
        }
    }

    #[test]
    fn private_ranges_are_allowed_unless_denied() {
        for ip in [
            "127.0.0.1",
            "10.0.0.5",
            "192.168.1.20",
            "100.64.0.7",
            "::1",
            "fd12::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(refused_address(ip, false).is_none(), "{ip}");
            assert!(refused_address(ip, true).is_some(), "{ip}");
        }
        assert!(refused_address("203.0.113.9".parse().unwrap(), true).is_none());
        assert_eq!(
            refused_literal("http://169.254.169.254/latest", false).as_deref(),
            Some("169.254.169.254 is a link-local or cloud metadata address, which QuFabric does not connect to")
        );
        assert!(refused_literal("https://pocketid.example.com", true).is_none());
    }
}
