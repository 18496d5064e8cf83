//! Which address a request comes from, and CIDR lists (`SHOP_TRUSTED_PROXIES`).
//!
//! Without a proxy the socket peer is the client. Behind the shop's own reverse proxy
//! (`SHOP_BEHIND_PROXY=true`) `X-Forwarded-For` is read only when the peer is a trusted
//! proxy, and then from the right: every proxy *appends* the address it received the
//! request from, so the right-most entry that is not one of the shop's own proxies is the
//! last address nobody but the shop's proxies wrote. Anything to the left of it was sent by
//! the client and proves nothing.

use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// A list like `10.0.0.0/8, 192.168.1.7, ::1/128` (commas or spaces; a bare address is a
/// single host). Answers what is wrong with the first entry that is not an address.
pub fn parse_cidrs(raw: &str) -> Result<Vec<IpNet>, String> {
    let mut nets = Vec::new();
    for entry in raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|e| !e.is_empty())
    {
        let net = match entry.parse::<IpNet>() {
            Ok(net) => net.trunc(),
            Err(_) => match entry.parse::<IpAddr>() {
                Ok(ip) => IpNet::from(ip.to_canonical()),
                Err(_) => {
                    return Err(format!(
                        "`{entry}` is not an address or a CIDR range like 10.0.0.0/8"
                    ))
                }
            },
        };
        nets.push(net);
    }
    if nets.is_empty() {
        return Err("lists no address; give CIDR ranges like 10.0.0.0/8, ::1/128".to_owned());
    }
    Ok(nets)
}

/// `ip` lies in one of `nets` (an IPv4-mapped IPv6 address counts as its IPv4 address).
pub fn in_any(ip: IpAddr, nets: &[IpNet]) -> bool {
    let ip = ip.to_canonical();
    nets.iter().any(|net| net.contains(&ip))
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`), as some proxies write it.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address: the socket `peer`, or, when `trusted` is given (behind the shop's
/// proxy) and the peer is one of them, the right-most `X-Forwarded-For` entry that is not a
/// trusted proxy. `forwarded_for` is every `X-Forwarded-For` header value, in order. When
/// every entry is trusted, or an entry is not an address (nothing to its left can be
/// believed), the left-most trusted address read so far is the answer.
pub fn client_ip<'a>(
    peer: Option<IpAddr>,
    trusted: Option<&[IpNet]>,
    forwarded_for: impl IntoIterator<Item = &'a str>,
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let Some(trusted) = trusted else {
        return Some(peer);
    };
    if !in_any(peer, trusted) {
        return Some(peer);
    }
    let hops: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|value| value.split(','))
        .collect();
    let mut nearest = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if in_any(ip, trusted) => nearest = ip,
            Some(ip) => return Some(ip),
            None => break,
        }
    }
    Some(nearest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn nets(s: &str) -> Vec<IpNet> {
        parse_cidrs(s).expect("cidrs")
    }

    #[test]
    fn cidr_lists_parse_ranges_and_single_hosts() {
        let list = nets("10.0.0.0/8, 192.168.1.7 ::1/128,2001:db8::/32");
        assert_eq!(list.len(), 4);
        assert!(in_any(ip("10.200.3.4"), &list));
        assert!(in_any(ip("192.168.1.7"), &list));
        assert!(!in_any(ip("192.168.1.8"), &list));
        assert!(in_any(ip("::1"), &list));
        assert!(in_any(ip("2001:db8::5"), &list));
        assert!(!in_any(ip("11.0.0.1"), &list));
        // An IPv4 client seen through a dual-stack socket.
        assert!(in_any(ip("::ffff:10.1.2.3"), &list));
        // A host address written with a range is the range.
        assert!(in_any(ip("10.0.0.9"), &nets("10.0.0.1/24")));
    }

    #[test]
    fn bad_cidr_lists_say_which_entry() {
        let err = parse_cidrs("10.0.0.0/8, proxy.example.com").expect_err("a name");
        assert!(err.contains("proxy.example.com"), "{err}");
        assert!(parse_cidrs("10.0.0.0/33").is_err());
        assert!(parse_cidrs(" , ").is_err());
    }

    #[test]
    fn without_a_proxy_the_peer_is_the_client_whatever_the_headers_say() {
        let peer = Some(ip("198.51.100.7"));
        assert_eq!(client_ip(peer, None, ["203.0.113.1"]), peer);
        assert_eq!(client_ip(None, None, ["203.0.113.1"]), None);
    }

    #[test]
    fn behind_a_proxy_the_right_most_untrusted_entry_is_the_client() {
        let trusted = nets("127.0.0.1/32, 10.0.0.0/8");
        let proxy = Some(ip("127.0.0.1"));
        // The client made up the left entries; the proxy appended the real address.
        assert_eq!(
            client_ip(proxy, Some(&trusted), ["1.1.1.1, 2.2.2.2, 198.51.100.7"]),
            Some(ip("198.51.100.7"))
        );
        // Through two of the shop's proxies.
        assert_eq!(
            client_ip(proxy, Some(&trusted), ["6.6.6.6, 198.51.100.7, 10.0.0.2"]),
            Some(ip("198.51.100.7"))
        );
        // Several headers are one list, in order.
        assert_eq!(
            client_ip(proxy, Some(&trusted), ["6.6.6.6", "198.51.100.7, 10.0.0.2"]),
            Some(ip("198.51.100.7"))
        );
        // Ports and IPv6.
        assert_eq!(
            client_ip(proxy, Some(&trusted), ["198.51.100.7:4711"]),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_ip(proxy, Some(&trusted), ["[2001:db8::9]:443"]),
            Some(ip("2001:db8::9"))
        );
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let trusted = nets("10.0.0.0/8");
        let peer = Some(ip("198.51.100.7"));
        assert_eq!(client_ip(peer, Some(&trusted), ["203.0.113.1"]), peer);
    }

    #[test]
    fn garbage_or_only_trusted_hops_fall_back_to_the_nearest_trusted_address() {
        let trusted = nets("127.0.0.1/32, 10.0.0.0/8");
        let proxy = Some(ip("127.0.0.1"));
        assert_eq!(client_ip(proxy, Some(&trusted), Vec::<&str>::new()), proxy);
        assert_eq!(
            client_ip(proxy, Some(&trusted), ["10.0.0.3, 10.0.0.2"]),
            Some(ip("10.0.0.3"))
        );
        // A made-up entry next to a trusted hop: nothing left of it is believed.
        assert_eq!(
            client_ip(proxy, Some(&trusted), ["1.2.3.4, not-an-ip, 10.0.0.2"]),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(
            client_ip(proxy, Some(&trusted), ["1.2.3.4,,"]),
            proxy,
            "empty entries are not addresses"
        );
    }
}
