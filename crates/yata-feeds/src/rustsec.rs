//! RustSec advisory-db in its native format: a Markdown file that opens with
//! a ```` ```toml ```` fenced front matter (`[advisory]`, `[affected]`,
//! `[versions]`), then a `# Title` heading and the description.
//!
//! The record says what RustSec's own OSV export (the `rustsec` crate's
//! `osv-export`, which osv.dev imports) would say, so that the native record
//! and osv.dev's `RUSTSEC-…` record agree:
//!
//! * one package: ecosystem `crates.io`, purl `pkg:cargo/<name>`, one `SEMVER`
//!   range computed from `[versions]` (see the notes on `semver_events`);
//! * `published` and `withdrawn` are the dates at 12:00 UTC, as the export
//!   writes them; `modified` (the export takes it from git) stays empty;
//! * references: `https://crates.io/crates/<name>` (`package`),
//!   `https://rustsec.org/advisories/<id>.html`, then `url`, then
//!   `references`, each with the export's guessed type;
//! * the package's free-form data is the export's
//!   `{"ecosystem_specific":{"affects":{"arch","os","functions"}},
//!   "database_specific":{"categories","cvss","informational"}}`, so
//!   informational advisories (`unmaintained`, `unsound`, `notice`) are kept
//!   and say which kind they are;
//! * `cvss` becomes a CVSS v3 or v4 severity by its prefix.
//!
//! Problems are located by TOML key path (`advisory.aliases[1]`,
//! `versions.patched[0]`) and the message gives the line in the file.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;
use yata_model::{
    AffectedPackage, RangeEvent, Record, Reference, Severity, SeverityKind, SourceKind,
    VersionRange, VulnId,
};

use crate::Parsed;

/// Parses one RustSec advisory (`RUSTSEC-YYYY-NNNN.md`).
pub fn parse(name: &str, bytes: &[u8], out: &mut Parsed) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            out.problem(
                name,
                "",
                format_args!("invalid UTF-8 at byte {}", e.valid_up_to()),
            );
            return;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(parts) = Parts::split(text) else {
        out.problem(
            name,
            "",
            "not a RustSec advisory: expected a ```toml front matter closed by ```",
        );
        return;
    };
    let advisory = match parts.front_matter() {
        Ok(advisory) => advisory,
        Err((path, message)) => {
            out.problem(name, path, message);
            return;
        }
    };
    convert(name, advisory, &parts, out);
}

/// The pieces of an advisory file.
struct Parts<'a> {
    /// The TOML, with the `[advisory]` header the V4 format may omit.
    toml: String,
    /// Line in the file of the TOML's first line, minus one for an added
    /// `[advisory]` header.
    first_line: usize,
    title: Option<&'a str>,
    description: &'a str,
}

impl<'a> Parts<'a> {
    fn split(text: &'a str) -> Option<Parts<'a>> {
        let rest = text.strip_prefix("```toml")?;
        let end = rest.find("\n```")?;
        let toml = &rest[..end];
        let leading = toml.len() - toml.trim_start().len();
        let toml = toml.trim();
        // The first TOML line is line 1 + the newlines before it.
        let mut first_line = 1 + text[..7 + leading].matches('\n').count();
        let toml = if toml.starts_with("[advisory]") {
            toml.to_owned()
        } else {
            first_line -= 1;
            format!("[advisory]\n{toml}")
        };
        let markdown = rest[end + 4..].trim_start();
        let (title, description) = match markdown.strip_prefix("# ") {
            Some(md) => match md.split_once('\n') {
                Some((title, body)) => (Some(title.trim_end()), body.trim()),
                None => (Some(md.trim_end()), ""),
            },
            None => (None, markdown.trim_end()),
        };
        Some(Parts {
            toml,
            first_line,
            title,
            description,
        })
    }

    fn front_matter(&self) -> Result<Advisory, (String, String)> {
        let line_of = |e: &toml::de::Error| {
            e.span().map(|s| {
                // Bytes, not chars: a span need not fall on a char boundary.
                let before = &self.toml.as_bytes()[..s.start.min(self.toml.len())];
                let line = self.first_line + before.iter().filter(|&&b| b == b'\n').count();
                format!(" (line {line})")
            })
        };
        let de = toml::Deserializer::parse(&self.toml).map_err(|e| {
            let line = line_of(&e).unwrap_or_default();
            (String::new(), format!("TOML: {}{line}", e.message()))
        })?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = toml_path(e.path());
            let inner = e.into_inner();
            let line = line_of(&inner).unwrap_or_default();
            (path, format!("{}{line}", inner.message()))
        })
    }
}

