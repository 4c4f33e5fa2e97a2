//! Spreadsheet imports through the JSON API: validate (preview by cell, nothing written) →
//! commit once (audited) or discard; batches belong to their uploader.

mod registry_support;

use registry_support::*;
use serde_json::Value;
use wujin_testkit::{TestApp, get_json};

#[tokio::test]
async fn a_file_with_errors_is_previewed_by_cell_and_writes_nothing() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    let admin = t.login("root").await;
    let before_firms = firm_total(&t).await;

    let csv = enterprises_csv(&[
        (code(1), "永康市甲工贸有限公司", "无此镇"),
        (bad_code(2), "永康市乙工贸有限公司", "古山镇"),
    ]);
    let (status, p) = upload(
        &t,
        &admin,
        "enterprises?file_name=名录.csv",
        "text/csv",
        csv,
    )
    .await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(p["status"], "failed");
    assert_eq!(p["kind"], "enterprises");
    assert_eq!(p["file_name"], "名录.csv");
    assert_eq!(p["rows"], 2);
    let errors = p["errors"].as_array().unwrap();
    let cells: Vec<&str> = errors.iter().map(|e| e["cell"].as_str().unwrap()).collect();
    assert_eq!(cells, ["C2", "A3"], "{p}");
    assert_eq!(errors[0]["code"], "error.import.unknown_town");
    assert_eq!(errors[0]["column"], "所属镇街");
    assert_eq!(errors[0]["detail"], "无此镇");
    assert_eq!(errors[1]["code"], "error.credit_code.bad_check_char");
    assert_eq!(errors[1]["column"], "统一社会信用代码");
    assert_eq!(errors[1]["row"], 3);
    assert!(!errors[1]["message_zh"].as_str().unwrap().starts_with('⟦'));
    assert_eq!(
        firm_total(&t).await,
        before_firms,
        "validation writes nothing"
    );

    // The preview is kept; committing it is refused and still writes nothing.
    let id = p["batch_id"].as_i64().unwrap();
    let (status, again) = get_json(&admin, t.url(&format!("/api/v1/imports/{id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(again["errors"], p["errors"]);
    let (status, body) = post(&t, &admin, &format!("/api/v1/imports/{id}/commit")).await;
    assert_eq!(status, 409);
    let body = body.unwrap();
    assert_eq!(body["error"], "conflict");
    assert_eq!(body["message_zh"], "文件中有错误，不能导入。");
    assert_eq!(firm_total(&t).await, before_firms);

    // The file comes back with the errors marked.
    let res = admin
        .get(t.url(&format!("/api/v1/imports/{id}/errors.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], XLSX);
    let bytes = res.bytes().await.unwrap();
    let book = wujin_xlsx::read_workbook(&bytes, "e.xlsx", &wujin_xlsx::Limits::default()).unwrap();
    let texts: Vec<String> = book.sheets[0]
        .rows
        .iter()
        .flatten()
        .map(|c| c.to_text())
        .collect();
    assert!(
        texts.iter().any(|s| s.contains("镇街名称无法识别")),
        "{texts:?}"
    );

    // Discarded, it is closed for good.
    let (status, _) = post(&t, &admin, &format!("/api/v1/imports/{id}/discard")).await;
    assert_eq!(status, 204);
    let (status, _) = post(&t, &admin, &format!("/api/v1/imports/{id}/discard")).await;
    assert_eq!(status, 409);
    let (_, after) = get_json(&admin, t.url(&format!("/api/v1/imports/{id}"))).await;
    assert_eq!(after["status"], "discarded");
    let (_, list) = get_json(&admin, t.url("/api/v1/imports")).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["status"], "discarded");
    assert_eq!(list["items"][0]["errors"], 2);
}

#[tokio::test]
async fn a_good_file_is_committed_once_with_audit_and_then_figures_follow() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let town = t.login("town").await;
    let before = t.audit_total().await;

    let csv = enterprises_csv(&[
        (code(11), "永康市古山一厂", "古山镇"),
        (code(12), "永康市古山二厂", "古山镇"),
    ]);
    let (status, p) = upload(&t, &town, "enterprises", "text/csv", csv).await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(p["status"], "validated");
    assert_eq!(p["file_name"], "upload.csv");
    assert_eq!(
        (p["new"].as_u64(), p["changed"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(p["changes"][0]["status"], "new");
    assert_eq!(p["changes"][0]["credit_code"], code(11));
    assert_eq!(
        firm_total(&t).await,
        0,
        "nothing is written before the commit"
    );

    let id = p["batch_id"].as_i64().unwrap();
    let (status, report) = post(&t, &town, &format!("/api/v1/imports/{id}/commit")).await;
    assert_eq!(status, 200);
    let report = report.unwrap();
    assert_eq!(report["created"], 2);
    assert_eq!(report["updated"], 0);
    assert_eq!(report["batch_id"], id);
    assert!(report["audit_events"].as_u64().unwrap() >= 3);
    let (_, list) = get_json(&town, t.url("/api/v1/enterprises")).await;
    assert_eq!(list["total"], 2);
    let firm_id = list["items"][0]["id"].as_i64().unwrap();
    let history = wujin_app::audit::history_of(&t.app, "enterprise", &firm_id.to_string(), 10)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "import");
    assert_eq!(history[0].actor_name, "town");
    assert!(
        t.audit_total().await >= before + 4,
        "validate, two firms, commit"
    );

    // A second commit of the same batch is a conflict and writes nothing more.
    let (status, body) = post(&t, &town, &format!("/api/v1/imports/{id}/commit")).await;
    assert_eq!(status, 409);
    assert_eq!(body.unwrap()["error"], "conflict");
    assert_eq!(firm_total(&t).await, 2);

    // The same file again changes nothing.
    let csv = enterprises_csv(&[(code(11), "永康市古山一厂", "古山镇")]);
    let (_, p) = upload(&t, &town, "enterprises", "text/csv", csv).await;
    assert_eq!(
        (p["new"].as_u64(), p["unchanged"].as_u64()),
        (Some(0), Some(1))
    );

    // Figures for a given year and source.
    let dept = t.login("dept").await;
    let csv = format!(
        "统一社会信用代码,主营业务收入（万元）,年平均职工人数\n{},2500,120\n",
        code(11)
    );
    let (status, p) = upload(
        &t,
        &dept,
        "figures?year=2024&source=tax&file_name=税务.csv",
        "text/csv",
        csv.into_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(p["status"], "validated", "{p}");
    assert_eq!(p["year"], 2024);
    let fid = p["batch_id"].as_i64().unwrap();
    let (status, _) = post(&t, &dept, &format!("/api/v1/imports/{fid}/commit")).await;
    assert_eq!(status, 200);
    let firm11 = firm_of(&list, &code(11));
    let (_, figures) = get_json(
        &dept,
        t.url(&format!("/api/v1/enterprises/{firm11}/figures")),
    )
    .await;
    assert_eq!(figures[0]["year"], 2024);
    assert_eq!(figures[0]["values"]["main_revenue_yuan"], 25_000_000);
    assert_eq!(figures[0]["sources"]["main_revenue_yuan"]["source"], "tax");

    // Departments load figures but do not register firms.
    let csv = enterprises_csv(&[(code(13), "永康市三厂", "古山镇")]);
    let (status, body) = upload(&t, &dept, "enterprises", "text/csv", csv).await;
    assert_eq!(status, 403, "{body}");
}

/// The id of the firm with `credit_code` in an enterprise list.
fn firm_of(list: &Value, credit_code: &str) -> i64 {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["credit_code"] == credit_code)
        .and_then(|e| e["id"].as_i64())
        .unwrap()
}

#[tokio::test]
async fn batches_belong_to_their_uploader_and_scope_applies_to_rows() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    t.create_user("town2", "town", Some("gushan")).await;
    let town = t.login("town").await;

    // 古山's staff cannot import a firm into 芝英.
    let csv = enterprises_csv(&[(code(21), "永康市芝英厂", "芝英镇")]);
    let (status, p) = upload(&t, &town, "enterprises", "text/csv", csv).await;
    assert_eq!(status, 201);
    assert_eq!(p["status"], "failed");
    assert_eq!(p["errors"][0]["cell"], "C2");
    let id = p["batch_id"].as_i64().unwrap();

    // Another user's batch, or one that does not exist, is not found.
    let other = t.login("town2").await;
    for path in [
        format!("/api/v1/imports/{id}"),
        format!("/api/v1/imports/{id}/errors.xlsx"),
        "/api/v1/imports/999999".to_string(),
    ] {
        let (status, _) = get_json(&other, t.url(&path)).await;
        assert_eq!(status, 404, "{path}");
    }
    for path in [
        format!("/api/v1/imports/{id}/commit"),
        format!("/api/v1/imports/{id}/discard"),
        "/api/v1/imports/999999/commit".to_string(),
    ] {
        let (status, _) = post(&t, &other, &path).await;
        assert_eq!(status, 404, "{path}");
    }
    let (_, list) = get_json(&other, t.url("/api/v1/imports")).await;
    assert_eq!(list["total"], 0);
    // The administrator reaches every batch.
    let admin = t.login("admin").await;
    let (status, _) = get_json(&admin, t.url(&format!("/api/v1/imports/{id}"))).await;
    assert_eq!(status, 200);

    // Roles that only read cannot import.
    for user in ["leader", "cadre", "firm"] {
        let c = t.login(user).await;
        let (status, _) = upload(
            &t,
            &c,
            "figures?year=2024",
            "text/csv",
            b"a,b\n1,2\n".to_vec(),
        )
        .await;
        assert_eq!(status, 403, "{user}");
    }
}
