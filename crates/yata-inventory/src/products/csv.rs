//! CSV asset registers.
//!
//! Encoding: a byte-order mark decides (UTF-8, UTF-16LE/BE as Excel's
//! "Unicode text" writes); without one, UTF-8 if the bytes are valid UTF-8,
//! else Shift_JIS as Windows (CP932) writes it, which is what Japanese Excel
//! exports "CSV" as. `encoding_rs`'s Shift_JIS is the WHATWG one, i.e.
//! CP932 with its NEC and IBM extensions. The encoding read is in the
//! metadata key `encoding`. The delimiter is a comma, or a tab when the
//! first line has tabs and no commas.

use std::borrow::Cow;

use super::{Columns, push};
use crate::{Format, Inventory, InventoryError, Limits};

const FORMAT: Format = Format::ProductCsv;

pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    inv: &mut Inventory,
) -> Result<(), InventoryError> {
    let (text, encoding) = decode(bytes)?;
    inv.document
        .metadata
        .insert("encoding".to_owned(), encoding.to_owned());
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut columns = None;
    let mut row = 0usize;
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(InventoryError::new(
                    FORMAT,
                    format!("row {}", row + 1),
                    e.to_string(),
                ));
            }
        }
        let cells: Vec<(usize, String)> = record
            .iter()
            .enumerate()
            .map(|(i, v)| (i, v.to_owned()))
            .collect();
        let Some(columns) = &columns else {
            if cells.iter().any(|(_, v)| !v.trim().is_empty()) {
                let header: Vec<String> = cells.into_iter().map(|(_, v)| v).collect();
                columns = Some(Columns::new(FORMAT, &header, inv)?);
            }
            continue;
        };
        row += 1;
        if let Some(p) = columns.product(FORMAT, row, &cells)? {
            push(FORMAT, p, row, limits, inv)?;
        }
    }
    if columns.is_none() {
        return Err(InventoryError::new(FORMAT, "", "no header row"));
    }
    Ok(())
}

/// The text of `bytes` and the name of its encoding.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), InventoryError> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(InventoryError::new(
                FORMAT,
                "",
                format!("not valid {} after its byte-order mark", encoding.name()),
            ));
        }
        return Ok((text, encoding.name()));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), "UTF-8"));
    }
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(InventoryError::new(
            FORMAT,
            "",
            "neither UTF-8 nor Shift_JIS (CP932)",
        ));
    }
    Ok((text, "Shift_JIS"))
}
