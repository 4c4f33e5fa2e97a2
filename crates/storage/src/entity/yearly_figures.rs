//! 年度数据: one enterprise's figures for one year. Money in 元, energy in tce.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "yearly_figures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enterprise_id: i64,
    pub year: i32,
    /// 主营业务收入.
    pub main_revenue_yuan: Option<i64>,
    /// 销售收入.
    pub sales_revenue_yuan: Option<i64>,
    /// 工业总产值.
    pub output_value_yuan: Option<i64>,
    /// 工业增加值.
    pub value_added_yuan: Option<i64>,
    /// 评价税收.
    pub evaluation_tax_yuan: Option<i64>,
    /// 研发经费.
    pub rnd_expense_yuan: Option<i64>,
    /// 综合能耗.
    pub energy_tce: Option<f64>,
    /// 用电量.
    pub power_kwh: Option<i64>,
    /// 用水量.
    pub water_m3: Option<i64>,
    /// 主要污染物排放量.
    pub emissions_t: Option<f64>,
    /// 年平均职工人数.
    pub avg_staff: Option<i64>,
    /// 用地面积.
    pub land_mu: Option<f64>,
    pub safety_accident: bool,
    pub environmental_accident: bool,
    pub energy_task_unmet: bool,
    pub falsified_data: bool,
    /// Per field: `{"source": FigureSource, "by": username, "at": RFC 3339}`.
    pub sources_json: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::enterprise::Entity",
        from = "Column::EnterpriseId",
        to = "super::enterprise::Column::Id"
    )]
    Enterprise,
}

impl Related<super::enterprise::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enterprise.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
