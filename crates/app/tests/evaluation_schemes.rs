//! Evaluation schemes and class measures on the demo city: schemes created, edited, copied,
//! imported and exported as TOML (round trip equal), refused once a published run froze them
//! (with the error that says to copy), benchmarks from a year's county averages; every write
//! audited. Class measures of a run: totals equal the sum of the firms' amounts, years in D
//! counted across published runs (superseded ones ignored), within the caller's scope.

use std::collections::HashMap;

use wujin_app::evaluation::measures::{self, MeasureFilter};
use wujin_app::evaluation::schemes;
use wujin_app::{Actor, App, AppConfig, AppError, Ctx, PageRequest, RequestMeta};
use wujin_domain::evaluation::measures::MeasureKind;
use wujin_domain::evaluation::{EvaluationScheme, Grade};
use wujin_storage::entity::{app_user, evaluation_result, evaluation_run};
use wujin_storage::sea_orm::sea_query::Expr;
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wujin_testkit::TestDb;

async fn ctx_of(app: &App, username: &str) -> Ctx {
    let u = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {username}"));
    Ctx::new(Actor::from_user(&u).unwrap(), RequestMeta::default())
}

fn fields(r: Result<impl std::fmt::Debug, AppError>) -> Vec<(String, String)> {
    match r {
        Err(AppError::Validation(v)) => v.into_iter().map(|f| (f.field, f.key)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn set_status(app: &App, run: i64, status: &str) {
    evaluation_run::Entity::update_many()
        .col_expr(evaluation_run::Column::Status, Expr::value(status))
        .filter(evaluation_run::Column::Id.eq(run))
        .exec(app.db.write())
        .await
        .unwrap();
}

async fn audit_count(app: &App) -> u64 {
    wujin_app::audit::verify(app.db.read(), |_| {})
        .await
        .unwrap()
        .checked
}

#[tokio::test]
async fn schemes_are_edited_until_frozen_copied_and_round_trip_through_toml() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dept").await;
    let town = ctx_of(&app, "town").await;
    let audit0 = audit_count(&app).await;

    // Created from the year's defaults, with the county's 2023 averages as benchmarks.
    let d = schemes::create(&app, &office, 2024, Some("永康2024方案"), Some(2023))
        .await
        .unwrap();
    let id = d.summary.id;
    assert!(!d.summary.locked);
    assert_eq!(
        d.scheme.adjustments.items.len(),
        3,
        "the default bonus items"
    );
    assert_ne!(
        d.scheme.above.items[0].benchmark, 24.097,
        "county benchmarks"
    );
    // A name is unique; the default name is made unique when not given.
    assert_eq!(
        fields(schemes::create(&app, &office, 2024, Some("永康2024方案"), None).await),
        [("name".into(), "error.scheme.name_taken".into())]
    );
    let other = schemes::create(&app, &office, 2024, None, None)
        .await
        .unwrap();
    assert!(other.summary.name.starts_with("2024年度亩均效益综合评价"));
    assert_eq!(other.scheme.above.items[0].benchmark, 24.097);

    // Town staff read schemes but do not change them.
    assert_eq!(schemes::list(&app, &town).await.unwrap().len(), 2);
    assert!(matches!(
        schemes::update(&app, &town, id, d.scheme.clone()).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        schemes::copy(&app, &town, id, None).await,
        Err(AppError::Forbidden)
    ));

    // An update is checked field by field.
    let mut bad = d.scheme.clone();
    bad.publicity_days = 0;
    bad.above.items[1].weight = -1.0;
    bad.adjustments.items[0].tag = "no_such_tag".into();
    assert_eq!(
        fields(schemes::update(&app, &office, id, bad).await),
        [
            (
                "above.items.1.weight".into(),
                "error.scheme.non_positive".into()
            ),
            (
                "publicity_days".into(),
                "error.scheme.publicity_days".into()
            ),
            (
                "adjustments.items.0.tag".into(),
                "error.scheme.unknown_tag".into()
            ),
        ]
    );
    let mut good = d.scheme.clone();
    good.publicity_days = 10;
    good.adjustments.bonus_cap = 8.0;
    let saved = schemes::update(&app, &office, id, good.clone())
        .await
        .unwrap();
    assert_eq!(saved.scheme, good);

    // TOML: export, import as a new scheme, read back equal.
    let (file, text) = schemes::export_toml(&app, &town, id).await.unwrap();
    assert_eq!(file, "永康2024方案.toml");
    assert_eq!(EvaluationScheme::from_toml(&text).unwrap(), good);
    let renamed = text.replacen("name = \"永康2024方案\"", "name = \"导入的方案\"", 1);
    let imported = schemes::import_toml(&app, &office, &renamed, None)
        .await
        .unwrap();
    let mut expected = good.clone();
    expected.name = "导入的方案".into();
    assert_eq!(imported.scheme, expected);
    // … or over an unfrozen scheme.
    let over = schemes::import_toml(
        &app,
        &office,
        &text.replacen("永康2024方案", "覆盖后", 1),
        Some(other.summary.id),
    )
    .await
    .unwrap();
    assert_eq!(
        (over.summary.id, over.summary.name.as_str()),
        (other.summary.id, "覆盖后")
    );
    // Invalid TOML is an error on `toml` with the parser's words; invalid settings by path.
    let e = fields(schemes::import_toml(&app, &office, "name = [", None).await);
    assert_eq!(e, [("toml".into(), "error.scheme.syntax".into())]);
    let e = fields(
        schemes::import_toml(
            &app,
            &office,
            &renamed.replacen("publicity_days = 10", "publicity_days = 99", 1),
            None,
        )
        .await,
    );
    assert!(
        e.contains(&(
            "publicity_days".into(),
            "error.scheme.publicity_days".into()
        )),
        "{e:?}"
    );
    assert_eq!(
        fields(schemes::import_toml(&app, &office, "  ", None).await),
        [("toml".into(), "error.scheme.empty".into())]
    );

    // Benchmarks from a year's averages; a year without figures is refused.
    let (filled, changes) = schemes::fill_benchmarks(&app, &office, id, 2022)
        .await
        .unwrap();
    assert_eq!(changes.len(), 8);
    assert!(changes.iter().all(|c| c.county.is_some()));
    assert_eq!(
        filled.scheme.above.items[0].benchmark,
        changes[0].county.unwrap()
    );
    assert_eq!(
        fields(schemes::fill_benchmarks(&app, &office, id, 2031).await),
        [("year".into(), "error.evaluation.no_figures".into())]
    );

    // A run under the scheme; once published the scheme is frozen.
    let run = wujin_app::evaluation::run(&app, &office, 2024, Some("永康2024方案"))
        .await
        .unwrap();
    let draft_used = schemes::get(&app, &office, id).await.unwrap();
    assert_eq!(
        (draft_used.summary.runs, draft_used.summary.locked),
        (1, false)
    );
    set_status(&app, run.run_id, "published").await;
    let frozen = schemes::get(&app, &office, id).await.unwrap();
    assert!(frozen.summary.locked);
    assert_eq!(frozen.summary.published_runs, 1);
    for r in [
        schemes::update(&app, &office, id, good.clone())
            .await
            .map(|_| ()),
        schemes::import_toml(&app, &office, &text, Some(id))
            .await
            .map(|_| ()),
        schemes::fill_benchmarks(&app, &office, id, 2023)
            .await
            .map(|_| ()),
    ] {
        assert!(
            matches!(r, Err(AppError::Conflict(ref k)) if k == "error.scheme.frozen"),
            "{r:?}"
        );
    }
    // Copying it gives an unfrozen scheme with the same rules.
    let copy = schemes::copy(&app, &office, id, None).await.unwrap();
    assert_eq!(copy.summary.name, "永康2024方案（副本）");
    assert!(!copy.summary.locked);
    let mut same = filled.scheme.clone();
    same.name = copy.summary.name.clone();
    assert_eq!(copy.scheme, same);
    let again = schemes::copy(&app, &office, id, None).await.unwrap();
    assert_eq!(again.summary.name, "永康2024方案（副本）（2）");
    let named = schemes::copy(&app, &office, id, Some("2024修订"))
        .await
        .unwrap();
    assert_eq!(named.summary.name, "2024修订");
    assert!(
        schemes::update(&app, &office, copy.summary.id, copy.scheme.clone())
            .await
            .is_ok()
    );
    assert!(matches!(
        schemes::get(&app, &office, 999_999).await,
        Err(AppError::NotFound)
    ));

    // Every write was audited: 2 creates, 1 update, 2 imports, 1 benchmarks, 1 run, 3 copies,
    // 1 update of the copy; refused writes left nothing.
    let audit1 = wujin_app::audit::verify(app.db.read(), |_| {})
        .await
        .unwrap();
    assert_eq!(audit1.first_break, None);
    assert_eq!(audit1.checked - audit0, 11);
}

#[tokio::test]
async fn class_measures_add_up_and_count_years_in_d_across_published_runs() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dept").await;
    let mut runs = HashMap::new();
    for year in [2022, 2023, 2024] {
        let r = wujin_app::evaluation::run(&app, &office, year, None)
            .await
            .unwrap();
        runs.insert(year, r.run_id);
    }
    set_status(&app, runs[&2022], "final").await;
    set_status(&app, runs[&2023], "published").await;

    // Every firm of the run, all pages.
    let all = |ctx: Ctx, f: MeasureFilter| {
        let app = app.clone();
        let run = runs[&2024];
        async move {
            let mut out = Vec::new();
            let mut page = 1;
            loop {
                let m =
                    measures::list(&app, &ctx, run, &f, PageRequest::new(Some(page), Some(200)))
                        .await
                        .unwrap();
                let n = m.page.items.len();
                let totals = m.totals.clone();
                out.extend(m.page.items);
                if n < 200 {
                    return (out, totals);
                }
                page += 1;
            }
        }
    };
    let (firms, totals) = all(office.clone(), MeasureFilter::default()).await;
    assert!(firms.len() > 500, "{}", firms.len());
    assert_eq!(totals.all.firms as usize, firms.len());
    let sum = |f: &dyn Fn(&measures::FirmMeasures) -> f64| firms.iter().map(f).sum::<f64>();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(1.0);
    assert!(close(totals.all.relief_yuan, sum(&|f| f.relief_yuan)));
    assert!(close(totals.all.power_yuan, sum(&|f| f.power_yuan)));
    assert!(close(totals.all.water_yuan, sum(&|f| f.water_yuan)));
    for f in &firms {
        let m: f64 = f.measures.iter().map(|m| m.amount_yuan).sum();
        assert!(close(m, f.relief_yuan + f.power_yuan + f.water_yuan));
    }
    for part in [&totals.by_class, &totals.by_town] {
        assert_eq!(part.iter().map(|t| t.firms).sum::<u64>(), totals.all.firms);
        assert!(close(
            part.iter().map(|t| t.relief_yuan).sum(),
            totals.all.relief_yuan
        ));
    }
    // A and B save land-use tax, C pays water, D pays electricity (and maybe water).
    for f in &firms {
        let kinds: Vec<MeasureKind> = f.measures.iter().map(|m| m.kind).collect();
        match f.grade {
            Grade::A | Grade::B => assert_eq!(kinds, [MeasureKind::LandTaxRelief]),
            Grade::C => assert_eq!(kinds, [MeasureKind::WaterSurcharge]),
            // D pays for the electricity and water it reports.
            Grade::D => assert!(kinds.iter().all(|k| *k != MeasureKind::LandTaxRelief)),
        }
    }

    // Years in D: this run, then each earlier year's published or final run without a gap.
    let d_in = |run: i64| {
        let app = app.clone();
        async move {
            evaluation_result::Entity::find()
                .filter(evaluation_result::Column::RunId.eq(run))
                .filter(evaluation_result::Column::Grade.eq("D"))
                .all(app.db.read())
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.enterprise_id)
                .collect::<std::collections::HashSet<i64>>()
        }
    };
    let (d22, d23) = (d_in(runs[&2022]).await, d_in(runs[&2023]).await);
    let (ds, _) = all(
        office.clone(),
        MeasureFilter {
            grade: Some("D".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(!ds.is_empty());
    let mut long = 0;
    for f in &ds {
        let id = f.enterprise_id;
        let expected = if d23.contains(&id) {
            if d22.contains(&id) { 3 } else { 2 }
        } else {
            1
        };
        assert_eq!(f.years_in_d, expected, "firm {id}");
        if let Some(power) = f
            .measures
            .iter()
            .find(|m| m.kind == MeasureKind::PowerSurcharge)
        {
            let rate = if expected >= 3 {
                "0.40 元/kWh"
            } else {
                "0.30 元/kWh"
            };
            assert!(power.basis.contains(rate), "{}", power.basis);
        }
        if expected >= 2 {
            long += 1;
        }
    }
    assert!(long > 0, "some firms were D in 2023 too");
    // A superseded (or draft) year breaks the chain.
    set_status(&app, runs[&2023], "superseded").await;
    let (ds, _) = all(
        office.clone(),
        MeasureFilter {
            grade: Some("D".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(ds.iter().all(|f| f.years_in_d == 1));

    // Drafts are the office's: a town does not see a draft run.
    let town = ctx_of(&app, "town").await;
    assert!(matches!(
        measures::list(
            &app,
            &town,
            runs[&2024],
            &MeasureFilter::default(),
            PageRequest::default()
        )
        .await,
        Err(AppError::NotFound)
    ));
    assert_eq!(
        measures::default_run(&app, &town).await.unwrap(),
        Some(runs[&2023])
    );
    // Published, a town sees its own firms only.
    set_status(&app, runs[&2024], "published").await;
    assert_eq!(
        measures::default_run(&app, &town).await.unwrap(),
        Some(runs[&2024])
    );
    let (mine, mine_totals) = all(town.clone(), MeasureFilter::default()).await;
    assert!(!mine.is_empty() && mine.len() < firms.len());
    let town_id = mine[0].town_id;
    assert!(mine.iter().all(|f| f.town_id == town_id));
    assert_eq!(mine_totals.by_town.len(), 1);
    assert_eq!(mine_totals.all.firms as usize, mine.len());
    // Filters.
    let (water, _) = all(
        office.clone(),
        MeasureFilter {
            kind: Some("water_surcharge".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(!water.is_empty() && water.iter().all(|f| f.water_yuan > 0.0));
    let (in_town, _) = all(
        office.clone(),
        MeasureFilter {
            town: Some(town_id),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(in_town.len(), mine.len());
    assert!(matches!(
        measures::list(
            &app,
            &office,
            runs[&2024],
            &MeasureFilter {
                grade: Some("E".into()),
                ..Default::default()
            },
            PageRequest::default()
        )
        .await,
        Err(AppError::Validation(_))
    ));
    // The export is a workbook.
    let bytes = measures::export_xlsx(&app, &office, runs[&2024], &MeasureFilter::default())
        .await
        .unwrap();
    assert!(bytes.starts_with(b"PK"));
}
