//! Indicators of compromise as incident reports carry them: their type
//! inferred, defanged forms refanged, and each value normalised, so that the
//! same indicator written two ways is one value (the key correlation looks
//! reports up by).
//!
//! * IPv4 and IPv6 addresses, in their canonical text (IPv6 by RFC 5952);
//!   CIDR blocks with the host bits cleared (`10.1.2.3/8` → `10.0.0.0/8`);
//!   a `/32` or `/128` block is the address itself.
//! * Domain names: lower case, ASCII (IDNA / UTS 46 to punycode), without a
//!   trailing dot; at least two labels, the last not all digits.
//! * URLs (http, https, ftp, ws, wss): parsed as browsers do (WHATWG):
//!   scheme and host lower case, host in punycode, default port and dot
//!   segments removed, fragment dropped.
//! * E-mail addresses: `local@domain`, the domain normalised as above and
//!   the local part lower-cased (mail systems treat it so in practice).
//! * File hashes: MD5, SHA-1, SHA-256, SHA-512 by length, lower-case hex.
//! * CVE ids: `CVE-YYYY-NNNN…`, upper case.
//!
//! Refanging ([`refang`]) undoes the usual defanging of reports and mail:
//! `hxxp`/`hxxps`/`fxp` schemes, `[.]` `(.)` `{.}` `[dot]` `(dot)` for
//! dots, `[:]` for colons, `[@]` `[at]` `(at)` for at signs, `[://]`, and
//! surrounding whitespace. Pure functions over strings: no IO.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// What an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Ipv4,
    Ipv6,
    Ipv4Cidr,
    Ipv6Cidr,
    Domain,
    Url,
    Email,
    Md5,
    Sha1,
    Sha256,
    Sha512,
    Cve,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Ipv4Cidr,
        Kind::Ipv6Cidr,
        Kind::Domain,
        Kind::Url,
        Kind::Email,
        Kind::Md5,
        Kind::Sha1,
        Kind::Sha256,
        Kind::Sha512,
        Kind::Cve,
    ];

    /// The name used in the API (`{"type": "ipv4", "value": …}`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Ipv4Cidr => "ipv4-cidr",
            Kind::Ipv6Cidr => "ipv6-cidr",
            Kind::Domain => "domain",
            Kind::Url => "url",
            Kind::Email => "email",
            Kind::Md5 => "md5",
            Kind::Sha1 => "sha1",
            Kind::Sha256 => "sha256",
            Kind::Sha512 => "sha512",
            Kind::Cve => "cve",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Kind, Error> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::UnknownKind(s.to_owned()))
    }
}

/// Why a value is not an indicator (of the kind asked for).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("empty indicator")]
    Empty,
    #[error("indicator longer than {MAX_LEN} bytes")]
    TooLong,
    #[error("indicator with control characters")]
    Control,
    #[error(
        "unknown indicator type {0:?} (expected one of ipv4, ipv6, ipv4-cidr, ipv6-cidr, domain, url, email, md5, sha1, sha256, sha512, cve)"
    )]
    UnknownKind(String),
    #[error("{value:?} is not a valid {kind} indicator: {reason}")]
    Invalid {
        kind: Kind,
        value: String,
        reason: String,
    },
    #[error(
        "{0:?}: not an IP address, CIDR block, domain, URL, e-mail address, MD5/SHA-1/SHA-256/SHA-512 hash or CVE id"
    )]
    Unrecognised(String),
}

/// Longest indicator accepted (URLs included).
pub const MAX_LEN: usize = 8192;

/// A normalised indicator.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Indicator {
    kind: Kind,
    value: String,
}

impl Indicator {
    /// Refangs `input`, infers its kind and normalises it.
    pub fn parse(input: &str) -> Result<Indicator, Error> {
        let text = checked(input)?;
        let kind = infer(&text).ok_or_else(|| Error::Unrecognised(input.trim().to_owned()))?;
        Indicator::normalise(kind, &text)
    }

