//! npm versions, as node-semver's `new SemVer(version)` parses them in its
//! default (non-loose) mode and `SemVer.compare` orders them.
//!
//! Accepted: `MAJOR.MINOR.PATCH[-pre][+build]` with SemVer 2.0 identifiers,
//! one optional leading `v` (lowercase only), and surrounding whitespace as
//! JavaScript's `String.prototype.trim` removes it. Build metadata is ignored
//! for precedence.
//!
//! Rejected, as node-semver rejects them: inputs longer than 256 UTF-16 code
//! units (counted before trimming), a leading `=` or `V` or a second `v`
//! (loose mode only), missing minor or patch, leading zeros in numbers or
//! numeric pre-release identifiers, major/minor/patch above
//! `Number.MAX_SAFE_INTEGER` (2^53 - 1), empty identifiers, and characters
//! outside `[0-9A-Za-z-.]` in pre-release or build metadata.
//!
//! One deliberate difference: node-semver converts numeric pre-release
//! identifiers to JavaScript numbers for comparison, so two different ones
//! above 2^53 can compare equal there; here they compare exactly.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::semver::{Strict, cmp_prerelease, parse_strict};
use crate::{Scheme, VersionError};

/// node-semver's `MAX_LENGTH`.
const MAX_LENGTH: usize = 256;

/// `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// An npm version (see the module docs).
#[derive(Debug, Clone)]
pub struct NpmVersion {
    raw: Box<str>,
    major: u64,
    minor: u64,
    patch: u64,
    /// Spans of the untrimmed input.
    parts: Strict,
}

impl NpmVersion {
    pub fn major(&self) -> u64 {
        self.major
    }

    pub fn minor(&self) -> u64 {
        self.minor
    }

    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The pre-release without its `-`; empty for a release.
    pub fn prerelease(&self) -> &str {
        self.parts.pre.of(&self.raw)
    }

    /// The build metadata without its `+`; empty if none.
    pub fn build(&self) -> &str {
        self.parts.build.of(&self.raw)
    }
}

/// What JavaScript's `String.prototype.trim` removes: WhiteSpace (including
/// U+FEFF and every `Zs`) and LineTerminator.
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

fn error(input: &str, reason: impl Into<std::borrow::Cow<'static, str>>) -> VersionError {
    VersionError::new(Scheme::Npm, input, reason)
}

impl FromStr for NpmVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.encode_utf16().count() > MAX_LENGTH {
            return Err(error(s, "longer than 256 characters"));
        }
        let body = s.trim_start_matches(is_js_space);
        let offset = s.len() - body.len();
        let body = body.trim_end_matches(is_js_space);
        if body.is_empty() {
            return Err(error(s, "empty version"));
        }
        let start = offset + usize::from(body.starts_with('v'));
        // Parse up to the trailing whitespace, in the input's byte offsets.
        let parts = parse_strict(&s[..offset + body.len()], start, false)
            .map_err(|reason| error(s, reason))?;
        let number = |name: &str, digits: &str| -> Result<u64, VersionError> {
            digits
                .parse::<u64>()
                .ok()
                .filter(|&n| n <= MAX_SAFE_INTEGER)
                .ok_or_else(|| {
                    error(
                        s,
                        format!("{name} version is above 2^53 - 1 (Number.MAX_SAFE_INTEGER)"),
                    )
                })
        };
        Ok(NpmVersion {
            major: number("major", parts.major.of(s))?,
            minor: number("minor", parts.minor.of(s))?,
            patch: number("patch", parts.patch.of(s))?,
            raw: s.into(),
            parts,
        })
    }
}

impl fmt::Display for NpmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for NpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.prerelease(), other.prerelease()) {
                ("", "") => Ordering::Equal,
                ("", _) => Ordering::Greater,
                (_, "") => Ordering::Less,
                (a, b) => cmp_prerelease(a, b),
            })
    }
}

impl PartialOrd for NpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NpmVersion {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::laws;

