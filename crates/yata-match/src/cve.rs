//! The status of one product version under a CVE JSON 5 `affected` entry:
//! its `versions` (single versions, or ranges from `version` up to
//! `lessThan` / `lessThanOrEqual` with `changes` along them, ordered by
//! `versionType`) and its `defaultStatus`.
//!
//! How several entries combine (the CVE schema leaves it open):
//! * an entry naming the version itself (no range) decides first;
//! * else the ranges that contain the version decide, `affected` winning
//!   over any other status (the conservative reading of overlapping ranges);
//! * else `defaultStatus`, `unknown` when absent.
//!
//! Versions are ordered by the scheme `versionType` names (`semver`, `rpm`,
//! `maven`, `python`, …); `custom`, absent or unknown types, and versions the
//! named scheme rejects, use the documented generic order
//! ([`Scheme::Generic`]). `git` versions compare only for equality.

use std::cmp::Ordering;

use yata_model::{AffectedProduct, ProductVersion, Status};
use yata_version::{Scheme, Version};

/// Why a version has the status it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CveReason {
    /// `versions[i]` names the version.
    Listed { entry: usize },
    /// The version lies in the range of `versions[i]`; `change` is the index
    /// of the last `changes` step at or below it, if any.
    InRange { entry: usize, change: Option<usize> },
    /// No entry covers the version: `defaultStatus` (or `unknown`).
    Default,
}

/// Evaluates `version` against `product`'s version entries.
pub fn status(product: &AffectedProduct, version: &str) -> (Status, CveReason) {
    let version = version.trim();
    for (entry, v) in product.versions.iter().enumerate() {
        if v.less_than.is_none() && v.less_than_or_equal.is_none() && names(v, version) {
            return (v.status, CveReason::Listed { entry });
        }
    }
    let mut found: Option<(Status, CveReason)> = None;
    for (entry, v) in product.versions.iter().enumerate() {
        if v.less_than.is_none() && v.less_than_or_equal.is_none() {
            continue;
        }
        if let Some((status, change)) = in_range(v, version) {
            let reason = CveReason::InRange { entry, change };
            match &found {
                Some((Status::Affected, _)) => {}
                _ if status == Status::Affected || found.is_none() => {
                    found = Some((status, reason));
                }
                _ => {}
            }
        }
    }
    found.unwrap_or((
        product.default_status.unwrap_or(Status::Unknown),
        CveReason::Default,
    ))
}

/// Whether the product has any version information at all: entries, or a
/// default status other than unknown.
pub fn has_version_info(product: &AffectedProduct) -> bool {
    !product.versions.is_empty() || product.default_status.is_some_and(|s| s != Status::Unknown)
}

/// Whether a single-version entry names `version`: equal text, equal under
/// the entry's ordering, a wildcard (`*`, `all`), or one of the free-text
/// ranges older records write into `version` (see [`free_text`]).
fn names(entry: &ProductVersion, version: &str) -> bool {
    let written = entry.version.trim();
    if written == version || is_wildcard(written) {
        return true;
    }
    if is_git(entry) {
        return false;
    }
    if compare(entry, version, written) == Some(Ordering::Equal) {
        return true;
    }
    free_text(written)
        .iter()
        .any(|piece| piece.contains(|a, b| compare(entry, a, b), version))
}

