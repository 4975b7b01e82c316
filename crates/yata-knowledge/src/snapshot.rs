//! The advisory snapshot: every record of an [`AdvisoryDb`], in a compact,
//! versioned binary form, grouped by vulnerability so that a reader can
//! decode only the vulnerabilities it needs.
//!
//! Layout: the 8 bytes `YATASNAP`, the format version as a little-endian
//! `u32`, then the body. A snapshot of a format version this build does not
//! read is refused with a message saying so, never misread.
//!
//! Version 2 (written): the records of each merged vulnerability form one
//! group (the [postcard] encoding of a `Vec<Record>`), and an optional
//! directory files the groups under keys a caller chose ([`KeyScheme`]: the
//! match index's package and product keys), so that [`decode_selected`]
//! decodes only the groups of the keys asked for — reading, from a file,
//! only the directory and those groups ([`read_selected`]). Groups are whole
//! vulnerabilities, closed under alias merging, so the records of the
//! selected groups merge into exactly the vulnerabilities the whole
//! snapshot holds for them. The body: the head's length (`u32`), the head
//! (postcard: created, vulnerability count, key scheme, section lengths),
//! then the sections — key ends, posting ends, keys, postings, group ends,
//! groups — little-endian integer arrays and bytes, read in place.
//!
//! Version 1 (read only): the postcard body of records in chunks, without
//! directory.

use std::io::{Read, Seek, SeekFrom};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use yata_model::Record;

use crate::AdvisoryDb;

const MAGIC: &[u8; 8] = b"YATASNAP";

/// The format version this build writes. It also reads version 1. Bump it
/// on any change to the model's serialised shape.
pub const FORMAT_VERSION: u32 = 2;
const VERSION_1: u32 = 1;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    #[error("not a YATA-Shield advisory snapshot (no YATASNAP header)")]
    NotASnapshot,
    #[error(
        "snapshot format version {found} is not supported by this build (it reads versions 1 and {FORMAT_VERSION}); rebuild the snapshot with `yata feed import`"
    )]
    Version { found: u32 },
    #[error("corrupt snapshot: {0}")]
    Corrupt(postcard::Error),
    #[error("corrupt snapshot: {0}")]
    Malformed(&'static str),
    #[error("cannot read snapshot: {0}")]
    Io(std::io::Error),
    #[error("cannot encode snapshot: {0}")]
    Encode(postcard::Error),
    #[error("cannot encode snapshot: its key directory would exceed 4 GiB or 2^32 vulnerabilities")]
    TooLarge,
}

/// How a snapshot's directory keys records: `keys_of` gives the keys a
/// record is looked up by, `version` names the rules behind them. A reader
/// asking with another version gets no selection (and decodes everything),
/// so a change of rules never silently drops a record.
pub struct KeyScheme<'a> {
    pub version: u32,
    pub keys_of: &'a (dyn Fn(&Record) -> Vec<String> + Sync),
}

impl std::fmt::Debug for KeyScheme<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyScheme")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct BodyV1<'a> {
    created: Timestamp,
    /// Each chunk is the postcard encoding of a `Vec<Record>`.
    #[serde(borrow)]
    chunks: Vec<&'a [u8]>,
}

/// The sections of a version 2 body, in file order.
const KEY_ENDS: usize = 0;
const POSTING_ENDS: usize = 1;
const KEYS: usize = 2;
const POSTINGS: usize = 3;
const GROUP_ENDS: usize = 4;
const GROUPS: usize = 5;
const SECTIONS: usize = 6;

/// Version 2's head.
#[derive(Serialize, Deserialize)]
struct Head {
    created: Timestamp,
    /// Merged vulnerabilities in the whole snapshot.
    vulnerabilities: u64,
    /// The [`KeyScheme`] version of the directory; 0 when there is none.
    key_scheme: u32,
    /// Each section's length in bytes.
    lengths: [u64; SECTIONS],
}

/// The largest head a reader accepts (a real one is under 100 bytes).
const MAX_HEAD: u32 = 4096;