    fn parse(s: &str) -> NpmVersion {
        laws::parse(s)
    }

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<NpmVersion>(a, op, b);
    }

    fn check_err(s: &str, reason: &str) {
        let e = laws::check_err::<NpmVersion>(s, reason);
        assert_eq!(e.scheme(), Scheme::Npm);
    }

    /// node-semver's `test/fixtures/comparisons.js` (non-loose cases):
    /// the first version is greater than the second.
    #[test]
    fn node_semver_comparisons() {
        for (a, b) in [
            ("0.0.0", "0.0.0-foo"),
            ("0.0.1", "0.0.0"),
            ("1.0.0", "0.9.9"),
            ("0.10.0", "0.9.0"),
            ("0.99.0", "0.10.0"),
            ("2.0.0", "1.2.3"),
            ("v0.0.0", "0.0.0-foo"),
            ("v0.0.1", "0.0.0"),
            ("v1.0.0", "0.9.9"),
            ("v0.10.0", "0.9.0"),
            ("v0.99.0", "0.10.0"),
            ("v2.0.0", "1.2.3"),
            ("0.0.0", "v0.0.0-foo"),
            ("0.0.1", "v0.0.0"),
            ("1.0.0", "v0.9.9"),
            ("0.10.0", "v0.9.0"),
            ("0.99.0", "v0.10.0"),
            ("2.0.0", "v1.2.3"),
            ("1.2.3", "1.2.3-asdf"),
            ("1.2.3", "1.2.3-4"),
            ("1.2.3", "1.2.3-4-foo"),
            ("1.2.3-5-foo", "1.2.3-5"),
            ("1.2.3-5", "1.2.3-4"),
            ("1.2.3-5-foo", "1.2.3-5-Foo"),
            ("3.0.0", "2.7.2+asdf"),
            ("1.2.3-a.10", "1.2.3-a.5"),
            ("1.2.3-a.b", "1.2.3-a.5"),
            ("1.2.3-a.b", "1.2.3-a"),
            ("1.2.3-a.b.c.10.d.5", "1.2.3-a.b.c.5.d.100"),
            ("1.2.3-r2", "1.2.3-r100"),
            ("1.2.3-r100", "1.2.3-R2"),
        ] {
            check(a, ">", b);
        }
    }

    /// node-semver's `test/fixtures/equality.js` (non-loose cases).
    #[test]
    fn node_semver_equality() {
        for (a, b) in [
            ("1.2.3", "v1.2.3"),
            ("1.2.3-0", "v1.2.3-0"),
            ("1.2.3-1", "v1.2.3-1"),
            ("1.2.3-beta", "v1.2.3-beta"),
            ("1.2.3-beta+build", "1.2.3-beta+otherbuild"),
            ("1.2.3+build", "1.2.3+otherbuild"),
            ("  v1.2.3+build", "1.2.3+otherbuild"),
            ("1.2.3\u{FEFF}", "1.2.3"),
        ] {
            check(a, "=", b);
        }
    }

    #[test]
    fn accessors_and_display() {
        let v = parse(" v1.2.3-rc.1+b.2 ");
        assert_eq!((v.major(), v.minor(), v.patch()), (1, 2, 3));
        assert_eq!(v.prerelease(), "rc.1");
        assert_eq!(v.build(), "b.2");
        assert_eq!(v.to_string(), " v1.2.3-rc.1+b.2 ");
        assert_eq!(parse("9007199254740991.0.0").major(), MAX_SAFE_INTEGER);
    }

    /// node-semver's `test/fixtures/invalid-versions.js` and more.
    #[test]
    fn rejects() {
        check_err("", "empty version");
        check_err("   ", "empty version");
        check_err(&"1".repeat(257), "longer than 256 characters");
        check_err(
            "9007199254740992.0.0",
            "major version is above 2^53 - 1 (Number.MAX_SAFE_INTEGER)",
        );
        check_err(
            "1.99999999999999999999.0",
            "minor version is above 2^53 - 1 (Number.MAX_SAFE_INTEGER)",
        );
        check_err("=1.2.3", "expected the major number at byte 0, found '='");
        check_err("V1.2.3", "expected the major number at byte 0, found 'V'");
        check_err("vv1.2.3", "expected the major number at byte 1, found 'v'");
        check_err(
            "1.2",
            "expected '.' before the patch number at byte 3, found the end",
        );
        check_err(
            "1.2.3.4",
            "expected '-', '+' or the end at byte 5, found '.'",
        );
        check_err("01.2.3", "leading zero in the major number at byte 0");
        check_err(
            "1.2.3-01",
            "leading zero in numeric pre-release identifier at byte 6",
        );
        check_err(" 1.2.x", "expected the patch number at byte 5, found 'x'");
        check_err(
            "1.2.3\u{85}",
            "expected '-', '+' or the end at byte 5, found '\\u{85}'",
        );
        check_err(
            "1.2.3beta",
            "expected '-', '+' or the end at byte 5, found 'b'",
        );
    }

    mod properties {
        use super::super::NpmVersion;
        use crate::scheme::laws::laws_on_text;
        use proptest::prelude::*;

        /// npm versions: strict SemVer with an optional `v`, surrounding
        /// whitespace, and numbers up to 2^53 - 1.
        fn version() -> impl Strategy<Value = String> {
            let num = prop_oneof!["0", "[1-9]", "1[0-9]", Just("9007199254740991".to_owned())];
            let id = prop_oneof![
                "0",
                "[1-9]",
                "[a-c]",
                "rc",
                "[a-z0-9-]{1,4}",
                "[1-9][0-9]{16,20}"
            ];
            (
                "[ \t]?v?",
                (num.clone(), num.clone(), num),
                proptest::collection::vec(id, 0..3),
                prop_oneof!["", "\\+[a-z0-9]{1,3}"],
                "[ \n]?",
            )
                .prop_map(|(lead, (ma, mi, pa), pre, build, trail)| {
                    let pre: Vec<String> = pre
                        .into_iter()
                        .filter(|id| {
                            !(id.len() > 1
                                && id.starts_with('0')
                                && id.bytes().all(|b| b.is_ascii_digit()))
                        })
                        .collect();
                    let pre = if pre.is_empty() {
                        String::new()
                    } else {
                        format!("-{}", pre.join("."))
                    };
                    format!("{lead}{ma}.{mi}.{pa}{pre}{build}{trail}")
                })
        }

        proptest! {
            #[test]
            fn laws(a in version(), b in version(), c in version()) {
                prop_assert!(a.parse::<NpmVersion>().is_ok(), "{a:?} is valid");
                laws_on_text::<NpmVersion>([&a, &b, &c]);
            }

            #[test]
            fn never_panics(s in "\\PC*", t in "[ v=0-9.+a-z-]{0,12}") {
                let _ = s.parse::<NpmVersion>();
                laws_on_text::<NpmVersion>([&s, &t, "1.0.0"]);
            }
        }
    }
}