    /// Refangs `input` and normalises it as `kind`.
    pub fn parse_as(kind: Kind, input: &str) -> Result<Indicator, Error> {
        let text = checked(input)?;
        Indicator::normalise(kind, &text)
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The normalised value.
    pub fn value(&self) -> &str {
        &self.value
    }

    fn normalise(kind: Kind, text: &str) -> Result<Indicator, Error> {
        let invalid = |reason: &str| Error::Invalid {
            kind,
            value: text.to_owned(),
            reason: reason.to_owned(),
        };
        let (kind, value) = match kind {
            Kind::Ipv4 => {
                let a = Ipv4Addr::from_str(text).map_err(|e| invalid(&e.to_string()))?;
                (kind, a.to_string())
            }
            Kind::Ipv6 => {
                let a = Ipv6Addr::from_str(text.trim_start_matches('[').trim_end_matches(']'))
                    .map_err(|e| invalid(&e.to_string()))?;
                (kind, a.to_string())
            }
            Kind::Ipv4Cidr | Kind::Ipv6Cidr => {
                let (network, len) = cidr(text).map_err(|r| invalid(&r))?;
                let is_v4 = network.is_ipv4();
                if is_v4 != (kind == Kind::Ipv4Cidr) {
                    return Err(invalid("the address is of the other IP version"));
                }
                match (network, len) {
                    (IpAddr::V4(a), 32) => (Kind::Ipv4, a.to_string()),
                    (IpAddr::V6(a), 128) => (Kind::Ipv6, a.to_string()),
                    _ => (kind, format!("{network}/{len}")),
                }
            }
            Kind::Domain => (kind, domain(text).map_err(|r| invalid(&r))?),
            Kind::Url => (kind, url(text).map_err(|r| invalid(&r))?),
            Kind::Email => {
                let (local, host) = text.rsplit_once('@').ok_or_else(|| invalid("no @"))?;
                if local.is_empty()
                    || local.len() > 64
                    || local
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || c == '@')
                {
                    return Err(invalid("not a valid local part"));
                }
                let host = domain(host).map_err(|r| invalid(&r))?;
                (kind, format!("{}@{host}", local.to_lowercase()))
            }
            Kind::Md5 | Kind::Sha1 | Kind::Sha256 | Kind::Sha512 => {
                let len = match kind {
                    Kind::Md5 => 32,
                    Kind::Sha1 => 40,
                    Kind::Sha256 => 64,
                    _ => 128,
                };
                if text.len() != len || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(invalid(&format!("expected {len} hexadecimal digits")));
                }
                (kind, text.to_ascii_lowercase())
            }
            Kind::Cve => {
                let upper = text.to_ascii_uppercase();
                if !is_cve(&upper) {
                    return Err(invalid("expected CVE-YYYY-NNNN (four or more digits)"));
                }
                (kind, upper)
            }
        };
        Ok(Indicator { kind, value })
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl FromStr for Indicator {
    type Err = Error;

    fn from_str(s: &str) -> Result<Indicator, Error> {
        Indicator::parse(s)
    }
}

fn checked(input: &str) -> Result<String, Error> {
    if input.len() > MAX_LEN {
        return Err(Error::TooLong);
    }
    // No indicator has control characters; URL parsing would drop some of
    // them silently, so that two readings of one text could differ.
    if input.trim().chars().any(char::is_control) {
        return Err(Error::Control);
    }
    let text = refang(input);
    if text.is_empty() {
        return Err(Error::Empty);
    }
    Ok(text)
}

/// `input` with the usual defanging undone and surrounding whitespace
/// removed (see the crate docs for the forms).
pub fn refang(input: &str) -> String {
    let mut s = input.trim().to_owned();
    for (from, to) in [
        ("[://]", "://"),
        ("[:]", ":"),
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[dot]", "."),
        ("(dot)", "."),
        ("[DOT]", "."),
        ("(DOT)", "."),
        ("[@]", "@"),
        ("[at]", "@"),
        ("(at)", "@"),
        ("[AT]", "@"),
        ("(AT)", "@"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    // Defanged schemes, in any case: hxxp, hxxps, hXXp, fxp.
    let lower = s.to_ascii_lowercase();
    for (from, to) in [
        ("hxxps://", "https://"),
        ("hxxp://", "http://"),
        ("fxp://", "ftp://"),
    ] {
        if lower.starts_with(from) {
            s = format!("{to}{}", &s[from.len()..]);
            break;
        }
    }
    s
}

/// The kind `text` (refanged) looks like, if any.
fn infer(text: &str) -> Option<Kind> {
    if text
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("cve-"))
    {
        return Some(Kind::Cve);
    }
    if text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return match text.len() {
            32 => Some(Kind::Md5),
            40 => Some(Kind::Sha1),
            64 => Some(Kind::Sha256),
            128 => Some(Kind::Sha512),
            _ => None,
        };
    }
    if text.contains("://") {
        return Some(Kind::Url);
    }
    if text.contains('@') {
        return Some(Kind::Email);
    }
    if let Some((addr, _)) = text.split_once('/') {
        return Some(if addr.contains(':') {
            Kind::Ipv6Cidr
        } else {
            Kind::Ipv4Cidr
        });
    }
    if Ipv4Addr::from_str(text).is_ok() {
        return Some(Kind::Ipv4);
    }
    if text.contains(':') {
        return Some(Kind::Ipv6);
    }
    if text.contains('.') {
        return Some(Kind::Domain);
    }
    None
}

fn is_cve(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 4
        && number.len() <= 19
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// A CIDR block: its network address (host bits cleared) and prefix length.
fn cidr(text: &str) -> Result<(IpAddr, u8), String> {
    let (addr, len) = text.split_once('/').ok_or("no /prefix length")?;
    let addr: IpAddr = addr
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|e| format!("{e}"))?;
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the prefix length is not a number".into());
    }
    let len: u8 = len
        .parse()
        .map_err(|_| "the prefix length is not a number")?;
    Ok(match addr {
        IpAddr::V4(a) => {
            if len > 32 {
                return Err("an IPv4 prefix is at most 32 bits".into());
            }
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            (IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask)), len)
        }
        IpAddr::V6(a) => {
            if len > 128 {
                return Err("an IPv6 prefix is at most 128 bits".into());
            }
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            (IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask)), len)
        }
    })
}

