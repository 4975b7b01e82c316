//! Pub (Dart) versions, ordered like `pub_semver`'s `Version.compareTo`.
//!
//! Written here rather than taken from a crate because Rust's `semver`
//! ignores build metadata for precedence, where pub orders it.
//!
//! # Syntax
//! `[v]N(.N)*[-PRE][+BUILD]`, where `PRE` and `BUILD` are dot-separated
//! identifiers of `[0-9A-Za-z-]`. Numbers may have leading zeros and any
//! size.
//!
//! # Order
//! The numbers compare left to right, a missing one reading as `0`. A
//! version with a pre-release sorts before the same version without; a
//! version with build metadata sorts *after* the same version without
//! (`1.0.0-pre < 1.0.0-pre+build < 1.0.0 < 1.0.0+build`). Pre-release and
//! build identifiers compare left to right: all-digit identifiers as
//! integers (`01 == 1`) and before the others, the others as bytes; a list
//! that runs out first sorts first.
//!
//! # What is rejected, and where we differ from pub
//! Empty identifiers or numbers, characters outside the classes above, and
//! anything after the build. `pub_semver` wants exactly `MAJOR.MINOR.PATCH`
//! and no `v`; we also accept a leading `v` and any number of numeric
//! components (missing ones are `0`, extra ones compare after the patch),
//! because OSV data for Pub and the shared conformance cases hold such
//! versions. Dart's `int.tryParse` would also read identifiers such as
//! `-1` or `0x1f` as numbers; we read only all-digit identifiers as numbers.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::natural::Natural;
use crate::{Scheme, VersionError};

/// A Pub version: the input as given, its numbers and identifiers.
#[derive(Debug, Clone)]
pub struct PubVersion {
    raw: Box<str>,
    numbers: Box<[Natural]>,
    pre: Box<[Ident]>,
    build: Box<[Ident]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ident {
    Num(Natural),
    /// Its byte range in the raw input.
    Text(usize, usize),
}

impl FromStr for PubVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| VersionError::new(Scheme::Pub, s, reason);
        if s.is_empty() {
            return Err(err("empty version".into()));
        }
        let start = usize::from(s.starts_with('v'));
        let build_at = s.find('+');
        let core_end = build_at.unwrap_or(s.len());
        let pre_at = s[..core_end].find('-');
        let numbers_end = pre_at.unwrap_or(core_end);

        let mut numbers = Vec::with_capacity(3);
        let mut offset = start;
        for part in s[start..numbers_end].split('.') {
            if let Some((i, c)) = part.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
                return Err(err(format!(
                    "unexpected character {c:?} at byte {}",
                    offset + i
                )));
            }
            numbers.push(
                Natural::parse(part)
                    .ok_or_else(|| err(format!("empty number at byte {offset}")))?,
            );
            offset += part.len() + 1;
        }
        let pre = match pre_at {
            Some(p) => identifiers(s, p + 1, core_end, "pre-release").map_err(err)?,
            None => Vec::new(),
        };
        let build = match build_at {
            Some(p) => identifiers(s, p + 1, s.len(), "build").map_err(err)?,
            None => Vec::new(),
        };
        Ok(PubVersion {
            raw: s.into(),
            numbers: numbers.into(),
            pre: pre.into(),
            build: build.into(),
        })
    }
}

/// The dot-separated identifiers in `s[start..end]`.
fn identifiers(s: &str, start: usize, end: usize, what: &str) -> Result<Vec<Ident>, String> {
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
        out.push(match Natural::parse(id) {
            Some(n) => Ident::Num(n),
            None => Ident::Text(offset, offset + id.len()),
        });
        offset += id.len() + 1;
    }
    Ok(out)
}

