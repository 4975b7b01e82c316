//! Signed feed bundles on real feeds: a bundle imports to exactly what its
//! sources import to, and a bundle signed by a trusted key is still hostile
//! input behind the signature (limits and archive rules hold).

use std::io::{Cursor, Write};
use std::path::Path;

use jiff::Timestamp;
use yata_feeds::bundle::{self, SigningKey, Source};
use yata_feeds::import::{ImportConfig, SourceImport, import, import_bundle};
use yata_feeds::source::{self, Limits, SourceError};

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

/// A source as `yata feed bundle` reads it.
fn source_of(path: &Path) -> Source {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    if path.is_dir() {
        let mut files = Vec::new();
        source::files(path, &Limits::default(), &mut |p, b| files.push((p, b))).unwrap();
        Source::Directory { name, files }
    } else {
        Source::File {
            name,
            bytes: std::fs::read(path).unwrap(),
        }
    }
}

fn sorted(mut records: Vec<yata_feeds::Record>) -> Vec<yata_feeds::Record> {
    records.sort_by(|a, b| (a.source, &a.id).cmp(&(b.source, &b.id)));
    records
}

#[test]
fn a_bundle_imports_as_its_sources() {
    let (Some(db), Some(kev), Some(go)) = (
        yata_testdata::path("rustsec/advisory-db"),
        yata_testdata::path("kev/known_exploited_vulnerabilities.json"),
        yata_testdata::path("osv/Go.zip"),
    ) else {
        return;
    };
    let config = ImportConfig::default();
    let mut direct = Vec::new();
    let mut documents = 0;
    for path in [&db, &kev, &go] {
        let i = import(path, &config, &|_| {}).unwrap();
        assert!(i.problems.is_empty(), "{:?}", i.problems);
        documents += i.documents;
        direct.extend(i.records);
    }

    let sources = [source_of(&db), source_of(&kev), source_of(&go)];
    let bytes = bundle::create(&sources, &key(1), Timestamp::UNIX_EPOCH).unwrap();
    let verified = bundle::open(&bytes, &[key(1).verifying_key()]).unwrap();
    let names: Vec<_> = verified.sources().iter().map(|s| s.name()).collect();
    assert_eq!(
        names,
        [
            "advisory-db",
            "known_exploited_vulnerabilities.json",
            "Go.zip"
        ]
    );
    let SourceImport {
        records,
        documents: bundled_documents,
        problems,
        ..
    } = import_bundle("feeds.bundle", &verified, &config, &|_| {}).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(bundled_documents, documents);
    assert!(records.len() > 5000, "{}", records.len());
    assert!(sorted(records) == sorted(direct), "same records");
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Reads every document of a bundle of `sources` signed by a trusted key.
fn read_signed(sources: &[Source]) -> Result<Vec<String>, SourceError> {
    let bytes = bundle::create(sources, &key(1), Timestamp::UNIX_EPOCH).unwrap();
    let verified = bundle::open(&bytes, &[key(1).verifying_key()]).unwrap();
    let mut names = Vec::new();
    verified.read("b", &Limits::default(), &mut |d| names.push(d.name))?;
    Ok(names)
}

#[test]
fn archives_inside_a_signed_bundle_keep_their_rules() {
    let file = |name: &str, bytes: Vec<u8>| Source::File {
        name: name.into(),
        bytes,
    };
    // Zips and gzips inside are opened, at any depth of a directory.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"cve,epss,percentile\n").unwrap();
    let gz = gz.finish().unwrap();
    let names = read_signed(&[
        file("a.zip", zip_of(&[("x/GO-1.json", b"{}")])),
        Source::Directory {
            name: "d".into(),
            files: vec![
                ("e.csv.gz".into(), gz),
                ("in/b.zip".into(), zip_of(&[("y.json", b"{}")])),
            ],
        },
    ])
    .unwrap();
    assert_eq!(
        names,
        ["b!a.zip!x/GO-1.json", "b!d/e.csv", "b!d/in/b.zip!y.json"]
    );
    // An entry escaping its folder, in a zip inside.
    let err = read_signed(&[file("a.zip", zip_of(&[("../evil.json", b"{}")]))]).unwrap_err();
    assert!(matches!(err, SourceError::UnsafeEntryName { .. }), "{err}");
    // A bomb, as a plain file of the bundle and inside a zip of it.
    let zeros = vec![0u8; 64 << 20];
    let err = read_signed(&[file("bomb.json", zeros.clone())]).unwrap_err();
    assert!(matches!(err, SourceError::Ratio { .. }), "{err}");
    let err = read_signed(&[file("bomb.zip", zip_of(&[("z.json", &zeros)]))]).unwrap_err();
    assert!(matches!(err, SourceError::Ratio { .. }), "{err}");
}
