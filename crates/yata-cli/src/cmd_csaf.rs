//! `yata csaf validate`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use yata_csaf::Group;

use crate::Failure;

#[derive(Debug, Subcommand)]
pub(crate) enum CsafCommand {
    /// Validate a CSAF 2.0 document: the JSON schema and the mandatory tests
    /// of section 6.1 decide validity; optional (6.2) and informative (6.3)
    /// tests are reported as warnings.
    ///
    /// Prints `<test id> <JSON pointer>: <message>` per failure. Exit code 0
    /// when valid, 1 when invalid, 2 when the file cannot be read or is not
    /// JSON.
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    file: PathBuf,
    /// Run only the schema and the mandatory tests.
    #[arg(long)]
    mandatory_only: bool,
}

/// The outcome of a validation: valid or not (exit 0 or 1).
pub(crate) fn run(cmd: CsafCommand) -> Result<bool, Failure> {
    let CsafCommand::Validate(args) = cmd;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", args.file.display())))?;
    let config = yata_csaf::Config {
        optional: !args.mandatory_only,
        informative: !args.mandatory_only,
        ..yata_csaf::Config::default()
    };
    let report = yata_csaf::validate_with(&bytes, &config)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", args.file.display())))?;
    for failure in report.failures() {
        let level = match failure.group() {
            Group::Schema | Group::Mandatory => "error",
            _ => "warning",
        };
        println!("{level}: {failure}");
    }
    Ok(report.is_valid())
}
