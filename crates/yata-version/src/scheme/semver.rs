//! SemVer as OSV's `SEMVER` range type is applied by osv-scalibr and
//! osv-scanner (`semantic/version-semver.go`), plus the strict SemVer 2.0
//! pieces that the Go and npm schemes share.
//!
//! # The lenient grammar
//!
//! After one optional leading `v`, a version is a run of numeric components
//! separated by dots, followed by a free-form tail that starts at the first
//! character that is neither a digit nor a dot:
//!
//! * numeric components are unbounded (`999999999999999999999999999991`) and
//!   compared as integers; missing ones count as `0`, so `1 == 1.0.0`; empty
//!   components are skipped (`1..2 == 1.2`), exactly as scalibr does;
//! * components beyond the third are moved to the end of the tail as
//!   `.N` (scalibr's "build"): `1.1.3.4.5` orders like `1.1.3-.4.5`, so it is
//!   a pre-release of `1.1.3`, and `1.36.0rc1 > 1.35.0`;
//! * the tail loses everything from its first `+` (build metadata is ignored)
//!   and one leading `-`; what remains is the pre-release. A version without
//!   one sorts after every version with one; otherwise the dot-separated
//!   identifiers compare as SemVer 2.0 says, where an identifier is numeric
//!   when it parses as a (possibly signed) integer, as Go's `big.Int` does.
//!
//! # What is rejected
//!
//! * the empty string;
//! * anything that does not start with an ASCII digit after the optional `v`
//!   (`v`, `vv1`, `.1`, `latest`, `x.y.z`);
//! * whitespace or control characters anywhere (`1.0 beta`, ` 1.0`): no
//!   version token contains them, so their presence means a data error.
//!
//! Everything else that scalibr accepts is accepted and ordered as scalibr
//! orders it.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::num::cmp_digits;
use crate::{Scheme, VersionError};

/// A byte range of a version's input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The text of this span in `s` (empty if it does not fit, which the
    /// parsers never produce).
    pub(crate) fn of(self, s: &str) -> &str {
        s.get(self.start..self.end).unwrap_or("")
    }

    pub(crate) fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

/// A SemVer version as OSV's `SEMVER` range type orders it (see the module
/// docs).
#[derive(Debug, Clone)]
pub struct SemVersion {
    raw: Box<str>,
    /// Major, minor and patch digits without leading zeros (empty = 0).
    nums: [Span; 3],
    pre: Prerelease,
}

/// The effective pre-release: usually a span of the input, owned only when
/// components beyond the third had to be appended to it.
#[derive(Debug, Clone)]
enum Prerelease {
    Span(Span),
    Owned(Box<str>),
}

impl SemVersion {
    /// The effective pre-release (empty for a release), as compared.
    pub fn prerelease(&self) -> &str {
        match &self.pre {
            Prerelease::Span(span) => span.of(&self.raw),
            Prerelease::Owned(s) => s,
        }
    }
}

fn error(input: &str, reason: impl Into<std::borrow::Cow<'static, str>>) -> VersionError {
    VersionError::new(Scheme::SemVer, input, reason)
}

impl FromStr for SemVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(error(s, "empty version"));
        }
        if let Some((i, c)) = s
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || c.is_control())
        {
            return Err(error(s, format!("unexpected character {c:?} at byte {i}")));
        }
        let bytes = s.as_bytes();
        let body = usize::from(bytes[0] == b'v');
        match s[body..].chars().next() {
            None => return Err(error(s, "no number after 'v'")),
            Some(c) if !c.is_ascii_digit() => {
                return Err(error(
                    s,
                    format!("expected a digit at byte {body}, found {c:?}"),
                ));
            }
            Some(_) => {}
        }

        let mut nums = [Span::default(); 3];
        let mut count = 0;
        // Components beyond the third, as scalibr appends them to the tail.
        let mut extra = String::new();
        let mut i = body;
        let mut tail = bytes.len();
        while i < bytes.len() {
            match bytes[i] {
                b'0'..=b'9' => {
                    let start = i;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                    let mut first = start;
                    while first < i && bytes[first] == b'0' {
                        first += 1;
                    }
                    if count < 3 {
                        nums[count] = Span::new(first, i);
                    } else {
                        extra.push('.');
                        extra.push_str(if first == i { "0" } else { &s[first..i] });
                    }
                    count += 1;
                }
                b'.' => i += 1,
                _ => {
                    tail = i;
                    break;
                }
            }
        }

        let pre = if extra.is_empty() {
            let rest = &s[tail..];
            let end = tail + rest.find('+').unwrap_or(rest.len());
            let start = if rest.starts_with('-') && end > tail {
                tail + 1
            } else {
                tail
            };
            Prerelease::Span(Span::new(start, end))
        } else {
            let mut full = s[tail..].to_owned();
            full.push_str(&extra);
            full.truncate(full.find('+').unwrap_or(full.len()));
            let trimmed = full.strip_prefix('-').unwrap_or(&full);
            Prerelease::Owned(trimmed.into())
        };

        Ok(SemVersion {
            raw: s.into(),
            nums,
            pre,
        })
    }
}

