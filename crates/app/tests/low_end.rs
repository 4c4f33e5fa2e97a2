//! The 低散乱污 ledger on the demo city: screening from the registry and the published runs
//! (only firms meeting a screen, idempotent), a town verifying its own cases only, a plan with
//! steps and progress, closure refused without evidence or with an incomplete 两断三清
//! checklist and then accepted, the freed totals, and overdue reminders sent once a day.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use wujin_app::attachments::NewFile;
use wujin_app::low_end::{
    CaseFilter, CloseInput, PlanInput, StepInput, close, complete_step, generate, get, list, plan,
    progress, remind_overdue, totals, verify,
};
use wujin_app::{Actor, App, AppConfig, AppError, Ctx, PageRequest, RequestMeta};
use wujin_domain::demo_city::{DemoCityParams, generate as demo_city};
use wujin_domain::evaluation::low_end::ShutdownChecklist;
use wujin_storage::entity::{
    app_user, department, enterprise, enterprise_tag, evaluation_result, evaluation_run,
    low_end_case, notification, tag, yearly_figures,
};
use wujin_storage::sea_orm::sea_query::Expr;
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wujin_testkit::TestDb;

async fn ctx_of(app: &App, username: &str) -> Ctx {
    let u = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {username}"));
    Ctx::new(Actor::from_user(&u).unwrap(), RequestMeta::cli())
}

async fn unit(app: &App, code: &str) -> i64 {
    department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap()
        .id
}

fn keys(e: &AppError) -> Vec<(String, String)> {
    match e {
        AppError::Validation(v) => v.iter().map(|f| (f.field.clone(), f.key.clone())).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn today() -> NaiveDate {
    wujin_app::low_end::today()
}

fn pdf() -> NewFile {
    NewFile {
        filename: "现场照片及断电证明.pdf".into(),
        bytes: b"%PDF-1.7 evidence".to_vec(),
    }
}

async fn demo() -> (TestDb, App) {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    (t, app)
}

/// Ids of the firms holding the tag `code`.
async fn tagged(app: &App, code: &str) -> HashSet<i64> {
    let t = tag::Entity::find()
        .filter(tag::Column::Code.eq(code))
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap();
    enterprise_tag::Entity::find()
        .filter(enterprise_tag::Column::TagId.eq(t.id))
        .all(app.db.read())
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.enterprise_id)
        .collect()
}

/// Firms graded D in a run.
async fn in_d(app: &App, run: i64) -> HashSet<i64> {
    evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run))
        .filter(evaluation_result::Column::Grade.eq("D"))
        .all(app.db.read())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.enterprise_id)
        .collect()
}