/// A range written in words inside a CVE `version` field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Exact(&'a str),
    /// Inclusive at both ends.
    Between(&'a str, &'a str),
    AtMost(&'a str),
    Below(&'a str),
    AtLeast(&'a str),
}

impl Piece<'_> {
    fn contains(&self, cmp: impl Fn(&str, &str) -> Option<Ordering>, v: &str) -> bool {
        use Ordering::*;
        let is = |bound: &str, ok: &[Ordering]| cmp(v, bound).is_some_and(|o| ok.contains(&o));
        match *self {
            Piece::Exact(a) => is(a, &[Equal]),
            Piece::Between(a, b) => is(a, &[Equal, Greater]) && is(b, &[Less, Equal]),
            Piece::AtMost(a) => is(a, &[Less, Equal]),
            Piece::Below(a) => is(a, &[Less]),
            Piece::AtLeast(a) => is(a, &[Equal, Greater]),
        }
    }
}

/// Reads the free-text version lists that records converted from the old
/// CVE format carry (`FortiOS 6.0.0 to 6.0.4, 5.6.7 and before`, `8.5.0
/// to 8.5.6`, `prior to 2.4.1`): comma-separated pieces, each an exact
/// version, `A to|through|- B`, `A and before|earlier|prior|below`,
/// `before|prior to|< A`, `<= A`, or `A and later|after|above`. Leading words
/// without digits (a product name) are skipped. Returns nothing unless the
/// text holds at least one such range, so plain versions are left to the
/// ordinary comparison.
fn free_text(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut ranged = false;
    for part in text.split([',', ';']).flat_map(split_and) {
        let part = skip_name(part.trim());
        if part.is_empty() {
            continue;
        }
        let lower = part.to_ascii_lowercase();
        let piece = if let Some(a) =
            strip_prefix_words(part, &lower, &["prior to", "before", "earlier than", "<="])
        {
            if lower.starts_with("<=") {
                Piece::AtMost(a)
            } else {
                Piece::Below(a)
            }
        } else if let Some((a, b)) = split_range(part, &lower) {
            Piece::Between(a, b)
        } else if let Some(a) = strip_suffix_words(
            part,
            &lower,
            &[
                "and before",
                "and earlier",
                "and prior",
                "and below",
                "and older",
                "or earlier",
                "or before",
                "or older",
            ],
        ) {
            Piece::AtMost(a)
        } else if let Some(a) = strip_suffix_words(
            part,
            &lower,
            &[
                "and later",
                "and after",
                "and above",
                "and newer",
                "or later",
                "or newer",
            ],
        ) {
            Piece::AtLeast(a)
        } else if let Some(a) = strip_prefix_words(part, &lower, &["<"]) {
            Piece::Below(a)
        } else if let Some(a) = strip_prefix_words(part, &lower, &["up to"]) {
            Piece::AtMost(a)
        } else {
            Piece::Exact(part)
        };
        ranged |= !matches!(piece, Piece::Exact(_));
        pieces.push(piece);
    }
    if ranged { pieces } else { Vec::new() }
}

/// Splits `5.6.3 to 5.6.7 and 5.4.6 to 5.4.12` at ` and `, but keeps `5.6.7
/// and before` whole.
fn split_and(part: &str) -> Vec<&str> {
    const BOUND_WORDS: &[&str] = &[
        "before", "earlier", "prior", "below", "older", "later", "after", "above", "newer",
    ];
    let mut out: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut search = 0;
    while let Some(i) = part[search..].find(" and ") {
        let at = search + i;
        let next = part[at + 5..].trim_start();
        let bound = BOUND_WORDS
            .iter()
            .any(|w| next.to_ascii_lowercase().starts_with(w));
        if !bound {
            out.push(&part[start..at]);
            start = at + 5;
        }
        search = at + 5;
    }
    out.push(&part[start..]);
    out
}

/// Drops leading words that hold no digit (`FortiOS 6.0.0` → `6.0.0`).
fn skip_name(part: &str) -> &str {
    let mut rest = part;
    while let Some((word, tail)) = rest.split_once(' ') {
        let lower = word.to_ascii_lowercase();
        if word.bytes().any(|b| b.is_ascii_digit())
            || ["before", "prior", "earlier", "up", "<", "<="].contains(&lower.as_str())
        {
            break;
        }
        rest = tail.trim_start();
    }
    rest
}

fn split_range<'a>(part: &'a str, lower: &str) -> Option<(&'a str, &'a str)> {
    for sep in [" to ", " through ", " thru ", " - "] {
        if let Some(i) = lower.find(sep) {
            let a = part[..i].trim();
            let b = skip_name(part[i + sep.len()..].trim());
            if !a.is_empty() && !b.is_empty() {
                return Some((a, b));
            }
        }
    }
    None
}

fn strip_suffix_words<'a>(part: &'a str, lower: &str, words: &[&str]) -> Option<&'a str> {
    words.iter().find_map(|w| {
        lower
            .strip_suffix(w)
            .map(|head| part[..head.len()].trim())
            .filter(|a| !a.is_empty())
    })
}

