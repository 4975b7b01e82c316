//! The project's own model types, shared by the format parsers (which produce
//! them) and the knowledge layer (which merges, indexes and scores them).
//!
//! Plain data with serde: no IO, no parsing of external formats. Identifiers
//! that have a syntax are validated types ([`VulnId`]).

pub mod advisory;
mod id;
pub mod inventory;
mod tlp;

pub use advisory::*;
pub use id::{VulnId, VulnIdError};
pub use tlp::{Tlp, TlpError};
