//! Signed feed bundles: how advisory feeds move into isolated networks.
//!
//! A bundle carries sources (files, zips, gzips, directories: whatever
//! [`source::read`] reads) in one file, signed with Ed25519. [`create`] packs
//! and signs them; [`open`] checks the signature against trusted public keys
//! **before it parses any byte past the fixed header**, and only then reads
//! the manifest and the payload. [`Verified::read`] hands out the documents
//! with the same limits and archive rules as a source read from disk. Bytes
//! in, bytes out: reading and writing files is the caller's.
//!
//! # Format, version 1
//!
//! Integers are little-endian.
//!
//! | bytes   | field                                                  |
//! |---------|--------------------------------------------------------|
//! | 0..8    | magic `YATABNDL`                                       |
//! | 8..12   | format version, `u32` (1)                              |
//! | 12..20  | length of the body, `u64`: the bytes after the header  |
//! | 20..52  | the signer's Ed25519 public key                        |
//! | 52..116 | the Ed25519 signature                                  |
//! | 116..   | body: manifest length (`u32`), manifest, payload       |
//!
//! The signature is Ed25519 (RFC 8032, verified strictly: no weak keys, no
//! malleable signatures) over the 84 bytes `bytes[0..52] ‖ SHA-256(body)`,
//! which cover everything in the file but the signature itself. An all-zero
//! signature marks an unsigned bundle.
//!
//! [`open`] reads in this order and stops at the first failure: the magic,
//! the header's length, the version, the body length against the bytes that
//! follow (truncation, appended bytes), the signature's presence, the signer
//! among the trusted keys, the signature. Only then is the body parsed.
//!
//! The manifest is JSON, unknown fields refused:
//! `{"created": "2025-01-01T00:00:00Z", "sources": [{"name": "advisory-db",
//! "kind": "directory", "files": 1206}, {"name": "kev.json", "kind": "file",
//! "files": 1}]}`. Source names are unique and are single path components.
//!
//! The payload is a zip archive of the sources' files, in manifest order: a
//! `file` source is one entry named as the source, a `directory` source's
//! files are entries `name/relative/path`. Zips and gzips are stored as they
//! are, other files deflated. [`open`] checks that the entries are exactly
//! those the manifest lists, with safe names. Nothing is ever extracted to
//! disk: each entry is size-checked against [`Limits`] before it is inflated
//! in memory, and archives inside are opened with the rules of
//! [`source::read_zip`].
//!
//! # Key files
//!
//! Text, two lines: a header line, then the standard base64 of the 32 bytes
//! (the secret seed, or the public key). [`secret_key_text`],
//! [`public_key_text`], [`parse_secret_key`], [`parse_public_key`].
//!
//! ```text
//! yata-shield ed25519 public key
//! 1hzDkEpbpFxxdMUtvB7bmHkzV5hmK/QRQ9qkH8T5PoM=
//! ```

use std::io::{Cursor, Write};
use std::path::Path;

use base64ct::{Base64, Encoding};
use ed25519_dalek::{Signature, Signer};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::CompressionMethod;

pub use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::source::{self, Document, Limits, SourceError};

/// The first 8 bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"YATABNDL";

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The fixed header's length; the body follows it.
pub const HEADER_LEN: usize = 116;

/// The header's bytes that the signature covers directly (the body is
/// covered through its SHA-256).
const SIGNED_HEADER: usize = 52;
const KEY: std::ops::Range<usize> = 20..52;
const SIGNATURE: std::ops::Range<usize> = 52..116;

