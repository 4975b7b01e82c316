//! Every CPE string in the CVE JSON 5 records of the shared vulnrichment
//! snapshot (`cpes` arrays of affected products): well-formed ones must
//! parse and round-trip; malformed ones are counted and shown, not accepted.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;

use yata_cpe::{Cpe, Error};

fn collect(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("cpes", serde_json::Value::Array(cpes)) => {
                        out.extend(cpes.iter().filter_map(|c| c.as_str()).map(str::to_owned))
                    }
                    _ => collect(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

#[test]
fn vulnrichment_cpes_parse_and_round_trip() {
    let Some(path) = yata_testdata::path("cve5/vulnrichment-2024-10-24.zip") else {
        return;
    };
    let mut archive = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
    let mut strings = Vec::new();
    let mut records = 0;
    let mut text = String::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        if !name.ends_with(".json") {
            continue;
        }
        text.clear();
        entry.read_to_string(&mut text).unwrap();
        records += 1;
        if !text.contains("\"cpes\"") {
            continue; // nothing to find; spare the JSON parse
        }
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        collect(&json, &mut strings);
    }
    assert!(!strings.is_empty(), "no cpes found in {}", path.display());

    let total = strings.len();
    strings.sort_unstable();
    strings.dedup();
    let (mut fs, mut uri) = (0, 0);
    let mut malformed: BTreeMap<String, String> = BTreeMap::new();
    for s in &strings {
        match Cpe::parse(s) {
            Ok(cpe) => {
                if s.starts_with("cpe:2.3:") {
                    fs += 1;
                    // Real names have no quoted `.`, `-` or `_`, so the
                    // canonical text is the input itself.
                    assert_eq!(cpe.as_fs(), s, "canonical form of {s}");
                } else {
                    uri += 1;
                }
                assert_eq!(Cpe::parse(&cpe.to_fs()).as_ref(), Ok(&cpe), "{s}");
                assert_eq!(Cpe::parse(&cpe.to_uri()), Ok(cpe.to_lowercase()), "{s}");
                assert_eq!(
                    cpe.compare(&cpe.to_lowercase()),
                    if cpe.has_wildcards() {
                        yata_cpe::Relation::Undefined
                    } else {
                        yata_cpe::Relation::Equal
                    }
                );
            }
            Err(e) => {
                // The only malformation in this snapshot: an unquoted `:`
                // inside a value (`sterling_connect:direct`) or a doubled
                // prefix, giving too many components. Anything else would be
                // a parser bug until shown otherwise.
                assert!(
                    matches!(e, Error::FsComponentCount { found } if found > 11),
                    "{s}: {e}"
                );
                malformed.insert(s.clone(), e.to_string());
            }
        }
    }
    eprintln!(
        "{records} records, {total} cpe strings, {} distinct: {fs} formatted strings and {uri} uris parse and round-trip; {} malformed:",
        strings.len(),
        malformed.len()
    );
    for (s, e) in &malformed {
        eprintln!("  malformed: {s}: {e}");
    }
}