/// A version 2 body's sections: `[KEY_ENDS]` is `u32` per key, where it
/// ends in `[KEYS]` (sorted by bytes); `[POSTING_ENDS]` `u32` per key, where
/// its group numbers end in `[POSTINGS]` (`u32` each); `[GROUP_ENDS]` `u64`
/// per group, where it ends in `[GROUPS]`.
struct Body<'a> {
    head: Head,
    sections: [&'a [u8]; SECTIONS],
}

/// A decoded snapshot.
#[derive(Debug)]
pub struct Snapshot {
    pub created: Timestamp,
    pub db: AdvisoryDb,
}

/// Encodes the records of `db`, stamped with `created`, without directory.
pub fn encode(db: &AdvisoryDb, created: Timestamp) -> Result<Vec<u8>, SnapshotError> {
    encode_with(db, created, None)
}

/// Encodes the records of `db` with a directory of `scheme`'s keys, for
/// [`decode_selected`].
pub fn encode_keyed(
    db: &AdvisoryDb,
    created: Timestamp,
    scheme: &KeyScheme<'_>,
) -> Result<Vec<u8>, SnapshotError> {
    encode_with(db, created, Some(scheme))
}

fn encode_with(
    db: &AdvisoryDb,
    created: Timestamp,
    scheme: Option<&KeyScheme<'_>>,
) -> Result<Vec<u8>, SnapshotError> {
    let mut groups = Vec::new();
    let mut group_ends = Vec::with_capacity(db.len() * 8);
    let mut entries: Vec<(String, u32)> = Vec::new();
    for (n, v) in db.vulnerabilities().enumerate() {
        let records: Vec<&Record> = v.records().collect();
        groups = postcard::to_extend(&records, groups).map_err(SnapshotError::Encode)?;
        group_ends.extend_from_slice(&(groups.len() as u64).to_le_bytes());
        if let Some(scheme) = scheme {
            let n = u32::try_from(n).map_err(|_| SnapshotError::TooLarge)?;
            for r in &records {
                entries.extend((scheme.keys_of)(r).into_iter().map(|k| (k, n)));
            }
        }
    }
    entries.sort_unstable();
    entries.dedup();
    let (mut keys, mut key_ends, mut posting_ends, mut postings) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // The directory's offsets are `u32`: refuse rather than wrap.
    let offset = |n: usize| u32::try_from(n).map_err(|_| SnapshotError::TooLarge);
    for run in entries.chunk_by(|a, b| a.0 == b.0) {
        keys.extend_from_slice(run[0].0.as_bytes());
        key_ends.extend_from_slice(&offset(keys.len())?.to_le_bytes());
        for (_, group) in run {
            postings.extend_from_slice(&group.to_le_bytes());
        }
        posting_ends.extend_from_slice(&offset(postings.len() / 4)?.to_le_bytes());
    }
    let sections: [&[u8]; SECTIONS] = [
        &key_ends,
        &posting_ends,
        &keys,
        &postings,
        &group_ends,
        &groups,
    ];
    let head = Head {
        created,
        vulnerabilities: db.len() as u64,
        key_scheme: scheme.map_or(0, |s| s.version),
        lengths: sections.map(|s| s.len() as u64),
    };
    let head = postcard::to_stdvec(&head).map_err(SnapshotError::Encode)?;
    let total: usize = sections.iter().map(|s| s.len()).sum();
    let mut out = Vec::with_capacity(16 + head.len() + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(head.len() as u32).to_le_bytes());
    out.extend_from_slice(&head);
    for section in sections {
        out.extend_from_slice(section);
    }
    Ok(out)
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

/// What [`decode_selected`] found.
#[derive(Debug)]
pub struct Selection {
    pub created: Timestamp,
    /// Merged vulnerabilities in the whole snapshot.
    pub vulnerabilities: usize,
    /// The records of every vulnerability filed under a key asked for.
    pub records: Vec<Record>,
}

/// Decodes only the vulnerabilities filed under `keys` (of scheme
/// `scheme`): their records, every one of them. `None` when the snapshot
/// has no directory of that scheme (an older format, another build's key
/// rules, or written without keys): decode it whole then.
pub fn decode_selected(
    bytes: &[u8],
    scheme: u32,
    keys: &[String],
) -> Result<Option<Selection>, SnapshotError> {
    read_selected(&mut std::io::Cursor::new(bytes), scheme, keys)
}

/// [`decode_selected`] from a file (or any seekable reader), reading only
/// its head, its directory and the groups selected: a scan of a few
/// packages reads kilobytes of a snapshot of gigabytes.
pub fn read_selected<R: Read + Seek>(
    file: &mut R,
    scheme: u32,
    keys: &[String],
) -> Result<Option<Selection>, SnapshotError> {
    let size = file.seek(SeekFrom::End(0)).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut start = [0u8; 16];
    let got = read_up_to(file, &mut start)?;
    let (version, rest) = header(&start[..got])?;
    if version != FORMAT_VERSION {
        return Ok(None);
    }
    let head_len = head_length(rest)?;
    let mut head = vec![0; head_len as usize];
    file.seek(SeekFrom::Start(16)).map_err(io)?;
    read_exact(file, &mut head)?;
    let head: Head = take_all(&head)?;
    let offsets = section_offsets(&head, 16 + u64::from(head_len), size)?;
    if head.key_scheme == 0 || head.key_scheme != scheme {
        return Ok(None);
    }
    // The directory and the group table, then the groups asked for.
    let mut read_section = |i: usize| -> Result<Vec<u8>, SnapshotError> {
        let (at, len) = offsets[i];
        let mut buf = vec![0; len as usize];
        file.seek(SeekFrom::Start(at)).map_err(io)?;
        read_exact(file, &mut buf)?;
        Ok(buf)
    };
    let [key_ends, posting_ends, keys_bytes, postings, group_ends] =
        [KEY_ENDS, POSTING_ENDS, KEYS, POSTINGS, GROUP_ENDS].map(&mut read_section);
    let (key_ends, posting_ends, keys_bytes, postings, group_ends) = (
        key_ends?,
        posting_ends?,
        keys_bytes?,
        postings?,
        group_ends?,
    );
    let directory = Directory::new(&key_ends, &posting_ends, &keys_bytes, &postings)?;
    let mut wanted: Vec<u32> = Vec::new();
    for key in keys {
        if let Some(i) = directory.find(key.as_bytes())? {
            directory.postings(i, &mut wanted)?;
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    let (groups_at, groups_len) = offsets[GROUPS];
    let ends: Table<'_, 8> = Table::new(&group_ends, "group table is not whole entries")?;
    let mut records = Vec::new();
    let mut buf = Vec::new();
    for n in wanted {
        let n = n as usize;
        if n >= ends.len() {
            return Err(SnapshotError::Malformed("directory names a missing group"));
        }
        let (from, to) = ends.span(n, groups_len as usize, "group out of bounds")?;
        buf.resize(to - from, 0);
        file.seek(SeekFrom::Start(groups_at + from as u64))
            .map_err(io)?;
        read_exact(file, &mut buf)?;
        records.extend(take_all::<Vec<Record>>(&buf)?);
    }
    Ok(Some(Selection {
        created: head.created,
        vulnerabilities: usize::try_from(head.vulnerabilities)
            .map_err(|_| SnapshotError::Malformed("vulnerability count out of range"))?,
        records,
    }))
}

/// Decodes a snapshot's records without merging them, using every core.
pub fn decode_records(bytes: &[u8]) -> Result<(Timestamp, Vec<Record>), SnapshotError> {
    let (version, rest) = header(bytes)?;
    if version == VERSION_1 {
        let body: BodyV1<'_> = take_all(rest)?;
        let records = in_parallel(&body.chunks, |chunk| {
            postcard::from_bytes::<Vec<Record>>(chunk).map_err(SnapshotError::Corrupt)
        })?;
        return Ok((body.created, records));
    }
    let body = body_v2(bytes)?;
    let groups = Groups::new(&body)?;
    // The directory is not needed here, but a snapshot whose directory is
    // broken is broken: say so rather than accept it.
    let [key_ends, posting_ends, keys, postings, ..] = body.sections;
    Directory::new(key_ends, posting_ends, keys, postings)?.check()?;
    let numbers: Vec<usize> = (0..groups.len()).collect();
    let records = in_parallel(&numbers, |&n| groups.decode(n))?;
    Ok((body.head.created, records))
}

/// The format version and what follows it.
fn header(bytes: &[u8]) -> Result<(u32, &[u8]), SnapshotError> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or(SnapshotError::NotASnapshot)?;
    let (version, body) = rest
        .split_first_chunk::<4>()
        .ok_or(SnapshotError::NotASnapshot)?;
    let found = u32::from_le_bytes(*version);
    if found != VERSION_1 && found != FORMAT_VERSION {
        return Err(SnapshotError::Version { found });
    }
    Ok((found, body))
}

/// Version 2's head length, from the bytes after the version.
fn head_length(rest: &[u8]) -> Result<u32, SnapshotError> {
    let (len, _) = rest
        .split_first_chunk::<4>()
        .ok_or(SnapshotError::Malformed("truncated before the head"))?;
    let len = u32::from_le_bytes(*len);
    if len > MAX_HEAD {
        return Err(SnapshotError::Malformed("head too long"));
    }
    Ok(len)
}

/// Where each section starts and how long it is; they must fill the file
/// from `start` to `size` exactly.
fn section_offsets(
    head: &Head,
    start: u64,
    size: u64,
) -> Result<[(u64, u64); SECTIONS], SnapshotError> {
    let mut at = start;
    let mut offsets = [(0, 0); SECTIONS];
    for (i, &len) in head.lengths.iter().enumerate() {
        offsets[i] = (at, len);
        at = at
            .checked_add(len)
            .filter(|&end| end <= size)
            .ok_or(SnapshotError::Malformed("section beyond the end"))?;
    }
    if at != size {
        return Err(SnapshotError::Malformed(
            "trailing bytes after the sections",
        ));
    }
    Ok(offsets)
}

/// A whole version 2 snapshot in memory.
fn body_v2(bytes: &[u8]) -> Result<Body<'_>, SnapshotError> {
    let rest = &bytes[12..];
    let head_len = head_length(rest)?;
    let head_bytes = rest
        .get(4..4 + head_len as usize)
        .ok_or(SnapshotError::Malformed("truncated head"))?;
    let head: Head = take_all(head_bytes)?;
    let offsets = section_offsets(&head, 16 + u64::from(head_len), bytes.len() as u64)?;
    // In bounds: `section_offsets` checked them against the length.
    let sections = offsets.map(|(at, len)| &bytes[at as usize..(at + len) as usize]);
    Ok(Body { head, sections })
}

fn take_all<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, SnapshotError> {
    let (value, trailing) = postcard::take_from_bytes(bytes).map_err(SnapshotError::Corrupt)?;
    if !trailing.is_empty() {
        return Err(SnapshotError::Malformed(
            "trailing bytes after a record group",
        ));
    }
    Ok(value)
}

fn io(e: std::io::Error) -> SnapshotError {
    SnapshotError::Io(e)
}

/// Reads until `buf` is full or the input ends; how many bytes.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> Result<usize, SnapshotError> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    }
    Ok(filled)
}

