//! A report exported without an imported bundle: the bundle reads back
//! with `parse`, every object passes the OASIS STIX 2.1 JSON schemas of
//! `../shared/data/stix/schemas` (resolved offline), and `extract` gives
//! back the report's indicators, vulnerabilities and TLP.

use std::path::Path;

use jiff::Timestamp;
use jsonschema::{Registry, Validator};
use serde_json::{Value, json};
use yata_indicator::{Indicator, Kind};
use yata_model::{Tlp, VulnId};
use yata_stix::{Bundle, Limits, Pattern, ReportExport, export, extract, tlp_marking_id};

const SCHEMA_BASE: &str =
    "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas";

/// Validators for the bundle and for each object type, with every schema
/// file of the shared data registered under its `$id`.
struct Schemas {
    dir: std::path::PathBuf,
    registry: Registry<'static>,
}

impl Schemas {
    fn load() -> Option<Schemas> {
        let dir = yata_testdata::path("stix/schemas")?;
        let mut builder = Registry::new();
        for sub in ["common", "observables", "sdos", "sros"] {
            for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
                let path = entry.unwrap().path();
                let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                let id = schema["$id"].as_str().unwrap().to_owned();
                builder = builder.add(id, schema).unwrap();
            }
        }
        Some(Schemas {
            dir,
            registry: builder.prepare().unwrap(),
        })
    }

    fn validator(&self, relative: &str) -> Validator {
        assert!(self.dir.join(relative).is_file(), "no schema {relative}");
        jsonschema::options()
            .offline()
            .with_registry(&self.registry)
            .build(&json!({"$ref": format!("{SCHEMA_BASE}/{relative}")}))
            .unwrap()
    }

    fn check(&self, relative: &str, instance: &Value) {
        let errors: Vec<String> = self
            .validator(relative)
            .iter_errors(instance)
            .map(|e| format!("{} {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{relative}: {errors:#?}\n{instance:#}");
    }
}

fn schema_of(kind: &str) -> String {
    match kind {
        "relationship" | "sighting" => format!("sros/{kind}.json"),
        "marking-definition" => "common/marking-definition.json".to_owned(),
        _ => format!("sdos/{kind}.json"),
    }
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn indicators() -> Vec<Indicator> {
    [
        "198.51.100.7",
        "2001:db8::1",
        "10.1.2.3/8",
        "2001:db8:abcd::/48",
        "evil[.]example",
        "hxxp://evil.example/it's\\here",
        "alice(at)evil.example",
        "d41d8cd98f00b204e9800998ecf8427e",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        &"ab".repeat(64),
        "CVE-2024-3400",
    ]
    .iter()
    .map(|s| Indicator::parse(s).unwrap())
    .collect()
}

fn report<'a>(
    indicators: &'a [Indicator],
    vulns: &'a [VulnId],
    tlp: Tlp,
    author: Option<&'a str>,
) -> ReportExport<'a> {
    ReportExport {
        report_id: "01J0REPORT",
        title: "Ransomware at a substation operator",
        description: Some("Encrypted engineering workstations."),
        status: "confirmed",
        created: ts("2026-05-01T09:30:00Z"),
        modified: ts("2026-05-03T12:00:00.5Z"),
        tlp,
        author,
        indicators,
        vulnerabilities: vulns,
        imported: None,
    }
}