fn strip_prefix_words<'a>(part: &'a str, lower: &str, words: &[&str]) -> Option<&'a str> {
    words.iter().find_map(|w| {
        lower
            .strip_prefix(w)
            .map(|_| part[w.len()..].trim())
            .filter(|a| !a.is_empty())
    })
}

/// The status at `version` along a range entry, with the deciding change.
fn in_range(entry: &ProductVersion, version: &str) -> Option<(Status, Option<usize>)> {
    if is_git(entry) {
        return None;
    }
    let start = entry.version.trim();
    if !is_beginning(start) && compare(entry, version, start)? == Ordering::Less {
        return None;
    }
    let inside = match (&entry.less_than, &entry.less_than_or_equal) {
        (Some(end), _) if is_wildcard(end.trim()) => true,
        (Some(end), _) => compare(entry, version, end.trim())? == Ordering::Less,
        (None, Some(end)) if is_wildcard(end.trim()) => true,
        (None, Some(end)) => compare(entry, version, end.trim())? != Ordering::Greater,
        (None, None) => return None,
    };
    if !inside {
        return None;
    }
    // `changes` are steps along the range: the last one at or below the
    // version decides. They are sorted here, not trusted to be.
    let mut steps: Vec<(usize, &str)> = entry
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.at.trim()))
        .collect();
    steps.sort_by(|a, b| compare_two(entry, a.1, b.1).unwrap_or(Ordering::Equal));
    let mut status = entry.status;
    let mut change = None;
    for (i, at) in steps {
        if compare(entry, version, at).is_some_and(|o| o != Ordering::Less) {
            status = entry.changes[i].status;
            change = Some(i);
        }
    }
    Some((status, change))
}

fn is_git(entry: &ProductVersion) -> bool {
    entry
        .version_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("git"))
}

fn is_wildcard(v: &str) -> bool {
    v == "*" || v.eq_ignore_ascii_case("all")
}

/// Range starts that mean "from the first version".
fn is_beginning(v: &str) -> bool {
    matches!(v, "0" | "*" | "")
        || ["unspecified", "n/a", "all"]
            .iter()
            .any(|w| v.eq_ignore_ascii_case(w))
}

/// The ordering a `versionType` names.
fn scheme(entry: &ProductVersion) -> Scheme {
    let Some(ty) = entry.version_type.as_deref() else {
        return Scheme::Generic;
    };
    match ty.trim().to_ascii_lowercase().as_str() {
        "semver" => Scheme::SemVer,
        "rpm" => Scheme::Rpm,
        "maven" => Scheme::Maven,
        "python" | "pypi" | "pep440" => Scheme::PyPI,
        "npm" => Scheme::Npm,
        "deb" | "debian" | "dpkg" => Scheme::Debian,
        "go" | "golang" => Scheme::Go,
        "nuget" => Scheme::NuGet,
        "gem" | "rubygems" => Scheme::RubyGems,
        "cargo" => Scheme::Cargo,
        "composer" | "packagist" => Scheme::Packagist,
        "apk" | "alpine" => Scheme::Alpine,
        _ => Scheme::Generic,
    }
}

/// `installed` compared with a version the entry writes.
fn compare(entry: &ProductVersion, installed: &str, written: &str) -> Option<Ordering> {
    compare_two(entry, installed, written)
}

