//! The evaluation's runs and results over HTTP on the demo city: starting runs, the runs list
//! and run pages per role, explanations (an enterprise user reaches only their own firm), the
//! 公示 workbook, the distribution and the migration matrix, as pages and as JSON.

use std::collections::HashSet;

use serde_json::{Value, json};
use wujin_storage::entity::{app_user, evaluation_result};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wujin_testkit::{TestApp, get_json, get_text, location};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn firms_in_run(t: &TestApp, run: i64) -> HashSet<i64> {
    evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run))
        .all(t.app.db.read())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.enterprise_id)
        .collect()
}

async fn download(c: &reqwest::Client, url: String) -> (u16, String, Vec<u8>) {
    let res = c.get(url).send().await.unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, res.bytes().await.unwrap().to_vec())
}

/// (header row, data rows) of the first sheet of a workbook; the header is the row that starts
/// with 序号.
fn sheet(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let book = wujin_xlsx::read_workbook(bytes, "r.xlsx", &wujin_xlsx::Limits::default()).unwrap();
    let rows: Vec<Vec<String>> = book.sheets[0]
        .rows
        .iter()
        .map(|r| r.iter().map(|c| c.to_text()).collect())
        .collect();
    let h = rows
        .iter()
        .position(|r| r.first().map(String::as_str) == Some("序号"))
        .expect("header row");
    (rows[h].clone(), rows[h + 1..].to_vec())
}

