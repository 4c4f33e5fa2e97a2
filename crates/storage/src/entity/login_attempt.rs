//! 登录日志: every sign-in attempt, successful or not.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// The name as typed (trimmed, at most 64 characters).
    pub username: String,
    pub user_id: Option<i64>,
    pub success: bool,
    /// "ok", "bad_credentials", "disabled", "rate_limited_account", "rate_limited_ip".
    pub outcome: String,
    pub ip: String,
    pub user_agent: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
