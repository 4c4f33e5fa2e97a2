//! 问题: one problem of a firm, its current state and what the event log derived for it.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "problem")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enterprise_id: i64,
    pub town_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub source: String,
    pub category: String,
    pub tags: String,
    pub title: String,
    pub description: String,
    pub urgency: String,
    pub complexity: String,
    pub level: String,
    pub state: String,
    pub round: i32,
    pub lead_department_id: Option<i64>,
    pub measure: Option<String>,
    pub measure_due: Option<Date>,
    pub answer: Option<String>,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
    pub satisfaction: Option<String>,
    pub rating_comment: Option<String>,
    pub received_on: Date,
    pub closed_on: Option<Date>,
    pub due_on: Option<Date>,
    pub due_kind: Option<String>,
    pub paused: bool,
    pub provisional: bool,
    pub reopen_count: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
