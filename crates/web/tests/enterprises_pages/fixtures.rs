//! Fixtures: firms registered through the use-case, and helpers to read pages and exports.

pub use wujin_app::Ctx;
pub use wujin_app::registry::dictionaries::{Dictionary, entries};
pub use wujin_app::registry::edit::EnterpriseInput;
pub use wujin_domain::credit_code::with_check_char;
pub use wujin_testkit::{TEST_PASSWORD, TestApp, get_text, location};

/// A valid credit code, different for each `n`.
pub fn code(n: u32) -> String {
    with_check_char(&format!("91330784MA2A{n:04}X")).expect("valid prefix")
}

/// Id of a dictionary entry by code.
pub async fn entry(t: &TestApp, dict: Dictionary, code: &str) -> i64 {
    entries(t.app.db.read(), dict)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.code == code)
        .unwrap_or_else(|| panic!("no entry {code}"))
        .id
}

/// Registers a firm as the platform (admin reach).
pub async fn firm(t: &TestApp, n: u32, name: &str, town: &str, group: &str, tags: &[&str]) -> i64 {
    let mut tag_ids = Vec::new();
    for tg in tags {
        tag_ids.push(entry(t, Dictionary::Tag, tg).await);
    }
    let input = EnterpriseInput {
        credit_code: code(n),
        name: name.to_string(),
        town_id: Some(t.unit(town).await),
        industry_group_id: Some(entry(t, Dictionary::IndustryGroup, group).await),
        contact_phone: Some("13957912345".into()),
        tag_ids,
        ..Default::default()
    };
    wujin_app::registry::edit::create(&t.app, &Ctx::cli(), &input)
        .await
        .expect("create firm")
        .enterprise
        .id
}

/// The firm's link in a list.
pub fn link(id: i64) -> String {
    format!("href=\"/enterprises/{id}\"")
}

pub fn no_missing_keys(body: &str) {
    assert!(!body.contains('⟦'), "untranslated key in {body}");
}

/// Three firms: 甲 and 丙 in 古山镇, 乙 in 芝英镇.
pub async fn three_firms(t: &TestApp) -> (i64, i64, i64) {
    let a = firm(
        t,
        1,
        "永康甲工具有限公司",
        "gushan",
        "power_tools",
        &["hi_tech"],
    )
    .await;
    let b = firm(t, 2, "永康乙门业有限公司", "zhiying", "doors_locks", &[]).await;
    let c = firm(
        t,
        3,
        "永康丙锁具厂",
        "gushan",
        "doors_locks",
        &["specialised"],
    )
    .await;
    (a, b, c)
}

/// Texts of every cell of an exported workbook's first sheet.
pub fn xlsx_texts(bytes: &[u8]) -> Vec<String> {
    let wb = wujin_xlsx::read_workbook(bytes, "export.xlsx", &wujin_xlsx::Limits::default())
        .expect("a readable workbook");
    wb.sheets[0]
        .rows
        .iter()
        .flatten()
        .map(|c| c.to_text())
        .collect()
}
