//! Where SQLite and PostgreSQL differ, and nowhere else.

use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};

/// Serialises appends to the audit chain across every instance. On PostgreSQL this takes a
/// transaction-scoped advisory lock; on SQLite the write transaction already holds the
/// database's single write lock.
pub async fn lock_audit_chain(tx: &DatabaseTransaction) -> Result<(), DbErr> {
    if tx.get_database_backend() == DbBackend::Postgres {
        tx.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(7710001)",
        ))
        .await?;
    }
    Ok(())
}

/// Case-insensitive "contains" on a text column, the same on both backends
/// (`lower(col) LIKE '%needle%'` with `%`, `_` and `\` in the needle escaped).
pub fn contains_ci<C: ColumnTrait>(col: C, needle: &str) -> SimpleExpr {
    let escaped = needle
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::expr(Func::lower(col.into_expr()))
        .like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// Refreshes the planner's statistics of one table after a bulk insert (an evaluation run's
/// results): `ANALYZE table` on both backends. On SQLite the statistics must be exact — a
/// sampled count per run misleads the planner into sorting a whole run — which costs about
/// 0.25 s per 200,000 rows.
pub async fn refresh_table_statistics(db: &impl ConnectionTrait, table: &str) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    db.execute_raw(Statement::from_string(backend, format!("ANALYZE {quoted}")))
        .await?;
    Ok(())
}

/// Refreshes the query planner's statistics after a bulk change (an import, the demo), so
/// that filtered lists use the most selective index: `ANALYZE` on both backends (SQLite keeps
/// no statistics until asked; PostgreSQL's autovacuum would get there later).
pub async fn refresh_statistics(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(backend, "ANALYZE"))
        .await?;
    Ok(())
}
