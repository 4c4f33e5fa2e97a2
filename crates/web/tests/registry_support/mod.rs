//! What the registry API tests share: valid credit codes, firms registered through the
//! use-cases, uploads and workbooks read back.

#![allow(dead_code)]

use serde_json::Value;
use wujin_app::Ctx;
use wujin_app::registry::dictionaries::{Dictionary, entries};
use wujin_app::registry::edit::EnterpriseInput;
use wujin_testkit::TestApp;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A valid credit code of a Yongkang firm, different for each `n`.
pub fn code(n: u32) -> String {
    wujin_domain::credit_code::with_check_char(&format!("91330784MA{n:07}")).unwrap()
}

pub async fn dict_id(t: &TestApp, dict: Dictionary, code: &str) -> i64 {
    entries(t.app.db.read(), dict)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.code == code)
        .unwrap_or_else(|| panic!("no entry {code}"))
        .id
}

/// Registers a firm directly through the use-case.
pub async fn firm(t: &TestApp, n: u32, name: &str, town: &str, input: EnterpriseInput) -> i64 {
    let input = EnterpriseInput {
        credit_code: code(n),
        name: name.to_string(),
        town_id: Some(t.unit(town).await),
        industry_group_id: input.industry_group_id.or(Some(
            dict_id(t, Dictionary::IndustryGroup, "power_tools").await,
        )),
        ..input
    };
    wujin_app::registry::edit::create(&t.app, &Ctx::cli(), &input)
        .await
        .expect("create firm")
        .enterprise
        .id
}

/// Links the enterprise account `username` to its firm.
pub async fn link(t: &TestApp, username: &str, firm: i64) {
    t.sql(&format!(
        "UPDATE app_user SET enterprise_id = {firm} WHERE username = '{username}'"
    ))
    .await
    .unwrap();
}

/// Three firms: two in 古山镇 (one a tagged door maker, one suspended), one in 芝英镇.
pub async fn three_firms(t: &TestApp) -> (i64, i64, i64) {
    let doors = dict_id(t, Dictionary::IndustryGroup, "doors_locks").await;
    let hi_tech = dict_id(t, Dictionary::Tag, "hi_tech").await;
    let a = firm(
        t,
        1,
        "永康市甲门业有限公司",
        "gushan",
        EnterpriseInput {
            industry_group_id: Some(doors),
            tag_ids: vec![hi_tech],
            contact_phone: Some("13957912345".into()),
            ..Default::default()
        },
    )
    .await;
    let b = firm(
        t,
        2,
        "永康市乙工具有限公司",
        "gushan",
        EnterpriseInput {
            status: Some("suspended".into()),
            ..Default::default()
        },
    )
    .await;
    let c = firm(
        t,
        3,
        "永康市丙杯业有限公司",
        "zhiying",
        EnterpriseInput::default(),
    )
    .await;
    (a, b, c)
}

pub fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

/// The credit codes in an exported workbook, read back.
pub fn exported_codes(bytes: &[u8]) -> Vec<String> {
    let book =
        wujin_xlsx::read_workbook(bytes, "export.xlsx", &wujin_xlsx::Limits::default()).unwrap();
    let sheet = &book.sheets[0];
    let (header_row, col) = sheet
        .rows
        .iter()
        .enumerate()
        .find_map(|(r, cells)| {
            cells
                .iter()
                .position(|c| c.to_text() == "统一社会信用代码")
                .map(|c| (r, c))
        })
        .expect("credit code header");
    sheet.rows[header_row + 1..]
        .iter()
        .filter_map(|cells| cells.get(col).map(|c| c.to_text()))
        .filter(|s| !s.is_empty())
        .collect()
}

pub async fn download(c: &reqwest::Client, url: String) -> (u16, String, Vec<u8>) {
    let res = c.get(url).send().await.unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, res.bytes().await.unwrap().to_vec())
}

/// `code(n)` with a wrong check character.
pub fn bad_code(n: u32) -> String {
    let good = code(n);
    let last = good.chars().last().unwrap();
    let wrong = if last == '1' { '2' } else { '1' };
    format!("{}{wrong}", &good[..17])
}

/// An enterprise csv of (credit code, name, town) rows.
pub fn enterprises_csv(rows: &[(String, &str, &str)]) -> Vec<u8> {
    let mut s = String::from("统一社会信用代码,企业名称,所属镇街,行业分组,联系电话\n");
    for (code, name, town) in rows {
        s.push_str(&format!(
            "{code},{name},{town},电动工具/园林工具,13957900001\n"
        ));
    }
    s.into_bytes()
}

pub async fn firm_total(t: &TestApp) -> u64 {
    wujin_app::registry::enterprises::count(&t.app, &Ctx::cli())
        .await
        .unwrap()
}

pub async fn upload(
    t: &TestApp,
    c: &reqwest::Client,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let res = c
        .post(t.url(&format!("/api/v1/imports/{query}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

pub async fn post(t: &TestApp, c: &reqwest::Client, path: &str) -> (u16, Option<Value>) {
    let res = c.post(t.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).ok())
}
