//! PyPI versions: PEP 440 exactly as Python's `packaging.version.Version`
//! parses and orders it, plus pre-PEP 440 versions as the old
//! `packaging.version.LegacyVersion` (packaging < 22) ordered them.
//!
//! Hand-written rather than wrapping `pep440_rs`: that crate caps release
//! numbers at `u64` where `packaging` has none, and has no legacy versions.
//!
//! # PEP 440 ([`Pep440Version`])
//!
//! Everything `packaging` accepts: surrounding whitespace (Python's `\s`), a
//! leading `v`, epochs (`1!2.0`), any number of release components, the
//! alternative spellings of pre-releases (`alpha`, `beta`, `c`, `pre`,
//! `preview`), post-releases (`rev`, `r`, the implicit `1.0-1`) and
//! development releases, with or without separators (`.`, `-`, `_`) and
//! numbers, local versions (`+ubuntu-1`), all case-insensitively. Numbers are
//! unbounded (Python's `int` stops at 4300 digits). Ordering is `packaging`'s
//! `_cmpkey`: epoch, release without trailing zeros (`1.0 == 1`), then
//! `dev-only < a < b < rc < final`, post, dev, and finally the local version
//! (none first; numeric segments above alphanumeric ones, which compare
//! case-insensitively).
//!
//! # Legacy ([`LegacyVersion`])
//!
//! A string that is not PEP 440 is a legacy version if it has at least one
//! ASCII letter or digit and contains no whitespace, control character or
//! specifier punctuation (`< > = , ; ~ * ^ | ( ) [ ] { } " ' \` and the
//! backtick). So `1.0-SNAPSHOT`, `2004d` and even `n/a` are legacy versions,
//! while the empty string, `*`, `>=1.0` and `1.0 beta` are rejected, although
//! LegacyVersion took any string. Legacy versions sort before every
//! PEP 440 version (LegacyVersion's epoch -1) and among themselves by
//! LegacyVersion's key (setuptools' old `parse_version`). Only ASCII digits
//! count as digits there; Python's `\d` also matched other Unicode digits.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::num::cmp_digits;
use crate::{Scheme, VersionError};

/// A PyPI version: PEP 440, or a legacy version ordered before all of them.
#[derive(Debug, Clone)]
pub enum PypiVersion {
    /// A version `packaging.version.Version` accepts.
    Pep440(Pep440Version),
    /// A pre-PEP 440 version, ordered as `LegacyVersion` did: before every
    /// PEP 440 version.
    Legacy(LegacyVersion),
}

impl PypiVersion {
    pub fn is_legacy(&self) -> bool {
        matches!(self, PypiVersion::Legacy(_))
    }

    /// The PEP 440 version, if this is one.
    pub fn as_pep440(&self) -> Option<&Pep440Version> {
        match self {
            PypiVersion::Pep440(v) => Some(v),
            PypiVersion::Legacy(_) => None,
        }
    }
}

impl FromStr for PypiVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match Pep440Version::parse(s) {
            Some(v) => Ok(PypiVersion::Pep440(v)),
            None => LegacyVersion::parse(s).map(PypiVersion::Legacy),
        }
    }
}

impl fmt::Display for PypiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PypiVersion::Pep440(v) => v.fmt(f),
            PypiVersion::Legacy(v) => v.fmt(f),
        }
    }
}

impl Ord for PypiVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PypiVersion::Pep440(a), PypiVersion::Pep440(b)) => a.cmp(b),
            (PypiVersion::Legacy(a), PypiVersion::Legacy(b)) => a.cmp(b),
            (PypiVersion::Legacy(_), PypiVersion::Pep440(_)) => Ordering::Less,
            (PypiVersion::Pep440(_), PypiVersion::Legacy(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for PypiVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PypiVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PypiVersion {}

/// An unbounded non-negative integer: inline when it fits `u64`, else its
/// digits without leading zeros (so every `Big` is above every `Small`).
#[derive(Debug, Clone)]
enum Num {
    Small(u64),
    Big(Box<str>),
}

static ZERO: Num = Num::Small(0);

impl Num {
    /// `digits` is a non-empty run of ASCII digits.
    fn parse(digits: &str) -> Num {
        match digits.parse::<u64>() {
            Ok(n) => Num::Small(n),
            Err(_) => Num::Big(digits.trim_start_matches('0').into()),
        }
    }

    fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Num {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Num {}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Small(n) => n.fmt(f),
            Num::Big(digits) => f.write_str(digits),
        }
    }
}

/// A pre-release phase, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Alpha,
    Beta,
    Rc,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Alpha => "a",
            Phase::Beta => "b",
            Phase::Rc => "rc",
        }
    }
}

