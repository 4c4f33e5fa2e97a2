//! 部门 / 镇街 / 开发区: one node of the departments tree.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "department")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parent_id: Option<i64>,
    /// `DepartmentKind::as_str`.
    pub kind: String,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub sort_order: i32,
    pub active: bool,
    /// Optional outgoing webhook: reminders for the unit are also POSTed here as JSON.
    pub webhook_url: Option<String>,
    /// 负责人: told when a service case of the unit is overdue past the head threshold.
    pub head_user_id: Option<i64>,
    /// 分管领导: the city leader in charge, told when a case is overdue past the leader threshold.
    pub leader_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
