//! `yata cvss`.

use std::io::{BufRead, BufWriter, Write};

use clap::Args;
use serde::Serialize;
use yata_cvss::Cvss;

use crate::Failure;

#[derive(Debug, Args)]
pub(crate) struct CvssArgs {
    /// The vector, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`, or a
    /// bare v2 vector such as `AV:N/AC:L/Au:N/C:P/I:P/A:P`.
    #[arg(required_unless_present = "batch")]
    vector: Option<String>,
    /// Read one vector per line from standard input; print one JSON object per
    /// line, `{"error": "..."}` for an invalid one.
    #[arg(long, conflicts_with = "vector")]
    batch: bool,
}

/// The command-line contract: field names and order are relied on.
#[derive(Debug, Serialize)]
struct Output {
    version: &'static str,
    base: f64,
    temporal: Option<f64>,
    environmental: Option<f64>,
    severity: &'static str,
}

#[derive(Debug, Serialize)]
struct ErrorOutput {
    error: String,
}

fn output(cvss: &Cvss) -> Output {
    let scores = cvss.scores();
    Output {
        version: cvss.version().as_str(),
        base: scores.base,
        temporal: scores.temporal,
        environmental: scores.environmental,
        severity: cvss.severity().as_str(),
    }
}

/// Prints the scores as JSON; an invalid vector is bad input (exit 2).
pub(crate) fn run(args: CvssArgs) -> Result<(), Failure> {
    if args.batch {
        let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        batch(std::io::stdin().lock(), &mut out)?;
        out.flush()?;
        return Ok(());
    }
    let Some(vector) = args.vector else {
        return Err(Failure::BadInput("a vector is required".into()));
    };
    let cvss: Cvss = vector
        .parse()
        .map_err(|e: yata_cvss::Error| Failure::BadInput(e.to_string()))?;
    let json = serde_json::to_string(&output(&cvss)).map_err(|e| Failure::Other(e.into()))?;
    println!("{json}");
    Ok(())
}

/// One output line per input line, so that results line up with the input.
fn batch(mut input: impl BufRead, out: &mut impl Write) -> Result<(), Failure> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let json = match text.trim().parse::<Cvss>() {
            Ok(cvss) => serde_json::to_string(&output(&cvss)),
            Err(e) => serde_json::to_string(&ErrorOutput {
                error: e.to_string(),
            }),
        }
        .map_err(|e| Failure::Other(e.into()))?;
        writeln!(out, "{json}")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_keeps_one_line_per_input_line() {
        let input = "AV:N/AC:L/Au:N/C:P/I:P/A:P\n\nCVSS:3.1/AV:X\r\nCVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        let mut out = Vec::new();
        batch(input.as_bytes(), &mut out).unwrap_or_else(|_| panic!());
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        assert_eq!(
            lines[0],
            r#"{"version":"2.0","base":7.5,"temporal":null,"environmental":null,"severity":"High"}"#
        );
        assert_eq!(lines[1], r#"{"error":"cvss: empty vector"}"#);
        assert_eq!(
            lines[2],
            r#"{"error":"cvss 3.1: metric AV: invalid value \"X\""}"#
        );
        assert_eq!(
            lines[3],
            r#"{"version":"4.0","base":9.3,"temporal":null,"environmental":null,"severity":"Critical"}"#
        );
    }
}
