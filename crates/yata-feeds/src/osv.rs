//! OSV (<https://ossf.github.io/osv-schema/>), any 1.x schema version, as JSON
//! or YAML: one document, one [`Record`] of [`SourceKind::Osv`]. GHSA, PyPA,
//! Go, RustSec-in-OSV and osv.dev's own records are all just OSV.
//!
//! What goes where:
//!
//! * `id`, `aliases`, `related` and `upstream` (into [`Record::related`]) are
//!   [`VulnId`]s; `published`, `modified`, `withdrawn` are read leniently as
//!   UTC (see `crate::timestamp`).
//! * `severity[]` (top level and per package): `CVSS_V2`/`CVSS_V3`/`CVSS_V4`
//!   become the matching [`SeverityKind`], anything else
//!   [`SeverityKind::Other`] with the type as written.
//! * `database_specific.cwe_ids` (GHSA, osv.dev's NVD records) become
//!   [`Record::cwes`]; the rest of the top-level `database_specific` has no
//!   place in the model and is ignored.
//! * `references[].type` is lower-cased.
//! * `affected[]` becomes [`AffectedPackage`]s: the ecosystem as written
//!   (`PyPI`, `Debian:12`), ranges with their events in written order,
//!   `versions`, per-package severities. The model has one text field for
//!   the package's free-form data, so it holds a compact JSON object
//!   `{"ecosystem_specific": …, "database_specific": …}` with whichever of
//!   the two the entry has (`None` when it has neither). An entry without a
//!   `package` (allowed for `GIT`-only entries) gets an empty ecosystem and
//!   name.
//!
//! Unknown fields are ignored. A document that is not an OSV object, has no
//! `id`, or has a field of the wrong type gives one located problem (JSON
//! Pointer path) and no record. A field whose *value* is unusable (an invalid
//! alias, an unreadable timestamp) is dropped with a located problem and the
//! record is kept: an advisory is never lost for one odd field. A range event
//! that names no kind, or several, makes the record unusable (its ranges
//! would say something else without it).
//!
//! Depth: serde_json stops at 128 nested levels; YAML is bounded by
//! [`MAX_YAML_DEPTH`] and serde-saphyr's default budget (events, nodes,
//! aliases, scalar bytes).

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::Deserialize;
use yata_model::{
    AffectedPackage, RangeEvent, Record, Reference, Severity, SeverityKind, SourceKind,
    VersionRange, VulnId,
};

use crate::Parsed;

/// Deepest nesting of YAML collections accepted in one document (OSV needs
/// six; free-form `ecosystem_specific` blocks a few more).
pub const MAX_YAML_DEPTH: usize = 64;

/// Parses one OSV JSON document.
pub fn parse_json(name: &str, bytes: &[u8], out: &mut Parsed) {
    match crate::from_json::<Object<Osv<'_>>>(bytes) {
        Ok(Object(doc)) => convert(name, doc, out),
        Err((path, message)) => out.problem(name, path, message),
    }
}

/// Parses one OSV YAML document.
pub fn parse_yaml(name: &str, bytes: &[u8], out: &mut Parsed) {
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
    match from_yaml::<Object<Osv<'_>>>(text) {
        Ok(Object(doc)) => convert(name, doc, out),
        Err((path, message)) => out.problem(name, path, message),
    }
}

/// Deserialises YAML with explicit limits, locating errors by JSON Pointer
/// path and by line and column.
fn from_yaml<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, (String, String)> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_YAML_DEPTH;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    let mut path = None;
    serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize(de).map_err(|e| {
            path = Some(crate::json_pointer(e.path()));
            e.into_inner()
        })
    })
    .map_err(|e| {
        let mut message = e.to_string();
        if let Some(at) = e.location()
            && !message.contains("line")
        {
            message = format!("{message} at line {} column {}", at.line(), at.column());
        }
        (path.unwrap_or_default(), message)
    })
}

/// A `T` that must be written as an object: serde's derived structs also
/// accept a sequence of their fields in order, which no OSV document is.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an OSV object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Visitor(std::marker::PhantomData))
            .map(Object)
    }
}

// The document, as far as we read it. `Str` borrows from the input when it
// can (no escapes), so ids, dates and type names cost no allocation.

