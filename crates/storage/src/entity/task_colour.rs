//! A task's colour (green/blue/yellow/red/grey) in one cycle, with the reasons.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "task_colour")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    pub cycle: String,
    pub colour: String,
    pub reasons_json: String,
    /// 序时进度, 0–100.
    pub elapsed_progress: f64,
    pub percent_complete: Option<f64>,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
