//! What rate limits (the comment flood check, the sign-in lock) count a
//! client by. An IPv6 subscriber is handed at least a /64 and can use any
//! address in it, so counting single IPv6 addresses would give one visitor
//! 2^64 tries; an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a
//! dual-stack socket reports for an IPv4 client) is that IPv4 address.

use std::net::{IpAddr, Ipv6Addr};

/// Bits of an IPv6 address that name the subscriber's network.
const IPV6_PREFIX: u32 = 64;

/// The rate-limit key of `ip`: the IPv4 address itself, or the IPv6
/// address's /64 written as a network (`2001:db8:1:2::/64`).
pub fn network_of(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let mask = u128::MAX << (128 - IPV6_PREFIX);
            format!("{}/{IPV6_PREFIX}", Ipv6Addr::from(u128::from(v6) & mask))
        }
    }
}

/// [`network_of`] for an address as stored. Text that is not an IP address
/// (an imported record, say) is its own key.
pub fn network_key(address: &str) -> String {
    let address = address.trim();
    address.parse().map_or_else(|_| address.to_owned(), network_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_is_itself_mapped_or_not() {
        assert_eq!(network_key("192.0.2.7"), "192.0.2.7");
        assert_eq!(network_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(network_key("::ffff:c000:207"), "192.0.2.7");
    }

    #[test]
    fn ipv6_counts_by_its_64() {
        assert_eq!(network_key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(network_key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_ne!(network_key("2001:db8:1:3::1"), network_key("2001:db8:1:2::1"));
        assert_eq!(network_key("::1"), "::/64");
    }

    #[test]
    fn other_text_is_its_own_key() {
        assert_eq!(network_key(" seed-12 "), "seed-12");
        assert_eq!(network_key(""), "");
    }
}
