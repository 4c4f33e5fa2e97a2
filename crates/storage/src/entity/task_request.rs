//! A lead unit's request on a task: an extension (延期) or completion (申请办结, reviewed as 审结).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    /// extension | completion
    pub kind: String,
    /// pending | approved | refused | accepted | returned
    pub status: String,
    pub reason: String,
    pub previous_deadline: Option<Date>,
    pub proposed_deadline: Option<Date>,
    pub requested_by: Option<i64>,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
