//! The known-benign list: values so common in incident reports (public
//! resolvers, private addresses, the update and connectivity-check hosts of
//! operating systems, big CDNs' edge names) that sharing them says nothing
//! about a campaign.
//!
//! # Text format
//!
//! One entry per line; `#` starts a comment (at the start of a line or after
//! white space); blank lines are ignored. An entry is
//!
//! * `*.example.com`: the domain `example.com` and every domain under it;
//! * a CIDR block (`10.0.0.0/8`, `fc00::/7`): every address in it, and every
//!   CIDR indicator inside it;
//! * any other indicator (`8.8.8.8`, `dns.google`, a URL, an e-mail address,
//!   a hash): that value exactly (an address is its own `/32` or `/128`
//!   block).
//!
//! Entries are read by [`Indicator::parse`], so they are refanged and
//! normalised exactly as reports' indicators are.
//!
//! # What a domain entry covers
//!
//! Domain entries (exact or `*.`) cover *domain* indicators only. A URL or
//! an e-mail address on a benign host is not benign: a file in a cloud
//! bucket or a free-mail account names one attacker's resource, which is
//! exactly what links a campaign. List such a URL or address itself to make
//! it benign.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use rustc_hash::FxHashSet;
use yata_indicator::{Indicator, Kind};

use crate::Error;

/// The built-in list ([`Benign::default`]).
pub const DEFAULT_LIST: &str = include_str!("default-benign.txt");

/// A known-benign list: its values never link reports.
#[derive(Debug, Clone)]
pub struct Benign {
    /// Values listed exactly, by kind (`Kind as usize`; not addresses:
    /// those are blocks).
    exact: [FxHashSet<Box<str>>; Kind::ALL.len()],
    /// `*.example.com` entries, as `example.com`.
    suffixes: FxHashSet<Box<str>>,
    /// IPv4 blocks by prefix length, ascending: the masked networks.
    v4: Vec<(u8, FxHashSet<u32>)>,
    /// IPv6 blocks likewise.
    v6: Vec<(u8, FxHashSet<u128>)>,
    entries: usize,
}

impl Default for Benign {
    /// The built-in list, [`DEFAULT_LIST`]: public DNS resolvers (Google,
    /// Cloudflare, Quad9, OpenDNS), private, loopback, link-local, shared and
    /// multicast address blocks, and the domains of operating-system update,
    /// certificate-status and connectivity-check services and CDN edges.
    fn default() -> Benign {
        Benign::parse(DEFAULT_LIST).expect("the built-in benign list parses")
    }
}

impl Benign {
    /// An empty list: every value may link reports.
    pub fn none() -> Benign {
        Benign {
            exact: Default::default(),
            suffixes: FxHashSet::default(),
            v4: Vec::new(),
            v6: Vec::new(),
            entries: 0,
        }
    }

    /// Reads a list in the text format of the module docs. To extend the
    /// built-in list, parse [`DEFAULT_LIST`] followed by your own lines.
    pub fn parse(text: &str) -> Result<Benign, Error> {
        let mut list = Benign::none();
        for (i, line) in text.lines().enumerate() {
            let entry = strip_comment(line).trim();
            if entry.is_empty() {
                continue;
            }
            list.add(entry).map_err(|message| Error::Benign {
                line: i + 1,
                message,
            })?;
        }
        Ok(list)
    }

    fn add(&mut self, entry: &str) -> Result<(), String> {
        if let Some(domain) = entry.strip_prefix("*.") {
            let domain = Indicator::parse_as(Kind::Domain, domain).map_err(|e| e.to_string())?;
            self.suffixes.insert(domain.value().into());
        } else if entry.contains('*') {
            return Err(format!(
                "{entry:?}: a wildcard is allowed only as a leading `*.` of a domain"
            ));
        } else {
            let indicator = Indicator::parse(entry).map_err(|e| e.to_string())?;
            let value = indicator.value();
            match indicator.kind() {
                Kind::Ipv4 | Kind::Ipv4Cidr => {
                    let (net, len) = v4_block(value).ok_or_else(|| internal(value))?;
                    insert_block(&mut self.v4, len, net);
                }
                Kind::Ipv6 | Kind::Ipv6Cidr => {
                    let (net, len) = v6_block(value).ok_or_else(|| internal(value))?;
                    insert_block(&mut self.v6, len, net);
                }
                kind => {
                    self.exact[kind as usize].insert(value.into());
                }
            }
        }
        self.entries += 1;
        Ok(())
    }

