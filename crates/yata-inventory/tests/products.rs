//! Product inventories (asset registers): CSV in English and Japanese
//! (UTF-8, CP932), XLSX written here with `rust_xlsxwriter`.

use std::path::Path;

use yata_inventory::{Format, Inventory, Limits, products};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/products")
            .join(name),
    )
    .unwrap()
}

/// One line per product: every field, `-` when absent, notes last.
fn summary(inv: &Inventory) -> String {
    let o = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".to_owned());
    let mut out = String::new();
    for p in &inv.products {
        out.push_str(&format!(
            "{} | {} | {} | {} | {} | {:?} | {:?} | {} | {} | {:?}\n",
            o(&p.vendor),
            p.product,
            o(&p.version),
            o(&p.cpe),
            o(&p.hostname),
            p.internet_exposed,
            p.criticality,
            o(&p.location),
            o(&p.owner),
            p.notes,
        ));
    }
    out
}

fn check(format: Format, bytes: &[u8], expect: &str) -> Inventory {
    let inv = products::parse(format, bytes, &Limits::default()).unwrap();
    assert_eq!(summary(&inv), expect);
    assert_eq!(inv.document.format, format.name());
    assert_eq!(inv.document.digest, yata_inventory::digest(bytes));
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
    inv
}

const JAPANESE: &str = "YAMAHA | RTX1300 | Rev.23.00.12 | - | rt-honsha | Some(true) | Some(VeryHigh) | 本社サーバ室 | 情報システム部 | {\"備考\": \"保守契約あり\"}\n\
     日立 | JP1/Base | 13-00 | - | jp1-mgr | Some(false) | Some(Medium) | 大阪DC | 運用課 | {}\n";

#[test]
fn csv_english_headers() {
    check(
        Format::ProductCsv,
        &read("assets-en.csv"),
        "Fortinet | FortiGate | 7.2.5 | cpe:2.3:o:fortinet:fortios:7.2.5:*:*:*:*:*:*:* | fw01 | Some(true) | Some(VeryHigh) | Tokyo DC | NetOps | {\"Serial No\": \"FG100F123\"}\n\
         Cisco | IOS XE | 17.9.4 | - | rtr-core | Some(false) | Some(High) | Osaka | NetOps | {}\n\
         Microsoft | Exchange Server | 2019 CU14 | - | mail01 | Some(true) | Some(Medium) | - | IT | {}\n",
    );
}

