//! A year's evaluation run on the demo city: classes in the published proportions per group,
//! reproducible to the bit, recorded and audited.

use wujin_app::{App, AppConfig, AppError, Ctx};
use wujin_storage::entity::evaluation_scheme;
use wujin_storage::sea_orm::EntityTrait;
use wujin_testkit::TestDb;

#[tokio::test]
async fn the_demo_city_is_graded_in_proportion_and_a_rerun_is_identical() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let ctx = Ctx::cli();
    let audit_before = wujin_app::audit::verify(app.db.read(), |_| {})
        .await
        .unwrap()
        .checked;

    let first = wujin_app::evaluation::run(&app, &ctx, 2024, None)
        .await
        .unwrap();
    assert!(first.firms > 3_500, "{first:?}");
    let graded: usize = first.by_grade.values().sum();
    assert_eq!(graded + first.listed_only, first.firms);
    let share = |g: &str| first.by_grade[g] as f64 / graded as f64;
    // Per group the cuts are 20/50/25/5 %; rounding down in each of 14 groups, and unrated
    // firms managed as B, move the city's shares a little.
    assert!((0.15..=0.21).contains(&share("A")), "{first:?}");
    assert!((0.45..=0.60).contains(&share("B")), "{first:?}");
    assert!((0.20..=0.30).contains(&share("C")), "{first:?}");
    assert!((0.03..=0.10).contains(&share("D")), "{first:?}");
    assert!(
        first.listed_only > 0,
        "规下 firms under 3亩 are listed only"
    );

    // The default scheme was created once, with the county's own benchmarks.
    let schemes = evaluation_scheme::Entity::find()
        .all(app.db.read())
        .await
        .unwrap();
    assert_eq!(schemes.len(), 1);
    assert!(
        !schemes[0].toml.contains("benchmark = 24.097"),
        "benchmarks come from the county"
    );

    // Same inputs, same scheme: the same digest and bit-identical results.
    let second = wujin_app::evaluation::run(&app, &ctx, 2024, None)
        .await
        .unwrap();
    assert_ne!(first.run_id, second.run_id);
    assert_eq!(first.inputs_sha256, second.inputs_sha256);
    assert_eq!(first.by_grade, second.by_grade);
    let a = wujin_app::evaluation::results(&app, &ctx, first.run_id)
        .await
        .unwrap();
    let b = wujin_app::evaluation::results(&app, &ctx, second.run_id)
        .await
        .unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((x.0, x.1.to_bits(), &x.2), (y.0, y.1.to_bits(), &y.2));
    }
    // The scheme's creation and the two runs were audited.
    let audit_after = wujin_app::audit::verify(app.db.read(), |_| {})
        .await
        .unwrap();
    assert_eq!(audit_after.first_break, None);
    assert_eq!(audit_after.checked - audit_before, 3);

    // An unknown scheme or a year without figures is a clear error.
    let e = wujin_app::evaluation::run(&app, &ctx, 2024, Some("没有的方案")).await;
    assert!(matches!(e, Err(AppError::Validation(ref f)) if f[0].key == "error.scheme.unknown"));
    let e = wujin_app::evaluation::run(&app, &ctx, 2030, None).await;
    assert!(
        matches!(e, Err(AppError::Validation(ref f)) if f[0].key == "error.evaluation.no_figures")
    );
}
