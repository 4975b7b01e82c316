//! Debian and Ubuntu package versions, `[epoch:]upstream_version[-debian_revision]`,
//! ordered as dpkg orders them (`lib/dpkg/version.c`).
//!
//! Written here rather than taken from a crate: the rules are a page of code, and
//! we check them against the real `dpkg --compare-versions` in
//! `tests/differential_dpkg.rs`.
//!
//! # Validation
//!
//! A version is accepted when dpkg's `parseversion` accepts it without an error
//! *or* a warning (`dpkg --compare-versions` goes on after a warning, but
//! `dpkg-source` and policy do not):
//!
//! * the epoch, when there is a colon, is a non-empty run of ASCII digits no
//!   larger than `2147483647`, and something follows the colon;
//! * the revision is what follows the *last* hyphen, and it is not empty;
//! * the upstream version is not empty, starts with a digit, and holds only ASCII
//!   letters, digits and `. + ~ - :`;
//! * the revision holds only ASCII letters, digits and `. + ~`.
//!
//! Two deliberate differences from dpkg, which would accept these: surrounding
//! whitespace (dpkg trims it) and a signed epoch (`+1:` or `-0:`, which dpkg
//! reads with `strtol`) are rejected, so that a valid version is displayed
//! exactly as it compares.
//!
//! # Order
//!
//! Epochs compare as numbers (absent = 0), then the upstream versions and then
//! the revisions (absent = `""`, which equals `"0"`) with dpkg's `verrevcmp`:
//! alternately a run of non-digits, compared character by character with `~`
//! before everything (even the end of the string), the end next, then letters,
//! then all other characters; and a run of digits, compared as a number.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A valid Debian package version.
#[derive(Debug, Clone)]
pub struct DebianVersion {
    raw: Box<str>,
    epoch: u32,
    /// Byte range of the upstream version in `raw`.
    upstream: (usize, usize),
    /// Byte offset of the revision in `raw` (after the hyphen), if there is one.
    revision: Option<usize>,
}

impl DebianVersion {
    /// The epoch; 0 when the version has none.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The upstream version.
    pub fn upstream(&self) -> &str {
        &self.raw[self.upstream.0..self.upstream.1]
    }

    /// The Debian revision, if the version has one.
    pub fn revision(&self) -> Option<&str> {
        self.revision.map(|start| &self.raw[start..])
    }
}

impl DebianVersion {
    /// The revision for comparison: an absent one compares as `""`.
    fn revision_bytes(&self) -> &[u8] {
        self.revision().unwrap_or("").as_bytes()
    }
}

/// The dpkg epoch limit: it reads epochs into an `int`.
const MAX_EPOCH: u32 = i32::MAX as u32;

fn error(input: &str, reason: impl Into<std::borrow::Cow<'static, str>>) -> VersionError {
    VersionError::new(Scheme::Debian, input, reason)
}

impl FromStr for DebianVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(error(s, "version string is empty"));
        }
        if let Some((at, c)) = s.char_indices().find(|(_, c)| c.is_whitespace()) {
            return Err(error(
                s,
                format!("unexpected whitespace {c:?} at byte {at}"),
            ));
        }

        let (epoch, start) = match s.find(':') {
            None => (0, 0),
            Some(colon) => {
                let digits = &s[..colon];
                if digits.is_empty() {
                    return Err(error(s, "epoch is empty"));
                }
                if let Some((at, c)) = digits.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
                    return Err(error(
                        s,
                        format!("epoch is not a number: unexpected character {c:?} at byte {at}"),
                    ));
                }
                let epoch = parse_epoch(digits)
                    .ok_or_else(|| error(s, format!("epoch is larger than {MAX_EPOCH}")))?;
                if colon + 1 == s.len() {
                    return Err(error(s, "nothing after the colon"));
                }
                (epoch, colon + 1)
            }
        };

        let (upstream_end, revision) = match s[start..].rfind('-') {
            None => (s.len(), None),
            Some(hyphen) => {
                let hyphen = start + hyphen;
                if hyphen + 1 == s.len() {
                    return Err(error(s, "revision is empty"));
                }
                (hyphen, Some(hyphen + 1))
            }
        };

        let upstream = &s[start..upstream_end];
        match upstream.chars().next() {
            None => return Err(error(s, "upstream version is empty")),
            Some(c) if !c.is_ascii_digit() => {
                return Err(error(
                    s,
                    format!("upstream version does not start with a digit: {c:?} at byte {start}"),
                ));
            }
            Some(_) => {}
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || ".+~-:".contains(c);
        if let Some((at, c)) = upstream.char_indices().find(|&(_, c)| !allowed(c)) {
            return Err(error(
                s,
                format!(
                    "invalid character {c:?} at byte {} in upstream version",
                    start + at
                ),
            ));
        }
        if let Some(rev) = revision {
            let allowed = |c: char| c.is_ascii_alphanumeric() || ".+~".contains(c);
            if let Some((at, c)) = s[rev..].char_indices().find(|&(_, c)| !allowed(c)) {
                return Err(error(
                    s,
                    format!("invalid character {c:?} at byte {} in revision", rev + at),
                ));
            }
        }

        Ok(DebianVersion {
            raw: s.into(),
            epoch,
            upstream: (start, upstream_end),
            revision,
        })
    }
}