#[tokio::test]
async fn runs_results_explanations_and_exports_over_http() {
    let t = TestApp::spawn().await;
    wujin_app::demo::fill(&t.app).await.unwrap();
    let pw = wujin_app::demo::DEMO_PASSWORD;
    let dept = t.login_with("dept", pw).await;
    let town = t.login_with("town", pw).await;
    let firm = t.login_with("firm", pw).await;
    let leader = t.login_with("leader", pw).await;
    let own = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("firm"))
        .one(t.app.db.read())
        .await
        .unwrap()
        .unwrap()
        .enterprise_id
        .unwrap();

    // Starting runs: the office only; a year without figures is a 422 naming the field.
    let start = |c: &reqwest::Client, body: Value| {
        let req = c.post(t.url("/api/v1/evaluation/runs")).json(&body);
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap())
        }
    };
    let (s, _) = start(&town, json!({"year": 2024})).await;
    assert_eq!(s, 403);
    let (s, body) = start(&dept, json!({"year": 2030})).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "year");
    let (s, r23) = start(&dept, json!({"year": 2023})).await;
    assert_eq!(s, 201, "{r23}");
    let r23 = r23["run_id"].as_i64().unwrap();
    // The page form does the same and lands on the new run.
    let res = dept
        .post(t.url("/evaluation/runs"))
        .form(&[("year", "2024"), ("scheme", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert!(
        to.starts_with("/evaluation/runs/") && to.ends_with("?started=1"),
        "{to}"
    );
    let r24: i64 = to["/evaluation/runs/".len()..to.len() - "?started=1".len()]
        .parse()
        .unwrap();
    let res = dept
        .post(t.url("/evaluation/runs"))
        .form(&[("year", "abc")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("error-year"));

    // Drafts: the office sees them and the start form; others see neither.
    let (s, html) = get_text(&dept, &t, "/evaluation").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"start-run\""));
    assert!(html.contains(&format!("/evaluation/runs/{r24}\"")));
    let (s, html) = get_text(&town, &t, "/evaluation").await;
    assert_eq!(s, 200);
    assert!(!html.contains("id=\"start-run\""));
    assert!(!html.contains(&format!("/evaluation/runs/{r23}\"")));
    assert_eq!(
        get_text(&town, &t, &format!("/evaluation/runs/{r23}"))
            .await
            .0,
        404
    );
    let (s, body) = get_json(&town, t.url(&format!("/api/v1/evaluation/runs/{r23}"))).await;
    assert_eq!((s, body["error"].as_str()), (404, Some("not_found")));
    // The enterprise user has nothing published yet.
    let (s, html) = get_text(&firm, &t, "/evaluation").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"no-published\""));

    t.sql(&format!(
        "UPDATE evaluation_run SET status = 'published' WHERE id = {r23}"
    ))
    .await
    .unwrap();

    // The enterprise user lands on their own explanation, and nobody else's.
    let res = firm.get(t.url("/evaluation")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/evaluation/runs/{r23}/firms/{own}")
    );
    let (s, html) = get_text(&firm, &t, &format!("/evaluation/runs/{r23}/firms/{own}")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("亩均税收") && html.contains(" ÷ 基准 "),
        "{html}"
    );
    assert!(html.contains("得分按四舍五入保留两位小数显示，排名与分类按未舍入的得分计算"));
    assert!(html.contains("id=\"explain-lift\""));
    let others: Vec<i64> = firms_in_run(&t, r23)
        .await
        .into_iter()
        .filter(|i| *i != own)
        .take(3)
        .collect();
    for other in &others {
        assert_eq!(
            get_text(&firm, &t, &format!("/evaluation/runs/{r23}/firms/{other}"))
                .await
                .0,
            404
        );
        let (s, _) = get_json(
            &firm,
            t.url(&format!("/api/v1/evaluation/runs/{r23}/results/{other}")),
        )
        .await;
        assert_eq!(s, 404);
    }
    let (s, e) = get_json(
        &firm,
        t.url(&format!("/api/v1/evaluation/runs/{r23}/results/{own}")),
    )
    .await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["enterprise_id"], own);
    let items = e["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for it in items {
        let line = it["line"].as_str().unwrap();
        assert!(line.starts_with(it["label"].as_str().unwrap()), "{line}");
        assert!(
            it["line_en"]
                .as_str()
                .unwrap()
                .starts_with(it["label_en"].as_str().unwrap())
        );
        if it["value"].is_number() {
            assert!(
                line.contains(" ÷ 基准 ") && it["line_en"].as_str().unwrap().contains("benchmark")
            );
        }
    }
    assert!(e["total_display"].as_str().unwrap().contains('.'));
    assert!(e["target"]["kind"].is_string() && e["target"]["text"].is_string());
    assert!(e["lifts"].is_array() && e["reasons"].is_array());
    if e["target"]["kind"] == "boundary" {
        assert_eq!(e["lifts"].as_array().unwrap().len(), items.len());
    }
    // The enterprise user's results list is their firm alone.
    let (_, p) = get_json(
        &firm,
        t.url(&format!("/api/v1/evaluation/runs/{r23}/results")),
    )
    .await;
    assert_eq!(p["total"], 1);
    assert_eq!(p["items"][0]["enterprise_id"], own);

    // A town reads its own firms: list, pages and the 公示 workbook agree.
    let (_, runs) = get_json(&town, t.url("/api/v1/evaluation/runs")).await;
    assert_eq!(runs["total"], 1);
    assert_eq!(runs["items"][0]["id"], r23);
    let (s, p) = get_json(
        &town,
        t.url(&format!(
            "/api/v1/evaluation/runs/{r23}/results?page_size=5"
        )),
    )
    .await;
    assert_eq!(s, 200);
    let in_town = p["total"].as_u64().unwrap();
    assert!(in_town > 50);
    assert_eq!(p["page_size"], 5);
    assert!(
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["town_name"] == "古山镇")
    );
    let (s, ct, bytes) = download(
        &town,
        t.url(&format!("/api/v1/evaluation/runs/{r23}/results.xlsx")),
    )
    .await;
    assert_eq!((s, ct.as_str()), (200, XLSX));
    let (header, rows) = sheet(&bytes);
    for h in [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "所属镇街",
        "行业",
        "用地面积(亩)",
        "亩均税收(万元/亩)",
        "得分",
        "排名",
        "类别",
    ] {
        assert!(header.iter().any(|c| c == h), "{h} in {header:?}");
    }
    assert_eq!(rows.len() as u64, in_town);
    let town_col = header.iter().position(|c| c == "所属镇街").unwrap();
    assert!(rows.iter().all(|r| r[town_col] == "古山镇"));
    let class_col = header.iter().position(|c| c == "类别").unwrap();
    assert!(rows.iter().all(
        |r| ["A", "B", "C", "D", "不参评"].contains(&r[class_col].as_str())
            || r[class_col].ends_with("（不定级）")
    ));
    // The page's export of a filtered view: class A only.
    let (s, ct, bytes) = download(
        &town,
        t.url(&format!("/evaluation/runs/{r23}/export.xlsx?grade=A")),
    )
    .await;
    assert_eq!((s, ct.as_str()), (200, XLSX));
    let (_, rows) = sheet(&bytes);
    let (_, a) = get_json(
        &town,
        t.url(&format!("/api/v1/evaluation/runs/{r23}/results?grade=A")),
    )
    .await;
    assert_eq!(rows.len() as u64, a["total"].as_u64().unwrap());
    assert!(rows.iter().all(|r| r[class_col] == "A"));
    let (s, body) = get_json(
        &town,
        t.url(&format!(
            "/api/v1/evaluation/runs/{r23}/results?grade=E&sort=colour"
        )),
    )
    .await;
    assert_eq!(s, 422, "{body}");

    // The pages of the run.
    let (s, html) = get_text(
        &town,
        &t,
        &format!("/evaluation/runs/{r23}?grade=B&sort=rank"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"results-table\"")
            && html.contains(&format!("/evaluation/runs/{r23}/publication"))
    );
    assert!(html.contains(&format!("/evaluation/measures?run={r23}")));
    let (s, html) = get_text(&dept, &t, &format!("/evaluation/runs/{r24}?started=1")).await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"run-started\""));
    let (s, html) = get_text(&leader, &t, &format!("/evaluation/runs/{r23}/distribution")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("<svg")
            && html.contains("dist-town-table")
            && html.contains("dist-group-table")
    );
    let (s, d) = get_json(
        &town,
        t.url(&format!("/api/v1/evaluation/runs/{r23}/distribution")),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(d["by_town"].as_array().unwrap().len(), 1);
    assert_eq!(
        d["total"]["graded"].as_u64().unwrap() + d["total"]["listed_only"].as_u64().unwrap(),
        in_town
    );
    let (s, ct, _) = download(
        &leader,
        t.url(&format!("/evaluation/runs/{r23}/distribution/export.xlsx")),
    )
    .await;
    assert_eq!((s, ct.as_str()), (200, XLSX));

    // Migration: without a second published run there is no default pair.
    let (s, html) = get_text(&leader, &t, "/evaluation/migration").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"migration-none\""));
    assert_eq!(
        get_json(&leader, t.url("/api/v1/evaluation/migration"))
            .await
            .0,
        404
    );
    t.sql(&format!(
        "UPDATE evaluation_run SET status = 'published' WHERE id = {r24}"
    ))
    .await
    .unwrap();
    let (s, m) = get_json(&leader, t.url("/api/v1/evaluation/migration")).await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(
        (m["from"]["id"].as_i64(), m["to"]["id"].as_i64()),
        (Some(r23), Some(r24))
    );
    let union: HashSet<i64> = firms_in_run(&t, r23)
        .await
        .union(&firms_in_run(&t, r24).await)
        .copied()
        .collect();
    let sum: u64 = m["cells"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(sum, union.len() as u64);
    assert_eq!(m["total"].as_u64().unwrap(), sum);
    let a_to_b = m["cells"][0][1].as_u64().unwrap();
    let (s, cell) = get_json(
        &leader,
        t.url(&format!(
            "/api/v1/evaluation/migration?from={r23}&to={r24}&from_grade=A&to_grade=B&page_size=3"
        )),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(cell["firms"]["total"].as_u64().unwrap(), a_to_b);
    let (s, html) = get_text(
        &leader,
        &t,
        &format!("/evaluation/migration?from={r23}&to={r24}&from_grade=A&to_grade=B"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"migration-table\"") && html.contains("id=\"migration-firms\""));
    // A town's matrix counts its firms only.
    let (_, mt) = get_json(
        &town,
        t.url(&format!("/api/v1/evaluation/migration?from={r23}&to={r24}")),
    )
    .await;
    assert!(mt["total"].as_u64().unwrap() < sum);
    assert!(mt["total"].as_u64().unwrap() >= in_town);
}
