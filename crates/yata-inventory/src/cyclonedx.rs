//! CycloneDX. PLACEHOLDER: being written.
use crate::{Format, Inventory, InventoryError, Limits};

pub fn parse_json(_bytes: &[u8], _limits: &Limits) -> Result<Inventory, InventoryError> {
    Err(InventoryError::new(
        Format::CycloneDxJson,
        "",
        "not implemented yet",
    ))
}

pub fn parse_xml(_bytes: &[u8], _limits: &Limits) -> Result<Inventory, InventoryError> {
    Err(InventoryError::new(
        Format::CycloneDxXml,
        "",
        "not implemented yet",
    ))
}