/// A PEP 440 version (see the module docs).
#[derive(Debug, Clone)]
pub struct Pep440Version {
    raw: Box<str>,
    epoch: Num,
    release: Box<[Num]>,
    /// `release` without trailing zeros, as compared.
    significant: usize,
    pre: Option<(Phase, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    /// Lowercase, segments joined by `.`.
    local: Option<Box<str>>,
}

/// Python's `str.isspace`: Unicode `White_Space` plus U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c)
}

/// A cursor over the ASCII bytes of a candidate PEP 440 version.
struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.s.as_bytes().get(self.i + ahead).copied()
    }

    fn digits(&mut self) -> Option<&'a str> {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }

    fn separator(&mut self) {
        if matches!(self.peek(), Some(b'.' | b'-' | b'_')) {
            self.i += 1;
        }
    }

    /// Consumes the first of `words` that follows, case-insensitively.
    fn word(&mut self, words: &[&'static str]) -> Option<&'static str> {
        let rest = &self.s.as_bytes()[self.i..];
        let found = words.iter().find(|w| {
            rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w.as_bytes())
        })?;
        self.i += found.len();
        Some(found)
    }

    /// `[._-]? WORD [._-]? DIGITS?`, all or nothing; the number (0 if
    /// absent) and which word matched.
    fn labelled(&mut self, words: &[&'static str]) -> Option<(&'static str, Num)> {
        let start = self.i;
        self.separator();
        let Some(word) = self.word(words) else {
            self.i = start;
            return None;
        };
        self.separator();
        let n = self.digits().map_or(Num::Small(0), Num::parse);
        Some((word, n))
    }
}

impl Pep440Version {
    /// Parses like `packaging.version.Version`; `None` where it raises
    /// `InvalidVersion`.
    fn parse(s: &str) -> Option<Pep440Version> {
        let body = s.trim_matches(is_py_space);
        if !body.is_ascii() {
            return None;
        }
        let mut c = Cursor { s: body, i: 0 };
        if matches!(c.peek(), Some(b'v' | b'V')) {
            c.i += 1;
        }
        let mut first = c.digits()?;
        let mut epoch = Num::Small(0);
        if c.peek() == Some(b'!') {
            c.i += 1;
            epoch = Num::parse(first);
            first = c.digits()?;
        }
        // Count the components first so that the release is one exact
        // allocation.
        let mut count = 1;
        let mut probe = Cursor { s: body, i: c.i };
        while probe.peek() == Some(b'.') && probe.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
            probe.i += 1;
            probe.digits();
            count += 1;
        }
        let mut release = Vec::with_capacity(count);
        release.push(Num::parse(first));
        while c.peek() == Some(b'.') && c.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
            c.i += 1;
            release.push(Num::parse(c.digits()?));
        }
        let significant = release
            .iter()
            .rposition(|n| !n.is_zero())
            .map_or(0, |i| i + 1);

        let pre = c
            .labelled(&["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"])
            .map(|(word, n)| {
                let phase = match word {
                    "alpha" | "a" => Phase::Alpha,
                    "beta" | "b" => Phase::Beta,
                    _ => Phase::Rc,
                };
                (phase, n)
            });
        let post = if c.peek() == Some(b'-') && c.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
            c.i += 1;
            c.digits().map(Num::parse)
        } else {
            c.labelled(&["post", "rev", "r"]).map(|(_, n)| n)
        };
        let dev = c.labelled(&["dev"]).map(|(_, n)| n);

        let mut local = None;
        if c.peek() == Some(b'+') {
            c.i += 1;
            let start = c.i;
            let alnum = |c: &mut Cursor<'_>| {
                let from = c.i;
                while c.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                    c.i += 1;
                }
                c.i > from
            };
            if !alnum(&mut c) {
                return None;
            }
            while matches!(c.peek(), Some(b'.' | b'-' | b'_'))
                && c.peek_at(1).is_some_and(|b| b.is_ascii_alphanumeric())
            {
                c.i += 1;
                alnum(&mut c);
            }
            let mut normalized = String::with_capacity(c.i - start);
            normalized.extend(body[start..c.i].bytes().map(|b| match b {
                b'-' | b'_' => '.',
                b => char::from(b.to_ascii_lowercase()),
            }));
            local = Some(normalized.into_boxed_str());
        }
        if c.i != body.len() {
            return None;
        }
        Some(Pep440Version {
            raw: s.into(),
            epoch,
            release: release.into_boxed_slice(),
            significant,
            pre,
            post,
            dev,
            local,
        })
    }

    /// `packaging`'s normalised form: `str(Version(s))`.
    pub fn normalized(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        if !self.epoch.is_zero() {
            let _ = write!(out, "{}!", self.epoch);
        }
        for (i, n) in self.release.iter().enumerate() {
            let _ = write!(out, "{}{n}", if i == 0 { "" } else { "." });
        }
        if let Some((phase, n)) = &self.pre {
            let _ = write!(out, "{}{n}", phase.as_str());
        }
        if let Some(n) = &self.post {
            let _ = write!(out, ".post{n}");
        }
        if let Some(n) = &self.dev {
            let _ = write!(out, ".dev{n}");
        }
        if let Some(local) = &self.local {
            for (i, seg) in local.split('.').enumerate() {
                let numeric = seg.bytes().all(|b| b.is_ascii_digit());
                let trimmed = seg.trim_start_matches('0');
                let seg = match (numeric, trimmed) {
                    (true, "") => "0",
                    (true, t) => t,
                    (false, _) => seg,
                };
                let _ = write!(out, "{}{seg}", if i == 0 { "+" } else { "." });
            }
        }
        out
    }

    /// A pre-release or development release.
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    pub fn is_postrelease(&self) -> bool {
        self.post.is_some()
    }

    /// The normalised local version (`ubuntu.1`), if any.
    pub fn local(&self) -> Option<&str> {
        self.local.as_deref()
    }

    /// `packaging`'s suffix key: (pre rank, pre number, post rank, post
    /// number, dev rank, dev number).
    fn suffix(&self) -> (i8, &Num, u8, &Num, u8, &Num) {
        let (pre_rank, pre_n) = match (&self.pre, &self.post, &self.dev) {
            (None, None, Some(_)) => (-1, &ZERO),
            (None, _, _) => (3, &ZERO),
            (Some((phase, n)), _, _) => (*phase as i8, n),
        };
        let (post_rank, post_n) = self.post.as_ref().map_or((0, &ZERO), |n| (1, n));
        let (dev_rank, dev_n) = self.dev.as_ref().map_or((1, &ZERO), |n| (0, n));
        (pre_rank, pre_n, post_rank, post_n, dev_rank, dev_n)
    }
}

