//! `yata cpe`.

use clap::{Args, Subcommand};
use yata_cpe::{Cpe, Relation};

use crate::Failure;

#[derive(Debug, Subcommand)]
pub(crate) enum CpeCommand {
    /// Compare a source name with a target name (NISTIR 7696): prints
    /// `equal`, `subset`, `superset` or `disjoint`.
    ///
    /// Either binding is accepted (`cpe:2.3:…` or `cpe:/…`). When some
    /// attributes are subsets and others supersets, none of the four relations
    /// holds and `overlap` is printed. A target with wildcards is bad input:
    /// NISTIR 7696 leaves the relation undefined.
    Match(MatchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MatchArgs {
    /// The source name (may hold wildcards).
    source: String,
    /// The target name (no wildcards).
    target: String,
}

pub(crate) fn run(cmd: CpeCommand) -> Result<(), Failure> {
    let CpeCommand::Match(args) = cmd;
    let parse =
        |what: &str, s: &str| Cpe::parse(s).map_err(|e| Failure::BadInput(format!("{what}: {e}")));
    let source = parse("source", &args.source)?;
    let target = parse("target", &args.target)?;
    match source.compare(&target) {
        Relation::Undefined => Err(Failure::BadInput(
            "target: holds wildcards, so the relation is undefined (NISTIR 7696 6.1)".into(),
        )),
        relation => {
            println!("{relation}");
            Ok(())
        }
    }
}
