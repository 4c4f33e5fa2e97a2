//! A small plan shared by the supervision tests: one area, a task led by 经信局 (co-unit
//! 发改局) and one led by 古山镇, both with the demo leader `leader`.

use chrono::Datelike;
use wujin_app::supervision::plans::{self, NewPlan};
use wujin_app::supervision::tasks::{self, NewTask};
use wujin_testkit::{TestApp, ctx_of};

pub struct Fixture {
    pub plan: i64,
    /// Led by 经信局 (co-unit 发改局), leader `leader`.
    pub jxj_task: i64,
    /// Led by 古山镇.
    pub town_task: i64,
    pub area: i64,
}

pub async fn fixture(t: &TestApp) -> Fixture {
    let office = ctx_of(&t.app, "dcs_jin").await;
    let leader = ctx_of(&t.app, "leader").await;
    let year = wujin_app::china_today().year();
    let p = plans::create(
        &t.app,
        &office,
        NewPlan {
            name: format!("{year}年政府工作报告重点工作任务分解"),
            year,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let area = tasks::add(
        &t.app,
        &office,
        NewTask {
            plan_id: p.id,
            serial: "一".into(),
            content: "推动五金产业转型升级".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let task = |serial: &str, content: &str, lead: i64, co: Vec<i64>, deadline: &str| NewTask {
        plan_id: p.id,
        parent_id: Some(area.id),
        serial: serial.into(),
        content: content.into(),
        lead_leader_id: leader.actor.id,
        lead_unit_id: Some(lead),
        co_unit_ids: co,
        deadline_text: Some(deadline.into()),
        ..Default::default()
    };
    let jxj = t.unit("jxj").await;
    let fgj = t.unit("fgj").await;
    let gushan = t.unit("gushan").await;
    let a = tasks::add(
        &t.app,
        &office,
        task("1", "规上工业增加值增长8%", jxj, vec![fgj], "年底前"),
    )
    .await
    .unwrap();
    let b = tasks::add(
        &t.app,
        &office,
        task("2", "整治提升低散乱污企业", gushan, vec![], "每季度"),
    )
    .await
    .unwrap();
    Fixture {
        plan: p.id,
        jxj_task: a.id,
        town_task: b.id,
        area: area.id,
    }
}
