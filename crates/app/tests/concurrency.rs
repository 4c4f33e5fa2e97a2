//! Concurrent writers: none fails with "database is locked", and the audit chain stays one
//! unbroken line (on SQLite through the single writer, on PostgreSQL through the chain lock).

use wujin_app::users::UserInput;
use wujin_app::{App, AppConfig, Ctx, PageRequest};
use wujin_testkit::TestDb;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_all_succeed_and_the_chain_verifies() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::seed::seed_departments(&app, &Ctx::cli())
        .await
        .unwrap();
    let unit = wujin_app::seed::unit_id(&app, "jxj").await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let input = UserInput {
                username: format!("user{i:02}"),
                display_name: format!("同事{i}"),
                role: "cadre".into(),
                department_id: unit,
                ..Default::default()
            };
            let u = wujin_app::users::create(&app, &Ctx::cli(), &input, "password-123").await?;
            // Interleave updates with the inserts.
            let mut edit = input.clone();
            edit.display_name = format!("同事{i}（改）");
            wujin_app::users::update(&app, &Ctx::cli(), u.id, &edit).await
        }));
    }
    for task in tasks {
        task.await
            .unwrap()
            .expect("every concurrent write succeeds");
    }
    let users = wujin_app::users::list(
        &app,
        &Ctx::cli(),
        &Default::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(users.total, 40);
    let report = wujin_app::audit::verify(t.db.read(), |_| {}).await.unwrap();
    assert_eq!(report.first_break, None);
    // 27 seeded units + 40 creations + 40 updates.
    assert_eq!(report.checked, 27 + 80);
}

#[tokio::test]
async fn a_failed_write_leaves_no_audit_event() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::seed::seed_departments(&app, &Ctx::cli())
        .await
        .unwrap();
    let before = wujin_app::audit::verify(t.db.read(), |_| {})
        .await
        .unwrap()
        .checked;
    let bad = UserInput {
        username: "a".into(),
        display_name: "".into(),
        role: "king".into(),
        ..Default::default()
    };
    let err = wujin_app::users::create(&app, &Ctx::cli(), &bad, "password-123")
        .await
        .unwrap_err();
    match err {
        wujin_app::AppError::Validation(fields) => {
            let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(names, ["username", "display_name", "role"]);
        }
        other => panic!("expected validation error, got {other:?}"),
    }
    let after = wujin_app::audit::verify(t.db.read(), |_| {})
        .await
        .unwrap()
        .checked;
    assert_eq!(before, after);
}

/// A periodic check claimed by many instances at once runs exactly once per period.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_periodic_check_is_claimed_once_per_period() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    let mut claims = Vec::new();
    for i in 0..12 {
        let app = app.clone();
        claims.push(tokio::spawn(async move {
            wujin_app::jobs::claim(&app, "report_reminders", "2022-07-05", &format!("node-{i}"))
                .await
        }));
    }
    let mut won = 0;
    for c in claims {
        if c.await.unwrap().unwrap() {
            won += 1;
        }
    }
    assert_eq!(won, 1, "exactly one instance runs the check");
    assert!(
        !wujin_app::jobs::claim(&app, "report_reminders", "2022-07-05", "late")
            .await
            .unwrap()
    );
    assert!(
        wujin_app::jobs::claim(&app, "report_reminders", "2022-07-06", "late")
            .await
            .unwrap(),
        "the next period is claimed afresh"
    );
    wujin_app::jobs::finish(&app, "report_reminders", "2022-07-06")
        .await
        .unwrap();
}
