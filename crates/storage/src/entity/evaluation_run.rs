//! 评价运行: one evaluation of a year under a scheme; immutable once computed.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scheme_id: i64,
    pub year: i32,
    /// draft | published | final | superseded
    pub status: String,
    pub inputs_sha256: String,
    pub firms: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    /// Start of the publicity period (公示).
    pub published_at: Option<DateTimeUtc>,
    /// End of the publicity period: objections are filed before it.
    pub publicity_ends_at: Option<DateTimeUtc>,
    pub finalised_at: Option<DateTimeUtc>,
    /// The run this one corrects (after an accepted objection).
    pub supersedes_run_id: Option<i64>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