/// Why a bundle cannot be made or opened. Header errors name the bytes they
/// are about; nothing past the header is read unless the signature verifies.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    #[error("bytes 0..8: not a YATA-Shield feed bundle (no YATABNDL magic)")]
    NotABundle,
    #[error(
        "no trusted keys given: a feed bundle is opened only against the public keys it must be signed with"
    )]
    NoTrustedKeys,
    #[error(
        "bytes 0..{HEADER_LEN}: truncated: the header needs {HEADER_LEN} bytes and the file has {len}"
    )]
    TruncatedHeader { len: usize },
    #[error(
        "bytes 8..12: bundle format version {found} is not supported (this build reads version {FORMAT_VERSION})"
    )]
    Version { found: u32 },
    #[error(
        "bytes 12..20: truncated: the header declares a body of {declared} bytes and only {actual} follow"
    )]
    TruncatedBody { declared: u64, actual: u64 },
    #[error(
        "bytes 12..20: the header declares a body of {declared} bytes and {actual} follow: bytes were appended"
    )]
    TrailingBytes { declared: u64, actual: u64 },
    #[error("bytes 52..116: the bundle is not signed")]
    Unsigned,
    #[error("bytes 20..52: signed by key {key}, which is not one of the trusted keys")]
    UnknownKey { key: String },
    #[error(
        "bytes 52..116: the signature does not verify with the signer's key {key}: the bundle was altered after it was signed"
    )]
    BadSignature { key: String },
    #[error("manifest: {path}: {message}")]
    Manifest { path: String, message: String },
    #[error("payload: {entry}: {message}")]
    Payload { entry: String, message: String },
    /// A source handed to [`create`] that cannot be bundled.
    #[error("source {name:?}: {message}")]
    Source { name: String, message: String },
}

/// A source to bundle, as read from disk by the caller.
#[derive(Debug, Clone)]
pub enum Source {
    /// One file (an advisory document, a zip, a gzip), bundled under its
    /// file name.
    File { name: String, bytes: Vec<u8> },
    /// A directory: its files by path relative to it, with `/` separators
    /// ([`source::files`] reads them), bundled under `name/`.
    Directory {
        name: String,
        files: Vec<(String, Vec<u8>)>,
    },
}

/// What a bundle says of one of its sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInfo {
    name: String,
    kind: SourceKind,
    files: usize,
}

impl SourceInfo {
    /// The source's name: the file or directory name it was bundled from.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// How many files the source has in the payload.
    pub fn files(&self) -> usize {
        self.files
    }
}

/// Whether a bundled source was one file or a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    File,
    Directory,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    created: Timestamp,
    sources: Vec<SourceInfo>,
}

/// A bundle whose signature verified against a trusted key, and whose
/// manifest and payload agree.
#[derive(Debug)]
pub struct Verified<'a> {
    signer: VerifyingKey,
    created: Timestamp,
    sources: Vec<SourceInfo>,
    payload: &'a [u8],
}

impl Verified<'_> {
    /// The trusted key that signed the bundle.
    pub fn signer(&self) -> &VerifyingKey {
        &self.signer
    }

    /// When the bundle was made, as its signer says.
    pub fn created(&self) -> Timestamp {
        self.created
    }

    /// The bundled sources, in payload order.
    pub fn sources(&self) -> &[SourceInfo] {
        &self.sources
    }

    /// Calls `visit` with every document of the bundle, in payload order, as
    /// [`source::read`] would for the original sources: zips are opened and
    /// gzips inflated, with `limits` checked before anything is inflated.
    /// Documents are named `name!source/path` (`name` is the bundle's, for
    /// locating problems).
    pub fn read(
        &self,
        name: &str,
        limits: &Limits,
        visit: &mut dyn FnMut(Document),
    ) -> Result<(), SourceError> {
        let path = Path::new(name);
        let zip_error = |e: zip::result::ZipError| SourceError::Zip {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        let mut archive = zip::ZipArchive::new(Cursor::new(self.payload)).map_err(zip_error)?;
        if archive.len() > limits.max_entries {
            return Err(SourceError::TooManyEntries {
                path: path.to_owned(),
                limit: limits.max_entries,
            });
        }
        let mut total = 0;
        for i in 0..archive.len() {
            let (file, stored_zip) = {
                let entry = archive.by_index_raw(i).map_err(zip_error)?;
                let raw = source::entry_name(&entry, path)?;
                let stored_zip = raw.to_ascii_lowercase().ends_with(".zip")
                    && entry.compression() == CompressionMethod::Stored;
                (format!("{name}!{raw}"), stored_zip)
            };
            if stored_zip {
                // Read in place, without a copy: its entries are checked as
                // those of a zip on disk.
                let entry = archive.by_index_seek(i).map_err(zip_error)?;
                source::read_zip(Path::new(&file), entry, limits, visit)?;
                continue;
            }
            let mut entry = archive.by_index(i).map_err(zip_error)?;
            let bytes = source::inflate(&mut entry, &file, limits)?;
            source::add_total(&mut total, bytes.len(), path, limits)?;
            source::expand(Document { name: file, bytes }, limits, visit)?;
        }
        Ok(())
    }
}

