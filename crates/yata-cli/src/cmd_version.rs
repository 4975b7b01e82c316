//! `yata version cmp`.

use std::cmp::Ordering;
use std::io::{BufRead, BufWriter, Write};

use clap::{Args, Subcommand};
use yata_version::Scheme;

use crate::Failure;

#[derive(Debug, Subcommand)]
pub(crate) enum VersionCommand {
    /// Compare two versions: prints `<`, `=` or `>`.
    ///
    /// With --batch, reads lines `A B` from standard input and prints one
    /// symbol per line, or `error: <reason>` for a line that cannot be compared.
    Cmp(CmpArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CmpArgs {
    /// OSV ecosystem name (PyPI, npm, Maven, Go, crates.io, Debian, Alpine,
    /// "Red Hat", RubyGems, NuGet, Packagist, Pub, Hex, CRAN, Hackage, SemVer)
    /// or `generic`.
    #[arg(long, short = 'e', value_name = "E")]
    ecosystem: String,
    /// Read pairs from standard input, one `A B` per line.
    #[arg(long, conflicts_with_all = ["a", "b"])]
    batch: bool,
    /// First version.
    #[arg(required_unless_present = "batch")]
    a: Option<String>,
    /// Second version.
    #[arg(required_unless_present = "batch")]
    b: Option<String>,
}

pub(crate) fn run(cmd: VersionCommand) -> Result<(), Failure> {
    match cmd {
        VersionCommand::Cmp(args) => cmp(args),
    }
}

fn symbol(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

fn cmp(args: CmpArgs) -> Result<(), Failure> {
    let scheme: Scheme = args
        .ecosystem
        .parse()
        .map_err(|e: yata_version::UnknownScheme| Failure::BadInput(e.to_string()))?;
    if !args.batch {
        let (Some(a), Some(b)) = (args.a, args.b) else {
            return Err(Failure::BadInput("two versions are required".into()));
        };
        let order = scheme
            .compare(&a, &b)
            .map_err(|e| Failure::BadInput(e.to_string()))?;
        println!("{}", symbol(order));
        return Ok(());
    }
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    batch(scheme, stdin, &mut out)?;
    out.flush()?;
    Ok(())
}

/// One output line per input line, so that results line up with the input.
fn batch(scheme: Scheme, mut input: impl BufRead, out: &mut impl Write) -> Result<(), Failure> {
    let mut line = String::new();
    let mut number = 0u64;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        number += 1;
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(a), Some(b), None) => match scheme.compare(a, b) {
                Ok(order) => writeln!(out, "{}", symbol(order))?,
                Err(e) => writeln!(out, "error: line {number}: {e}")?,
            },
            _ => writeln!(
                out,
                "error: line {number}: expected two whitespace-separated versions"
            )?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_keeps_one_line_per_input_line() {
        let input = "1.0 2.0\n\n1 2 3\n2.0 2.0\n";
        let mut out = Vec::new();
        batch(Scheme::Hackage, input.as_bytes(), &mut out).unwrap_or_else(|_| panic!());
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        assert_eq!(lines[0], "<");
        assert!(lines[1].starts_with("error: line 2: expected two"));
        assert!(lines[2].starts_with("error: line 3: expected two"));
        assert_eq!(lines[3], "=");
    }
}
