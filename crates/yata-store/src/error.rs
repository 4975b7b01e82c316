use crate::model::UnknownValue;

/// Everything the store can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL names no database this store speaks.
    #[error("database url: {0}")]
    Url(String),
    /// The operation does not exist for this database.
    #[error("{operation} is not supported on {backend}")]
    Unsupported {
        operation: &'static str,
        backend: &'static str,
    },
    /// A referenced object does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule or a concurrent change: nothing was written.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A value that breaks a rule of the schema (unknown sector, missing
    /// expiry for an accepted risk, …): nothing was written.
    #[error("invalid: {0}")]
    Invalid(String),
    /// A stored value this version cannot read.
    #[error("stored value: {0}")]
    Stored(#[from] UnknownValue),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return Error::Conflict(db.message().to_owned());
            }
            if db.is_foreign_key_violation() || db.is_check_violation() {
                return Error::Invalid(db.message().to_owned());
            }
        }
        Error::Database(e)
    }
}
