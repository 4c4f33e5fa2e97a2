//! What the decomposition-import tests share: a database with the office, a unit's staff and
//! two leaders; the table as an office types it; the check of what a commit wrote.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};
use wujin_app::supervision::plans::{self, NewPlan};
use wujin_app::users::UserInput;
use wujin_app::{App, AppConfig, Ctx};
use wujin_domain::supervision::deadline::Recurrence;
use wujin_storage::entity::{supervision_task, task_co_unit};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use wujin_testkit::{TestDb, create_leaders, ctx_of, unit_id};

pub const DATA_BUREAU: &str = "市大数据发展管理局";
pub const DIGITAL_CENTRE: &str = "市数字经济发展中心";

pub async fn setup() -> (TestDb, App, i64) {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    let cli = Ctx::cli();
    wujin_app::seed::seed_reference_data(&app, &cli)
        .await
        .unwrap();
    for (username, name, role, unit) in [
        ("dcs_jin", "金晓东", "department", "dcs"),
        ("dept", "李经信", "department", "jxj"),
    ] {
        let input = UserInput {
            username: username.into(),
            display_name: name.into(),
            role: role.into(),
            department_id: Some(unit_id(&app, unit).await),
            ..Default::default()
        };
        wujin_app::users::create(&app, &cli, &input, "password-123")
            .await
            .unwrap();
    }
    create_leaders(&app).await;
    let office = ctx_of(&app, "dcs_jin").await;
    let plan = plans::create(
        &app,
        &office,
        NewPlan {
            name: "2022年政府工作报告重点工作任务分解".into(),
            year: 2022,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    (t, app, plan.id)
}

/// The table as a person typed it in WPS. `last_deadline` is the 完成时限 of the last row.
pub fn table(last_deadline: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let plain = Format::new();
    let title = "2022年政府工作报告重点工作任务分解表";
    ws.merge_range(0, 0, 0, 8, title, &plain).unwrap();
    ws.write_string(1, 0, "填报单位：市政府督查室").unwrap();
    ws.write_string(1, 5, "日期：2022年2月").unwrap();
    let header = [
        "完成时限",
        "领域",
        "序号",
        "任务内容",
        "牵头市领导",
        "责任单位",
        "协同单位",
        "量化指标",
        "备注",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    // (完成时限, 序号, 任务内容, 牵头市领导, 责任单位, 协同单位, 量化指标) from row 4 (index 3).
    let rows: [(&str, &str, &str, &str, &str, &str, &str); 10] = [
        (
            "2022年6月底",
            "1",
            "规上工业增加值增长8%",
            "",
            "市经信局",
            "市发改局、市统计局",
            "规上工业增加值增长8%",
        ),
        (
            "6月底前",
            "2",
            "新增规上工业企业",
            "",
            "市经信局",
            "市财政局\n市税务局",
            "新增规上企业100家以上",
        ),
        (
            "年底前",
            "（1）",
            "古山镇新增规上企业20家",
            "",
            "古山镇",
            DATA_BUREAU,
            "",
        ),
        (
            "2022-09-30",
            "3",
            "完成工业投资",
            "",
            "市发改局",
            "市经信局",
            "",
        ),
        (
            "三季度",
            "4",
            "推进数字化改造",
            "",
            "市经信局",
            DIGITAL_CENTRE,
            "",
        ),
        (
            "上半年",
            "5",
            "培育专精特新企业",
            "李副市长、王市长",
            "市经信局、市发改局",
            "市市场监管局",
            "",
        ),
        (
            "每季度",
            "6",
            "稳定和扩大就业",
            "",
            "市人力社保局",
            "市财政局",
            "",
        ),
        (
            "长期坚持",
            "7",
            "深化最多跑一次改革",
            "",
            "市发改局",
            "/",
            "争创省级示范",
        ),
        (
            "持续推进",
            "8",
            "推进城市更新",
            "",
            "东城街道",
            DATA_BUREAU,
            "",
        ),
        (
            last_deadline,
            "9",
            "严控一般性支出",
            "",
            "市财政局",
            "无",
            "",
        ),
    ];
    for (i, (deadline, serial, content, leader, lead, co, target)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        for (c, v) in [
            (0, deadline),
            (2, serial),
            (3, content),
            (4, leader),
            (5, lead),
            (6, co),
            (7, target),
        ] {
            if !v.is_empty() {
                ws.write_string(r, c, *v).unwrap();
            }
        }
    }
    // The leader merged down five rows, the next leader over two; the areas merged down.
    ws.merge_range(3, 4, 7, 4, "王市长", &plain).unwrap();
    ws.merge_range(9, 4, 10, 4, "李副市长", &plain).unwrap();
    ws.merge_range(3, 1, 8, 1, "一、工业经济", &plain).unwrap();
    ws.merge_range(9, 1, 12, 1, "二、民生保障", &plain).unwrap();
    book.save_to_buffer().unwrap()
}

/// The tasks as the import wrote them: levels and parents, leaders, units and deadlines.
pub async fn check_written(app: &App, plan_id: i64, created_unit: i64) {
    let db = app.db.read();
    let tasks = supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(plan_id))
        .order_by_asc(supervision_task::Column::SortOrder)
        .all(db)
        .await
        .unwrap();
    let by_serial = |s: &str| tasks.iter().find(|t| t.serial == s).unwrap();
    let co_of = |id: i64| async move {
        let mut v: Vec<i64> = task_co_unit::Entity::find()
            .filter(task_co_unit::Column::TaskId.eq(id))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.unit_id)
            .collect();
        v.sort_unstable();
        v
    };
    let (wang, li) = (
        ctx_of(app, "leader").await.actor.id,
        ctx_of(app, "leader_li").await.actor.id,
    );
    let u = |c: &'static str| unit_id(app, c);
    let (jxj, fgj, tjj, gushan) = (
        u("jxj").await,
        u("fgj").await,
        u("tjj").await,
        u("gushan").await,
    );

    let outline: Vec<(i32, &str, &str)> = tasks
        .iter()
        .map(|t| (t.level, t.serial.as_str(), t.content.as_str()))
        .collect();
    assert_eq!(outline[0], (0, "一、", "工业经济"));
    assert_eq!(outline[3], (2, "（1）", "古山镇新增规上企业20家"));
    assert_eq!(outline[7], (0, "二、", "民生保障"));
    assert_eq!(tasks.len(), 12);
    let area1 = tasks[0].id;
    let t1 = by_serial("1");
    assert_eq!((t1.level, t1.parent_id), (1, Some(area1)));
    assert_eq!((t1.lead_leader_id, t1.lead_unit_id), (wang, Some(jxj)));
    let mut expected = vec![fgj, tjj];
    expected.sort_unstable();
    assert_eq!(co_of(t1.id).await, expected);
    assert_eq!(t1.deadline_on, NaiveDate::from_ymd_opt(2022, 6, 30));
    assert_eq!(
        (t1.metric.as_deref(), t1.target, t1.target_unit.as_deref()),
        (Some("规上工业增加值增长"), Some(8.0), Some("%"))
    );
    let sub = by_serial("（1）");
    assert_eq!(sub.parent_id, Some(by_serial("2").id));
    assert_eq!((sub.lead_leader_id, sub.lead_unit_id), (wang, Some(gushan)));
    assert_eq!(co_of(sub.id).await, [jxj], "mapped to the unit chosen");
    assert_eq!(sub.deadline_on, NaiveDate::from_ymd_opt(2022, 12, 31));
    assert_eq!(co_of(by_serial("4").id).await, [created_unit]);
    // Two leaders and two lead units: the first of each leads, the second unit co-operates.
    let t5 = by_serial("5");
    assert_eq!((t5.lead_leader_id, t5.lead_unit_id), (li, Some(jxj)));
    assert!(co_of(t5.id).await.contains(&fgj));
    assert_eq!(by_serial("6").parent_id, Some(tasks[7].id));
    let date = |s: &str| by_serial(s).deadline_on;
    assert_eq!(date("3"), NaiveDate::from_ymd_opt(2022, 9, 30));
    assert_eq!(date("4"), NaiveDate::from_ymd_opt(2022, 9, 30));
    assert_eq!(date("5"), NaiveDate::from_ymd_opt(2022, 6, 30));
    assert_eq!(date("9"), NaiveDate::from_ymd_opt(2022, 12, 31));
    let quarterly = serde_json::to_value(Recurrence::Quarterly).unwrap();
    assert_eq!(by_serial("6").recurrence.as_deref(), quarterly.as_str());
    assert!(by_serial("7").ongoing && by_serial("8").ongoing);
    assert_eq!(by_serial("7").deadline_text.as_deref(), Some("长期坚持"));
    // A 量化指标 without a value is kept in the content; "/" and "无" name no unit.
    let t7 = by_serial("7");
    assert_eq!(t7.content, "深化最多跑一次改革（量化指标：争创省级示范）");
    assert_eq!(t7.metric, None);
    assert!(co_of(t7.id).await.is_empty());
    assert!(co_of(by_serial("9").id).await.is_empty());
    // The leader merged over two rows of the second area.
    assert_eq!(by_serial("6").lead_leader_id, li);
    assert_eq!(by_serial("7").lead_leader_id, li);
    assert_eq!(by_serial("8").lead_leader_id, None);
}