/// Compares normalised local versions: segment by segment, numbers above
/// strings, then the longer one wins.
fn cmp_local(a: &str, b: &str) -> Ordering {
    fn numeric(seg: &str) -> bool {
        seg.bytes().all(|b| b.is_ascii_digit())
    }
    let mut a_segs = a.split('.');
    let mut b_segs = b.split('.');
    loop {
        let order = match (a_segs.next(), b_segs.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match (numeric(x), numeric(y)) {
                (true, true) => cmp_digits(x, y),
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => x.cmp(y),
            },
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

impl fmt::Display for Pep440Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| {
                let a = &self.release[..self.significant];
                let b = &other.release[..other.significant];
                a.cmp(b)
            })
            .then_with(|| self.suffix().cmp(&other.suffix()))
            .then_with(|| match (&self.local, &other.local) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => cmp_local(a, b),
            })
    }
}

impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pep440Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pep440Version {}

/// A pre-PEP 440 version (see the module docs).
#[derive(Debug, Clone)]
pub struct LegacyVersion {
    raw: Box<str>,
    /// LegacyVersion's key tuple, each part followed by `\0` (which no part
    /// contains), so that comparing strings compares the tuples.
    key: Box<str>,
}

/// Specifier and markup punctuation that no legacy version contains.
const LEGACY_FORBIDDEN: &[char] = &[
    '<', '>', '=', ',', ';', '~', '*', '^', '|', '(', ')', '[', ']', '{', '}', '"', '\'', '\\', '`',
];