fn read_exact(r: &mut impl Read, buf: &mut [u8]) -> Result<(), SnapshotError> {
    if read_up_to(r, buf)? < buf.len() {
        return Err(SnapshotError::Malformed("truncated"));
    }
    Ok(())
}

/// Decodes `items` on every core, keeping their order.
fn in_parallel<T: Sync>(
    items: &[T],
    decode: impl Fn(&T) -> Result<Vec<Record>, SnapshotError> + Sync,
) -> Result<Vec<Record>, SnapshotError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let per_thread = items.len().div_ceil(threads).max(1);
    let decode = &decode;
    let decoded: Vec<Result<Vec<Record>, SnapshotError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per_thread)
            .map(|part| {
                scope.spawn(move || {
                    let mut records = Vec::new();
                    for item in part {
                        records.extend(decode(item)?);
                    }
                    Ok(records)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or(Err(SnapshotError::Malformed("a decoding thread failed")))
            })
            .collect()
    });
    let mut records = Vec::new();
    for part in decoded {
        records.extend(part?);
    }
    Ok(records)
}

/// An array of little-endian integers of `WIDTH` bytes, read in place.
struct Table<'a, const WIDTH: usize>(&'a [u8]);

impl<'a, const WIDTH: usize> Table<'a, WIDTH> {
    fn new(bytes: &'a [u8], what: &'static str) -> Result<Self, SnapshotError> {
        if !bytes.len().is_multiple_of(WIDTH) {
            return Err(SnapshotError::Malformed(what));
        }
        Ok(Table(bytes))
    }

