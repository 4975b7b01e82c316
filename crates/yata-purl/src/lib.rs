//! Package URL (PURL): placeholder.
