//! One firm's yearly figures and land through the JSON API: entry in 万元 with sources,
//! the derived scale, validation, permissions, scope and the year's export.

mod registry_support;

use registry_support::*;
use serde_json::{Value, json};
use wujin_app::Ctx;
use wujin_testkit::{TestApp, field_names, get_json};

#[tokio::test]
async fn figures_are_entered_in_wan_yuan_stamped_with_their_source_and_drive_the_scale() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let (a, _, c) = three_firms(&t).await;
    let dept = t.login("dept").await;

    let res = dept
        .put(t.url(&format!("/api/v1/enterprises/{a}/figures/2024")))
        .json(&json!({"values": {"main_revenue_yuan": "2,500", "avg_staff": 120, "safety_accident": false}, "source": "tax"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let f: Value = res.json().await.unwrap();
    assert_eq!(f["year"], 2024);
    assert_eq!(f["values"]["main_revenue_yuan"], 25_000_000);
    assert_eq!(f["values"]["avg_staff"], 120);
    assert_eq!(f["values"]["power_kwh"], Value::Null);
    assert_eq!(f["sources"]["main_revenue_yuan"]["source"], "tax");
    assert_eq!(f["sources"]["main_revenue_yuan"]["by"], "dept");
    let res = dept
        .put(t.url(&format!("/api/v1/enterprises/{a}/figures/2023")))
        .json(&json!({"values": {"main_revenue_yuan": "1800"}, "source": "统计"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Newest year first; the latest revenue (2,500 万元) makes the firm 规上.
    let (_, years) = get_json(&dept, t.url(&format!("/api/v1/enterprises/{a}/figures"))).await;
    let ys: Vec<i64> = years
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(ys, [2024, 2023]);
    assert_eq!(
        years[1]["sources"]["main_revenue_yuan"]["source"],
        "statistics"
    );
    let (_, firm) = get_json(&dept, t.url(&format!("/api/v1/enterprises/{a}"))).await;
    assert_eq!(firm["scale"], "above");
    let (_, p) = get_json(&dept, t.url("/api/v1/enterprises?scale=above")).await;
    assert_eq!(p["total"], 1);

    // Wrong values, keys and sources are named; nothing changes.
    let res = dept
        .put(t.url(&format!("/api/v1/enterprises/{a}/figures/2024")))
        .json(&json!({"values": {"main_revenue_yuan": "很多", "no_such_figure": "1"}, "source": "rumour"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        field_names(&body),
        ["source"],
        "the source is checked first"
    );
    let res = dept
        .put(t.url(&format!("/api/v1/enterprises/{a}/figures/2024")))
        .json(&json!({"values": {"main_revenue_yuan": "很多", "avg_staff": [1]}, "source": "tax"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_names(&res.json().await.unwrap()), ["avg_staff"]);
    let res = dept
        .put(t.url(&format!("/api/v1/enterprises/{a}/figures/2024")))
        .json(&json!({"values": {"main_revenue_yuan": "很多"}, "source": "tax"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(
        field_names(&res.json().await.unwrap()),
        ["main_revenue_yuan"]
    );
    let (_, years) = get_json(&dept, t.url(&format!("/api/v1/enterprises/{a}/figures"))).await;
    assert_eq!(years[0]["values"]["main_revenue_yuan"], 25_000_000);

    // Reading roles may not enter figures; a town only for its own firms.
    let leader = t.login("leader").await;
    let res = leader
        .put(t.url(&format!("/api/v1/enterprises/{a}/figures/2024")))
        .json(&json!({"values": {"avg_staff": "1"}, "source": "town"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let town = t.login("town").await;
    let res = town
        .put(t.url(&format!("/api/v1/enterprises/{c}/figures/2024")))
        .json(&json!({"values": {"avg_staff": "1"}, "source": "town"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "芝英's firm is outside 古山's scope");

    // The year's figures export: one row per firm in scope.
    let (status, _, bytes) = download(&dept, t.url("/api/v1/figures/export.xlsx?year=2024")).await;
    assert_eq!(status, 200);
    let mut codes = exported_codes(&bytes);
    codes.sort();
    assert_eq!(codes, [code(1), code(2), code(3)]);
    let (_, _, bytes) = download(&town, t.url("/api/v1/figures/export.xlsx?year=2024")).await;
    assert_eq!(exported_codes(&bytes).len(), 2);
    let (status, body) = get_json(&dept, t.url("/api/v1/figures/export.xlsx")).await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["query"]);
    let (status, body) = get_json(&dept, t.url("/api/v1/figures/export.xlsx?year=1800")).await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["year"]);
}

#[tokio::test]
async fn land_of_a_firm_lists_its_parcels() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    let (a, _, _) = three_firms(&t).await;
    let input = wujin_app::registry::land::ParcelUseInput {
        certificate_no: "浙(2020)永康市不动产权第0001234号".into(),
        parcel_area_mu: Some("30".into()),
        tenure: "owned".into(),
        area_mu: Some("12.5".into()),
        ..Default::default()
    };
    wujin_app::registry::land::save_use(&t.app, &Ctx::cli(), a, &input)
        .await
        .unwrap();
    let admin = t.login("root").await;
    let (status, land) = get_json(&admin, t.url(&format!("/api/v1/enterprises/{a}/land"))).await;
    assert_eq!(status, 200);
    let uses = land.as_array().unwrap();
    assert_eq!(uses.len(), 1);
    assert_eq!(
        uses[0]["certificate_no"],
        "浙(2020)永康市不动产权第0001234号"
    );
    assert_eq!(uses[0]["area_mu"], 12.5);
    assert_eq!(uses[0]["parcel_area_mu"], 30.0);
    assert_eq!(uses[0]["users"][0]["id"], a);
}
