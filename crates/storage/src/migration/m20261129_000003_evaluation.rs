//! Evaluation tables (亩均评价): schemes (as TOML, frozen once a run is published), runs, and
//! each firm's result in a run.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::columns::id;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000003_evaluation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("evaluation_scheme")
                .col(id())
                .col(string_uniq("name"))
                .col(integer("year"))
                .col(text("toml"))
                .col(boolean("frozen"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("evaluation_run")
                .col(id())
                .col(big_integer("scheme_id"))
                .col(integer("year"))
                // draft | published | final | superseded
                .col(string("status"))
                // SHA-256 of the inputs and the scheme: equal inputs, equal results.
                .col(string("inputs_sha256"))
                .col(integer("firms"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_run_scheme")
                        .from("evaluation_run", "scheme_id")
                        .to("evaluation_scheme", "id"),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("evaluation_result")
                .col(id())
                .col(big_integer("run_id"))
                .col(big_integer("enterprise_id"))
                .col(string("group_key"))
                .col(double("total"))
                .col(integer_null("rank"))
                .col(double_null("percentile"))
                .col(string_null("grade_by_rank"))
                .col(string_null("grade"))
                // The scored items and the reasons, as the domain serialises them.
                .col(text("items_json"))
                .col(text("reasons_json"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_result_run")
                        .from("evaluation_result", "run_id")
                        .to("evaluation_run", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_result_enterprise")
                        .from("evaluation_result", "enterprise_id")
                        .to("enterprise", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_result_run_enterprise")
                .table("evaluation_result")
                .col("run_id")
                .col("enterprise_id")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_result_run_grade")
                .table("evaluation_result")
                .col("run_id")
                .col("grade")
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["evaluation_result", "evaluation_run", "evaluation_scheme"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
