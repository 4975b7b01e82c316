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

#[derive(Serialize, Deserialize)]
struct Body {
    created: Timestamp,
    records: Vec<Record>,
}

/// A decoded snapshot.
#[derive(Debug)]
pub struct Snapshot {
    pub created: Timestamp,
    pub db: AdvisoryDb,
}

/// Encodes the records of `db`, stamped with `created`.
pub fn encode(db: &AdvisoryDb, created: Timestamp) -> Result<Vec<u8>, SnapshotError> {
    #[derive(Serialize)]
    struct BodyRef<'a> {
        created: Timestamp,
        records: &'a [Record],
    }
    let mut out = Vec::with_capacity(1 << 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    let body = BodyRef {
        created,
        records: db.records(),
    };
    postcard::to_extend(&body, out).map_err(SnapshotError::Encode)
}

/// Decodes a snapshot and merges its records.
pub fn decode(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
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
    let (body, trailing): (Body, &[u8]) =
        postcard::take_from_bytes(body).map_err(SnapshotError::Corrupt)?;
    if !trailing.is_empty() {
        return Err(SnapshotError::Corrupt(
            postcard::Error::DeserializeBadEncoding,
        ));
    }
    Ok(Snapshot {
        created: body.created,
        db: AdvisoryDb::new(body.records),
    })
}
