//! First-start seeding: the departments tree of Yongkang (永康市). Runs once, on an empty
//! departments table, and is audited like any other write; the units stay editable.

use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use serde_json::json;
use wujin_domain::org::DepartmentKind;
use wujin_storage::entity::department;

use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::{App, now};

/// (code, name, short name, kind) of every seeded unit below the city.
pub const YONGKANG_UNITS: &[(&str, &str, &str, DepartmentKind)] = &[
    (
        "jxj",
        "市经济和信息化局",
        "经信局",
        DepartmentKind::Department,
    ),
    (
        "fgj",
        "市发展和改革局",
        "发改局",
        DepartmentKind::Department,
    ),
    ("czj", "市财政局", "财政局", DepartmentKind::Department),
    (
        "zrzyj",
        "市自然资源和规划局",
        "自然资源和规划局",
        DepartmentKind::Department,
    ),
    (
        "sthjj",
        "市生态环境分局",
        "生态环境局",
        DepartmentKind::Department,
    ),
    ("swj", "市税务局", "税务局", DepartmentKind::Department),
    (
        "scjgj",
        "市市场监督管理局",
        "市场监管局",
        DepartmentKind::Department,
    ),
    (
        "rsj",
        "市人力资源和社会保障局",
        "人力社保局",
        DepartmentKind::Department,
    ),
    ("tjj", "市统计局", "统计局", DepartmentKind::Department),
    (
        "gdgs",
        "国网永康市供电公司",
        "供电公司",
        DepartmentKind::Department,
    ),
    ("dcs", "市政府督查室", "督查室", DepartmentKind::Department),
    ("dongcheng", "东城街道", "东城", DepartmentKind::Street),
    ("xicheng", "西城街道", "西城", DepartmentKind::Street),
    ("jiangnan", "江南街道", "江南", DepartmentKind::Street),
    ("gushan", "古山镇", "古山", DepartmentKind::Town),
    ("zhiying", "芝英镇", "芝英", DepartmentKind::Town),
    ("shizhu", "石柱镇", "石柱", DepartmentKind::Town),
    ("qiancang", "前仓镇", "前仓", DepartmentKind::Town),
    ("zhoushan", "舟山镇", "舟山", DepartmentKind::Town),
    ("xixi", "西溪镇", "西溪", DepartmentKind::Town),
    ("tangxian", "唐先镇", "唐先", DepartmentKind::Town),
    ("xiangzhu", "象珠镇", "象珠", DepartmentKind::Town),
    ("longshan", "龙山镇", "龙山", DepartmentKind::Town),
    ("huajie", "花街镇", "花街", DepartmentKind::Town),
    ("fangyan", "方岩镇", "方岩", DepartmentKind::Town),
    ("kfq", "永康经济开发区", "经济开发区", DepartmentKind::Zone),
];

/// Seeds the tree if no unit exists yet. Returns how many units were created.
pub async fn seed_departments(app: &App, ctx: &Ctx) -> AppResult<usize> {
    let tx = app.db.begin_write().await?;
    if department::Entity::find().count(&tx).await? > 0 {
        return Ok(0);
    }
    let t = now();
    let mut created = Vec::new();
    let root = department::ActiveModel {
        parent_id: Set(None),
        kind: Set(DepartmentKind::City.as_str().into()),
        code: Set("yongkang".into()),
        name: Set("永康市人民政府".into()),
        short_name: Set(Some("永康市".into())),
        sort_order: Set(0),
        active: Set(true),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    created.push(root.clone());
    for (i, (code, name, short, kind)) in YONGKANG_UNITS.iter().enumerate() {
        let d = department::ActiveModel {
            parent_id: Set(Some(root.id)),
            kind: Set(kind.as_str().into()),
            code: Set((*code).into()),
            name: Set((*name).into()),
            short_name: Set(Some((*short).into())),
            sort_order: Set(10 * (i as i32 + 1)),
            active: Set(true),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        created.push(d);
    }
    for d in &created {
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "create",
                entity: "department",
                entity_id: d.id.to_string(),
                before: None,
                after: Some(json!({"kind": d.kind, "code": d.code, "name": d.name, "parent_id": d.parent_id})),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(created.len())
}

/// Seeds everything a fresh installation starts with: the departments tree and the registry's
/// dictionaries. Each part is seeded only while empty. Returns how many records were created.
pub async fn seed_reference_data(app: &App, ctx: &Ctx) -> AppResult<usize> {
    let units = seed_departments(app, ctx).await?;
    let entries = crate::registry::dictionaries::seed(app, ctx).await?;
    Ok(units + entries)
}

/// Id of the unit with this code, if any.
pub async fn unit_id(app: &App, code: &str) -> AppResult<Option<i64>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(app.db.read())
        .await?
        .map(|d| d.id))
}
