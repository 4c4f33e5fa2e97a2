//! Supervision outputs: the monthly bulletin of a hand-built plan counts by colour against the
//! previous cycle, by lead unit, lists the red and yellow tasks with where they moved from,
//! ranks units by on-time reporting and lists the month's notices; a unit's bulletin counts
//! only its tasks; the decomposition table and the bulletin reopen as workbooks with their
//! headers, colours (filled) and rows.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{NaiveDate, TimeZone, Utc};
use wujin_app::supervision::bulletin::{self, Bulletin};
use wujin_app::supervision::colours;
use wujin_app::supervision::export::{self, DECOMPOSITION_COLUMNS};
use wujin_app::supervision::notices;
use wujin_app::supervision::plans::{self, NewPlan};
use wujin_app::supervision::reports::{self, NewReport};
use wujin_app::supervision::requests;
use wujin_app::supervision::tasks::{self, NewTask};
use wujin_app::{App, AppConfig, AppError, Ctx};
use wujin_domain::supervision::bulletin::Movement;
use wujin_domain::supervision::colour::TaskColour::{self, *};
use wujin_storage::entity::{audit_event, supervision_notice};
use wujin_storage::sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait, Set};
use wujin_testkit::{TestDb, ctx_of, unit_id};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const PLAN: &str = "2022年政府工作报告重点工作任务分解";

struct Fixture {
    _db: TestDb,
    app: App,
    office: Ctx,
    plan_id: i64,
    /// Task ids t1 … t6.
    t: [i64; 6],
}

async fn report(app: &App, who: &Ctx, task: i64, cycle: &str, percent: f64, on: NaiveDate) {
    reports::file(
        app,
        who,
        NewReport {
            task_id: task,
            cycle: Some(cycle.into()),
            progress: format!("{cycle} 完成 {percent}%"),
            percent_complete: Some(percent),
            problems: (percent < 50.0).then(|| "资金未到位".to_string()),
            ..Default::default()
        },
        on,
    )
    .await
    .unwrap();
}

