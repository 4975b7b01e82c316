//! Go module versions, as golang.org/x/mod/semver parses and orders them.
//!
//! `vMAJOR[.MINOR[.PATCH[-pre][+build]]]`: numbers are unbounded and without
//! leading zeros; `v1` and `v1.2` are shorthand for `v1.0.0` and `v1.2.0`
//! (pre-release and build only after a full `MAJOR.MINOR.PATCH`), and
//! pre-release and build identifiers follow SemVer 2.0. Build metadata,
//! including `+incompatible`, is ignored for precedence, so
//! `v2.0.0+incompatible == v2.0.0`. Pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`, `vX.Y.(Z+1)-0.yyyymmddhhmmss-rev`,
//! `vX.Y.Z-pre.0.yyyymmddhhmmss-rev`) are ordinary pre-releases for
//! ordering; [`GoVersion::is_pseudo`] and its companions take them apart.
//!
//! The leading `v` is optional, because OSV's Go data writes versions without
//! it (`"fixed": "1.20.5"`, `"introduced": "0"`); both spellings are equal.
//!
//! Rejected: Go toolchain tags such as `go1.21.3` (OSV writes the standard
//! library's versions as `1.21.3`; convert before parsing), a `V`, surrounding
//! whitespace, and anything else x/mod/semver's `IsValid` rejects.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::semver::{Span, Strict, cmp_number, cmp_prerelease, parse_strict};
use crate::{Scheme, VersionError};

/// A Go module version (see the module docs).
#[derive(Debug, Clone)]
pub struct GoVersion {
    raw: Box<str>,
    parts: Strict,
}

impl GoVersion {
    /// Whether the input had the leading `v` that Go itself requires.
    pub fn has_v(&self) -> bool {
        self.raw.starts_with('v')
    }

    /// The pre-release without its `-`; empty for a release.
    pub fn prerelease(&self) -> &str {
        self.parts.pre.of(&self.raw)
    }

    /// The build metadata without its `+` (`incompatible`); empty if none.
    pub fn build(&self) -> &str {
        self.parts.build.of(&self.raw)
    }

    /// Whether the version carries `+incompatible`.
    pub fn is_incompatible(&self) -> bool {
        self.build() == "incompatible"
    }

    /// Whether this is a pseudo-version, as golang.org/x/mod/module's
    /// `IsPseudoVersion` decides.
    pub fn is_pseudo(&self) -> bool {
        self.pseudo().is_some()
    }

    /// The 14-digit `yyyymmddhhmmss` commit time of a pseudo-version.
    pub fn pseudo_timestamp(&self) -> Option<&str> {
        self.pseudo().map(|p| p.timestamp.of(&self.raw))
    }

    /// The revision (commit hash prefix) of a pseudo-version.
    pub fn pseudo_revision(&self) -> Option<&str> {
        self.pseudo().map(|p| p.revision.of(&self.raw))
    }

    /// The tagged version a pseudo-version builds on, as x/mod's
    /// `PseudoVersionBase` computes it, with a leading `v`:
    /// `v1.2.3` for `v1.2.4-0.20191109021931-daa7c04131f5`, `v1.2.3-pre`
    /// for `v1.2.3-pre.0.20191109021931-daa7c04131f5`. `None` when this is
    /// not a pseudo-version or it has no base (`vX.0.0-yyyymmddhhmmss-rev`,
    /// or the invalid `vX.Y.0-0.yyyymmddhhmmss-rev`).
    pub fn pseudo_base(&self) -> Option<String> {
        let p = self.pseudo()?;
        let raw = &*self.raw;
        let build = match self.build() {
            "" => String::new(),
            b => format!("+{b}"),
        };
        let major = self.parts.major.of(raw);
        let minor = self.parts.minor.of(raw);
        let patch = self.parts.patch.of(raw);
        // The pre-release up to the timestamp: "", "0." or "pre.0.".
        let pre = p.before.of(raw);
        match pre {
            "" => None,
            "0." => {
                let patch = decrement(patch)?;
                Some(format!("v{major}.{minor}.{patch}{build}"))
            }
            _ => {
                let pre = pre.strip_suffix(".0.")?;
                Some(format!("v{major}.{minor}.{patch}-{pre}{build}"))
            }
        }
    }

