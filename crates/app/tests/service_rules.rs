//! Service-loop rules at the use-case level: who registers problems from which source, that a
//! firm always files for itself, that a visit with a bad problem writes nothing, and that a
//! change to the working-day calendar recomputes the deadlines of existing cases.

use chrono::NaiveDate;
use wujin_app::service::problems::{self, CaseStep, NewProblem};
use wujin_app::service::visits::{self, NewVisit};
use wujin_app::{App, AppConfig, AppError, Ctx};
use wujin_domain::service::case::CaseAction;
use wujin_domain::service::problem::Complexity;
use wujin_storage::entity::{problem, problem_assignment, service_visit};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wujin_testkit::{TestDb, ctx_of, unit_id};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn fields(r: Result<impl std::fmt::Debug, AppError>) -> Vec<(String, String)> {
    match r {
        Err(AppError::Validation(errors)) => errors.into_iter().map(|e| (e.field, e.key)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn input(source: &str, enterprise_id: i64) -> NewProblem {
    NewProblem {
        enterprise_id: Some(enterprise_id),
        source: source.into(),
        category: "land".into(),
        title: "扩产用地".into(),
        description: "需新增用地".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn sources_belong_to_roles_and_firms_file_for_themselves() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let today = d("2026-11-30");
    let cadre = ctx_of(&app, "cadre").await;
    let town = ctx_of(&app, "town").await;
    let office = ctx_of(&app, "dept").await;
    let firm = ctx_of(&app, "firm").await;
    let fgj = ctx_of(&app, "fgj_zhu").await;
    let leader = ctx_of(&app, "leader").await;
    let own = firm.actor.enterprise_id.unwrap();

    assert_eq!(
        fields(problems::create(&app, &cadre, &input("hotline", own), vec![], today).await),
        [(
            "source".to_string(),
            "error.problem.source_not_yours".to_string()
        )]
    );
    assert_eq!(
        fields(problems::create(&app, &town, &input("hotline", own), vec![], today).await),
        [(
            "source".to_string(),
            "error.problem.source_not_yours".to_string()
        )]
    );
    assert!(
        problems::create(&app, &town, &input("town", own), vec![], today)
            .await
            .is_ok()
    );
    assert!(
        problems::create(&app, &office, &input("hotline", own), vec![], today)
            .await
            .is_ok()
    );
    assert_eq!(
        fields(problems::create(&app, &office, &input("enterprise", own), vec![], today).await),
        [(
            "source".to_string(),
            "error.problem.source_firm_only".to_string()
        )]
    );
    for who in [&fgj, &leader] {
        assert!(matches!(
            problems::create(&app, who, &input("visit", own), vec![], today).await,
            Err(AppError::Forbidden)
        ));
    }
    // A firm files for itself whatever id it sends, as its own report, at town level.
    let other = own + 1;
    let id = problems::create(&app, &firm, &input("hotline", other), vec![], today)
        .await
        .unwrap();
    let p = problem::Entity::find_by_id(id)
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.enterprise_id, p.source.as_str(), p.level.as_str()),
        (own, "enterprise", "town")
    );
    // A town cannot register for a firm of another town.
    let zhiying_firm = wujin_storage::entity::enterprise::Entity::find()
        .filter(
            wujin_storage::entity::enterprise::Column::TownId.eq(unit_id(&app, "zhiying").await),
        )
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        fields(problems::create(&app, &town, &input("town", zhiying_firm.id), vec![], today).await),
        [(
            "enterprise_id".to_string(),
            "error.problem.enterprise".to_string()
        )]
    );
    // A visit with a bad problem writes nothing: neither the visit nor its good problem.
    let before = problem::Entity::find().count(app.db.read()).await.unwrap();
    let bad = NewVisit {
        enterprise_id: own,
        visited_on: Some(today),
        form: "meeting".into(),
        summary: "座谈".into(),
        problems: vec![
            input("visit", own),
            NewProblem {
                category: "weather".into(),
                ..input("visit", own)
            },
        ],
        ..Default::default()
    };
    assert_eq!(
        fields(visits::create(&app, &cadre, &bad, today).await),
        [(
            "problems[1].category".to_string(),
            "error.problem.choice".to_string()
        )]
    );
    assert_eq!(
        problem::Entity::find().count(app.db.read()).await.unwrap(),
        before
    );
    assert_eq!(
        service_visit::Entity::find()
            .count(app.db.read())
            .await
            .unwrap(),
        0
    );
    // A visit in the future, or by nobody, is refused.
    let mut late = bad.clone();
    late.problems.clear();
    late.visited_on = Some(today + chrono::Days::new(1));
    assert_eq!(
        fields(visits::create(&app, &office, &late, today).await),
        [
            ("visited_on".to_string(), "error.visit.future".to_string()),
            ("cadre_ids".to_string(), "error.visit.no_cadre".to_string())
        ]
    );
}

#[tokio::test]
async fn a_new_holiday_table_moves_the_deadlines_of_existing_cases() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dept").await;
    let firm = ctx_of(&app, "firm").await;
    let own = firm.actor.enterprise_id.unwrap();
    let id = problems::create(
        &app,
        &office,
        &input("hotline", own),
        vec![],
        d("2026-12-14"),
    )
    .await
    .unwrap();
    let mut assign = CaseStep::new(CaseAction::Assign, "");
    assign.lead_department_id = Some(unit_id(&app, "zrzyj").await);
    assign.complexity = Some(Complexity::Complex);
    problems::act(&app, &office, id, &assign, vec![], d("2026-12-15"))
        .await
        .unwrap();
    let close_due = || async {
        let a = problem_assignment::Entity::find()
            .filter(problem_assignment::Column::ProblemId.eq(id))
            .one(app.db.read())
            .await
            .unwrap()
            .unwrap();
        let p = problem::Entity::find_by_id(id)
            .one(app.db.read())
            .await
            .unwrap()
            .unwrap();
        (a.close_due, p.provisional)
    };
    // Without a 2027 table the count runs Monday to Friday and says so.
    assert_eq!(close_due().await, (Some(d("2027-01-19")), true));
    wujin_app::calendar::put_year(
        &app,
        &Ctx::cli(),
        "[2027]\nsource = \"test notice\"\noff = [\"2027-01-01\"]\nwork = []\n",
    )
    .await
    .unwrap();
    assert_eq!(close_due().await, (Some(d("2027-01-20")), false));
}

