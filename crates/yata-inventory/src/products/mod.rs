//! Product inventories (asset registers). PLACEHOLDER: being written.
use crate::{Format, Inventory, InventoryError, Limits};

pub fn parse(format: Format, _bytes: &[u8], _limits: &Limits) -> Result<Inventory, InventoryError> {
    Err(InventoryError::new(format, "", "not implemented yet"))
}
