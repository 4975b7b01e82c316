//! Bad bundles are refused with the object, the property and the rule.

use serde_json::{Value, json};
use yata_stix::{Bundle, Error, Limits};

const BUNDLE: &str = "bundle--44af6c39-c09b-49c5-9de2-394224b04982";
const IND: &str = "indicator--33fe3b22-0201-47cf-85d0-97c02164528d";

fn indicator() -> Value {
    json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": IND,
        "created": "2014-05-08T09:00:00.000Z",
        "modified": "2014-05-08T09:00:00.000Z",
        "pattern_type": "stix",
        "pattern": "[ipv4-addr:value = '10.0.0.0']",
        "valid_from": "2014-05-08T09:00:00Z"
    })
}

fn with(objects: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"type": "bundle", "id": BUNDLE, "objects": objects})).unwrap()
}

fn changed(base: Value, key: &str, value: Value) -> Value {
    let mut o = base;
    if value.is_null() {
        o.as_object_mut().unwrap().remove(key);
    } else {
        o[key] = value;
    }
    o
}

#[track_caller]
fn check(bytes: &[u8], expected: &str) {
    match Bundle::parse(bytes, &Limits::default()) {
        Ok(_) => panic!("accepted, expected {expected}"),
        Err(e) => assert_eq!(e.to_string(), expected),
    }
}

#[test]
fn the_envelope() {
    check(b"[]", "stix: bundle: expected a json object");
    check(
        b"{\"type\": \"bundle\",",
        "stix: not valid json: EOF while parsing a value at line 1 column 18",
    );
    check(
        br#"{"type": "Bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982"}"#,
        "stix: type: expected \"bundle\", found \"Bundle\"",
    );
    check(
        br#"{"type": "bundle", "id": "bundle--44af6c39"}"#,
        "stix: id: \"bundle--44af6c39\" is not a STIX id: \"44af6c39\" is not a UUID",
    );
    check(
        br#"{"type": "bundle", "id": "report--44af6c39-c09b-49c5-9de2-394224b04982"}"#,
        "stix: id: \"report--44af6c39-c09b-49c5-9de2-394224b04982\" does not start with bundle--",
    );
    check(
        br#"{"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": {}}"#,
        "stix: objects: expected an array",
    );
    // An empty bundle is a bundle.
    Bundle::parse(
        br#"{"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982"}"#,
        &Limits::default(),
    )
    .unwrap();
}

#[test]
fn objects() {
    check(
        &with(vec![json!(1)]),
        "stix: objects[0]: expected a json object",
    );
    check(
        &with(vec![changed(indicator(), "type", json!("Indicator"))]),
        "stix: objects[0]: type: \"Indicator\" is not a STIX type (a-z, 0-9 and single hyphens, starting with a letter)",
    );
    check(
        &with(vec![changed(
            indicator(),
            "id",
            json!("malware--33fe3b22-0201-47cf-85d0-97c02164528d"),
        )]),
        "stix: objects[0]: id: \"malware--33fe3b22-0201-47cf-85d0-97c02164528d\" does not start with indicator--",
    );
    check(
        &with(vec![
            indicator(),
            changed(indicator(), "spec_version", json!("2.2")),
        ]),
        &format!(
            "stix: objects[1] ({IND}): spec_version: expected \"2.0\" or \"2.1\", found \"2.2\""
        ),
    );
}

#[test]
fn timestamps() {
    check(
        &with(vec![changed(
            indicator(),
            "created",
            json!("2014-05-08 09:00:00Z"),
        )]),
        &format!(
            "stix: objects[0] ({IND}): created: \"2014-05-08 09:00:00Z\" is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)"
        ),
    );
    check(
        &with(vec![changed(
            indicator(),
            "modified",
            json!("2014-05-08T09:00:00+09:00"),
        )]),
        &format!(
            "stix: objects[0] ({IND}): modified: \"2014-05-08T09:00:00+09:00\" is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)"
        ),
    );
    check(
        &with(vec![changed(
            indicator(),
            "modified",
            json!("2014-05-07T09:00:00.000Z"),
        )]),
        &format!(
            "stix: objects[0] ({IND}): modified: must be at or after created (2014-05-07T09:00:00.000Z < 2014-05-08T09:00:00.000Z)"
        ),
    );
    check(
        &with(vec![changed(
            indicator(),
            "valid_until",
            json!("2014-05-08T09:00:00Z"),
        )]),
        &format!(
            "stix: objects[0] ({IND}): valid_until: must be after valid_from (2014-05-08T09:00:00Z < 2014-05-08T09:00:00Z)"
        ),
    );
    check(
        &with(vec![changed(
            indicator(),
            "created",
            json!("2014-02-30T09:00:00Z"),
        )]),
        &format!(
            "stix: objects[0] ({IND}): created: \"2014-02-30T09:00:00Z\" is not a valid timestamp: parsed date is not valid: parameter 'day' for `2014-02` is invalid, must be in range `1..=28`"
        ),
    );
}

