//! Evaluation schemes and class measures through the pages and the JSON API on the demo city:
//! the office creates, edits (a real form, errors inline with 422, benchmarks filled from a
//! year's averages), imports, exports and copies schemes; other roles read them and are
//! refused changes (403); a frozen scheme answers 409 and its page says to copy it. Class
//! measures of a run by page, API and xlsx, within each caller's scope (drafts 404 for towns).

use serde_json::{Value, json};
use wujin_app::Ctx;
use wujin_app::demo::DEMO_PASSWORD;
use wujin_storage::entity::evaluation_run;
use wujin_storage::sea_orm::sea_query::Expr;
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wujin_testkit::{TestApp, field_names, get_json, get_text, location};

const BOUNDARY: &str = "----wujin-scheme-boundary";

fn multipart(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The fields a browser would post from the form `id` of `html`: inputs (ticked checkboxes
/// only, no buttons or files) and the selected option of each select.
fn form_fields(html: &str, id: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no form {id}"));
    let end = html[start..].find("</form>").unwrap() + start;
    let form = &html[start..end];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let close = rest.find('>').unwrap();
        let tag = &rest[..close];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
            if let Some(name) = attr(tag, "name")
                && kind != "file"
                && (kind != "checkbox" || tag.contains(" checked"))
            {
                out.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let end = rest.find("</select>").unwrap();
            let body = &rest[..end];
            let selected = body
                .split("<option")
                .skip(1)
                .find(|o| o.contains(" selected"))
                .and_then(|o| attr(&format!(" {o}"), "value"))
                .unwrap_or_default();
            out.push((name, selected));
            rest = &rest[end..];
            continue;
        }
        rest = &rest[close..];
    }
    out
}

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    let f = fields
        .iter_mut()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    f.1 = value.to_string();
}

async fn publish(t: &TestApp, run: i64) {
    evaluation_run::Entity::update_many()
        .col_expr(evaluation_run::Column::Status, Expr::value("published"))
        .filter(evaluation_run::Column::Id.eq(run))
        .exec(t.app.db.write())
        .await
        .unwrap();
}

