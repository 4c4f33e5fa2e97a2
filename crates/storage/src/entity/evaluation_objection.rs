//! 异议: a firm's or its town's objection to its result in a published run.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_objection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub enterprise_id: i64,
    pub filed_by: Option<i64>,
    /// enterprise | town | office
    pub filed_as: String,
    pub reason: String,
    /// pending | accepted | rejected
    pub status: String,
    pub decision: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    /// The run that carries the corrected data, when accepted.
    pub corrected_run_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
