//! A platform report written as a STIX 2.1 bundle.

use std::collections::HashSet;

use jiff::Timestamp;
use serde_json::{Map, Value, json};
use yata_indicator::{Indicator, Kind};
use yata_model::{Tlp, VulnId};

use crate::bundle::{Bundle, Object};
use crate::extract::extract;
use crate::pattern::quote;
use crate::uuid::{NAMESPACE, v5};

/// The TLP 2.0 extension definition of the OASIS common objects
/// (`cti-stix-common-objects`, `extension-definition-specifications/tlp-2.0`).
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The official TLP 2.0 marking definitions (same source): fixed ids,
/// all created `2022-10-01T00:00:00.000Z`.
const TLP2: [(Tlp, &str); 5] = [
    (
        Tlp::Clear,
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    ),
    (
        Tlp::Green,
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    ),
    (
        Tlp::Amber,
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    ),
    (
        Tlp::AmberStrict,
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    ),
    (
        Tlp::Red,
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    ),
];

/// The TLP 1.0 marking definitions STIX 2.0 and 2.1 predefine (WHITE is
/// TLP 2.0's CLEAR).
const TLP1: [(Tlp, &str); 4] = [
    (
        Tlp::Clear,
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    ),
    (
        Tlp::Green,
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    ),
    (
        Tlp::Amber,
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    ),
    (
        Tlp::Red,
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
    ),
];

/// The id of the official TLP 2.0 marking definition of `tlp`.
pub fn tlp_marking_id(tlp: Tlp) -> &'static str {
    TLP2.iter()
        .find(|(t, _)| *t == tlp)
        .map_or(TLP2[4].1, |(_, id)| id)
}

/// The TLP of a TLP 2.0 or TLP 1.0 marking-definition id.
pub(crate) fn tlp_of_id(id: &str) -> Option<Tlp> {
    TLP2.iter()
        .chain(TLP1.iter())
        .find(|(_, known)| *known == id)
        .map(|(tlp, _)| *tlp)
}

/// The official TLP 2.0 marking-definition object of `tlp`.
fn tlp_marking(tlp: Tlp) -> Map<String, Value> {
    let level = match tlp {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber+strict",
        Tlp::Red => "red",
    };
    object(json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": tlp_marking_id(tlp),
        "created": "2022-10-01T00:00:00.000Z",
        "name": tlp.label(),
        "extensions": {
            TLP2_EXTENSION: {
                "extension_type": "property-extension",
                "tlp_2_0": level,
            }
        }
    }))
}

/// A platform report to export.
#[derive(Debug, Clone, Copy)]
pub struct ReportExport<'a> {
    /// The platform's id of the report: every generated STIX id is a
    /// UUIDv5 of it, so the same report exports the same ids.
    pub report_id: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// `suspected`, `confirmed`, `contained` or `recovered`: exported as
    /// the incident's label (STIX 2.1's incident has no status property).
    pub status: &'a str,
    pub created: Timestamp,
    /// Exported as `created` if earlier than it.
    pub modified: Timestamp,
    pub tlp: Tlp,
    /// The name of the identity that reports, as the caller chooses to
    /// reveal it (`Electric power sector organisation`); none if `None`.
    pub author: Option<&'a str>,
    pub indicators: &'a [Indicator],
    pub vulnerabilities: &'a [VulnId],
    /// The bundle the report was imported from, if any.
    pub imported: Option<&'a Bundle>,
}