#[derive(Deserialize)]
#[serde(transparent)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

#[derive(Deserialize)]
struct Osv<'a> {
    #[serde(borrow, default)]
    id: Option<Str<'a>>,
    #[serde(borrow, default)]
    modified: Option<Str<'a>>,
    #[serde(borrow, default)]
    published: Option<Str<'a>>,
    #[serde(borrow, default)]
    withdrawn: Option<Str<'a>>,
    #[serde(borrow, default)]
    aliases: Option<Vec<Str<'a>>>,
    #[serde(borrow, default)]
    related: Option<Vec<Str<'a>>>,
    #[serde(borrow, default)]
    upstream: Option<Vec<Str<'a>>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(borrow, default)]
    severity: Option<Vec<OsvSeverity<'a>>>,
    #[serde(borrow, default)]
    affected: Option<Vec<OsvAffected<'a>>>,
    #[serde(borrow, default)]
    references: Option<Vec<OsvReference<'a>>>,
    #[serde(borrow, default)]
    database_specific: Option<DatabaseSpecific<'a>>,
}

#[derive(Deserialize)]
struct OsvSeverity<'a> {
    #[serde(borrow, rename = "type")]
    kind: Str<'a>,
    score: String,
}

#[derive(Deserialize)]
struct OsvReference<'a> {
    #[serde(borrow, default, rename = "type")]
    kind: Option<Str<'a>>,
    url: String,
}

#[derive(Deserialize)]
struct DatabaseSpecific<'a> {
    #[serde(borrow, default)]
    cwe_ids: Option<Vec<Str<'a>>>,
}

#[derive(Deserialize)]
struct OsvAffected<'a> {
    #[serde(default)]
    package: Option<OsvPackage>,
    #[serde(borrow, default)]
    severity: Option<Vec<OsvSeverity<'a>>>,
    #[serde(borrow, default)]
    ranges: Option<Vec<OsvRange<'a>>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    ecosystem_specific: Option<serde_json::Value>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct OsvPackage {
    ecosystem: String,
    name: String,
    #[serde(default)]
    purl: Option<String>,
}

#[derive(Deserialize)]
struct OsvRange<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    repo: Option<String>,
    #[serde(borrow, default)]
    events: Option<Vec<OsvEvent<'a>>>,
}

#[derive(Deserialize)]
struct OsvEvent<'a> {
    #[serde(borrow, default)]
    introduced: Option<Str<'a>>,
    #[serde(borrow, default)]
    fixed: Option<Str<'a>>,
    #[serde(borrow, default)]
    last_affected: Option<Str<'a>>,
    #[serde(borrow, default)]
    limit: Option<Str<'a>>,
}

/// Turns a read document into a record, or into one problem.
fn convert(name: &str, doc: Osv<'_>, out: &mut Parsed) {
    let Some(id) = doc.id else {
        out.problem(name, "/id", "missing field `id`");
        return;
    };
    let id = match id.0.parse::<VulnId>() {
        Ok(id) => id,
        Err(e) => {
            out.problem(name, "/id", e);
            return;
        }
    };
    let packages = match doc.affected {
        Some(affected) => match affected.into_iter().enumerate().map(package).collect() {
            Ok(packages) => packages,
            Err((path, message)) => {
                out.problem(name, path, message);
                return;
            }
        },
        None => Vec::new(),
    };

    let mut record = Record::new(SourceKind::Osv, id);
    record.packages = packages;
    let mut time = |field: &str, value: Option<Str<'_>>| {
        let value = value?;
        crate::timestamp(&value.0)
            .map_err(|e| out.problem(name, format!("/{field}"), format!("{e}; dropped")))
            .ok()
    };
    record.modified = time("modified", doc.modified);
    record.published = time("published", doc.published);
    record.withdrawn = time("withdrawn", doc.withdrawn);
    ids(name, "aliases", doc.aliases, &mut record.aliases, out);
    ids(name, "related", doc.related, &mut record.related, out);
    ids(name, "upstream", doc.upstream, &mut record.related, out);
    record.summary = doc.summary.filter(|s| !s.is_empty());
    record.details = doc.details.filter(|s| !s.is_empty());
    record.severities = doc
        .severity
        .unwrap_or_default()
        .into_iter()
        .map(severity)
        .collect();
    record.cwes = doc
        .database_specific
        .and_then(|d| d.cwe_ids)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| cwe(&c.0))
        .collect();
    record.references = doc
        .references
        .unwrap_or_default()
        .into_iter()
        .map(|r| Reference {
            kind: r.kind.map(|k| k.0.to_ascii_lowercase()),
            url: r.url,
        })
        .collect();
    out.records.push(record);
}

