//! PostgreSQL: several server replicas on one database. Writers serialise on
//! the audit head's row lock; job claims skip rows other replicas hold.

use std::path::Path;
use std::str::FromStr;
use std::sync::LazyLock;

use sqlx::Pool;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::{Backend, Error, migrations};

type Db = sqlx::Postgres;
const BACKEND: Backend = Backend::Postgres;
static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| migrations::migrator(migrations::POSTGRES));
const SKIP_LOCKED: &str = "FOR UPDATE SKIP LOCKED";

/// How generated SQL writes numbered bind parameters (see `sqlite.rs`).
const PARAM: char = '$';

#[path = "sql.rs"]
mod sql;
pub(crate) use sql::SqlStore;

pub(crate) async fn open(url: &str) -> Result<SqlStore, Error> {
    let options = PgConnectOptions::from_str(url).map_err(|e| Error::Url(format!("{url}: {e}")))?;
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect_with(options)
        .await?;
    SqlStore::new(pool).await
}

async fn begin_write(pool: &Pool<Db>) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin().await
}

/// A read-only transaction that sees one snapshot throughout.
async fn begin_snapshot(pool: &Pool<Db>) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await
}

async fn backup(_pool: &Pool<Db>, _out: &Path) -> Result<(), Error> {
    Err(Error::Unsupported {
        operation: "backup",
        backend: "postgres (use pg_dump)",
    })
}

/// The channel committed writes are announced on.
const CHANNEL: &str = "yata_changes";

async fn notify(tx: &mut sqlx::Transaction<'static, Db>, payload: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Listens on the channel: every committed write's announcement, from any
/// process. The listener reconnects by itself; announcements made while it
/// was away are lost, which is why readers also reconcile at start-up.
async fn listen(pool: &Pool<Db>) -> Result<Option<tokio::sync::mpsc::Receiver<String>>, Error> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    let (tx, rx) = tokio::sync::mpsc::channel(1024);
    tokio::spawn(async move {
        loop {
            match listener.recv().await {
                Ok(n) => {
                    if tx.send(n.payload().to_owned()).await.is_err() {
                        return;
                    }
                }
                // The store is closing: let its connection go.
                Err(sqlx::Error::PoolClosed) => return,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
            }
        }
    });
    Ok(Some(rx))
}