/// A 2022 plan of six tasks, reports for May and June, colours computed at the end of each
/// month. In June: t1 green, t2 blue (due today), t3 green (ongoing), t4 yellow (26 points
/// behind), t5 grey (done), t6 red (overdue). In May: t1, t3, t5 green, t2 yellow, t4 red, t6
/// blue.
async fn fixture() -> Fixture {
    let db = TestDb::new().await;
    let app = App::new(db.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dcs_jin").await;
    let jxj = ctx_of(&app, "dept").await;
    let fgj = ctx_of(&app, "fgj_zhu").await;
    let gushan = ctx_of(&app, "town").await;
    let leader = ctx_of(&app, "leader").await.actor.id;
    let (u_jxj, u_fgj, u_gushan) = (
        unit_id(&app, "jxj").await,
        unit_id(&app, "fgj").await,
        unit_id(&app, "gushan").await,
    );
    let plan = plans::create(
        &app,
        &office,
        NewPlan {
            name: PLAN.into(),
            year: 2022,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let area = tasks::add(
        &app,
        &office,
        NewTask {
            plan_id: plan.id,
            serial: "一、".into(),
            content: "推动五金产业转型升级".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let specs: [(&str, &str, i64, Vec<i64>, &str); 6] = [
        (
            "1",
            "规上工业增加值增长8%",
            u_jxj,
            vec![u_fgj],
            "2022年底前",
        ),
        ("2", "完成古山五金小微园建设", u_gushan, vec![], "6月底前"),
        ("3", "优化营商环境", u_fgj, vec![], "长期坚持"),
        ("4", "推进企业数字化改造", u_jxj, vec![u_gushan], "9月底前"),
        ("5", "整治提升低散乱污企业", u_gushan, vec![], "年底前"),
        ("6", "出台工业用地提质增效意见", u_jxj, vec![], "5月底前"),
    ];
    let mut t = [0i64; 6];
    for (i, (serial, content, lead, co, deadline)) in specs.into_iter().enumerate() {
        t[i] = tasks::add(
            &app,
            &office,
            NewTask {
                plan_id: plan.id,
                parent_id: Some(area.id),
                serial: serial.into(),
                content: content.into(),
                lead_leader_id: leader,
                lead_unit_id: Some(lead),
                co_unit_ids: co,
                deadline_text: Some(deadline.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    }

    // May, filed on time (due June 5).
    let may = d(2022, 6, 3);
    report(&app, &jxj, t[0], "2022-05", 35.0, may).await;
    report(&app, &gushan, t[1], "2022-05", 60.0, may).await;
    report(&app, &fgj, t[2], "2022-05", 30.0, may).await;
    report(&app, &jxj, t[3], "2022-05", 20.0, may).await;
    report(&app, &gushan, t[4], "2022-05", 50.0, may).await;
    report(&app, &jxj, t[5], "2022-05", 95.0, may).await;
    colours::recompute(&app, &office, plan.id, d(2022, 5, 31))
        .await
        .unwrap();

    // June (due July 5): t1, t2, t5 on time; t3 and t4 late; t6 missing.
    let (on_time, late) = (d(2022, 7, 4), d(2022, 7, 8));
    report(&app, &jxj, t[0], "2022-06", 45.0, on_time).await;
    report(&app, &gushan, t[1], "2022-06", 95.0, on_time).await;
    report(&app, &gushan, t[4], "2022-06", 100.0, on_time).await;
    report(&app, &fgj, t[2], "2022-06", 50.0, late).await;
    report(&app, &jxj, t[3], "2022-06", 40.0, late).await;
    let done = requests::request_completion(&app, &gushan, t[4], "已完成整治提升")
        .await
        .unwrap();
    requests::review_completion(&app, &office, done.id, true, "")
        .await
        .unwrap();
    colours::recompute(&app, &office, plan.id, d(2022, 6, 30))
        .await
        .unwrap();

    // A notice issued in June on t6, and one issued (now) on t4.
    let n = notices::issue(
        &app,
        &office,
        t[5],
        "请说明超期原因",
        d(2030, 1, 1),
        d(2022, 6, 1),
    )
    .await
    .unwrap();
    let mut am = supervision_notice::Entity::find_by_id(n.id)
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    am.issued_at = Set(Utc.with_ymd_and_hms(2022, 6, 20, 2, 0, 0).unwrap());
    am.update(app.db.write()).await.unwrap();
    notices::issue(
        &app,
        &office,
        t[3],
        "请加快进度",
        d(2030, 1, 1),
        d(2022, 6, 1),
    )
    .await
    .unwrap();
    Fixture {
        _db: db,
        app,
        office,
        plan_id: plan.id,
        t,
    }
}

fn counts(b: &Bulletin) -> Vec<(TaskColour, u32, u32, i64)> {
    b.colours
        .iter()
        .map(|c| (c.colour, c.this_cycle, c.previous_cycle, c.change))
        .collect()
}

#[tokio::test]
async fn the_bulletin_counts_moves_ranks_and_scopes() {
    let f = fixture().await;
    let app = &f.app;
    let today = d(2022, 7, 20);
    let b = bulletin::bulletin(app, &f.office, f.plan_id, "2022-06", today)
        .await
        .unwrap();
    assert_eq!(
        (b.cycle.as_str(), b.previous_cycle.as_deref()),
        ("2022-06", Some("2022-05"))
    );
    assert_eq!(b.report_due_on, d(2022, 7, 5));
    assert_eq!(
        counts(&b),
        [
            (Green, 2, 3, -1),
            (Blue, 1, 1, 0),
            (Yellow, 1, 1, 0),
            (Red, 1, 1, 0),
            (Grey, 1, 0, 1),
        ]
    );
    assert_eq!((b.total, b.previous_total), (6, 6));

    // By lead unit, in the units' order: 经信局 (t1 green, t4 yellow, t6 red), 发改局 (t3
    // green), 古山镇 (t2 blue, t5 grey).
    let by_unit: Vec<(&str, [u32; 5])> = b
        .by_unit
        .iter()
        .map(|u| {
            (
                u.unit.name.as_str(),
                [
                    u.counts.green,
                    u.counts.blue,
                    u.counts.yellow,
                    u.counts.red,
                    u.counts.grey,
                ],
            )
        })
        .collect();
    assert_eq!(
        by_unit,
        [
            ("市经济和信息化局", [1, 0, 1, 1, 0]),
            ("市发展和改革局", [1, 0, 0, 0, 0]),
            ("古山镇", [0, 1, 0, 0, 1]),
        ]
    );

    // Red first, then yellow, with where they moved from and why.
    let flagged: Vec<(i64, TaskColour, Option<TaskColour>, Movement)> = b
        .flagged
        .iter()
        .map(|t| (t.id, t.colour, t.previous_colour, t.movement))
        .collect();
    assert_eq!(
        flagged,
        [
            (f.t[5], Red, Some(Blue), Movement::Worse),
            (f.t[3], Yellow, Some(Red), Movement::Better),
        ]
    );
    let red = &b.flagged[0];
    assert_eq!(red.lead_leader.as_deref(), Some("王市长"));
    assert_eq!(red.lead_unit.as_deref(), Some("市经济和信息化局"));
    assert_eq!(red.deadline_text.as_deref(), Some("5月底前"));
    assert_eq!(red.area.as_deref(), Some("推动五金产业转型升级"));
    // No June report: the latest progress is May's.
    assert_eq!(red.latest_cycle.as_deref(), Some("2022-05"));
    assert_eq!(red.percent, Some(95.0));
    assert!(
        matches!(
            red.reasons[0].reason,
            wujin_domain::supervision::colour::ColourReason::Overdue {
                days_overdue: 30,
                ..
            }
        ),
        "{:?}",
        red.reasons
    );
    let yellow = &b.flagged[1];
    assert_eq!(yellow.latest_cycle.as_deref(), Some("2022-06"));
    assert_eq!(yellow.latest_problems.as_deref(), Some("资金未到位"));
    assert_eq!(yellow.percent, Some(40.0));

    // Reporting: 古山镇 2/2 on time, 经信局 1 on time, 1 late, 1 missing, 发改局 1 late.
    let ranking: Vec<(&str, u32, u32, u32, u32, u32)> = b
        .reporting
        .iter()
        .map(|u| {
            (
                u.unit.name.as_str(),
                u.rank,
                u.due,
                u.on_time,
                u.late,
                u.missing,
            )
        })
        .collect();
    assert_eq!(
        ranking,
        [
            ("古山镇", 1, 2, 2, 0, 0),
            ("市经济和信息化局", 2, 3, 1, 1, 1),
            ("市发展和改革局", 3, 1, 0, 1, 0),
        ]
    );
    assert!((b.reporting[1].rate - 100.0 / 3.0).abs() < 1e-9);

    // Notices issued in June only.
    assert_eq!(b.notices.len(), 1);
    assert_eq!(b.notices[0].task_id, f.t[5]);
    assert_eq!(b.notices[0].issued_on, d(2022, 6, 20));
    assert!(!b.notices[0].answered);

    // Before the due date nothing is missing yet: 经信局's t6 is not counted.
    let early = bulletin::bulletin(app, &f.office, f.plan_id, "2022-06", d(2022, 7, 5))
        .await
        .unwrap();
    let jxj = early
        .reporting
        .iter()
        .find(|u| u.unit.name == "市经济和信息化局")
        .unwrap();
    assert_eq!((jxj.due, jxj.missing), (2, 0));

    // A leader reads the same bulletin.
    let leader = ctx_of(app, "leader").await;
    let lb = bulletin::bulletin(app, &leader, f.plan_id, "2022-06", today)
        .await
        .unwrap();
    assert_eq!(counts(&lb), counts(&b));

    // 古山镇 sees t2, t5 (its own) and t4 (co-unit): only those are counted.
    let town = ctx_of(app, "town").await;
    let tb = bulletin::bulletin(app, &town, f.plan_id, "2022-06", today)
        .await
        .unwrap();
    assert_eq!(
        counts(&tb),
        [
            (Green, 0, 1, -1),
            (Blue, 1, 0, 1),
            (Yellow, 1, 1, 0),
            (Red, 0, 1, -1),
            (Grey, 1, 0, 1),
        ]
    );
    assert_eq!(tb.flagged.len(), 1);
    assert_eq!(tb.flagged[0].id, f.t[3]);
    let ranking: Vec<(&str, u32, u32)> = tb
        .reporting
        .iter()
        .map(|u| (u.unit.name.as_str(), u.due, u.on_time))
        .collect();
    assert_eq!(ranking, [("古山镇", 2, 2), ("市经济和信息化局", 1, 0)]);
    assert!(tb.notices.is_empty(), "the June notice is on 经信局's task");
}

#[tokio::test]
async fn a_bulletin_is_refused_clearly_and_only_to_readers() {
    let f = fixture().await;
    let app = &f.app;
    let today = d(2022, 7, 20);
    let key = |r: Result<Bulletin, AppError>| match r {
        Err(AppError::Validation(e)) => (e[0].field.clone(), e[0].key.clone(), e[0].detail.clone()),
        other => panic!("expected a validation error, got {other:?}"),
    };
    assert_eq!(
        key(bulletin::bulletin(app, &f.office, f.plan_id, "2022-04", today).await),
        (
            "month".into(),
            "error.bulletin.no_colours".into(),
            Some("2022-04".into())
        )
    );
    for bad in ["2022-13", "2022/06", "六月", ""] {
        assert_eq!(
            key(bulletin::bulletin(app, &f.office, f.plan_id, bad, today).await).1,
            "error.bulletin.month_invalid"
        );
    }
    assert!(matches!(
        bulletin::bulletin(app, &f.office, 999_999, "2022-06", today).await,
        Err(AppError::NotFound)
    ));
    for who in ["firm", "cadre"] {
        let ctx = ctx_of(app, who).await;
        assert!(matches!(
            bulletin::bulletin(app, &ctx, f.plan_id, "2022-06", today).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            export::decomposition_xlsx(app, &ctx, f.plan_id).await,
            Err(AppError::Forbidden)
        ));
    }
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("a valid workbook")
}

fn text(r: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other:?}"),
    }
}

/// The RGB fill of a cell, if it has one.
fn fill(styles: &calamine::StyleRange, row: u32, col: u32) -> Option<String> {
    let f = styles.get((row, col))?.fill.as_ref()?;
    f.foreground_color
        .or(f.background_color)
        .map(|c| c.to_string())
}

#[tokio::test]
async fn the_decomposition_table_reopens_with_header_colours_and_rows() {
    let f = fixture().await;
    let app = &f.app;
    let audits = audit_event::Entity::find()
        .count(app.db.read())
        .await
        .unwrap();
    let bytes = export::decomposition_xlsx(app, &f.office, f.plan_id)
        .await
        .unwrap();
    assert_eq!(
        audit_event::Entity::find()
            .count(app.db.read())
            .await
            .unwrap(),
        audits,
        "the registry's exports are not audited, nor is this one"
    );
    let mut book = open(bytes);
    assert_eq!(book.sheet_names(), ["任务分解表"]);
    let r = book.worksheet_range("任务分解表").unwrap();
    let styles = book.worksheet_style("任务分解表").unwrap();
    assert_eq!(text(&r, 0, 0), format!("{PLAN}表"));
    let header: Vec<String> = (0..11).map(|c| text(&r, 1, c)).collect();
    let expected: Vec<&str> = DECOMPOSITION_COLUMNS.iter().map(|c| c.0).collect();
    assert_eq!(header, expected);
    assert_eq!(
        expected,
        [
            "序号",
            "工作任务",
            "牵头领导",
            "牵头单位",
            "配合单位",
            "完成时限",
            "当前状态",
            "完成进度(%)",
            "最新进展",
            "存在问题",
            "报送周期"
        ]
    );
    // The area, then the six tasks with their June colours, each cell filled in its colour.
    assert_eq!(
        (text(&r, 2, 0), text(&r, 2, 1)),
        ("一、".into(), "推动五金产业转型升级".into())
    );
    let rows: Vec<(String, String, Option<String>)> = (3..9)
        .map(|row| (text(&r, row, 0), text(&r, row, 6), fill(&styles, row, 6)))
        .collect();
    let want = [
        ("1", "绿", "#92D050"),
        ("2", "蓝", "#00B0F0"),
        ("3", "绿", "#92D050"),
        ("4", "黄", "#FFFF00"),
        ("5", "灰", "#BFBFBF"),
        ("6", "红", "#FF0000"),
    ];
    for (got, (serial, label, rgb)) in rows.iter().zip(want) {
        assert_eq!(
            (got.0.as_str(), got.1.as_str(), got.2.as_deref()),
            (serial, label, Some(rgb))
        );
    }
    // Task 1: names, co-units, deadline, latest progress and its cycle.
    assert_eq!(text(&r, 3, 2), "王市长");
    assert_eq!(text(&r, 3, 3), "市经济和信息化局");
    assert_eq!(text(&r, 3, 4), "市发展和改革局");
    assert_eq!(text(&r, 3, 5), "2022年底前");
    assert_eq!(text(&r, 3, 7), "45");
    assert_eq!(text(&r, 3, 8), "2022-06 完成 45%");
    assert_eq!(text(&r, 3, 10), "2022年6月");
    // Task 4's problem; task 6 shows May's report, June's being missing.
    assert_eq!(text(&r, 6, 9), "资金未到位");
    assert_eq!(text(&r, 8, 10), "2022年5月");

    // 古山镇's table: the area and its three tasks only.
    let town = ctx_of(app, "town").await;
    let mut book = open(
        export::decomposition_xlsx(app, &town, f.plan_id)
            .await
            .unwrap(),
    );
    let r = book.worksheet_range("任务分解表").unwrap();
    let serials: Vec<String> = (2..6).map(|row| text(&r, row, 0)).collect();
    assert_eq!(serials, ["一、", "2", "4", "5"]);
    assert_eq!(text(&r, 6, 0), "");
}

#[tokio::test]
async fn the_bulletin_workbook_has_its_three_sheets() {
    let f = fixture().await;
    let b = bulletin::bulletin(&f.app, &f.office, f.plan_id, "2022-06", d(2022, 7, 20))
        .await
        .unwrap();
    let mut book = open(export::bulletin_xlsx(&b).unwrap());
    assert_eq!(book.sheet_names(), ["概况", "红黄任务", "单位报送排名"]);

    let r = book.worksheet_range("概况").unwrap();
    let styles = book.worksheet_style("概况").unwrap();
    assert_eq!(text(&r, 0, 0), format!("{PLAN}2022年6月工作通报"));
    let colours: Vec<(String, String, String, String)> = (4..9)
        .map(|row| {
            (
                text(&r, row, 0),
                text(&r, row, 1),
                text(&r, row, 2),
                text(&r, row, 3),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str| (a.into(), b.into(), c.into(), d.into());
    assert_eq!(
        colours,
        [
            s("绿", "2", "3", "-1"),
            s("蓝", "1", "1", "0"),
            s("黄", "1", "1", "0"),
            s("红", "1", "1", "0"),
            s("灰", "1", "0", "+1"),
        ]
    );
    assert_eq!(fill(&styles, 7, 0).as_deref(), Some("#FF0000"));
    assert_eq!(
        s(&text(&r, 9, 0), &text(&r, 9, 1), &text(&r, 9, 2), ""),
        s("合计", "6", "6", "")
    );
    assert_eq!(text(&r, 12, 0), "牵头单位");
    assert_eq!(
        (13..16).map(|row| text(&r, row, 0)).collect::<Vec<_>>(),
        ["市经济和信息化局", "市发展和改革局", "古山镇"]
    );
    assert_eq!(
        (13..14)
            .flat_map(|row| (1..7).map(move |c| (row, c)))
            .map(|(row, c)| text(&r, row, c))
            .collect::<Vec<_>>(),
        ["1", "0", "1", "1", "0", "3"]
    );
    assert_eq!(text(&r, 19, 2), "督办单");
    assert_eq!(text(&r, 19, 0), "6 出台工业用地提质增效意见");

    let r = book.worksheet_range("红黄任务").unwrap();
    let styles = book.worksheet_style("红黄任务").unwrap();
    assert_eq!(text(&r, 1, 0), "序号");
    assert_eq!(text(&r, 1, 11), "亮灯原因");
    assert_eq!(
        (
            text(&r, 2, 0),
            text(&r, 2, 5),
            text(&r, 2, 6),
            text(&r, 2, 7)
        ),
        ("6".into(), "红".into(), "蓝".into(), "恶化".into())
    );
    assert_eq!(fill(&styles, 2, 5).as_deref(), Some("#FF0000"));
    assert_eq!(fill(&styles, 2, 6).as_deref(), Some("#00B0F0"));
    assert!(
        text(&r, 2, 11).starts_with("超期30天"),
        "{}",
        text(&r, 2, 11)
    );
    assert_eq!(
        (text(&r, 3, 0), text(&r, 3, 5), text(&r, 3, 7)),
        ("4".into(), "黄".into(), "好转".into())
    );
    assert!(
        text(&r, 3, 11).starts_with("落后序时进度"),
        "{}",
        text(&r, 3, 11)
    );
    assert_eq!(text(&r, 4, 0), "");

    let r = book.worksheet_range("单位报送排名").unwrap();
    let rows: Vec<Vec<String>> = (2..5)
        .map(|row| (0..6).map(|c| text(&r, row, c)).collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["1", "古山镇", "2", "2", "0", "0"],
            ["2", "市经济和信息化局", "3", "1", "1", "1"],
            ["3", "市发展和改革局", "1", "0", "1", "0"],
        ]
    );
}