/// Adds the valid ids of `list` to `into`; each invalid one is a problem.
fn ids(
    name: &str,
    field: &str,
    list: Option<Vec<Str<'_>>>,
    into: &mut BTreeSet<VulnId>,
    out: &mut Parsed,
) {
    for (i, s) in list.unwrap_or_default().iter().enumerate() {
        match s.0.parse::<VulnId>() {
            Ok(id) => {
                into.insert(id);
            }
            Err(e) => out.problem(name, format!("/{field}/{i}"), format!("{e}; dropped")),
        }
    }
}

fn severity(s: OsvSeverity<'_>) -> Severity {
    let kind = match &*s.kind.0 {
        "CVSS_V2" => SeverityKind::CvssV2,
        "CVSS_V3" => SeverityKind::CvssV3,
        "CVSS_V4" => SeverityKind::CvssV4,
        other => SeverityKind::Other(other.to_owned()),
    };
    Severity {
        kind,
        score: s.score,
        base_score: None,
        by: None,
    }
}

/// `CWE-79` from `CWE-79`, `cwe-79` or `79`; `None` for an empty entry.
fn cwe(s: &str) -> Option<String> {
    let s = s.trim();
    let number = match s.get(..4) {
        Some(prefix) if prefix.eq_ignore_ascii_case("CWE-") => &s[4..],
        _ => s,
    };
    (!number.is_empty()).then(|| format!("CWE-{number}"))
}

fn package((i, a): (usize, OsvAffected<'_>)) -> Result<AffectedPackage, (String, String)> {
    let (ecosystem, name, purl) = match a.package {
        Some(p) => (p.ecosystem, p.name, p.purl),
        None => (String::new(), String::new(), None),
    };
    let mut ranges = Vec::new();
    for (j, r) in a.ranges.unwrap_or_default().into_iter().enumerate() {
        let mut events = Vec::new();
        for (k, e) in r.events.unwrap_or_default().into_iter().enumerate() {
            let given = [
                e.introduced
                    .map(|v| RangeEvent::Introduced(v.0.into_owned())),
                e.fixed.map(|v| RangeEvent::Fixed(v.0.into_owned())),
                e.last_affected
                    .map(|v| RangeEvent::LastAffected(v.0.into_owned())),
                e.limit.map(|v| RangeEvent::Limit(v.0.into_owned())),
            ];
            let mut given = given.into_iter().flatten();
            match (given.next(), given.next()) {
                (Some(event), None) => events.push(event),
                (found, _) => {
                    let why = if found.is_none() {
                        "no event kind (introduced, fixed, last_affected or limit)"
                    } else {
                        "more than one event kind in one event"
                    };
                    return Err((format!("/affected/{i}/ranges/{j}/events/{k}"), why.into()));
                }
            }
        }
        ranges.push(VersionRange {
            kind: r.kind,
            repo: r.repo,
            events,
        });
    }
    Ok(AffectedPackage {
        ecosystem,
        name,
        purl,
        ranges,
        versions: a.versions.unwrap_or_default(),
        severities: a
            .severity
            .unwrap_or_default()
            .into_iter()
            .map(severity)
            .collect(),
        ecosystem_specific: specific(a.ecosystem_specific, a.database_specific),
    })
}

/// `{"ecosystem_specific": …, "database_specific": …}` as compact JSON,
/// with whichever of the two is present.
pub(crate) fn specific(
    ecosystem: Option<serde_json::Value>,
    database: Option<serde_json::Value>,
) -> Option<String> {
    let mut map = serde_json::Map::new();
    if let Some(v) = ecosystem {
        map.insert("ecosystem_specific".into(), v);
    }
    if let Some(v) = database {
        map.insert("database_specific".into(), v);
    }
    (!map.is_empty()).then(|| serde_json::Value::Object(map).to_string())
}