    /// Whether the normalised value `value` of kind `kind` is benign.
    /// Values that are not in normalised form are not recognised.
    pub fn contains(&self, kind: Kind, value: &str) -> bool {
        match kind {
            Kind::Ipv4 | Kind::Ipv4Cidr => v4_block(value).is_some_and(|(net, len)| {
                self.v4
                    .iter()
                    .take_while(|(l, _)| *l <= len)
                    .any(|(l, nets)| nets.contains(&mask_v4(net, *l)))
            }),
            Kind::Ipv6 | Kind::Ipv6Cidr => v6_block(value).is_some_and(|(net, len)| {
                self.v6
                    .iter()
                    .take_while(|(l, _)| *l <= len)
                    .any(|(l, nets)| nets.contains(&mask_v6(net, *l)))
            }),
            Kind::Domain => {
                self.exact[kind as usize].contains(value) || {
                    let mut rest = value;
                    loop {
                        if self.suffixes.contains(rest) {
                            break true;
                        }
                        match rest.split_once('.') {
                            Some((_, tail)) => rest = tail,
                            None => break false,
                        }
                    }
                }
            }
            _ => self.exact[kind as usize].contains(value),
        }
    }

    /// The number of entries read (duplicates included).
    pub fn len(&self) -> usize {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Approximate heap bytes of the list.
    pub(crate) fn heap_bytes(&self) -> usize {
        let set = |n: usize, item: usize| n * (item + 1) * 8 / 7;
        self.exact
            .iter()
            .map(|s| set(s.capacity(), 16) + s.iter().map(|v| v.len()).sum::<usize>())
            .sum::<usize>()
            + set(self.suffixes.capacity(), 16)
            + self.suffixes.iter().map(|v| v.len()).sum::<usize>()
            + self
                .v4
                .iter()
                .map(|(_, s)| set(s.capacity(), 4))
                .sum::<usize>()
            + self
                .v6
                .iter()
                .map(|(_, s)| set(s.capacity(), 16))
                .sum::<usize>()
    }
}

/// `line` up to a `#` that starts it or follows white space.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

fn internal(value: &str) -> String {
    format!("{value:?}: normalised address not readable")
}

fn insert_block<T: std::hash::Hash + Eq>(blocks: &mut Vec<(u8, FxHashSet<T>)>, len: u8, net: T) {
    let at = blocks.partition_point(|(l, _)| *l < len);
    if blocks.get(at).is_none_or(|(l, _)| *l != len) {
        blocks.insert(at, (len, FxHashSet::default()));
    }
    blocks[at].1.insert(net);
}

fn mask_v4(addr: u32, len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        addr & (u32::MAX << (32 - u32::from(len)))
    }
}

fn mask_v6(addr: u128, len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        addr & (u128::MAX << (128 - u32::from(len)))
    }
}

/// An IPv4 address (`/32`) or block in normalised form.
fn v4_block(value: &str) -> Option<(u32, u8)> {
    let (addr, len) = match value.split_once('/') {
        Some((a, l)) => (a, l.parse::<u8>().ok().filter(|l| *l <= 32)?),
        None => (value, 32),
    };
    Some((u32::from(Ipv4Addr::from_str(addr).ok()?), len))
}

/// An IPv6 address (`/128`) or block in normalised form.
fn v6_block(value: &str) -> Option<(u128, u8)> {
    let (addr, len) = match value.split_once('/') {
        Some((a, l)) => (a, l.parse::<u8>().ok().filter(|l| *l <= 128)?),
        None => (value, 128),
    };
    Some((u128::from(Ipv6Addr::from_str(addr).ok()?), len))
}