impl LegacyVersion {
    fn parse(s: &str) -> Result<LegacyVersion, VersionError> {
        let error = |reason: String| VersionError::new(Scheme::PyPI, s, reason);
        if s.trim_matches(is_py_space).is_empty() {
            return Err(error("empty version".into()));
        }
        if let Some((i, c)) = s
            .char_indices()
            .find(|&(_, c)| is_py_space(c) || c.is_control() || LEGACY_FORBIDDEN.contains(&c))
        {
            return Err(error(format!(
                "not PEP 440, and {c:?} at byte {i} rules out a legacy version"
            )));
        }
        if !s.bytes().any(|b| b.is_ascii_alphanumeric()) {
            return Err(error(
                "not PEP 440, and a legacy version needs a letter or digit".into(),
            ));
        }
        Ok(LegacyVersion {
            raw: s.into(),
            key: legacy_key(s),
        })
    }

    /// The key parts, as `LegacyVersion._key[1]` holds them.
    pub fn key_parts(&self) -> impl Iterator<Item = &str> {
        self.key.split_terminator('\0')
    }
}

/// `packaging` 21's `_legacy_cmpkey(version)[1]`, joined as described on
/// `LegacyVersion::key`.
fn legacy_key(s: &str) -> Box<str> {
    let lower = if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    };
    // The parts, each followed by `\0`, and where each starts.
    let mut key = String::with_capacity(2 * lower.len() + 16);
    let mut starts: Vec<usize> = Vec::with_capacity(8);
    let mut push = |star: bool, part: &str| {
        let last_is = |key: &String, starts: &Vec<usize>, p: &str| {
            starts
                .last()
                .is_some_and(|&at| &key[at..key.len() - 1] == p)
        };
        if star {
            // `"*" + part < "*final"`
            if part < "final" {
                while last_is(&key, &starts, "*final-") {
                    key.truncate(starts.pop().unwrap_or(0));
                }
            }
            while last_is(&key, &starts, "00000000") {
                key.truncate(starts.pop().unwrap_or(0));
            }
        }
        starts.push(key.len());
        if star {
            key.push('*');
        } else {
            // `part.zfill(8)`
            key.extend(std::iter::repeat_n('0', 8usize.saturating_sub(part.len())));
        }
        key.push_str(part);
        key.push('\0');
    };
    // `re.split(r"(\d+|[a-z]+|\.|-)", s)`: the matches and the text between.
    let kind = |b: u8| -> u8 {
        match b {
            b'0'..=b'9' => 0,
            b'a'..=b'z' => 1,
            b'.' | b'-' => 2,
            _ => 3,
        }
    };
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match kind(bytes[i]) {
            2 => i += 1,
            k => {
                while i < bytes.len() && kind(bytes[i]) == k {
                    i += 1;
                }
            }
        }
        // Runs end at ASCII bytes, so `start..i` is on char boundaries.
        let part = match &lower[start..i] {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            "." => continue,
            p => p,
        };
        push(!part.as_bytes()[0].is_ascii_digit(), part);
    }
    push(true, "final");
    key.into_boxed_str()
}

impl fmt::Display for LegacyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for LegacyVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl PartialOrd for LegacyVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for LegacyVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for LegacyVersion {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::laws;

