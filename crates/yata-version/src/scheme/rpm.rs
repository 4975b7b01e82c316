//! RPM package versions, `[epoch:]version[-release]`, ordered as rpm orders
//! them (`rpmvercmp` in `rpmio/rpmvercmp.c`, EVR split as in `rpmver.c`).
//!
//! Written here rather than taken from a crate: it is a page of code, checked
//! against the real `rpm` in `tests/differential_rpm.rs`.
//!
//! # Parsing
//!
//! As rpm splits an EVR string: leading ASCII digits followed by `:` are the
//! epoch (`:` alone means epoch 0; anything else before the first `:` is part of
//! the version), the release is what follows the *last* hyphen, and the version
//! is what lies between. rpm accepts any non-empty string, and so do we, except
//! that control characters (which no rpm header holds) are rejected too.
//!
//! # Order
//!
//! Epochs compare as numbers (absent = 0), then versions, then releases, with
//! `rpmvercmp`; a version with a release (even an empty one, `1.0-`) is newer
//! than the same version without. `rpmvercmp` walks both strings:
//!
//! 1. skip characters other than ASCII letters, digits, `~` and `^`
//!    (separators: `1.0 == 1_0`, and non-ASCII letters are separators too);
//! 2. `~` sorts before anything, even the end (`1.0~rc1 < 1.0`);
//! 3. `^` sorts after the end but before anything else (`1.0 < 1.0^git1 < 1.0.1`);
//! 4. otherwise take a run of digits or a run of letters from both: a numeric
//!    run is newer than an alphabetic one, numbers compare by value, letters
//!    byte by byte (case-sensitive);
//! 5. when all runs are equal, the string with something left is newer.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::scheme::num::cmp_digits;
use crate::{Scheme, VersionError};

/// A valid RPM EVR string.
#[derive(Debug, Clone)]
pub struct RpmVersion {
    raw: Box<str>,
    /// End of the epoch digits, when there is an epoch (the colon follows).
    epoch_end: Option<usize>,
    /// Byte range of the version in `raw`.
    version: (usize, usize),
    /// Start of the release (after the hyphen), when there is one.
    release: Option<usize>,
}

impl RpmVersion {
    /// The epoch digits as written (`""` for `:1.0`); `None` when absent.
    pub fn epoch(&self) -> Option<&str> {
        self.epoch_end.map(|end| &self.raw[..end])
    }

    /// The version part.
    pub fn version(&self) -> &str {
        &self.raw[self.version.0..self.version.1]
    }

    /// The release part, when there is a hyphen.
    pub fn release(&self) -> Option<&str> {
        self.release.map(|start| &self.raw[start..])
    }
}

impl FromStr for RpmVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(VersionError::new(Scheme::Rpm, s, "version string is empty"));
        }
        if let Some((at, c)) = s.char_indices().find(|(_, c)| c.is_control()) {
            return Err(VersionError::new(
                Scheme::Rpm,
                s,
                format!("unexpected control character {c:?} at byte {at}"),
            ));
        }
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let epoch_end = (s.as_bytes().get(digits) == Some(&b':')).then_some(digits);
        let start = epoch_end.map_or(0, |end| end + 1);
        // The hyphen cannot be among the epoch digits or be the colon.
        let (version_end, release) = match s[digits..].rfind('-') {
            Some(hyphen) => (digits + hyphen, Some(digits + hyphen + 1)),
            None => (s.len(), None),
        };
        Ok(RpmVersion {
            raw: s.into(),
            epoch_end,
            version: (start, version_end),
            release,
        })
    }
}

fn is_segment_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'~' || c == b'^'
}

