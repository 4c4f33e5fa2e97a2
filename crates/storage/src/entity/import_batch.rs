//! 导入批次: an uploaded spreadsheet between validation and commit.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_batch")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// enterprises | parcels | figures
    pub kind: String,
    pub year: Option<i32>,
    pub file_name: String,
    pub file_sha256: String,
    /// Kept until the batch is committed or discarded.
    pub file_bytes: Option<Vec<u8>>,
    /// validated | failed | committed | discarded
    pub status: String,
    pub summary_json: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub committed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
