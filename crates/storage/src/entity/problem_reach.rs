//! A unit that reaches a problem, with the columns its queue filters and sorts on; derived
//! from the problem, its assignments and co-departments, rebuilt with them.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "problem_reach")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub problem_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i64,
    pub state: String,
    /// The current deadline, 9999-12-31 when there is none.
    pub due_key: Date,
    pub received_on: Date,
    pub updated_at: DateTimeUtc,
    pub category: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
