//! FIRST EPSS scores: the daily CSV (`epss_scores-YYYY-MM-DD.csv`, usually
//! gzipped), as FIRST documents it:
//!
//! ```text
//! #model_version:v2023.03.01,score_date:2023-03-09T00:00:00+0000
//! cve,epss,percentile
//! CVE-1999-0001,0.01155,0.82793
//! ```
//!
//! One [`Record`] per row, with the CVE as its id and the score in
//! [`Record::epss`]. The score date and model version come from the comment
//! line; a file without it needs a `date` column (the model version is then
//! empty: the file does not say), or none of its rows can be dated and the
//! whole document is one problem. Gzip bytes (`1f 8b`) are inflated first,
//! within [`Limits::default`].
//!
//! A row that cannot be read is a problem located at `row 18, column epss`,
//! rows counted from 1 after the column header line.
//!
//! [`Limits::default`]: crate::source::Limits

use jiff::civil::Date;
use yata_model::{Epss, Record, SourceKind, VulnId};

use crate::Parsed;

/// Parses one EPSS CSV document, plain or gzipped.
pub fn parse(name: &str, bytes: &[u8], out: &mut Parsed) {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let limits = crate::source::Limits::default();
        match crate::source::gunzip(name, bytes, bytes.len() as u64, &limits) {
            Ok(inflated) => parse_csv(name, &inflated, out),
            Err(e) => out.problem(name, "", format!("epss: {e}")),
        }
    } else {
        parse_csv(name, bytes, out);
    }
}

/// What the `#model_version:…,score_date:…` line says.
struct Header {
    model_version: String,
    date: Date,
}

/// Where a row's date comes from.
#[derive(Clone, Copy)]
enum Dating {
    Fixed(Date),
    Column(usize),
}

fn parse_csv(name: &str, bytes: &[u8], out: &mut Parsed) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let (header, body) = if bytes.starts_with(b"#") {
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(bytes.len());
        let line = String::from_utf8_lossy(&bytes[..end]);
        match header(line.trim_end_matches('\r')) {
            Ok(h) => (Some(h), &bytes[(end + 1).min(bytes.len())..]),
            Err(message) => return out.problem(name, "line 1", format!("epss: {message}")),
        }
    } else {
        (None, bytes)
    };

    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body);
    let columns = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return out.problem(name, "row 0", format!("epss: {e}")),
    };
    let column = |want: &str| {
        columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(want.as_bytes()))
    };
    let (Some(cve_at), Some(epss_at), Some(percentile_at)) =
        (column("cve"), column("epss"), column("percentile"))
    else {
        return out.problem(
            name,
            "row 0",
            "epss: the column header line must name `cve`, `epss` and `percentile`",
        );
    };
    // A `date` column, where there is one, dates each row.
    let dating = match (column("date"), &header) {
        (Some(at), _) => Dating::Column(at),
        (None, Some(h)) => Dating::Fixed(h.date),
        (None, None) => {
            return out.problem(
                name,
                "",
                "epss: no `#model_version:…,score_date:…` line and no `date` column: \
                 the scores cannot be dated",
            );
        }
    };
    let model_version = header.map_or_else(String::new, |h| h.model_version);

    // Rows are about 32 bytes (`CVE-2024-12345,0.00043,0.12345`): sizing the
    // output once spares copying ~300 k records while it grows.
    out.records.reserve(body.len() / 32);
    let mut row = csv::ByteRecord::new();
    for n in 1.. {
        match reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                out.problem(name, format!("row {n}"), format!("epss: {e}"));
                continue;
            }
        }
        let cell =
            |at: usize| std::str::from_utf8(row.get(at).unwrap_or(b"")).unwrap_or("\u{fffd}");
        let result = (|| {
            let id = cve(cell(cve_at)).map_err(|m| ("cve", m))?;
            let score = probability(cell(epss_at)).map_err(|m| ("epss", m))?;
            let percentile = probability(cell(percentile_at)).map_err(|m| ("percentile", m))?;
            let date = match dating {
                Dating::Fixed(date) => date,
                Dating::Column(at) => cell(at)
                    .parse::<Date>()
                    .map_err(|e| ("date", format!("invalid date {:?}: {e}", cell(at))))?,
            };
            let mut r = Record::new(SourceKind::Epss, id);
            r.epss = Some(Epss {
                score,
                percentile,
                model_version: model_version.clone(),
                date,
            });
            Ok::<_, (&str, String)>(r)
        })();
        match result {
            Ok(r) => out.records.push(r),
            Err((column, message)) => out.problem(
                name,
                format!("row {n}, column {column}"),
                format!("epss: {message}"),
            ),
        }
    }
}

/// Reads `#model_version:v2023.03.01,score_date:2023-03-09T00:00:00+0000`.
fn header(line: &str) -> Result<Header, String> {
    let mut model_version = None;
    let mut date = None;
    for part in line.trim_start_matches('#').split(',') {
        let Some((key, value)) = part.split_once(':') else {
            return Err(format!("unexpected {part:?} in the header line"));
        };
        let value = value.trim();
        match key.trim() {
            "model_version" => model_version = Some(value.to_owned()),
            // `2023-03-09T00:00:00+0000`: the scores are of that UTC day.
            "score_date" => {
                let day = value.get(..10).unwrap_or(value);
                date = Some(
                    day.parse::<Date>()
                        .map_err(|e| format!("invalid score_date {value:?}: {e}"))?,
                );
            }
            _ => {} // later fields, if FIRST adds any
        }
    }
    match (model_version, date) {
        (Some(model_version), Some(date)) => Ok(Header {
            model_version,
            date,
        }),
        (None, _) => Err("the header line has no model_version".to_owned()),
        (_, None) => Err("the header line has no score_date".to_owned()),
    }
}

fn cve(s: &str) -> Result<VulnId, String> {
    let id: VulnId = s.parse().map_err(|e| format!("{e}"))?;
    if id.is_cve() {
        Ok(id)
    } else {
        Err(format!("{s:?} is not a CVE id"))
    }
}

/// A probability: a finite number from 0 to 1.
fn probability(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(_) => Err(format!("{s:?} is not between 0 and 1")),
        Err(_) => Err(format!("{s:?} is not a number")),
    }
}