/// A `serde_path_to_error` path as TOML keys: `advisory.aliases[1]`.
fn toml_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                let bare = !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if bare {
                    out.push_str(key);
                } else {
                    out.push_str(&format!("{key:?}"));
                }
            }
            Segment::Enum { variant } => {
                out.push('.');
                out.push_str(variant);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

#[derive(Deserialize)]
struct Advisory {
    advisory: Metadata,
    #[serde(default)]
    affected: Option<Affected>,
    #[serde(default)]
    versions: Versions,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    id: Option<String>,
    package: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    cvss: Option<String>,
    #[serde(default)]
    informational: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    references: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Affected {
    #[serde(default)]
    arch: Vec<String>,
    #[serde(default)]
    os: Vec<String>,
    /// Function paths to the version requirements they are affected in.
    #[serde(default)]
    functions: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
struct Versions {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

fn convert(name: &str, doc: Advisory, parts: &Parts<'_>, out: &mut Parsed) {
    let meta = doc.advisory;
    let Some(id) = meta.id else {
        out.problem(name, "advisory.id", "missing field `id`");
        return;
    };
    let id = match id.parse::<VulnId>() {
        Ok(id) => id,
        Err(e) => {
            out.problem(name, "advisory.id", e);
            return;
        }
    };
    // The advisory-db's `EXAMPLE_ADVISORY.md` (copied into every checkout's
    // root) uses the placeholder id: a template, not an advisory.
    if id.as_str() == "RUSTSEC-0000-0000" {
        out.skip(
            name,
            "the advisory-db's template (id RUSTSEC-0000-0000), not an advisory",
        );
        return;
    }
    let events = match semver_events(&doc.versions.unaffected, &doc.versions.patched) {
        Ok(events) => events,
        Err((path, message)) => {
            out.problem(name, path, message);
            return;
        }
    };

    let mut record = Record::new(SourceKind::Rustsec, id);
    let mut date = |field: &str, value: Option<String>| {
        let value = value?;
        noon_utc(&value)
            .map_err(|e| out.problem(name, format!("advisory.{field}"), format!("{e}; dropped")))
            .ok()
    };
    record.published = date("date", meta.date);
    record.withdrawn = date("withdrawn", meta.withdrawn);
    for (field, list, into) in [
        ("aliases", &meta.aliases, &mut record.aliases),
        ("related", &meta.related, &mut record.related),
    ] {
        for (i, s) in list.iter().enumerate() {
            match s.parse::<VulnId>() {
                Ok(id) => {
                    into.insert(id);
                }
                Err(e) => out.problem(
                    name,
                    format!("advisory.{field}[{i}]"),
                    format!("{e}; dropped"),
                ),
            }
        }
    }
    match parts.title {
        Some(title) if !title.is_empty() => record.summary = Some(title.to_owned()),
        _ => out.problem(
            name,
            "",
            "no `# title` heading after the front matter; summary left empty",
        ),
    }
    record.details = Some(parts.description.to_owned()).filter(|d| !d.is_empty());
    if let Some(cvss) = &meta.cvss {
        let kind = if cvss.starts_with("CVSS:4.") {
            Some(SeverityKind::CvssV4)
        } else if cvss.starts_with("CVSS:3.") {
            Some(SeverityKind::CvssV3)
        } else {
            None
        };
        match kind {
            Some(kind) => record.severities.push(Severity {
                kind,
                score: cvss.clone(),
                base_score: None,
                by: None,
            }),
            None => out.problem(name, "advisory.cvss", "not a CVSS v3 or v4 vector; dropped"),
        }
    }

    let package = meta.package;
    let mut urls = vec![
        format!("https://crates.io/crates/{package}"),
        format!("https://rustsec.org/advisories/{}.html", record.id),
    ];
    urls.extend(meta.url);
    urls.extend(meta.references);
    record.references = urls
        .into_iter()
        .map(|url| Reference {
            kind: Some(guess_reference_kind(&url).to_owned()),
            url,
        })
        .collect();

    let affected = doc.affected.unwrap_or_default();
    let specific = json!({
        "ecosystem_specific": {
            "affects": {
                "arch": affected.arch,
                "os": affected.os,
                "functions": affected.functions.into_keys().collect::<Vec<_>>(),
            }
        },
        "database_specific": {
            "categories": meta.categories,
            "cvss": meta.cvss,
            "informational": meta.informational,
        }
    });
    record.packages.push(AffectedPackage {
        ecosystem: "crates.io".to_owned(),
        purl: Some(format!("pkg:cargo/{package}")),
        name: package,
        ranges: vec![VersionRange {
            kind: "SEMVER".to_owned(),
            repo: None,
            events,
        }],
        versions: Vec::new(),
        severities: Vec::new(),
        ecosystem_specific: Some(specific.to_string()),
    });
    out.records.push(record);
}

/// A RustSec date (`2021-04-29`) at 12:00 UTC, as RustSec's OSV export
/// writes it.
fn noon_utc(s: &str) -> Result<jiff::Timestamp, String> {
    let date: jiff::civil::Date = s
        .trim()
        .parse()
        .map_err(|e| format!("invalid date {s:?}: {e}"))?;
    jiff::tz::Offset::UTC
        .to_timestamp(date.at(12, 0, 0, 0))
        .map_err(|e| format!("invalid date {s:?}: {e}"))
}

/// The OSV reference type RustSec's export guesses from a URL, lower case.
fn guess_reference_kind(url: &str) -> &'static str {
    if (url.contains("://github.com/") || url.contains("://gitlab.")) && url.contains("/issues/") {
        "report"
    } else if url.contains("/advisories/") || url.contains("://cve.mitre.org/") {
        "advisory"
    } else if url.contains("://crates.io/crates/") {
        "package"
    } else {
        "web"
    }
}

// ---------------------------------------------------------------------------
// `[versions]` to OSV events, as the `rustsec` crate's OSV export computes them
// (`osv/ranges_for_advisory.rs`, `osv/unaffected_range.rs`): every
// requirement of `unaffected` and `patched` is an interval of versions that
// are *not* affected; the affected versions are the gaps between them, each
// written `introduced` (inclusive) / `fixed` (exclusive). An exclusive bound
// `v` becomes the lowest version above `v` ("1.2.3" → "1.2.4-0",
// "1.2.3-alpha" → "1.2.3-alpha.0"); a range with no lower bound starts at
// "0.0.0-0". No requirements at all means every version is affected.
//
// Where the export would panic or fail, this returns a located problem
// instead: unsupported operators (`*` wildcards in a comparator, more than
// two comparators, two lower or upper bounds, `^`/`~`/`=` not alone) and
// overlapping requirements. One approximation: two requirements that start
// at the same version without overlapping (`=1.0.0` and `>1.0.0`) trip an
// assertion in the export; here the inclusive start sorts first.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    Unbounded,
    Exclusive(semver::Version),
    Inclusive(semver::Version),
}

impl Bound {
    fn version(&self) -> Option<&semver::Version> {
        match self {
            Bound::Unbounded => None,
            Bound::Exclusive(v) | Bound::Inclusive(v) => Some(v),
        }
    }
}

/// Whether `start` (a lower bound) is at or below `end` (an upper bound).
fn start_le_end(start: &Bound, end: &Bound) -> bool {
    match (start.version(), end.version()) {
        (None, _) | (_, None) => true,
        (Some(s), Some(e)) if s < e => true,
        _ => matches!((start, end), (Bound::Inclusive(s), Bound::Inclusive(e)) if s == e),
    }
}

/// An interval of unaffected versions.
#[derive(Debug, Clone)]
struct Unaffected {
    start: Bound,
    end: Bound,
}

impl Unaffected {
    fn overlaps(&self, other: &Unaffected) -> bool {
        start_le_end(&self.start, &other.end) && start_le_end(&other.start, &self.end)
    }

    fn from_req(req: &semver::VersionReq) -> Result<Unaffected, String> {
        use semver::Op;
        let comparators = &req.comparators;
        if comparators.len() > 2 {
            return Err("more than two comparators in one requirement".into());
        }
        let alone = |what: &str| {
            if comparators.len() == 1 {
                Ok(())
            } else {
                Err(format!("a `{what}` requirement must be alone in its range"))
            }
        };
        let mut start = Bound::Unbounded;
        let mut end = Bound::Unbounded;
        for c in comparators {
            // Bounds are moved one step up below; keep that from overflowing.
            if [Some(c.major), c.minor, c.patch].contains(&Some(u64::MAX)) {
                return Err(format!("version number too large in `{c}`"));
            }
            let version = semver::Version {
                major: c.major,
                minor: c.minor.unwrap_or(0),
                patch: c.patch.unwrap_or(0),
                pre: c.pre.clone(),
                build: semver::BuildMetadata::EMPTY,
            };
            let (lower, upper) = match c.op {
                Op::Greater => (Some(Bound::Exclusive(version)), None),
                Op::GreaterEq => (Some(Bound::Inclusive(version)), None),
                Op::Less => (None, Some(Bound::Exclusive(version))),
                Op::LessEq => (None, Some(Bound::Inclusive(version))),
                Op::Exact => {
                    alone("=")?;
                    (
                        Some(Bound::Inclusive(version.clone())),
                        Some(Bound::Inclusive(version)),
                    )
                }
                Op::Caret => {
                    alone("^")?;
                    let mut upper = if c.major == 0 {
                        match (c.minor, c.patch) {
                            (Some(0), Some(patch)) => semver::Version::new(0, 0, patch + 1),
                            (Some(minor), _) => semver::Version::new(0, minor + 1, 0),
                            (None, _) => semver::Version::new(1, 0, 0),
                        }
                    } else {
                        semver::Version::new(c.major + 1, 0, 0)
                    };
                    upper.pre = lowest_pre();
                    (
                        Some(Bound::Inclusive(version)),
                        Some(Bound::Exclusive(upper)),
                    )
                }
                Op::Tilde => {
                    alone("~")?;
                    let mut upper = match c.minor {
                        None => semver::Version::new(c.major + 1, 0, 0),
                        Some(minor) => semver::Version::new(c.major, minor + 1, 0),
                    };
                    upper.pre = lowest_pre();
                    (
                        Some(Bound::Inclusive(version)),
                        Some(Bound::Exclusive(upper)),
                    )
                }
                _ => return Err(format!("unsupported operator in `{c}`")),
            };
            if let Some(lower) = lower {
                if start != Bound::Unbounded {
                    return Err("more than one lower bound in one requirement".into());
                }
                start = lower;
            }
            if let Some(upper) = upper {
                if end != Bound::Unbounded {
                    return Err("more than one upper bound in one requirement".into());
                }
                end = upper;
            }
        }
        if !start_le_end(&start, &end) {
            return Err("empty range: the lower bound is above the upper bound".into());
        }
        Ok(Unaffected { start, end })
    }
}

fn lowest_pre() -> semver::Prerelease {
    semver::Prerelease::new("0").unwrap_or(semver::Prerelease::EMPTY)
}

/// The lowest version above `v` under SemVer 2.0 precedence.
fn successor(v: &semver::Version) -> semver::Version {
    let mut v = v.clone();
    v.build = semver::BuildMetadata::EMPTY;
    if v.pre.is_empty() {
        v.patch += 1; // below u64::MAX: checked in `Unaffected::from_req`
        v.pre = lowest_pre();
    } else {
        let longer = format!("{}.0", v.pre);
        v.pre = semver::Prerelease::new(&longer).unwrap_or_else(|_| v.pre.clone());
    }
    v
}

/// The OSV `SEMVER` events of the versions that `unaffected` and `patched`
/// leave affected; errors are located at `versions.<field>[i]`.
fn semver_events(
    unaffected: &[String],
    patched: &[String],
) -> Result<Vec<RangeEvent>, (String, String)> {
    let mut ranges: Vec<(String, Unaffected)> = Vec::new();
    let all = unaffected
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("versions.unaffected[{i}]"), r))
        .chain(
            patched
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("versions.patched[{i}]"), r)),
        );
    for (path, text) in all {
        let range = semver::VersionReq::parse(text)
            .map_err(|e| e.to_string())
            .and_then(|req| Unaffected::from_req(&req))
            .map_err(|e| (path.clone(), format!("{text:?}: {e}")))?;
        ranges.push((path, range));
    }
    let introduced = |v: Option<semver::Version>| {
        RangeEvent::Introduced(v.map_or_else(|| "0.0.0-0".to_owned(), |v| v.to_string()))
    };
    if ranges.is_empty() {
        return Ok(vec![introduced(None)]);
    }
    for (i, (path_a, a)) in ranges.iter().enumerate() {
        for (path_b, b) in &ranges[i + 1..] {
            if a.overlaps(b) {
                return Err((
                    path_b.clone(),
                    format!("overlaps {path_a}: unaffected ranges must be disjoint"),
                ));
            }
        }
    }
    let mut ranges: Vec<Unaffected> = ranges.into_iter().map(|(_, r)| r).collect();
    ranges.sort_by(|a, b| match (&a.start, &b.start) {
        (Bound::Unbounded, _) => std::cmp::Ordering::Less,
        (_, Bound::Unbounded) => std::cmp::Ordering::Greater,
        (x, y) => x.version().cmp(&y.version()).then_with(|| {
            // Same version: the inclusive start comes first (see above).
            matches!(x, Bound::Exclusive(_)).cmp(&matches!(y, Bound::Exclusive(_)))
        }),
    });

    let mut events = Vec::new();
    let mut push = |from: Option<semver::Version>, to: Option<semver::Version>| {
        events.push(introduced(from));
        if let Some(to) = to {
            events.push(RangeEvent::Fixed(to.to_string()));
        }
    };
    match &ranges[0].start {
        Bound::Unbounded => {}
        Bound::Exclusive(v) => push(None, Some(successor(v))),
        Bound::Inclusive(v) => push(None, Some(v.clone())),
    }
    for pair in ranges.windows(2) {
        let from = match &pair[0].end {
            Bound::Exclusive(v) => v.clone(),
            Bound::Inclusive(v) => successor(v),
            // Disjoint and sorted: only the last range can be unbounded above.
            Bound::Unbounded => continue,
        };
        let to = match &pair[1].start {
            Bound::Exclusive(v) => successor(v),
            Bound::Inclusive(v) => v.clone(),
            Bound::Unbounded => continue,
        };
        push(Some(from), Some(to));
    }
    match &ranges[ranges.len() - 1].end {
        Bound::Unbounded => {}
        Bound::Exclusive(v) => push(Some(v.clone()), None),
        Bound::Inclusive(v) => push(Some(successor(v)), None),
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(unaffected: &[&str], patched: &[&str]) -> Vec<String> {
        let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        semver_events(&own(unaffected), &own(patched))
            .unwrap()
            .into_iter()
            .map(|e| match e {
                RangeEvent::Introduced(v) => format!("i {v}"),
                RangeEvent::Fixed(v) => format!("f {v}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn ranges_like_the_rustsec_export() {
        assert_eq!(events(&[], &[]), ["i 0.0.0-0"]);
        assert_eq!(events(&[], &[">= 1.2.3"]), ["i 0.0.0-0", "f 1.2.3"]);
        assert_eq!(events(&["< 0.2.0"], &[">= 0.3.1"]), ["i 0.2.0", "f 0.3.1"]);
        // Caret: 0.5.1 up to (not incl.) 0.6.0-0 is patched, so is >= 0.6.2.
        assert_eq!(
            events(&[], &["^0.5.1", ">= 0.6.2"]),
            ["i 0.0.0-0", "f 0.5.1", "i 0.6.0-0", "f 0.6.2"]
        );
        // Exclusive bounds move to the lowest version above them.
        assert_eq!(events(&["<= 1.0.0"], &[]), ["i 1.0.1-0"]);
        assert_eq!(
            events(&[], &["> 1.0.0-alpha"]),
            ["i 0.0.0-0", "f 1.0.0-alpha.0"]
        );
        assert_eq!(
            events(&["~1.2"], &[]),
            ["i 0.0.0-0", "f 1.2.0", "i 1.3.0-0"]
        );
        assert_eq!(
            events(&[], &[">= 1.2.3, < 1.3.0", ">= 1.3.5"]),
            ["i 0.0.0-0", "f 1.2.3", "i 1.3.0", "f 1.3.5"]
        );
    }

    #[test]
    fn rejected_requirements() {
        let err = |u: &[&str], p: &[&str]| {
            let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            semver_events(&own(u), &own(p)).unwrap_err()
        };
        assert_eq!(err(&[], &[">= 1.0", ">= 2.0"]).0, "versions.patched[1]");
        assert_eq!(err(&["^1.0, < 1.5"], &[]).0, "versions.unaffected[0]");
        assert_eq!(err(&[], &["not a req"]).0, "versions.patched[0]");
        assert_eq!(err(&[], &["> 2.0, < 1.0"]).0, "versions.patched[0]");
        for huge in [
            "^18446744073709551615",
            "~1.18446744073709551615",
            "<= 1.2.18446744073709551615",
        ] {
            assert!(err(&[huge], &[]).1.contains("too large"), "{huge}");
        }
    }
}
