//! Product inventories (asset registers) from CSV or XLSX: one product a
//! row, under a header row in English or Japanese.
//!
//! Headers are matched after folding case, full-width ASCII and the
//! ideographic space, and dropping spaces, `_`, `-` and `.`:
//!
//! | field | headers |
//! |---|---|
//! | vendor | vendor, manufacturer, maker, ベンダ(ー)(名), メーカ(ー)(名), 製造元, 製造者 |
//! | product (required) | product, product name, 製品名, 製品, 品名 |
//! | version | version, ver, バージョン, 版 |
//! | cpe | cpe, cpe name, cpe 2.3 |
//! | hostname | hostname, host, ホスト名, ホスト |
//! | internet exposed | internet exposed, internet facing, exposed, インターネット公開, 外部公開 |
//! | criticality | criticality, importance, 重要度 |
//! | location | location, site, 設置場所, 場所, 拠点 |
//! | owner | owner, 管理者, 担当者 |
//!
//! Any other header is kept in [`Product::notes`](yata_model::inventory::Product)
//! under the header as written; a cell under no header under `column N`.
//! Exposure is yes/no/true/false/1/0/y/n/はい/いいえ/あり/なし/有/無/○/×;
//! criticality low/medium/high/very high (also critical), 低/中/高/最高/極めて高い.
//! An empty cell (or `-`) is "not given".
//!
//! **Rows are numbered from 1 at the first row under the header** (the
//! header row is row 0): in a spreadsheet whose header is in sheet row 1,
//! `row 3` is sheet row 4. Blank rows count in XLSX (they are sheet rows);
//! in CSV blank lines are not records and do not count (the `csv` crate
//! skips them), so `row 3` is the third record under the header. A row without a product, or with an exposure or
//! criticality value that is not one of the above, is an [`InventoryError`]
//! at `row N`: guessing would change a priority silently. Blank rows are
//! skipped.

use std::collections::BTreeMap;

use yata_model::inventory::{Criticality, Product, SourceDocument};

use crate::{Format, Inventory, InventoryError, Limit, Limits};

mod csv;
mod xlsx;

/// Parses an asset register: [`Format::ProductCsv`] or [`Format::ProductXlsx`].
pub fn parse(format: Format, bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    if bytes.len() > limits.max_bytes {
        return Err(InventoryError::new(
            format,
            "",
            format!(
                "document of {} bytes exceeds the limit of {}",
                bytes.len(),
                limits.max_bytes
            ),
        )
        .with_limit(Limit::Size));
    }
    let mut inv = Inventory::new(SourceDocument::new(format.name(), crate::digest(bytes)));
    match format {
        Format::ProductCsv => csv::read(bytes, limits, &mut inv)?,
        Format::ProductXlsx => xlsx::read(bytes, limits, &mut inv)?,
        other => {
            return Err(InventoryError::new(
                other,
                "",
                "not a product inventory format",
            ));
        }
    }
    Ok(inv)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Vendor,
    Product,
    Version,
    Cpe,
    Hostname,
    Exposed,
    Criticality,
    Location,
    Owner,
}

const HEADERS: &[(Field, &[&str])] = &[
    (
        Field::Vendor,
        &[
            "vendor",
            "manufacturer",
            "maker",
            "ベンダ",
            "ベンダー",
            "ベンダ名",
            "ベンダー名",
            "メーカ",
            "メーカー",
            "メーカ名",
            "メーカー名",
            "製造元",
            "製造者",
        ],
    ),
    (
        Field::Product,
        &["product", "productname", "製品名", "製品", "品名"],
    ),
    (Field::Version, &["version", "ver", "バージョン", "版"]),
    (Field::Cpe, &["cpe", "cpename", "cpe23"]),
    (Field::Hostname, &["hostname", "host", "ホスト名", "ホスト"]),
    (
        Field::Exposed,
        &[
            "internetexposed",
            "internetfacing",
            "exposed",
            "インターネット公開",
            "外部公開",
        ],
    ),
    (Field::Criticality, &["criticality", "importance", "重要度"]),
    (
        Field::Location,
        &["location", "site", "設置場所", "場所", "拠点"],
    ),
    (Field::Owner, &["owner", "管理者", "担当者"]),
];

