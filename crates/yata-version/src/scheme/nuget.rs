//! NuGet versions, ordered like `NuGet.Versioning`'s `NuGetVersion` with the
//! default `VersionComparer`.
//!
//! Written here rather than taken from a crate because no Rust crate
//! implements `NuGetVersion`'s parsing and order.
//!
//! # Syntax
//! `N[.N[.N[.N]]][-LABEL(.LABEL)*][+META(.META)*]`: one to four numeric parts
//! (leading zeros allowed), dot-separated pre-release labels and build
//! metadata of `[0-9A-Za-z-]`. A purely numeric label must not have a leading
//! zero; metadata may.
//!
//! # Order
//! Missing numeric parts are `0` (`1.0 == 1.0.0.0`, `1.01 == 1.1`). A
//! pre-release sorts before the release; labels compare left to right, a
//! label that `Int32.TryParse` accepts numerically and before any other,
//! others by ordinal case-insensitive comparison; more labels sort later.
//! Build metadata is ignored.
//!
//! # What is rejected, and where we differ from NuGet
//! Everything `NuGetVersion.TryParse` rejects: an empty string, more than
//! four numeric parts, empty parts or labels, characters outside the classes
//! above, a leading zero in a numeric label, a trailing `-` or `+`. Two
//! differences:
//! * NuGet trims surrounding whitespace and ignores spaces; we reject any
//!   whitespace, so that a version displays exactly as it compares.
//! * NuGet limits numeric parts to `Int32`; we accept any size (OSV data and
//!   the shared conformance cases contain larger numbers) and compare them
//!   as integers.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::natural::Natural;
use crate::{Scheme, VersionError};

/// A NuGet version: the input as given, its four numeric parts and its
/// pre-release labels.
#[derive(Debug, Clone)]
pub struct NugetVersion {
    raw: Box<str>,
    parts: [Natural; 4],
    labels: Box<[Label]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    /// A label `Int32.TryParse` accepts.
    Int(u32),
    /// Any other label: its byte range in the raw input.
    Text(usize, usize),
}

impl FromStr for NugetVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| VersionError::new(Scheme::NuGet, s, reason);
        if s.is_empty() {
            return Err(err("empty version".into()));
        }
        let version_end = s.find(['-', '+']).unwrap_or(s.len());
        let (label_end, meta_start) = match s.as_bytes().get(version_end) {
            Some(b'-') => {
                let end = s[version_end..]
                    .find('+')
                    .map_or(s.len(), |p| version_end + p);
                (end, end + 1)
            }
            Some(_) => (version_end, version_end + 1),
            None => (s.len(), s.len() + 1),
        };

        let mut parts = [Natural::ZERO, Natural::ZERO, Natural::ZERO, Natural::ZERO];
        let mut offset = 0;
        for (n, part) in s[..version_end].split('.').enumerate() {
            if n == 4 {
                return Err(err(format!(
                    "more than four numeric parts at byte {}",
                    offset - 1
                )));
            }
            if let Some((i, c)) = part.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
                return Err(err(format!(
                    "unexpected character {c:?} at byte {}",
                    offset + i
                )));
            }
            parts[n] = Natural::parse(part)
                .ok_or_else(|| err(format!("empty numeric part at byte {offset}")))?;
            offset += part.len() + 1;
        }

        let mut labels = Vec::new();
        if label_end > version_end {
            let text = &s[version_end + 1..label_end];
            labels.reserve_exact(text.bytes().filter(|&b| b == b'.').count() + 1);
            let mut offset = version_end + 1;
            for label in s[version_end + 1..label_end].split('.') {
                check_identifier(label, offset, "pre-release label").map_err(err)?;
                let numeric = label.bytes().all(|b| b.is_ascii_digit());
                if numeric && label.len() > 1 && label.starts_with('0') {
                    return Err(err(format!(
                        "leading zero in numeric pre-release label at byte {offset}"
                    )));
                }
                labels.push(match label.parse::<u32>() {
                    Ok(n) if numeric && n <= i32::MAX as u32 => Label::Int(n),
                    _ => Label::Text(offset, offset + label.len()),
                });
                offset += label.len() + 1;
            }
        }
        if meta_start <= s.len() {
            let mut offset = meta_start;
            for meta in s[meta_start..].split('.') {
                check_identifier(meta, offset, "build metadata identifier").map_err(err)?;
                offset += meta.len() + 1;
            }
        }
        Ok(NugetVersion {
            raw: s.into(),
            parts,
            labels: labels.into(),
        })
    }
}

/// A non-empty run of `[0-9A-Za-z-]` starting at byte `offset`.
fn check_identifier(id: &str, offset: usize, what: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err(format!("empty {what} at byte {offset}"));
    }
    match id
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        Some((i, c)) => Err(format!("unexpected character {c:?} at byte {}", offset + i)),
        None => Ok(()),
    }
}

impl NugetVersion {
    fn label_text(&self, start: usize, end: usize) -> &str {
        self.raw.get(start..end).unwrap_or_default()
    }

    fn cmp_label(&self, a: &Label, other: &Self, b: &Label) -> Ordering {
        match (a, b) {
            (Label::Int(x), Label::Int(y)) => x.cmp(y),
            (Label::Int(_), Label::Text(..)) => Ordering::Less,
            (Label::Text(..), Label::Int(_)) => Ordering::Greater,
            (Label::Text(s, e), Label::Text(t, f)) => {
                let upper = |c: u8| c.to_ascii_uppercase();
                let x = self.label_text(*s, *e).bytes().map(upper);
                x.cmp(other.label_text(*t, *f).bytes().map(upper))
            }
        }
    }
}

