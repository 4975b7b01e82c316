//! Archive safety on crafted zips and gzips: names escaping their folder,
//! absurd compression ratios, oversized entries, and headers that lie.

use std::io::{Cursor, Write};
use std::path::Path;

use yata_feeds::source::{self, Limits, SourceError};
use zip::write::SimpleFileOptions;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn read(bytes: Vec<u8>, limits: &Limits) -> Result<Vec<String>, SourceError> {
    let mut names = Vec::new();
    source::read_zip(
        Path::new("test.zip"),
        Cursor::new(bytes),
        limits,
        &mut |d| names.push(d.name),
    )?;
    Ok(names)
}

#[test]
fn reads_plain_entries_in_order() {
    let zip = zip_of(&[("a/GO-1.json", b"{}"), ("b.json", b"[]")]);
    assert_eq!(
        read(zip, &Limits::default()).unwrap(),
        ["test.zip!a/GO-1.json", "test.zip!b.json"]
    );
}

#[test]
fn refuses_entries_escaping_their_folder() {
    for name in ["../evil.json", "a/../../evil.json", "/etc/passwd"] {
        let zip = zip_of(&[("ok.json", b"{}"), (name, b"{}")]);
        let err = read(zip, &Limits::default()).unwrap_err();
        assert!(
            matches!(err, SourceError::UnsafeEntryName { .. }),
            "{name}: {err}"
        );
        assert!(err.to_string().contains("escapes"), "{err}");
    }
}

#[test]
fn refuses_absurd_compression_ratios() {
    let bomb = vec![0u8; 64 << 20]; // 64 MiB of zeros deflate to ~64 KiB
    let zip = zip_of(&[("bomb.json", &bomb)]);
    assert!(zip.len() < 1 << 20);
    let err = read(zip, &Limits::default()).unwrap_err();
    assert!(matches!(err, SourceError::Ratio { .. }), "{err}");
}

#[test]
fn refuses_oversized_entries() {
    let big = vec![b'x'; 3 << 20];
    let zip = zip_of(&[("big.json", &big)]);
    let limits = Limits {
        max_document_bytes: 1 << 20,
        ..Limits::default()
    };
    let err = read(zip, &limits).unwrap_err();
    assert!(matches!(err, SourceError::TooLarge { .. }), "{err}");
}

#[test]
fn never_inflates_past_a_lying_size() {
    let payload = vec![b'y'; 4096];
    let mut zip = zip_of(&[("liar.json", &payload)]);
    // Patch the declared uncompressed size (local header offset 22, central
    // directory entry offset 24) down to 10 bytes.
    let lie = 10u32.to_le_bytes();
    zip[22..26].copy_from_slice(&lie);
    let central = zip
        .windows(4)
        .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
        .expect("central directory");
    zip[central + 24..central + 28].copy_from_slice(&lie);
    let err = read(zip, &Limits::default()).unwrap_err();
    // Either the zip library notices the mismatch, or we stop at the
    // declared size: never more than promised is inflated and accepted.
    assert!(
        matches!(
            err,
            SourceError::TooLarge { .. } | SourceError::Io { .. } | SourceError::Zip { .. }
        ),
        "{err}"
    );
}

#[test]
fn refuses_too_many_entries() {
    let names: Vec<String> = (0..20).map(|i| format!("{i}.json")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"{}"[..])).collect();
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    assert!(matches!(
        read(zip_of(&entries), &limits),
        Err(SourceError::TooManyEntries { .. })
    ));
}

#[test]
fn gzip_bombs_are_refused() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![0u8; 64 << 20]).unwrap();
    let gz = gz.finish().unwrap();
    let err = source::gunzip("x.csv.gz", &gz[..], gz.len() as u64, &Limits::default()).unwrap_err();
    assert!(matches!(err, SourceError::Ratio { .. }), "{err}");
    let mut ok = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    ok.write_all(b"cve,epss,percentile\n").unwrap();
    let ok = ok.finish().unwrap();
    assert_eq!(
        source::gunzip("x.csv.gz", &ok[..], ok.len() as u64, &Limits::default()).unwrap(),
        b"cve,epss,percentile\n"
    );
}

#[test]
fn archives_are_known_by_their_first_bytes_whatever_their_name() {
    let dir = tempfile::tempdir().unwrap();
    let names = |bytes: &[u8]| {
        let path = dir.path().join("download-3f9a");
        std::fs::write(&path, bytes).unwrap();
        let mut names = Vec::new();
        source::read(&path, &Limits::default(), &mut |d| names.push(d.name)).unwrap();
        names
    };
    let zip = zip_of(&[("a.json", b"{}"), ("b/c.json", b"{}")]);
    let read = names(&zip);
    assert_eq!(read.len(), 2, "{read:?}");
    assert!(
        read[0].ends_with("!a.json") && read[1].ends_with("!b/c.json"),
        "{read:?}"
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"cve,epss,percentile\n").unwrap();
    let gz = gz.finish().unwrap();
    let path = dir.path().join("download-3f9a");
    std::fs::write(&path, &gz).unwrap();
    let mut docs = Vec::new();
    source::read(&path, &Limits::default(), &mut |d| docs.push(d.bytes)).unwrap();
    assert_eq!(docs, [b"cve,epss,percentile\n".to_vec()]);
    // Anything else is one document as it is.
    assert_eq!(names(b"{\"id\": 1}").len(), 1);
    assert_eq!(names(b"P").len(), 1);
    assert_eq!(names(b"").len(), 1);
}
