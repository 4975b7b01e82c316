//! Helpers shared by the lockfile tests: read a fixture, parse it, and
//! summarise its components, edges and warnings for exact assertions.

#![allow(dead_code)] // each test file uses its own subset

use yata_inventory::{Format, Inventory, InventoryError, Limits, parse};

pub fn read(fixture: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/data/lockfiles/{fixture}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn inventory(format: Format, bytes: &[u8]) -> Inventory {
    let inv = parse(format, bytes, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inv.document.format, format.name());
    assert_eq!(inv.document.digest, yata_inventory::digest(bytes));
    inv
}

/// Each component as `purl` (or `name@version` without one), ` dev` when
/// dev-only, and ` #n` with its number of hashes.
pub fn summary(inv: &Inventory) -> Vec<String> {
    inv.components
        .iter()
        .map(|c| {
            let mut s = c.purl.clone().unwrap_or_else(|| {
                format!("{}@{}", c.name, c.version.as_deref().unwrap_or_default())
            });
            if c.scope.as_deref() == Some("dev") {
                s.push_str(" dev");
            }
            if !c.hashes.is_empty() {
                s.push_str(&format!(" #{}", c.hashes.len()));
            }
            s
        })
        .collect()
}

pub fn check(format: Format, fixture: &str, expected: &[&str]) -> Inventory {
    let inv = inventory(format, &read(fixture));
    let mut got = summary(&inv);
    got.sort();
    let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "{fixture}");
    inv
}

pub fn edges(inv: &Inventory, from: &str) -> Vec<String> {
    let mut to: Vec<String> = inv
        .dependencies
        .iter()
        .filter(|d| d.from == from)
        .flat_map(|d| d.to.clone())
        .collect();
    to.sort();
    to
}

pub fn warned(inv: &Inventory, needle: &str) -> bool {
    inv.warnings.iter().any(|w| w.message.contains(needle))
}

pub fn warning_at(inv: &Inventory, path: &str) -> String {
    inv.warnings
        .iter()
        .filter(|w| w.path == path)
        .map(|w| w.message.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn error(format: Format, text: &str) -> InventoryError {
    parse(format, text.as_bytes(), &Limits::default()).expect_err("should not parse")
}
