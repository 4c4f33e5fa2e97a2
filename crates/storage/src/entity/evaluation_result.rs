//! 评价结果: one firm's score, rank and class in a run.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_result")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub enterprise_id: i64,
    pub group_key: String,
    pub total: f64,
    pub rank: Option<i32>,
    pub percentile: Option<f64>,
    pub grade_by_rank: Option<String>,
    pub grade: Option<String>,
    pub items_json: String,
    pub reasons_json: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
