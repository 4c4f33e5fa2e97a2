//! Uploads the import refuses (unreadable, wrong, oversized), templates, and the document
//! of every registry path.

mod registry_support;

use registry_support::*;
use wujin_testkit::{TestApp, field_names, get_json};

#[tokio::test]
async fn the_file_size_limit_follows_the_configuration() {
    let config = wujin_app::AppConfig {
        import_max_file_mb: 1,
        ..Default::default()
    };
    let t = TestApp::spawn_with(config, Default::default()).await;
    t.create_user("root", "admin", None).await;
    let admin = t.login("root").await;
    // 1 MiB and a byte: refused by the route, with the import's message.
    let big = vec![b'a'; 1024 * 1024 + 1];
    let (status, body) = upload(&t, &admin, "enterprises", "text/csv", big.clone()).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["fields"][0]["code"], "error.import.file.too_large");
    // The same limit holds for files that do not come over HTTP.
    let e = wujin_app::registry::import::run_file(
        &t.app,
        &wujin_app::Ctx::cli(),
        wujin_app::registry::import::FileRun {
            kind: wujin_xlsx::TableKind::Enterprises,
            file_name: "big.csv",
            bytes: big,
            opts: &Default::default(),
            dry_run: true,
        },
        &mut |_, _, _| {},
    )
    .await;
    match e {
        Err(wujin_app::AppError::Validation(f)) => {
            assert_eq!(
                (f[0].field.as_str(), f[0].key.as_str()),
                ("file", "error.import.file.too_large")
            )
        }
        other => panic!("expected the size error, got {other:?}"),
    }
}

#[tokio::test]
async fn unreadable_wrong_and_oversized_uploads_are_refused() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    let admin = t.login("root").await;

    let (status, body) = upload(
        &t,
        &admin,
        "enterprises?file_name=report.pdf",
        "application/octet-stream",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["file"]);
    assert_eq!(
        body["fields"][0]["code"],
        "error.import.file.not_a_spreadsheet"
    );
    let (status, body) = upload(
        &t,
        &admin,
        "enterprises?file_name=a.xlsx",
        XLSX,
        b"not a zip".to_vec(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["code"], "error.import.file.corrupt");
    let (status, body) = upload(&t, &admin, "enterprises", XLSX, Vec::new()).await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["code"], "error.import.file.empty");
    let (status, body) = upload(
        &t,
        &admin,
        "enterprises",
        "application/json",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["body"]);
    let (status, body) = upload(&t, &admin, "people", "text/csv", b"a\n".to_vec()).await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["kind"]);
    let (status, body) = upload(
        &t,
        &admin,
        "figures?source=gossip",
        "text/csv",
        b"a\n".to_vec(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["source"]);
    let (status, body) = upload(&t, &admin, "figures?year=1800", "text/csv", b"a\n".to_vec()).await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["year"]);

    // Beyond 50 MB: 413 with the import's message, before anything is read.
    let big = vec![
        b'a';
        wujin_web::max_upload_bytes(&t.app.config) + wujin_web::UPLOAD_OVERHEAD_BYTES + 1
    ];
    let (status, body) = upload(&t, &admin, "enterprises", "text/csv", big).await;
    assert_eq!(status, 413);
    assert_eq!(body["error"], "too_large");
    assert_eq!(body["message_zh"], "文件过大");
    // Just over 50 MB (within the request's framing allowance) is refused by the route.
    let big = vec![b'a'; wujin_web::max_upload_bytes(&t.app.config) + 1];
    let (status, body) = upload(&t, &admin, "enterprises", "text/csv", big).await;
    assert_eq!(status, 413);
    assert_eq!(body["fields"][0]["code"], "error.import.file.too_large");

    // Nothing was kept of any of these.
    let (_, list) = get_json(&admin, t.url("/api/v1/imports")).await;
    assert_eq!(list["total"], 0);
    assert_eq!(firm_total(&t).await, 0);
}

#[tokio::test]
async fn templates_download_and_every_registry_path_is_documented() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let town = t.login("town").await;
    for (kind, sheet) in [
        ("enterprises", "企业名录"),
        ("parcels", "用地信息"),
        ("figures", "年度数据"),
    ] {
        let res = town
            .get(t.url(&format!("/api/v1/imports/templates/{kind}.xlsx?year=2024")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{kind}");
        assert_eq!(res.headers()["content-type"], XLSX);
        let disposition = res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        let bytes = res.bytes().await.unwrap();
        let book =
            wujin_xlsx::read_workbook(&bytes, "t.xlsx", &wujin_xlsx::Limits::default()).unwrap();
        let s = book
            .sheet(sheet)
            .unwrap_or_else(|| panic!("no sheet {sheet}"));
        let header: Vec<String> = s.rows.iter().flatten().map(|c| c.to_text()).collect();
        assert!(
            header.iter().any(|h| h == "统一社会信用代码"),
            "{kind}: {header:?}"
        );
    }
    let (status, body) = get_json(&town, t.url("/api/v1/imports/templates/people.xlsx")).await;
    assert_eq!(status, 422);
    assert_eq!(field_names(&body), ["kind"]);

    let (_, doc) = get_json(&reqwest::Client::new(), t.url("/api/v1/openapi.json")).await;
    for (method, path) in [
        ("get", "/api/v1/enterprises"),
        ("post", "/api/v1/enterprises"),
        ("get", "/api/v1/enterprises/{id}"),
        ("put", "/api/v1/enterprises/{id}"),
        ("get", "/api/v1/enterprises/{id}/figures"),
        ("put", "/api/v1/enterprises/{id}/figures/{year}"),
        ("get", "/api/v1/enterprises/{id}/land"),
        ("get", "/api/v1/industry-groups"),
        ("post", "/api/v1/industry-groups"),
        ("put", "/api/v1/industry-groups/{id}"),
        ("get", "/api/v1/tags"),
        ("post", "/api/v1/tags"),
        ("put", "/api/v1/tags/{id}"),
        ("get", "/api/v1/imports"),
        ("post", "/api/v1/imports/{kind}"),
        ("get", "/api/v1/imports/{id}"),
        ("post", "/api/v1/imports/{id}/commit"),
        ("post", "/api/v1/imports/{id}/discard"),
        ("get", "/api/v1/imports/{id}/errors.xlsx"),
        ("get", "/api/v1/imports/templates/{kind}.xlsx"),
        ("get", "/api/v1/enterprises/export.xlsx"),
        ("get", "/api/v1/figures/export.xlsx"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"]["401"].is_object(), "{method} {path}");
    }
    // The list convention is in the schemas.
    let list = &doc["paths"]["/api/v1/enterprises"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let text = list.to_string();
    let schema = if let Some(r) = list["$ref"].as_str() {
        doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone()
    } else {
        list.clone()
    };
    for field in ["items", "total", "page", "page_size"] {
        assert!(schema["properties"][field].is_object(), "{field} in {text}");
    }
    let upload = &doc["paths"]["/api/v1/imports/{kind}"]["post"]["requestBody"]["content"];
    assert!(
        upload[XLSX].is_object() && upload["text/csv"].is_object(),
        "{upload}"
    );
}