/// Whether `prefix` (a file's first bytes) starts like a bundle, of any
/// format version: what tells a bundle from a raw source.
pub fn is_bundle(prefix: &[u8]) -> bool {
    prefix.starts_with(MAGIC)
}

/// Packs `sources` into a bundle made at `created`, signed with `key`.
/// Source names must be unique single path components, and a directory's
/// file paths relative ones that stay inside it.
pub fn create(
    sources: &[Source],
    key: &SigningKey,
    created: Timestamp,
) -> Result<Vec<u8>, BundleError> {
    let mut infos: Vec<SourceInfo> = Vec::with_capacity(sources.len());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for source in sources {
        let (name, kind, files) = match source {
            Source::File { name, bytes } => (name, SourceKind::File, vec![(None, bytes)]),
            Source::Directory { name, files } => (
                name,
                SourceKind::Directory,
                files.iter().map(|(p, b)| (Some(p.as_str()), b)).collect(),
            ),
        };
        let refuse = |message: String| BundleError::Source {
            name: name.clone(),
            message,
        };
        if !is_component(name) {
            return Err(refuse("not a file or directory name".into()));
        }
        if infos.iter().any(|i| i.name == *name) {
            return Err(refuse("two sources have this name".into()));
        }
        for (relative, bytes) in &files {
            let entry = match relative {
                None => name.clone(),
                Some(r) if is_relative(r) => format!("{name}/{r}"),
                Some(r) => return Err(refuse(format!("file {r:?}: not a relative path inside"))),
            };
            zip.start_file(&entry, entry_options(&entry, bytes.len()))
                .and_then(|()| zip.write_all(bytes).map_err(Into::into))
                .map_err(|e| refuse(format!("file {entry:?}: {e}")))?;
        }
        infos.push(SourceInfo {
            name: name.clone(),
            kind,
            files: files.len(),
        });
    }
    let payload = zip
        .finish()
        .map_err(|e| BundleError::Payload {
            entry: "/".into(),
            message: e.to_string(),
        })?
        .into_inner();
    let manifest = serde_json::to_vec(&Manifest {
        created,
        sources: infos,
    })
    .map_err(|e| BundleError::Manifest {
        path: "/".into(),
        message: e.to_string(),
    })?;
    let mut body = Vec::with_capacity(4 + manifest.len() + payload.len());
    let manifest_len = u32::try_from(manifest.len()).map_err(|_| BundleError::Manifest {
        path: "/".into(),
        message: "larger than 4 GiB".into(),
    })?;
    body.extend_from_slice(&manifest_len.to_le_bytes());
    body.extend_from_slice(&manifest);
    body.extend_from_slice(&payload);
    Ok(seal(&body, key))
}

/// Frames `body` (manifest length, manifest, payload: not checked here) as a
/// bundle signed by `key`. [`create`] builds the body; tests and the fuzz
/// target seal bodies of their own to reach the reader behind the signature.
pub fn seal(body: &[u8], key: &SigningKey) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(key.verifying_key().as_bytes());
    let signature = key.sign(&signed_message(&out[..SIGNED_HEADER], body));
    out.extend_from_slice(&signature.to_bytes());
    out.extend_from_slice(body);
    out
}

/// `header ‖ SHA-256(body)`: what the signature signs.
fn signed_message(header: &[u8], body: &[u8]) -> [u8; SIGNED_HEADER + 32] {
    let mut message = [0; SIGNED_HEADER + 32];
    message[..SIGNED_HEADER].copy_from_slice(header);
    message[SIGNED_HEADER..].copy_from_slice(&Sha256::digest(body));
    message
}

