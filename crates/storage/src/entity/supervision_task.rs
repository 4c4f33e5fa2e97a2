//! A task (任务) of a plan: an area, a task or a sub-task, with its lead leader (牵头领导), lead
//! unit (牵头单位), deadline and optional quantitative target.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    /// 0 area, 1 task, 2 sub-task
    pub level: i32,
    /// 序号 as written.
    pub serial: String,
    pub sort_order: i32,
    pub content: String,
    pub lead_leader_id: Option<i64>,
    pub lead_unit_id: Option<i64>,
    /// 完成时限 as written.
    pub deadline_text: Option<String>,
    pub deadline_on: Option<Date>,
    /// monthly | quarterly | half_yearly | yearly
    pub recurrence: Option<String>,
    pub ongoing: bool,
    pub start_on: Date,
    pub metric: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_unit: Option<String>,
    pub tags_json: String,
    /// open | completion_requested | done
    pub status: String,
    pub done_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
