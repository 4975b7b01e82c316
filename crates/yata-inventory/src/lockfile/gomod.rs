//! PLACEHOLDER: being written on another branch.
use crate::{Format, Inventory, InventoryError, Limits};

pub fn parse(_bytes: &[u8], _limits: &Limits) -> Result<Inventory, InventoryError> {
    Err(InventoryError::new(
        Format::GoMod,
        "",
        "not implemented yet",
    ))
}
