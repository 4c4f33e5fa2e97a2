//! 工作日历 pages: covered years, the calculator (never guessing an unknown year), a year in
//! full, and adding a year.

use wujin_app::Ctx;
use wujin_testkit::{TestApp, get_text};

async fn post_year(c: &reqwest::Client, t: &TestApp, toml: &str) -> reqwest::Response {
    c.post(t.url("/admin/calendar/years"))
        .form(&[("toml", toml)])
        .send()
        .await
        .unwrap()
}

async fn stored_years(t: &TestApp) -> Vec<i32> {
    wujin_app::calendar::summary(&t.app, &Ctx::cli())
        .await
        .unwrap()
        .into_iter()
        .map(|y| y.year)
        .collect()
}

const YEAR_2027: &str = r#"[2027]
source = "test notice for 2027"
off = ["2027-01-01", "2027-01-02", "2027-01-03", "2027-02-06", "2027-02-07", "2027-02-08"]
work = ["2027-02-13"]
names = { "2027-01-01" = "元旦", "2027-02-06" = "春节" }
"#;

/// 2027-03-01 is a Monday: not allowed in `work`.
const WEEKDAY_IN_WORK: &str = r#"[2027]
source = "broken"
off = ["2027-01-01"]
work = ["2027-03-01"]
"#;

#[tokio::test]
async fn the_page_lists_the_shipped_years_and_the_calculator_answers() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let c = t.login("dept").await;

    let (s, body) = get_text(&c, &t, "/admin/calendar").await;
    assert_eq!(s, 200);
    assert!(!body.contains('⟦'), "untranslated key");
    for y in 2020..=2026 {
        assert!(
            body.contains(&format!("href=\"/admin/calendar/{y}\"")),
            "{y} missing"
        );
    }
    assert!(!body.contains("href=\"/admin/calendar/2027\""));
    assert!(
        !body.contains("action=\"/admin/calendar/years\""),
        "only administrators get the form"
    );

    // 除夕 2024-02-09 (Friday) was a working day.
    let (s, body) = get_text(&c, &t, "/admin/calendar?from=2024-02-08&days=1").await;
    assert_eq!(s, 200);
    assert!(
        body.contains("id=\"calc-after\"><strong>2024年2月9日（星期五）</strong>"),
        "{body}"
    );
    assert!(
        body.contains("id=\"calc-from\"><strong>工作日</strong>"),
        "{body}"
    );

    // (02-08, 02-18]: 02-09 and the make-up Sunday 02-18.
    let (_, body) = get_text(
        &c,
        &t,
        "/admin/calendar?from=2024-02-08&to=2024-02-18&lang=en",
    )
    .await;
    assert!(
        body.contains("id=\"calc-between\"><strong>2 working days</strong>"),
        "{body}"
    );

    let (_, body) = get_text(&c, &t, "/admin/calendar?from=2024-02-12").await;
    assert!(
        body.contains(
            "id=\"calc-from\"><strong>休息日</strong> <span class=\"tag\">节假日：春节</span>"
        ),
        "{body}"
    );

    // An uncovered year is unknown, never guessed.
    let (s, body) = get_text(&c, &t, "/admin/calendar?from=2027-03-01&days=1").await;
    assert_eq!(s, 200);
    assert!(body.contains("日期所在年份尚未录入工作日历"), "{body}");
    assert!(
        body.contains("id=\"calc-after\"><strong class=\"tag status-disabled\">未知</strong>"),
        "{body}"
    );
    assert!(
        body.contains("id=\"calc-from\"><strong class=\"tag status-disabled\">未知</strong>"),
        "{body}"
    );
    assert!(!body.contains("2027年3月2日"), "a guessed answer");
    // A count running past the last covered year is unknown too.
    let (s, body) = get_text(
        &c,
        &t,
        "/admin/calendar?from=2026-12-30&days=5&to=2027-01-05",
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        body.contains("id=\"calc-after\"><strong class=\"tag status-disabled\">未知</strong>"),
        "{body}"
    );
    assert!(
        body.contains("id=\"calc-between\"><strong class=\"tag status-disabled\">未知</strong>"),
        "{body}"
    );
    assert!(
        body.contains("id=\"calc-from\"><strong>工作日</strong>"),
        "{body}"
    );

    // Malformed input is a 422 with the message, not a 500.
    let (s, body) = get_text(&c, &t, "/admin/calendar?from=2024-02-30&days=x").await;
    assert_eq!(s, 422);
    assert!(
        body.contains("日期格式应为 YYYY-MM-DD。")
            && body.contains("天数应为 0 到 3650 之间的整数。"),
        "{body}"
    );
    let (s, _) = get_text(&c, &t, "/admin/calendar?days=3").await;
    assert_eq!(s, 422);

    let (_, en) = get_text(
        &c,
        &t,
        "/admin/calendar?from=2027-03-01&days=1&to=2027-03-05&lang=en",
    )
    .await;
    assert!(!en.contains('⟦'), "untranslated key in English");
    assert!(en.contains("Unknown"), "{en}");
}

