//! The audit chain's hash: SHA-256 over a canonical encoding of the previous
//! hash and the entry's fields.
//!
//! Encoding (version 1): the bytes `yata-audit-v1`, then for each of
//! prev_hash, seq, at, actor, action, object, details (integers in decimal,
//! `at` in microseconds since the Unix epoch) its length as a big-endian u64
//! followed by its UTF-8 bytes. Length prefixes make the encoding
//! unambiguous; `details` is hashed exactly as stored, so its JSON need not
//! be canonical.

use sha2::{Digest, Sha256};

use crate::model::{AuditEntry, BrokenAt};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry with these fields.
pub(crate) fn entry_hash(
    prev_hash: &str,
    seq: u64,
    at_micros: i64,
    actor: &str,
    action: &str,
    object: &str,
    details: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(b"yata-audit-v1");
    let seq = seq.to_string();
    let at = at_micros.to_string();
    for field in [prev_hash, &seq, &at, actor, action, object, details] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex(&h.finalize())
}

/// The hash `e` should have, given its fields and `prev_hash`.
pub fn hash_entry(e: &AuditEntry) -> String {
    entry_hash(
        &e.prev_hash,
        e.seq,
        e.at.as_microsecond(),
        &e.actor,
        &e.action,
        &e.object,
        &e.details,
    )
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

/// Checks entries in order, continuing from `expected_prev` and `expected_seq`.
#[derive(Debug)]
pub(crate) struct ChainCheck {
    pub(crate) next_seq: u64,
    pub(crate) prev_hash: String,
}

impl ChainCheck {
    pub(crate) fn new() -> Self {
        ChainCheck {
            next_seq: 1,
            prev_hash: GENESIS.to_owned(),
        }
    }

    pub(crate) fn check(&mut self, e: &AuditEntry) -> Result<(), BrokenAt> {
        let broken = |reason: String| BrokenAt {
            seq: self.next_seq,
            reason,
        };
        if e.seq != self.next_seq {
            return Err(broken(format!(
                "entry missing (next stored entry is {})",
                e.seq
            )));
        }
        if e.prev_hash != self.prev_hash {
            return Err(broken(
                "prev_hash is not the previous entry's hash".to_owned(),
            ));
        }
        let hash = hash_entry(e);
        if hash != e.hash {
            return Err(broken(
                "hash does not match the entry's fields (entry altered)".to_owned(),
            ));
        }
        self.next_seq += 1;
        self.prev_hash = hash;
        Ok(())
    }

    /// The head row must name the last entry: otherwise entries were cut off.
    pub(crate) fn finish(&self, head_seq: u64, head_hash: &str) -> Result<u64, BrokenAt> {
        let last = self.next_seq - 1;
        if head_seq != last {
            return Err(BrokenAt {
                seq: last + 1,
                reason: format!("log ends at entry {last} but the head says {head_seq}"),
            });
        }
        if head_hash != self.prev_hash {
            return Err(BrokenAt {
                seq: last,
                reason: "the head's hash is not the last entry's hash".to_owned(),
            });
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_unambiguous() {
        let a = entry_hash(GENESIS, 1, 0, "ab", "c", "o", "{}");
        let b = entry_hash(GENESIS, 1, 0, "a", "bc", "o", "{}");
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
    }
}
