//! npm, yarn and pnpm lockfiles: every fixture's components asserted exactly.

use yata_inventory::{Format, Limits, parse};

mod common;

use common::*;

#[test]
fn npm_v1_nested_aliases_git_and_file() {
    let inv = check(
        Format::NpmLock,
        "npm/v1-package-lock.json",
        &[
            "pkg:npm/%40babel/code-frame@7.12.13 dev #1",
            "pkg:npm/%40babel/highlight@7.13.10 dev #1",
            "pkg:npm/debug@4.3.1 #1",
            "pkg:npm/ms@2.1.2 #1",
            "pkg:npm/ms@2.0.0 #1",
            "pkg:npm/lodash@4.17.21 #1",
            "pkg:npm/lodash@4.17.20 #1",
            "left-pad@git+https://github.com/stevemao/left-pad.git#5a8cfc9e8ba5d7b0e2bfcf9a84e39d0bff5f2b25",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("1"));
    let subject = inv.subject.as_ref().expect("subject");
    assert_eq!(subject.purl.as_deref(), Some("pkg:npm/shop-frontend@1.4.0"));
    let babel = &inv
        .components
        .iter()
        .find(|c| c.name == "code-frame")
        .unwrap();
    assert_eq!(babel.group.as_deref(), Some("@babel"));
    assert_eq!(babel.ecosystem.as_deref(), Some("npm"));
    assert_eq!(babel.hashes[0].alg, "SHA-512");
    // debug's own nested ms, not the top-level one.
    assert_eq!(edges(&inv, "pkg:npm/debug@4.3.1"), ["pkg:npm/ms@2.1.2"]);
    assert_eq!(
        edges(&inv, "pkg:npm/%40babel/code-frame@7.12.13"),
        ["pkg:npm/%40babel/highlight@7.13.10"]
    );
    assert!(warned(&inv, "from git"));
    assert!(warned(&inv, "local package file:../utils"));
}

#[test]
fn npm_v2_packages_and_legacy_dependencies_agree() {
    let inv = check(
        Format::NpmLock,
        "npm/v2-package-lock.json",
        &[
            "pkg:npm/%40types/node@18.11.9 dev #1",
            "pkg:npm/debug@4.3.1 #1",
            "pkg:npm/ms@2.1.2 #1",
            "pkg:npm/lodash@4.17.21 #1",
            "pkg:npm/ms@2.0.0 #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("2"));
    assert_eq!(
        edges(&inv, "pkg:npm/shop-frontend@1.4.0"),
        [
            "pkg:npm/%40types/node@18.11.9",
            "pkg:npm/debug@4.3.1",
            "pkg:npm/lodash@4.17.21"
        ]
    );
    assert_eq!(edges(&inv, "pkg:npm/debug@4.3.1"), ["pkg:npm/ms@2.1.2"]);
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn npm_v3_workspaces_links_aliases_bundled() {
    let inv = check(
        Format::NpmLock,
        "npm/v3-package-lock.json",
        &[
            "pkg:npm/%40vitejs/plugin-react@4.0.0 dev #1",
            "pkg:npm/fsevents@2.3.2 dev #1",
            "pkg:npm/js-tokens@4.0.0 #1",
            "pkg:npm/loose-envify@1.4.0 #1",
            "pkg:npm/react@18.2.0 #1",
            "pkg:npm/typescript@5.1.6 dev #1",
            // `ui-lodash` is an alias of lodash.
            "pkg:npm/lodash@4.17.21 #1",
            "pkg:npm/tiny-emitter@2.1.0",
            // Bundled inside the workspace package.
            "pkg:npm/js-tokens@3.0.2 #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("3"));
    assert_eq!(
        inv.subject.as_ref().and_then(|s| s.purl.as_deref()),
        Some("pkg:npm/monorepo@0.0.0")
    );
    assert_eq!(
        edges(&inv, "pkg:npm/loose-envify@1.4.0"),
        ["pkg:npm/js-tokens@4.0.0"]
    );
    assert!(warned(&inv, "workspace package"));
    assert!(warned(&inv, "tiny-emitter: from git"));
}

#[test]
fn npm_shrinkwrap() {
    let inv = check(
        Format::NpmLock,
        "npm/npm-shrinkwrap.json",
        &["pkg:npm/chalk@5.3.0 #1"],
    );
    assert_eq!(
        edges(&inv, "pkg:npm/cli-tool@2.0.1"),
        ["pkg:npm/chalk@5.3.0"]
    );
}

#[test]
fn npm_errors_are_located() {
    let e = error(
        Format::NpmLock,
        "{\n  \"lockfileVersion\": 2,\n  \"packages\": [}",
    );
    assert_eq!(e.path, "line 3 column 16");
    let e = error(Format::NpmLock, r#"{"lockfileVersion": 3, "packages": []}"#);
    assert_eq!(e.path, "/packages");
    let e = error(Format::NpmLock, "[1, 2]");
    assert_eq!(e.path, "");
}

#[test]
fn npm_tolerates_odd_entries() {
    let text = r#"{"lockfileVersion": 3, "packages": {
        "": {"name": "x"},
        "node_modules/a": 5,
        "node_modules/b": {"resolved": "https://example.org/b.tgz"},
        "node_modules/c": {"version": "1.0.0", "integrity": "md4-xx sha1-abc"}
    }}"#;
    let inv = parse(Format::NpmLock, text.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(summary(&inv), ["pkg:npm/c@1.0.0 #1"]);
    assert_eq!(inv.warnings.len(), 2, "{:?}", inv.warnings);
    assert_eq!(inv.warnings[0].path, "/packages/node_modules~1a");
}

#[test]
fn yarn_classic() {
    let inv = check(
        Format::YarnLock,
        "yarn/classic-yarn.lock",
        &[
            "pkg:npm/%40babel/code-frame@7.12.13 #1",
            "pkg:npm/%40babel/highlight@7.13.10 #1",
            // No integrity: the SHA-1 after `#` in `resolved`.
            "pkg:npm/debug@2.6.9 #1",
            "pkg:npm/debug@4.3.1 #1",
            "pkg:npm/js-tokens@4.0.0 #1",
            "pkg:npm/left-pad@1.3.0",
            "pkg:npm/ms@2.0.0 #1",
            "pkg:npm/ms@2.1.2 #1",
            // Alias `string-width-cjs@npm:string-width@^4.2.0`.
            "pkg:npm/string-width@4.2.3 #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("1"));
    assert_eq!(edges(&inv, "pkg:npm/debug@2.6.9"), ["pkg:npm/ms@2.0.0"]);
    assert_eq!(edges(&inv, "pkg:npm/debug@4.3.1"), ["pkg:npm/ms@2.1.2"]);
    assert_eq!(
        edges(&inv, "pkg:npm/%40babel/highlight@7.13.10"),
        ["pkg:npm/js-tokens@4.0.0"]
    );
    let debug = inv
        .components
        .iter()
        .find(|c| c.id.as_deref() == Some("pkg:npm/debug@2.6.9"));
    assert_eq!(debug.unwrap().hashes[0].alg, "SHA-1");
    assert!(warned(&inv, "local package"));
}

#[test]
fn yarn_classic_errors_are_located() {
    let e = error(
        Format::YarnLock,
        "# yarn lockfile v1\n\n  version \"1.0.0\"\n",
    );
    assert_eq!(e.path, "line 3");
    let e = error(Format::YarnLock, "\"a@^1:\n  version \"1\"\n");
    assert_eq!(e.path, "line 1");
    let e = error(Format::YarnLock, "a@^1:\n  version \"1.0.0\"\nb@^2\n");
    assert_eq!(e.path, "line 3");
}

#[test]
fn yarn_berry() {
    let inv = check(
        Format::YarnLock,
        "yarn/berry-yarn.lock",
        &[
            "pkg:npm/%40babel/code-frame@7.12.13 #1",
            "pkg:npm/%40babel/highlight@7.13.10 #1",
            "pkg:npm/fsevents@2.3.2 #1",
            "pkg:npm/js-tokens@4.0.0 #1",
            "pkg:npm/left-pad@1.3.0 #1",
            "pkg:npm/ms@2.1.2 #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("8"));
    assert_eq!(
        inv.subject.as_ref().and_then(|s| s.purl.as_deref()),
        Some("pkg:npm/shop@0.0.0-use.local")
    );
    assert_eq!(
        edges(&inv, "pkg:npm/shop@0.0.0-use.local"),
        [
            "pkg:npm/%40babel/code-frame@7.12.13",
            "pkg:npm/fsevents@2.3.2",
            "pkg:npm/left-pad@1.3.0",
            "pkg:npm/ms@2.1.2",
        ]
    );
    assert_eq!(
        edges(&inv, "pkg:npm/%40babel/highlight@7.13.10"),
        ["pkg:npm/js-tokens@4.0.0"]
    );
    assert!(warned(&inv, "patch protocol"));
    assert!(warned(&inv, "workspace package"));
    assert!(warned(&inv, "not from the npm registry"));
    let ms = inv.components.iter().find(|c| c.name == "ms").unwrap();
    assert_eq!(ms.hashes[0].alg, "SHA-512");
    assert!(ms.hashes[0].value.starts_with("a437714e"));
}

#[test]
fn yarn_berry_bad_yaml_is_located() {
    let e = error(
        Format::YarnLock,
        "__metadata:\n  version: 6\n\"a@npm:1\": [\n",
    );
    assert!(e.path.starts_with("line "), "{e}");
}

#[test]
fn pnpm_v5() {
    let inv = check(
        Format::PnpmLock,
        "pnpm/v5-pnpm-lock.yaml",
        &[
            "pkg:npm/%40babel/core@7.20.5 dev #1",
            "pkg:npm/debug@4.3.4 dev #1",
            "pkg:npm/js-tokens@4.0.0 #1",
            "pkg:npm/loose-envify@1.4.0 #1",
            "pkg:npm/ms@2.1.2 dev #1",
            "pkg:npm/react-dom@18.2.0 #1",
            "pkg:npm/react@18.2.0 #1",
            "pkg:npm/scheduler@0.23.0 #1",
            "pkg:npm/typescript@4.9.3 dev #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("5.4"));
    assert_eq!(
        edges(&inv, "pkg:npm/react-dom@18.2.0"),
        [
            "pkg:npm/loose-envify@1.4.0",
            "pkg:npm/react@18.2.0",
            "pkg:npm/scheduler@0.23.0"
        ]
    );
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn pnpm_v6() {
    let inv = check(
        Format::PnpmLock,
        "pnpm/v6-pnpm-lock.yaml",
        &[
            "pkg:npm/%40tanstack/query-core@4.29.5 #1",
            "pkg:npm/%40tanstack/react-query@4.29.5 #1",
            "pkg:npm/js-tokens@4.0.0 #1",
            "pkg:npm/loose-envify@1.4.0 #1",
            "pkg:npm/react@18.2.0 #1",
            "pkg:npm/use-sync-external-store@1.2.0 #1",
            "pkg:npm/vitest@0.31.0 dev #1",
            "pkg:npm/is-even@1.0.0",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("6.0"));
    assert_eq!(
        edges(&inv, "pkg:npm/%40tanstack/react-query@4.29.5"),
        [
            "pkg:npm/%40tanstack/query-core@4.29.5",
            "pkg:npm/react@18.2.0",
            "pkg:npm/use-sync-external-store@1.2.0"
        ]
    );
    assert!(warned(&inv, "not from the npm registry"));
}

#[test]
fn pnpm_v9_dev_from_importers() {
    let inv = check(
        Format::PnpmLock,
        "pnpm/v9-pnpm-lock.yaml",
        &[
            "pkg:npm/%40types/prop-types@15.7.5 dev #1",
            "pkg:npm/%40types/react@18.2.15 dev #1",
            "pkg:npm/js-tokens@4.0.0 #1",
            "pkg:npm/lodash@4.17.21 #1",
            "pkg:npm/loose-envify@1.4.0 #1",
            "pkg:npm/prettier@3.0.0 dev #1",
            "pkg:npm/react-dom@18.2.0 #1",
            "pkg:npm/react@18.2.0 #1",
            "pkg:npm/scheduler@0.23.0 #1",
        ],
    );
    assert_eq!(inv.document.spec_version.as_deref(), Some("9.0"));
    assert_eq!(
        edges(&inv, "pkg:npm/react-dom@18.2.0"),
        [
            "pkg:npm/loose-envify@1.4.0",
            "pkg:npm/react@18.2.0",
            "pkg:npm/scheduler@0.23.0"
        ]
    );
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn pnpm_errors() {
    let e = error(
        Format::PnpmLock,
        "lockfileVersion: '9.0'\npackages: [1, 2]\n",
    );
    assert_eq!(e.path, "/packages");
    let e = error(
        Format::PnpmLock,
        "lockfileVersion: '9.0'\npackages:\n  a: {b: [}\n",
    );
    assert!(e.path.starts_with("line "), "{e}");
}

#[test]
fn component_limit_is_an_error() {
    let limits = Limits {
        max_components: 2,
        ..Limits::default()
    };
    let bytes = read("pnpm/v9-pnpm-lock.yaml");
    let e = parse(Format::PnpmLock, &bytes, &limits).unwrap_err();
    assert!(e.message.contains("more than 2 components"), "{e}");
}
