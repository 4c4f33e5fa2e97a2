//! One hand-over of a problem to a lead department, with its clocks; derived from the event
//! log and rebuilt whenever the log or the calendar changes.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "problem_assignment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub problem_id: i64,
    pub seq: i32,
    pub round: i32,
    pub department_id: i64,
    pub town_id: Option<i64>,
    pub category: String,
    pub waiting_since: Date,
    pub assign_due: Date,
    pub assigned_on: Date,
    pub reply_due: Date,
    pub replied_on: Option<Date>,
    pub close_due: Option<Date>,
    pub ended_on: Option<Date>,
    pub end_kind: Option<String>,
    pub paused_wd: i32,
    pub worked_wd: Option<i32>,
    pub assigned_on_time: bool,
    pub replied_on_time: Option<bool>,
    pub closed_on_time: Option<bool>,
    pub satisfaction: Option<String>,
    pub reopened: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
