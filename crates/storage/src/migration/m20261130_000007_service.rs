//! 三服务 tables: visits (走访) and the cadres on them; problems (问题清单) with their current
//! state, promised measure (落实清单) and cached deadlines; co-departments; the event log every
//! step appends to; and the assignments derived from that log, one row per hand-over to a lead
//! department, that the statistics read. Departments get a head and a leader in charge for
//! escalation.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::columns::{fk, id, index, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000007_service"
    }
}

const TABLES: [&str; 7] = [
    "problem_reach",
    "problem_assignment",
    "problem_event",
    "problem_co_department",
    "problem",
    "visit_cadre",
    "service_visit",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("service_visit")
                .col(id())
                .col(big_integer("enterprise_id"))
                // The firm's town when visited, for coverage by town.
                .col(big_integer_null("town_id"))
                .col(date("visited_on"))
                // on_site | meeting | survey | phone
                .col(string("form"))
                // The firm's people present (参加人员).
                .col(text_null("attendees"))
                .col(text("summary"))
                .col(big_integer_null("recorded_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "fk_visit_enterprise",
                    ("service_visit", "enterprise_id"),
                    "enterprise",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_visit_enterprise",
            "service_visit",
            &["enterprise_id", "visited_on"],
        ))
        .await?;
        m.create_index(index(
            "ix_visit_town",
            "service_visit",
            &["town_id", "visited_on"],
        ))
        .await?;
        m.create_index(index("ix_visit_on", "service_visit", &["visited_on"]))
            .await?;
        m.create_table(
            Table::create()
                .table("visit_cadre")
                .col(big_integer("visit_id"))
                .col(big_integer("user_id"))
                .primary_key(Index::create().col("visit_id").col("user_id"))
                .foreign_key(&mut fk(
                    "fk_visit_cadre_visit",
                    ("visit_cadre", "visit_id"),
                    "service_visit",
                ))
                .foreign_key(&mut fk(
                    "fk_visit_cadre_user",
                    ("visit_cadre", "user_id"),
                    "app_user",
                ))
                .take(),
        )
        .await?;
        m.create_index(index("ix_visit_cadre_user", "visit_cadre", &["user_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("problem")
                .col(id())
                .col(big_integer("enterprise_id"))
                .col(big_integer_null("town_id"))
                .col(big_integer_null("visit_id"))
                // visit | enterprise | hotline | town
                .col(string("source"))
                .col(string("category"))
                // Tags joined with 、 (产业链 sends it to the industry-chain team).
                .col(string("tags"))
                .col(string("title"))
                .col(text("description"))
                .col(string("urgency"))
                .col(string("complexity"))
                // town | city | leader
                .col(string("level"))
                .col(string("state"))
                .col(integer("round"))
                .col(big_integer_null("lead_department_id"))
                // 落实清单: the promised measure and its date.
                .col(text_null("measure"))
                .col(date_null("measure_due"))
                .col(text_null("answer"))
                // resolved | deferred | not_permitted, with the explanation the firm reads.
                .col(string_null("outcome"))
                .col(text_null("outcome_note"))
                .col(string_null("satisfaction"))
                .col(text_null("rating_comment"))
                .col(date("received_on"))
                .col(date_null("closed_on"))
                // The deadline that matters now (assign | reply | close), from the event log.
                .col(date_null("due_on"))
                .col(string_null("due_kind"))
                .col(boolean("paused"))
                .col(boolean("provisional"))
                .col(integer("reopen_count"))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "fk_problem_enterprise",
                    ("problem", "enterprise_id"),
                    "enterprise",
                ))
                .foreign_key(&mut fk(
                    "fk_problem_visit",
                    ("problem", "visit_id"),
                    "service_visit",
                ))
                .foreign_key(&mut fk(
                    "fk_problem_lead",
                    ("problem", "lead_department_id"),
                    "department",
                ))
                .take(),
        )
        .await?;
        for (name, cols) in [
            (
                "ix_problem_lead_queue",
                &["lead_department_id", "state", "due_on"][..],
            ),
            ("ix_problem_state_due", &["state", "due_on"][..]),
            ("ix_problem_enterprise", &["enterprise_id", "id"][..]),
            ("ix_problem_town", &["town_id", "received_on"][..]),
            ("ix_problem_received", &["received_on"][..]),
            ("ix_problem_visit", &["visit_id"][..]),
        ] {
            m.create_index(index(name, "problem", cols)).await?;
        }
        m.create_table(
            Table::create()
                .table("problem_co_department")
                .col(big_integer("problem_id"))
                .col(big_integer("department_id"))
                // false once the case was reassigned or reopened: the unit keeps reading it.
                .col(boolean("active"))
                .primary_key(Index::create().col("problem_id").col("department_id"))
                .foreign_key(&mut fk(
                    "fk_problem_co_problem",
                    ("problem_co_department", "problem_id"),
                    "problem",
                ))
                .foreign_key(&mut fk(
                    "fk_problem_co_department",
                    ("problem_co_department", "department_id"),
                    "department",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_problem_co_department",
            "problem_co_department",
            &["department_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("problem_event")
                .col(id())
                .col(big_integer("problem_id"))
                .col(ts("at"))
                // The day in China the step counts on for the clocks.
                .col(date("on_date"))
                .col(big_integer_null("actor_user_id"))
                .col(string("actor_name"))
                .col(big_integer_null("actor_unit_id"))
                // domain::service::case::CaseAction, or "create".
                .col(string("action"))
                .col(string_null("from_state"))
                .col(string("to_state"))
                .col(text_null("note"))
                // What else the step set (departments, measure, level), as JSON.
                .col(text_null("data_json"))
                .foreign_key(&mut fk(
                    "fk_problem_event_problem",
                    ("problem_event", "problem_id"),
                    "problem",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_problem_event_problem",
            "problem_event",
            &["problem_id", "id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("problem_assignment")
                .col(id())
                .col(big_integer("problem_id"))
                // Order within the problem (1, 2, …).
                .col(integer("seq"))
                .col(integer("round"))
                .col(big_integer("department_id"))
                .col(big_integer_null("town_id"))
                .col(string("category"))
                .col(date("waiting_since"))
                .col(date("assign_due"))
                .col(date("assigned_on"))
                .col(date("reply_due"))
                .col(date_null("replied_on"))
                .col(date_null("close_due"))
                .col(date_null("ended_on"))
                // closed | returned | reassigned
                .col(string_null("end_kind"))
                .col(integer("paused_wd"))
                .col(integer_null("worked_wd"))
                .col(boolean("assigned_on_time"))
                .col(boolean_null("replied_on_time"))
                .col(boolean_null("closed_on_time"))
                // The firm's rating of this closure, and whether the case reopened after it.
                .col(string_null("satisfaction"))
                .col(boolean("reopened"))
                .foreign_key(&mut fk(
                    "fk_problem_assignment_problem",
                    ("problem_assignment", "problem_id"),
                    "problem",
                ))
                .take(),
        )
        .await?;
        // The statistics sum a period's hand-overs per unit, town, category and day: each
        // grouping reads one covering index, the period a range within each key.
        const SUMMED: [&str; 9] = [
            "category",
            "assigned_on_time",
            "replied_on",
            "replied_on_time",
            "end_kind",
            "closed_on_time",
            "reopened",
            "satisfaction",
            "worked_wd",
        ];
        for (name, key) in [
            ("ix_assignment_department", Some("department_id")),
            ("ix_assignment_town", Some("town_id")),
            ("ix_assignment_category", Some("category")),
            ("ix_assignment_day", None),
        ] {
            let mut cols: Vec<&'static str> = key.into_iter().collect();
            cols.push("assigned_on");
            cols.extend(SUMMED.iter().filter(|c| Some(**c) != key));
            m.create_index(index(name, "problem_assignment", &cols))
                .await?;
        }
        m.create_index(index(
            "ix_assignment_problem",
            "problem_assignment",
            &["problem_id", "seq"],
        ))
        .await?;
        // Which units reach which problem (lead and co-departments past and present, the
        // firm's town), with the columns their queues filter and sort on: a unit's queue is
        // read from here without touching the other units' cases.
        m.create_table(
            Table::create()
                .table("problem_reach")
                .col(big_integer("problem_id"))
                .col(big_integer("unit_id"))
                .col(string("state"))
                // The current deadline, 9999-12-31 when there is none (sorts last).
                .col(date("due_key"))
                .col(date("received_on"))
                .col(ts("updated_at"))
                .col(string("category"))
                .primary_key(Index::create().col("problem_id").col("unit_id"))
                .foreign_key(&mut fk(
                    "fk_problem_reach_problem",
                    ("problem_reach", "problem_id"),
                    "problem",
                ))
                .take(),
        )
        .await?;
        for (name, cols) in [
            (
                "ix_reach_unit_due",
                &["unit_id", "due_key", "problem_id"][..],
            ),
            (
                "ix_reach_unit_received",
                &["unit_id", "received_on", "problem_id"][..],
            ),
            (
                "ix_reach_unit_updated",
                &["unit_id", "updated_at", "problem_id"][..],
            ),
            ("ix_reach_unit_state", &["unit_id", "state", "due_key"][..]),
        ] {
            m.create_index(index(name, "problem_reach", cols)).await?;
        }
        m.alter_table(
            Table::alter()
                .table("department")
                .add_column(big_integer_null("head_user_id"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("department")
                .add_column(big_integer_null("leader_user_id"))
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in ["leader_user_id", "head_user_id"] {
            m.alter_table(Table::alter().table("department").drop_column(c).take())
                .await?;
        }
        for t in TABLES {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