/// An all-digit epoch as a number, if it is at most [`MAX_EPOCH`].
fn parse_epoch(digits: &str) -> Option<u32> {
    let mut value: u32 = 0;
    for b in digits.bytes() {
        value = value.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    (value <= MAX_EPOCH).then_some(value)
}

/// The weight of a non-digit character in dpkg's `verrevcmp`; 0 is the end.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp` on two upstream versions or two revisions.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let non_digit = |s: &[u8], k: usize| s.get(k).is_some_and(|c| !c.is_ascii_digit());
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        while non_digit(a, i) || non_digit(b, j) {
            let (ac, bc) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit(a, i) && digit(b, j) {
            if first_diff.is_eq() {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_diff.is_ne() {
            return first_diff;
        }
    }
    Ordering::Equal
}

impl fmt::Display for DebianVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for DebianVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream().as_bytes(), other.upstream().as_bytes()))
            .then_with(|| verrevcmp(self.revision_bytes(), other.revision_bytes()))
    }
}

impl PartialOrd for DebianVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for DebianVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DebianVersion {}

#[cfg(test)]
mod tests {
    use super::DebianVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;
    use std::cmp::Ordering;

    fn parse(s: &str) -> DebianVersion {
        laws::parse(s)
    }

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<DebianVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<DebianVersion>(input, reason);
    }

    #[test]
    fn order() {
        check("1.0", "<", "1.1");
        check("1.0~rc1", "<", "1.0");
        check("1.0~~", "<", "1.0~");
        check("1.0~", "<", "1.0");
        check("1.0", "<", "1.0a");
        check("1.0a", "<", "1.0+");
        check("1.0+", "<", "1.0.");
        check("1.0-1", "<", "1.0-1+deb12u1");
        check("1.0-1~bpo12+1", "<", "1.0-1");
        check("1:0.1", ">", "9.9");
        check("1.0", "=", "1.0-0");
        check("1.0", "=", "0:1.0");
        check("1.000", "=", "1.0");
        check("1.0", "<", "1.0.0");
        check("2:1.2.3", "=", "2:1.2.3");
        check("1:2:3-1", ">", "1:2-1");
        check("1.2-3-4", ">", "1.2-3");
        check(
            "1.99999999999999999999999999",
            ">",
            "1.99999999999999999999999998",
        );
        check("0.0.0-0", "<", "0:0.0.0-a");
        check(
            "2.7.4+reloaded2-13ubuntu1",
            "<",
            "2.7.4+reloaded2-13+deb9u1",
        );
    }

    #[test]
    fn accessors() {
        let v = parse("3:1.2-3-4ubuntu1");
        assert_eq!(v.epoch(), 3);
        assert_eq!(v.upstream(), "1.2-3");
        assert_eq!(v.revision(), Some("4ubuntu1"));
        assert_eq!(v.to_string(), "3:1.2-3-4ubuntu1");
        assert_eq!(parse("1.0").revision(), None);
    }

    #[test]
    fn errors() {
        check_err("", "version string is empty");
        check_err(" 1.0", "unexpected whitespace ' ' at byte 0");
        check_err("1.0 1", "unexpected whitespace ' ' at byte 3");
        check_err(":1.0", "epoch is empty");
        check_err(
            "a:1.0",
            "epoch is not a number: unexpected character 'a' at byte 0",
        );
        check_err(
            "+1:1.0",
            "epoch is not a number: unexpected character '+' at byte 0",
        );
        check_err("2147483648:1", "epoch is larger than 2147483647");
        check_err("1:", "nothing after the colon");
        check_err("1.0-", "revision is empty");
        check_err("-1", "upstream version is empty");
        check_err("1:-1", "upstream version is empty");
        check_err(
            "a1.0",
            "upstream version does not start with a digit: 'a' at byte 0",
        );
        check_err(
            "1:a1.0",
            "upstream version does not start with a digit: 'a' at byte 2",
        );
        check_err(
            "1.0_1",
            "invalid character '_' at byte 3 in upstream version",
        );
        check_err("1.é", "invalid character 'é' at byte 2 in upstream version");
        check_err("1:1.0-1:2", "invalid character ':' at byte 7 in revision");
        check_err(
            "1.0-1:2",
            "epoch is not a number: unexpected character '.' at byte 1",
        );
        check_err("1.0-a_b", "invalid character '_' at byte 5 in revision");
        assert_eq!(parse("2147483647:1").epoch(), 2147483647);
    }

    /// Realistic Debian versions: epochs, `~` and `+` suffixes, revisions.
    fn version() -> impl Strategy<Value = String> {
        let upstream = (
            "[0-9]{1,3}",
            prop::collection::vec("[.+~][0-9a-z]{0,3}|[a-z]{1,2}[0-9]?", 0..4),
        )
            .prop_map(|(head, rest)| format!("{head}{}", rest.concat()));
        let revision = prop::option::of("[0-9a-z]{1,3}([.+~][0-9a-z]{1,4}){0,2}");
        (prop::option::of(0u32..4), upstream, revision).prop_map(|(epoch, up, rev)| {
            let mut s = String::new();
            if let Some(e) = epoch {
                s.push_str(&format!("{e}:"));
            }
            s.push_str(&up);
            if let Some(r) = rev {
                s.push('-');
                s.push_str(&r);
            }
            s
        })
    }

    proptest! {
        #[test]
        fn round_trip(s in version()) {
            laws::round_trip::<DebianVersion>(&s);
        }

        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<DebianVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = s.parse::<DebianVersion>();
        }

        #[test]
        fn never_panics_near_valid(s in "[0-9:.+~a-z-]{0,12}") {
            if let Ok(v) = s.parse::<DebianVersion>() {
                prop_assert_eq!(v.cmp(&v), Ordering::Equal);
                prop_assert_eq!(v.to_string(), s);
            }
        }
    }
}
