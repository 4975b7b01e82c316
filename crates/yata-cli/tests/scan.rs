//! `yata scan`, the command-line contract of issue 5: a Cargo.lock with
//! known-vulnerable crates against the shared RustSec database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn yata(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yata"))
        .args(args)
        .output()
        .unwrap()
}

#[track_caller]
fn check(args: &[&str], code: i32) -> String {
    let out = yata(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(code),
        "yata {args:?}\nstderr: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

/// smallvec 1.6.0 (RUSTSEC-2021-0003, CVSS 9.8), time 0.1.43
/// (RUSTSEC-2020-0071), hyper 0.14.9 (three advisories); smallvec 1.13.2
/// and serde 1.0.200 are clean.
const LOCK: &str = r#"version = 3

[[package]]
name = "demo"
version = "0.1.0"
dependencies = ["smallvec 1.6.0", "time", "hyper", "serde"]

[[package]]
name = "smallvec"
version = "1.6.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "smallvec"
version = "1.13.2"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "time"
version = "0.1.43"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "hyper"
version = "0.14.9"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

struct Setup {
    _dir: tempfile::TempDir,
    lock: PathBuf,
    rustsec: PathBuf,
}

fn setup() -> Option<Setup> {
    let rustsec = yata_testdata::path("rustsec/advisory-db")?;
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("Cargo.lock");
    std::fs::write(&lock, LOCK).unwrap();
    Some(Setup {
        _dir: dir,
        lock,
        rustsec,
    })
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn scan_json(args: &[&str]) -> Value {
    serde_json::from_str(&check(args, 0)).unwrap()
}

fn ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

fn find<'a>(v: &'a Value, alias: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == alias || f["aliases"].as_array().unwrap().iter().any(|a| a == alias))
        .unwrap_or_else(|| panic!("no finding {alias}"))
}

#[test]
fn json_work_list_is_explained_and_deadline_ordered() {
    let Some(t) = setup() else { return };
    let v = scan_json(&[
        "scan",
        s(&t.lock),
        "--feeds",
        s(&t.rustsec),
        "--format",
        "json",
    ]);
    let found = ids(&v);
    // Advisories read off the RustSec database by hand: smallvec 1.6.0:
    // RUSTSEC-2021-0003; time 0.1.43: RUSTSEC-2020-0071; hyper 0.14.9:
    // RUSTSEC-2021-0078 and RUSTSEC-2021-0079 (fixed in 0.14.10).
    for alias in [
        "RUSTSEC-2021-0003",
        "RUSTSEC-2020-0071",
        "RUSTSEC-2021-0078",
        "RUSTSEC-2021-0079",
    ] {
        find(&v, alias);
    }
    assert_eq!(v["summary"]["findings"], found.len());
    let smallvec = find(&v, "RUSTSEC-2021-0003");
    assert_eq!(smallvec["id"], "CVE-2021-25900");
    assert_eq!(smallvec["package"]["purl"], "pkg:cargo/smallvec@1.6.0");
    assert_eq!(smallvec["package"]["ecosystem"], "crates.io");
    assert_eq!(smallvec["confidence"], "exact");
    assert_eq!(smallvec["cvss"]["base"], 9.8);
    assert_eq!(smallvec["kev"], false);
    assert_eq!(
        smallvec["ssvc"]["automatable"]["source"],
        "derived_from_cvss"
    );
    assert_eq!(smallvec["decision"], "3 days");
    assert_eq!(smallvec["deadline_days"], 3);
    assert_eq!(smallvec["forensics"], false);
    assert!(
        smallvec["fixed_versions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "1.6.1")
    );
    let explanation = smallvec["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("RUSTSEC-2021-0003") && explanation.contains("fixed in 1.6.1"),
        "{explanation}"
    );
    assert!(smallvec["suppressed"].is_null());
    // The clean versions give nothing.
    for f in v["findings"].as_array().unwrap() {
        assert_ne!(f["package"]["version"], "1.13.2");
        assert_ne!(f["package"]["name"], "serde");
    }
    // Deadline order: never a later deadline before an earlier one.
    let days: Vec<u64> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["deadline_days"].as_u64().unwrap_or(u64::MAX))
        .collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
}

#[test]
fn exposure_and_policy_change_the_deadline() {
    let Some(t) = setup() else { return };
    let base = [
        "scan",
        s(&t.lock),
        "--feeds",
        s(&t.rustsec),
        "--format",
        "json",
    ];
    let unexposed = scan_json(&[&base[..], &["--exposed", "no"]].concat());
    let smallvec = find(&unexposed, "RUSTSEC-2021-0003");
    // Not in KEV, not exposed, automatable, total impact: BOD 26-04 row 10.
    assert_eq!(smallvec["decision"], "60 days");
    assert_eq!(smallvec["ssvc"]["publicly_exposed"]["source"], "asset");

    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "[timelines]\n\"3 days\" = 1\n").unwrap();
    let v = scan_json(&[&base[..], &["--policy", s(&policy)]].concat());
    assert_eq!(find(&v, "RUSTSEC-2021-0003")["deadline_days"], 1);

    std::fs::write(&policy, "[timelines]\n\"15 days\" = 1\n").unwrap();
    let out = yata(&[&base[..], &["--policy", s(&policy)]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[test]
fn informational_advisories_are_warnings_not_findings() {
    let Some(t) = setup() else { return };
    let base = [
        "scan",
        s(&t.lock),
        "--feeds",
        s(&t.rustsec),
        "--format",
        "json",
    ];
    // RUSTSEC-2022-0022 (GHSA-f67m-9j94-qv9j): hyper < 0.14.12 is unsound.
    let v = scan_json(&base);
    assert!(!ids(&v).contains(&"GHSA-f67m-9j94-qv9j".to_owned()));
    assert_eq!(v["summary"]["informational"], 1);
    let v = scan_json(&[&base[..], &["--show-informational"]].concat());
    assert_eq!(find(&v, "RUSTSEC-2022-0022")["informational"], "unsound");
}

#[test]
fn fail_on_exits_1_at_or_above_the_decision() {
    let Some(t) = setup() else { return };
    let base = [
        "scan",
        s(&t.lock),
        "--feeds",
        s(&t.rustsec),
        "--format",
        "json",
    ];
    check(&[&base[..], &["--fail-on", "3 days"]].concat(), 1);
    check(
        &[&base[..], &["--fail-on", "immediate", "--exposed", "no"]].concat(),
        0,
    );
    check(
        &[&base[..], &["--fail-on", "3 days & forensic investigation"]].concat(),
        0,
    );
    check(&[&base[..], &["--fail-on", "sometime"]].concat(), 2);
}

#[test]
fn vex_suppresses_and_show_suppressed_keeps_it_visible() {
    let Some(t) = setup() else { return };
    let dir = tempfile::tempdir().unwrap();
    let vex = dir.path().join("vex.json");
    // Stated by the RustSec id; the finding's canonical id is the CVE.
    std::fs::write(
        &vex,
        r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.jp/vex/2026-001",
  "author": "Example K.K.",
  "timestamp": "2026-11-01T00:00:00Z",
  "version": 1,
  "statements": [{
    "vulnerability": {"name": "RUSTSEC-2021-0003"},
    "products": [{"@id": "pkg:cargo/smallvec@1.6.0"}],
    "status": "not_affected",
    "justification": "vulnerable_code_not_in_execute_path",
    "impact_statement": "insert_many is never called"
  }]
}"#,
    )
    .unwrap();
    let base = [
        "scan",
        s(&t.lock),
        "--feeds",
        s(&t.rustsec),
        "--format",
        "json",
        "--vex",
        s(&vex),
    ];
    let v = scan_json(&base);
    assert!(!ids(&v).contains(&"CVE-2021-25900".to_owned()));
    assert_eq!(v["summary"]["suppressed"], 1);
    let v = scan_json(&[&base[..], &["--show-suppressed"]].concat());
    let f = find(&v, "CVE-2021-25900");
    assert_eq!(f["suppressed"]["status"], "not_affected");
    assert_eq!(
        f["suppressed"]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    // A suppressed finding never fails the build: smallvec's was the only
    // 3-day one; hyper's 14-day ones remain.
    check(&[&base[..], &["--fail-on", "3 days"]].concat(), 0);
    check(&[&base[..], &["--fail-on", "14 days"]].concat(), 1);
}

#[test]
fn other_formats() {
    let Some(t) = setup() else { return };
    let base = ["scan", s(&t.lock), "--feeds", s(&t.rustsec)];
    let n = ids(&scan_json(&[&base[..], &["--format", "json"]].concat())).len();
    assert!(n >= 4);

    let sarif: Value =
        serde_json::from_str(&check(&[&base[..], &["--format", "sarif"]].concat(), 0)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), n);
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "error");

    let csv = check(&[&base[..], &["--format", "csv"]].concat(), 0);
    assert_eq!(csv.lines().count(), n + 1);
    assert!(csv.starts_with("id,aliases,decision,deadline_days"));

    let table = check(&[&base[..], &["--format", "table"]].concat(), 0);
    assert!(table.starts_with("DEADLINE"));
    assert!(table.contains("CVE-2021-25900"));

    let vex = check(&[&base[..], &["--format", "cyclonedx-vex"]].concat(), 0);
    let bom: Value = serde_json::from_str(&vex).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["vulnerabilities"].as_array().unwrap().len(), n);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vex.cdx.json");
    std::fs::write(&out, &vex).unwrap();
    check(&["inventory", "validate", s(&out)], 0);
    // The same work list gives the same document.
    assert_eq!(
        vex,
        check(&[&base[..], &["--format", "cyclonedx-vex"]].concat(), 0)
    );
}

