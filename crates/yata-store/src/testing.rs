//! Test support (feature `testing`): a fresh database per test, SQLite in a
//! temporary directory or PostgreSQL on the server `YATA_TEST_PG_URL` names
//! (see `scripts/pg-test.sh`). Outside CI, PostgreSQL tests without that
//! variable skip with a message; in CI they fail, never skip.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

/// The variable naming the PostgreSQL server tests create databases on.
pub const PG_ENV: &str = "YATA_TEST_PG_URL";

/// One test's empty database; [`TestDatabase::finish`] drops a PostgreSQL
/// one (a SQLite one goes with its directory).
#[derive(Debug)]
pub struct TestDatabase {
    /// The store URL to open.
    pub url: String,
    /// PostgreSQL: the server URL and the database to drop afterwards.
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

impl TestDatabase {
    /// A SQLite file in a new temporary directory.
    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("yata.db").display());
        TestDatabase {
            url,
            pg: None,
            _dir: Some(dir),
        }
    }

    /// A new database on the `YATA_TEST_PG_URL` server; `None` (with a
    /// message) when the variable is unset outside CI.
    ///
    /// # Panics
    /// In CI without the variable, and when the server refuses.
    pub async fn postgres() -> Option<TestDatabase> {
        let Ok(server) = std::env::var(PG_ENV) else {
            if in_ci() {
                panic!(
                    "{PG_ENV} is not set: CI must run the PostgreSQL tests (scripts/pg-test.sh)"
                );
            }
            eprintln!("skipping: {PG_ENV} not set (run under scripts/pg-test.sh)");
            return None;
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "yata_t_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            jiff::Timestamp::now().as_microsecond() % 1_000_000
        );
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("connecting to the test PostgreSQL server");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("creating a test database");
        let _ = admin.close().await;
        Some(TestDatabase {
            url: with_database(&server, &name),
            pg: Some((server, name)),
            _dir: None,
        })
    }

    /// Drops a PostgreSQL database (its stores must be closed).
    pub async fn finish(self) {
        if let Some((server, name)) = &self.pg {
            let mut admin = sqlx::PgConnection::connect(server)
                .await
                .expect("connecting to the test PostgreSQL server");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE {name} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await
            .expect("dropping a test database");
        }
    }
}

/// `server` with its database name replaced by `name`.
pub fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}