#[test]
fn a_generated_bundle_is_valid_stix_and_reads_back() {
    let Some(schemas) = Schemas::load() else {
        return;
    };
    let indicators = indicators();
    let vulns = vec![
        "CVE-2023-46805".parse::<VulnId>().unwrap(),
        "CVE-2024-3400".parse().unwrap(),
    ];
    for tlp in Tlp::ALL {
        for author in [None, Some("Electric power sector organisation")] {
            let r = report(&indicators, &vulns, tlp, author);
            let bundle = export(&r);
            let json = bundle.to_json();
            // The bundle schema predates the incident SDO: its catch-all
            // branch for other types takes an incident for both a domain
            // and an observable object (`oneOf`), so the envelope is
            // checked without it and the incident by `sdos/incident.json`.
            let mut envelope = json.clone();
            envelope["objects"]
                .as_array_mut()
                .unwrap()
                .retain(|o| o["type"] != "incident");
            schemas.check("common/bundle.json", &envelope);
            for o in json["objects"].as_array().unwrap() {
                schemas.check(&schema_of(o["type"].as_str().unwrap()), o);
            }

            let text = serde_json::to_vec_pretty(&json).unwrap();
            let back = Bundle::parse(&text, &Limits::default()).unwrap();
            assert_eq!(back, bundle);
            for o in back.objects() {
                if let Some(p) = o.str("pattern") {
                    Pattern::parse(p).unwrap();
                }
                if o.object_type() != "marking-definition" {
                    assert_eq!(
                        o.raw()["object_marking_refs"],
                        json!([tlp_marking_id(tlp)]),
                        "{}",
                        o.id()
                    );
                }
            }

            let e = extract(&back);
            assert_eq!(e.tlp, Some(tlp));
            assert_eq!(e.title, r.title);
            assert_eq!(e.description.as_deref(), r.description);
            let got: Vec<&Indicator> = e.indicators.iter().map(|i| &i.indicator).collect();
            let want: Vec<&Indicator> = indicators
                .iter()
                .filter(|i| i.kind() != Kind::Cve)
                .collect();
            assert_eq!(got, want);
            // CVE indicators are vulnerabilities, once.
            assert_eq!(
                e.vulnerabilities,
                ["CVE-2024-3400".parse::<VulnId>().unwrap(), vulns[0].clone()]
            );
            assert_eq!(e.first_seen, Some(r.created));
            assert!(e.warnings.is_empty(), "{:?}", e.warnings);

            let identities = back
                .objects()
                .iter()
                .filter(|o| o.object_type() == "identity");
            assert_eq!(identities.count(), usize::from(author.is_some()));
        }
    }
}

#[test]
fn export_is_deterministic_and_ids_belong_to_the_report() {
    let indicators = indicators();
    let a = export(&report(&indicators, &[], Tlp::Green, Some("x")));
    let b = export(&report(&indicators, &[], Tlp::Green, Some("x")));
    assert_eq!(a.to_json(), b.to_json());
    let mut other = report(&indicators, &[], Tlp::Green, Some("x"));
    other.report_id = "01J0OTHER";
    let c = export(&other);
    assert_ne!(a.id(), c.id());
    for (x, y) in a.objects().iter().zip(c.objects()) {
        if x.object_type() == "marking-definition" {
            assert_eq!(x.id(), y.id());
        } else {
            assert_ne!(x.id(), y.id());
        }
    }
}

#[test]
fn generated_objects_and_patterns() {
    let indicators = indicators();
    let r = report(&indicators, &[], Tlp::AmberStrict, None);
    let json = export(&r).to_json();
    let objects = json["objects"].as_array().unwrap();
    let marking = &objects[0];
    assert_eq!(
        marking,
        &json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            "created": "2022-10-01T00:00:00.000Z",
            "name": "TLP:AMBER+STRICT",
            "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                    "extension_type": "property-extension",
                    "tlp_2_0": "amber+strict"
                }
            }
        })
    );
    let incident = &objects[1];
    assert_eq!(incident["type"], "incident");
    assert_eq!(incident["created"], "2026-05-01T09:30:00.000Z");
    assert_eq!(incident["modified"], "2026-05-03T12:00:00.500Z");
    assert_eq!(incident["labels"], json!(["confirmed"]));
    let patterns: Vec<&str> = objects
        .iter()
        .filter_map(|o| o["pattern"].as_str())
        .collect();
    assert_eq!(
        patterns,
        [
            "[ipv4-addr:value = '198.51.100.7']",
            "[ipv6-addr:value = '2001:db8::1']",
            "[ipv4-addr:value = '10.0.0.0/8']",
            "[ipv6-addr:value = '2001:db8:abcd::/48']",
            "[domain-name:value = 'evil.example']",
            "[url:value = 'http://evil.example/it\\'s/here']",
            "[email-addr:value = 'alice@evil.example']",
            "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
            "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
            "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
            &format!("[file:hashes.'SHA-512' = '{}']", "ab".repeat(64)),
        ]
    );
    let relationships: Vec<(&str, &str)> = objects
        .iter()
        .filter(|o| o["type"] == "relationship")
        .map(|o| {
            (
                o["relationship_type"].as_str().unwrap(),
                o["target_ref"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(relationships.len(), 12);
    assert!(relationships.iter().all(|(_, t)| *t == incident["id"]));
    assert_eq!(relationships.last().unwrap().0, "related-to");
}

#[test]
fn the_official_tlp_markings_pass_the_schema() {
    let Some(schemas) = Schemas::load() else {
        return;
    };
    let path = Path::new("common/marking-definition.json");
    for tlp in Tlp::ALL {
        let json = export(&report(&[], &[], tlp, None)).to_json();
        schemas.check(path.to_str().unwrap(), &json["objects"][0]);
        assert_eq!(json["objects"][0]["name"], tlp.label());
    }
}
