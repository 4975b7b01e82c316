//! Cargo, poetry, uv, Pipfile and requirements files: every fixture's
//! components asserted exactly, and this repository's own Cargo.lock.

use yata_inventory::{Format, Limits, parse};

mod common;

use common::*;

#[test]
fn cargo_v1_metadata_checksums() {
    let inv = check(
        Format::CargoLock,
        "cargo/v1-Cargo.lock",
        &[
            "pkg:cargo/autocfg@1.0.1 #1",
            "pkg:cargo/num-traits@0.2.14 #1",
            "pkg:cargo/sensor-daemon@0.3.0",
            "pkg:cargo/serde@1.0.123",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("1"));
    let autocfg = &inv.components[0];
    assert_eq!(autocfg.ecosystem.as_deref(), Some("crates.io"));
    assert_eq!(autocfg.hashes[0].alg, "SHA-256");
    assert_eq!(
        autocfg.hashes[0].value,
        "cdb031dd78e28731d87d56cc8ffef4a8f36ca26c38fe2de700543e627f8a464a"
    );
    assert_eq!(
        edges(&inv, "pkg:cargo/sensor-daemon@0.3.0"),
        ["pkg:cargo/num-traits@0.2.14", "pkg:cargo/serde@1.0.123"]
    );
    assert!(warning_at(&inv, "/package/2").contains("path or workspace crate"));
    assert!(warning_at(&inv, "/package/3").contains("from git"));
}

#[test]
fn cargo_v2_inline_checksums() {
    let inv = check(
        Format::CargoLock,
        "cargo/v2-Cargo.lock",
        &[
            "pkg:cargo/bitflags@1.2.1 #1",
            "pkg:cargo/cfg-if@1.0.0 #1",
            "pkg:cargo/log@0.4.14 #1",
            "pkg:cargo/tiny-cli@0.1.0",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("2"));
    assert_eq!(
        edges(&inv, "pkg:cargo/log@0.4.14"),
        ["pkg:cargo/cfg-if@1.0.0"]
    );
}

#[test]
fn cargo_v3_two_versions_git_and_other_registry() {
    let inv = check(
        Format::CargoLock,
        "cargo/v3-Cargo.lock",
        &[
            "pkg:cargo/base64@0.13.1 #1",
            "pkg:cargo/base64@0.21.2 #1",
            "pkg:cargo/gateway@0.2.0",
            "pkg:cargo/internal-auth@0.1.0 #1",
            "pkg:cargo/reqwest-lite@0.4.0",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("3"));
    assert_eq!(
        edges(&inv, "pkg:cargo/gateway@0.2.0"),
        [
            "pkg:cargo/base64@0.21.2",
            "pkg:cargo/internal-auth@0.1.0",
            "pkg:cargo/reqwest-lite@0.4.0"
        ]
    );
    assert_eq!(
        edges(&inv, "pkg:cargo/reqwest-lite@0.4.0"),
        ["pkg:cargo/base64@0.13.1"]
    );
    assert!(warned(&inv, "from another registry"));
    assert!(warned(&inv, "from git"));
}

#[test]
fn cargo_v4_sparse_registry() {
    let inv = check(
        Format::CargoLock,
        "cargo/v4-Cargo.lock",
        &[
            "pkg:cargo/anyhow@1.0.86 #1",
            "pkg:cargo/app@0.1.0",
            "pkg:cargo/app-core@0.1.0",
            "pkg:cargo/itoa@1.0.11 #1",
            "pkg:cargo/serde_json@1.0.120 #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("4"));
    // Only the two path crates are warned about; sparse crates.io is crates.io.
    assert_eq!(inv.warnings.len(), 2, "{:?}", inv.warnings);
}

#[test]
fn cargo_own_lockfile() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock");
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let packages = text.lines().filter(|l| *l == "[[package]]").count();
    let inv = inventory(Format::CargoLock, &bytes);
    assert!(packages > 50);
    assert_eq!(inv.components.len(), packages);
    assert!(inv.components.iter().all(|c| c.purl.is_some()));
    let ours = inv
        .components
        .iter()
        .find(|c| c.name == "yata-inventory")
        .unwrap();
    let deps = edges(&inv, ours.id.as_deref().unwrap());
    assert!(
        deps.iter()
            .any(|d| d.starts_with("pkg:cargo/serde-saphyr@")),
        "{deps:?}"
    );
}

#[test]
fn cargo_errors_are_located() {
    let e = error(
        Format::CargoLock,
        "version = 3\n\n[[package]]\nname = \"a\"\nversion = \n",
    );
    assert_eq!(e.path, "line 5");
    let e = error(
        Format::CargoLock,
        "version = 3\n[[package]]\nname = \"a\"\n",
    );
    assert_eq!(e.path, "/package/0");
    let e = error(Format::CargoLock, "version = \"3\"\n");
    assert_eq!(e.path, "/version");
    let deep = format!("x = {}{}\n", "[".repeat(500), "]".repeat(500));
    let e = error(Format::CargoLock, &deep);
    assert_eq!(e.path, "line 1");
}

#[test]
fn poetry_v1_category_and_metadata_files() {
    let inv = check(
        Format::PoetryLock,
        "poetry/v1-poetry.lock",
        &[
            "pkg:pypi/certifi@2021.10.8 #2",
            "pkg:pypi/pytest@6.2.5 dev",
            "pkg:pypi/pluggy@1.0.0 dev #1",
            "pkg:pypi/requests@2.26.0 #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("1.1"));
    assert_eq!(
        edges(&inv, "pkg:pypi/pytest@6.2.5"),
        ["pkg:pypi/pluggy@1.0.0"]
    );
    assert_eq!(
        edges(&inv, "pkg:pypi/requests@2.26.0"),
        ["pkg:pypi/certifi@2021.10.8"]
    );
    assert_eq!(inv.components[0].ecosystem.as_deref(), Some("PyPI"));
}

#[test]
fn poetry_v2_groups_and_git_source() {
    let inv = check(
        Format::PoetryLock,
        "poetry/v2-poetry.lock",
        &[
            "pkg:pypi/django@4.2.7 #2",
            "pkg:pypi/asgiref@3.7.2 #1",
            "pkg:pypi/black@23.11.0 dev #1",
            "pkg:pypi/internal-sdk@0.5.0",
            "pkg:pypi/sqlparse@0.4.4 #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("2.1"));
    assert_eq!(
        edges(&inv, "pkg:pypi/django@4.2.7"),
        ["pkg:pypi/asgiref@3.7.2", "pkg:pypi/sqlparse@0.4.4"]
    );
    assert_eq!(inv.components[0].name, "Django");
    assert!(warning_at(&inv, "/package/3").contains("from git"));
}

#[test]
fn uv_project_workspace_and_dev_groups() {
    let inv = check(
        Format::UvLock,
        "uv/uv.lock",
        &[
            "pkg:pypi/anyio@4.4.0 #2",
            "pkg:pypi/idna@3.7 #1",
            "pkg:pypi/packaging@24.1 dev #1",
            "pkg:pypi/pytest@8.2.2 dev #1",
            "pkg:pypi/shared-lib@0.2.0",
            "pkg:pypi/sniffio@1.3.1 #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("1"));
    assert_eq!(
        inv.subject.as_ref().and_then(|s| s.purl.as_deref()),
        Some("pkg:pypi/my-service@0.1.0")
    );
    assert_eq!(
        edges(&inv, "pkg:pypi/my-service@0.1.0"),
        [
            "pkg:pypi/anyio@4.4.0",
            "pkg:pypi/pytest@8.2.2",
            "pkg:pypi/shared-lib@0.2.0"
        ]
    );
    // `Sniffio` written with another case still resolves.
    assert_eq!(
        edges(&inv, "pkg:pypi/shared-lib@0.2.0"),
        ["pkg:pypi/sniffio@1.3.1"]
    );
    assert!(warned(&inv, "editable source libs/shared"));
}

#[test]
fn pipfile_default_and_develop() {
    let inv = check(
        Format::PipfileLock,
        "pipfile/Pipfile.lock",
        &[
            // In both sections: not dev-only.
            "pkg:pypi/flask@2.3.2 #2",
            "pkg:pypi/zope-interface@6.0 #1",
            "pkg:pypi/pytest@7.4.0 dev #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("6"));
    assert!(warning_at(&inv, "/default/internal-tools").contains("unresolved (git)"));
}

#[test]
fn pipfile_errors() {
    let e = error(Format::PipfileLock, "{\"default\": []}");
    assert_eq!(e.path, "/default");
    let e = error(Format::PipfileLock, "{\n\"default\": {\n");
    assert!(e.path.starts_with("line 3"), "{e}");
}

#[test]
fn requirements_pinned_unpinned_and_includes() {
    let inv = check(
        Format::Requirements,
        "requirements/requirements.txt",
        &[
            "pkg:pypi/django@4.2.7 #2",
            "pkg:pypi/requests@2.31.0",
            "pkg:pypi/zope-interface@6.0",
            "pkg:pypi/pywin32@306",
            "pkg:pypi/typing-extensions@4.8.0",
        ],
    );
    assert!(warning_at(&inv, "line 4").contains("requirements-base.txt"));
    assert!(warning_at(&inv, "line 5").contains("constraints.txt"));
    assert!(warning_at(&inv, "line 15").contains("unresolved: urllib3"));
    assert!(warning_at(&inv, "line 16").contains("unresolved: celery: no version"));
    assert!(warning_at(&inv, "line 17").contains("unresolved: numpy"));
    assert!(warning_at(&inv, "line 18").contains("editable"));
    assert!(warning_at(&inv, "line 19").contains("unresolved: private-lib"));
    assert!(warning_at(&inv, "line 20").contains("unresolved"));
    assert_eq!(inv.warnings.len(), 8, "{:?}", inv.warnings);
    let django = &inv.components[0];
    assert_eq!(django.name, "Django");
    assert_eq!(django.hashes[1].alg, "SHA-256");
    assert_eq!(
        django.hashes[1].value,
        "8e0f1c2c2786b5c0e39fe1afce24c926040fad47c8ea8ad30aaf1188df29fc41"
    );
}

#[test]
fn requirements_not_utf8_is_located() {
    let e = parse(Format::Requirements, b"a==1\nb==\xff\n", &Limits::default()).unwrap_err();
    assert_eq!(e.path, "line 2");
}
