//! What the platform keeps of a bundle as an incident report.

use std::collections::HashMap;

use jiff::Timestamp;
use serde_json::{Map, Value};
use yata_indicator::{Indicator, Kind};
use yata_model::{Tlp, VulnId};

use crate::bundle::{Bundle, Object};
use crate::export::{TLP2_EXTENSION, tlp_of_id};
use crate::pattern::Pattern;

/// What the platform keeps of a bundle as an incident report.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Extracted {
    /// The name of the first incident, else of the first report, else of
    /// the first grouping, else the bundle id.
    pub title: String,
    /// The description of the object the title came from.
    pub description: Option<String>,
    /// The strictest TLP marking referenced by the `object_marking_refs`
    /// of any object: the TLP 2.0 and TLP 1.0 marking-definition ids, or
    /// marking definitions of the bundle with the TLP 2.0 extension or
    /// `definition_type: "tlp"`. `None` if no object is so marked.
    pub tlp: Option<Tlp>,
    /// Unique indicators, in order of first appearance.
    pub indicators: Vec<ExtractedIndicator>,
    /// Unique CVE ids of vulnerability objects, in order of appearance.
    pub vulnerabilities: Vec<VulnId>,
    /// The earliest of: sightings' `first_seen`, observed data's
    /// `first_observed`, incidents' `first_seen` and indicators'
    /// `valid_from`.
    pub first_seen: Option<Timestamp>,
    /// The latest of: sightings' `last_seen`, observed data's
    /// `last_observed` and incidents' `last_seen` (an indicator's
    /// `valid_until` is when it expires, not when it was seen).
    pub last_seen: Option<Timestamp>,
    /// Values that were not read, each with its place.
    pub warnings: Vec<String>,
}

/// One indicator of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExtractedIndicator {
    pub indicator: Indicator,
    /// From an indicator: `valid_from`; from an observable: the
    /// `first_observed` of the observed data that holds or references it.
    /// The earliest over all the places the indicator appears.
    pub first_seen: Option<Timestamp>,
    /// From an indicator: `valid_until`; from an observable:
    /// `last_observed`. The latest over all the places it appears.
    pub last_seen: Option<Timestamp>,
    /// The id of the first object it came from.
    pub source: String,
}

