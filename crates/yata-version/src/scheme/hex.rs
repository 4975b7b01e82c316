//! Hex (Erlang/Elixir) versions, parsed and ordered like Elixir's `Version`:
//! strict SemVer 2.0.
//!
//! Written here rather than taken from the `semver` crate because that
//! crate orders build metadata, while Elixir ignores it, and bounds numbers
//! to `u64`, while Elixir's are unbounded.
//!
//! # Syntax
//! `MAJOR.MINOR.PATCH[-PRE][+BUILD]`: three numbers without leading zeros,
//! dot-separated identifiers of `[0-9A-Za-z-]`; an all-digit pre-release
//! identifier must not have a leading zero.
//!
//! # Order
//! The numbers, then the pre-release (a version with one sorts first;
//! identifiers left to right, numbers before text, numbers as integers, text
//! as bytes, a shorter list first). Build metadata is ignored:
//! `2.0.1+build0 == 2.0.1`.
//!
//! # What is rejected
//! Everything `Version.parse` rejects: fewer or more than three numbers,
//! leading zeros, empty identifiers, other characters, a leading `v`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::natural::Natural;
use crate::{Scheme, VersionError};

/// A Hex version: the input as given, its numbers and pre-release.
#[derive(Debug, Clone)]
pub struct HexVersion {
    raw: Box<str>,
    numbers: [Natural; 3],
    pre: Box<[Ident]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ident {
    Num(Natural),
    /// Its byte range in the raw input.
    Text(usize, usize),
}

impl FromStr for HexVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| VersionError::new(Scheme::Hex, s, reason);
        if s.is_empty() {
            return Err(err("empty version".into()));
        }
        let build_at = s.find('+');
        let core_end = build_at.unwrap_or(s.len());
        let pre_at = s[..core_end].find('-');
        let numbers_end = pre_at.unwrap_or(core_end);

        let mut numbers = [Natural::ZERO, Natural::ZERO, Natural::ZERO];
        let mut offset = 0;
        let mut count = 0;
        for part in s[..numbers_end].split('.') {
            if count == 3 {
                return Err(err(format!(
                    "more than three numbers at byte {}",
                    offset - 1
                )));
            }
            numbers[count] = number(part, offset).map_err(err)?;
            count += 1;
            offset += part.len() + 1;
        }
        if count < 3 {
            return Err(err(format!(
                "expected major.minor.patch, found {count} number{}",
                if count == 1 { "" } else { "s" }
            )));
        }

        let mut pre = Vec::new();
        if let Some(p) = pre_at {
            let ids = identifiers(s, p + 1, core_end, "pre-release").map_err(err)?;
            pre.reserve_exact(ids.len());
            for (id, at) in ids {
                pre.push(match Natural::parse(id) {
                    Some(_) if id.len() > 1 && id.starts_with('0') => {
                        return Err(err(format!(
                            "leading zero in numeric pre-release identifier at byte {at}"
                        )));
                    }
                    Some(n) => Ident::Num(n),
                    None => Ident::Text(at, at + id.len()),
                });
            }
        }
        if let Some(p) = build_at {
            identifiers(s, p + 1, s.len(), "build").map_err(err)?;
        }
        Ok(HexVersion {
            raw: s.into(),
            numbers,
            pre: pre.into(),
        })
    }
}

fn number(part: &str, offset: usize) -> Result<Natural, String> {
    if let Some((i, c)) = part.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(format!("unexpected character {c:?} at byte {}", offset + i));
    }
    if part.len() > 1 && part.starts_with('0') {
        return Err(format!("leading zero at byte {offset}"));
    }
    Natural::parse(part).ok_or_else(|| format!("empty number at byte {offset}"))
}

/// The dot-separated identifiers in `s[start..end]`, each with its offset.
fn identifiers<'s>(
    s: &'s str,
    start: usize,
    end: usize,
    what: &str,
) -> Result<Vec<(&'s str, usize)>, String> {
    let text = s.get(start..end).unwrap_or_default();
    let mut out = Vec::with_capacity(text.bytes().filter(|&b| b == b'.').count() + 1);
    let mut offset = start;
    for id in text.split('.') {
        if id.is_empty() {
            return Err(format!("empty {what} identifier at byte {offset}"));
        }
        if let Some((i, c)) = id
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!("unexpected character {c:?} at byte {}", offset + i));
        }
        out.push((id, offset));
        offset += id.len() + 1;
    }
    Ok(out)
}