/// Folds case and width, drops spaces, `_`, `-` and `.`.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        };
        if c.is_whitespace() || matches!(c, '_' | '-' | '.' | '\u{feff}') {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// What each column of the header holds.
#[derive(Debug)]
struct Columns {
    columns: Vec<Column>,
}

#[derive(Debug)]
enum Column {
    Field(Field),
    /// An unknown header, or a second column for a field: a note.
    Note(String),
    /// No header.
    Blank,
}

impl Columns {
    fn new(
        format: Format,
        header: &[String],
        inv: &mut Inventory,
    ) -> Result<Columns, InventoryError> {
        let mut seen = Vec::new();
        let mut columns = Vec::with_capacity(header.len());
        for (i, h) in header.iter().enumerate() {
            let h = h.trim().trim_start_matches('\u{feff}');
            let folded = fold(h);
            let field = HEADERS
                .iter()
                .find(|(_, names)| names.contains(&folded.as_str()))
                .map(|(f, _)| *f);
            columns.push(match field {
                _ if h.is_empty() => Column::Blank,
                Some(f) if seen.contains(&f) => {
                    inv.warn(
                        format!("column {}", i + 1),
                        format!("a second {f:?} column {h:?}: kept as a note"),
                    );
                    Column::Note(h.to_owned())
                }
                Some(f) => {
                    seen.push(f);
                    Column::Field(f)
                }
                None => Column::Note(h.to_owned()),
            });
        }
        if !seen.contains(&Field::Product) {
            return Err(InventoryError::new(
                format,
                "header",
                format!(
                    "no product column (expected one of: product, product name, 製品名, 製品, 品名); found {}",
                    header
                        .iter()
                        .map(|h| format!("{h:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        Ok(Columns { columns })
    }

    /// The product of one data row (`row` 1-based under the header);
    /// `None` for a blank row.
    fn product(
        &self,
        format: Format,
        row: usize,
        cells: &[(usize, String)],
    ) -> Result<Option<Product>, InventoryError> {
        if cells.iter().all(|(_, v)| v.trim().is_empty()) {
            return Ok(None);
        }
        let err = |message: String| InventoryError::new(format, format!("row {row}"), message);
        let mut p = Product::named("");
        let mut notes = BTreeMap::new();
        for (i, value) in cells {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let text = Some(value.to_owned());
            match self.columns.get(*i).unwrap_or(&Column::Blank) {
                Column::Field(Field::Vendor) => p.vendor = text,
                Column::Field(Field::Product) => p.product = value.to_owned(),
                Column::Field(Field::Version) => p.version = text,
                Column::Field(Field::Cpe) => p.cpe = text,
                Column::Field(Field::Hostname) => p.hostname = text,
                Column::Field(Field::Location) => p.location = text,
                Column::Field(Field::Owner) => p.owner = text,
                Column::Field(Field::Exposed) => {
                    p.internet_exposed = exposed(value).map_err(|()| {
                        err(format!(
                            "internet exposed: unknown value {value:?} (expected yes, no, true, false, 1, 0, はい, いいえ, あり, なし, ○, ×)"
                        ))
                    })?;
                }
                Column::Field(Field::Criticality) => {
                    p.criticality = criticality(value).map_err(|()| {
                        err(format!(
                            "criticality: unknown value {value:?} (expected low, medium, high, very high, 低, 中, 高, 最高, 極めて高い)"
                        ))
                    })?;
                }
                Column::Note(header) => {
                    notes.insert(header.clone(), value.to_owned());
                }
                Column::Blank => {
                    notes.insert(format!("column {}", i + 1), value.to_owned());
                }
            }
        }
        if p.product.is_empty() {
            return Err(err("product: missing".to_owned()));
        }
        p.notes = notes;
        Ok(Some(p))
    }
}

fn is_unset(folded: &str) -> bool {
    matches!(folded, "" | "－" | "ー" | "―" | "n/a" | "na")
}

fn exposed(value: &str) -> Result<Option<bool>, ()> {
    let v = fold(value);
    Ok(match v.as_str() {
        v if is_unset(v) => None,
        "yes" | "y" | "true" | "1" | "はい" | "あり" | "有" | "○" | "◯" | "〇" => {
            Some(true)
        }
        "no" | "n" | "false" | "0" | "いいえ" | "なし" | "無" | "×" | "✕" => Some(false),
        _ => return Err(()),
    })
}

fn criticality(value: &str) -> Result<Option<Criticality>, ()> {
    let v = fold(value);
    Ok(match v.as_str() {
        v if is_unset(v) => None,
        "low" | "低" => Some(Criticality::Low),
        "medium" | "mid" | "moderate" | "中" => Some(Criticality::Medium),
        "high" | "高" => Some(Criticality::High),
        "veryhigh" | "critical" | "最高" | "極めて高い" | "極高" => {
            Some(Criticality::VeryHigh)
        }
        _ => return Err(()),
    })
}

/// Adds `p`, refusing more than `limits.max_components` products.
fn push(
    format: Format,
    p: Product,
    row: usize,
    limits: &Limits,
    inv: &mut Inventory,
) -> Result<(), InventoryError> {
    if inv.products.len() >= limits.max_components {
        return Err(InventoryError::new(
            format,
            format!("row {row}"),
            format!("more than {} products", limits.max_components),
        )
        .with_limit(Limit::Components));
    }
    inv.products.push(p);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold("Internet_Exposed"), "internetexposed");
        assert_eq!(fold("ＣＰＥ　2.3"), "cpe23");
        assert_eq!(exposed("ＹＥＳ"), Ok(Some(true)));
        assert_eq!(exposed("maybe"), Err(()));
        assert_eq!(criticality("Very High"), Ok(Some(Criticality::VeryHigh)));
        assert_eq!(criticality("-"), Ok(None));
    }
}
