//! PLACEHOLDER on the `inv-lock2` branch: written by the lockfile colleague.
use crate::{Format, Inventory, InventoryError, Limits};

pub fn parse(_bytes: &[u8], _limits: &Limits) -> Result<Inventory, InventoryError> {
    Err(InventoryError::new(
        Format::UvLock,
        "",
        "not implemented yet",
    ))
}
