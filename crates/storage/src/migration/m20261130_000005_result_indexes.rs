//! Indexes that let a run's results page walk an index instead of sorting 100,000 rows: by
//! score, by class and score, by group and rank (also the group sizes), and by rank.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000005_result_indexes"
    }
}

const INDEXES: [(&str, &[&str]); 4] = [
    ("ix_result_run_total", &["run_id", "total", "enterprise_id"]),
    (
        "ix_result_run_grade_total",
        &["run_id", "grade", "total", "enterprise_id"],
    ),
    ("ix_result_run_group_rank", &["run_id", "group_key", "rank"]),
    (
        "ix_result_run_rank",
        &["run_id", "rank", "group_key", "enterprise_id"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // (run_id, grade) is a prefix of (run_id, grade, total, enterprise_id).
        m.drop_index(
            Index::drop()
                .name("ix_result_run_grade")
                .table("evaluation_result")
                .to_owned(),
        )
        .await?;
        for (name, cols) in INDEXES {
            let mut i = Index::create();
            i.name(name).table("evaluation_result");
            for c in cols {
                i.col(*c);
            }
            m.create_index(i.take()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            m.drop_index(
                Index::drop()
                    .name(name)
                    .table("evaluation_result")
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("ix_result_run_grade")
                .table("evaluation_result")
                .col("run_id")
                .col("grade")
                .take(),
        )
        .await
    }
}
