//! Signed feed bundles on the command line (`yata feed keygen`, `feed
//! bundle`, `feed import --trusted-key`): a bundle imports to what its
//! sources import to, and a bundle that is tampered with, truncated, signed
//! by an unknown key, unsigned, or given without trusted keys is refused with
//! exit code 2 and a located reason, and nothing is written.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use yata_knowledge::snapshot;

/// Runs `yata args`, checks the exit code, returns standard output and error.
#[track_caller]
fn check<S: AsRef<OsStr>>(args: &[S], code: i32) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yata"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{shown:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    (stdout, stderr)
}

/// A key pair and a bundle of RustSec's advisory-db and the KEV catalogue.
struct Signed {
    dir: tempfile::TempDir,
    public: PathBuf,
    bundle: PathBuf,
    sources: [PathBuf; 2],
}

fn signed() -> Option<Signed> {
    let db = yata_testdata::path("rustsec/advisory-db")?;
    let kev = yata_testdata::path("kev/known_exploited_vulnerabilities.json")?;
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("feeds");
    check(
        &[
            OsStr::new("feed"),
            "keygen".as_ref(),
            "--out".as_ref(),
            prefix.as_ref(),
        ],
        0,
    );
    let bundle = dir.path().join("feeds.bundle");
    let (out, _) = check(
        &[
            OsStr::new("feed"),
            "bundle".as_ref(),
            "--key".as_ref(),
            dir.path().join("feeds.key").as_ref(),
            "--out".as_ref(),
            bundle.as_ref(),
            db.as_ref(),
            kev.as_ref(),
        ],
        0,
    );
    assert!(out.contains("2 sources, 1207 files"), "{out}");
    Some(Signed {
        public: dir.path().join("feeds.pub"),
        bundle,
        sources: [db, kev],
        dir,
    })
}

fn import_args(sources: &[&Path], keys: &[&Path], out: &Path) -> Vec<PathBuf> {
    let mut args: Vec<PathBuf> = vec!["feed".into(), "import".into()];
    args.extend(sources.iter().map(|s| s.to_path_buf()));
    for k in keys {
        args.push("--trusted-key".into());
        args.push(k.to_path_buf());
    }
    args.push("--out".into());
    args.push(out.to_path_buf());
    args
}

#[test]
fn keygen_keeps_the_secret_key_private_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("k");
    let (out, _) = check(
        &[
            OsStr::new("feed"),
            "keygen".as_ref(),
            "--out".as_ref(),
            prefix.as_ref(),
        ],
        0,
    );
    let secret = dir.path().join("k.key");
    let public = std::fs::read_to_string(dir.path().join("k.pub")).unwrap();
    let key_line = public.lines().nth(1).unwrap();
    assert!(
        public.starts_with("yata-shield ed25519 public key\n"),
        "{public}"
    );
    assert!(out.contains(key_line), "the public key is shown: {out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let before = std::fs::read(&secret).unwrap();
    let (_, err) = check(
        &[
            OsStr::new("feed"),
            "keygen".as_ref(),
            "--out".as_ref(),
            prefix.as_ref(),
        ],
        2,
    );
    assert!(err.contains("exists"), "{err}");
    assert_eq!(std::fs::read(&secret).unwrap(), before);
}

#[test]
fn a_bundle_imports_to_what_its_sources_import_to() {
    let Some(s) = signed() else {
        return;
    };
    let direct = s.dir.path().join("direct.snap");
    let sources: Vec<&Path> = s.sources.iter().map(PathBuf::as_path).collect();
    check(&import_args(&sources, &[], &direct), 0);
    let bundled = s.dir.path().join("bundled.snap");
    // Any one of several trusted keys will do.
    let other = s.dir.path().join("other");
    check(
        &[
            OsStr::new("feed"),
            "keygen".as_ref(),
            "--out".as_ref(),
            other.as_ref(),
        ],
        0,
    );
    let (out, _) = check(
        &import_args(
            &[&s.bundle],
            &[&other.with_extension("pub"), &s.public],
            &bundled,
        ),
        0,
    );
    assert!(out.contains("feeds.bundle: bundle signed by "), "{out}");
    assert!(
        out.contains("advisory-db (1206 files), known_exploited_vulnerabilities.json"),
        "{out}"
    );
    let read = |p: &Path| snapshot::decode(&std::fs::read(p).unwrap()).unwrap().db;
    let (direct, bundled) = (read(&direct), read(&bundled));
    assert!(direct.records().len() > 1000);
    assert!(direct.records() == bundled.records(), "the same records");
    assert_eq!(
        serde_json::to_value(direct.stats()).unwrap(),
        serde_json::to_value(bundled.stats()).unwrap()
    );
}

