//! `yata cpe`.

use clap::{Args, Subcommand};

use crate::Failure;

#[derive(Debug, Subcommand)]
pub(crate) enum CpeCommand {
    /// Compare a source name with a target name (NISTIR 7696): prints
    /// `equal`, `subset`, `superset` or `disjoint`.
    Match(MatchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MatchArgs {
    source: String,
    target: String,
}

pub(crate) fn run(cmd: CpeCommand) -> Result<(), Failure> {
    let CpeCommand::Match(args) = cmd;
    let _ = (args.source, args.target);
    Err(Failure::BadInput("cpe: not wired yet".into()))
}