    fn parse(s: &str) -> PypiVersion {
        laws::parse(s)
    }

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<PypiVersion>(a, op, b);
    }

    fn check_err(s: &str, reason: &str) {
        let e = laws::check_err::<PypiVersion>(s, reason);
        assert_eq!(e.scheme(), Scheme::PyPI);
    }

    fn normalized(s: &str) -> String {
        match parse(s) {
            PypiVersion::Pep440(v) => v.normalized(),
            PypiVersion::Legacy(_) => panic!("{s:?} should be PEP 440"),
        }
    }

    /// The sorted `VERSIONS` list of packaging's `tests/test_version.py`.
    #[test]
    fn packaging_sorted_versions() {
        let versions = [
            // Implicit epoch of 0
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0b2-346",
            "1.0c1.dev456",
            "1.0c1",
            "1.0rc2",
            "1.0c3",
            "1.0",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.1.dev1",
            "1.2+123abc",
            "1.2+123abc456",
            "1.2+abc",
            "1.2+abc123",
            "1.2+abc123def",
            "1.2+1234.abc",
            "1.2+123456",
            "1.2.r32+123456",
            "1.2.rev33+123456",
            // Explicit epoch of 1
            "1!1.0.dev456",
            "1!1.0a1",
            "1!1.0a2.dev456",
            "1!1.0a12.dev456",
            "1!1.0a12",
            "1!1.0b1.dev456",
            "1!1.0b2",
            "1!1.0b2.post345.dev456",
            "1!1.0b2.post345",
            "1!1.0b2-346",
            "1!1.0c1.dev456",
            "1!1.0c1",
            "1!1.0rc2",
            "1!1.0c3",
            "1!1.0",
            "1!1.0.post456.dev34",
            "1!1.0.post456",
            "1!1.1.dev1",
            "1!1.2+123abc",
            "1!1.2+123abc456",
            "1!1.2+abc",
            "1!1.2+abc123",
            "1!1.2+abc123def",
            "1!1.2+1234.abc",
            "1!1.2+123456",
            "1!1.2.r32+123456",
            "1!1.2.rev33+123456",
        ];
        for (i, a) in versions.iter().enumerate() {
            for b in &versions[i + 1..] {
                check(a, "<", b);
            }
        }
    }

    /// packaging's `test_normalized_versions` and friends.
    #[test]
    fn normalization() {
        for (input, expected) in [
            ("1.0dev", "1.0.dev0"),
            ("1.0.dev", "1.0.dev0"),
            ("1.0dev1", "1.0.dev1"),
            ("1.0-dev", "1.0.dev0"),
            ("1.0-dev1", "1.0.dev1"),
            ("1.0DEV", "1.0.dev0"),
            ("1.0_dev", "1.0.dev0"),
            ("1.0a", "1.0a0"),
            ("1.0.a", "1.0a0"),
            ("1.0-a1", "1.0a1"),
            ("1.0alpha1", "1.0a1"),
            ("1.0beta1", "1.0b1"),
            ("1.0c1", "1.0rc1"),
            ("1.0pre1", "1.0rc1"),
            ("1.0preview1", "1.0rc1"),
            ("1.0-RC-1", "1.0rc1"),
            ("1.0post", "1.0.post0"),
            ("1.0-post", "1.0.post0"),
            ("1.0.r", "1.0.post0"),
            ("1.0rev4", "1.0.post4"),
            ("1.0-5", "1.0.post5"),
            ("1.0+ubuntu_1", "1.0+ubuntu.1"),
            ("1.0+Ubuntu-1", "1.0+ubuntu.1"),
            ("1.0+00.007a.0", "1.0+0.007a.0"),
            ("v1.0", "1.0"),
            ("V1.0", "1.0"),
            ("  1.0\t\n", "1.0"),
            ("\u{2003}1.0\u{1F}", "1.0"),
            ("1!1.0", "1!1.0"),
            ("0!1.0", "1.0"),
            ("01.002", "1.2"),
            ("1.0a.post", "1.0a0.post0"),
            ("1.0a..dev1", "1.0a0.dev1"),
            ("1.0.post.", "1.0.post0"),
            ("99999999999999999999999.0", "99999999999999999999999.0"),
        ] {
            assert_eq!(normalized(input), expected, "{input:?}");
            assert_eq!(parse(input).to_string(), input);
        }
    }

    #[test]
    fn order_details() {
        check("1.0", "=", "1.0.0");
        check("1.0", "=", "1");
        check("1.0+abc", ">", "1.0");
        check("1.0+ABC", "=", "1.0+abc");
        check("1.0+1-2", "=", "1.0+1.2");
        check("1.0+01", "=", "1.0+1");
        check("1.0.dev0", "<", "1.0a0");
        check("1.0a1.dev0", "<", "1.0a1");
        check("1.0.post1.dev0", "<", "1.0.post1");
        check("1.0.post1.dev0", ">", "1.0");
        check("1.0-1", "=", "1.0.post1");
        check("2!0.1", ">", "1!99");
        check("99999999999999999999999", ">", "99999999999999999998999");
        check("18446744073709551616", ">", "18446744073709551615");
    }

    #[test]
    fn legacy() {
        for s in [
            "0.1-bulbasaur",
            "1.0-SNAPSHOT",
            "2004d",
            "r42",
            "n/a",
            "1.0-foo_x",
        ] {
            assert!(parse(s).is_legacy(), "{s}");
        }
        check("0.1-bulbasaur", "<", "0.1-charmander");
        check("0.9-ivysaur", "<", "0.0.1");
        check("0.9-ivysaur", "<", "0!0");
        check("1.0-final", ">", "1.0-");
        check("1.0.0-foo", "=", "1.0-foo");
        check("1.0-dev-x", "<", "1.0-foo");
        check("1.0-foo_x", "<", "1.0-foo-x");
    }

    #[test]
    fn legacy_key_matches_packaging_21() {
        // As `_legacy_cmpkey(s)[1]` of packaging 21.3 computes them.
        let key = |s: &str| match parse(s) {
            PypiVersion::Legacy(v) => v.key_parts().map(str::to_owned).collect::<Vec<_>>(),
            PypiVersion::Pep440(_) => panic!("{s:?} should be legacy"),
        };
        assert_eq!(
            key("1.0-SNAPSHOT"),
            ["00000001", "*final-", "*snapshot", "*final"]
        );
        assert_eq!(
            key("0.9-doduo"),
            ["00000000", "00000009", "*doduo", "*final"]
        );
        assert_eq!(
            key("0.9-ivysaur"),
            ["00000000", "00000009", "*final-", "*ivysaur", "*final"]
        );
        assert_eq!(key("n/a"), ["*n", "*/", "*a", "*final"]);
        assert_eq!(
            key("1.0rc1-x"),
            ["00000001", "*c", "00000001", "*final-", "*x", "*final"]
        );
        assert_eq!(key("1.0_x"), ["00000001", "*_", "*x", "*final"]);
        assert_eq!(
            key("2.0-dev-r5"),
            ["00000002", "*@", "*final-", "*r", "00000005", "*final"]
        );
    }

    #[test]
    fn rejects() {
        check_err("", "empty version");
        check_err("  ", "empty version");
        check_err(
            ">=1.0",
            "not PEP 440, and '>' at byte 0 rules out a legacy version",
        );
        check_err(
            "1.0 beta",
            "not PEP 440, and ' ' at byte 3 rules out a legacy version",
        );
        check_err(
            "*",
            "not PEP 440, and '*' at byte 0 rules out a legacy version",
        );
        check_err(
            "...",
            "not PEP 440, and a legacy version needs a letter or digit",
        );
    }

    mod properties {
        use super::super::PypiVersion;
        use crate::scheme::laws::laws_on_text;
        use proptest::prelude::*;

        /// PEP 440 versions in their many spellings, and legacy ones.
        fn version() -> impl Strategy<Value = String> {
            let num = prop_oneof!["0", "[1-9]", "0[0-9]", "1[0-9]", "[1-9][0-9]{19,22}"];
            let sep = prop_oneof!["", "\\.", "-", "_"];
            let pep440 = (
                prop_oneof!["", "v", "V", "[0-2]!"],
                proptest::collection::vec(num.clone(), 1..4),
                prop_oneof![
                    Just(String::new()),
                    (
                        sep.clone(),
                        "a|b|c|rc|alpha|beta|pre|preview|RC",
                        sep.clone(),
                        prop_oneof!["", "[0-9]"]
                    )
                        .prop_map(|(s, l, t, n)| format!("{s}{l}{t}{n}")),
                ],
                prop_oneof![
                    Just(String::new()),
                    "-[0-9]",
                    (sep.clone(), "post|rev|r|POST", prop_oneof!["", "[0-9]"])
                        .prop_map(|(s, l, n)| format!("{s}{l}{n}")),
                ],
                prop_oneof![
                    Just(String::new()),
                    (sep, "dev|DEV", prop_oneof!["", "[0-9]"])
                        .prop_map(|(s, l, n)| format!("{s}{l}{n}")),
                ],
                prop_oneof!["", "\\+[a-zA-Z0-9]{1,3}([-_.][a-z0-9]{1,2}){0,2}"],
            )
                .prop_map(|(prefix, release, pre, post, dev, local)| {
                    format!("{prefix}{}{pre}{post}{dev}{local}", release.join("."))
                });
            let legacy = "[0-9a-z]{1,3}([-_.][0-9a-z]{1,5}){0,3}";
            prop_oneof![4 => pep440, 1 => legacy]
        }

        proptest! {
            #[test]
            fn laws(a in version(), b in version(), c in version()) {
                laws_on_text::<PypiVersion>([&a, &b, &c]);
                if let Ok(PypiVersion::Pep440(v)) = a.parse::<PypiVersion>() {
                    let normalized: PypiVersion = v.normalized().parse().unwrap();
                    prop_assert!(!normalized.is_legacy());
                    prop_assert_eq!(normalized, PypiVersion::Pep440(v));
                }
            }

            #[test]
            fn never_panics(s in "\\PC*", t in "[ vV!0-9.+_a-z-]{0,16}") {
                let _ = s.parse::<PypiVersion>();
                laws_on_text::<PypiVersion>([&s, &t, "1.0"]);
            }
        }
    }
}