#[test]
fn patterns() {
    check(
        &with(vec![
            indicator(),
            changed(
                indicator(),
                "pattern",
                json!("[ipv4-addr:value = '10.0.0.0'"),
            )
            .pipe(|o| {
                changed(
                    o,
                    "id",
                    json!("indicator--00000000-0000-4000-8000-000000000000"),
                )
            }),
        ]),
        "stix: objects[1] (indicator--00000000-0000-4000-8000-000000000000): pattern: expected ']' at byte 29",
    );
    check(
        &with(vec![changed(
            indicator(),
            "pattern",
            json!("[ipv4-addr:value = '10.0.0.0'] WITHIN 5 MINUTES"),
        )]),
        &format!("stix: objects[0] ({IND}): pattern: expected SECONDS at byte 40"),
    );
    check(
        &with(vec![changed(indicator(), "pattern", Value::Null)]),
        &format!("stix: objects[0] ({IND}): pattern: missing (expected a string)"),
    );
    // STIX 2.0 indicators have no pattern_type: their pattern is STIX.
    check(
        &with(vec![changed(
            changed(indicator(), "pattern_type", Value::Null),
            "pattern",
            json!("ipv4-addr:value = '1.2.3.4'"),
        )]),
        &format!(
            "stix: objects[0] ({IND}): pattern: expected '[' or '(' (an observation expression) at byte 0"
        ),
    );
    // Other pattern languages are not parsed.
    Bundle::parse(
        &with(vec![changed(
            changed(indicator(), "pattern_type", json!("snort")),
            "pattern",
            json!("alert tcp any any -> any any"),
        )]),
        &Limits::default(),
    )
    .unwrap();
}

#[test]
fn references_and_duplicates() {
    let rel = json!({
        "type": "relationship", "spec_version": "2.1",
        "id": "relationship--eca24e47-2259-4850-9705-fd1065c77236",
        "created": "2014-09-09T19:58:39.609Z", "modified": "2014-09-09T19:58:39.609Z",
        "relationship_type": "indicates",
        "source_ref": IND,
        "target_ref": "campaign--b549a58c-afd9-4847-85c3-5be13d56d3cc"
    });
    Bundle::parse(&with(vec![indicator(), rel.clone()]), &Limits::default()).unwrap();
    check(
        &with(vec![changed(rel.clone(), "target_ref", json!("campaign"))]),
        "stix: objects[0] (relationship--eca24e47-2259-4850-9705-fd1065c77236): target_ref: \"campaign\" is not a STIX id (<type>--<uuid>)",
    );
    check(
        &with(vec![changed(rel, "source_ref", Value::Null)]),
        "stix: objects[0] (relationship--eca24e47-2259-4850-9705-fd1065c77236): source_ref: missing (expected an id)",
    );
    let sighting = json!({
        "type": "sighting", "spec_version": "2.1",
        "id": "sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
        "created": "2016-04-06T20:08:31.000Z", "modified": "2016-04-06T20:08:31.000Z",
        "sighting_of_ref": "indicator"
    });
    check(
        &with(vec![sighting]),
        "stix: objects[0] (sighting--ee20065d-2555-424f-ad9e-0f8428623c75): sighting_of_ref: \"indicator\" is not a STIX id (<type>--<uuid>)",
    );
    check(
        &with(vec![changed(
            indicator(),
            "object_marking_refs",
            json!([
                "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
                "identity--613f2e26-407d-48c7-9eca-b8e91df99dc9"
            ]),
        )]),
        &format!(
            "stix: objects[0] ({IND}): object_marking_refs[1]: \"identity--613f2e26-407d-48c7-9eca-b8e91df99dc9\" does not start with marking-definition--"
        ),
    );
    check(
        &with(vec![indicator(), indicator()]),
        &format!("stix: objects[1] ({IND}): same id and modified as objects[0] (a duplicate)"),
    );
    // A new version of an object is not a duplicate.
    Bundle::parse(
        &with(vec![
            indicator(),
            changed(indicator(), "modified", json!("2015-01-01T00:00:00.000Z")),
        ]),
        &Limits::default(),
    )
    .unwrap();
}

#[test]
fn limits_come_before_deserialising() {
    let limits = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    assert_eq!(
        Bundle::parse(&[b' '; 101], &limits).unwrap_err(),
        Error::TooLarge {
            size: 101,
            limit: 100
        }
    );
    // Far deeper than serde_json's recursion limit of 128 and the stack.
    let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    check(
        deep.as_bytes(),
        "stix: json nested deeper than 64 levels at byte 64",
    );
    // The bundle, its objects array and the object are three levels.
    let nested = format!(
        r#"{{"type": "bundle", "id": "{BUNDLE}", "objects": [{{"type": "x-deep", "id": "x-deep--33fe3b22-0201-47cf-85d0-97c02164528d", "v": {}1{}}}]}}"#,
        "[".repeat(62),
        "]".repeat(62)
    );
    check(
        nested.as_bytes(),
        &format!(
            "stix: json nested deeper than 64 levels at byte {}",
            nested.find("[[").unwrap() + 61
        ),
    );
    // Brackets inside strings do not count.
    let quoted = format!(
        r#"{{"type": "bundle", "id": "{BUNDLE}", "objects": [{{"type": "x-deep", "id": "x-deep--33fe3b22-0201-47cf-85d0-97c02164528d", "v": "{}\"{}"}}]}}"#,
        "[".repeat(100),
        "{".repeat(100)
    );
    Bundle::parse(quoted.as_bytes(), &Limits::default()).unwrap();
    let few = Limits {
        max_objects: 1,
        ..Limits::default()
    };
    assert_eq!(
        Bundle::parse(&with(vec![indicator(), indicator()]), &few)
            .unwrap_err()
            .to_string(),
        "stix: objects: more than the limit of 1 objects"
    );
    let short = Limits {
        max_pattern_bytes: 10,
        ..Limits::default()
    };
    assert_eq!(
        Bundle::parse(&with(vec![indicator()]), &short)
            .unwrap_err()
            .to_string(),
        format!("stix: objects[0] ({IND}): pattern: 30 bytes, more than the limit of 10")
    );
    let deep_pattern = format!("{}[a:b = 'c']{}", "(".repeat(10_000), ")".repeat(10_000));
    check(
        &with(vec![changed(indicator(), "pattern", json!(deep_pattern))]),
        &format!("stix: objects[0] ({IND}): pattern: nested deeper than 64 levels at byte 64"),
    );
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}

impl Pipe for Value {}