impl fmt::Display for HexVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for HexVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Greater,
                (false, true) => return Ordering::Less,
                (false, false) => {}
            }
            for (x, y) in self.pre.iter().zip(other.pre.iter()) {
                let ord = match (x, y) {
                    (Ident::Num(m), Ident::Num(n)) => m.cmp(n),
                    (Ident::Num(_), Ident::Text(..)) => Ordering::Less,
                    (Ident::Text(..), Ident::Num(_)) => Ordering::Greater,
                    (Ident::Text(s, e), Ident::Text(t, f)) => {
                        let a = self.raw.as_bytes().get(*s..*e).unwrap_or_default();
                        a.cmp(other.raw.as_bytes().get(*t..*f).unwrap_or_default())
                    }
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            self.pre.len().cmp(&other.pre.len())
        })
    }
}

impl PartialOrd for HexVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for HexVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for HexVersion {}

#[cfg(test)]
mod tests {
    use super::HexVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<HexVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<HexVersion>(input, reason);
    }

    /// The examples in Elixir's `Version` documentation (Apache-2.0).
    #[test]
    fn elixir_docs() {
        check("2.0.1-alpha1", ">", "2.0.0");
        check("1.0.0-beta", "<", "1.0.0-rc1");
        check("1.0.0-10", ">", "1.0.0-2");
        check("2.0.1+build0", "=", "2.0.1");
        check("1.0.0-alpha.1", ">", "1.0.0-alpha");
        assert!("2.0-alpha1".parse::<HexVersion>().is_err());
        check_err("invalid", "unexpected character 'i' at byte 0");
    }

    /// The precedence example of SemVer 2.0, item 11.
    #[test]
    fn semver_precedence() {
        let versions = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for (i, a) in versions.iter().enumerate() {
            for b in &versions[i + 1..] {
                check(a, "<", b);
            }
        }
        check("1.0.0+a", "=", "1.0.0+b");
        check("1.0.0-a-b", ">", "1.0.0-a");
        check(
            "999999999999999999999999999991.0.0",
            "<",
            "999999999999999999999999999999.0.0",
        );
    }

    #[test]
    fn rejects() {
        check_err("", "empty version");
        check_err("1.0", "expected major.minor.patch, found 2 numbers");
        check_err("1", "expected major.minor.patch, found 1 number");
        check_err("1.0.0.0", "more than three numbers at byte 5");
        check_err("01.0.0", "leading zero at byte 0");
        check_err("1.00.0", "leading zero at byte 2");
        check_err("1..0", "empty number at byte 2");
        check_err("v1.0.0", "unexpected character 'v' at byte 0");
        check_err(
            "1.0.0-01",
            "leading zero in numeric pre-release identifier at byte 6",
        );
        check_err("1.0.0-", "empty pre-release identifier at byte 6");
        check_err("1.0.0+", "empty build identifier at byte 6");
        check_err("1.0.0-a..b", "empty pre-release identifier at byte 8");
        check_err("1.0.0+a+b", "unexpected character '+' at byte 7");
        check_err("1.0.0 ", "unexpected character ' ' at byte 5");
        // Build metadata may have leading zeros.
        check("1.0.0+01", "=", "1.0.0");
    }

    fn version() -> impl Strategy<Value = String> {
        let num = "0|[1-9][0-9]{0,2}|[1-9][0-9]{20}";
        let ident = prop_oneof!["0|[1-9][0-9]{0,2}", "[a-zA-Z-][a-zA-Z0-9-]{0,4}"];
        (
            num,
            num,
            num,
            prop::collection::vec(ident, 0..3),
            prop::option::of("[a-zA-Z0-9-]{1,4}"),
        )
            .prop_map(|(a, b, c, pre, build)| {
                let mut s = format!("{a}.{b}.{c}");
                if !pre.is_empty() {
                    s.push('-');
                    s.push_str(&pre.join("."));
                }
                if let Some(build) = build {
                    s.push('+');
                    s.push_str(&build);
                }
                s
            })
    }

    proptest! {
        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<HexVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in "\\PC*|[0-9a-zA-Z.+\\-]*") {
            let _ = s.parse::<HexVersion>();
        }
    }
}
