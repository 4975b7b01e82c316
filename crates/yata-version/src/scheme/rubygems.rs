//! RubyGems versions, ordered like `Gem::Version`.
//!
//! Written here rather than taken from a crate because no Rust crate
//! implements `Gem::Version` exactly.
//!
//! # Syntax
//! Gem's `ANCHORED_VERSION_PATTERN`:
//! `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`, where every
//! `-` reads as `.pre.`.
//!
//! # Order
//! The version is cut into segments: runs of digits (integers of any size)
//! and runs of letters; `.` separates, and `-` adds a `pre` segment. Trailing
//! zeros are dropped from the numeric segments before the first letter
//! segment and from the segments after it (`canonical_segments`, so
//! `1.0.a == 1.a` and `1.0 == 1`). Segments compare left to right, a
//! missing one reading as `0`; a number is greater than letters
//! (`1.0.a < 1.0 < 1.0.1`), letters compare as bytes (case-sensitive).
//!
//! # What is rejected, and where we differ from Gem
//! Anything the pattern does not match: characters other than ASCII letters,
//! digits, `.` and `-`; empty segments (`1..2`, `1.`); a letter segment
//! after a `-`-free part that is not introduced by `.` or `-`. Differences:
//! * Gem reads an empty or blank string as `0` and strips surrounding
//!   whitespace; we reject both, so that a version displays exactly as it
//!   compares.
//! * Gem wants the first segment to be all digits; we also accept letters
//!   after its leading digits (`1beta`, read as `1.beta`), which occur in
//!   OSV data and in the shared conformance cases.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::natural::Natural;
use crate::{Scheme, VersionError};

/// A RubyGems version: the input as given and its canonical segments.
#[derive(Debug, Clone)]
pub struct GemVersion {
    raw: Box<str>,
    segments: Box<[Segment]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Num(Natural),
    /// A run of letters: its byte range in the raw input.
    Str(usize, usize),
    /// The `pre` that a `-` stands for.
    Pre,
}

impl FromStr for GemVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| VersionError::new(Scheme::RubyGems, s, reason);
        validate(s).map_err(err)?;

        // `scan(/[0-9]+|[a-z]+/i)` after `gsub("-", ".pre.")`.
        let bytes = s.as_bytes();
        let mut segments = Vec::with_capacity(bytes.len() / 2 + 1);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'-' {
                segments.push(Segment::Pre);
                i += 1;
            } else if b.is_ascii_digit() {
                let end = run_end(bytes, i, u8::is_ascii_digit);
                segments.push(Segment::Num(
                    Natural::parse(&s[i..end]).unwrap_or(Natural::ZERO),
                ));
                i = end;
            } else if b.is_ascii_alphabetic() {
                let end = run_end(bytes, i, u8::is_ascii_alphabetic);
                segments.push(Segment::Str(i, end));
                i = end;
            } else {
                i += 1;
            }
        }
        canonicalize(&mut segments);
        Ok(GemVersion {
            raw: s.into(),
            segments: segments.into(),
        })
    }
}

fn run_end(bytes: &[u8], start: usize, class: fn(&u8) -> bool) -> usize {
    bytes[start..]
        .iter()
        .position(|b| !class(b))
        .map_or(bytes.len(), |p| start + p)
}

/// Checks the (relaxed, see the module docs) `ANCHORED_VERSION_PATTERN`.
fn validate(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("empty version".into());
    }
    let unexpected = |i: usize| {
        let c = s[i..].chars().next().unwrap_or_default();
        format!("unexpected character {c:?} at byte {i}")
    };
    let bytes = s.as_bytes();
    if !bytes[0].is_ascii_digit() {
        return Err(format!("{} (a version starts with a digit)", unexpected(0)));
    }
    let mut pre = false;
    // Whether the current segment has at least one character.
    let mut segment_len = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => segment_len += 1,
            b'-' if pre => segment_len += 1,
            b'.' | b'-' => {
                if segment_len == 0 {
                    return Err(format!("empty segment at byte {i}"));
                }
                if b == b'-' {
                    pre = true;
                }
                segment_len = 0;
            }
            _ => return Err(unexpected(i)),
        }
    }
    if segment_len == 0 {
        return Err(format!("empty segment at byte {}", s.len()));
    }
    Ok(())
}

/// `canonical_segments`: drop trailing zeros from the leading numeric
/// segments and from the rest.
fn canonicalize(segments: &mut Vec<Segment>) {
    let is_zero = |s: &Segment| matches!(s, Segment::Num(n) if n.is_zero());
    let split = segments
        .iter()
        .position(|s| !matches!(s, Segment::Num(_)))
        .unwrap_or(segments.len());
    let mut tail = segments.split_off(split);
    while tail.last().is_some_and(is_zero) {
        tail.pop();
    }
    while segments.last().is_some_and(is_zero) {
        segments.pop();
    }
    segments.append(&mut tail);
}

