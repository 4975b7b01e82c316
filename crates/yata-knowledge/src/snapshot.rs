//! The advisory snapshot: every record of an [`AdvisoryDb`], in a compact,
//! versioned binary form.
//!
//! Layout: the 8 bytes `YATASNAP`, the format version as a little-endian
//! `u32`, then the [postcard] encoding of the body. A snapshot of another
//! format version is refused with a message saying so, never misread. Bytes in,
//! bytes out: reading and writing files is the caller's.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use yata_model::Record;

use crate::AdvisoryDb;

const MAGIC: &[u8; 8] = b"YATASNAP";

/// The format version this build writes and reads. Bump it on any change to
/// the model's serialised shape.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    #[error("not a YATA-Shield advisory snapshot (no YATASNAP header)")]
    NotASnapshot,
    #[error(
        "snapshot format version {found} is not supported by this build (it reads version {FORMAT_VERSION}); rebuild the snapshot with `yata feed import`"
    )]
    Version { found: u32 },
    #[error("corrupt snapshot: {0}")]
    Corrupt(postcard::Error),
    #[error("cannot encode snapshot: {0}")]
    Encode(postcard::Error),
}

/// Records per chunk: chunks are decoded in parallel.
const CHUNK: usize = 2048;

#[derive(Serialize, Deserialize)]
struct Body<'a> {
    created: Timestamp,
    /// Each chunk is the postcard encoding of a `Vec<Record>`.
    #[serde(borrow)]
    chunks: Vec<&'a [u8]>,
}

/// A decoded snapshot.
#[derive(Debug)]
pub struct Snapshot {
    pub created: Timestamp,
    pub db: AdvisoryDb,
}

/// Encodes the records of `db`, stamped with `created`.
pub fn encode(db: &AdvisoryDb, created: Timestamp) -> Result<Vec<u8>, SnapshotError> {
    let chunks = db
        .records()
        .chunks(CHUNK)
        .map(|c| postcard::to_stdvec(c).map_err(SnapshotError::Encode))
        .collect::<Result<Vec<Vec<u8>>, _>>()?;
    let body = Body {
        created,
        chunks: chunks.iter().map(Vec::as_slice).collect(),
    };
    let mut out = Vec::with_capacity(chunks.iter().map(Vec::len).sum::<usize>() + 1024);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    postcard::to_extend(&body, out).map_err(SnapshotError::Encode)
}

/// Whether `prefix` (a file's first bytes) starts like a snapshot, of any
/// format version: what tells a snapshot from a raw source.
pub fn is_snapshot(prefix: &[u8]) -> bool {
    prefix.starts_with(MAGIC)
}

/// Decodes a snapshot and merges its records.
pub fn decode(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
    let (created, records) = decode_records(bytes)?;
    Ok(Snapshot {
        created,
        db: AdvisoryDb::new(records),
    })
}

/// Decodes a snapshot's records without merging them, using every core.
pub fn decode_records(bytes: &[u8]) -> Result<(Timestamp, Vec<Record>), SnapshotError> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or(SnapshotError::NotASnapshot)?;
    let (version, body) = rest
        .split_first_chunk::<4>()
        .ok_or(SnapshotError::NotASnapshot)?;
    let found = u32::from_le_bytes(*version);
    if found != FORMAT_VERSION {
        return Err(SnapshotError::Version { found });
    }
    let (body, trailing): (Body<'_>, &[u8]) =
        postcard::take_from_bytes(body).map_err(SnapshotError::Corrupt)?;
    if !trailing.is_empty() {
        return Err(SnapshotError::Corrupt(
            postcard::Error::DeserializeBadEncoding,
        ));
    }
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let per_thread = body.chunks.len().div_ceil(threads).max(1);
    let decoded: Vec<Result<Vec<Record>, SnapshotError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = body
            .chunks
            .chunks(per_thread)
            .map(|group| {
                scope.spawn(move || {
                    let mut records = Vec::with_capacity(group.len() * CHUNK);
                    for chunk in group {
                        let part: Vec<Record> =
                            postcard::from_bytes(chunk).map_err(SnapshotError::Corrupt)?;
                        records.extend(part);
                    }
                    Ok(records)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or(Err(SnapshotError::Corrupt(
                    postcard::Error::DeserializeBadEncoding,
                )))
            })
            .collect()
    });
    let mut records = Vec::new();
    for part in decoded {
        records.extend(part?);
    }
    Ok((body.created, records))
}
