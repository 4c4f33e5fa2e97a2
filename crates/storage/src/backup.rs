//! Online backup of a SQLite database.

use std::path::Path;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

use crate::Db;

/// Writes a consistent copy of the live database to `dest` with `VACUUM INTO` (readers and
/// the writer carry on meanwhile). Returns the size of the copy in bytes.
pub async fn sqlite_online_copy(db: &Db, dest: &Path) -> Result<u64, DbErr> {
    if db.backend() != DbBackend::Sqlite {
        return Err(DbErr::Custom(
            "online copy is for SQLite; use pg_dump for PostgreSQL".into(),
        ));
    }
    let dest_str = dest
        .to_str()
        .ok_or_else(|| DbErr::Custom("destination path is not UTF-8".into()))?;
    db.read()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [dest_str.into()],
        ))
        .await?;
    std::fs::metadata(dest)
        .map(|m| m.len())
        .map_err(|e| DbErr::Custom(format!("backup written but unreadable: {e}")))
}
