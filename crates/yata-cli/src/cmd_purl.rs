//! `yata purl`.

use clap::Args;

use crate::Failure;

#[derive(Debug, Args)]
pub(crate) struct PurlArgs {
    /// The Package URL, e.g. `pkg:pypi/Django_Rest@1.0`.
    purl: String,
}

pub(crate) fn run(args: PurlArgs) -> Result<(), Failure> {
    let _ = args.purl;
    Err(Failure::BadInput("purl: not wired yet".into()))
}