fn compare_two(entry: &ProductVersion, a: &str, b: &str) -> Option<Ordering> {
    let ordered =
        |s: Scheme| -> Option<(Version, Version)> { Some((s.parse(a).ok()?, s.parse(b).ok()?)) };
    let (x, y) = ordered(scheme(entry)).or_else(|| ordered(Scheme::Generic))?;
    x.try_cmp(&y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yata_model::StatusChange;

    fn range(start: &str, lt: &str, changes: &[&str]) -> ProductVersion {
        ProductVersion {
            version: start.into(),
            status: Status::Affected,
            version_type: Some("custom".into()),
            less_than: Some(lt.into()),
            less_than_or_equal: None,
            changes: changes
                .iter()
                .map(|at| StatusChange {
                    at: (*at).into(),
                    status: Status::Unaffected,
                })
                .collect(),
        }
    }

    fn single(v: &str, status: Status) -> ProductVersion {
        ProductVersion {
            version: v.into(),
            status,
            version_type: None,
            less_than: None,
            less_than_or_equal: None,
            changes: Vec::new(),
        }
    }

    /// CVE-2024-3400 as Palo Alto Networks wrote it.
    fn pan_os() -> AffectedProduct {
        let mut p = AffectedProduct::named("Palo Alto Networks", "PAN-OS");
        p.versions = vec![
            single("9.0.0", Status::Unaffected),
            single("10.1.0", Status::Unaffected),
            range("10.2.0", "10.2.9-h1", &["10.2.9-h1"]),
            range("11.0.0", "11.0.4-h1", &["11.0.4-h1"]),
            range("11.1.0", "11.1.2-h3", &["11.1.2-h3"]),
        ];
        p.default_status = Some(Status::Unaffected);
        p
    }

    fn check(product: &AffectedProduct, version: &str, expect: Status) {
        assert_eq!(status(product, version).0, expect, "{version}");
    }

    #[test]
    fn pan_os_ranges() {
        let p = pan_os();
        check(&p, "10.2.4", Status::Affected);
        check(&p, "10.2.9", Status::Affected);
        check(&p, "10.2.9-h1", Status::Unaffected);
        check(&p, "10.2.10", Status::Unaffected);
        check(&p, "11.1.2-h2", Status::Affected);
        check(&p, "9.0.0", Status::Unaffected);
        check(&p, "8.1.0", Status::Unaffected);
        assert_eq!(
            status(&p, "11.0.1").1,
            CveReason::InRange {
                entry: 3,
                change: None
            }
        );
    }

    #[test]
    fn changes_step_along_a_range() {
        let mut p = AffectedProduct::named("acme", "widget");
        let mut r = range("1.0", "*", &["1.5", "1.2"]);
        r.changes[0].status = Status::Affected; // back again at 1.5
        p.versions = vec![r];
        check(&p, "1.1", Status::Affected);
        check(&p, "1.3", Status::Unaffected);
        check(&p, "1.7", Status::Affected);
    }

    #[test]
    fn less_than_or_equal_includes_its_end_and_default_is_unknown() {
        let mut p = AffectedProduct::named("acme", "widget");
        p.versions = vec![ProductVersion {
            less_than: None,
            less_than_or_equal: Some("2.4.1".into()),
            ..range("0", "x", &[])
        }];
        check(&p, "2.4.1", Status::Affected);
        check(&p, "2.4.2", Status::Unknown);
    }

    #[test]
    fn free_text_ranges_of_old_records() {
        let mut p = AffectedProduct::named("Fortinet", "FortiOS");
        p.versions = vec![single(
            "FortiOS 6.0.0 to 6.0.4, 5.6.3 to 5.6.7 and 5.4.6 to 5.4.12, FortiProxy 2.0.0, 1.2.0 to 1.2.8",
            Status::Affected,
        )];
        check(&p, "6.0.3", Status::Affected);
        check(&p, "6.0.5", Status::Unknown);
        check(&p, "1.2.8", Status::Affected);
        check(&p, "2.0.0", Status::Affected);
        p.versions = vec![single("FortiOS 6.0.2, 5.6.7 and before", Status::Affected)];
        check(&p, "5.2.1", Status::Affected);
        check(&p, "6.0.2", Status::Affected);
        check(&p, "6.0.1", Status::Unknown);
        p.versions = vec![single("prior to 2.4.1", Status::Affected)];
        check(&p, "2.4.0", Status::Affected);
        check(&p, "2.4.1", Status::Unknown);
        // A plain version is not a free-text range.
        p.versions = vec![single("10 for x64-based Systems", Status::Affected)];
        check(&p, "10", Status::Unknown);
    }

    #[test]
    fn a_listed_version_decides_before_ranges() {
        let mut p = AffectedProduct::named("acme", "widget");
        p.versions = vec![range("1.0", "2.0", &[]), single("1.5", Status::Unaffected)];
        check(&p, "1.5", Status::Unaffected);
        check(&p, "1.6", Status::Affected);
    }
}
