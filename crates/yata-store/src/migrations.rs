//! The migrations of both dialects, embedded in the binary with
//! `include_str!` and turned into a sqlx [`Migrator`] at run time.
//!
//! Not `sqlx::migrate!`: that macro needs sqlx's `macros` feature, which
//! compiles a second copy of sqlx for the proc-macro. A migration here is
//! exactly what the macro (and sqlx's directory resolver, which the macro
//! calls) makes of the same file: version and description from the file
//! name (`0002_feed_snapshots.sql`: 2, `feed snapshots`), SHA-384 of the
//! text as checksum, `-- no-transaction` as first line to opt out of the
//! transaction. Databases migrated by the macro therefore open unchanged;
//! the test below compares each list with sqlx's own reading of its
//! directory, so a file that is not listed here fails it.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// Each file of `migrations/<dialect>`: its name and its text.
macro_rules! embed {
    ($dialect:literal: $($file:literal),+ $(,)?) => {
        &[$(($file, include_str!(concat!("../migrations/", $dialect, "/", $file))),)+]
    };
}

pub(crate) const SQLITE: &[(&str, &str)] = embed!("sqlite": "0001_init.sql", "0002_feed_snapshots.sql", "0003_findings_by_asset.sql", "0004_findings_kev.sql", "0005_webhooks.sql", "0006_mail.sql", "0007_schedules.sql", "0008_findings_exposed.sql", "0009_findings_epss.sql", "0010_incidents_alerts.sql", "0011_user_preferences.sql");

pub(crate) const POSTGRES: &[(&str, &str)] = embed!("postgres": "0001_init.sql", "0002_feed_snapshots.sql", "0003_findings_by_asset.sql", "0004_findings_kev.sql", "0005_webhooks.sql", "0006_mail.sql", "0007_schedules.sql", "0008_findings_exposed.sql", "0009_findings_epss.sql", "0010_incidents_alerts.sql", "0011_user_preferences.sql");

/// The migrator of one dialect's files.
pub(crate) fn migrator(files: &[(&'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        files
            .iter()
            .map(|&(file, sql)| {
                let (version, description) = parse_name(file);
                Migration::new(
                    version,
                    Cow::Owned(description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    sql.starts_with("-- no-transaction"),
                )
            })
            .collect(),
    )
}

/// `0002_feed_snapshots.sql` → (2, `feed snapshots`), as sqlx reads it.
fn parse_name(file: &str) -> (i64, String) {
    let (version, rest) = file
        .split_once('_')
        .unwrap_or_else(|| panic!("migration {file}: no `_` after the version"));
    let version = version
        .parse()
        .unwrap_or_else(|_| panic!("migration {file}: version is not an integer"));
    let description = rest
        .strip_suffix(".sql")
        .unwrap_or_else(|| panic!("migration {file}: not a .sql file"));
    assert!(
        !description.ends_with(".up") && !description.ends_with(".down"),
        "migration {file}: reversible migrations are not used"
    );
    (version, description.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// What sqlx records per migration (and what `migrate!` would embed).
    fn rows(m: &Migrator) -> Vec<(i64, String, Vec<u8>, bool)> {
        m.iter()
            .map(|m| {
                (
                    m.version,
                    m.description.to_string(),
                    m.checksum.to_vec(),
                    m.no_tx,
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn embedded_lists_match_sqlx_reading_of_the_directories() {
        for (dialect, files) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dialect);
            let from_dir = Migrator::new(dir).await.unwrap();
            assert_eq!(rows(&migrator(files)), rows(&from_dir), "{dialect}");
        }
    }

    #[test]
    fn names_are_read_as_sqlx_reads_them() {
        assert_eq!(
            parse_name("0002_feed_snapshots.sql"),
            (2, "feed snapshots".to_owned())
        );
        assert_eq!(parse_name("0001_init.sql"), (1, "init".to_owned()));
    }
}
