//! The demo's evaluation history, made through the same use-cases an official would use, so
//! every step is audited: the 2023 run published last spring and finalised, the 2024 run in
//! publicity with one pending objection from the demo firm, and 古山镇's 低散乱污 ledger with a
//! case verified and planned, a case rejected and a shut-down case closed with evidence.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use wujin_domain::evaluation::low_end::ShutdownChecklist;
use wujin_storage::entity::{app_user, department, evaluation_run, low_end_case};

use crate::attachments::NewFile;
use crate::context::{Actor, Ctx, RequestMeta};
use crate::error::{AppError, AppResult};
use crate::evaluation::{objections, publication, run};
use crate::low_end::{self, CloseInput, PlanInput, StepInput};
use crate::{App, now};

/// What the demo's evaluation history holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoEvaluation {
    pub final_run: i64,
    pub published_run: i64,
    pub objection: i64,
    pub low_end_cases: usize,
}

async fn ctx_of(app: &App, username: &str) -> AppResult<Ctx> {
    let u = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(app.db.read())
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo user {username} is missing")))?;
    Ok(Ctx::new(Actor::from_user(&u)?, RequestMeta::cli()))
}

async fn unit_id(app: &App, code: &str) -> AppResult<i64> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(app.db.read())
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo unit {code} is missing")))?
        .id)
}

/// A small PDF as the demo's evidence and objection files.
fn pdf(name: &str, text: &str) -> NewFile {
    NewFile {
        filename: name.to_string(),
        bytes: format!("%PDF-1.4\n% {text}\n%%EOF\n").into_bytes(),
    }
}

/// Adds the evaluation history to a demo database that has firms and no run yet. Returns
/// `None` when there is nothing to do.
pub async fn fill_evaluation(app: &App) -> AppResult<Option<DemoEvaluation>> {
    let db = app.db.read();
    if evaluation_run::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let office = ctx_of(app, "dept").await?;
    let town = ctx_of(app, "town").await?;
    let firm = ctx_of(app, "firm").await?;

    // 2023: published in May 2024 for seven days, then finalised.
    let r2023 = run::run(app, &office, 2023, None).await?;
    let published = Utc
        .with_ymd_and_hms(2024, 5, 6, 1, 0, 0)
        .single()
        .unwrap_or_else(now);
    publication::publish_at(app, &office, r2023.run_id, published).await?;
    publication::finalise(app, &office, r2023.run_id).await?;

    // 2024: in publicity now, with the demo firm's objection waiting for the office.
    let r2024 = run::run(app, &office, 2024, None).await?;
    publication::publish(app, &office, r2024.run_id).await?;
    let objection = match firm.actor.enterprise_id {
        Some(enterprise_id) => {
            objections::file(
                app,
                &firm,
                objections::NewObjection {
                    run_id: r2024.run_id,
                    enterprise_id,
                    reason: "2024年实缴税金漏计了四季度入库的增值税 86.4 万元，\
                             附税务部门完税证明，请予更正。"
                        .into(),
                    files: vec![pdf("2024年四季度完税证明.pdf", "tax certificate")],
                },
            )
            .await?
            .id
        }
        None => 0,
    };

    // 低散乱污: screen 2024 and work through 古山镇's first cases.
    low_end::generate(app, &office, 2024, Some(r2024.run_id)).await?;
    let gushan = unit_id(app, "gushan").await?;
    let sthjj = unit_id(app, "sthjj").await?;
    let cases: Vec<i64> = low_end_case::Entity::find()
        .filter(low_end_case::Column::TownId.eq(gushan))
        .filter(low_end_case::Column::Year.eq(2024))
        .order_by_asc(low_end_case::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let today = low_end::today();
    let day = |n: i64| -> NaiveDate { today + Duration::days(n) };
    if let [closed, planned, rejected, ..] = cases[..] {
        low_end::verify(
            app,
            &town,
            closed,
            true,
            "现场核实：无排污许可，租用民房生产。",
        )
        .await?;
        low_end::plan(
            app,
            &town,
            closed,
            &PlanInput {
                disposal_type: "shutdown".into(),
                responsible_unit_id: Some(gushan),
                deadline: Some(day(30)),
                steps: vec![StepInput {
                    id: None,
                    content: "断电断水，清除原料、产品和生产设备".into(),
                    due_on: Some(day(20)),
                }],
            },
        )
        .await?;
        low_end::close(
            app,
            &town,
            closed,
            CloseInput {
                note: "已完成两断三清，供电所、水务公司出具证明，现场复核无生产迹象。".into(),
                checklist: ShutdownChecklist {
                    power_cut: true,
                    water_cut: true,
                    raw_materials_cleared: true,
                    products_cleared: true,
                    equipment_cleared: true,
                },
                land_mu_freed: None,
                energy_tce_freed: None,
                files: vec![pdf("两断三清现场照片及证明.pdf", "closure evidence")],
            },
        )
        .await?;

        low_end::verify(app, &town, planned, true, "现场核实：废气未经收集直排。").await?;
        let detail = low_end::plan(
            app,
            &town,
            planned,
            &PlanInput {
                disposal_type: "upgrade".into(),
                responsible_unit_id: Some(sthjj),
                deadline: Some(day(60)),
                steps: vec![
                    StepInput {
                        id: None,
                        content: "编制废气治理方案并报环保部门".into(),
                        due_on: Some(day(15)),
                    },
                    StepInput {
                        id: None,
                        content: "新建废气收集处理设施并验收".into(),
                        due_on: Some(day(55)),
                    },
                ],
            },
        )
        .await?;
        if let Some(first) = detail.steps.first() {
            low_end::complete_step(app, &town, planned, first.id).await?;
        }
        low_end::progress(
            app,
            &town,
            planned,
            "治理设备已签订采购合同，预计下月安装。",
        )
        .await?;

        low_end::verify(
            app,
            &town,
            rejected,
            false,
            "已于今年取得排污许可证，登记信息未及时更新。",
        )
        .await?;
    }
    Ok(Some(DemoEvaluation {
        final_run: r2023.run_id,
        published_run: r2024.run_id,
        objection,
        low_end_cases: cases.len(),
    }))
}