    fn len(&self) -> usize {
        self.0.len() / WIDTH
    }

    /// Entry `i` (`i < len`), widened to `usize`.
    fn get(&self, i: usize) -> Result<usize, SnapshotError> {
        let mut le = [0u8; 8];
        let at = i * WIDTH;
        le[..WIDTH].copy_from_slice(&self.0[at..at + WIDTH]);
        usize::try_from(u64::from_le_bytes(le))
            .map_err(|_| SnapshotError::Malformed("offset out of range"))
    }

    /// The span `[end(i - 1), end(i))` of a table of end offsets, checked
    /// against a whole of `limit` units.
    fn span(
        &self,
        i: usize,
        limit: usize,
        what: &'static str,
    ) -> Result<(usize, usize), SnapshotError> {
        let start = if i == 0 { 0 } else { self.get(i - 1)? };
        let end = self.get(i)?;
        if start > end || end > limit {
            return Err(SnapshotError::Malformed(what));
        }
        Ok((start, end))
    }
}

struct Groups<'a> {
    bytes: &'a [u8],
    ends: Table<'a, 8>,
}

impl<'a> Groups<'a> {
    fn new(body: &Body<'a>) -> Result<Self, SnapshotError> {
        Ok(Groups {
            bytes: body.sections[GROUPS],
            ends: Table::new(
                body.sections[GROUP_ENDS],
                "group table is not whole entries",
            )?,
        })
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn decode(&self, n: usize) -> Result<Vec<Record>, SnapshotError> {
        if n >= self.len() {
            return Err(SnapshotError::Malformed("directory names a missing group"));
        }
        let (start, end) = self.ends.span(n, self.bytes.len(), "group out of bounds")?;
        take_all(&self.bytes[start..end])
    }
}

struct Directory<'a> {
    keys: &'a [u8],
    key_ends: Table<'a, 4>,
    posting_ends: Table<'a, 4>,
    postings: Table<'a, 4>,
}