impl fmt::Display for SemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for SemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.nums.iter().zip(&other.nums) {
            // Leading zeros are already gone: compare length, then digits.
            let (a, b) = (a.of(&self.raw), b.of(&other.raw));
            match a.len().cmp(&b.len()).then_with(|| a.cmp(b)) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        match (self.prerelease(), other.prerelease()) {
            ("", "") => Ordering::Equal,
            ("", _) => Ordering::Greater,
            (_, "") => Ordering::Less,
            (a, b) => cmp_identifiers(a, b, cmp_lenient_identifier),
        }
    }
}

impl PartialOrd for SemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemVersion {}

/// An identifier that Go's `big.Int.SetString(s, 10)` accepts: an optional
/// sign, then ASCII digits. Returns (negative, digits without leading zeros).
fn signed_number(id: &str) -> Option<(bool, &str)> {
    let (negative, digits) = match id.as_bytes().first() {
        Some(b'-') => (true, &id[1..]),
        Some(b'+') => (false, &id[1..]),
        _ => (false, id),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    Some((negative && !digits.is_empty(), digits))
}

fn cmp_lenient_identifier(a: &str, b: &str) -> Ordering {
    match (signed_number(a), signed_number(b)) {
        (Some((an, a)), Some((bn, b))) => match (an, bn) {
            (false, false) => cmp_digits(a, b),
            (true, true) => cmp_digits(b, a),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        },
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// Compares two non-empty dot-separated identifier lists: pairwise with
/// `cmp_one`, then the longer list wins (SemVer 2.0 §11.4).
fn cmp_identifiers(a: &str, b: &str, cmp_one: fn(&str, &str) -> Ordering) -> Ordering {
    let mut a_ids = a.split('.');
    let mut b_ids = b.split('.');
    loop {
        match (a_ids.next(), b_ids.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match cmp_one(x, y) {
                Ordering::Equal => {}
                unequal => return unequal,
            },
        }
    }
}

/// SemVer 2.0 precedence of two valid, non-empty pre-release strings
/// (without the leading `-`): numeric identifiers compare as unbounded
/// integers and below alphanumeric ones, which compare in ASCII order.
pub(crate) fn cmp_prerelease(a: &str, b: &str) -> Ordering {
    fn is_numeric(id: &str) -> bool {
        id.bytes().all(|b| b.is_ascii_digit())
    }
    cmp_identifiers(a, b, |x, y| match (is_numeric(x), is_numeric(y)) {
        (true, true) => cmp_digits(x, y),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => x.cmp(y),
    })
}

/// Compares the release parts of strict versions: `None` (Go's shorthand)
/// counts as `0`; the digits have no leading zeros.
pub(crate) fn cmp_number(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A strict SemVer 2.0 version found in an input string.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Strict {
    pub(crate) major: Span,
    /// Empty when the version is Go shorthand (`v1`).
    pub(crate) minor: Span,
    /// Empty when the version is Go shorthand (`v1`, `v1.2`).
    pub(crate) patch: Span,
    /// Without the leading `-`; empty if none.
    pub(crate) pre: Span,
    /// Without the leading `+`; empty if none.
    pub(crate) build: Span,
}

/// Parses a strict SemVer 2.0 version from `s[start..]`: numbers without
/// leading zeros, `-pre` and `+build` made of non-empty `[0-9A-Za-z-]`
/// identifiers, numeric pre-release identifiers without leading zeros. With
/// `shorthand`, `1` and `1.2` are accepted (without pre-release or build), as
/// golang.org/x/mod/semver does. Errors name the byte offset in `s`.
pub(crate) fn parse_strict(s: &str, start: usize, shorthand: bool) -> Result<Strict, String> {
    let bytes = s.as_bytes();
    let mut v = Strict::default();
    let mut i = start;
    for (n, name) in ["major", "minor", "patch"].into_iter().enumerate() {
        if n > 0 {
            if i == bytes.len() && shorthand {
                return Ok(v);
            }
            if bytes.get(i) != Some(&b'.') {
                return Err(unexpected(s, i, &format!("'.' before the {name} number")));
            }
            i += 1;
        }
        let begin = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if begin == i {
            return Err(unexpected(s, i, &format!("the {name} number")));
        }
        if bytes[begin] == b'0' && i - begin > 1 {
            return Err(format!("leading zero in the {name} number at byte {begin}"));
        }
        let span = Span::new(begin, i);
        match n {
            0 => v.major = span,
            1 => v.minor = span,
            _ => v.patch = span,
        }
    }
    if bytes.get(i) == Some(&b'-') {
        let end = identifiers(s, i + 1, true, "pre-release")?;
        v.pre = Span::new(i + 1, end);
        i = end;
    }
    if bytes.get(i) == Some(&b'+') {
        let end = identifiers(s, i + 1, false, "build metadata")?;
        v.build = Span::new(i + 1, end);
        i = end;
    }
    if i < bytes.len() {
        return Err(unexpected(s, i, "'-', '+' or the end"));
    }
    Ok(v)
}

/// Scans dot-separated `[0-9A-Za-z-]+` identifiers from `start`; returns
/// where they end (at `+` for a pre-release, at the end for build metadata).
fn identifiers(s: &str, start: usize, pre: bool, what: &str) -> Result<usize, String> {
    let bytes = s.as_bytes();
    let mut i = start;
    loop {
        let begin = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
            i += 1;
        }
        if begin == i {
            return Err(match s[i..].chars().next() {
                None => format!("empty {what} identifier at the end"),
                Some('.') | Some('+') => format!("empty {what} identifier at byte {i}"),
                Some(c) => format!("unexpected character {c:?} in {what} at byte {i}"),
            });
        }
        let id = &bytes[begin..i];
        if pre && id.len() > 1 && id[0] == b'0' && id.iter().all(u8::is_ascii_digit) {
            return Err(format!(
                "leading zero in numeric {what} identifier at byte {begin}"
            ));
        }
        match bytes.get(i) {
            Some(b'.') => i += 1,
            None => return Ok(i),
            Some(b'+') if pre => return Ok(i),
            Some(_) => {
                let c = s[i..].chars().next().unwrap_or('?');
                return Err(format!("unexpected character {c:?} in {what} at byte {i}"));
            }
        }
    }
}

/// "expected X at byte N, found 'c'" or "... found the end".
fn unexpected(s: &str, i: usize, expected: &str) -> String {
    match s.get(i..).and_then(|rest| rest.chars().next()) {
        Some(c) => format!("expected {expected} at byte {i}, found {c:?}"),
        None => format!("expected {expected} at byte {i}, found the end"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::laws;

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<SemVersion>(a, op, b);
    }

    fn check_err(s: &str, reason: &str) {
        let e = laws::check_err::<SemVersion>(s, reason);
        assert_eq!(e.scheme(), Scheme::SemVer);
    }

    #[test]
    fn semver_spec_order() {
        let chain = [
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
        laws::check_ascending::<SemVersion>(&chain);
    }

    #[test]
    fn lenient() {
        check("1", "=", "1.0.0");
        check("v1.2", "=", "1.2.0");
        check("1.36.0rc1", ">", "1.35.0");
        check("1.36.0rc1", "<", "1.36.0");
        check("1.2.3+build", "=", "1.2.3+other");
        check("01.002.0003", "=", "1.2.3");
        check("1..2", "=", "1.2");
        check("1.2.3.4", "<", "1.2.3");
        check("1.2.3.4", ">", "1.2.3.3");
        check("1.2.3.04", "=", "1.2.3.4");
        check("1.2.3.4+b", "=", "1.2.3");
        check("1.2.3-5-foo", ">", "1.2.3-5");
        check("1.2.3-r100", "<", "1.2.3-r2");
        check("1.2.3-R2", "<", "1.2.3-r100");
        check("1.2.3--1", "<", "1.2.3-0");
        check("1.2.3-a.-0", "=", "1.2.3-a.0");
        check("1.2.3-", "=", "1.2.3");
        check(
            "999999999999999999999999999991",
            "<",
            "999999999999999999999999999999",
        );
        check("1.2.3-ä", ">", "1.2.3-z");
    }

    #[test]
    fn shared_strict_precedence() {
        assert_eq!(cmp_prerelease("alpha.10", "alpha.9"), Ordering::Greater);
        assert_eq!(cmp_prerelease("1", "a"), Ordering::Less);
        assert_eq!(cmp_prerelease("a.b", "a"), Ordering::Greater);
    }

    #[test]
    fn rejects() {
        check_err("", "empty version");
        check_err("v", "no number after 'v'");
        check_err("vv1", "expected a digit at byte 1, found 'v'");
        check_err(".1", "expected a digit at byte 0, found '.'");
        check_err("latest", "expected a digit at byte 0, found 'l'");
        check_err("1.0 beta", "unexpected character ' ' at byte 3");
        check_err("1.0\n", "unexpected character '\\n' at byte 3");
    }

    #[test]
    fn strict_errors() {
        let err = |s: &str| parse_strict(s, 0, false).unwrap_err();
        assert_eq!(
            err("1.2"),
            "expected '.' before the patch number at byte 3, found the end"
        );
        assert_eq!(err("01.2.3"), "leading zero in the major number at byte 0");
        assert_eq!(
            err("1.2.3-01"),
            "leading zero in numeric pre-release identifier at byte 6"
        );
        assert_eq!(err("1.2.3-a..b"), "empty pre-release identifier at byte 8");
        assert_eq!(err("1.2.3+"), "empty build metadata identifier at the end");
        assert_eq!(
            err("1.2.3-a_b"),
            "unexpected character '_' in pre-release at byte 7"
        );
        assert_eq!(
            err("1.2.3x"),
            "expected '-', '+' or the end at byte 5, found 'x'"
        );
        assert!(parse_strict("1", 0, true).is_ok());
        assert!(parse_strict("1.2.3-0a.01a+001", 0, false).is_ok());
    }

    mod properties {
        use super::super::SemVersion;
        use crate::scheme::laws::laws_on_text;
        use proptest::prelude::*;

        /// Lenient versions: `v`, up to five components (leading zeros,
        /// huge numbers, empty ones) and a tail of SemVer-ish characters.
        fn version() -> impl Strategy<Value = String> {
            let num = prop_oneof!["[0-9]", "0[0-9]", "[1-9][0-9]{0,3}", "[0-9]{20,30}"];
            (
                "v?",
                proptest::collection::vec(num, 1..=5),
                prop_oneof![
                    "",
                    "[-+.a-zA-Z0-9]{1,8}",
                    "-[0-9a-z]{1,3}(\\.[0-9a-z]{1,3}){0,2}"
                ],
            )
                .prop_map(|(v, nums, tail)| format!("{v}{}{tail}", nums.join(".")))
        }

        proptest! {
            #[test]
            fn laws(a in version(), b in version(), c in version()) {
                laws_on_text::<SemVersion>([&a, &b, &c]);
            }

            #[test]
            fn never_panics(s in "\\PC*", t in "[v0-9.+a-z-]{0,12}") {
                let _ = s.parse::<SemVersion>();
                laws_on_text::<SemVersion>([&s, &t, "1"]);
            }
        }
    }
}
