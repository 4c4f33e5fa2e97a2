//! Evaluation workflow tables: publication of a run (公示) and the run it supersedes,
//! objections (异议), attachments (evidence and objection files, stored in the database so a
//! backup holds them), and the 低散乱污 ledger with its steps and progress.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::columns::{fk, id, index, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000004_evaluation_workflow"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for col in [
            ts_null("published_at"),
            ts_null("publicity_ends_at"),
            ts_null("finalised_at"),
            big_integer_null("supersedes_run_id"),
            text_null("note"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("evaluation_run")
                    .add_column(col)
                    .take(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("attachment")
                // What the file belongs to: `objection`, `low_end_case`, … and its id.
                .col(id())
                .col(string("owner_kind"))
                .col(big_integer("owner_id"))
                .col(string("filename"))
                .col(string("content_type"))
                .col(big_integer("size_bytes"))
                .col(string("sha256"))
                .col(blob("data"))
                .col(big_integer_null("uploaded_by"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_attachment_owner",
            "attachment",
            &["owner_kind", "owner_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("evaluation_objection")
                .col(id())
                .col(big_integer("run_id"))
                .col(big_integer("enterprise_id"))
                .col(big_integer_null("filed_by"))
                // enterprise | town | office: who filed it
                .col(string("filed_as"))
                .col(text("reason"))
                // pending | accepted | rejected
                .col(string("status"))
                .col(text_null("decision"))
                .col(big_integer_null("decided_by"))
                .col(ts_null("decided_at"))
                // The run that corrected the data, when accepted.
                .col(big_integer_null("corrected_run_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "fk_objection_run",
                    ("evaluation_objection", "run_id"),
                    "evaluation_run",
                ))
                .foreign_key(&mut fk(
                    "fk_objection_enterprise",
                    ("evaluation_objection", "enterprise_id"),
                    "enterprise",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_objection_run_status",
            "evaluation_objection",
            &["run_id", "status"],
        ))
        .await?;
        m.create_index(index(
            "ix_objection_enterprise",
            "evaluation_objection",
            &["enterprise_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("low_end_case")
                .col(id())
                .col(big_integer("enterprise_id"))
                // The town (a department of kind town) that verifies the case.
                .col(big_integer_null("town_id"))
                .col(integer("year"))
                // The screens met, as the domain serialises them.
                .col(text("criteria_json"))
                .col(big_integer_null("source_run_id"))
                // candidate | rejected | confirmed | closed
                .col(string("status"))
                .col(text_null("verification_note"))
                .col(big_integer_null("verified_by"))
                .col(ts_null("verified_at"))
                // shutdown | relocate | upgrade | merge | revitalise
                .col(string_null("disposal_type"))
                .col(big_integer_null("responsible_unit_id"))
                .col(date_null("deadline"))
                // 两断三清 and other closure evidence, as JSON.
                .col(text_null("checklist_json"))
                .col(double_null("land_mu_freed"))
                .col(double_null("energy_tce_freed"))
                .col(text_null("closure_note"))
                .col(big_integer_null("closed_by"))
                .col(ts_null("closed_at"))
                .col(date_null("last_reminded_on"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "fk_low_end_enterprise",
                    ("low_end_case", "enterprise_id"),
                    "enterprise",
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "ux_low_end_year_enterprise",
                "low_end_case",
                &["year", "enterprise_id"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_index(index(
            "ix_low_end_town_status",
            "low_end_case",
            &["town_id", "status"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("low_end_step")
                .col(id())
                .col(big_integer("case_id"))
                // step (a planned step of the disposal) | progress (an update)
                .col(string("kind"))
                .col(text("content"))
                .col(date_null("due_on"))
                .col(ts_null("done_at"))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "fk_low_end_step_case",
                    ("low_end_step", "case_id"),
                    "low_end_case",
                ))
                .take(),
        )
        .await?;
        m.create_index(index("ix_low_end_step_case", "low_end_step", &["case_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "low_end_step",
            "low_end_case",
            "evaluation_objection",
            "attachment",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for c in [
            "note",
            "supersedes_run_id",
            "finalised_at",
            "publicity_ends_at",
            "published_at",
        ] {
            m.alter_table(Table::alter().table("evaluation_run").drop_column(c).take())
                .await?;
        }
        Ok(())
    }
}