/// Writes `report` as a STIX 2.1 bundle.
///
/// With `imported`, the bundle holds every imported object unchanged, in
/// its order, followed by objects only for the indicators and
/// vulnerabilities that [`extract`] does not find in it (related to the
/// first imported incident, or to a generated one if it has none).
///
/// Without, it holds: the TLP 2.0 marking definition of `tlp`; an
/// `identity` (`organization`) if there is an author; an `incident`
/// (name, description, status as label); per indicator an `indicator`
/// (a STIX pattern on `ipv4-addr`, `ipv6-addr`, `domain-name`, `url`,
/// `email-addr` or `file:hashes`, valid from `created`) and a relationship
/// `indicates` the incident; per vulnerability (CVE indicators included) a
/// `vulnerability` (CVE ids as an external reference `cve`) and a
/// relationship `related-to` the incident. Every generated object but the
/// marking definition carries `object_marking_refs` [the marking] and
/// `created_by_ref` the identity. Timestamps have milliseconds.
pub fn export(report: &ReportExport) -> Bundle {
    let ids = Ids(report.report_id);
    let created = timestamp(report.created);
    let modified = timestamp(report.modified.max(report.created));
    let marking = tlp_marking_id(report.tlp);

    let (carried_indicators, carried_vulns) = match report.imported {
        Some(b) => {
            let e = extract(b);
            let indicators: HashSet<Indicator> =
                e.indicators.into_iter().map(|i| i.indicator).collect();
            (indicators, e.vulnerabilities.into_iter().collect())
        }
        None => (HashSet::new(), HashSet::new()),
    };
    let mut indicators: Vec<&Indicator> = Vec::new();
    let mut vulns: Vec<VulnId> = Vec::new();
    for i in report.indicators {
        if i.kind() == Kind::Cve {
            if let Ok(id) = i.value().parse::<VulnId>()
                && !vulns.contains(&id)
                && !carried_vulns.contains(&id)
            {
                vulns.push(id);
            }
        } else if !carried_indicators.contains(i) && !indicators.contains(&i) {
            indicators.push(i);
        }
    }
    for v in report.vulnerabilities {
        if !vulns.contains(v) && !carried_vulns.contains(v) {
            vulns.push(v.clone());
        }
    }

    let bundle_id = format!("bundle--{}", ids.uuid("bundle", &modified));
    let mut objects: Vec<Object> = report
        .imported
        .map(|b| b.objects.clone())
        .unwrap_or_default();
    if report.imported.is_some() && indicators.is_empty() && vulns.is_empty() {
        return Bundle {
            id: bundle_id,
            objects,
        };
    }
    let present: HashSet<String> = objects.iter().map(|o| o.id.clone()).collect();
    let mut add = |raw: Map<String, Value>| {
        let id = raw
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !present.contains(&id) {
            let kind = raw
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            objects.push(Object { kind, id, raw });
        }
    };

    add(tlp_marking(report.tlp));
    let author = report.author.map(|name| ids.id("identity", name));
    let common = |kind: &str, id: &str| {
        let mut m = object(json!({
            "type": kind,
            "spec_version": "2.1",
            "id": id,
            "created": created,
            "modified": modified,
        }));
        if let Some(author) = &author {
            m.insert("created_by_ref".into(), Value::from(author.clone()));
        }
        m.insert("object_marking_refs".into(), json!([marking]));
        m
    };
    if let (Some(name), Some(id)) = (report.author, &author) {
        let mut identity = common("identity", id);
        identity.insert("name".into(), Value::from(name));
        identity.insert("identity_class".into(), Value::from("organization"));
        add(identity);
    }
    let imported_incident = report.imported.and_then(|b| {
        b.objects()
            .iter()
            .find(|o| o.object_type() == "incident")
            .map(|o| o.id().to_owned())
    });
    let incident = match imported_incident {
        Some(id) => id,
        None => {
            let id = ids.id("incident", "");
            let mut incident = common("incident", &id);
            incident.insert("name".into(), Value::from(report.title));
            if let Some(d) = report.description.filter(|d| !d.is_empty()) {
                incident.insert("description".into(), Value::from(d));
            }
            if !report.status.is_empty() {
                incident.insert("labels".into(), json!([report.status]));
            }
            add(incident);
            id
        }
    };
    let relationship = |kind: &str, source: &str, target: &str| {
        let id = ids.id("relationship", &format!("{kind}/{source}/{target}"));
        let mut r = common("relationship", &id);
        r.insert("relationship_type".into(), Value::from(kind));
        r.insert("source_ref".into(), Value::from(source));
        r.insert("target_ref".into(), Value::from(target));
        r
    };
    for i in indicators {
        let Some(pattern) = pattern_for(i) else {
            continue;
        };
        let id = ids.id("indicator", &format!("{}/{}", i.kind(), i.value()));
        let mut o = common("indicator", &id);
        o.insert("name".into(), Value::from(i.value()));
        o.insert("pattern".into(), Value::from(pattern));
        o.insert("pattern_type".into(), Value::from("stix"));
        o.insert("pattern_version".into(), Value::from("2.1"));
        o.insert("valid_from".into(), Value::from(created.clone()));
        add(o);
        add(relationship("indicates", &id, &incident));
    }
    for v in &vulns {
        let id = ids.id("vulnerability", v.as_str());
        let mut o = common("vulnerability", &id);
        o.insert("name".into(), Value::from(v.as_str()));
        if v.is_cve() {
            o.insert(
                "external_references".into(),
                json!([{"source_name": "cve", "external_id": v.as_str()}]),
            );
        }
        add(o);
        add(relationship("related-to", &id, &incident));
    }
    Bundle {
        id: bundle_id,
        objects,
    }
}

/// The STIX pattern of an indicator (`None` for CVE ids, which are
/// vulnerabilities).
pub fn pattern_for(indicator: &Indicator) -> Option<String> {
    let path = match indicator.kind() {
        Kind::Ipv4 | Kind::Ipv4Cidr => "ipv4-addr:value",
        Kind::Ipv6 | Kind::Ipv6Cidr => "ipv6-addr:value",
        Kind::Domain => "domain-name:value",
        Kind::Url => "url:value",
        Kind::Email => "email-addr:value",
        Kind::Md5 => "file:hashes.MD5",
        Kind::Sha1 => "file:hashes.'SHA-1'",
        Kind::Sha256 => "file:hashes.'SHA-256'",
        Kind::Sha512 => "file:hashes.'SHA-512'",
        Kind::Cve => return None,
    };
    Some(format!("[{path} = {}]", quote(indicator.value())))
}

/// Makes the ids of one report's objects.
struct Ids<'a>(&'a str);

impl Ids<'_> {
    /// The length prefix keeps `report_id` and the rest from running
    /// into each other.
    fn uuid(&self, kind: &str, key: &str) -> String {
        v5(
            &NAMESPACE,
            &format!("{}:{}/{kind}/{key}", self.0.len(), self.0),
        )
    }

    fn id(&self, kind: &str, key: &str) -> String {
        format!("{kind}--{}", self.uuid(kind, key))
    }
}

/// A STIX timestamp with milliseconds (`2024-05-01T09:30:00.000Z`).
fn timestamp(t: Timestamp) -> String {
    jiff::fmt::temporal::DateTimePrinter::new()
        .precision(Some(3))
        .timestamp_to_string(&t)
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
