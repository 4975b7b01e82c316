//! Knowledge: the advisory store (records merged by alias, with provenance)
//! and its snapshot. Pure and in-memory: records in, merged views out; no IO.

pub mod advisories;
pub mod snapshot;

pub use advisories::{AdvisoryDb, Sourced, Stats, UpdateSummary, VulnView, Vulnerability};
