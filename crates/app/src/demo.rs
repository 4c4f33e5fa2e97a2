//! The demo database: one account per role (password `demo12345`) and a realistic set of
//! colleagues, so every page has something true to show. Only `wujin demo` calls this.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use wujin_storage::entity::app_user;

use crate::audit::{self, Change};
use crate::auth::hash_password_async;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::seed::{seed_reference_data, unit_id};
use crate::{App, notifications, now};

pub const DEMO_PASSWORD: &str = "demo12345";

/// (username, display name, role, unit code) of the demo accounts, one per role.
pub const DEMO_ACCOUNTS: &[(&str, &str, &str, Option<&str>)] = &[
    ("admin", "系统管理员", "admin", None),
    ("leader", "王市长", "leader", Some("yongkang")),
    ("dept", "李经信", "department", Some("jxj")),
    ("town", "陈古山", "town", Some("gushan")),
    ("cadre", "赵驻企", "cadre", Some("jxj")),
    ("firm", "周企业", "enterprise", None),
];

/// Colleagues that make the lists look like a real county's.
const COLLEAGUES: &[(&str, &str, &str, &str)] = &[
    ("jxj_hu", "胡建平", "department", "jxj"),
    ("jxj_lv", "吕晓燕", "department", "jxj"),
    ("jxj_ying", "应志强", "cadre", "jxj"),
    ("fgj_zhu", "朱海峰", "department", "fgj"),
    ("czj_xu", "徐丽娟", "department", "czj"),
    ("zrzy_lou", "楼国庆", "department", "zrzyj"),
    ("sthj_shi", "施春燕", "department", "sthjj"),
    ("swj_cheng", "程立新", "department", "swj"),
    ("scjg_lu", "卢伟东", "department", "scjgj"),
    ("rsj_ni", "倪红梅", "department", "rsj"),
    ("tjj_fang", "方小军", "department", "tjj"),
    ("gd_yu", "俞建华", "department", "gdgs"),
    ("dcs_jin", "金晓东", "department", "dcs"),
    ("dc_li", "李婷", "town", "dongcheng"),
    ("xc_wu", "吴鹏飞", "town", "xicheng"),
    ("jn_zhou", "周丽萍", "town", "jiangnan"),
    ("gs_hu", "胡永进", "town", "gushan"),
    ("zy_ying", "应丽华", "town", "zhiying"),
    ("sz_chen", "陈志明", "town", "shizhu"),
    ("qc_lou", "楼金花", "town", "qiancang"),
    ("zs_shi", "施永康", "town", "zhoushan"),
    ("xx_lv", "吕建军", "town", "xixi"),
    ("tx_zhu", "朱红英", "town", "tangxian"),
    ("xz_xu", "徐国平", "town", "xiangzhu"),
    ("ls_wang", "王金龙", "town", "longshan"),
    ("hj_cheng", "程晓红", "town", "huajie"),
    ("fy_lu", "卢志刚", "town", "fangyan"),
    ("kfq_ni", "倪永福", "town", "kfq"),
    ("gs_cadre1", "胡志华", "cadre", "gushan"),
    ("zy_cadre1", "应建新", "cadre", "zhiying"),
    ("kfq_cadre1", "倪晓波", "cadre", "kfq"),
];

/// Fills an empty database with the demo data. On a database that already has the demo
/// accounts it only adds the demo registry, and only while the registry has no firm. Returns
/// whether anything was written.
pub async fn fill(app: &App) -> AppResult<bool> {
    let ctx = Ctx::cli();
    seed_reference_data(app, &ctx).await?;
    if app_user::Entity::find()
        .filter(app_user::Column::Username.eq("admin"))
        .one(app.db.read())
        .await?
        .is_some()
    {
        // A demo database from before the registry existed gets its firms now.
        let firms =
            crate::demo_registry::fill_registry(app, &Default::default(), &mut |_, _| {}).await?;
        return Ok(firms > 0);
    }
    let hash = hash_password_async(DEMO_PASSWORD.to_string()).await?;
    let mut rows = Vec::new();
    for (username, name, role, unit) in DEMO_ACCOUNTS {
        let unit = match unit {
            Some(code) => unit_id(app, code).await?,
            None => None,
        };
        rows.push((*username, *name, *role, unit));
    }
    for (username, name, role, unit) in COLLEAGUES {
        rows.push((*username, *name, *role, unit_id(app, unit).await?));
    }
    let tx = app.db.begin_write().await?;
    let t = now();
    for (i, (username, name, role, unit)) in rows.into_iter().enumerate() {
        // Spread creation times over the past months, as a real roll-out would.
        let created_at = t - chrono::Duration::days(120 - (i as i64 * 3).min(119));
        let u = app_user::ActiveModel {
            username: Set(username.to_string()),
            display_name: Set(name.to_string()),
            password_hash: Set(hash.clone()),
            role: Set(role.to_string()),
            department_id: Set(unit),
            enterprise_id: Set(None),
            phone: Set(Some(format!("1395792{:04}", 1000 + i * 37))),
            email: Set(None),
            locale: Set("zh-CN".to_string()),
            active: Set(true),
            must_change_password: Set(false),
            password_changed_at: Set(created_at),
            last_login_at: Set(None),
            created_at: Set(created_at),
            updated_at: Set(created_at),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "create",
                entity: "user",
                entity_id: u.id.to_string(),
                before: None,
                after: Some(json!({"username": u.username, "display_name": u.display_name, "role": u.role, "department_id": u.department_id})),
            },
        )
        .await?;
        notifications::send(
            &tx,
            u.id,
            "welcome",
            "notify.welcome.title",
            "notify.welcome.body",
            Some("/account"),
        )
        .await?;
    }
    tx.commit().await?;
    crate::demo_registry::fill_registry(app, &Default::default(), &mut |_, _| {}).await?;
    Ok(true)
}

/// [`fill`], then the evaluation history of [`crate::demo_evaluation`] while there is no
/// evaluation run, the supervision plans of [`crate::demo_supervision`] while there is no
/// plan, and the visits and problems of [`crate::demo_service`] while there is no problem:
/// what `wujin demo` serves.
pub async fn fill_with_history(app: &App) -> AppResult<bool> {
    let city = fill(app).await?;
    let history = crate::demo_evaluation::fill_evaluation(app).await?;
    let supervision = crate::demo_supervision::fill_supervision(app).await?;
    let service = crate::demo_service::fill_service(app).await?;
    Ok(city || history.is_some() || supervision.is_some() || service.is_some())
}