impl<'a> Directory<'a> {
    fn new(
        key_ends: &'a [u8],
        posting_ends: &'a [u8],
        keys: &'a [u8],
        postings: &'a [u8],
    ) -> Result<Self, SnapshotError> {
        let d = Directory {
            keys,
            key_ends: Table::new(key_ends, "key table is not whole entries")?,
            posting_ends: Table::new(posting_ends, "posting table is not whole entries")?,
            postings: Table::new(postings, "postings are not whole entries")?,
        };
        if d.key_ends.len() != d.posting_ends.len() {
            return Err(SnapshotError::Malformed(
                "key and posting tables differ in length",
            ));
        }
        Ok(d)
    }

    fn key(&self, i: usize) -> Result<&'a [u8], SnapshotError> {
        let (start, end) = self
            .key_ends
            .span(i, self.keys.len(), "key out of bounds")?;
        Ok(&self.keys[start..end])
    }

    /// The entry of `key`, by binary search over the sorted keys.
    fn find(&self, key: &[u8]) -> Result<Option<usize>, SnapshotError> {
        let (mut lo, mut hi) = (0, self.key_ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key(mid)?.cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Some(mid)),
            }
        }
        Ok(None)
    }

    fn postings(&self, i: usize, out: &mut Vec<u32>) -> Result<(), SnapshotError> {
        let (start, end) =
            self.posting_ends
                .span(i, self.postings.len(), "postings out of bounds")?;
        for p in start..end {
            let group = u32::try_from(self.postings.get(p)?)
                .map_err(|_| SnapshotError::Malformed("group number out of range"))?;
            out.push(group);
        }
        Ok(())
    }

    /// Every key and posting in bounds, keys strictly ascending.
    fn check(&self) -> Result<(), SnapshotError> {
        let mut previous: Option<&[u8]> = None;
        let mut scratch = Vec::new();
        for i in 0..self.key_ends.len() {
            let key = self.key(i)?;
            if previous.is_some_and(|p| p >= key) {
                return Err(SnapshotError::Malformed("directory keys out of order"));
            }
            previous = Some(key);
            scratch.clear();
            self.postings(i, &mut scratch)?;
        }
        Ok(())
    }
}
