//! Runs and results on the demo city, read by each role: drafts only for the evaluation
//! office, a town only its firms, an enterprise only its own; filters, sorting, the 公示
//! workbook, explanations whose lifts reach the next class, the distribution and the
//! migration matrix.

use std::collections::HashSet;

use wujin_app::evaluation::results::{self as res, ResultFilter, RunFilter};
use wujin_app::{Actor, App, AppConfig, AppError, Ctx, PageRequest, RequestMeta};
use wujin_domain::evaluation::explain::total_with;
use wujin_domain::evaluation::{EvaluationScheme, FirmScore, ItemScore, Lift, Target};
use wujin_storage::entity::{app_user, enterprise, evaluation_result, evaluation_scheme};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
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

fn all() -> PageRequest {
    PageRequest::new(Some(1), Some(200))
}

#[tokio::test]
async fn each_role_reads_the_runs_and_results_it_may() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dept").await;
    let town = ctx_of(&app, "town").await;
    let firm = ctx_of(&app, "firm").await;
    let leader = ctx_of(&app, "leader").await;
    let own = firm
        .actor
        .enterprise_id
        .expect("the demo firm account has a firm");

    let r23 = wujin_app::evaluation::run(&app, &office, 2023, None)
        .await
        .unwrap();
    let r24 = wujin_app::evaluation::run(&app, &office, 2024, None)
        .await
        .unwrap();

    // Drafts: the office sees them, nobody else does.
    let runs = res::list_runs(&app, &office, &RunFilter::default(), all())
        .await
        .unwrap();
    assert_eq!(runs.total, 2);
    assert_eq!(runs.items[0].id, r24.run_id, "newest first");
    assert_eq!(
        runs.items[0].by_grade,
        r24.by_grade
            .iter()
            .map(|(k, v)| (k.clone(), *v as u64))
            .collect()
    );
    assert_eq!(runs.items[0].listed_only, r24.listed_only as u64);
    for who in [&town, &firm, &leader] {
        let l = res::list_runs(&app, who, &RunFilter::default(), all())
            .await
            .unwrap();
        assert_eq!(l.total, 0);
        assert!(matches!(
            res::get_run(&app, who, r23.run_id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            res::results(&app, who, r23.run_id, &ResultFilter::default(), all()).await,
            Err(AppError::NotFound)
        ));
    }
    assert_eq!(res::own_latest(&app, &firm).await.unwrap(), None);
    assert_eq!(res::default_migration(&app, &office).await.unwrap(), None);
    let bad = RunFilter {
        status: Some("open".into()),
        ..Default::default()
    };
    assert!(matches!(
        res::list_runs(&app, &office, &bad, all()).await,
        Err(AppError::Validation(ref f)) if f[0].key == "error.eval_results.status"
    ));

    // Publishing 2023 shows it to everyone.
    let publish = |id: i64| {
        let db = app.db.clone();
        async move {
            use wujin_storage::sea_orm::ConnectionTrait;
            db.write()
                .execute_unprepared(&format!(
                    "UPDATE evaluation_run SET status = 'published' WHERE id = {id}"
                ))
                .await
                .unwrap();
        }
    };
    publish(r23.run_id).await;
    let l = res::list_runs(&app, &town, &RunFilter::default(), all())
        .await
        .unwrap();
    assert_eq!(
        l.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [r23.run_id]
    );
    assert_eq!(
        res::own_latest(&app, &firm).await.unwrap(),
        Some((r23.run_id, own))
    );

    // Scope: the town reaches its firms only, the enterprise its own firm.
    let gushan: HashSet<i64> = enterprise::Entity::find()
        .filter(enterprise::Column::TownId.eq(town.actor.department_id.unwrap()))
        .all(app.db.read())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    let in_run_and_town = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(r23.run_id))
        .filter(evaluation_result::Column::EnterpriseId.is_in(gushan.iter().copied()))
        .count(app.db.read())
        .await
        .unwrap();
    let p = res::results(&app, &town, r23.run_id, &ResultFilter::default(), all())
        .await
        .unwrap();
    assert_eq!(p.total, in_run_and_town);
    assert!(p.total > 50, "{}", p.total);
    assert!(p.items.iter().all(|r| gushan.contains(&r.enterprise_id)));
    let p = res::results(&app, &firm, r23.run_id, &ResultFilter::default(), all())
        .await
        .unwrap();
    assert_eq!(p.total, 1);
    assert_eq!(p.items[0].enterprise_id, own);
    let other = *gushan.iter().find(|id| **id != own).unwrap();
    assert!(matches!(
        wujin_app::evaluation::explain::explain(&app, &firm, r23.run_id, other).await,
        Err(AppError::NotFound)
    ));
    let mine = wujin_app::evaluation::explain::explain(&app, &firm, r23.run_id, own)
        .await
        .unwrap();
    assert_eq!(mine.enterprise_id, own);

    // The whole run, read by the office: counts, filters and sorting.
    let everything = res::results(&app, &office, r24.run_id, &ResultFilter::default(), all())
        .await
        .unwrap();
    assert_eq!(everything.total, r24.firms as u64);
    let totals: Vec<f64> = everything.items.iter().map(|r| r.total).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "score, best first");
    for g in ["A", "B", "C", "D"] {
        let f = ResultFilter {
            grade: Some(g.into()),
            ..Default::default()
        };
        let p = res::results(
            &app,
            &office,
            r24.run_id,
            &f,
            PageRequest::new(Some(1), Some(20)),
        )
        .await
        .unwrap();
        assert_eq!(p.total, r24.by_grade[g] as u64, "{g}");
        assert!(p.items.iter().all(|r| r.grade.as_deref() == Some(g)));
    }
    let listed = ResultFilter {
        grade: Some("listed".into()),
        ..Default::default()
    };
    let p = res::results(&app, &office, r24.run_id, &listed, all())
        .await
        .unwrap();
    assert_eq!(p.total, r24.listed_only as u64);
    assert!(p.items.iter().all(|r| r.listed_only && r.rank.is_none()));
    let ranked = ResultFilter {
        scale: Some("above".into()),
        sort: Some("rank".into()),
        ..Default::default()
    };
    let p = res::results(&app, &office, r24.run_id, &ranked, all())
        .await
        .unwrap();
    assert!(p.items.iter().all(|r| r.scale.as_deref() == Some("above")));
    assert_eq!(p.items[0].rank, Some(1));
    assert!(p.items.iter().all(|r| r.rank.is_some() || r.unrated));
    let first = &p.items[0];
    assert!(first.group_size.unwrap() >= 1);
    let named = ResultFilter {
        q: Some(first.credit_code.clone()),
        ..Default::default()
    };
    let p = res::results(&app, &office, r24.run_id, &named, all())
        .await
        .unwrap();
    assert_eq!(p.total, 1);
    assert_eq!(p.items[0].enterprise_id, first.enterprise_id);
    let wrong = ResultFilter {
        grade: Some("E".into()),
        sort: Some("colour".into()),
        ..Default::default()
    };
    match res::results(&app, &office, r24.run_id, &wrong, all()).await {
        Err(AppError::Validation(f)) => assert_eq!(
            f.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["grade", "sort"]
        ),
        other => panic!("{other:?}"),
    }

    // Explanations: the items add up, and a lift really reaches the boundary of the next class.
    let scheme_row = evaluation_scheme::Entity::find()
        .filter(evaluation_scheme::Column::Year.eq(2024))
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap();
    let scheme = EvaluationScheme::from_toml(&scheme_row.toml).unwrap();
    let mut checked = 0;
    let b = ResultFilter {
        grade: Some("B".into()),
        ..Default::default()
    };
    let b = res::results(&app, &office, r24.run_id, &b, all())
        .await
        .unwrap();
    for r in b.items.iter().filter(|r| !r.unrated).step_by(10).take(15) {
        let e = wujin_app::evaluation::explain::explain(&app, &office, r24.run_id, r.enterprise_id)
            .await
            .unwrap();
        assert_eq!(e.rank, r.rank);
        assert_eq!(Some(e.group_size), r.group_size);
        let sum: f64 = e.items.iter().filter_map(|i| i.points).sum::<f64>() + e.adjustment;
        assert!((sum - e.total).abs() < 1e-9);
        let Target::Boundary { boundary, gap, .. } = e.target else {
            continue;
        };
        assert!(gap > 0.0 && boundary > e.total);
        let rules = if e.scale.as_deref() == Some("above") {
            &scheme.above
        } else {
            &scheme.below
        };
        let score = FirmScore {
            items: e
                .items
                .iter()
                .map(|i| ItemScore {
                    rule: wujin_domain::evaluation::ItemRule {
                        indicator: i.indicator,
                        weight: i.weight,
                        benchmark: i.benchmark,
                    },
                    value: i.value,
                    points: i.points,
                    capped: i.capped,
                    filled_from_group_average: i.filled,
                })
                .collect(),
        };
        for (k, item) in e.items.iter().enumerate() {
            if let Some(Lift::Reach { to, .. }) = item.lift {
                assert!(total_with(rules, &score, e.adjustment, k, to) >= boundary);
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "some B firm can be lifted to A");

    // The 公示 workbook holds every result in scope, one row each.
    let (bytes, n) = res::export_xlsx(
        &app,
        &town,
        r23.run_id,
        &ResultFilter::default(),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(n, in_run_and_town);
    let book = wujin_xlsx::read_workbook(&bytes, "x.xlsx", &wujin_xlsx::Limits::default()).unwrap();
    let sheet = &book.sheets[0];
    let header: Vec<String> = sheet.rows[1].iter().map(|c| c.to_text()).collect();
    assert_eq!(&header[..7], &res::EXPORT_HEAD);
    assert_eq!(&header[header.len() - 3..], &res::EXPORT_TAIL);
    assert!(
        header.contains(&"亩均税收(万元/亩)".to_string()),
        "{header:?}"
    );
    assert!(
        header.contains(&"单位电耗税收(元/千瓦时)".to_string()),
        "{header:?}"
    );
    assert_eq!(sheet.rows.len() as u64, 2 + n);

    // Distribution: the town's classes add up to its results.
    let d = res::distribution(&app, &town, r23.run_id).await.unwrap();
    assert_eq!(d.by_town.len(), 1);
    assert_eq!(d.total.graded() + d.total.listed_only, in_run_and_town);
    assert_eq!(
        d.by_group
            .iter()
            .map(|g| g.graded() + g.listed_only)
            .sum::<u64>(),
        in_run_and_town
    );
    let city = res::distribution(&app, &leader, r23.run_id).await.unwrap();
    assert!(city.by_town.len() > 10);
    assert_eq!(
        city.total.graded() + city.total.listed_only,
        r23.firms as u64
    );

    // Migration: publishing 2024 gives the default pair; cells add up to every firm in either
    // run, and each cell's firm list matches its count.
    publish(r24.run_id).await;
    assert_eq!(
        res::default_migration(&app, &town).await.unwrap(),
        Some((r23.run_id, r24.run_id))
    );
    let m = res::migration(&app, &leader, r23.run_id, r24.run_id)
        .await
        .unwrap();
    let ids = |run: i64| {
        let db = app.db.clone();
        async move {
            evaluation_result::Entity::find()
                .filter(evaluation_result::Column::RunId.eq(run))
                .all(db.read())
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.enterprise_id)
                .collect::<HashSet<i64>>()
        }
    };
    let union: HashSet<i64> = ids(r23.run_id)
        .await
        .union(&ids(r24.run_id).await)
        .copied()
        .collect();
    assert_eq!(m.total, union.len() as u64);
    assert_eq!(m.cells.iter().flatten().sum::<u64>(), m.total);
    let stayed_a = m.cells[0][0];
    assert!(stayed_a > 0);
    let cell = res::migration_firms(
        &app,
        &leader,
        r23.run_id,
        r24.run_id,
        "A",
        "A",
        PageRequest::new(Some(1), Some(10)),
    )
    .await
    .unwrap();
    assert_eq!(cell.total, stayed_a);
    assert!(
        cell.items
            .iter()
            .all(|f| f.from_grade == "A" && f.to_grade == "A")
    );
    let mt = res::migration(&app, &town, r23.run_id, r24.run_id)
        .await
        .unwrap();
    assert!(mt.total < m.total);
    assert!(matches!(
        res::migration_firms(&app, &leader, r23.run_id, r24.run_id, "Z", "A", all()).await,
        Err(AppError::Validation(_))
    ));
}

/// Every page of `f` in order, as enterprise ids.
async fn every_page(app: &App, ctx: &Ctx, run: i64, f: &ResultFilter) -> Vec<i64> {
    let mut out = Vec::new();
    for page in 1.. {
        let p = res::results(app, ctx, run, f, PageRequest::new(Some(page), Some(50)))
            .await
            .unwrap();
        assert!(p.items.len() <= 50);
        out.extend(p.items.iter().map(|r| r.enterprise_id));
        if p.items.is_empty() || out.len() as u64 >= p.total {
            assert_eq!(out.len() as u64, p.total, "{f:?}");
            break;
        }
    }
    out
}

/// The results page reads a page in several ways — off an index for common filters, by
/// sorting the matches itself for rare ones and text searches — and every way gives the
/// order the sort promises, page after page, without gaps or repeats: by score the firms
/// listed only (不参评) come after the graded ones in either direction.
#[tokio::test]
async fn every_read_path_gives_the_promised_order() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dept").await;
    let run = wujin_app::evaluation::run(&app, &office, 2024, None)
        .await
        .unwrap()
        .run_id;
    let db = app.db.read();
    let rows = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run))
        .all(db)
        .await
        .unwrap();
    let firms: std::collections::HashMap<i64, enterprise::Model> = enterprise::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let town = firms.values().map(|e| e.town_id).min().unwrap();
    let filters = [
        // Dense: most of the run.
        ResultFilter::default(),
        ResultFilter {
            grade: Some("B".into()),
            ..Default::default()
        },
        // Sparse: one town, the unrated, a text search.
        ResultFilter {
            town: Some(town),
            ..Default::default()
        },
        ResultFilter {
            grade: Some("unrated".into()),
            ..Default::default()
        },
        ResultFilter {
            q: Some("科技".into()),
            ..Default::default()
        },
    ];
    for base in filters {
        let expected_set: HashSet<i64> = rows
            .iter()
            .filter(|r| {
                let e = &firms[&r.enterprise_id];
                base.town.is_none_or(|t| e.town_id == t)
                    && match base.grade.as_deref() {
                        Some("unrated") => r.grade.is_some() && r.rank.is_none(),
                        Some(g) => r.grade.as_deref() == Some(g),
                        None => true,
                    }
                    && base.q.as_deref().is_none_or(|q| e.name.contains(q))
            })
            .map(|r| r.enterprise_id)
            .collect();
        assert!(!expected_set.is_empty(), "{base:?} matches nothing");
        for (sort, dir) in [
            ("score", "desc"),
            ("score", "asc"),
            ("rank", "asc"),
            ("rank", "desc"),
            ("name", "asc"),
            ("name", "desc"),
        ] {
            let f = ResultFilter {
                sort: Some(sort.into()),
                dir: Some(dir.into()),
                ..base.clone()
            };
            let got = every_page(&app, &office, run, &f).await;
            let mut want: Vec<&evaluation_result::Model> = rows
                .iter()
                .filter(|r| expected_set.contains(&r.enterprise_id))
                .collect();
            want.sort_by(|a, b| {
                let o = match sort {
                    // Listed only (no class, no score shown) after the graded, either way.
                    "score" => match (&a.grade, &b.grade) {
                        (Some(_), None) => return std::cmp::Ordering::Less,
                        (None, Some(_)) => return std::cmp::Ordering::Greater,
                        _ => a
                            .total
                            .total_cmp(&b.total)
                            .then(a.enterprise_id.cmp(&b.enterprise_id)),
                    },
                    "rank" => match (a.rank, b.rank) {
                        (Some(x), Some(y)) => x.cmp(&y),
                        (Some(_), None) => return std::cmp::Ordering::Less,
                        (None, Some(_)) => return std::cmp::Ordering::Greater,
                        (None, None) if base.grade.as_deref() == Some("unrated") => {
                            // Without ranks, the rank order is the score's.
                            return match dir {
                                "desc" => b.total.total_cmp(&a.total),
                                _ => a.total.total_cmp(&b.total),
                            }
                            .then(if dir == "desc" {
                                b.enterprise_id.cmp(&a.enterprise_id)
                            } else {
                                a.enterprise_id.cmp(&b.enterprise_id)
                            });
                        }
                        (None, None) => std::cmp::Ordering::Equal,
                    }
                    .then(a.group_key.cmp(&b.group_key))
                    .then(a.enterprise_id.cmp(&b.enterprise_id)),
                    _ => firms[&a.enterprise_id]
                        .name
                        .cmp(&firms[&b.enterprise_id].name)
                        .then(a.enterprise_id.cmp(&b.enterprise_id)),
                };
                if dir == "desc" { o.reverse() } else { o }
            });
            let want: Vec<i64> = want.iter().map(|r| r.enterprise_id).collect();
            assert_eq!(got, want, "{f:?}");
        }
    }
}
