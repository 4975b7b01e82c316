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