impl PubVersion {
    /// `_compareLists`: numbers before text, a shorter list first.
    fn cmp_idents(&self, a: &[Ident], other: &Self, b: &[Ident]) -> Ordering {
        for (x, y) in a.iter().zip(b.iter()) {
            let ord = match (x, y) {
                (Ident::Num(m), Ident::Num(n)) => m.cmp(n),
                (Ident::Num(_), Ident::Text(..)) => Ordering::Less,
                (Ident::Text(..), Ident::Num(_)) => Ordering::Greater,
                (Ident::Text(s, e), Ident::Text(t, f)) => {
                    let x = self.raw.as_bytes().get(*s..*e).unwrap_or_default();
                    x.cmp(other.raw.as_bytes().get(*t..*f).unwrap_or_default())
                }
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a.len().cmp(&b.len())
    }
}

impl fmt::Display for PubVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for PubVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.numbers.len().max(other.numbers.len());
        for i in 0..n {
            let a = self.numbers.get(i).unwrap_or(&Natural::ZERO);
            let b = other.numbers.get(i).unwrap_or(&Natural::ZERO);
            let ord = a.cmp(b);
            if ord != Ordering::Equal {
                return ord;
            }
        }
        // A pre-release sorts before the release, build metadata after it.
        let pre = match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.cmp_idents(&self.pre, other, &other.pre),
        };
        pre.then_with(|| self.cmp_idents(&self.build, other, &other.build))
    }
}

impl PartialOrd for PubVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PubVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PubVersion {}

#[cfg(test)]
mod tests {
    use super::PubVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<PubVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<PubVersion>(input, reason);
    }

    /// The ordered list from `pub_semver`'s `version_test.dart` (BSD-3-Clause).
    #[test]
    fn upstream_sequence() {
        let versions = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0-rc.1+build.1",
            "1.0.0",
            "1.0.0+0.3.7",
            "1.3.7+build",
            "1.3.7+build.2.b8f12d7",
            "1.3.7+build.11.e0f985a",
            "2.0.0",
            "2.1.0",
            "2.2.0",
            "2.11.0",
            "2.11.1",
        ];
        for (i, a) in versions.iter().enumerate() {
            check(a, "=", a);
            for b in &versions[i + 1..] {
                check(a, "<", b);
            }
        }
    }

    #[test]
    fn upstream_equality() {
        check("01.2.3", "=", "1.2.3");
        check("1.02.3", "=", "1.2.3");
        check("1.2.03", "=", "1.2.3");
        check("1.2.3-01", "=", "1.2.3-1");
        check("1.2.3+01", "=", "1.2.3+1");
        check("1.2.3", "<", "1.2.3+build");
    }

    #[test]
    fn lenient_forms() {
        check("v1.2.3", "=", "1.2.3");
        check("1", "=", "1.0.0");
        check("1.2", "=", "1.2.0");
        check("1.2.3.1", ">", "1.2.3");
        check("1.2.3.0", "=", "1.2.3");
        check("1.2.3-a-b", ">", "1.2.3-a");
        check("1.2.3+10", ">", "1.2.3+9");
    }

    #[test]
    fn rejects() {
        check_err("", "empty version");
        check_err("v", "empty number at byte 1");
        check_err("1..2", "empty number at byte 2");
        check_err("1.2.3-", "empty pre-release identifier at byte 6");
        check_err("1.2.3+", "empty build identifier at byte 6");
        check_err("1.2.3-a..b", "empty pre-release identifier at byte 8");
        check_err("1.2.3+a+b", "unexpected character '+' at byte 7");
        check_err("1.2.3-a_b", "unexpected character '_' at byte 7");
        check_err("1.x.3", "unexpected character 'x' at byte 2");
        check_err("V1.2.3", "unexpected character 'V' at byte 0");
        check_err(" 1.2.3", "unexpected character ' ' at byte 0");
        check_err("1.2.3-é", "unexpected character 'é' at byte 6");
    }

    fn ident() -> impl Strategy<Value = String> {
        prop_oneof!["[0-9]{1,3}", "[a-zA-Z-][a-zA-Z0-9-]{0,4}", "[0-9]{21}"]
    }

    fn version() -> impl Strategy<Value = String> {
        (
            "v?",
            prop::collection::vec("[0-9]{1,3}|[0-9]{21}", 1..5),
            prop::collection::vec(ident(), 0..3),
            prop::collection::vec(ident(), 0..3),
        )
            .prop_map(|(v, nums, pre, build)| {
                let mut s = v + &nums.join(".");
                if !pre.is_empty() {
                    s.push('-');
                    s.push_str(&pre.join("."));
                }
                if !build.is_empty() {
                    s.push('+');
                    s.push_str(&build.join("."));
                }
                s
            })
    }

    proptest! {
        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<PubVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in "\\PC*|v?[0-9a-zA-Z.+\\-]*") {
            let _ = s.parse::<PubVersion>();
        }
    }
}
