//! The working-day calendar through the JSON API: answers for covered years, a clear refusal
//! for uncovered ones, and adding a year.

use serde_json::{Value, json};
use wujin_testkit::{TestApp, get_json};

#[tokio::test]
async fn working_days_are_counted_across_holidays() {
    let t = TestApp::spawn().await;
    t.create_user("cadre", "cadre", Some("jxj")).await;
    let c = t.login("cadre").await;

    // Thursday 2024-02-08 → Friday 2024-02-09 (除夕 was a working day that year).
    let (status, body) = get_json(&c, t.url("/api/v1/calendar/add?from=2024-02-08&days=1")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["date"], "2024-02-09");
    assert_eq!(body["days"], 1);
    // Two working days on is past the Spring Festival holiday, on the make-up Sunday 2024-02-18.
    let (status, body) = get_json(&c, t.url("/api/v1/calendar/add?from=2024-02-08&days=2")).await;
    assert_eq!(status, 200);
    assert_eq!(body["date"], "2024-02-18");

    let (status, body) = get_json(&c, t.url("/api/v1/calendar/working-day?date=2024-02-12")).await;
    assert_eq!(status, 200);
    assert_eq!(body["working"], false);
    assert_eq!(body["holiday"], "春节");
    let (_, body) = get_json(&c, t.url("/api/v1/calendar/working-day?date=2024-02-18")).await;
    assert_eq!(body["working"], true, "make-up working Sunday");
    assert_eq!(body["holiday"], Value::Null);

    let (status, body) = get_json(
        &c,
        t.url("/api/v1/calendar/between?from=2024-02-08&to=2024-02-18"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["working_days"], 2);

    let (status, years) = get_json(&c, t.url("/api/v1/calendar/years")).await;
    assert_eq!(status, 200);
    let y2024 = years
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2024)
        .expect("2024 is shipped");
    assert_eq!(y2024["added_by_admin"], false);
    let (status, detail) = get_json(&c, t.url("/api/v1/calendar/years/2024")).await;
    assert_eq!(status, 200);
    assert!(
        detail["makeup_workdays"]
            .as_array()
            .unwrap()
            .contains(&json!("2024-02-18"))
    );
}

#[tokio::test]
async fn an_uncovered_year_is_refused_not_guessed() {
    let t = TestApp::spawn().await;
    t.create_user("cadre", "cadre", Some("jxj")).await;
    let c = t.login("cadre").await;

    let (status, body) = get_json(&c, t.url("/api/v1/calendar/working-day?date=2027-03-01")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid");
    assert_eq!(body["fields"][0]["field"], "date");
    assert_eq!(body["fields"][0]["code"], "error.calendar.unknown_year");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("not in the working-day calendar"),
        "{body}"
    );
    assert!(
        body["fields"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("2027"),
        "{body}"
    );
    assert!(body.get("working").is_none());

    let (status, body) = get_json(&c, t.url("/api/v1/calendar/add?from=2027-01-04&days=1")).await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["code"], "error.calendar.unknown_year");
    assert_eq!(body["fields"][0]["field"], "from");

    // Counting from a covered date into an uncovered year is refused too.
    let (status, body) = get_json(&c, t.url("/api/v1/calendar/add?from=2026-12-30&days=30")).await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["code"], "error.calendar.unknown_year");

    let (status, body) = get_json(
        &c,
        t.url("/api/v1/calendar/between?from=2026-12-01&to=2027-01-10"),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["field"], "to");

    let (status, _) = get_json(&c, t.url("/api/v1/calendar/years/2027")).await;
    assert_eq!(status, 404);

    // Malformed input names the field.
    let (status, body) = get_json(&c, t.url("/api/v1/calendar/add?from=2024-13-01&days=-1")).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["from", "days"]);
}

#[tokio::test]
async fn firms_may_not_use_the_calendar() {
    let t = TestApp::spawn().await;
    t.create_user("firm", "enterprise", None).await;
    let c = t.login("firm").await;
    let (status, body) = get_json(&c, t.url("/api/v1/calendar/working-day?date=2024-02-12")).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "forbidden");
    let (status, _) = get_json(&c, t.url("/api/v1/calendar/years")).await;
    assert_eq!(status, 403);
}

const TABLE_2027: &str = r#"[2027]
source = "test notice for 2027"
off = ["2027-01-01", "2027-01-02", "2027-01-03"]
work = []
names = { "2027-01-01" = "元旦" }
"#;

#[tokio::test]
async fn an_administrator_adds_a_year() {
    let t = TestApp::spawn().await;
    t.create_user("root", "admin", None).await;
    t.create_user("leader", "leader", Some("yongkang")).await;
    let admin = t.login("root").await;

    // City leaders may read the calendar, not change it.
    let leader = t.login("leader").await;
    let res = leader
        .post(t.url("/api/v1/calendar/years"))
        .header("content-type", "text/plain")
        .body(TABLE_2027)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // A broken table is refused whole; nothing is written.
    let broken = TABLE_2027.replace("work = []", "work = [\"2027-01-04\"]");
    let res = admin
        .post(t.url("/api/v1/calendar/years"))
        .json(&json!({"toml": broken}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "toml");
    assert_eq!(body["fields"][0]["code"], "error.calendar.invalid");
    let (status, _) = get_json(
        &admin,
        t.url("/api/v1/calendar/working-day?date=2027-01-01"),
    )
    .await;
    assert_eq!(status, 422, "still unknown");

    let res = admin
        .post(t.url("/api/v1/calendar/years"))
        .header("content-type", "text/plain")
        .body(TABLE_2027)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["year"], 2027);

    let (status, body) = get_json(
        &admin,
        t.url("/api/v1/calendar/working-day?date=2027-01-01"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["working"], false);
    assert_eq!(body["holiday"], "元旦");
    let (_, body) = get_json(&admin, t.url("/api/v1/calendar/add?from=2026-12-31&days=1")).await;
    assert_eq!(body["date"], "2027-01-04");

    // The JSON form replaces it; both are audited.
    let res = admin
        .post(t.url("/api/v1/calendar/years"))
        .json(&json!({"toml": TABLE_2027.replace("test notice", "corrected notice")}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let history = wujin_app::audit::history_of(&t.app, "calendar_year", "2027", 10)
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["update", "create"]);
}