impl fmt::Display for NugetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for NugetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts).then_with(|| {
            match (self.labels.is_empty(), other.labels.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.labels.iter().zip(other.labels.iter()) {
                        let ord = self.cmp_label(a, other, b);
                        if ord != Ordering::Equal {
                            return ord;
                        }
                    }
                    self.labels.len().cmp(&other.labels.len())
                }
            }
        })
    }
}

impl PartialOrd for NugetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NugetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NugetVersion {}

#[cfg(test)]
mod tests {
    use super::NugetVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<NugetVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<NugetVersion>(input, reason);
    }

    /// From NuGet.Client's `VersionComparerTests` (Apache-2.0).
    #[test]
    fn upstream_equal() {
        for (a, b) in [
            ("1.0.0", "1.0.0"),
            ("1.0.0-BETA", "1.0.0-beta"),
            ("1.0.0-BETA+AA", "1.0.0-beta+aa"),
            ("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.77.0+aa"),
            ("1.0.0", "1.0.0+beta"),
            ("1.0", "1.0.0.0"),
            ("1.0+test", "1.0.0.0"),
            ("1.0.0.1-1.2.A", "1.0.0.1-1.2.a+A"),
            ("1.0.01", "1.0.1.0"),
        ] {
            check(a, "=", b);
        }
    }

    /// From NuGet.Client's `VersionComparerTests` (Apache-2.0).
    #[test]
    fn upstream_ordered() {
        for (a, b) in [
            ("0.0.0", "1.0.0"),
            ("1.0.0", "1.1.0"),
            ("1.0.0", "1.0.1"),
            ("1.999.9999", "2.1.1"),
            ("1.0.0-BETA", "1.0.0-beta2"),
            ("1.0.0-beta+AA", "1.0.0+aa"),
            ("1.0.0-BETA", "1.0.0-beta.1+AA"),
            ("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.79.0+aa"),
            ("1.0.0-BETA.X.y.5.79.0+AA", "1.0.0-beta.x.y.5.790.0+abc"),
            ("1.0", "1.0.0.1"),
            ("1.0+test", "1.0.0.1"),
            ("1.0.0.1-1.2.A", "1.0.0.1-1.2.a.A+A"),
            ("1.0.01", "1.0.1.2"),
            ("1.0.0", "1.0.0.1"),
            ("1.0.0.1-alpha", "1.0.0.1-pre"),
            ("1.0.0-pre", "1.0.0.1-alpha"),
            ("1.0.0", "1.0.0.1-alpha"),
            ("0.9.9.1", "1.0.0"),
        ] {
            check(a, "<", b);
        }
    }

    #[test]
    fn labels() {
        check("1.0.0-2", "<", "1.0.0-10");
        check("1.0.0-10", "<", "1.0.0-a");
        check("1.0.0-a-b", ">", "1.0.0-a");
        check("1.0.0-rc.1", ">", "1.0.0-RC");
        // Int32.TryParse fails above 2147483647: such labels compare as text.
        check("1.0.0-2147483647", "<", "1.0.0-2147483648");
        check("1.0.0-2147483648", ">", "1.0.0-3");
        check("1.0.0-99999999999", "<", "1.0.0-a");
        check("1", "=", "1.0");
        check(
            "999999999999999999999999999991",
            "<",
            "999999999999999999999999999999",
        );
    }

    #[test]
    fn rejects() {
        check_err("", "empty version");
        check_err("1.0.0.0.0", "more than four numeric parts at byte 7");
        check_err("1..0", "empty numeric part at byte 2");
        check_err("1.", "empty numeric part at byte 2");
        check_err("-1.0", "empty numeric part at byte 0");
        check_err("1.a.0", "unexpected character 'a' at byte 2");
        check_err("v1.0", "unexpected character 'v' at byte 0");
        check_err(" 1.0", "unexpected character ' ' at byte 0");
        check_err("1.0.0-", "empty pre-release label at byte 6");
        check_err("1.0.0+", "empty build metadata identifier at byte 6");
        check_err("1.0.0-beta..1", "empty pre-release label at byte 11");
        check_err("1.0.0-beta+", "empty build metadata identifier at byte 11");
        check_err("1.0.0-beta$", "unexpected character '$' at byte 10");
        check_err(
            "1.0.0-beta.01",
            "leading zero in numeric pre-release label at byte 11",
        );
        check_err("1.0.0+a+b", "unexpected character '+' at byte 7");
        check_err("1.0.0-é", "unexpected character 'é' at byte 6");
        // Metadata may have leading zeros.
        check("1.0.0+01", "=", "1.0.0");
    }

    fn version() -> impl Strategy<Value = String> {
        let label = prop_oneof![
            "[1-9][0-9]{0,2}",
            Just("0".to_owned()),
            "[a-zA-Z][a-zA-Z0-9-]{0,4}",
            Just("2147483648".to_owned()),
        ];
        (
            prop::collection::vec("[0-9]{1,3}|[0-9]{21}", 1..=4),
            prop::collection::vec(label, 0..4),
            prop::option::of("[a-zA-Z0-9]{1,3}"),
        )
            .prop_map(|(nums, labels, meta)| {
                let mut s = nums.join(".");
                if !labels.is_empty() {
                    s.push('-');
                    s.push_str(&labels.join("."));
                }
                if let Some(m) = meta {
                    s.push('+');
                    s.push_str(&m);
                }
                s
            })
    }

    proptest! {
        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<NugetVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in "\\PC*|[0-9a-zA-Z.+\\-]*") {
            let _ = s.parse::<NugetVersion>();
        }
    }
}