/// Reads what the platform keeps of `bundle` (see [`Extracted`]).
///
/// Indicators come from the patterns of indicators whose `pattern_type`
/// is `stix` (or absent): every `path = 'value'` and `path IN (…)` that is
/// not negated, under any `AND`, `OR` or `FOLLOWEDBY`, on `ipv4-addr`,
/// `ipv6-addr` (addresses or CIDR blocks), `domain-name`, `url`,
/// `email-addr` `:value` and `file:hashes.<MD5|SHA-1|SHA-256|SHA-512>`;
/// and from the cyber-observable objects of those types, at the top level
/// or inside an observed-data's `objects` (STIX 2.0).
pub fn extract(bundle: &Bundle) -> Extracted {
    let objects = bundle.objects();
    let by_id: HashMap<&str, &Object> = objects.iter().map(|o| (o.id(), o)).collect();
    let mut out = Extracted {
        title: bundle.id().to_owned(),
        description: None,
        tlp: None,
        indicators: Vec::new(),
        vulnerabilities: Vec::new(),
        first_seen: None,
        last_seen: None,
        warnings: Vec::new(),
    };

    for kind in ["incident", "report", "grouping"] {
        if let Some(o) = objects
            .iter()
            .find(|o| o.object_type() == kind && o.str("name").is_some())
        {
            out.title = o.str("name").unwrap_or_default().to_owned();
            out.description = o.str("description").map(str::to_owned);
            break;
        }
    }

    for o in objects {
        let Some(Value::Array(refs)) = o.raw().get("object_marking_refs") else {
            continue;
        };
        for id in refs.iter().filter_map(Value::as_str) {
            if let Some(tlp) = tlp_of_id(id).or_else(|| by_id.get(id).and_then(|m| tlp_of(m))) {
                out.tlp = out.tlp.max(Some(tlp));
            }
        }
    }

    // When the observables an observed-data references were seen.
    let mut observed: HashMap<&str, (Option<Timestamp>, Option<Timestamp>)> = HashMap::new();
    for o in objects
        .iter()
        .filter(|o| o.object_type() == "observed-data")
    {
        let (first, last) = (o.timestamp("first_observed"), o.timestamp("last_observed"));
        if let Some(Value::Array(refs)) = o.raw().get("object_refs") {
            for id in refs.iter().filter_map(Value::as_str) {
                let e = observed.entry(id).or_default();
                e.0 = earliest(e.0, first);
                e.1 = latest(e.1, last);
            }
        }
    }

    let mut found = Found::default();
    let mut vulns = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        let at = o.location(i);
        match o.object_type() {
            "indicator" => {
                let valid_from = o.timestamp("valid_from");
                out.first_seen = earliest(out.first_seen, valid_from);
                let pattern_type = o.str("pattern_type").unwrap_or("stix");
                if pattern_type != "stix" {
                    out.warnings.push(format!(
                        "{at}: pattern_type {pattern_type:?}: not read for indicators"
                    ));
                    continue;
                }
                // `parse` checked the pattern; a bundle built otherwise may not be.
                let pattern = match Pattern::parse(o.str("pattern").unwrap_or_default()) {
                    Ok(p) => p,
                    Err(e) => {
                        out.warnings.push(format!("{at}: {e}"));
                        continue;
                    }
                };
                let times = (valid_from, o.timestamp("valid_until"));
                for (path, value) in pattern.equalities() {
                    let Some(keys) = path.keys() else { continue };
                    if let Some(kind) = kind_of(&path.object_type, &keys, value) {
                        let place =
                            format!("{at}: pattern: {}:{}", path.object_type, keys.join("."));
                        found.add(kind, value, times, o.id(), &place, &mut out.warnings);
                    }
                }
            }
            "observed-data" => {
                let times = (o.timestamp("first_observed"), o.timestamp("last_observed"));
                out.first_seen = earliest(out.first_seen, times.0);
                out.last_seen = latest(out.last_seen, times.1);
                if let Some(Value::Object(scos)) = o.raw().get("objects") {
                    for (key, sco) in scos {
                        if let Value::Object(sco) = sco {
                            let place = format!("{at}: objects.{key}");
                            observable(sco, times, o.id(), &place, &mut found, &mut out.warnings);
                        }
                    }
                }
            }
            "sighting" | "incident" => {
                out.first_seen = earliest(out.first_seen, o.timestamp("first_seen"));
                out.last_seen = latest(out.last_seen, o.timestamp("last_seen"));
            }
            "vulnerability" => vulnerability(o, &at, &mut vulns, &mut out.warnings),
            _ => {
                let times = observed.get(o.id()).copied().unwrap_or_default();
                observable(o.raw(), times, o.id(), &at, &mut found, &mut out.warnings);
            }
        }
    }
    out.indicators = found.list;
    out.vulnerabilities = vulns;
    out
}

/// The TLP of a marking-definition object of the bundle, if it is one.
fn tlp_of(marking: &Object) -> Option<Tlp> {
    if marking.object_type() != "marking-definition" {
        return None;
    }
    let raw = marking.raw();
    if let Some(level) = raw
        .get("extensions")
        .and_then(|e| e.get(TLP2_EXTENSION))
        .and_then(|e| e.get("tlp_2_0"))
        .and_then(Value::as_str)
    {
        return level.parse().ok();
    }
    if raw.get("definition_type").and_then(Value::as_str) == Some("tlp") {
        return raw
            .get("definition")
            .and_then(|d| d.get("tlp"))
            .and_then(Value::as_str)
            .and_then(|t| t.parse().ok());
    }
    None
}

/// The indicator kind of a property of an observable type, if it is one.
fn kind_of(object_type: &str, keys: &[&str], value: &str) -> Option<Kind> {
    let cidr = value.contains('/');
    match (object_type, keys) {
        ("ipv4-addr", ["value"]) if cidr => Some(Kind::Ipv4Cidr),
        ("ipv4-addr", ["value"]) => Some(Kind::Ipv4),
        ("ipv6-addr", ["value"]) if cidr => Some(Kind::Ipv6Cidr),
        ("ipv6-addr", ["value"]) => Some(Kind::Ipv6),
        ("domain-name", ["value"]) => Some(Kind::Domain),
        ("url", ["value"]) => Some(Kind::Url),
        ("email-addr", ["value"]) => Some(Kind::Email),
        ("file", ["hashes", algorithm]) => hash_kind(algorithm),
        _ => None,
    }
}

