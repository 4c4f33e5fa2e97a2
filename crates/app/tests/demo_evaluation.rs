//! The demo's evaluation history: a finalised 2023 run, the 2024 run in publicity with the demo
//! firm's pending objection, and 古山镇's 低散乱污 cases in each state — made through the
//! use-cases, audited, and made only once.

use wujin_app::evaluation::objections;
use wujin_app::{App, AppConfig, Ctx};
use wujin_storage::entity::{
    app_user, attachment, audit_event, department, evaluation_objection, evaluation_run,
    low_end_case, low_end_step,
};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use wujin_testkit::TestDb;

#[tokio::test]
async fn the_demo_holds_a_final_run_a_run_in_publicity_and_worked_cases() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    assert!(wujin_app::demo::fill_with_history(&app).await.unwrap());
    let db = app.db.read();

    let runs = evaluation_run::Entity::find()
        .order_by_asc(evaluation_run::Column::Year)
        .all(db)
        .await
        .unwrap();
    let shape: Vec<(i32, &str)> = runs.iter().map(|r| (r.year, r.status.as_str())).collect();
    assert_eq!(shape, [(2023, "final"), (2024, "published")]);
    let (r2023, r2024) = (&runs[0], &runs[1]);
    assert!(r2023.publicity_ends_at.unwrap() < r2023.finalised_at.unwrap());
    assert!(r2024.publicity_ends_at.unwrap() > chrono::Utc::now());
    assert!(r2023.firms > 3000 && r2024.firms > 3000, "{runs:?}");

    // The demo firm's objection waits for the office, with its evidence.
    let firm_user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("firm"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let objections = evaluation_objection::Entity::find().all(db).await.unwrap();
    assert_eq!(objections.len(), 1);
    let o = &objections[0];
    assert_eq!(
        (o.run_id, o.enterprise_id, o.status.as_str()),
        (r2024.id, firm_user.enterprise_id.unwrap(), "pending")
    );
    let detail = objections::get(&app, &Ctx::cli(), o.id).await.unwrap();
    assert_eq!(detail.attachments.len(), 1);

    // 古山镇: one case closed with the whole checklist and evidence, one planned with a step
    // done, one rejected with a reason; the rest wait for verification.
    let gushan = department::Entity::find()
        .filter(department::Column::Code.eq("gushan"))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let cases = low_end_case::Entity::find()
        .filter(low_end_case::Column::TownId.eq(gushan))
        .order_by_asc(low_end_case::Column::Id)
        .all(db)
        .await
        .unwrap();
    let states: Vec<&str> = cases.iter().take(3).map(|c| c.status.as_str()).collect();
    assert_eq!(states, ["closed", "confirmed", "rejected"]);
    assert!(cases[3..].iter().all(|c| c.status == "candidate"));
    let closed = &cases[0];
    assert_eq!(closed.disposal_type.as_deref(), Some("shutdown"));
    assert!(
        closed
            .checklist_json
            .as_deref()
            .unwrap()
            .contains("\"equipment_cleared\":true")
    );
    assert!(closed.land_mu_freed.is_some());
    let evidence = attachment::Entity::find()
        .filter(attachment::Column::OwnerKind.eq("low_end_case"))
        .filter(attachment::Column::OwnerId.eq(closed.id))
        .count(db)
        .await
        .unwrap();
    assert_eq!(evidence, 1);
    let steps = low_end_step::Entity::find()
        .filter(low_end_step::Column::CaseId.eq(cases[1].id))
        .all(db)
        .await
        .unwrap();
    assert!(steps.iter().any(|s| s.done_at.is_some()), "{steps:?}");
    assert!(steps.iter().any(|s| s.kind == "progress"), "{steps:?}");
    assert!(cases[2].verification_note.is_some());

    // The default screens list a minority of the city, not every small workshop.
    let all_cases = low_end_case::Entity::find().count(db).await.unwrap();
    assert!(
        (50..=600).contains(&all_cases),
        "{all_cases} candidates of {} firms",
        r2024.firms
    );

    // Every step was audited; a second fill adds nothing.
    for (action, entity) in [
        ("publish", "evaluation_run"),
        ("finalise", "evaluation_run"),
        ("create", "evaluation_objection"),
        ("close", "low_end_case"),
    ] {
        let n = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq(action))
            .filter(audit_event::Column::Entity.eq(entity))
            .count(db)
            .await
            .unwrap();
        assert!(n >= 1, "{action} {entity} not audited");
    }
    let events = audit_event::Entity::find().count(db).await.unwrap();
    assert!(!wujin_app::demo::fill_with_history(&app).await.unwrap());
    assert_eq!(audit_event::Entity::find().count(db).await.unwrap(), events);
}
