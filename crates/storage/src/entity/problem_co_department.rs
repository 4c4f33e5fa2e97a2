//! 配合部门 of a problem's current assignment.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "problem_co_department")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub problem_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub department_id: i64,
    /// A co-department of the current assignment; past ones keep reading the case.
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