    /// Finds the pseudo-version parts, following x/mod's regular expression
    /// `^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+…)?$`
    /// on a version already known to be valid.
    fn pseudo(&self) -> Option<Pseudo> {
        let raw = &*self.raw;
        let pre_span = self.parts.pre;
        let pre = pre_span.of(raw);
        // The last identifier is `yyyymmddhhmmss-rev`.
        let last_start = pre.rfind('.').map_or(0, |i| i + 1);
        let last = &pre[last_start..];
        let (timestamp, revision) = last.split_at_checked(14)?;
        let revision = revision.strip_prefix('-')?;
        if !timestamp.bytes().all(|b| b.is_ascii_digit())
            || revision.is_empty()
            || !revision.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return None;
        }
        let before = &pre[..last_start];
        let shape_ok = if before.is_empty() {
            // `vX.0.0-yyyymmddhhmmss-rev`
            self.parts.minor.of(raw) == "0" && self.parts.patch.of(raw) == "0"
        } else {
            before == "0." || before.ends_with(".0.")
        };
        if !shape_ok {
            return None;
        }
        let at = |offset: usize, len: usize| {
            let start = pre_span.start + offset;
            Span::new(start, start + len)
        };
        Some(Pseudo {
            before: at(0, last_start),
            timestamp: at(last_start, 14),
            revision: at(last_start + 15, revision.len()),
        })
    }
}

/// Where a pseudo-version's parts are in the input.
#[derive(Debug, Clone, Copy)]
struct Pseudo {
    /// The pre-release before the timestamp: empty, `0.` or `pre.0.`.
    before: Span,
    timestamp: Span,
    revision: Span,
}

/// `n - 1` for a decimal digit string; `None` for `0`.
fn decrement(n: &str) -> Option<String> {
    let mut digits = n.as_bytes().to_vec();
    let mut i = digits.len();
    loop {
        i = i.checked_sub(1)?;
        if digits[i] == b'0' {
            digits[i] = b'9';
        } else {
            digits[i] -= 1;
            break;
        }
    }
    let mut s = String::from_utf8(digits).ok()?;
    if s.len() > 1 && s.starts_with('0') {
        s.remove(0);
    }
    Some(s)
}

fn error(input: &str, reason: impl Into<std::borrow::Cow<'static, str>>) -> VersionError {
    VersionError::new(Scheme::Go, input, reason)
}

impl FromStr for GoVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(error(s, "empty version"));
        }
        if s.starts_with("go") {
            return Err(error(
                s,
                "a Go toolchain tag, not a module version (write go1.21.3 as 1.21.3)",
            ));
        }
        let start = usize::from(s.starts_with('v'));
        let parts = parse_strict(s, start, true).map_err(|reason| error(s, reason))?;
        Ok(GoVersion {
            raw: s.into(),
            parts,
        })
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.parts, &other.parts);
        fn num(raw: &str, span: Span) -> &str {
            if span.is_empty() { "0" } else { span.of(raw) }
        }
        let (ra, rb) = (&*self.raw, &*other.raw);
        for (x, y) in [(a.major, b.major), (a.minor, b.minor), (a.patch, b.patch)] {
            match cmp_number(num(ra, x), num(rb, y)) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        match (self.prerelease(), other.prerelease()) {
            ("", "") => Ordering::Equal,
            ("", _) => Ordering::Greater,
            (_, "") => Ordering::Less,
            (x, y) => cmp_prerelease(x, y),
        }
    }
}

impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GoVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GoVersion {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::laws;

    fn parse(s: &str) -> GoVersion {
        laws::parse(s)
    }

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<GoVersion>(a, op, b);
    }

    fn check_err(s: &str, reason: &str) {
        let e = laws::check_err::<GoVersion>(s, reason);
        assert_eq!(e.scheme(), Scheme::Go);
    }

    /// The valid versions of golang.org/x/mod/semver's `semver_test.go`, in
    /// increasing order (equal neighbours marked by `=`).
    #[test]
    fn x_mod_semver_order() {
        let tests = [
            "v0.0.0",
            "=v0.0",
            "=v0",
            "v0.0.1",
            "v0.1.0-alpha",
            "v0.1.0-alpha.1",
            "v0.1.0-alpha.beta",
            "v0.1.0-beta",
            "v0.1.0-beta.2",
            "v0.1.0-beta.11",
            "v0.1.0-rc.1",
            "v0.1.0",
            "=v0.1",
            "=v0.1.0+meta",
            "v1.0.0",
            "=v1.0",
            "=v1",
            "=v1.0.0+meta",
            "v1.2.0",
            "v1.2.3-456",
            "v1.2.3-456.789",
            "v1.2.3-456-789",
            "v1.2.3-456a",
            "v1.2.3-pre",
            "=v1.2.3-pre+meta",
            "v1.2.3-pre.1",
            "v1.2.3-zzz",
            "v1.2.3",
            "=v1.2.3+meta",
            "=v1.2.3+meta-pre",
            "=v1.2.3+meta-pre.sha.256a",
        ];
        let mut prev: Option<&str> = None;
        for t in tests {
            let (eq, v) = match t.strip_prefix('=') {
                Some(v) => (true, v),
                None => (false, t),
            };
            if let Some(p) = prev {
                check(p, if eq { "=" } else { "<" }, v);
            }
            prev = Some(v);
        }
    }

    #[test]
    fn x_mod_semver_invalid() {
        for bad in [
            "bad",
            "v1-alpha.beta.gamma",
            "v1-pre",
            "v1+meta",
            "v1-pre+meta",
            "v1.2-pre",
            "v1.2+meta",
            "v1.2-pre+meta",
            "v1.2.3.4",
            "v1.2.3-01",
            "v01.2.3",
            "v1.02.3",
            "v1.2.03",
            "v1.2.3-",
            "v1.2.3+",
            "v1.2.3-a..b",
            "v1.2.",
            "v1.",
            "v",
            "V1.2.3",
            " v1.2.3",
            "v1.2.3 ",
        ] {
            assert!(
                bad.parse::<GoVersion>().is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn osv_spellings() {
        check("1.20.5", "=", "v1.20.5");
        check("0", "=", "v0.0.0");
        check("2.0.0+incompatible", "=", "v2.0.0");
        check("2.0.0+incompatible", ">", "v1.99.99");
        check("11.3.0-rc1+incompatible", "<", "11.3.0");
        check("1.26.0-0", "<", "1.26.0-alpha.1");
        check("99999999999999999999.0.0", ">", "9999999999999999999.0.0");
        assert!(parse("2.0.0+incompatible").is_incompatible());
        assert!(!parse("1.20.5").has_v());
    }

    /// After golang.org/x/mod/module's `pseudo_test.go`.
    #[test]
    fn pseudo_versions() {
        let cases = [
            // (version, base, timestamp, revision)
            ("v0.0.0-20060102150405-hash", None, "20060102150405", "hash"),
            (
                "v0.0.0-20060102150405-abcdef123456",
                None,
                "20060102150405",
                "abcdef123456",
            ),
            (
                "v1.2.4-0.20060102150405-hash",
                Some("v1.2.3"),
                "20060102150405",
                "hash",
            ),
            (
                "v1.2.3-pre.0.20060102150405-hash",
                Some("v1.2.3-pre"),
                "20060102150405",
                "hash",
            ),
            (
                "v1.3.0-alpha.0.20060102150405-hash+incompatible",
                Some("v1.3.0-alpha+incompatible"),
                "20060102150405",
                "hash",
            ),
            (
                "v1.2.10-0.20060102150405-hash",
                Some("v1.2.9"),
                "20060102150405",
                "hash",
            ),
            (
                "1.1.1-0.20251231125615-74dc5a01cfbb",
                Some("v1.1.0"),
                "20251231125615",
                "74dc5a01cfbb",
            ),
            (
                "2.2.5-rc6.0.20190621200032-0ddffe484adc+incompatible",
                Some("v2.2.5-rc6+incompatible"),
                "20190621200032",
                "0ddffe484adc",
            ),
            (
                "v1.0.0-0.20060102150405-hash",
                None,
                "20060102150405",
                "hash",
            ),
        ];
        for (v, base, ts, rev) in cases {
            let p = parse(v);
            assert!(p.is_pseudo(), "{v}");
            assert_eq!(p.pseudo_base().as_deref(), base, "{v}");
            assert_eq!(p.pseudo_timestamp(), Some(ts), "{v}");
            assert_eq!(p.pseudo_revision(), Some(rev), "{v}");
        }
        for not in [
            "v1.2.3",
            "v1.2.3-pre",
            "v1.2.3-20060102150405-hash",
            "v1.2.3-0.2006010215040-hash",
            "v1.2.3-x0.20060102150405-hash",
            "v1.2.3-0.20060102150405-ha-sh",
            "v0.0.0-20060102150405-",
        ] {
            if let Ok(p) = not.parse::<GoVersion>() {
                assert!(!p.is_pseudo(), "{not}");
                assert_eq!(p.pseudo_timestamp(), None);
            }
        }
        check("v1.2.4-0.20060102150405-hash", ">", "v1.2.3");
        check("v1.2.4-0.20060102150405-hash", "<", "v1.2.4-pre");
        check(
            "v0.0.0-20060102150405-hash",
            "<",
            "v0.0.0-20060102150406-hash",
        );
    }

    #[test]
    fn decrement_digits() {
        assert_eq!(decrement("10").as_deref(), Some("9"));
        assert_eq!(decrement("100").as_deref(), Some("99"));
        assert_eq!(decrement("1").as_deref(), Some("0"));
        assert_eq!(decrement("0"), None);
    }

    #[test]
    fn rejects() {
        check_err("", "empty version");
        check_err(
            "go1.21.3",
            "a Go toolchain tag, not a module version (write go1.21.3 as 1.21.3)",
        );
        check_err(
            "v1.2-pre",
            "expected '.' before the patch number at byte 4, found '-'",
        );
        check_err(
            "v1.2.3.4",
            "expected '-', '+' or the end at byte 6, found '.'",
        );
        check_err("v", "expected the major number at byte 1, found the end");
    }

    mod properties {
        use super::super::GoVersion;
        use crate::scheme::laws::laws_on_text;
        use proptest::prelude::*;

        /// Go versions: with or without `v`, shorthand, pre-releases,
        /// `+incompatible` and pseudo-versions.
        fn version() -> impl Strategy<Value = String> {
            let num = prop_oneof!["0", "[1-9]", "1[0-9]", "[1-9][0-9]{19,22}"];
            let core = (num.clone(), num.clone(), num).prop_map(|(a, b, c)| format!("{a}.{b}.{c}"));
            let pre = prop_oneof![
                Just(String::new()),
                "-(0|[1-9]|rc|alpha|beta)(\\.(0|[1-9]|[a-z-]{1,3})){0,2}",
                "-0\\.20[0-9]{12}-[0-9a-f]{12}",
                "-(rc|pre)\\.0\\.20[0-9]{12}-[0-9a-f]{4}",
            ];
            let pseudo_zero = "0\\.0-20[0-9]{12}-[0-9a-f]{12}";
            prop_oneof![
                (
                    "v?",
                    core,
                    pre,
                    prop_oneof!["", "\\+incompatible", "\\+[a-z0-9]{1,3}"]
                )
                    .prop_map(|(v, core, pre, build)| format!("{v}{core}{pre}{build}")),
                ("v?", "[0-9]|[1-9][0-9]", pseudo_zero)
                    .prop_map(|(v, major, rest)| format!("{v}{major}.{rest}")),
                "v?(0|[1-9])(\\.(0|[1-9]))?",
            ]
        }

        proptest! {
            #[test]
            fn laws(a in version(), b in version(), c in version()) {
                prop_assert!(a.parse::<GoVersion>().is_ok(), "{a:?} is valid");
                laws_on_text::<GoVersion>([&a, &b, &c]);
                let v: GoVersion = a.parse().unwrap();
                if let Some(base) = v.pseudo_base() {
                    let base: GoVersion = base.parse().expect("the base parses");
                    prop_assert!(base < v, "base {base} precedes {v}");
                }
            }

            #[test]
            fn never_panics(s in "\\PC*", t in "[vgo0-9.+a-z-]{0,30}") {
                let _ = s.parse::<GoVersion>();
                if let Ok(v) = t.parse::<GoVersion>() {
                    let _ = (v.pseudo_base(), v.pseudo_timestamp(), v.pseudo_revision());
                }
                laws_on_text::<GoVersion>([&s, &t, "v1"]);
            }
        }
    }
}