/// rpm's `rpmvercmp`.
fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && !is_segment_char(a[i]) {
            i += 1;
        }
        while j < b.len() && !is_segment_char(b[j]) {
            j += 1;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());

        if x == Some(b'~') || y == Some(b'~') {
            if x != Some(b'~') {
                return Ordering::Greater;
            }
            if y != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if x == Some(b'^') || y == Some(b'^') {
            match (x, y) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(x), _) if x != b'^' => return Ordering::Greater,
                (_, Some(y)) if y != b'^' => return Ordering::Less,
                _ => {}
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(x), Some(_)) = (x, y) else { break };

        let numeric = x.is_ascii_digit();
        let in_run = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let one_len = a[i..].iter().take_while(|c| in_run(c)).count();
        let two_len = b[j..].iter().take_while(|c| in_run(c)).count();
        if two_len == 0 {
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (one, two) = (&a[i..i + one_len], &b[j..j + two_len]);
        let order = if numeric {
            // Both runs are ASCII digits, so these are valid `str`s.
            cmp_digits(ascii(one), ascii(two))
        } else {
            one.cmp(two)
        };
        if order.is_ne() {
            return order;
        }
        i += one_len;
        j += two_len;
    }
    match (i == a.len(), j == b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// A run of ASCII bytes as `str` (never fails for ASCII input).
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

impl fmt::Display for RpmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        // An absent epoch is 0, and so is an empty one: `cmp_digits("", "0")` is equal.
        cmp_digits(self.epoch().unwrap_or(""), other.epoch().unwrap_or(""))
            .then_with(|| rpmvercmp(self.version().as_bytes(), other.version().as_bytes()))
            .then_with(|| match (self.release(), other.release()) {
                (Some(a), Some(b)) => rpmvercmp(a.as_bytes(), b.as_bytes()),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
    }
}

impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for RpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for RpmVersion {}

#[cfg(test)]
mod tests {
    use super::RpmVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;

    fn parse(s: &str) -> RpmVersion {
        laws::parse(s)
    }

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<RpmVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<RpmVersion>(input, reason);
    }

    #[test]
    fn order() {
        check("1.0", "<", "1.1");
        check("1.0", "=", "1_0");
        check("1.0", "<", "1.0a");
        check("1.0a", "<", "1.0.1");
        check("1.0~rc1", "<", "1.0");
        check("1.0~rc1", "<", "1.0~rc2");
        check("1.0", "<", "1.0^git1");
        check("1.0^git1", "<", "1.0.1");
        check("1.0^git1~pre", "<", "1.0^git1");
        check("1.0", "<", "1.0-1");
        check("1.0", "<", "1.0-");
        check("1.0-1", "<", "1.0-1.el9");
        check("1.0-1.el9", "<", "1.0-1.el9_1");
        check("1:1.0", ">", "2.0");
        check("0:2.0", "=", "2.0");
        check(":2.0", "=", "2.0");
        check("007:1", "=", "7:1");
        check("a:1", "<", "b:1");
        check("1.α", "=", "1.β");
        check("10.0001", "=", "10.1");
        check("99999999999999999999.1", ">", "99999999999999999998.9");
        check("1-2-3", ">", "1-2-2");
    }

    #[test]
    fn parts() {
        let v = parse("2:1.2-3-4.el9");
        assert_eq!(v.epoch(), Some("2"));
        assert_eq!(v.version(), "1.2-3");
        assert_eq!(v.release(), Some("4.el9"));
        let v = parse("a:1");
        assert_eq!((v.epoch(), v.version(), v.release()), (None, "a:1", None));
        let v = parse("1:-");
        assert_eq!(
            (v.epoch(), v.version(), v.release()),
            (Some("1"), "", Some(""))
        );
    }

    #[test]
    fn errors() {
        check_err("", "version string is empty");
        check_err("1.0\n", "unexpected control character '\\n' at byte 3");
        check_err("1\u{0}", "unexpected control character '\\0' at byte 1");
    }

    /// Realistic EVR strings: epochs, dist tags, `~` pre-releases, `^` snapshots.
    fn version() -> impl Strategy<Value = String> {
        let segment = "[0-9]{1,3}|[a-zA-Z]{1,3}[0-9]{0,2}";
        let version = (
            "[0-9]{1,3}",
            prop::collection::vec(("[._+~^]", segment), 0..4),
        )
            .prop_map(|(head, rest)| {
                let tail: String = rest.into_iter().map(|(s, t)| s + &t).collect();
                head + &tail
            });
        let release = prop::option::of("[0-9]{1,2}(\\.(el[789]|fc[34][0-9]|[0-9]{1,2}))?(_[0-9])?");
        (prop::option::of(0u8..3), version, release).prop_map(|(e, v, r)| {
            let epoch = e.map(|e| format!("{e}:")).unwrap_or_default();
            let release = r.map(|r| format!("-{r}")).unwrap_or_default();
            format!("{epoch}{v}{release}")
        })
    }

    proptest! {
        #[test]
        fn round_trip(s in version()) {
            laws::round_trip::<RpmVersion>(&s);
        }

        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<RpmVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(a in any::<String>(), b in "[0-9a-z:~^._-]{1,10}") {
            if let (Ok(a), Ok(b)) = (a.parse::<RpmVersion>(), b.parse::<RpmVersion>()) {
                prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            }
        }
    }
}
