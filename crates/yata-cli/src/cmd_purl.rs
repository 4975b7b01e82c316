//! `yata purl`.

use clap::Args;
use yata_purl::Purl;

use crate::Failure;

#[derive(Debug, Args)]
pub(crate) struct PurlArgs {
    /// The Package URL, e.g. `pkg:pypi/Django_Rest@1.0`.
    purl: String,
    /// Accept upper-case qualifier keys (and lower-case them), as many
    /// producers write them; by default they are an error, as the spec says.
    #[arg(long)]
    lenient: bool,
}

/// Prints the canonical form; an invalid PURL is bad input (exit 2).
pub(crate) fn run(args: PurlArgs) -> Result<(), Failure> {
    let parsed = if args.lenient {
        Purl::parse_lenient(&args.purl)
    } else {
        args.purl.parse::<Purl>()
    };
    let purl = parsed.map_err(|e| Failure::BadInput(e.to_string()))?;
    println!("{purl}");
    Ok(())
}
