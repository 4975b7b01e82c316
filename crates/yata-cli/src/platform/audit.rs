//! `yata audit verify`.

use clap::{Args, Subcommand};

use super::{open_store, runtime};
use crate::Failure;

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Recompute the audit log's hash chain: prints the number of entries,
    /// or names the first broken one and exits with 1.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The store: sqlite://PATH or postgres://…
    #[arg(long, value_name = "URL")]
    db: String,
}

/// `Ok(false)`: the chain is broken.
pub(crate) fn run(cmd: AuditCommand) -> Result<bool, Failure> {
    let AuditCommand::Verify(args) = cmd;
    runtime()?.block_on(async {
        let store = open_store(&args.db).await?;
        let verdict = store.verify_audit().await;
        store.close().await.map_err(|e| Failure::Other(e.into()))?;
        match verdict.map_err(|e| Failure::Other(e.into()))? {
            Ok(n) => {
                println!("audit log intact: {n} entries");
                Ok(true)
            }
            Err(broken) => {
                println!("{broken}");
                Ok(false)
            }
        }
    })
}
