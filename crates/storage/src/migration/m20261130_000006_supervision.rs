//! 督查督办 tables: plans and their tasks in a hierarchy (area → task → sub-task) with lead
//! leader, lead unit and co-units, milestones, progress reports per cycle, the colour kept per
//! task and cycle, supervision notices (督办单) and their escalation, extension and completion
//! requests; a per-department outgoing webhook; and the ledger that lets a periodic check run
//! exactly once across instances.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::columns::{fk, id, index, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000006_supervision"
    }
}

const TABLES: [&str; 9] = [
    "job_run",
    "task_request",
    "supervision_notice",
    "task_colour",
    "progress_report",
    "task_milestone",
    "task_co_unit",
    "supervision_task",
    "supervision_plan",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("supervision_plan")
                .col(id())
                .col(string_uniq("name"))
                .col(integer("year"))
                .col(text_null("description"))
                // monthly | quarterly: how often the lead unit reports
                .col(string("report_period"))
                // The day of the month after the cycle by which a report is due (5).
                .col(integer("report_due_day"))
                // The colour rules (domain::supervision::ColourRules) as JSON.
                .col(text("colour_rules_json"))
                // active | archived
                .col(string("status"))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("supervision_task")
                .col(id())
                .col(big_integer("plan_id"))
                .col(big_integer_null("parent_id"))
                // 0 area (领域), 1 task, 2 sub-task
                .col(integer("level"))
                // 序号 as written: 一、 (一) 1. 1.1 …
                .col(string("serial"))
                .col(integer("sort_order"))
                .col(text("content"))
                .col(big_integer_null("lead_leader_id"))
                .col(big_integer_null("lead_unit_id"))
                // 完成时限 as written, and what it was read as.
                .col(string_null("deadline_text"))
                .col(date_null("deadline_on"))
                // monthly | quarterly | half_yearly | yearly
                .col(string_null("recurrence"))
                .col(boolean("ongoing"))
                .col(date("start_on"))
                // An optional quantitative target: 规上工业增加值增长 8 %.
                .col(string_null("metric"))
                .col(double_null("baseline"))
                .col(double_null("target"))
                .col(string_null("target_unit"))
                .col(text("tags_json"))
                // open | completion_requested | done
                .col(string("status"))
                .col(ts_null("done_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "fk_task_plan",
                    ("supervision_task", "plan_id"),
                    "supervision_plan",
                ))
                .foreign_key(&mut fk(
                    "fk_task_lead_unit",
                    ("supervision_task", "lead_unit_id"),
                    "department",
                ))
                .foreign_key(&mut fk(
                    "fk_task_lead_leader",
                    ("supervision_task", "lead_leader_id"),
                    "app_user",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_task_plan_order",
            "supervision_task",
            &["plan_id", "sort_order"],
        ))
        .await?;
        m.create_index(index(
            "ix_task_lead_unit",
            "supervision_task",
            &["lead_unit_id"],
        ))
        .await?;
        m.create_index(index(
            "ix_task_lead_leader",
            "supervision_task",
            &["lead_leader_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("task_co_unit")
                .col(big_integer("task_id"))
                .col(big_integer("unit_id"))
                .primary_key(Index::create().col("task_id").col("unit_id"))
                .foreign_key(&mut fk(
                    "fk_co_unit_task",
                    ("task_co_unit", "task_id"),
                    "supervision_task",
                ))
                .foreign_key(&mut fk(
                    "fk_co_unit_unit",
                    ("task_co_unit", "unit_id"),
                    "department",
                ))
                .take(),
        )
        .await?;
        m.create_index(index("ix_co_unit_unit", "task_co_unit", &["unit_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("task_milestone")
                .col(id())
                .col(big_integer("task_id"))
                // monthly | quarterly: a missed monthly node turns the task yellow, a
                // quarterly one red
                .col(string("kind"))
                .col(string("title"))
                .col(date("due_on"))
                .col(ts_null("done_at"))
                .foreign_key(&mut fk(
                    "fk_milestone_task",
                    ("task_milestone", "task_id"),
                    "supervision_task",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_milestone_task",
            "task_milestone",
            &["task_id", "due_on"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("progress_report")
                .col(id())
                .col(big_integer("task_id"))
                // The reporting cycle: 2022-06 or 2022-Q2.
                .col(string("cycle"))
                .col(big_integer("unit_id"))
                // The lead unit's report, or a co-unit's contribution.
                .col(boolean("is_lead"))
                .col(big_integer_null("author_id"))
                .col(text("progress"))
                .col(double_null("percent_complete"))
                .col(double_null("target_value"))
                .col(text_null("problems"))
                .col(text_null("next_steps"))
                .col(date("due_on"))
                .col(ts("submitted_at"))
                .col(boolean("late"))
                .foreign_key(&mut fk(
                    "fk_report_task",
                    ("progress_report", "task_id"),
                    "supervision_task",
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_report_task_cycle_unit")
                .table("progress_report")
                .col("task_id")
                .col("cycle")
                .col("unit_id")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_report_unit_cycle",
            "progress_report",
            &["unit_id", "cycle"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("task_colour")
                .col(id())
                .col(big_integer("task_id"))
                .col(string("cycle"))
                // green | blue | yellow | red | grey
                .col(string("colour"))
                .col(text("reasons_json"))
                .col(double("elapsed_progress"))
                .col(double_null("percent_complete"))
                .col(ts("computed_at"))
                .foreign_key(&mut fk(
                    "fk_colour_task",
                    ("task_colour", "task_id"),
                    "supervision_task",
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_colour_task_cycle")
                .table("task_colour")
                .col("task_id")
                .col("cycle")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_colour_cycle_colour",
            "task_colour",
            &["cycle", "colour"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("supervision_notice")
                .col(id())
                .col(big_integer("task_id"))
                // notice (督办单) | letter (专函督办) | interview (约谈) | public_notice (通报)
                .col(string("level"))
                // issued | answered | escalated | closed
                .col(string("status"))
                .col(text("content"))
                .col(big_integer_null("issued_by"))
                .col(ts("issued_at"))
                .col(date("answer_by"))
                .col(text_null("answer"))
                .col(big_integer_null("answered_by"))
                .col(ts_null("answered_at"))
                // The notice this one escalates.
                .col(big_integer_null("previous_id"))
                .col(ts_null("closed_at"))
                .foreign_key(&mut fk(
                    "fk_notice_task",
                    ("supervision_notice", "task_id"),
                    "supervision_task",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_notice_task",
            "supervision_notice",
            &["task_id", "status"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("task_request")
                .col(id())
                .col(big_integer("task_id"))
                // extension (延期) | completion (申请办结)
                .col(string("kind"))
                // pending | approved | refused (extension); pending | accepted | returned
                .col(string("status"))
                .col(text("reason"))
                .col(date_null("previous_deadline"))
                .col(date_null("proposed_deadline"))
                .col(big_integer_null("requested_by"))
                .col(ts("requested_at"))
                .col(big_integer_null("decided_by"))
                .col(ts_null("decided_at"))
                .col(text_null("decision_reason"))
                .foreign_key(&mut fk(
                    "fk_request_task",
                    ("task_request", "task_id"),
                    "supervision_task",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_request_task",
            "task_request",
            &["task_id", "kind", "status"],
        ))
        .await?;
        // A periodic check claims (name, period) before it runs: the unique key lets exactly
        // one instance win.
        m.create_table(
            Table::create()
                .table("job_run")
                .col(string("name"))
                .col(string("period"))
                .col(string("instance"))
                .col(ts("started_at"))
                .col(ts_null("finished_at"))
                .primary_key(Index::create().col("name").col("period"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("department")
                .add_column(string_null("webhook_url"))
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("department")
                .drop_column("webhook_url")
                .take(),
        )
        .await?;
        for t in TABLES {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