#[tokio::test]
async fn screening_verification_plan_and_closure_on_the_demo_city() {
    let (_t, app) = demo().await;
    let office = ctx_of(&app, "dept").await;
    let town = ctx_of(&app, "town").await;
    let gushan = unit(&app, "gushan").await;
    let sthjj = unit(&app, "sthjj").await;

    // Two published years: the class-D screen needs both.
    let mut runs = HashMap::new();
    for year in [2023, 2024] {
        let s = wujin_app::evaluation::run(&app, &office, year, None)
            .await
            .unwrap();
        evaluation_run::Entity::update_many()
            .col_expr(evaluation_run::Column::Status, Expr::value("published"))
            .filter(evaluation_run::Column::Id.eq(s.run_id))
            .exec(app.db.write())
            .await
            .unwrap();
        runs.insert(year, s.run_id);
    }

    // Only the office screens.
    for who in ["town", "leader", "cadre"] {
        let e = generate(&app, &ctx_of(&app, who).await, 2024, None).await;
        assert!(matches!(e, Err(AppError::Forbidden)), "{who}: {e:?}");
    }
    let e = generate(&app, &office, 2024, Some(runs[&2023]))
        .await
        .unwrap_err();
    assert_eq!(
        keys(&e),
        [("run_id".into(), "error.low_end.run_other_year".into())]
    );

    let s = generate(&app, &office, 2024, None).await.unwrap();
    assert_eq!(s.run_id, Some(runs[&2024]));
    assert!(
        s.matched > 0 && s.created == s.matched && s.already_present == 0,
        "{s:?}"
    );
    assert!(s.matched < s.screened / 2, "{s:?}");
    for k in [
        "missing_permits",
        "no_pollution_control",
        "low_tax_per_mu",
        "repeated_d",
    ] {
        assert!(s.by_criterion[k] > 0, "{k}: {s:?}");
    }
    // 散 alone is opt-in: the default scheme does not screen for it.
    assert_eq!(
        s.by_criterion
            .get("outside_park_below_size")
            .copied()
            .unwrap_or(0),
        0,
        "{s:?}"
    );

    // Every case meets the screens it names, checked against the registry and the runs.
    let cases = low_end_case::Entity::find()
        .filter(low_end_case::Column::Year.eq(2024))
        .all(app.db.read())
        .await
        .unwrap();
    assert_eq!(cases.len(), s.created);
    let firms: HashMap<i64, enterprise::Model> = enterprise::Entity::find()
        .all(app.db.read())
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let figures: HashMap<i64, yearly_figures::Model> = yearly_figures::Entity::find()
        .filter(yearly_figures::Column::Year.eq(2024))
        .all(app.db.read())
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.enterprise_id, f))
        .collect();
    let (d23, d24) = (in_d(&app, runs[&2023]).await, in_d(&app, runs[&2024]).await);
    let no_permit = tagged(&app, "no_permit").await;
    let no_control = tagged(&app, "no_pollution_control").await;
    let active = |e: &enterprise::Model| matches!(e.status.as_str(), "operating" | "suspended");
    for c in &cases {
        let e = &firms[&c.enterprise_id];
        assert!(active(e), "{}", e.name);
        assert_eq!(c.status, "candidate");
        assert_eq!(c.town_id, Some(e.town_id));
        assert_eq!(c.source_run_id, Some(runs[&2024]));
        let criteria: Vec<String> = serde_json::from_str(&c.criteria_json).unwrap();
        assert!(!criteria.is_empty());
        for k in &criteria {
            let ok = match k.as_str() {
                "missing_permits" => no_permit.contains(&e.id),
                "no_pollution_control" => no_control.contains(&e.id),
                "outside_park_below_size" => {
                    let revenue = figures.get(&e.id).and_then(|f| f.main_revenue_yuan);
                    e.park.is_none()
                        && match e.scale.as_deref() {
                            Some(scale) => scale == "below",
                            None => revenue.is_some_and(|r| r < 20_000_000),
                        }
                }
                "low_tax_per_mu" => {
                    let f = &figures[&e.id];
                    match (f.evaluation_tax_yuan, f.land_mu) {
                        (Some(tax), Some(land)) => (tax as f64) < 10_000.0 * land,
                        // Land from the parcels: the screen saw it, the figure does not say.
                        _ => true,
                    }
                }
                "repeated_d" => d23.contains(&e.id) && d24.contains(&e.id),
                other => panic!("unknown screen {other}"),
            };
            assert!(ok, "{} listed for {k} without meeting it", e.name);
        }
    }
    // … and every firm meeting a tag screen, or the demo's own low-end profile, is listed.
    let listed: HashSet<i64> = cases.iter().map(|c| c.enterprise_id).collect();
    for id in no_permit.iter().chain(&no_control) {
        assert_eq!(
            listed.contains(id),
            active(&firms[id]),
            "{}",
            firms[id].name
        );
    }
    let by_code: HashMap<&str, i64> = firms
        .values()
        .map(|e| (e.credit_code.as_str(), e.id))
        .collect();
    let mut low = 0;
    for f in demo_city(&DemoCityParams::default()) {
        if f.low_end_candidate && matches!(f.status, "operating" | "suspended") {
            low += 1;
            assert!(
                listed.contains(&by_code[f.credit_code.as_str()]),
                "{}",
                f.name
            );
        }
    }
    assert!(low > 20, "{low}");
    let both_d = d23
        .intersection(&d24)
        .filter(|id| active(&firms[id]))
        .count();
    assert_eq!(s.by_criterion["repeated_d"], both_d);

    // Screening again adds nothing.
    let again = generate(&app, &office, 2024, None).await.unwrap();
    assert_eq!((again.created, again.already_present), (0, s.matched));

    // The ledger by scope: a town sees its own cases; cadres and firms have no access.
    let mine = list(
        &app,
        &town,
        &CaseFilter::default(),
        PageRequest::new(None, Some(200)),
    )
    .await
    .unwrap();
    let gushan_cases: Vec<&low_end_case::Model> =
        cases.iter().filter(|c| c.town_id == Some(gushan)).collect();
    assert_eq!(mine.total as usize, gushan_cases.len());
    assert!(
        mine.items
            .iter()
            .all(|c| c.town.as_ref().map(|t| t.id) == Some(gushan))
    );
    assert!(gushan_cases.len() >= 3, "{}", gushan_cases.len());
    for who in ["cadre", "firm"] {
        let e = list(
            &app,
            &ctx_of(&app, who).await,
            &CaseFilter::default(),
            PageRequest::default(),
        )
        .await;
        assert!(matches!(e, Err(AppError::Forbidden)), "{who}");
    }
    let all = list(
        &app,
        &ctx_of(&app, "leader").await,
        &CaseFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(all.total as usize, cases.len());
    let bad = CaseFilter {
        status: Some("open".into()),
        ..Default::default()
    };
    assert_eq!(
        keys(
            &list(&app, &office, &bad, PageRequest::default())
                .await
                .unwrap_err()
        ),
        [("status".into(), "error.low_end.status_unknown".into())]
    );

    // Another town's case is out of reach, like a missing one.
    let other = cases.iter().find(|c| c.town_id != Some(gushan)).unwrap();
    assert!(matches!(
        get(&app, &town, other.id).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        verify(&app, &town, other.id, true, "").await,
        Err(AppError::NotFound)
    ));

    // Rejection needs a reason; a rejected case is final.
    let (a, b, c2) = (gushan_cases[0].id, gushan_cases[1].id, gushan_cases[2].id);
    let e = verify(&app, &town, b, false, "  ").await.unwrap_err();
    assert_eq!(
        keys(&e),
        [("reason".into(), "error.low_end.reason_required".into())]
    );
    let d = verify(&app, &town, b, false, "已于2024年底迁入小微园，证照齐全")
        .await
        .unwrap();
    assert_eq!(d.case.status, "rejected");
    assert_eq!(
        d.verification_note.as_deref(),
        Some("已于2024年底迁入小微园，证照齐全")
    );
    let e = verify(&app, &town, b, true, "").await.unwrap_err();
    assert!(
        matches!(e, AppError::Conflict(ref k) if k == "error.low_end.rejected"),
        "{e:?}"
    );

    // The town confirms its case; a candidate cannot be planned or closed yet.
    let e = plan(&app, &town, a, &PlanInput::default())
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Conflict(ref k) if k == "error.low_end.not_confirmed"));
    let d = verify(&app, &town, a, true, "").await.unwrap();
    assert_eq!(d.case.status, "confirmed");
    assert!(d.actions.plan && !d.actions.close && !d.actions.verify);

    // The plan: checked, then saved.
    let deadline = today() + Duration::days(60);
    let mut input = PlanInput {
        disposal_type: "shutdown".into(),
        responsible_unit_id: Some(sthjj),
        deadline: Some(today() - Duration::days(1)),
        steps: vec![
            StepInput {
                id: None,
                content: "断电断水".into(),
                due_on: Some(deadline + Duration::days(1)),
            },
            StepInput {
                id: None,
                content: " ".into(),
                due_on: Some(today()),
            },
        ],
    };
    // Every problem at once: the past deadline, and the steps measured against it.
    let e = plan(&app, &town, a, &input).await.unwrap_err();
    assert_eq!(
        keys(&e),
        [
            ("deadline".into(), "error.low_end.deadline_past".into()),
            (
                "steps[0].due_on".into(),
                "error.low_end.step_after_deadline".into()
            ),
            (
                "steps[1].content".into(),
                "error.low_end.step_content_required".into()
            ),
            (
                "steps[1].due_on".into(),
                "error.low_end.step_after_deadline".into()
            ),
        ]
    );
    input.deadline = Some(deadline);
    let e = plan(&app, &town, a, &input).await.unwrap_err();
    assert_eq!(
        keys(&e)[0],
        (
            "steps[0].due_on".into(),
            "error.low_end.step_after_deadline".into()
        )
    );
    input.steps = vec![
        StepInput {
            id: None,
            content: "断电断水".into(),
            due_on: Some(today() + Duration::days(10)),
        },
        StepInput {
            id: None,
            content: "清理原料、产品和设备".into(),
            due_on: Some(deadline),
        },
    ];
    let d = plan(&app, &town, a, &input).await.unwrap();
    assert_eq!(d.case.disposal_type.as_deref(), Some("shutdown"));
    assert_eq!(d.case.responsible_unit.as_ref().map(|u| u.id), Some(sthjj));
    assert_eq!(d.steps.len(), 2);
    assert!(d.actions.close);
    // Revising keeps a listed step, drops an unlisted one and adds a new one.
    let keep = d.steps[0].id;
    input.steps = vec![
        StepInput {
            id: Some(keep),
            content: "断电断水（供电公司配合）".into(),
            due_on: Some(today() + Duration::days(10)),
        },
        StepInput {
            id: None,
            content: "清理原料、产品".into(),
            due_on: Some(deadline),
        },
        StepInput {
            id: None,
            content: "拆除设备".into(),
            due_on: Some(deadline),
        },
    ];
    let d = plan(&app, &town, a, &input).await.unwrap();
    assert_eq!(d.steps.len(), 3);
    assert_eq!(d.steps[0].id, keep);
    assert_eq!(d.steps[0].content, "断电断水（供电公司配合）");

    // The responsible unit reports progress and completes steps; another department may not.
    let staff = ctx_of(&app, "sthj_shi").await;
    let p = progress(&app, &staff, a, "已联合供电公司实施断电")
        .await
        .unwrap();
    assert_eq!(p.kind, "progress");
    let e = progress(&app, &ctx_of(&app, "fgj_zhu").await, a, "x").await;
    assert!(matches!(e, Err(AppError::Forbidden)), "{e:?}");
    let e = progress(&app, &staff, a, " ").await.unwrap_err();
    assert_eq!(
        keys(&e),
        [("content".into(), "error.low_end.progress_required".into())]
    );
    let done = complete_step(&app, &staff, a, keep).await.unwrap();
    assert!(done.done_at.is_some());
    let e = complete_step(&app, &staff, a, keep).await.unwrap_err();
    assert!(matches!(e, AppError::Conflict(ref k) if k == "error.low_end.step_done_already"));

    // Closure: evidence and the whole checklist are required; nothing is written until then.
    let e = close(
        &app,
        &town,
        a,
        CloseInput {
            note: "已关停".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    let k = keys(&e);
    assert!(
        k.contains(&("files".into(), "error.low_end.evidence_required".into())),
        "{k:?}"
    );
    assert!(
        k.contains(&(
            "checklist".into(),
            "error.low_end.checklist_incomplete".into()
        )),
        "{k:?}"
    );
    let partial = ShutdownChecklist {
        power_cut: true,
        water_cut: true,
        ..Default::default()
    };
    let e = close(
        &app,
        &town,
        a,
        CloseInput {
            note: "已关停".into(),
            checklist: partial,
            files: vec![pdf()],
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        keys(&e),
        [
            (
                "checklist".into(),
                "error.low_end.checklist_incomplete".into()
            ),
            (
                "raw_materials_cleared".into(),
                "error.low_end.checklist_missing.raw_materials_cleared".into()
            ),
            (
                "products_cleared".into(),
                "error.low_end.checklist_missing.products_cleared".into()
            ),
            (
                "equipment_cleared".into(),
                "error.low_end.checklist_missing.equipment_cleared".into()
            ),
        ]
    );
    assert!(
        get(&app, &town, a).await.unwrap().attachments.is_empty(),
        "nothing half-written"
    );
    let full = ShutdownChecklist {
        power_cut: true,
        water_cut: true,
        raw_materials_cleared: true,
        products_cleared: true,
        equipment_cleared: true,
    };
    let before = get(&app, &town, a).await.unwrap();
    let d = close(
        &app,
        &town,
        a,
        CloseInput {
            note: "两断三清完成，已关停取缔".into(),
            checklist: full,
            files: vec![pdf()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(d.case.status, "closed");
    assert_eq!(d.attachments.len(), 1);
    assert_eq!(d.checklist, Some(full));
    assert_eq!(d.case.land_mu_freed, Some(before.default_land_mu_freed));
    assert_eq!(
        d.case.energy_tce_freed,
        Some(before.default_energy_tce_freed)
    );
    assert!(before.default_land_mu_freed > 0.0);
    assert_eq!(d.actions, Default::default(), "a closed case is read-only");
    let (info, bytes) = wujin_app::low_end::attachment(&app, &town, a, d.attachments[0].id)
        .await
        .unwrap();
    assert_eq!(
        (info.content_type.as_str(), bytes),
        ("application/pdf", pdf().bytes)
    );
    assert!(matches!(
        wujin_app::low_end::attachment(&app, &town, other.id, d.attachments[0].id).await,
        Err(AppError::NotFound)
    ));
    let e = progress(&app, &town, a, "补充").await.unwrap_err();
    assert!(matches!(e, AppError::Conflict(ref k) if k == "error.low_end.closed"));

    // The office closes an upgrade with its own figures.
    verify(&app, &office, c2, true, "属地核实无异议")
        .await
        .unwrap();
    plan(
        &app,
        &office,
        c2,
        &PlanInput {
            disposal_type: "upgrade".into(),
            responsible_unit_id: Some(gushan),
            deadline: Some(deadline),
            steps: vec![StepInput {
                id: None,
                content: "新建废气收集处理设施".into(),
                due_on: Some(deadline),
            }],
        },
    )
    .await
    .unwrap();
    // An upgrade in place frees nothing unless figures are entered.
    let up = get(&app, &office, c2).await.unwrap();
    assert_eq!(
        (up.default_land_mu_freed, up.default_energy_tce_freed),
        (0.0, 0.0)
    );
    close(
        &app,
        &office,
        c2,
        CloseInput {
            note: "整改到位，验收通过".into(),
            land_mu_freed: Some(0.0),
            energy_tce_freed: Some(12.5),
            files: vec![pdf()],
            ..Default::default()
        },
    )
    .await
    .unwrap();

    // Totals: cases by status, and what was freed by town and by disposal type.
    let year = CaseFilter {
        year: Some(2024),
        ..Default::default()
    };
    let t = totals(&app, &office, &year).await.unwrap();
    assert_eq!(t.cases as usize, cases.len());
    assert_eq!(t.by_status["closed"], 2);
    assert_eq!(t.by_status["rejected"], 1);
    assert_eq!(t.by_status["candidate"] as usize, cases.len() - 3);
    let land = before.default_land_mu_freed;
    let energy = before.default_energy_tce_freed + 12.5;
    assert!((t.land_mu_freed - land).abs() < 1e-9);
    assert!((t.energy_tce_freed - energy).abs() < 1e-9);
    let g = t
        .by_town
        .iter()
        .find(|r| r.key == gushan.to_string())
        .unwrap();
    assert_eq!((g.cases as usize, g.closed), (gushan_cases.len(), 2));
    assert!((g.land_mu_freed - land).abs() < 1e-9);
    let shut = t.by_disposal.iter().find(|r| r.key == "shutdown").unwrap();
    assert_eq!((shut.cases, shut.closed), (1, 1));
    assert!((shut.land_mu_freed - land).abs() < 1e-9);
    let up = t.by_disposal.iter().find(|r| r.key == "upgrade").unwrap();
    assert!((up.energy_tce_freed - 12.5).abs() < 1e-9 && up.land_mu_freed == 0.0);
    // The town's totals are its own.
    let tt = totals(&app, &town, &year).await.unwrap();
    assert_eq!(tt.cases as usize, gushan_cases.len());
    let filtered = list(
        &app,
        &office,
        &CaseFilter {
            status: Some("closed".into()),
            disposal: Some("shutdown".into()),
            ..year.clone()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(filtered.items.iter().map(|c| c.id).collect::<Vec<_>>(), [a]);
    let by_criterion = list(
        &app,
        &office,
        &CaseFilter {
            criterion: Some("repeated_d".into()),
            ..year
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(by_criterion.total as usize, both_d);

    let audit = wujin_app::audit::verify(app.db.read(), |_| {})
        .await
        .unwrap();
    assert_eq!(audit.first_break, None);
}

async fn inbox(app: &App, user: &str) -> u64 {
    let id = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(user))
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap()
        .id;
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(id))
        .filter(notification::Column::Kind.eq("low_end_overdue"))
        .count(app.db.read())
        .await
        .unwrap()
}

#[tokio::test]
async fn overdue_cases_remind_their_unit_and_town_once_a_day() {
    let (_t, app) = demo().await;
    let office = ctx_of(&app, "dept").await;
    let town = ctx_of(&app, "town").await;
    let gushan = unit(&app, "gushan").await;
    let sthjj = unit(&app, "sthjj").await;
    // No published run: the default rules, without the class-D screen.
    let s = generate(&app, &office, 2024, None).await.unwrap();
    assert_eq!((s.run_id, s.by_criterion["repeated_d"]), (None, 0));
    let mine = list(&app, &town, &CaseFilter::default(), PageRequest::default())
        .await
        .unwrap();
    let ids: Vec<i64> = mine.items.iter().take(3).map(|c| c.id).collect();
    let deadline = today() + Duration::days(20);
    for id in &ids[..2] {
        verify(&app, &town, *id, true, "").await.unwrap();
        plan(
            &app,
            &town,
            *id,
            &PlanInput {
                disposal_type: "relocate".into(),
                responsible_unit_id: Some(sthjj),
                deadline: Some(deadline),
                steps: vec![StepInput {
                    id: None,
                    content: "搬迁入园".into(),
                    due_on: Some(deadline),
                }],
            },
        )
        .await
        .unwrap();
    }
    // Nothing is overdue yet.
    assert_eq!(remind_overdue(&app, today()).await.unwrap(), 0);
    // The deadlines pass (the third case stays a candidate, never reminded).
    low_end_case::Entity::update_many()
        .col_expr(
            low_end_case::Column::Deadline,
            Expr::value(today() - Duration::days(3)),
        )
        .filter(low_end_case::Column::Id.is_in(ids.clone()))
        .exec(app.db.write())
        .await
        .unwrap();
    let overdue = list(
        &app,
        &town,
        &CaseFilter {
            overdue: Some(true),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(overdue.total, 2);
    assert!(overdue.items.iter().all(|c| c.overdue));
    assert_eq!(
        totals(&app, &town, &CaseFilter::default())
            .await
            .unwrap()
            .overdue,
        2
    );

    assert_eq!(remind_overdue(&app, today()).await.unwrap(), 2);
    // The responsible unit's staff and the town's staff, once per case; nobody else.
    assert_eq!(inbox(&app, "sthj_shi").await, 2);
    assert_eq!(inbox(&app, "town").await, 2);
    assert_eq!(inbox(&app, "gs_hu").await, 2);
    assert_eq!(inbox(&app, "dept").await, 0);
    assert_eq!(inbox(&app, "dc_li").await, 0);
    // The same day again: nothing more.
    assert_eq!(remind_overdue(&app, today()).await.unwrap(), 0);
    assert_eq!(inbox(&app, "sthj_shi").await, 2);

    // Two instances at once send one reminder between them.
    low_end_case::Entity::update_many()
        .col_expr(
            low_end_case::Column::LastRemindedOn,
            Expr::value(Option::<NaiveDate>::None),
        )
        .filter(low_end_case::Column::Id.eq(ids[0]))
        .exec(app.db.write())
        .await
        .unwrap();
    let (x, y) = tokio::join!(remind_overdue(&app, today()), remind_overdue(&app, today()));
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    assert_eq!(inbox(&app, "sthj_shi").await, 3);

    // The next day, once more each.
    assert_eq!(
        remind_overdue(&app, today() + Duration::days(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(inbox(&app, "sthj_shi").await, 5);
    let case = low_end_case::Entity::find_by_id(ids[0])
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.last_reminded_on, Some(today() + Duration::days(1)));
    assert_eq!(case.town_id, Some(gushan));

    // A closed case is no longer reminded.
    close(
        &app,
        &town,
        ids[1],
        CloseInput {
            note: "已搬迁入园".into(),
            files: vec![pdf()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        remind_overdue(&app, today() + Duration::days(2))
            .await
            .unwrap(),
        1
    );
}
