//! Real Go data: every version in the Go advisories of
//! `../shared/data/osv/Go.zip` (range events and `versions` lists) parses as
//! a Go version, and within each range the events ascend (after OSV's
//! `introduced: "0"`, which means "from the start" rather than v0.0.0).

use std::io::Read;

use yata_version::scheme::go::GoVersion;

fn parse(v: &str, id: &str, failures: &mut Vec<String>) -> Option<GoVersion> {
    match v.parse::<GoVersion>() {
        Ok(v) => Some(v),
        Err(e) => {
            failures.push(format!("{id}: {e}"));
            None
        }
    }
}

#[test]
fn go_advisory_versions_parse() {
    let Some(path) = yata_testdata::path("osv/Go.zip") else {
        return;
    };
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut failures = Vec::new();
    let (mut advisories, mut events, mut listed, mut pseudo, mut unordered) = (0, 0, 0, 0, 0);
    let mut text = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        if !file.name().unwrap().ends_with(".json") {
            continue;
        }
        text.clear();
        file.read_to_string(&mut text).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let id = doc["id"].as_str().unwrap_or("?").to_owned();
        advisories += 1;
        for affected in doc["affected"].as_array().into_iter().flatten() {
            for range in affected["ranges"].as_array().into_iter().flatten() {
                let mut previous: Option<GoVersion> = None;
                for event in range["events"].as_array().into_iter().flatten() {
                    for (kind, value) in event.as_object().into_iter().flatten() {
                        let Some(value) = value.as_str() else {
                            failures.push(format!("{id}: {kind} is not a string"));
                            continue;
                        };
                        events += 1;
                        let Some(v) = parse(value, &id, &mut failures) else {
                            continue;
                        };
                        pseudo += usize::from(v.is_pseudo());
                        if previous.as_ref().is_some_and(|p| p >= &v) {
                            unordered += 1;
                            failures.push(format!(
                                "{id}: {kind} {value} does not follow the previous event"
                            ));
                        }
                        // `introduced: "0"` is OSV's "since the beginning", not
                        // v0.0.0 (which follows its own pseudo-versions).
                        previous = (value != "0").then_some(v);
                    }
                }
            }
            for value in affected["versions"].as_array().into_iter().flatten() {
                listed += 1;
                if let Some(v) = value.as_str().and_then(|v| parse(v, &id, &mut failures)) {
                    pseudo += usize::from(v.is_pseudo());
                }
            }
        }
    }
    eprintln!(
        "Go data: {advisories} advisories, {events} range events and {listed} listed versions \
         parse ({pseudo} pseudo-versions); {unordered} ranges out of order"
    );
    assert!(advisories > 4000, "only {advisories} advisories read");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
