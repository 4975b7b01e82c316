//! The two binaries: `yata` links neither the server, nor the store, nor
//! the JSON Schema validator, and hands their commands to `yata-platform`
//! beside it, which runs them with the same arguments and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const YATA: &str = env!("CARGO_BIN_EXE_yata");
const PLATFORM: &str = env!("CARGO_BIN_EXE_yata-platform");

/// Text only each left-out part carries: a route of the server, the
/// store's migrations, an error message of the JSON Schema validator.
const MARKERS: &[&str] = &[
    "/api/v1/incidents/clusters",
    "CREATE TABLE",
    "is not valid under any of the",
];

fn contains(haystack: &[u8], needle: &str) -> bool {
    memchr::memmem::find(haystack, needle.as_bytes()).is_some()
}

#[test]
fn yata_leaves_the_platform_out() {
    let yata = std::fs::read(YATA).unwrap();
    let platform = std::fs::read(PLATFORM).unwrap();
    for marker in MARKERS {
        // The marker means something: the platform binary has it.
        assert!(
            contains(&platform, marker),
            "yata-platform lacks {marker:?}"
        );
        assert!(!contains(&yata, marker), "yata links code with {marker:?}");
    }
    assert!(
        yata.len() < platform.len(),
        "yata ({} bytes) is not smaller than yata-platform ({} bytes)",
        yata.len(),
        platform.len()
    );
}

fn run(bin: &Path, args: &[&str]) -> Output {
    Command::new(bin).args(args).output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// A platform command through `yata` behaves exactly as run in
/// `yata-platform`: output, errors and exit codes.
#[test]
fn platform_commands_are_handed_on_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let missing = format!("sqlite://{}", missing.display());
    let bad_csaf = dir.path().join("bad.json");
    std::fs::write(&bad_csaf, "{}").unwrap();
    let bad_csaf = bad_csaf.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["serve", "--help"],
        &["audit", "verify", "--db", &missing],
        &["backup", "--db", "postgres://x/y", "--out", "z"],
        &["restore", "--db", &missing, "--from", "/nonexistent"],
        &["csaf", "validate", bad_csaf],
        &["inventory", "validate", bad_csaf],
    ];
    for args in cases {
        let via_yata = run(Path::new(YATA), args);
        let direct = run(Path::new(PLATFORM), args);
        assert_eq!(code(&via_yata), code(&direct), "{args:?}");
        assert_eq!(via_yata.stdout, direct.stdout, "{args:?}");
        assert_eq!(via_yata.stderr, direct.stderr, "{args:?}");
    }
    // And they are the commands' own answers, not a failure to hand on.
    let help = run(Path::new(YATA), &["serve", "--help"]);
    assert_eq!(code(&help), 0);
    assert!(String::from_utf8_lossy(&help.stdout).contains("--demo"));
    assert_eq!(
        code(&run(Path::new(YATA), &["csaf", "validate", bad_csaf])),
        1
    );
    let audit = run(Path::new(YATA), &["audit", "verify", "--db", &missing]);
    assert_eq!(code(&audit), 2);
    assert!(String::from_utf8_lossy(&audit.stderr).contains("no such database file"));
    // A usage error is found by `yata` itself, before anything is handed on.
    let usage = run(Path::new(YATA), &["serve", "--no-such-flag"]);
    assert_eq!(code(&usage), 2);
}

/// `yata` alone (no `yata-platform` beside it): its own commands work, and
/// a platform command fails with exit code 1 and says what is missing and
/// how to get it.
#[test]
fn yata_alone_names_the_missing_platform_binary() {
    let dir = tempfile::tempdir().unwrap();
    let alone: PathBuf = dir.path().join("yata");
    std::fs::copy(YATA, &alone).unwrap();
    let out = run(
        &alone,
        &["cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"],
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("9.8"));
    let bad_csaf = dir.path().join("bad.json");
    std::fs::write(&bad_csaf, "{}").unwrap();
    for args in [
        &["csaf", "validate", bad_csaf.to_str().unwrap()][..],
        &["admin", "bootstrap", "--db", "sqlite://x.db"],
    ] {
        let out = run(&alone, args);
        assert_eq!(code(&out), 1, "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expected = dir.path().join("yata-platform");
        assert!(
            stderr.contains(&format!("`yata {}", args[0]))
                && stderr.contains(&expected.display().to_string())
                && stderr.contains("cargo build --release"),
            "{stderr}"
        );
    }
}