/// Verifies `bytes` against `trusted` keys, then reads its manifest and
/// checks its payload against it. Nothing past the fixed header is parsed
/// before the signature has verified.
pub fn open<'a>(bytes: &'a [u8], trusted: &[VerifyingKey]) -> Result<Verified<'a>, BundleError> {
    if !is_bundle(bytes) {
        return Err(BundleError::NotABundle);
    }
    if trusted.is_empty() {
        return Err(BundleError::NoTrustedKeys);
    }
    if bytes.len() < HEADER_LEN {
        return Err(BundleError::TruncatedHeader { len: bytes.len() });
    }
    let (header, body) = bytes.split_at(HEADER_LEN);
    let found = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes"));
    if found != FORMAT_VERSION {
        return Err(BundleError::Version { found });
    }
    let declared = u64::from_le_bytes(header[12..20].try_into().expect("8 bytes"));
    let actual = body.len() as u64;
    if actual < declared {
        return Err(BundleError::TruncatedBody { declared, actual });
    }
    if actual > declared {
        return Err(BundleError::TrailingBytes { declared, actual });
    }
    let signature: [u8; 64] = header[SIGNATURE].try_into().expect("64 bytes");
    if signature == [0; 64] {
        return Err(BundleError::Unsigned);
    }
    let signer_bytes: [u8; 32] = header[KEY].try_into().expect("32 bytes");
    let key = base64(&signer_bytes);
    let Some(signer) = trusted.iter().find(|k| k.as_bytes() == &signer_bytes) else {
        return Err(BundleError::UnknownKey { key });
    };
    let message = signed_message(&header[..SIGNED_HEADER], body);
    signer
        .verify_strict(&message, &Signature::from_bytes(&signature))
        .map_err(|_| BundleError::BadSignature { key })?;
    // Verified: from here on the bytes are the signer's.
    read_body(*signer, body)
}

fn read_body(signer: VerifyingKey, body: &[u8]) -> Result<Verified<'_>, BundleError> {
    let manifest_error = |path: &str, message: String| BundleError::Manifest {
        path: path.to_owned(),
        message,
    };
    let Some((len, rest)) = body.split_first_chunk::<4>() else {
        return Err(manifest_error("/", "no manifest length".into()));
    };
    let len = u32::from_le_bytes(*len) as usize;
    if len > rest.len() {
        return Err(manifest_error(
            "/",
            format!("{len} bytes declared and only {} in the body", rest.len()),
        ));
    }
    let (manifest, payload) = rest.split_at(len);
    let manifest: Manifest =
        crate::from_json(manifest).map_err(|(path, message)| manifest_error(&path, message))?;
    for (i, s) in manifest.sources.iter().enumerate() {
        if !is_component(&s.name) {
            return Err(manifest_error(
                &format!("/sources/{i}/name"),
                format!("{:?} is not a file or directory name", s.name),
            ));
        }
        if manifest.sources[..i].iter().any(|o| o.name == s.name) {
            return Err(manifest_error(
                &format!("/sources/{i}/name"),
                format!("{:?} names two sources", s.name),
            ));
        }
        if s.kind == SourceKind::File && s.files != 1 {
            return Err(manifest_error(
                &format!("/sources/{i}/files"),
                "a file source has one file".into(),
            ));
        }
    }
    check_payload(&manifest.sources, payload)?;
    Ok(Verified {
        signer,
        created: manifest.created,
        sources: manifest.sources,
        payload,
    })
}

