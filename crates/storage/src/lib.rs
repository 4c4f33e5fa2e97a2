//! Persistence of wujin: the schema (one migration set), entities and the few places where
//! SQLite and PostgreSQL differ.

pub mod backup;
pub mod db;
pub mod dialect;
pub mod entity;
pub mod migration;
pub mod sessions;

pub use db::{DatabaseTarget, Db};
pub use sea_orm;
