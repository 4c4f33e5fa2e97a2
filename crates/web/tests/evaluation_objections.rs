//! Publication and objections over HTTP on the demo city: the office recomputes and publishes
//! a run, the firm and the town object (pages and API, with a file), the cadre and the
//! leader may not, the office rejects one and accepts one after correcting the data, the
//! difference shows the firm's class change, and the run is finalised after publicity.

use std::collections::BTreeMap;

use serde_json::Value;
use wujin_app::Ctx;
use wujin_app::demo::DEMO_PASSWORD;
use wujin_domain::enterprise::FigureSource;
use wujin_storage::entity::{app_user, enterprise, evaluation_result, evaluation_run};
use wujin_storage::sea_orm::sea_query::{Expr, Query};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wujin_testkit::{TestApp, field_names, get_json, get_text, location, post_multipart};

async fn post_json(c: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let res = c.post(url).json(&body).send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn no_missing_keys(body: &str) {
    assert!(!body.contains('⟦'), "untranslated key in {body}");
}

#[tokio::test]
async fn the_objection_flow_over_http_respects_roles_and_scope() {
    let t = TestApp::spawn().await;
    wujin_app::demo::fill(&t.app).await.unwrap();
    let login = |name: &'static str| t.login_with(name, DEMO_PASSWORD);
    let office = login("dept").await;
    let town = login("town").await;
    let firm = login("firm").await;
    let cadre = login("cadre").await;
    let leader = login("leader").await;
    let own = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("firm"))
        .one(t.app.db.read())
        .await
        .unwrap()
        .unwrap()
        .enterprise_id
        .unwrap();
    let run = wujin_app::evaluation::run(&t.app, &Ctx::cli(), 2024, None)
        .await
        .unwrap()
        .run_id;
    let gushan = t.unit("gushan").await;
    let neighbour = enterprise::Entity::find()
        .filter(enterprise::Column::TownId.eq(gushan))
        .filter(enterprise::Column::Id.ne(own))
        .filter(
            enterprise::Column::Id.in_subquery(
                Query::select()
                    .column(evaluation_result::Column::EnterpriseId)
                    .from(evaluation_result::Entity)
                    .and_where(evaluation_result::Column::RunId.eq(run))
                    .to_owned(),
            ),
        )
        .one(t.app.db.read())
        .await
        .unwrap()
        .unwrap()
        .id;

    // The draft: the office sees it and may recompute it; others do not see it.
    let page = format!("/evaluation/runs/{run}/publication");
    let (status, body) = get_text(&office, &t, &page).await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(
        body.contains(&format!("/evaluation/runs/{run}/publish")),
        "{body}"
    );
    assert!(body.contains("data-confirm"), "publishing asks first");
    assert_eq!(get_text(&firm, &t, &page).await.0, 404);
    let res = town
        .post(t.url(&format!("/evaluation/runs/{run}/recompute")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = office
        .post(t.url(&format!("/evaluation/runs/{run}/recompute")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{page}?done=recomputed"));

    // Publishing over the API: the office only; a second run of the year is then refused,
    // naming the published one.
    let publish = |id: i64| t.url(&format!("/api/v1/evaluation/runs/{id}/publish"));
    assert_eq!(post_json(&firm, publish(run), Value::Null).await.0, 403);
    let (status, body) = post_json(&office, publish(run), Value::Null).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "published");
    assert_eq!(body["scheme_frozen"], true);
    assert!(body["publicity_ends_at"].is_string());
    let other = wujin_app::evaluation::run(&t.app, &Ctx::cli(), 2024, None)
        .await
        .unwrap()
        .run_id;
    let (status, body) = post_json(&office, publish(other), Value::Null).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["blocking_run_id"], run);
    assert_eq!(
        body["fields"][0]["code"],
        "error.publication.year_published"
    );
    let res = office
        .post(t.url(&format!("/evaluation/runs/{other}/publish")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body = res.text().await.unwrap();
    assert!(body.contains("该年度已有另一次评价运行正在公示"), "{body}");

    // The firm objects through the page, with a file; its explanation offers the same form.
    let (status, body) = get_text(&firm, &t, &page).await;
    assert_eq!(status, 200);
    assert!(body.contains("id=\"file-objection\""), "{body}");
    let explanation = format!("/evaluation/runs/{run}/firms/{own}");
    let (status, body) = get_text(&firm, &t, &explanation).await;
    assert_eq!(status, 200);
    assert!(
        body.contains(&format!(
            "id=\"file-objection\" href=\"/evaluation/objections/new?run={run}&#38;enterprise={own}\""
        )),
        "{body}"
    );
    let (status, body) =
        get_text(&firm, &t, &format!("/evaluation/objections/new?run={run}")).await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(
        body.contains(&format!("name=\"enterprise_id\" value=\"{own}\"")),
        "{body}"
    );
    let pdf: &[u8] = b"%PDF-1.4 objection evidence";
    let run_s = run.to_string();
    let own_s = own.to_string();
    let fields = [
        ("run_id", run_s.as_str()),
        ("enterprise_id", own_s.as_str()),
        ("reason", "用地面积统计有误\n请核实"),
    ];
    let res = post_multipart(
        &firm,
        t.url("/evaluation/objections"),
        &fields,
        &[("用地证明.pdf", pdf)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let detail = location(&res);
    assert!(detail.ends_with("?done=filed"), "{detail}");
    let mine: i64 = detail
        .trim_start_matches("/evaluation/objections/")
        .trim_end_matches("?done=filed")
        .parse()
        .unwrap();
    let (status, body) = get_text(&firm, &t, &detail).await;
    assert_eq!(status, 200);
    // While it waits, the explanation no longer offers a second one.
    let (_, explained) = get_text(&firm, &t, &explanation).await;
    assert!(!explained.contains("id=\"file-objection\""), "{explained}");
    no_missing_keys(&body);
    assert!(body.contains("用地面积统计有误<br>请核实"), "{body}");
    assert!(
        !body.contains("id=\"objection-decide\""),
        "the firm does not decide"
    );
    let file = format!("/evaluation/objections/{mine}/attachments/");
    let at = body.find(&file).expect("file link") + file.len();
    let file_id: String = body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let res = firm
        .get(t.url(&format!("{file}{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf);
    // A second pending objection for the same firm and run: 409 on the page.
    let res = post_multipart(&firm, t.url("/evaluation/objections"), &fields, &[]).await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("已有一条待处理的异议"));

    // Over the API: the cadre and the leader may not file; a firm outside the scope is 404;
    // the town files for a firm of its town; a missing reason names the field.
    let api = t.url("/api/v1/evaluation/objections");
    let neighbour_s = neighbour.to_string();
    let for_neighbour = |reason: &str| {
        vec![
            ("run_id", run_s.clone()),
            ("enterprise_id", neighbour_s.clone()),
            ("reason", reason.to_string()),
        ]
    };
    let send = |c: &reqwest::Client, fields: Vec<(&'static str, String)>| {
        let (c, api) = (c.clone(), api.clone());
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            Ok::<_, std::convert::Infallible>(post_multipart(&c, api, &fields, &[]).await)
        }
    };
    for c in [&cadre, &leader] {
        let res = send(c, for_neighbour("无权提出")).await.unwrap();
        assert_eq!(res.status(), 403);
    }
    let res = send(&firm, for_neighbour("别家企业")).await.unwrap();
    assert_eq!(res.status(), 404);
    let res = send(&town, for_neighbour(" ")).await.unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_names(&res.json().await.unwrap()), vec!["reason"]);
    let res = send(&town, vec![("reason", "缺少运行".to_string())])
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(
        field_names(&res.json().await.unwrap()),
        vec!["run_id", "enterprise_id"]
    );
    let res = send(&town, for_neighbour("企业已入园")).await.unwrap();
    assert_eq!(res.status(), 201);
    let by_town: Value = res.json().await.unwrap();
    assert_eq!(by_town["filed_as"], "town");
    let by_town = by_town["id"].as_i64().unwrap();

    // Lists within scope.
    let total = |c: &reqwest::Client, q: &str| {
        let url = t.url(&format!("/api/v1/evaluation/objections{q}"));
        let c = c.clone();
        async move {
            let (status, body) = get_json(&c, url).await;
            assert_eq!(status, 200, "{body}");
            body["total"].as_u64().unwrap()
        }
    };
    assert_eq!(total(&office, "").await, 2);
    assert_eq!(total(&town, "").await, 2);
    assert_eq!(total(&firm, "").await, 1);
    assert_eq!(total(&office, "?status=pending&year=2024").await, 2);
    assert_eq!(total(&office, "?status=rejected").await, 0);
    let (status, _) = get_json(
        &firm,
        t.url(&format!("/api/v1/evaluation/objections/{by_town}")),
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = get_text(&town, &t, "/evaluation/objections?status=pending").await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(body.contains(&format!("/evaluation/objections/{by_town}")));

    // Rejecting: a reason is required; the page form redirects back with the message.
    let decide = |id: i64, what: &str| t.url(&format!("/api/v1/evaluation/objections/{id}/{what}"));
    let (status, body) = post_json(
        &office,
        decide(by_town, "reject"),
        serde_json::json!({"reason": ""}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(field_names(&body), vec!["reason"]);
    assert_eq!(
        post_json(
            &town,
            decide(by_town, "reject"),
            serde_json::json!({"reason": "x"})
        )
        .await
        .0,
        403
    );
    let res = office
        .post(t.url(&format!("/evaluation/objections/{by_town}/reject")))
        .form(&[("reason", "入园手续尚未办结")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (_, body) = get_text(&town, &t, &location(&res)).await;
    assert!(body.contains("入园手续尚未办结"), "{body}");

    // Accepting before the data is corrected: 409 telling the office to correct it first.
    let (status, body) = post_json(&office, decide(mine, "accept"), Value::Null).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message_zh"]
            .as_str()
            .unwrap()
            .contains("请先在企业库中更正")
    );
    let (status, body) = get_text(&office, &t, &format!("/evaluation/objections/{mine}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("id=\"objection-decide\""));
    wujin_app::registry::figures::update(
        &t.app,
        &Ctx::cli(),
        own,
        2024,
        &BTreeMap::from([("falsified_data".to_string(), "true".to_string())]),
        FigureSource::Statistics,
    )
    .await
    .unwrap();
    let (status, body) = post_json(
        &office,
        decide(mine, "accept"),
        serde_json::json!({"note": "经核实已更正"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["objection"]["status"], "accepted");
    assert_eq!(body["superseded_run_id"], run);
    let new_run = body["run"]["run_id"].as_i64().unwrap();

    // The difference: the objecting firm first with its new class; the firm sees only itself.
    let (status, diff) = get_json(
        &office,
        t.url(&format!("/api/v1/evaluation/runs/{new_run}/diff")),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(diff["previous"]["id"], run);
    assert_eq!(diff["previous"]["status"], "superseded");
    assert_eq!(diff["rows"][0]["enterprise_id"], own);
    assert_eq!(diff["rows"][0]["objecting"], true);
    assert_eq!(diff["rows"][0]["new_grade"], "D");
    let (_, own_diff) = get_json(
        &firm,
        t.url(&format!("/api/v1/evaluation/runs/{new_run}/diff")),
    )
    .await;
    assert_eq!(own_diff["rows"].as_array().unwrap().len(), 1);
    let (status, body) = get_text(&firm, &t, &format!("/evaluation/runs/{new_run}/diff")).await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(
        body.contains(&format!("data-enterprise=\"{own}\"")),
        "{body}"
    );
    let (status, detail) = get_json(
        &firm,
        t.url(&format!("/api/v1/evaluation/objections/{mine}")),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(detail["corrected_run_id"], new_run);
    assert_eq!(detail["corrected"]["grade"], "D");
    assert_eq!(detail["files"][0]["filename"], "用地证明.pdf");

    // Finalising: refused during publicity, then done once it is over.
    let finalise = t.url(&format!("/api/v1/evaluation/runs/{new_run}/finalise"));
    let (status, body) = post_json(&office, finalise.clone(), Value::Null).await;
    assert_eq!(status, 409);
    assert_eq!(
        body["message"],
        "The publicity period is not over yet; the run cannot be finalised"
    );
    evaluation_run::Entity::update_many()
        .col_expr(
            evaluation_run::Column::PublicityEndsAt,
            Expr::value(wujin_app::now() - chrono::Duration::minutes(5)),
        )
        .filter(evaluation_run::Column::Id.eq(new_run))
        .exec(t.app.db.write())
        .await
        .unwrap();
    let (status, body) = get_text(
        &office,
        &t,
        &format!("/evaluation/runs/{new_run}/publication"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.contains(&format!("/evaluation/runs/{new_run}/finalise")),
        "{body}"
    );
    assert_eq!(post_json(&town, finalise.clone(), Value::Null).await.0, 403);
    let (status, body) = post_json(&office, finalise, Value::Null).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "final");

    // The document lists the calls.
    let (_, doc) = get_json(&office, t.url("/api/v1/openapi.json")).await;
    for path in [
        "/api/v1/evaluation/objections",
        "/api/v1/evaluation/objections/{id}/accept",
        "/api/v1/evaluation/runs/{id}/publish",
        "/api/v1/evaluation/runs/{id}/diff",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
}