#[test]
fn a_snapshot_gives_the_same_findings_as_the_raw_source() {
    let Some(t) = setup() else { return };
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("rustsec.snap");
    check(&["feed", "import", s(&t.rustsec), "--out", s(&snap)], 0);
    let raw = scan_json(&[
        "scan",
        s(&t.lock),
        "--feeds",
        s(&t.rustsec),
        "--format",
        "json",
    ]);
    let from_snapshot = scan_json(&["scan", s(&t.lock), "--feeds", s(&snap), "--format", "json"]);
    assert_eq!(raw["findings"], from_snapshot["findings"]);
    // The snapshot is read in part but knows its whole count; the raw
    // directory was read only for the lockfile's crates.
    let stats: Value = serde_json::from_str(&check(&["feed", "stats", s(&snap)], 0)).unwrap();
    assert_eq!(
        from_snapshot["summary"]["vulnerabilities_known"],
        stats["vulnerabilities"]
    );
    assert!(stats["vulnerabilities"].as_u64().unwrap() > 1000);
    assert_eq!(raw["summary"]["vulnerabilities_known"], Value::Null);
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_raw_advisory_db_is_read_only_for_the_inventorys_crates() {
    let Some(t) = setup() else { return };
    let dir = tempfile::tempdir().unwrap();
    // A checkout with a broken advisory of a crate the lockfile lacks, and
    // the same with one more top-level file: no longer the advisory-db's
    // layout, so read whole.
    let scoped = dir.path().join("advisory-db");
    copy_tree(&t.rustsec, &scoped);
    let broken = scoped.join("crates/zzz-not-in-the-lock");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(
        broken.join("RUSTSEC-2099-0001.md"),
        "```toml\n[advisory\n```\n",
    )
    .unwrap();
    // The upstream repository's own top-level files keep the layout.
    std::fs::write(scoped.join("README.md"), "# RustSec Advisory Database\n").unwrap();
    std::fs::write(
        scoped.join("EXAMPLE_ADVISORY.md"),
        "```toml\n[advisory]\nid = \"RUSTSEC-0000-0000\"\npackage = \"crate-name\"\ndate = \"2020-01-31\"\n\n[versions]\npatched = [\">= 1.3.4\"]\n```\n\n# RustSec Advisory Template\n",
    )
    .unwrap();
    let whole = dir.path().join("feeds");
    copy_tree(&scoped, &whole);
    std::fs::write(whole.join("notes.txt"), "not part of the advisory-db").unwrap();

    // The whole read meets the broken advisory and refuses, naming it; the
    // scoped one never reads it.
    let err = yata(&["scan", s(&t.lock), "--feeds", s(&whole), "--format", "json"]);
    assert_eq!(err.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&err.stderr);
    assert!(stderr.contains("RUSTSEC-2099-0001.md"), "{stderr}");
    std::fs::remove_dir_all(whole.join("crates/zzz-not-in-the-lock")).unwrap();

    let repo_lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    for lock in [t.lock.as_path(), repo_lock.as_path()] {
        let from_scoped = scan_json(&["scan", s(lock), "--feeds", s(&scoped), "--format", "json"]);
        assert_eq!(from_scoped["summary"]["vulnerabilities_known"], Value::Null);
        let from_whole = scan_json(&["scan", s(lock), "--feeds", s(&whole), "--format", "json"]);
        assert_eq!(
            from_scoped["findings"],
            from_whole["findings"],
            "{}",
            lock.display()
        );
        assert!(
            from_whole["summary"]["vulnerabilities_known"]
                .as_u64()
                .unwrap()
                > 1000
        );
    }

    // CVE-2020-8927 has an advisory for brotli-sys and one for
    // compu-brotli-sys. Read for brotli-sys alone, the raw directory gives
    // the aliases of the advisory read; the snapshot, every alias. The
    // finding is otherwise the same.
    let lock = dir.path().join("brotli/Cargo.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(
        &lock,
        "version = 3\n\n[[package]]\nname = \"brotli-sys\"\nversion = \"0.3.2\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .unwrap();
    let snap = dir.path().join("rustsec.snap");
    check(&["feed", "import", s(&t.rustsec), "--out", s(&snap)], 0);
    let mut raw = scan_json(&[
        "scan",
        s(&lock),
        "--feeds",
        s(&t.rustsec),
        "--format",
        "json",
    ]);
    let mut full = scan_json(&["scan", s(&lock), "--feeds", s(&snap), "--format", "json"]);
    let (raw, full) = (&mut raw["findings"][0], &mut full["findings"][0]);
    assert_eq!(raw["id"], "CVE-2020-8927");
    assert_eq!(raw["aliases"], serde_json::json!(["RUSTSEC-2021-0131"]));
    assert_eq!(
        full["aliases"],
        serde_json::json!([
            "CVE-2020-36846",
            "GHSA-5v8v-66v8-mwm7",
            "RUSTSEC-2021-0131",
            "RUSTSEC-2021-0132"
        ])
    );
    raw["aliases"] = Value::Null;
    full["aliases"] = Value::Null;
    assert_eq!(raw, full);
}

#[test]
fn bad_input_exits_2() {
    let Some(t) = setup() else { return };
    check(
        &["scan", "/nonexistent/Cargo.lock", "--feeds", s(&t.rustsec)],
        2,
    );
    check(&["scan", s(&t.lock), "--feeds", "/nonexistent/feeds"], 2);
    check(
        &[
            "scan",
            s(&t.lock),
            "--feeds",
            s(&t.rustsec),
            "--vex",
            s(&t.lock),
        ],
        2,
    );
}

/// An asset register (CSV, Japanese headers) against the KEV catalog alone:
/// KEV names vendor and product only, so the finding is a possible one, and
/// the row's own exposure decides.
#[test]
fn asset_register_rows_match_kev_products_as_possible_findings() {
    let Some(kev) = yata_testdata::path("kev/known_exploited_vulnerabilities.json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("assets.csv");
    std::fs::write(
        &csv,
        "ベンダ,製品名,バージョン,ホスト名,インターネット公開,重要度\n\
         Citrix,NetScaler ADC,14.1-43.50,gw01,はい,高\n\
         Citrix,NetScaler ADC,14.1-43.50,gw02,いいえ,高\n\
         Example,Widget,1.0,w01,いいえ,低\n",
    )
    .unwrap();
    let v = scan_json(&["scan", s(&csv), "--feeds", s(&kev), "--format", "json"]);
    let bleed: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "CVE-2025-5777")
        .collect();
    assert_eq!(bleed.len(), 2, "{v:#}");
    for f in &bleed {
        assert_eq!(f["confidence"], "product-only");
        assert_eq!(f["kev"], true);
        assert!(
            f["explanation"]
                .as_str()
                .unwrap()
                .contains("verify the version")
        );
    }
    let exposed = bleed
        .iter()
        .find(|f| f["product"]["hostname"] == "gw01")
        .unwrap();
    let internal = bleed
        .iter()
        .find(|f| f["product"]["hostname"] == "gw02")
        .unwrap();
    assert_eq!(exposed["ssvc"]["publicly_exposed"]["value"], "yes");
    assert_eq!(exposed["decision"], "3 days & forensic investigation");
    assert_eq!(internal["ssvc"]["publicly_exposed"]["value"], "no");
    // KEV, automatable and total impact (both conservative defaults: KEV
    // gives no CVSS) reach forensics on an internal asset too (row 13).
    assert_eq!(internal["decision"], "3 days & forensic investigation");
    assert_eq!(internal["ssvc"]["automatable"]["source"], "default");
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["product"]["product"] == "Widget")
    );
}