impl GemVersion {
    fn text(&self, segment: &Segment) -> &[u8] {
        match *segment {
            Segment::Str(s, e) => self.raw.as_bytes().get(s..e).unwrap_or_default(),
            _ => b"pre",
        }
    }
}

impl fmt::Display for GemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        const ZERO: Segment = Segment::Num(Natural::ZERO);
        let n = self.segments.len().max(other.segments.len());
        for i in 0..n {
            let a = self.segments.get(i).unwrap_or(&ZERO);
            let b = other.segments.get(i).unwrap_or(&ZERO);
            let ord = match (a, b) {
                (Segment::Num(x), Segment::Num(y)) => x.cmp(y),
                (Segment::Num(_), _) => Ordering::Greater,
                (_, Segment::Num(_)) => Ordering::Less,
                _ => self.text(a).cmp(other.text(b)),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}

#[cfg(test)]
mod tests {
    use super::GemVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<GemVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<GemVersion>(input, reason);
    }

    /// From RubyGems' `test_gem_version.rb` (MIT).
    #[test]
    fn upstream_spaceship() {
        check("1.0", "=", "1.0.0");
        check("1", "=", "1.0.0");
        check("1.0", ">", "1.0.a");
        check("1.8.2", ">", "0.0.0");
        check("1.8.2", ">", "1.8.2.a");
        check("1.8.2.b", ">", "1.8.2.a");
        check("1.8.2.a", "<", "1.8.2");
        check("1.8.2.a10", ">", "1.8.2.a9");
        check("0.beta.1", "=", "0.0.beta.1");
        check("0.0.beta", "<", "0.0.beta.1");
        check("0.0.beta", "<", "0.beta.1");
        check("5.a", "<", "5.0.0.rc2");
        check("5.x", ">", "5.0.0.rc2");
        check("1.9.3", "=", "1.9.3");
        check("1.9.3", ">", "1.9.2.99");
        check("1.9.3", "<", "1.9.3.1");
    }

    #[test]
    fn upstream_eql() {
        check("1.2", "=", "1.2.0");
        check("1.2.b1", "=", "1.2.b.1");
        check("1.2.b1", "=", "1.2.b1.0");
        check("1.0.a", "=", "1.a");
        check("1.0.0.a.0", "=", "1.a");
    }

    #[test]
    fn hyphen_is_pre() {
        check("1.0-rc1", "=", "1.0.pre.rc.1");
        check("1.0-rc1", "<", "1.0");
        check("1.0-a-b", "=", "1.0.pre.a.pre.b");
        check("1.0-1", ">", "1.0.a");
        check("1.0-1", "<", "1.0.rc");
        check("1.0.A", "<", "1.0.a");
    }

    #[test]
    fn rejects() {
        check_err("", "empty version");
        check_err(
            " 1.0",
            "unexpected character ' ' at byte 0 (a version starts with a digit)",
        );
        check_err("1.0 ", "unexpected character ' ' at byte 3");
        check_err(
            "junk",
            "unexpected character 'j' at byte 0 (a version starts with a digit)",
        );
        check_err("1.0\n2.0", "unexpected character '\\n' at byte 3");
        check_err("1..2", "empty segment at byte 2");
        check_err("1.", "empty segment at byte 2");
        check_err("1-", "empty segment at byte 2");
        check_err("1.2_3", "unexpected character '_' at byte 3");
        check_err("1.2+b", "unexpected character '+' at byte 3");
        check_err("1.é", "unexpected character 'é' at byte 2");
        check_err(
            "-1",
            "unexpected character '-' at byte 0 (a version starts with a digit)",
        );
    }

    fn version() -> impl Strategy<Value = String> {
        let seg = prop_oneof![
            "[0-9]{1,3}",
            Just("0".to_owned()),
            "[a-z]{1,4}",
            "(a|b|rc|pre|beta)[0-9]",
            "[0-9]{21}",
        ];
        (
            "[0-9]{1,2}",
            prop::collection::vec(seg.clone(), 0..5),
            prop::collection::vec(seg, 0..3),
        )
            .prop_map(|(first, rest, pre)| {
                let mut s = first;
                for seg in rest {
                    s.push('.');
                    s.push_str(&seg);
                }
                if !pre.is_empty() {
                    s.push('-');
                    s.push_str(&pre.join("."));
                }
                s
            })
    }

    proptest! {
        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<GemVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in "\\PC*|[0-9a-zA-Z.\\-]*") {
            let _ = s.parse::<GemVersion>();
        }
    }
}
