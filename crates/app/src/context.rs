//! Who is acting, and from where.

use serde::{Deserialize, Serialize};
use wujin_domain::access::{DataScope, Granter, Permission, Role};
use wujin_storage::entity::app_user;

use crate::error::{AppError, AppResult};

/// Facts about the request that every audit event records.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RequestMeta {
    pub request_id: String,
    pub ip: String,
    pub user_agent: String,
}

impl RequestMeta {
    /// Meta for work started from the command line.
    pub fn cli() -> RequestMeta {
        RequestMeta {
            request_id: format!("cli-{}", uuid_like()),
            ip: "local".to_string(),
            user_agent: "wujin-cli".to_string(),
        }
    }
}

fn uuid_like() -> String {
    use rand::Rng;
    let v: u64 = rand::thread_rng().r#gen();
    format!("{v:016x}")
}

/// The signed-in user as use-cases see them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Actor {
    /// `None` for the platform itself (seeding, the command line).
    pub id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub locale: String,
    pub must_change_password: bool,
}

impl Actor {
    /// The platform acting on its own behalf (first-start seeding, CLI administration).
    pub fn system(name: &str) -> Actor {
        Actor {
            id: None,
            username: name.to_string(),
            display_name: name.to_string(),
            role: Role::Admin,
            department_id: None,
            enterprise_id: None,
            locale: "zh-CN".to_string(),
            must_change_password: false,
        }
    }

    pub fn from_user(u: &app_user::Model) -> AppResult<Actor> {
        let role = Role::parse(&u.role).ok_or_else(|| {
            AppError::Internal(format!("user {} has unknown role {}", u.id, u.role))
        })?;
        Ok(Actor {
            id: Some(u.id),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role,
            department_id: u.department_id,
            enterprise_id: u.enterprise_id,
            locale: u.locale.clone(),
            must_change_password: u.must_change_password,
        })
    }

    pub fn scope(&self) -> DataScope {
        DataScope::for_user(
            self.role,
            self.id.unwrap_or(0),
            self.department_id,
            self.enterprise_id,
        )
    }

    pub fn can(&self, p: Permission) -> bool {
        self.role.has(p)
    }
}

/// A use-case's caller: the actor and the request they came through.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub meta: RequestMeta,
}

impl Ctx {
    pub fn new(actor: Actor, meta: RequestMeta) -> Ctx {
        Ctx { actor, meta }
    }

    /// The platform acting from the command line.
    pub fn cli() -> Ctx {
        Ctx {
            actor: Actor::system("cli"),
            meta: RequestMeta::cli(),
        }
    }

    pub fn require(&self, p: Permission) -> AppResult<()> {
        if self.actor.can(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn granter(&self, unit_subtree: Vec<i64>) -> Granter {
        Granter {
            role: self.actor.role,
            unit_subtree,
        }
    }
}
