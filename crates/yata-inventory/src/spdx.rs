//! SPDX. PLACEHOLDER: being written.
use crate::{Format, Inventory, InventoryError, Limits};

pub fn parse_json(_bytes: &[u8], _limits: &Limits) -> Result<Inventory, InventoryError> {
    Err(InventoryError::new(
        Format::SpdxJson,
        "",
        "not implemented yet",
    ))
}

pub fn parse_tag_value(_bytes: &[u8], _limits: &Limits) -> Result<Inventory, InventoryError> {
    Err(InventoryError::new(
        Format::SpdxTagValue,
        "",
        "not implemented yet",
    ))
}

pub fn parse_v3(_bytes: &[u8], _limits: &Limits) -> Result<Inventory, InventoryError> {
    Err(InventoryError::new(
        Format::Spdx3,
        "",
        "not implemented yet",
    ))
}
