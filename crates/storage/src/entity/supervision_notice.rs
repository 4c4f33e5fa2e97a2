//! A supervision notice (督办单) on a task, or its escalation: 专函督办, 约谈, 通报.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_notice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    /// notice | letter | interview | public_notice
    pub level: String,
    /// issued | answered | escalated | closed
    pub status: String,
    pub content: String,
    pub issued_by: Option<i64>,
    pub issued_at: DateTimeUtc,
    pub answer_by: Date,
    pub answer: Option<String>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTimeUtc>,
    pub previous_id: Option<i64>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
