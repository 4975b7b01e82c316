//! `yata restore`: brings a SQLite backup back after checking its audit chain.

use std::path::PathBuf;

use clap::Args;

use super::runtime;
use crate::Failure;

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The store to replace: sqlite://PATH. Stop the server first.
    #[arg(long, value_name = "URL")]
    db: String,
    /// A file written by `yata backup`.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
}

/// `Ok(false)`: the backup's audit chain is broken; nothing was changed.
pub(crate) fn run(args: RestoreArgs) -> Result<bool, Failure> {
    if args.db.starts_with("postgres") {
        return Err(Failure::BadInput(
            "yata restore restores SQLite stores; for PostgreSQL use pg_restore".into(),
        ));
    }
    if !args.from.is_file() {
        return Err(Failure::BadInput(format!(
            "{}: no such file",
            args.from.display()
        )));
    }
    runtime()?.block_on(async {
        match yata_store::restore(&args.db, &args.from).await {
            Ok(Ok(n)) => {
                println!("restored {}: audit log intact, {n} entries", args.db);
                Ok(true)
            }
            Ok(Err(broken)) => {
                println!("not restored: the backup's {broken}");
                Ok(false)
            }
            Err(yata_store::Error::Url(e)) => Err(Failure::BadInput(e)),
            Err(e) => Err(Failure::Other(e.into())),
        }
    })
}
