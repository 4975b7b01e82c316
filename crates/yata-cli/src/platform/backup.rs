//! `yata backup`: a consistent copy of a running SQLite store.

use std::path::PathBuf;

use clap::Args;
use yata_store::Backend;

use super::{open_store, runtime};
use crate::Failure;

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// The store: sqlite://PATH (PostgreSQL: use pg_dump).
    #[arg(long, value_name = "URL")]
    db: String,
    /// The backup file to create; it must not exist.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub(crate) fn run(args: BackupArgs) -> Result<(), Failure> {
    if args.db.starts_with("postgres") {
        return Err(Failure::BadInput(
            "yata backup copies SQLite stores; for PostgreSQL use its own tools \
             (pg_dump -Fc, or pg_basebackup for a whole cluster)"
                .into(),
        ));
    }
    if args.out.exists() {
        return Err(Failure::BadInput(format!(
            "{} exists; choose a new file",
            args.out.display()
        )));
    }
    runtime()?.block_on(async {
        let store = open_store(&args.db).await?;
        debug_assert_eq!(store.backend(), Backend::Sqlite);
        let result = store.backup(&args.out).await;
        store.close().await.map_err(|e| Failure::Other(e.into()))?;
        result.map_err(|e| Failure::Other(e.into()))?;
        eprintln!("backed up {} to {}", args.db, args.out.display());
        Ok(())
    })
}
