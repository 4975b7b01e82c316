//! XLSX asset registers, read with `calamine` from memory.
//!
//! The sheet is the first whose name contains `資産` or `asset` (any case),
//! else the first sheet. Its metadata key is `sheet`.
//!
//! Zip bombs and huge sheets: before calamine sees the archive, the `zip`
//! crate lists it, and the sum of the uncompressed sizes its central
//! directory declares must stay within `Limits::max_bytes`, with at most
//! [`MAX_ENTRIES`] entries. The `zip` crate stops inflating an entry at its
//! declared size (an error, not more bytes), so the declared sizes bound
//! what is decompressed. Cells are streamed one by one
//! (`worksheet_cells_reader`), never as a dense range (a sheet with cells at
//! A1 and XFD1048576 would otherwise allocate 17 billion cells), and more
//! than `Limits::max_components` data rows is an error.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use super::{Columns, push};
use crate::{Format, Inventory, InventoryError, Limit, Limits};

const FORMAT: Format = Format::ProductXlsx;

/// Entries in the archive; a workbook has a few dozen.
const MAX_ENTRIES: usize = 10_000;

pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    inv: &mut Inventory,
) -> Result<(), InventoryError> {
    check_archive(bytes, limits)?;
    let fail = |e: calamine::XlsxError| InventoryError::new(FORMAT, "", e.to_string());
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(fail)?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.contains("資産") || n.to_lowercase().contains("asset"))
        .or(names.first())
        .cloned()
        .ok_or_else(|| InventoryError::new(FORMAT, "", "the workbook has no sheet"))?;
    inv.document
        .metadata
        .insert("sheet".to_owned(), sheet.clone());
    let sheet_path = format!("sheet {sheet:?}");
    let fail =
        |e: calamine::XlsxError| InventoryError::new(FORMAT, sheet_path.as_str(), e.to_string());
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(fail)?;

    let mut table = Table {
        columns: None,
        header_row: 0,
        limits,
    };
    let mut current: Option<(u32, Vec<(usize, String)>)> = None;
    while let Some(cell) = cells.next_cell().map_err(fail)? {
        let (r, c) = cell.get_position();
        let value = text(cell.get_value(), inv, r, c);
        match &mut current {
            Some((row, values)) if *row == r => values.push((c as usize, value)),
            _ => {
                if let Some((row, values)) = current.take() {
                    table.row(row, &values, inv)?;
                }
                current = Some((r, vec![(c as usize, value)]));
            }
        }
    }
    if let Some((row, values)) = current.take() {
        table.row(row, &values, inv)?;
    }
    if table.columns.is_none() {
        return Err(InventoryError::new(FORMAT, sheet_path, "no header row"));
    }
    Ok(())
}

struct Table<'a> {
    columns: Option<Columns>,
    /// The sheet row (0-based) of the header.
    header_row: u32,
    limits: &'a Limits,
}

impl Table<'_> {
    fn row(
        &mut self,
        r: u32,
        values: &[(usize, String)],
        inv: &mut Inventory,
    ) -> Result<(), InventoryError> {
        let Some(columns) = &self.columns else {
            if values.iter().any(|(_, v)| !v.trim().is_empty()) {
                let width = values.iter().map(|(c, _)| c + 1).max().unwrap_or(0);
                if width > 16_384 {
                    return Err(InventoryError::new(
                        FORMAT,
                        "header",
                        "more than 16384 columns",
                    ));
                }
                let mut header = vec![String::new(); width];
                for (c, v) in values {
                    header[*c] = v.clone();
                }
                self.columns = Some(Columns::new(FORMAT, &header, inv)?);
                self.header_row = r;
            }
            return Ok(());
        };
        let row = r.saturating_sub(self.header_row) as usize;
        if let Some(p) = columns.product(FORMAT, row, values)? {
            push(FORMAT, p, row, self.limits, inv)?;
        }
        Ok(())
    }
}

/// A cell as text: numbers without a spurious `.0`, errors as empty (with a
/// warning).
fn text(value: &DataRef<'_>, inv: &mut Inventory, r: u32, c: u32) -> String {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => {
            if inv.warnings.len() < 1000 {
                inv.warn(
                    format!("cell R{}C{}", r + 1, c + 1),
                    format!("cell error {e}: read as empty"),
                );
            }
            String::new()
        }
        DataRef::Empty => String::new(),
    }
}

/// Refuses archives that would inflate past `limits.max_bytes`.
fn check_archive(bytes: &[u8], limits: &Limits) -> Result<(), InventoryError> {
    let fail = |e: zip::result::ZipError| {
        InventoryError::new(FORMAT, "", format!("not an XLSX (zip) file: {e}"))
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(fail)?;
    if zip.len() > MAX_ENTRIES {
        return Err(InventoryError::new(
            FORMAT,
            "",
            format!("{} zip entries, more than {MAX_ENTRIES}", zip.len()),
        ));
    }
    let limit = u64::try_from(limits.max_bytes).unwrap_or(u64::MAX);
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(fail)?;
        total = total.saturating_add(entry.size());
        if total > limit {
            return Err(InventoryError::new(
                FORMAT,
                entry.name().map(|n| n.into_owned()).unwrap_or_default(),
                format!("inflates to more than {limit} bytes (zip bomb?)"),
            )
            .with_limit(Limit::Size));
        }
    }
    Ok(())
}