#[tokio::test]
async fn a_year_in_full() {
    let t = TestApp::spawn().await;
    t.create_user("zhou", "cadre", Some("jxj")).await;
    let c = t.login("zhou").await;
    let (s, body) = get_text(&c, &t, "/admin/calendar/2024").await;
    assert_eq!(s, 200);
    assert!(!body.contains('⟦'), "untranslated key");
    assert!(body.contains("2024 年工作日历"));
    assert!(body.contains("国办发明电〔2023〕7号"), "the source");
    // 春节 2024: 02-10..02-17, eight days.
    assert!(
        body.contains("<tr><td>春节</td><td>2024年2月10日（星期六）、"),
        "{body}"
    );
    assert!(
        body.contains("2024年2月17日（星期六）</td><td class=\"num\">8</td></tr>"),
        "{body}"
    );
    assert!(
        body.contains("<li>2024年2月18日（星期日）</li>"),
        "make-up working day"
    );
    for path in [
        "/admin/calendar/2027",
        "/admin/calendar/1999",
        "/admin/calendar/abc",
    ] {
        let (s, _) = get_text(&c, &t, path).await;
        assert_eq!(s, 404, "{path}");
    }
}

#[tokio::test]
async fn administrator_adds_a_year() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let c = t.login("admin").await;

    let (_, body) = get_text(&c, &t, "/admin/calendar").await;
    assert!(
        body.contains("action=\"/admin/calendar/years\""),
        "the form"
    );
    assert!(!body.contains('⟦'), "untranslated key");
    let (_, en) = get_text(&c, &t, "/admin/calendar/2026?lang=en").await;
    assert!(
        !en.contains('⟦') && en.contains("Working-day calendar 2026"),
        "{en}"
    );
    assert!(body.contains("[2026]"), "the format example");

    // A weekday in `work` is refused with the parser's words; nothing is stored.
    let res = post_year(&c, &t, WEEKDAY_IN_WORK).await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("年度数据不符合要求"), "{body}");
    assert!(
        body.contains("2027-03-01"),
        "the offending date is named: {body}"
    );
    assert!(body.contains("<textarea id=\"toml\" name=\"toml\" rows=\"12\" required spellcheck=\"false\" class=\"mono invalid\">"), "{body}");
    assert!(
        body.contains("source = &#34;broken&#34;") || body.contains("source = &quot;broken&quot;"),
        "input kept: {body}"
    );
    let res = post_year(&c, &t, "this is not toml").await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("无法解析该年度数据"));
    assert_eq!(stored_years(&t).await, (2020..=2026).collect::<Vec<_>>());
    assert!(
        wujin_app::audit::history_of(&t.app, "calendar_year", "2027", 10)
            .await
            .unwrap()
            .is_empty()
    );

    let res = post_year(&c, &t, YEAR_2027).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/admin/calendar?msg=calendar_saved"
    );
    assert_eq!(stored_years(&t).await, (2020..=2027).collect::<Vec<_>>());
    let events = wujin_app::audit::history_of(&t.app, "calendar_year", "2027", 10)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "create");
    assert_eq!(events[0].actor_name, "admin");

    let (_, body) = get_text(&c, &t, "/admin/calendar?msg=calendar_saved").await;
    assert!(body.contains("工作日历已更新。"));
    assert!(body.contains("href=\"/admin/calendar/2027\""));
    assert!(body.contains("管理员录入"));
    let (s, body) = get_text(&c, &t, "/admin/calendar?from=2027-03-01&days=1").await;
    assert_eq!(s, 200);
    assert!(
        body.contains("id=\"calc-after\"><strong>2027年3月2日（星期二）</strong>"),
        "{body}"
    );
    assert!(!body.contains("日期所在年份尚未录入工作日历"));
    let (_, body) = get_text(&c, &t, "/admin/calendar?from=2027-02-05&days=1").await;
    assert!(
        body.contains("id=\"calc-after\"><strong>2027年2月9日（星期二）</strong>"),
        "春节 2027 skipped: {body}"
    );
    let (s, body) = get_text(&c, &t, "/admin/calendar/2027").await;
    assert_eq!(s, 200);
    assert!(
        body.contains("test notice for 2027") && body.contains("<li>2027年2月13日（星期六）</li>")
    );
}

#[tokio::test]
async fn who_may_view_and_who_may_change_the_calendar() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    for (name, view) in [
        ("admin", true),
        ("leader", true),
        ("dept", true),
        ("town", true),
        ("cadre", true),
        ("firm", false),
    ] {
        let c = t.login(name).await;
        let (s, _) = get_text(&c, &t, "/admin/calendar").await;
        assert_eq!(s, if view { 200 } else { 403 }, "{name}");
        let (s, _) = get_text(&c, &t, "/admin/calendar/2024").await;
        assert_eq!(s, if view { 200 } else { 403 }, "{name}");
        if name != "admin" {
            let res = post_year(&c, &t, YEAR_2027).await;
            assert_eq!(res.status(), 403, "{name} may not change the calendar");
        }
    }
    assert_eq!(
        stored_years(&t).await,
        (2020..=2026).collect::<Vec<_>>(),
        "nothing stored"
    );
    assert!(
        wujin_app::audit::history_of(&t.app, "calendar_year", "2027", 10)
            .await
            .unwrap()
            .is_empty()
    );
}