/// A domain name in lower-case ASCII (punycode), without a trailing dot.
fn domain(text: &str) -> Result<String, String> {
    let name = text.strip_suffix('.').unwrap_or(text);
    if name.is_empty() {
        return Err("empty name".into());
    }
    let ascii = idna::domain_to_ascii(name).map_err(|_| "not a valid internationalised name")?;
    if ascii.len() > 253 {
        return Err("longer than 253 characters".into());
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err("a single label is not a domain name".into());
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err("a label is empty or longer than 63 characters".into());
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!("label {label:?} has characters a host name cannot"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label {label:?} starts or ends with '-'"));
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the last label is all digits (an IP address?)".into());
    }
    Ok(ascii)
}

/// A URL as browsers read it, fragment dropped: http, https, ftp, ws or
/// wss (the schemes whose host is a domain or an address), with a host.
fn url(text: &str) -> Result<String, String> {
    let mut u = url::Url::parse(text).map_err(|e| e.to_string())?;
    if !matches!(u.scheme(), "http" | "https" | "ftp" | "ws" | "wss") {
        return Err(format!(
            "scheme {}: expected http, https, ftp, ws or wss",
            u.scheme()
        ));
    }
    match u.host() {
        None => return Err("no host".into()),
        // The URL parser lets through characters no DNS name has.
        Some(url::Host::Domain(name)) => {
            domain(name).map_err(|e| format!("host: {e}"))?;
        }
        Some(_) => {}
    }
    u.set_fragment(None);
    Ok(u.to_string())
}