/// The payload's entries are exactly the manifest's files, in its order,
/// with names that stay inside, and do not overlap.
fn check_payload(sources: &[SourceInfo], payload: &[u8]) -> Result<(), BundleError> {
    let error = |entry: &str, message: String| BundleError::Payload {
        entry: entry.to_owned(),
        message,
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(payload))
        .map_err(|e| error("/", format!("not a valid zip archive: {e}")))?;
    let expected = sources
        .iter()
        .try_fold(0usize, |n, s| n.checked_add(s.files))
        .unwrap_or(usize::MAX);
    if archive.len() != expected {
        return Err(error(
            "/",
            format!(
                "{} entries, and the manifest lists {expected} files",
                archive.len()
            ),
        ));
    }
    let mut names = archive.file_names_raw();
    for s in sources {
        for _ in 0..s.files {
            let raw = names.next().unwrap_or_default();
            let name = String::from_utf8_lossy(raw);
            let inside = match s.kind {
                SourceKind::File => name == s.name,
                SourceKind::Directory => name
                    .strip_prefix(s.name.as_str())
                    .and_then(|r| r.strip_prefix('/'))
                    .is_some_and(is_relative),
            };
            if !inside {
                return Err(error(&name, format!("not a file of source {:?}", s.name)));
            }
        }
    }
    drop(names);
    if archive
        .has_overlapping_entries()
        .map_err(|e| error("/", e.to_string()))?
    {
        return Err(error("/", "entries overlap (a zip bomb?)".into()));
    }
    Ok(())
}

fn entry_options(name: &str, len: usize) -> zip::write::SimpleFileOptions {
    let lower = name.to_ascii_lowercase();
    let method = if lower.ends_with(".zip") || lower.ends_with(".gz") {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    };
    zip::write::SimpleFileOptions::default()
        .compression_method(method)
        // Deterministic: the same sources make the same payload.
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
        .large_file(len as u64 >= u32::MAX as u64)
}

/// One path component: a file or directory name, and not a drive (`C:`).
fn is_component(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.as_bytes().get(1) != Some(&b':')
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
}

/// A relative path of components, `/`-separated.
fn is_relative(path: &str) -> bool {
    path.split('/').all(is_component)
}

/// The standard base64 of 32 bytes.
fn base64(bytes: &[u8; 32]) -> String {
    let mut buf = [0; 44];
    Base64::encode(bytes, &mut buf)
        .expect("44 bytes hold the base64 of 32")
        .to_owned()
}

/// The text of a secret key file.
const SECRET_HEADER: &str = "yata-shield ed25519 secret key";
/// The text of a public key file.
const PUBLIC_HEADER: &str = "yata-shield ed25519 public key";

/// Why a key file cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("line 1: expected {expected:?}{hint}")]
    Header {
        expected: &'static str,
        hint: &'static str,
    },
    #[error("line 2: expected the base64 of 32 bytes")]
    Base64,
    #[error("line 2: not a usable Ed25519 public key")]
    PublicKey,
    #[error("line {0}: unexpected text after the key")]
    Trailing(usize),
}

/// A secret key file: the header line and the base64 of the 32-byte seed.
pub fn secret_key_text(key: &SigningKey) -> String {
    format!("{SECRET_HEADER}\n{}\n", base64(key.as_bytes()))
}

/// A public key file: the header line and the base64 of the 32-byte key.
pub fn public_key_text(key: &VerifyingKey) -> String {
    format!("{PUBLIC_HEADER}\n{}\n", key_id(key))
}

/// How a key is shown: the base64 of its 32 bytes, as in its file.
pub fn key_id(key: &VerifyingKey) -> String {
    base64(key.as_bytes())
}

