//! SQLite: one file in WAL mode, foreign keys on, a busy timeout; writers
//! begin with `BEGIN IMMEDIATE` so they queue on the busy timeout instead of
//! failing when a read transaction would have to become a write one.

use std::path::Path;
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::Duration;

use sqlx::Pool;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{Backend, BrokenAt, Error, Store, migrations};

type Db = sqlx::Sqlite;
const BACKEND: Backend = Backend::Sqlite;
static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| migrations::migrator(migrations::SQLITE));
/// SQLite has one writer at a time: nothing to skip.
const SKIP_LOCKED: &str = "";

/// How generated SQL writes numbered bind parameters. `?NNN`, not `$NNN`:
/// SQLite reads `?NNN` as its number but looks each new `$name` up among
/// the names so far, which adds up in a batched statement's hundreds of
/// parameters (two uploads of 20,000 observations: 0.72 s against 1.0 s).
/// Written SQL text keeps `$1`, `$2`: few names, and the same in both.
const PARAM: char = '?';

#[path = "sql.rs"]
mod sql;
pub(crate) use sql::SqlStore;

pub(crate) async fn open(url: &str) -> Result<SqlStore, Error> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| Error::Url(format!("{url}: {e}")))?
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(30));
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let pool = if in_memory {
        // One connection keeps the database alive and is its only user.
        SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?
    } else {
        SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(
                options
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal),
            )
            .await?
    };
    SqlStore::new(pool).await
}

async fn begin_write(pool: &Pool<Db>) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// A read transaction: SQLite reads from one snapshot from its first read on.
async fn begin_snapshot(pool: &Pool<Db>) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    pool.begin().await
}

/// `VACUUM INTO` copies one read snapshot: consistent while writers go on.
async fn backup(pool: &Pool<Db>, out: &Path) -> Result<(), Error> {
    if out.exists() {
        return Err(Error::Conflict(format!("{} exists", out.display())));
    }
    let out = out
        .to_str()
        .ok_or_else(|| Error::Invalid(format!("{}: not UTF-8", out.display())))?;
    sqlx::query("VACUUM INTO $1")
        .bind(out)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn restore(url: &str, from: &Path) -> Result<Result<u64, BrokenAt>, Error> {
    let options =
        SqliteConnectOptions::from_str(url).map_err(|e| Error::Url(format!("{url}: {e}")))?;
    let target = options.get_filename().to_owned();
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Err(Error::Url(format!("{url}: cannot restore into memory")));
    }
    // Work on a copy beside the target: the backup file stays untouched and
    // the final step is one rename.
    let mut staging = target.clone().into_os_string();
    staging.push(".restoring");
    let staging = std::path::PathBuf::from(staging);
    remove_with_sidecars(&staging)?;
    std::fs::copy(from, &staging)?;
    let staged = open(&format!("sqlite://{}", staging.display())).await?;
    let verdict = staged.verify_audit().await;
    staged.close().await?;
    let result = match verdict {
        Ok(Ok(n)) => n,
        other => {
            remove_with_sidecars(&staging)?;
            return other;
        }
    };
    remove_with_sidecars(&target)?;
    std::fs::rename(&staging, &target)?;
    Ok(Ok(result))
}

/// Removes a database file and its `-wal` and `-shm` files, if present.
fn remove_with_sidecars(path: &Path) -> Result<(), Error> {
    for suffix in ["-wal", "-shm", ""] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    Ok(())
}

/// One process owns a SQLite store: nobody to tell.
async fn notify(
    _tx: &mut sqlx::Transaction<'static, Db>,
    _payload: &str,
) -> Result<(), sqlx::Error> {
    Ok(())
}

async fn listen(_pool: &Pool<Db>) -> Result<Option<tokio::sync::mpsc::Receiver<String>>, Error> {
    Ok(None)
}