#[tokio::test]
async fn schemes_and_class_measures_through_pages_and_api() {
    let t = TestApp::spawn().await;
    wujin_app::demo::fill(&t.app).await.unwrap();
    let office = t.login_with("dept", DEMO_PASSWORD).await;
    let town = t.login_with("town", DEMO_PASSWORD).await;
    let firm = t.login_with("firm", DEMO_PASSWORD).await;

    // ---- API: create, read, replace, TOML, copy, benchmarks ----
    let res = office
        .post(t.url("/api/v1/evaluation/schemes"))
        .json(&json!({"year": 2024, "name": "网页方案"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["locked"], false);
    assert_eq!(created["scheme"]["adjustments"]["bonus_cap"], 10.0);
    let res = town
        .post(t.url("/api/v1/evaluation/schemes"))
        .json(&json!({"year": 2024}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "towns do not create schemes");

    let (status, list) = get_json(&town, t.url("/api/v1/evaluation/schemes")).await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["page_size"], 20);
    assert_eq!(list["items"][0]["name"], "网页方案");
    let (status, one) = get_json(&firm, t.url(&format!("/api/v1/evaluation/schemes/{id}"))).await;
    assert_eq!(status, 200, "every reader of the evaluation reads schemes");
    let (status, _) = get_json(&town, t.url("/api/v1/evaluation/schemes/999999")).await;
    assert_eq!(status, 404);

    let mut scheme = one["scheme"].clone();
    scheme["publicity_days"] = json!(9);
    let put = |c: &reqwest::Client, body: Value| {
        c.put(t.url(&format!("/api/v1/evaluation/schemes/{id}")))
            .json(&body)
            .send()
    };
    assert_eq!(
        put(&town, json!({"scheme": scheme}))
            .await
            .unwrap()
            .status(),
        403
    );
    let res = put(&office, json!({"scheme": scheme})).await.unwrap();
    assert_eq!(res.status(), 200);
    let mut bad = scheme.clone();
    bad["publicity_days"] = json!(0);
    bad["above"]["items"][0]["benchmark"] = json!(-1);
    let res = put(&office, json!({"scheme": bad})).await.unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        field_names(&body),
        ["above.items.0.benchmark", "publicity_days"]
    );
    let res = put(&office, json!({"scheme": {"name": "缺字段"}}))
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_names(&res.json().await.unwrap()), ["scheme"]);

    let res = town
        .get(t.url(&format!("/api/v1/evaluation/schemes/{id}/toml")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/toml")
    );
    let toml = res.text().await.unwrap();
    assert!(toml.contains("publicity_days = 9"), "{toml}");
    let import = |c: &reqwest::Client, q: &str, body: String| {
        c.post(t.url(&format!("/api/v1/evaluation/schemes/import{q}")))
            .header("content-type", "application/toml")
            .body(body)
            .send()
    };
    let res = import(
        &office,
        "",
        toml.replacen("name = \"网页方案\"", "name = \"导入方案\"", 1),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let imported: Value = res.json().await.unwrap();
    assert_eq!(imported["scheme"]["publicity_days"], 9);
    let res = import(&office, "", "name = [".into()).await.unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(field_names(&body), ["toml"]);
    assert_eq!(body["fields"][0]["code"], "error.scheme.syntax");
    assert_eq!(import(&town, "", toml.clone()).await.unwrap().status(), 403);

    let res = office
        .post(t.url(&format!("/api/v1/evaluation/schemes/{id}/copy")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let copy: Value = res.json().await.unwrap();
    assert_eq!(copy["name"], "网页方案（副本）");
    let res = office
        .post(t.url(&format!("/api/v1/evaluation/schemes/{id}/benchmarks")))
        .json(&json!({"year": 2023}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let b: Value = res.json().await.unwrap();
    assert_eq!(b["changes"].as_array().unwrap().len(), 8);
    assert_eq!(b["changes"][0]["scale"], "above");
    assert_eq!(
        b["scheme"]["scheme"]["above"]["items"][0]["benchmark"],
        b["changes"][0]["county"]
    );

    // ---- pages: list, read view, edit form ----
    let (status, html) = get_text(&town, &t, "/evaluation/schemes").await;
    assert_eq!(status, 200);
    assert!(html.contains("网页方案") && html.contains("导入方案"));
    assert!(!html.contains("id=\"new-scheme\""), "towns get no forms");
    assert!(!html.contains('⟦'), "untranslated key");
    let (_, html) = get_text(&office, &t, "/evaluation/schemes").await;
    assert!(html.contains("id=\"new-scheme\"") && html.contains("id=\"import-scheme\""));
    let (status, html) = get_text(&town, &t, &format!("/evaluation/schemes/{id}")).await;
    assert_eq!(status, 200);
    for text in [
        "加减分项",
        "未来工厂",
        "差别化措施费率",
        "公示天数",
        "权重的 2 倍",
    ] {
        assert!(html.contains(text), "{text}");
    }
    assert!(!html.contains('⟦'), "untranslated key");
    let (status, _) = get_text(&town, &t, &format!("/evaluation/schemes/{id}/edit")).await;
    assert_eq!(status, 403);
    let (status, html) = get_text(&office, &t, &format!("/evaluation/schemes/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(!html.contains('⟦'), "untranslated key");
    let mut fields = form_fields(&html, "scheme-form");
    assert!(fields.iter().any(|(k, _)| k == "adjustments.items.2.tag"));
    set(&mut fields, "publicity_days", "12");
    set(&mut fields, "adjustments.bonus_cap", "6");
    let post = |c: &reqwest::Client, f: Vec<(String, String)>| {
        c.post(t.url(&format!("/evaluation/schemes/{id}")))
            .form(&f)
            .send()
    };
    let res = post(&office, fields.clone()).await.unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    assert_eq!(
        location(&res),
        format!("/evaluation/schemes/{id}?done=saved")
    );
    let (_, saved) = get_json(&town, t.url(&format!("/api/v1/evaluation/schemes/{id}"))).await;
    assert_eq!(saved["scheme"]["publicity_days"], 12);
    assert_eq!(saved["scheme"]["adjustments"]["bonus_cap"], 6.0);
    assert_eq!(
        saved["scheme"]["above"]["items"].as_array().unwrap().len(),
        6
    );
    // Errors inline, 422, nothing saved.
    let mut wrong = fields.clone();
    set(&mut wrong, "above.items.1.weight", "二十");
    set(&mut wrong, "cuts.a", "150");
    set(&mut wrong, "measures.water_surcharge.3", "-1");
    let res = post(&office, wrong).await.unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("请输入数字"), "number error shown");
    assert!(
        html.contains("请输入 0 到 100 之间的百分比"),
        "percent error shown"
    );
    assert!(
        html.contains("费率、门槛和封顶分值不能为负数"),
        "domain error shown"
    );
    assert!(html.contains("value=\"二十\""), "typed value kept");
    // Benchmarks filled from a year's averages, shown unsaved.
    let mut fill = fields.clone();
    fill.push(("intent".into(), "benchmarks".into()));
    set(&mut fill, "benchmark_year", "2022");
    let res = post(&office, fill).await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("已按 2022 年度全县平均值填入基准值"),
        "notice"
    );
    let filled = form_fields(&html, "scheme-form");
    let bench = |f: &[(String, String)]| {
        f.iter()
            .find(|(k, _)| k == "above.items.0.benchmark")
            .unwrap()
            .1
            .clone()
    };
    assert_ne!(bench(&filled), bench(&fields));
    let mut fill = fields.clone();
    fill.push(("intent".into(), "benchmarks".into()));
    set(&mut fill, "benchmark_year", "2035");
    assert_eq!(post(&office, fill).await.unwrap().status(), 422);
    assert_eq!(post(&town, fields.clone()).await.unwrap().status(), 403);

    // The page's TOML download and import (paste), a copy from the list.
    let res = office
        .get(t.url(&format!("/evaluation/schemes/{id}/scheme.toml")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(text.contains("publicity_days = 12"));
    let upload = |c: &reqwest::Client, f: &[(&str, &str)]| {
        c.post(t.url("/evaluation/schemes/import"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(f))
            .send()
    };
    let pasted = text.replacen("name = \"网页方案\"", "name = \"粘贴方案\"", 1);
    let res = upload(&office, &[("text", &pasted), ("replace", "")])
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(location(&res).ends_with("?done=imported"));
    let res = upload(&office, &[("text", "year = \"x\""), ("replace", "")])
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("评价方案格式有误"));
    let res = office
        .post(t.url(&format!("/evaluation/schemes/{id}/copy")))
        .form(&[("name", "页面副本")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(location(&res).ends_with("/edit?done=copied"));

    // ---- a published run freezes its scheme ----
    let cli = Ctx::cli();
    let run = wujin_app::evaluation::run(&t.app, &cli, 2024, Some("网页方案"))
        .await
        .unwrap();
    publish(&t, run.run_id).await;
    let res = put(&office, json!({"scheme": saved["scheme"]}))
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "conflict");
    assert!(body["message_zh"].as_str().unwrap().contains("请复制"));
    let res = office
        .get(t.url(&format!("/evaluation/schemes/{id}/edit")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        303,
        "a frozen scheme's form leads to its page"
    );
    let (_, html) = get_text(&office, &t, &format!("/evaluation/schemes/{id}")).await;
    assert!(html.contains("id=\"frozen\"") && html.contains("请复制该方案"));
    assert_eq!(post(&office, fields.clone()).await.unwrap().status(), 409);

    // ---- class measures ----
    let draft = wujin_app::evaluation::run(&t.app, &cli, 2023, None)
        .await
        .unwrap();
    let url = format!("/api/v1/evaluation/runs/{}/measures", run.run_id);
    let (status, all) = get_json(&office, t.url(&format!("{url}?page_size=200"))).await;
    assert_eq!(status, 200);
    let total = all["total"].as_u64().unwrap();
    assert!(total > 100);
    assert_eq!(all["page_size"], 200);
    assert_eq!(all["totals"]["all"]["firms"].as_u64(), Some(total));
    assert_eq!(all["run"]["scheme_name"], "网页方案");
    assert_eq!(all["totals"]["by_class"].as_array().unwrap().len(), 4);
    let (status, mine) = get_json(&town, t.url(&url)).await;
    assert_eq!(status, 200);
    let mine_total = mine["total"].as_u64().unwrap();
    assert!(mine_total > 0 && mine_total < total);
    let town_id = mine["items"][0]["town_id"].clone();
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["town_id"] == town_id)
    );
    let (status, own) = get_json(&firm, t.url(&url)).await;
    assert_eq!(status, 200);
    assert!(
        own["total"].as_u64().unwrap() <= 1,
        "a firm sees itself only"
    );
    let (status, d) = get_json(
        &office,
        t.url(&format!("{url}?grade=D&kind=power_surcharge")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        d["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["grade"] == "D" && f["power_yuan"].as_f64().unwrap() > 0.0)
    );
    let (status, body) = get_json(&office, t.url(&format!("{url}?kind=gas"))).await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["kind"]);
    let draft_url = format!("/api/v1/evaluation/runs/{}/measures", draft.run_id);
    assert_eq!(get_json(&town, t.url(&draft_url)).await.0, 404);
    assert_eq!(get_json(&office, t.url(&draft_url)).await.0, 200);
    let res = town
        .get(t.url(&format!("{url}.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );

    // The page opens on the latest run that is not a draft.
    let (status, html) = get_text(&town, &t, "/evaluation/measures").await;
    assert_eq!(status, 200);
    assert!(html.contains("按类别汇总") && html.contains("按镇街汇总"));
    assert!(html.contains(&format!("value=\"{}\" selected", run.run_id)));
    assert!(!html.contains('⟦'), "untranslated key");
    let (status, html) = get_text(
        &office,
        &t,
        &format!(
            "/evaluation/measures?run={}&grade=C&per_page=50",
            run.run_id
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("差别化水价"));
    let (status, _) = get_text(
        &town,
        &t,
        &format!("/evaluation/measures?run={}", draft.run_id),
    )
    .await;
    assert_eq!(status, 404);
    let res = office
        .get(t.url(&format!(
            "/evaluation/measures/export.xlsx?run={}&grade=A",
            run.run_id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));

    // The API document lists the new calls.
    let (_, doc) = get_json(&office, t.url("/api/v1/openapi.json")).await;
    for path in [
        "/api/v1/evaluation/schemes",
        "/api/v1/evaluation/schemes/{id}",
        "/api/v1/evaluation/schemes/{id}/copy",
        "/api/v1/evaluation/schemes/{id}/toml",
        "/api/v1/evaluation/schemes/import",
        "/api/v1/evaluation/schemes/{id}/benchmarks",
        "/api/v1/evaluation/runs/{id}/measures",
        "/api/v1/evaluation/runs/{id}/measures.xlsx",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}
