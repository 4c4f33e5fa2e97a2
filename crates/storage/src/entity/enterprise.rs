//! 企业: one firm of the registry, keyed by its unified social credit code.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "enterprise")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 统一社会信用代码, validated and upper-case.
    #[sea_orm(unique)]
    pub credit_code: String,
    pub name: String,
    pub short_name: Option<String>,
    /// 所属镇街: a department of kind town.
    pub town_id: i64,
    /// 园区.
    pub park: Option<String>,
    pub industry_group_id: i64,
    /// 国民经济行业分类 code (GB/T 4754), e.g. `C3324`.
    pub industry_code: Option<String>,
    /// Effective scale (`Scale::as_str`); `None` while no revenue is known.
    pub scale: Option<String>,
    /// Set by hand rather than derived from main revenue.
    pub scale_overridden: bool,
    pub scale_override_reason: Option<String>,
    /// `EnterpriseStatus::as_str`.
    pub status: String,
    pub founded_on: Option<Date>,
    pub address: Option<String>,
    pub legal_rep: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::department::Entity",
        from = "Column::TownId",
        to = "super::department::Column::Id"
    )]
    Town,
    #[sea_orm(
        belongs_to = "super::industry_group::Entity",
        from = "Column::IndustryGroupId",
        to = "super::industry_group::Column::Id"
    )]
    IndustryGroup,
}

impl Related<super::department::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Town.def()
    }
}

impl Related<super::industry_group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IndustryGroup.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
