//! 用地: an enterprise using (part of) a parcel, owned or leased.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "parcel_use")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parcel_id: i64,
    pub enterprise_id: i64,
    /// `LandTenure::as_str`.
    pub tenure: String,
    /// 出租方, for leased land.
    pub lessor: Option<String>,
    /// The area this enterprise uses, in 亩.
    pub area_mu: f64,
    /// First and last year of use; open-ended when `None`.
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::land_parcel::Entity",
        from = "Column::ParcelId",
        to = "super::land_parcel::Column::Id"
    )]
    Parcel,
    #[sea_orm(
        belongs_to = "super::enterprise::Entity",
        from = "Column::EnterpriseId",
        to = "super::enterprise::Column::Id"
    )]
    Enterprise,
}

impl Related<super::land_parcel::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Parcel.def()
    }
}

impl Related<super::enterprise::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enterprise.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