#[test]
fn csv_japanese_headers_utf8_with_bom() {
    // Full-width letters are folded in headers only; values stay as written.
    let inv = products::parse(
        Format::ProductCsv,
        &read("assets-ja-utf8.csv"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(summary(&inv), JAPANESE.replace("YAMAHA", "ＹＡＭＡＨＡ"),);
    assert_eq!(inv.document.metadata["encoding"], "UTF-8");
}

#[test]
fn csv_japanese_headers_cp932() {
    let inv = products::parse(
        Format::ProductCsv,
        &read("assets-ja-cp932.csv"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(summary(&inv), JAPANESE.replace("YAMAHA", "ＹＡＭＡＨＡ"));
    assert_eq!(inv.document.metadata["encoding"], "Shift_JIS");
}

#[test]
fn csv_bad_rows_are_located_errors() {
    let err = |csv: &str| {
        products::parse(Format::ProductCsv, csv.as_bytes(), &Limits::default())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("product,criticality\na,low\n\nb,urgent\n"),
        "product-csv: row 2: criticality: unknown value \"urgent\" (expected low, medium, high, very high, 低, 中, 高, 最高, 極めて高い)"
    );
    assert_eq!(
        err("製品名,ベンダ\nx,y\n,z\n"),
        "product-csv: row 2: product: missing"
    );
    assert_eq!(
        err("製品名,外部公開\nx,たぶん\n"),
        "product-csv: row 1: internet exposed: unknown value \"たぶん\" (expected yes, no, true, false, 1, 0, はい, いいえ, あり, なし, ○, ×)"
    );
    assert!(err("name,version\nx,1\n").starts_with("product-csv: header: no product column"));
    assert_eq!(err(""), "product-csv: no header row");
    // Not UTF-8 and not Shift_JIS either.
    let e = products::parse(
        Format::ProductCsv,
        b"product\n\x82\xff\n",
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.message, "neither UTF-8 nor Shift_JIS (CP932)");
}

#[test]
fn csv_soft_issues_are_warnings() {
    let inv = products::parse(
        Format::ProductCsv,
        "Product,Vendor,vendor,\nx,a,b,c\n".as_bytes(),
        &Limits::default(),
    )
    .unwrap();
    let p = &inv.products[0];
    assert_eq!(p.vendor.as_deref(), Some("a"));
    assert_eq!(p.notes["vendor"], "b");
    assert_eq!(p.notes["column 4"], "c");
    assert_eq!(inv.warnings.len(), 1);
    assert_eq!(inv.warnings[0].path, "column 3");
}

fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                if value.is_empty() {
                    continue;
                }
                // Numbers as numbers, as Excel stores them.
                match value.parse::<f64>() {
                    Ok(n) => sheet.write_number(r as u32, c as u16, n).unwrap(),
                    Err(_) => sheet.write_string(r as u32, c as u16, *value).unwrap(),
                };
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_picks_the_assets_sheet_and_maps_japanese_headers() {
    let bytes = workbook(&[
        ("表紙", &[&["資産台帳 2025年版"]]),
        (
            "資産一覧",
            &[
                &[],
                &[
                    "メーカー",
                    "製品",
                    "版",
                    "ホスト",
                    "インターネット公開",
                    "重要度",
                    "場所",
                    "管理者",
                    "CPE",
                    "契約番号",
                ],
                &[
                    "YAMAHA",
                    "RTX1300",
                    "23.00",
                    "rt-honsha",
                    "はい",
                    "高",
                    "本社",
                    "情シス",
                    "",
                    "C-1",
                ],
                &[],
                &[
                    "Cisco",
                    "Catalyst 9300",
                    "17",
                    "",
                    "いいえ",
                    "低",
                    "",
                    "",
                    "cpe:2.3:h:cisco:catalyst_9300:-:*:*:*:*:*:*:*",
                    "42",
                ],
            ],
        ),
    ]);
    let inv = check(
        Format::ProductXlsx,
        &bytes,
        "YAMAHA | RTX1300 | 23 | - | rt-honsha | Some(true) | Some(High) | 本社 | 情シス | {\"契約番号\": \"C-1\"}\n\
         Cisco | Catalyst 9300 | 17 | cpe:2.3:h:cisco:catalyst_9300:-:*:*:*:*:*:*:* | - | Some(false) | Some(Low) | - | - | {\"契約番号\": \"42\"}\n",
    );
    assert_eq!(inv.document.metadata["sheet"], "資産一覧");

    // Rows count from the header; the blank sheet row counts.
    let bytes = workbook(&[(
        "Assets",
        &[
            &["Product", "Criticality"],
            &["a", "low"],
            &[],
            &["b", "extreme"],
        ],
    )]);
    let err = products::parse(Format::ProductXlsx, &bytes, &Limits::default()).unwrap_err();
    assert_eq!(err.path, "row 3");
    assert!(
        err.message
            .starts_with("criticality: unknown value \"extreme\""),
        "{err}"
    );
}

#[test]
fn xlsx_refuses_what_would_inflate_past_the_limit() {
    let bytes = workbook(&[("Sheet1", &[&["Product"], &["x"]])]);
    // The archive's entries inflate to more than the archive's own size.
    let limits = Limits {
        max_bytes: bytes.len(),
        ..Limits::default()
    };
    let err = products::parse(Format::ProductXlsx, &bytes, &limits).unwrap_err();
    assert!(err.message.contains("inflates to more than"), "{err}");

    let limits = Limits {
        max_components: 1,
        ..Limits::default()
    };
    let bytes = workbook(&[("Sheet1", &[&["Product"], &["x"], &["y"]])]);
    let err = products::parse(Format::ProductXlsx, &bytes, &limits).unwrap_err();
    assert_eq!(err.to_string(), "product-xlsx: row 2: more than 1 products");
}

#[test]
fn never_panics_on_garbage() {
    for bytes in [
        &b"PK\x03\x04garbage"[..],
        b"",
        b"\xff\xfe\x00",
        b"product\n\"unterminated",
    ] {
        for format in [Format::ProductCsv, Format::ProductXlsx] {
            let _ = products::parse(format, bytes, &Limits::default());
        }
    }
}
