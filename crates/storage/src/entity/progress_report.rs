//! A progress report (进展报送) of a task for one cycle: the lead unit's, or a co-unit's
//! contribution.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "progress_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    /// 2022-06 or 2022-Q2.
    pub cycle: String,
    pub unit_id: i64,
    pub is_lead: bool,
    pub author_id: Option<i64>,
    pub progress: String,
    pub percent_complete: Option<f64>,
    pub target_value: Option<f64>,
    pub problems: Option<String>,
    pub next_steps: Option<String>,
    pub due_on: Date,
    pub submitted_at: DateTimeUtc,
    pub late: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
