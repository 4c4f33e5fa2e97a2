//! 数据导入 pages: upload, preview with errors by cell, the error workbook, commit with
//! confirmation, discard, templates.

use wujin_domain::credit_code::with_check_char;
use wujin_testkit::{TestApp, get_text, location};

const BOUNDARY: &str = "----wujin-test-boundary";

/// A multipart upload body: the form fields, then the file.
fn multipart(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(
    c: &reqwest::Client,
    t: &TestApp,
    fields: &[(&str, &str)],
    file_name: &str,
    file: &str,
) -> reqwest::Response {
    c.post(t.url("/imports"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(fields, file_name, file.as_bytes()))
        .send()
        .await
        .expect("upload")
}

fn code(n: u32) -> String {
    with_check_char(&format!("91330784MA2B{n:04}X")).expect("valid prefix")
}

/// The code with its check character replaced by a wrong one.
fn bad_code(n: u32) -> String {
    let mut c = code(n);
    let last = c.pop().unwrap();
    c.push(if last == '0' { '1' } else { '0' });
    c
}

fn no_missing_keys(body: &str) {
    assert!(!body.contains('⟦'), "untranslated key in {body}");
}

#[tokio::test]
async fn an_upload_with_errors_points_at_the_cell_and_cannot_be_committed() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let c = t.login("boss").await;
    let (status, body) = get_text(&c, &t, "/imports").await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(body.contains("href=\"/imports/template/enterprises.xlsx\""));

    let csv = format!(
        "统一社会信用代码,企业名称,所属镇街,行业分组\n{},永康好五金有限公司,古山镇,其他\n{},永康坏五金有限公司,古山镇,其他\n",
        code(1),
        bad_code(2)
    );
    let res = upload(&c, &t, &[("kind", "enterprises")], "名录.csv", &csv).await;
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let to = location(&res);
    assert!(to.starts_with("/imports/"), "{to}");
    let (status, body) = get_text(&c, &t, &to).await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(
        body.contains("<td class=\"mono cell-ref\">A3</td>"),
        "{body}"
    );
    assert!(body.contains("统一社会信用代码校验位不正确"));
    assert!(body.contains("有错误"), "status shown");
    assert!(
        !body.contains("name=\"confirm\""),
        "no commit form while errors exist"
    );
    assert!(body.contains("disabled"));

    // Committing anyway is refused, and nothing was written.
    let res = c
        .post(t.url(&format!("{to}/commit")))
        .form(&[("confirm", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("文件中有错误"));
    let body = get_text(&c, &t, "/enterprises").await.1;
    assert!(!body.contains("永康好五金有限公司"));

    // The workbook comes back with the errors marked.
    let res = c
        .get(t.url(&format!("{to}/errors.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let wb = wujin_xlsx::read_workbook(
        &res.bytes().await.unwrap(),
        "e.xlsx",
        &wujin_xlsx::Limits::default(),
    )
    .unwrap();
    let texts: Vec<String> = wb.sheets[0]
        .rows
        .iter()
        .flatten()
        .map(|c| c.to_text())
        .collect();
    assert!(
        texts.iter().any(|s| s.contains("校验位不正确")),
        "{texts:?}"
    );

    // Discarding closes the batch.
    let res = c
        .post(t.url(&format!("{to}/discard")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let body = get_text(&c, &t, &location(&res)).await.1;
    assert!(body.contains("已放弃该批导入") && body.contains("已放弃"));
}

#[tokio::test]
async fn a_good_file_is_committed_after_confirmation() {
    let t = TestApp::spawn().await;
    t.create_user("gs", "town", Some("gushan")).await;
    let c = t.login("gs").await;

    // The form is checked first: no file.
    let res = upload(&c, &t, &[("kind", "enterprises")], "", "").await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("id=\"error-file\"") && body.contains("请选择要上传的文件"));

    let csv = format!(
        "统一社会信用代码,企业名称,所属镇街,行业分组,联系电话\n{},永康新导入工贸有限公司,古山镇,电动工具/园林工具,13800001111\n",
        code(5)
    );
    let res = upload(&c, &t, &[("kind", "enterprises")], "a.csv", &csv).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    let body = get_text(&c, &t, &to).await.1;
    no_missing_keys(&body);
    assert!(body.contains("<dd id=\"count-new\">1</dd>"), "{body}");
    assert!(body.contains("<dd id=\"count-errors\">0</dd>"));
    assert!(body.contains(&code(5)) && body.contains("新增"));
    assert!(body.contains("name=\"confirm\""));

    // Without the confirmation tick nothing happens.
    let res = c.post(t.url(&format!("{to}/commit"))).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("请先勾选确认框"));
    assert!(
        !get_text(&c, &t, "/enterprises")
            .await
            .1
            .contains("永康新导入工贸有限公司")
    );

    let res = c
        .post(t.url(&format!("{to}/commit")))
        .form(&[("confirm", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let body = get_text(&c, &t, &location(&res)).await.1;
    assert!(body.contains("导入完成：新增 1 条，修改 0 条"), "{body}");
    assert!(body.contains("id=\"import-done\""));
    assert!(body.contains("已导入"));
    let body = get_text(&c, &t, "/enterprises").await.1;
    assert!(
        body.contains("永康新导入工贸有限公司"),
        "the firm is in the registry"
    );

    // The batch is listed; a second commit is refused.
    let body = get_text(&c, &t, "/imports").await.1;
    assert!(body.contains(&format!("href=\"{to}\"")) && body.contains("a.csv"));
    let res = c
        .post(t.url(&format!("{to}/commit")))
        .form(&[("confirm", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);

    // Templates download as workbooks.
    let res = c
        .get(t.url("/imports/template/figures.xlsx?year=2024"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    assert_eq!(
        get_text(&c, &t, "/imports/template/nothing.xlsx").await.0,
        404
    );
}

#[tokio::test]
async fn imports_need_a_role_that_loads_data() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "leader", Some("yongkang")).await;
    let c = t.login("boss").await;
    assert_eq!(get_text(&c, &t, "/imports").await.0, 403);
    let res = upload(&c, &t, &[("kind", "enterprises")], "a.csv", "x").await;
    assert_eq!(res.status(), 403);
    let body = get_text(&c, &t, "/").await.1;
    assert!(!body.contains("href=\"/imports\""), "no menu entry");
    assert!(body.contains("href=\"/enterprises\""));
}