/// `MD5`, `SHA-1`, `SHA-256`, `SHA-512` (the STIX hash names), also as
/// STIX 2.0 producers wrote them (`md5`, `sha256`).
fn hash_kind(algorithm: &str) -> Option<Kind> {
    let name: String = algorithm
        .chars()
        .filter(|&c| c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    match name.as_str() {
        "MD5" => Some(Kind::Md5),
        "SHA1" => Some(Kind::Sha1),
        "SHA256" => Some(Kind::Sha256),
        "SHA512" => Some(Kind::Sha512),
        _ => None,
    }
}

/// The indicators of a cyber-observable object (none if it is not of a
/// type that has them).
fn observable(
    sco: &Map<String, Value>,
    times: (Option<Timestamp>, Option<Timestamp>),
    source: &str,
    at: &str,
    found: &mut Found,
    warnings: &mut Vec<String>,
) {
    let Some(object_type) = sco.get("type").and_then(Value::as_str) else {
        return;
    };
    if object_type == "file" {
        if let Some(Value::Object(hashes)) = sco.get("hashes") {
            for (algorithm, value) in hashes {
                if let (Some(kind), Some(value)) = (hash_kind(algorithm), value.as_str()) {
                    let place = format!("{at}: hashes.{algorithm}");
                    found.add(kind, value, times, source, &place, warnings);
                }
            }
        }
        return;
    }
    if let Some(value) = sco.get("value").and_then(Value::as_str)
        && let Some(kind) = kind_of(object_type, &["value"], value)
    {
        found.add(
            kind,
            value,
            times,
            source,
            &format!("{at}: value"),
            warnings,
        );
    }
}

fn vulnerability(o: &Object, at: &str, vulns: &mut Vec<VulnId>, warnings: &mut Vec<String>) {
    let mut push = |id: VulnId| {
        if !vulns.contains(&id) {
            vulns.push(id);
        }
    };
    let mut any = false;
    if let Some(Value::Array(refs)) = o.raw().get("external_references") {
        for (i, r) in refs.iter().enumerate() {
            let source = r.get("source_name").and_then(Value::as_str).unwrap_or("");
            let Some(external_id) = r.get("external_id").and_then(Value::as_str) else {
                continue;
            };
            if !source.eq_ignore_ascii_case("cve") {
                continue;
            }
            match external_id.parse::<VulnId>() {
                Ok(id) if id.is_cve() => {
                    any = true;
                    push(id);
                }
                _ => warnings.push(format!(
                    "{at}: external_references[{i}].external_id: {external_id:?} is not a CVE id"
                )),
            }
        }
    }
    if !any
        && let Some(Ok(id)) = o.str("name").map(str::parse::<VulnId>)
        && id.is_cve()
    {
        push(id);
    }
}

#[derive(Default)]
struct Found {
    list: Vec<ExtractedIndicator>,
    index: HashMap<Indicator, usize>,
}

impl Found {
    fn add(
        &mut self,
        kind: Kind,
        value: &str,
        (first, last): (Option<Timestamp>, Option<Timestamp>),
        source: &str,
        place: &str,
        warnings: &mut Vec<String>,
    ) {
        let indicator = match Indicator::parse_as(kind, value) {
            Ok(i) => i,
            Err(e) => {
                warnings.push(format!("{place}: {e}"));
                return;
            }
        };
        match self.index.get(&indicator) {
            Some(&i) => {
                let e = &mut self.list[i];
                e.first_seen = earliest(e.first_seen, first);
                e.last_seen = latest(e.last_seen, last);
            }
            None => {
                self.index.insert(indicator.clone(), self.list.len());
                self.list.push(ExtractedIndicator {
                    indicator,
                    first_seen: first,
                    last_seen: last,
                    source: source.to_owned(),
                });
            }
        }
    }
}

fn earliest(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn latest(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    a.max(b)
}
