//! 低散乱污 case: a candidate firm, its town's verification (属地核实), the disposal plan and
//! its closure (销号) with evidence.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "low_end_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enterprise_id: i64,
    pub town_id: Option<i64>,
    pub year: i32,
    /// The screens met (`LowEndCriterion` list as JSON).
    pub criteria_json: String,
    pub source_run_id: Option<i64>,
    /// candidate | rejected | confirmed | closed
    pub status: String,
    pub verification_note: Option<String>,
    pub verified_by: Option<i64>,
    pub verified_at: Option<DateTimeUtc>,
    /// shutdown | relocate | upgrade | merge | revitalise
    pub disposal_type: Option<String>,
    pub responsible_unit_id: Option<i64>,
    pub deadline: Option<Date>,
    /// Closure evidence (the 两断三清 checklist for a shutdown) as JSON.
    pub checklist_json: Option<String>,
    pub land_mu_freed: Option<f64>,
    pub energy_tce_freed: Option<f64>,
    pub closure_note: Option<String>,
    pub closed_by: Option<i64>,
    pub closed_at: Option<DateTimeUtc>,
    /// The day the last overdue reminder went out (one a day at most).
    pub last_reminded_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