/// `bytes` changed by `change`, as a new file beside the bundle.
fn variant(s: &Signed, name: &str, change: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(&s.bundle).unwrap();
    change(&mut bytes);
    let path = s.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn refused_bundles_write_nothing() {
    let Some(s) = signed() else {
        return;
    };
    let bytes = std::fs::read(&s.bundle).unwrap();
    let manifest_len = u32::from_le_bytes(bytes[116..120].try_into().unwrap()) as usize;
    let payload = 120 + manifest_len;
    let flip = |at: usize| move |b: &mut Vec<u8>| b[at] ^= 0x01;
    let other = s.dir.path().join("other");
    check(
        &[
            OsStr::new("feed"),
            "keygen".as_ref(),
            "--out".as_ref(),
            other.as_ref(),
        ],
        0,
    );
    let other = other.with_extension("pub");
    let public = s.public.as_path();

    let cases: Vec<(PathBuf, Vec<&Path>, &str)> = vec![
        (
            variant(&s, "magic", flip(0)),
            vec![public],
            "not a signed feed bundle",
        ),
        (
            variant(&s, "version", flip(8)),
            vec![public],
            "bytes 8..12: bundle format version",
        ),
        (
            variant(&s, "length", flip(12)),
            vec![public],
            "bytes 12..20:",
        ),
        (
            variant(&s, "key", flip(30)),
            vec![public],
            "bytes 20..52: signed by key",
        ),
        (
            variant(&s, "signature", flip(100)),
            vec![public],
            "bytes 52..116: the signature does not verify",
        ),
        (
            variant(&s, "manifest-length", flip(116)),
            vec![public],
            "the signature does not verify",
        ),
        (
            variant(&s, "manifest", flip(130)),
            vec![public],
            "the signature does not verify",
        ),
        (
            variant(&s, "payload", flip(payload + 1000)),
            vec![public],
            "the signature does not verify",
        ),
        (
            variant(&s, "last-byte", |b| *b.last_mut().unwrap() ^= 0x80),
            vec![public],
            "the signature does not verify",
        ),
        (
            variant(&s, "truncated", |b| b.truncate(b.len() - 1)),
            vec![public],
            "bytes 12..20: truncated",
        ),
        (
            variant(&s, "header-only", |b| b.truncate(60)),
            vec![public],
            "bytes 0..116: truncated",
        ),
        (
            variant(&s, "unsigned", |b| b[52..116].fill(0)),
            vec![public],
            "bytes 52..116: the bundle is not signed",
        ),
        (
            s.bundle.clone(),
            vec![&other],
            "which is not one of the trusted keys",
        ),
        (
            s.bundle.clone(),
            vec![],
            "a signed feed bundle: give the public keys it may be signed with (--trusted-key)",
        ),
        (
            s.sources[1].clone(),
            vec![public],
            "not a signed feed bundle, and with --trusted-key every source must be one",
        ),
    ];
    let out = s.dir.path().join("never.snap");
    for (bundle, keys, expect) in cases {
        let (_, err) = check(&import_args(&[&bundle], &keys, &out), 2);
        let located = format!("error: {}: ", bundle.display());
        assert!(err.starts_with(&located), "{located}\n{err}");
        assert!(
            err.contains(expect),
            "{}: {expect}\n{err}",
            bundle.display()
        );
        assert!(err.contains("nothing written"), "{err}");
        assert!(!out.exists(), "{}: nothing written", bundle.display());
    }
    // A good bundle beside a bad one: still nothing.
    let bad = s.dir.path().join("payload");
    let (_, err) = check(&import_args(&[&s.bundle, &bad], &[public], &out), 2);
    assert!(err.contains("the signature does not verify"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_refused_bundle_leaves_the_store_as_it_was() {
    let Some(s) = signed() else {
        return;
    };
    let url = format!("sqlite://{}", s.dir.path().join("yata.db").display());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let latest = || {
        rt.block_on(async {
            let store = yata_store::open(&url).await.unwrap();
            let latest = store.latest_feed_snapshot().await.unwrap();
            store.close().await.unwrap();
            latest.map(|(meta, _)| meta.id)
        })
    };
    assert_eq!(latest(), None);
    let tampered = variant(&s, "tampered", |b| *b.last_mut().unwrap() ^= 0x01);
    let db_args = |bundle: &Path| {
        vec![
            OsStr::new("feed").to_owned(),
            "import".into(),
            bundle.into(),
            "--trusted-key".into(),
            s.public.clone().into(),
            "--db".into(),
            url.clone().into(),
        ]
    };
    check(&db_args(&tampered), 2);
    assert_eq!(latest(), None, "nothing stored");
    check(&db_args(&s.bundle), 0);
    assert!(latest().is_some());
}
