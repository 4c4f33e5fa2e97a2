//! The one migration set, for SQLite and PostgreSQL alike.

use sea_orm_migration::prelude::*;

mod columns;

mod m20261129_000001_platform;
mod m20261129_000002_registry;
mod m20261129_000003_evaluation;
mod m20261129_000004_evaluation_workflow;
mod m20261130_000005_result_indexes;
mod m20261130_000006_supervision;
mod m20261130_000007_service;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_platform::Migration),
            Box::new(m20261129_000002_registry::Migration),
            Box::new(m20261129_000003_evaluation::Migration),
            Box::new(m20261129_000004_evaluation_workflow::Migration),
            Box::new(m20261130_000005_result_indexes::Migration),
            Box::new(m20261130_000006_supervision::Migration),
            Box::new(m20261130_000007_service::Migration),
        ]
    }
}
