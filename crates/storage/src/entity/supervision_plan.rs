//! A 督查督办 plan (计划): e.g. 2022年政府工作报告重点工作任务分解, with its reporting cycle and
//! colour rules.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_plan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    pub year: i32,
    pub description: Option<String>,
    /// monthly | quarterly
    pub report_period: String,
    /// Reports are due on this day of the month after the cycle.
    pub report_due_day: i32,
    /// `domain::supervision::ColourRules` as JSON.
    pub colour_rules_json: String,
    /// active | archived
    pub status: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
