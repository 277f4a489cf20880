//! Who sent a request. Behind a reverse proxy the peer is the proxy, and
//! the client's address and scheme are what the proxy reports in
//! `X-Forwarded-For` and `X-Forwarded-Proto`. Anyone can send those
//! headers, so they are believed only from the proxy addresses the operator
//! named (`--trusted-proxy`, as nginx's `set_real_ip_from`). Resolved once
//! per request by [`resolve`]; the flood check, the sign-in lock, staff
//! replies and the site's address all read the [`Client`] it leaves.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use crate::AppState;
use crate::error::WebError;

/// The address ranges of the reverse proxies in front of the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Trusts proxies in `ranges`.
    pub fn new(ranges: Vec<IpNet>) -> Self {
        Self(ranges.into_iter().map(|r| r.trunc()).collect())
    }

    /// Loopback, IPv4 and IPv6: a proxy on this machine.
    pub fn loopback() -> Vec<IpNet> {
        ["127.0.0.0/8", "::1/128"]
            .map(|r| r.parse().expect("a valid range"))
            .to_vec()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(&ip))
    }
}

/// Reads a `--trusted-proxy` value: a range (`10.0.0.0/8`, `fd00::/8`) or
/// one address.
pub fn parse_range(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(|ip| IpNet::from(ip.to_canonical())))
        .map_err(|_| format!("{s:?} is not an address or a range such as 10.0.0.0/8 or fd00::/8"))
}

/// The client of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// Its address; an IPv4-mapped IPv6 address is given as the IPv4 one.
    pub ip: IpAddr,
    /// Whether it reached the site over HTTPS, as a trusted proxy says.
    pub https: bool,
}

impl Client {
    /// The client behind `peer`: the peer itself unless it is a trusted
    /// proxy; then the right-most `X-Forwarded-For` hop that is not a
    /// trusted proxy (every hop before it could be forged by the client).
    /// When every hop is trusted, the left-most; at a hop that is not an
    /// address, the trusted one after it.
    pub fn resolve(peer: IpAddr, headers: &HeaderMap, proxies: &TrustedProxies) -> Self {
        let peer = peer.to_canonical();
        if !proxies.trusts(peer) {
            return Self { ip: peer, https: false };
        }
        let hops: Vec<Option<IpAddr>> = headers
            .get_all("x-forwarded-for")
            .iter()
            .flat_map(|v| match v.to_str() {
                Ok(list) => list
                    .split(',')
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(parse_hop)
                    .collect(),
                Err(_) => vec![None],
            })
            .collect();
        let mut ip = peer;
        for hop in hops.into_iter().rev() {
            let Some(hop) = hop else { break };
            ip = hop;
            if !proxies.trusts(hop) {
                break;
            }
        }
        let https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
        Self { ip, https }
    }

    /// The network rate limits count this client by (an IPv6 /64).
    pub fn network(&self) -> String {
        byline_core::client_net::network_of(self.ip)
    }

    /// Whether the request with these extensions came over HTTPS.
    pub fn is_https(extensions: &Extensions) -> bool {
        extensions.get::<Self>().is_some_and(|c| c.https)
    }
}

/// One `X-Forwarded-For` entry: an address, maybe with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let ip = hop
        .parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .or_else(|_| hop.trim_start_matches('[').trim_end_matches(']').parse())
        .ok()?;
    Some(ip.to_canonical())
}

/// Middleware: resolves the request's [`Client`] from its peer address (set
/// by the server) and leaves it in the request's extensions.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let client = Client::resolve(peer.ip(), request.headers(), &state.config.trusted_proxies);
        request.extensions_mut().insert(client);
    }
    next.run(request).await
}

impl<S: Sync> FromRequestParts<S> for Client {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Self>()
            .copied()
            .ok_or_else(|| WebError::Internal("the request has no peer address".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::new(ranges.iter().map(|r| parse_range(r).unwrap()).collect())
    }

    fn client(peer: &str, forwarded: &[&str], trusted: &[&str]) -> Client {
        let mut headers = HeaderMap::new();
        for f in forwarded {
            headers.append("x-forwarded-for", f.parse().unwrap());
        }
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        Client::resolve(peer.parse().unwrap(), &headers, &proxies(trusted))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let c = client("203.0.113.9", &["198.51.100.1"], &[]);
        assert_eq!(
            c,
            Client {
                ip: ip("203.0.113.9"),
                https: false
            }
        );
        let c = client("203.0.113.9", &["198.51.100.1"], &["10.0.0.0/8"]);
        assert_eq!(
            c,
            Client {
                ip: ip("203.0.113.9"),
                https: false
            }
        );
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = ["127.0.0.1", "10.0.0.0/8"];
        let c = client("127.0.0.1", &["1.1.1.1, 203.0.113.7, 10.0.0.2"], &trusted);
        assert_eq!(
            c,
            Client {
                ip: ip("203.0.113.7"),
                https: true
            }
        );
        // Several headers are one list, in order.
        let c = client("127.0.0.1", &["1.1.1.1", "203.0.113.7", "10.0.0.2"], &trusted);
        assert_eq!(c.ip, ip("203.0.113.7"));
        // Every hop trusted: the left-most.
        assert_eq!(
            client("127.0.0.1", &["10.0.0.3, 10.0.0.2"], &trusted).ip,
            ip("10.0.0.3")
        );
        // No header: the proxy itself.
        assert_eq!(client("127.0.0.1", &[], &trusted).ip, ip("127.0.0.1"));
        // Garbage stops the walk at the trusted hop after it.
        assert_eq!(
            client("127.0.0.1", &["203.0.113.7, junk, 10.0.0.2"], &trusted).ip,
            ip("10.0.0.2")
        );
        assert_eq!(client("127.0.0.1", &["junk"], &trusted).ip, ip("127.0.0.1"));
    }

    #[test]
    fn mapped_addresses_and_ports_are_read() {
        let trusted = ["127.0.0.0/8"];
        assert_eq!(
            client("::ffff:127.0.0.1", &["::ffff:192.0.2.1"], &trusted).ip,
            ip("192.0.2.1")
        );
        assert_eq!(client("127.0.0.1", &["192.0.2.1:5000"], &trusted).ip, ip("192.0.2.1"));
        assert_eq!(
            client("127.0.0.1", &["[2001:db8::1]:443"], &trusted).ip,
            ip("2001:db8::1")
        );
        assert_eq!(client("127.0.0.1", &["[2001:db8::1]"], &trusted).ip, ip("2001:db8::1"));
    }

    #[test]
    fn ranges_parse_or_say_why_not() {
        assert_eq!(parse_range("10.1.2.3/8").unwrap().to_string(), "10.1.2.3/8");
        assert!(proxies(&["10.1.2.3/8"]).trusts(ip("10.200.0.1")));
        assert_eq!(parse_range("192.0.2.1").unwrap().to_string(), "192.0.2.1/32");
        assert_eq!(parse_range("::1").unwrap().to_string(), "::1/128");
        let e = parse_range("example.com").unwrap_err();
        assert!(e.contains("10.0.0.0/8"), "{e}");
        assert!(parse_range("10.0.0.0/33").is_err());
    }
}
