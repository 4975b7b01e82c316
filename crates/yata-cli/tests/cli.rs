//! The command-line contract that scripts outside the project rely on:
//! outputs and exit codes (0 success, 1 failure or invalid, 2 bad input).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn yata(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yata"))
        .args(args)
        .output()
        .unwrap()
}

fn yata_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yata"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs `args`, checks the exit code, returns standard output.
#[track_caller]
fn check(args: &[&str], code: i32) -> String {
    let out = yata(args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    stdout
}

#[test]
fn version_cmp() {
    assert_eq!(
        check(
            &[
                "version",
                "cmp",
                "--ecosystem",
                "Debian",
                "1.2.3-1~deb12u1",
                "1.2.3-1"
            ],
            0
        ),
        "<\n"
    );
    assert_eq!(
        check(&["version", "cmp", "-e", "PyPI", "1.0", "1.0.0"], 0),
        "=\n"
    );
    assert_eq!(
        check(&["version", "cmp", "-e", "Red Hat", "1:1.0-1", "2.0-1"], 0),
        ">\n"
    );
    assert_eq!(
        check(
            &["version", "cmp", "-e", "generic", "10.2.9-h1", "10.2.9"],
            0
        ),
        ">\n"
    );
    check(&["version", "cmp", "-e", "Cobol", "1", "2"], 2);
    check(&["version", "cmp", "-e", "Hex", "1.0", "2.0.0"], 2);
    check(&["version", "cmp", "-e", "npm", "1.0.0"], 2);
    let out = yata_stdin(
        &["version", "cmp", "-e", "npm", "--batch"],
        "1.0.0 2.0.0\n2.0.0  1.0.0\nnot-a-version 1.0.0\n\n1.0.0 1.0.0\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(&lines[..2], ["<", ">"]);
    assert!(lines[2].starts_with("error: "), "{}", lines[2]);
    assert!(lines[3].starts_with("error: "), "{}", lines[3]);
    assert_eq!(lines[4], "=");
}

#[test]
fn purl() {
    assert_eq!(
        check(&["purl", "pkg:PYPI/Django_Rest@1.0"], 0),
        "pkg:pypi/django-rest@1.0\n"
    );
    let out = yata(&["purl", "pkg:npm/%zz@1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("byte"), "a located reason: {err}");
}

#[test]
fn cpe_match() {
    let any = "cpe:2.3:a:apache:*:*:*:*:*:*:*:*:*";
    let log4j = "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*";
    assert_eq!(check(&["cpe", "match", any, log4j], 0), "superset\n");
    assert_eq!(check(&["cpe", "match", log4j, any], 0), "subset\n");
    assert_eq!(
        check(&["cpe", "match", "cpe:/a:apache:log4j:2.14.1", log4j], 0),
        "equal\n"
    );
    assert_eq!(
        check(
            &[
                "cpe",
                "match",
                log4j,
                "cpe:2.3:a:apache:tomcat:9:*:*:*:*:*:*:*"
            ],
            0
        ),
        "disjoint\n"
    );
    check(&["cpe", "match", "cpe:2.3:a:x", log4j], 2);
}

#[test]
fn feed_import_stats_and_show() {
    let Some(go) = yata_testdata::path("osv/Go.zip") else {
        return;
    };
    let kev = yata_testdata::path("kev/known_exploited_vulnerabilities.csv").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("feeds.snap");
    let snap_s = snap.to_str().unwrap();
    let out = check(
        &[
            "feed",
            "import",
            go.to_str().unwrap(),
            kev.to_str().unwrap(),
            "--out",
            snap_s,
        ],
        0,
    );
    assert!(out.contains("4291 records read, 4291 imported"), "{out}");
    let stats: serde_json::Value =
        serde_json::from_str(&check(&["feed", "stats", snap_s], 0)).unwrap();
    assert_eq!(
        stats["by_source"],
        serde_json::json!({"kev": 1404, "osv": 4291})
    );
    assert_eq!(stats["by_ecosystem"]["Go"], 4291);
    assert_eq!(stats["kev"], 1404);
    for key in [
        "vulnerabilities",
        "by_source",
        "by_ecosystem",
        "kev",
        "with_epss",
        "withdrawn",
    ] {
        assert!(stats.get(key).is_some(), "{key}");
    }
    // Any alias finds the merged record.
    let shown: serde_json::Value = serde_json::from_str(&check(
        &["vuln", "show", "GHSA-2h2x-8hh2-mfq8", "--feeds", snap_s],
        0,
    ))
    .unwrap();
    let go_id = shown["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a.as_str().unwrap().starts_with("GO-"));
    assert!(go_id, "{shown}");
    assert!(shown["packages"][0]["source"] == "osv");
    check(&["vuln", "show", "CVE-1999-0001", "--feeds", snap_s], 1);

    // Update from a base snapshot.
    let snap2 = dir.path().join("feeds2.snap");
    let out = check(
        &[
            "feed",
            "import",
            go.to_str().unwrap(),
            "--base",
            snap_s,
            "--out",
            snap2.to_str().unwrap(),
        ],
        0,
    );
    assert!(out.contains("added 0, updated 0, unchanged 4291"), "{out}");
}

#[test]
fn bad_records_write_nothing_unless_keep_going() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("GO-2099-0001.json"),
        r#"{"schema_version": "1.3.1", "id": "GO-2099-0001", "modified": "2023-01-01T00:00:00Z", "aliases": ["CVE-2099-0001"]}"#,
    )
    .unwrap();
    std::fs::write(
        src.join("GO-2099-0002.json"),
        r#"{"schema_version": "1.3.1", "id": "GO-2099-0002", "modified": "2023-01-01T00:00:00Z", "affected": "oops"}"#,
    )
    .unwrap();
    let snap = dir.path().join("out.snap");
    let args = [
        "feed",
        "import",
        src.to_str().unwrap(),
        "--out",
        snap.to_str().unwrap(),
    ];
    let out = yata(&args);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("GO-2099-0002.json: /affected"),
        "file and path: {err}"
    );
    assert!(!snap.exists(), "nothing written");
    let mut keep = args.to_vec();
    keep.push("--keep-going");
    check(&keep, 0);
    let stats: serde_json::Value =
        serde_json::from_str(&check(&["feed", "stats", snap.to_str().unwrap()], 0)).unwrap();
    assert_eq!(stats["vulnerabilities"], 1);
}

#[test]
fn snapshots_of_other_versions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("old.snap");
    let mut bytes = b"YATASNAP".to_vec();
    bytes.extend_from_slice(&0u32.to_le_bytes());
    std::fs::write(&bogus, bytes).unwrap();
    let out = yata(&["feed", "stats", bogus.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("format version 0 is not supported")
    );
    std::fs::write(&bogus, b"hello").unwrap();
    assert_eq!(
        yata(&["feed", "stats", bogus.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn csaf_validate_exit_codes() {
    let Some(dir) = yata_testdata::path("csaf") else {
        return;
    };
    let valid = first_json(&dir.join("examples/csaf"));
    check(&["csaf", "validate", valid.to_str().unwrap()], 0);
    let invalid = dir.join("validator-tests/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json");
    let out = check(&["csaf", "validate", invalid.to_str().unwrap()], 1);
    assert!(out.contains("error: 6.1.1 /product_tree/"), "{out}");
    check(&["csaf", "validate", "/nonexistent.json"], 2);
}

fn first_json(dir: &Path) -> std::path::PathBuf {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files.remove(0)
}

#[test]
fn inventory_parse_validate_and_scan() {
    let Some(dir) = yata_testdata::path("cyclonedx/spec-tests/1.6") else {
        return;
    };
    let valid = dir.join("valid-component-swid-1.6.json");
    let invalid = dir.join("invalid-component-swid-1.6.json");
    check(&["inventory", "validate", valid.to_str().unwrap()], 0);
    let out = check(&["inventory", "validate", invalid.to_str().unwrap()], 1);
    assert!(out.contains("/components/0/swid"), "located: {out}");
    check(&["inventory", "validate", "/nonexistent.json"], 2);

    let parsed: serde_json::Value =
        serde_json::from_str(&check(&["inventory", "parse", valid.to_str().unwrap()], 0)).unwrap();
    assert_eq!(parsed["format"], "cyclonedx-json");
    assert_eq!(parsed["spec_version"], "1.6");
    for key in ["components", "products", "warnings"] {
        assert!(parsed[key].is_array(), "{key}");
    }

    // This repository's own lockfile: every [[package]] once.
    let lock = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock");
    let expected = std::fs::read_to_string(lock)
        .unwrap()
        .matches("[[package]]")
        .count();
    let parsed: serde_json::Value =
        serde_json::from_str(&check(&["inventory", "parse", lock], 0)).unwrap();
    assert_eq!(parsed["components"].as_array().unwrap().len(), expected);
    assert!(
        parsed["components"][0]["purl"]
            .as_str()
            .unwrap()
            .starts_with("pkg:cargo/")
    );

    let rootfs = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../yata-inventory/tests/data/os/rootfs-debian"
    );
    let scanned: serde_json::Value =
        serde_json::from_str(&check(&["inventory", "scan-rootfs", rootfs], 0)).unwrap();
    assert_eq!(scanned["components"][0]["ecosystem"], "Debian:12");
}

#[test]
fn cvss() {
    let json =
        |args: &[&str]| -> serde_json::Value { serde_json::from_str(&check(args, 0)).unwrap() };
    assert_eq!(
        json(&["cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]),
        serde_json::json!({"version": "3.1", "base": 9.8, "temporal": null,
                           "environmental": null, "severity": "Critical"})
    );
    // Severity is that of the most specific score.
    assert_eq!(
        json(&[
            "cvss",
            "CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/MAV:A/MAC:L/MPR:N/MUI:N/MS:U/MC:N/MI:N/MA:N"
        ]),
        serde_json::json!({"version": "3.0", "base": 4.6, "temporal": null,
                           "environmental": 0.0, "severity": "None"})
    );
    assert_eq!(
        json(&["cvss", "(AV:N/AC:L/Au:S/C:C/I:C/A:C/E:F/RL:U/RC:C)"]),
        serde_json::json!({"version": "2.0", "base": 9.0, "temporal": 8.6,
                           "environmental": null, "severity": "High"})
    );
    assert_eq!(
        json(&[
            "cvss",
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U"
        ]),
        serde_json::json!({"version": "4.0", "base": 4.1, "temporal": null,
                           "environmental": null, "severity": "Medium"})
    );

    let out = yata(&["cvss", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(r#"cvss 3.1: metric AV: invalid value "X""#),
        "{err}"
    );
    check(&["cvss", "CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"], 2);
    check(&["cvss"], 2);

    let out = yata_stdin(
        &["cvss", "--batch"],
        "AV:N/AC:L/Au:N/C:P/I:P/A:P\nnonsense\n\nCVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["base"], 7.5);
    assert!(lines[1]["error"].as_str().unwrap().contains("nonsense"));
    assert_eq!(lines[2]["error"], "cvss: empty vector");
    assert_eq!(lines[3]["severity"], "None");
}

#[test]
fn inventory_limits_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let bom = dir.path().join("bom.json");
    std::fs::write(
        &bom,
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
            {"type":"library","name":"a","components":[{"type":"library","name":"b"}]},
            {"type":"library","name":"c"}]}"#,
    )
    .unwrap();
    let bom = bom.to_str().unwrap();

    // Defaults: everything is read.
    let parsed: serde_json::Value =
        serde_json::from_str(&check(&["inventory", "parse", bom], 0)).unwrap();
    assert_eq!(parsed["components"].as_array().unwrap().len(), 3);
    check(&["inventory", "parse", "--max-components", "3", bom], 0);

    for (args, flag) in [
        (&["--max-components", "2"][..], "--max-components"),
        (&["--max-depth", "3"], "--max-depth"),
        (&["--max-size", "100"], "--max-size"),
    ] {
        for command in ["parse", "validate"] {
            let out = yata(&[&["inventory", command][..], args, &[bom]].concat());
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command} {args:?}: {stderr}");
            assert!(stderr.contains(flag), "{command} {args:?}: {stderr}");
        }
    }

    let rootfs = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../yata-inventory/tests/data/os/rootfs-debian"
    );
    let out = yata(&["inventory", "scan-rootfs", "--max-components", "1", rootfs]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--max-components"), "{stderr}");
}

/// `yata backup` under a concurrent writer, `yata restore`, `yata audit verify`.
#[test]
fn backup_under_writes_then_restore_verifies() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let live = format!("sqlite://{}", dir.path().join("live.db").display());
    let backup = dir.path().join("backup.db");
    let backup = backup.to_str().unwrap();
    let rt = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    // Create the store before the writer starts, so `backup` finds it.
    rt().block_on(async {
        yata_store::open(&live)
            .await
            .unwrap()
            .close()
            .await
            .unwrap()
    });

    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, live) = (stop.clone(), live.clone());
        std::thread::spawn(move || {
            rt().block_on(async {
                let store = yata_store::open(&live).await.unwrap();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) || n < 20 {
                    let org = yata_store::NewOrganization {
                        name: format!("org-{n}"),
                        kind: yata_store::OrgKind::Operator,
                        sectors: vec!["water".into()],
                    };
                    store
                        .create_organization(&yata_store::Actor::Cli, &org)
                        .await
                        .unwrap();
                    n += 1;
                }
                store.close().await.unwrap();
                n
            })
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    check(&["backup", "--db", &live, "--out", backup], 0);
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert_eq!(
        check(&["audit", "verify", "--db", &live], 0),
        format!("audit log intact: {written} entries\n")
    );

    let restored = format!("sqlite://{}", dir.path().join("restored.db").display());
    let out = check(&["restore", "--db", &restored, "--from", backup], 0);
    assert!(out.contains("audit log intact"), "{out}");
    let out = check(&["audit", "verify", "--db", &restored], 0);
    assert!(out.starts_with("audit log intact: "), "{out}");

    // Tampering behind the store's back: verify names the entry, exit 1.
    rt().block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&restored).await.unwrap();
        sqlx::raw_sql(
            "DROP TRIGGER audit_log_no_update; \
             UPDATE audit_log SET actor = 'someone else' WHERE seq = 3",
        )
        .execute(&mut c)
        .await
        .unwrap();
        c.close().await.unwrap();
    });
    let out = check(&["audit", "verify", "--db", &restored], 1);
    assert!(out.starts_with("audit chain broken at entry 3: "), "{out}");

    check(&["backup", "--db", &live, "--out", backup], 2);
    let missing = format!("sqlite://{}", dir.path().join("missing.db").display());
    check(&["audit", "verify", "--db", &missing], 2);
    let out = yata(&[
        "backup",
        "--db",
        "postgres://localhost/yata",
        "--out",
        "x.db",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}
