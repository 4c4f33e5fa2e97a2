//! Opening the database: SQLite (the default, one file) or PostgreSQL.
//!
//! SQLite allows one writer at a time. Every write transaction goes through a pool of exactly
//! one connection and starts with `BEGIN IMMEDIATE`, so concurrent requests queue for the write
//! lock instead of failing with "database is locked"; reads use a separate pool and proceed in
//! parallel thanks to WAL. On PostgreSQL both pools are the same.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::ConnectOptions as _;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use crate::migration::Migrator;

/// Which database the URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Sqlite { path: PathBuf },
    Postgres { url: String },
}

impl DatabaseTarget {
    /// `postgres://…` / `postgresql://…` for PostgreSQL; `sqlite://path`, `sqlite:path` or a
    /// plain file path for SQLite.
    pub fn parse(url: &str) -> Result<DatabaseTarget, DbErr> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseTarget::Postgres {
                url: url.to_string(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let path = path.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains("://") {
            return Err(DbErr::Custom(format!(
                "unsupported database URL {:?}: use postgres://… or a SQLite file path",
                redact(url)
            )));
        }
        Ok(DatabaseTarget::Sqlite {
            path: PathBuf::from(path),
        })
    }
}

/// The URL with any password replaced, for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The open database: a read pool and a write pool (the same pool on PostgreSQL).
#[derive(Clone, Debug)]
pub struct Db {
    read: DatabaseConnection,
    write: DatabaseConnection,
    target: DatabaseTarget,
}

impl Db {
    pub async fn connect(url: &str) -> Result<Db, DbErr> {
        let target = DatabaseTarget::parse(url)?;
        match &target {
            DatabaseTarget::Postgres { url } => {
                let mut opts = ConnectOptions::new(url.clone());
                opts.max_connections(16)
                    .min_connections(1)
                    .connect_timeout(Duration::from_secs(10))
                    .acquire_timeout(Duration::from_secs(30))
                    .sqlx_logging(false);
                let conn = Database::connect(opts).await?;
                Ok(Db {
                    read: conn.clone(),
                    write: conn,
                    target,
                })
            }
            DatabaseTarget::Sqlite { path } => {
                let base = SqliteConnectOptions::from_str("sqlite://")
                    .map_err(|e| DbErr::Custom(e.to_string()))?
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true)
                    .pragma("cache_size", "-16000")
                    .disable_statement_logging();
                let write_pool = sea_orm::sqlx::pool::PoolOptions::<sea_orm::sqlx::Sqlite>::new()
                    .max_connections(1)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(60))
                    .connect_with(base.clone())
                    .await
                    .map_err(|e| {
                        DbErr::Conn(sea_orm::RuntimeErr::Internal(format!(
                            "cannot open SQLite database {}: {e}",
                            path.display()
                        )))
                    })?;
                let read_pool = sea_orm::sqlx::pool::PoolOptions::<sea_orm::sqlx::Sqlite>::new()
                    .max_connections(8)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(base.read_only(false))
                    .await
                    .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string())))?;
                Ok(Db {
                    read: SqlxSqliteConnector::from_sqlx_sqlite_pool(read_pool),
                    write: SqlxSqliteConnector::from_sqlx_sqlite_pool(write_pool),
                    target,
                })
            }
        }
    }

    /// Connection for reads.
    pub fn read(&self) -> &DatabaseConnection {
        &self.read
    }

    /// Connection for schema work and single statements that write.
    pub fn write(&self) -> &DatabaseConnection {
        &self.write
    }

    pub fn backend(&self) -> DbBackend {
        match self.target {
            DatabaseTarget::Sqlite { .. } => DbBackend::Sqlite,
            DatabaseTarget::Postgres { .. } => DbBackend::Postgres,
        }
    }

    pub fn target(&self) -> &DatabaseTarget {
        &self.target
    }

    /// Starts a write transaction: `BEGIN IMMEDIATE` on SQLite (takes the write lock up front,
    /// so it waits on `busy_timeout` rather than failing half-way), a plain `BEGIN` on PostgreSQL.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        let mut opts = TransactionOptions::default();
        if self.backend() == DbBackend::Sqlite {
            opts.sqlite_transaction_mode = Some(SqliteTransactionMode::Immediate);
        }
        self.write.begin_with_options(opts).await
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<usize, DbErr> {
        let pending = Migrator::get_pending_migrations(&self.write).await?.len();
        Migrator::up(&self.write, None).await?;
        Ok(pending)
    }

    /// Number of migrations not yet applied (0 means the schema is current).
    pub async fn pending_migrations(&self) -> Result<usize, DbErr> {
        Ok(Migrator::get_pending_migrations(&self.read).await?.len())
    }

    /// Is the database reachable?
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.read.ping().await
    }

    pub async fn close(self) -> Result<(), DbErr> {
        let sqlite = self.backend() == DbBackend::Sqlite;
        self.read.close().await?;
        if sqlite {
            self.write.close().await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            DatabaseTarget::parse("wujin.db").unwrap(),
            DatabaseTarget::Sqlite {
                path: "wujin.db".into()
            }
        );
        assert_eq!(
            DatabaseTarget::parse("sqlite:///tmp/x.db?mode=rwc").unwrap(),
            DatabaseTarget::Sqlite {
                path: "/tmp/x.db".into()
            }
        );
        assert!(matches!(
            DatabaseTarget::parse("postgres://u:p@h/db").unwrap(),
            DatabaseTarget::Postgres { .. }
        ));
        assert!(DatabaseTarget::parse("mysql://x").is_err());
        assert!(DatabaseTarget::parse("").is_err());
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("wujin.db"), "wujin.db");
    }
}