#[tokio::test]
async fn escalation_without_an_active_leader_reaches_the_service_office() {
    use wujin_storage::entity::{app_user, department, notification};
    use wujin_storage::sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dept").await;
    let firm = ctx_of(&app, "firm").await;
    let power = ctx_of(&app, "gd_yu").await;
    let leader = ctx_of(&app, "leader").await;
    let own = firm.actor.enterprise_id.unwrap();
    // 供电公司 names 王市长 as its leader in charge, whose account is then disabled.
    let gdgs = unit_id(&app, "gdgs").await;
    let mut u = department::Entity::find_by_id(gdgs)
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    u.leader_user_id = Set(leader.actor.id);
    u.update(app.db.write()).await.unwrap();
    let mut l = app_user::Entity::find_by_id(leader.actor.id.unwrap())
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    l.active = Set(false);
    l.update(app.db.write()).await.unwrap();
    let id = problems::create(
        &app,
        &office,
        &input("hotline", own),
        vec![],
        d("2026-03-02"),
    )
    .await
    .unwrap();
    let mut assign = CaseStep::new(CaseAction::Assign, "");
    assign.lead_department_id = Some(gdgs);
    problems::act(&app, &office, id, &assign, vec![], d("2026-03-02"))
        .await
        .unwrap();
    let s = wujin_app::service::reminders::run(&app, d("2026-03-20"), "t")
        .await
        .unwrap();
    assert_eq!(s.cases.get("escalated_leader"), Some(&1), "{s:?}");
    let count = |user: i64, kind: &'static str| {
        let app = &app;
        async move {
            notification::Entity::find()
                .filter(notification::Column::UserId.eq(user))
                .filter(notification::Column::Kind.eq(kind))
                .count(app.db.read())
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count(leader.actor.id.unwrap(), "service_escalated_leader").await,
        0
    );
    assert_eq!(
        count(office.actor.id.unwrap(), "service_escalated_leader").await,
        1
    );
    // No head named: the unit's staff hear of it.
    assert_eq!(
        count(power.actor.id.unwrap(), "service_escalated_head").await,
        1
    );
    assert_eq!(count(power.actor.id.unwrap(), "service_urged").await, 1);
}
