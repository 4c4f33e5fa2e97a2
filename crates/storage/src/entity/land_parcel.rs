//! 地块: a land parcel with its title certificate.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "land_parcel")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 不动产权证号 / 土地证号.
    #[sea_orm(unique)]
    pub certificate_no: String,
    pub area_mu: f64,
    pub location: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
