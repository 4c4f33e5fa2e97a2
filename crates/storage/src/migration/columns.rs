//! Column, index and foreign-key shapes every migration uses.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// The 64-bit auto-increment primary key.
pub(super) fn id() -> ColumnDef {
    big_integer("id").auto_increment().primary_key().take()
}

/// A timestamp with time zone (stored in UTC).
pub(super) fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}

pub(super) fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}

/// A plain (non-unique) index on `cols` of `table`.
pub(super) fn index(
    name: &str,
    table: &'static str,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    i.take()
}

/// A foreign key from `from` (table, column) to `to`.id.
pub(super) fn fk(
    name: &str,
    from: (&'static str, &'static str),
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to, "id")
        .take()
}