/// Reads a secret key file.
pub fn parse_secret_key(text: &str) -> Result<SigningKey, KeyError> {
    let seed = parse_key_text(text, SECRET_HEADER, PUBLIC_HEADER)?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads a public key file. Weak (small-order) keys are refused.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, KeyError> {
    let bytes = parse_key_text(text, PUBLIC_HEADER, SECRET_HEADER)?;
    VerifyingKey::from_bytes(&bytes)
        .ok()
        .filter(|k| !k.is_weak())
        .ok_or(KeyError::PublicKey)
}

fn parse_key_text(
    text: &str,
    header: &'static str,
    other: &'static str,
) -> Result<[u8; 32], KeyError> {
    let mut lines = text.lines().map(str::trim_end);
    match lines.next() {
        Some(h) if h == header => {}
        Some(h) if h == other => {
            return Err(KeyError::Header {
                expected: header,
                hint: if other == SECRET_HEADER {
                    " (this is a secret key file: give the public one)"
                } else {
                    " (this is a public key file: give the secret one)"
                },
            });
        }
        _ => {
            return Err(KeyError::Header {
                expected: header,
                hint: "",
            });
        }
    }
    let encoded = lines.next().unwrap_or_default().trim();
    let mut bytes = [0; 32];
    match Base64::decode(encoded, &mut bytes) {
        Ok(decoded) if decoded.len() == 32 => {}
        _ => return Err(KeyError::Base64),
    }
    if let Some(n) = lines.position(|l| !l.trim().is_empty()) {
        return Err(KeyError::Trailing(n + 3));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn sources() -> Vec<Source> {
        vec![
            Source::File {
                name: "kev.json".into(),
                bytes: br#"{"title": "x"}"#.to_vec(),
            },
            Source::Directory {
                name: "db".into(),
                files: vec![
                    ("a/x.md".into(), b"x".to_vec()),
                    ("b.json".into(), b"{}".to_vec()),
                ],
            },
        ]
    }

    fn documents(v: &Verified<'_>) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        v.read("b", &Limits::default(), &mut |d| {
            out.push((d.name, d.bytes))
        })
        .unwrap();
        out
    }

    #[test]
    fn round_trip() {
        let created: Timestamp = "2025-01-02T03:04:05Z".parse().unwrap();
        let bytes = create(&sources(), &key(1), created).unwrap();
        assert_eq!(bytes, create(&sources(), &key(1), created).unwrap());
        let v = open(&bytes, &[key(2).verifying_key(), key(1).verifying_key()]).unwrap();
        assert_eq!(v.signer(), &key(1).verifying_key());
        assert_eq!(v.created(), created);
        let names: Vec<_> = v
            .sources()
            .iter()
            .map(|s| (s.name(), s.kind(), s.files()))
            .collect();
        assert_eq!(
            names,
            [
                ("kev.json", SourceKind::File, 1),
                ("db", SourceKind::Directory, 2)
            ]
        );
        assert_eq!(
            documents(&v),
            [
                ("b!kev.json".to_owned(), br#"{"title": "x"}"#.to_vec()),
                ("b!db/a/x.md".to_owned(), b"x".to_vec()),
                ("b!db/b.json".to_owned(), b"{}".to_vec()),
            ]
        );
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let bytes = create(&sources(), &key(1), Timestamp::UNIX_EPOCH).unwrap();
        let trusted = [key(1).verifying_key()];
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x01;
            assert!(open(&bad, &trusted).is_err(), "byte {i} flipped");
        }
        for len in 0..bytes.len() {
            assert!(open(&bytes[..len], &trusted).is_err(), "cut at {len}");
        }
    }

    #[test]
    fn refusals_say_why() {
        let bytes = create(&sources(), &key(1), Timestamp::UNIX_EPOCH).unwrap();
        let trusted = [key(1).verifying_key()];
        let check = |bytes: &[u8], keys: &[VerifyingKey], expect: &str| {
            let err = open(bytes, keys).unwrap_err().to_string();
            assert!(err.contains(expect), "{err}");
        };
        check(
            b"hello",
            &trusted,
            "bytes 0..8: not a YATA-Shield feed bundle",
        );
        check(&bytes, &[], "no trusted keys given");
        check(
            &bytes,
            &[key(2).verifying_key()],
            "bytes 20..52: signed by key",
        );
        check(&bytes[..100], &trusted, "bytes 0..116: truncated");
        check(
            &bytes[..bytes.len() - 1],
            &trusted,
            "bytes 12..20: truncated",
        );
        let mut longer = bytes.clone();
        longer.push(0);
        check(&longer, &trusted, "bytes were appended");
        let mut unsigned = bytes.clone();
        unsigned[SIGNATURE].fill(0);
        check(
            &unsigned,
            &trusted,
            "bytes 52..116: the bundle is not signed",
        );
        let mut version = bytes.clone();
        version[8] = 2;
        check(&version, &trusted, "bytes 8..12: bundle format version 2");
        let mut payload = bytes.clone();
        *payload.last_mut().unwrap() ^= 0x80;
        check(
            &payload,
            &trusted,
            "bytes 52..116: the signature does not verify",
        );
    }

    #[test]
    fn signed_bodies_are_still_checked() {
        let k = key(1);
        let trusted = [k.verifying_key()];
        let body = |manifest: &str, payload: &[u8]| {
            let mut b = (manifest.len() as u32).to_le_bytes().to_vec();
            b.extend_from_slice(manifest.as_bytes());
            b.extend_from_slice(payload);
            seal(&b, &k)
        };
        let check = |bytes: &[u8], expect: &str| {
            let err = open(bytes, &trusted).unwrap_err().to_string();
            assert!(err.contains(expect), "{err}");
        };
        check(&seal(b"", &k), "manifest: /: no manifest length");
        check(&body(r#"{"created": 1}"#, b""), "manifest: /created:");
        let empty_zip = zip::ZipWriter::new(Cursor::new(Vec::new()))
            .finish()
            .unwrap()
            .into_inner();
        let m = |sources: &str| {
            format!(r#"{{"created": "2025-01-01T00:00:00Z", "sources": {sources}}}"#)
        };
        assert!(open(&body(&m("[]"), &empty_zip), &trusted).is_ok());
        check(
            &body(
                &m(r#"[{"name": "../x", "kind": "file", "files": 1}]"#),
                &empty_zip,
            ),
            "manifest: /sources/0/name:",
        );
        check(
            &body(
                &m(r#"[{"name": "x", "kind": "file", "files": 1}]"#),
                &empty_zip,
            ),
            "payload: /: 0 entries, and the manifest lists 1 files",
        );
        check(
            &body(&m("[]"), b"junk"),
            "payload: /: not a valid zip archive",
        );
        // An entry that escapes its source.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("db/../../etc/passwd", entry_options("x", 1))
            .unwrap();
        zip.write_all(b"x").unwrap();
        let escaping = zip.finish().unwrap().into_inner();
        check(
            &body(
                &m(r#"[{"name": "db", "kind": "directory", "files": 1}]"#),
                &escaping,
            ),
            "payload: db/../../etc/passwd: not a file of source \"db\"",
        );
    }

    #[test]
    fn bad_sources_are_not_bundled() {
        let k = key(1);
        let file = |name: &str| Source::File {
            name: name.into(),
            bytes: Vec::new(),
        };
        for name in ["", "..", "a/b", "C:x", "a\\b", "a\nb"] {
            assert!(
                create(&[file(name)], &k, Timestamp::UNIX_EPOCH).is_err(),
                "{name:?}"
            );
        }
        assert!(create(&[file("a"), file("a")], &k, Timestamp::UNIX_EPOCH).is_err());
        // osv.dev names its folders by ecosystem.
        assert!(create(&[file("Alpine:v3.20")], &k, Timestamp::UNIX_EPOCH).is_ok());
        let dir = Source::Directory {
            name: "d".into(),
            files: vec![("../x".into(), Vec::new())],
        };
        assert!(create(&[dir], &k, Timestamp::UNIX_EPOCH).is_err());
    }

    #[test]
    fn key_files() {
        let k = key(7);
        let secret = secret_key_text(&k);
        let public = public_key_text(&k.verifying_key());
        assert!(secret.starts_with("yata-shield ed25519 secret key\n"));
        assert_eq!(parse_secret_key(&secret).unwrap().to_bytes(), k.to_bytes());
        assert_eq!(parse_public_key(&public).unwrap(), k.verifying_key());
        assert_eq!(
            parse_public_key(&public.replace('\n', "\r\n")).unwrap(),
            k.verifying_key()
        );
        let err = |r: Result<VerifyingKey, KeyError>| r.unwrap_err().to_string();
        assert!(err(parse_public_key(&secret)).contains("this is a secret key file"));
        assert!(err(parse_public_key("hello\n")).starts_with("line 1:"));
        assert!(
            err(parse_public_key("yata-shield ed25519 public key\nAAAA\n")).starts_with("line 2:")
        );
        assert!(err(parse_public_key(&format!("{public}more\n"))).starts_with("line 3:"));
        // The identity point is a weak key.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = format!("yata-shield ed25519 public key\n{}\n", base64(&identity));
        assert!(err(parse_public_key(&weak)).contains("not a usable"));
    }
}
