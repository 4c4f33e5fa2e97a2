//! For every route, every role gets exactly what the design allows (DESIGN.md §2), and
//! anonymous callers get 401 (API) or the sign-in page (HTML).

use std::collections::HashMap;

use reqwest::{Method, StatusCode};
use wujin_testkit::TestApp;

const ROLES: [&str; 6] = ["admin", "leader", "dept", "town", "cadre", "firm"];

/// Who may read: A admin, L leader, D department staff, T town staff, C cadre, F enterprise.
fn allowed(who: &str, role: &str) -> bool {
    let letter = match role {
        "admin" => 'A',
        "leader" => 'L',
        "dept" => 'D',
        "town" => 'T',
        "cadre" => 'C',
        "firm" => 'F',
        _ => unreachable!(),
    };
    who.contains(letter)
}

/// (path, who may open it). Everything else gets 403.
const PAGES: &[(&str, &str)] = &[
    ("/", "ALDTCF"),
    ("/notifications", "ALDTCF"),
    ("/account", "ALDTCF"),
    ("/account/password", "ALDTCF"),
    ("/api/docs", "ALDTCF"),
    ("/admin/users", "ALDT"),
    ("/admin/users/new", "ADT"),
    ("/admin/users/export.csv", "ALDT"),
    ("/admin/departments", "ALDT"),
    ("/admin/departments/new", "A"),
    ("/admin/departments/export.csv", "ALDT"),
    ("/admin/audit", "AL"),
    ("/admin/audit/export.csv", "AL"),
    ("/admin/login-log", "AL"),
    ("/admin/login-log/export.csv", "AL"),
    ("/admin/calendar", "ALDTC"),
    ("/admin/calendar/2024", "ALDTC"),
    ("/enterprises", "ALDTCF"),
    ("/enterprises/export.xlsx", "ALDTCF"),
    ("/enterprises/new", "AT"),
    ("/figures", "ALDTCF"),
    ("/figures/export.xlsx", "ALDTCF"),
    ("/imports", "ADT"),
    ("/imports/template/figures.xlsx", "ALDTCF"),
    ("/admin/dictionaries", "ALDTCF"),
];

const API_GETS: &[(&str, &str)] = &[
    ("/api/v1/me", "ALDTCF"),
    ("/api/v1/me/logins", "ALDTCF"),
    ("/api/v1/notifications", "ALDTCF"),
    ("/api/v1/notifications/unread-count", "ALDTCF"),
    ("/api/v1/tokens", "ALDTCF"),
    ("/api/v1/users", "ALDT"),
    ("/api/v1/departments", "ALDT"),
    ("/api/v1/audit", "AL"),
    ("/api/v1/audit/entities", "AL"),
    ("/api/v1/login-log", "AL"),
    ("/api/v1/calendar/years", "ALDTC"),
    ("/api/v1/calendar/working-day?date=2024-10-08", "ALDTC"),
    ("/api/v1/enterprises", "ALDTCF"),
    ("/api/v1/enterprises/export.xlsx", "ALDTCF"),
    ("/api/v1/figures/export.xlsx?year=2024", "ALDTCF"),
    ("/api/v1/industry-groups", "ALDTCF"),
    ("/api/v1/tags", "ALDTCF"),
    ("/api/v1/imports", "ADT"),
    ("/api/v1/imports/templates/enterprises.xlsx", "ALDTCF"),
];

async fn clients(t: &TestApp) -> HashMap<&'static str, reqwest::Client> {
    t.create_role_users().await;
    let mut out = HashMap::new();
    for r in ROLES {
        out.insert(r, t.login(r).await);
    }
    out
}

#[tokio::test]
async fn pages_by_role() {
    let t = TestApp::spawn().await;
    let cs = clients(&t).await;
    let mut wrong = Vec::new();
    for (path, who) in PAGES {
        for role in ROLES {
            let status = cs[role].get(t.url(path)).send().await.unwrap().status();
            let expected = if allowed(who, role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            if status != expected {
                wrong.push(format!("{role} GET {path}: {status}, expected {expected}"));
            }
        }
        let anon = t.client().get(t.url(path)).send().await.unwrap();
        let to_login = anon.status() == StatusCode::SEE_OTHER
            && anon.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login");
        if !to_login {
            wrong.push(format!(
                "anonymous GET {path}: {}, expected a redirect to /login",
                anon.status()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn api_reads_by_role() {
    let t = TestApp::spawn().await;
    let cs = clients(&t).await;
    let mut wrong = Vec::new();
    for (path, who) in API_GETS {
        for role in ROLES {
            let status = cs[role].get(t.url(path)).send().await.unwrap().status();
            let expected = if allowed(who, role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            if status != expected {
                wrong.push(format!("{role} GET {path}: {status}, expected {expected}"));
            }
        }
        let anon = t.client().get(t.url(path)).send().await.unwrap().status();
        if anon != StatusCode::UNAUTHORIZED {
            wrong.push(format!("anonymous GET {path}: {anon}, expected 401"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Writes: each role gets its exact answer, and a refused write changes nothing.
#[tokio::test]
async fn writes_by_role() {
    let t = TestApp::spawn().await;
    let cs = clients(&t).await;
    let jxj = t.unit("jxj").await;
    let target = t.create_user("target", "cadre", Some("jxj")).await;
    let cases: Vec<(Method, String, serde_json::Value, [u16; 6])> = vec![
        // admin, leader, dept, town, cadre, firm
        (
            Method::POST,
            "/api/v1/users".into(),
            serde_json::json!({"username": "{role}_made", "display_name": "新人", "role": "cadre", "department_id": jxj}),
            [201, 403, 201, 422, 403, 403],
        ),
        (
            Method::POST,
            "/api/v1/departments".into(),
            serde_json::json!({"kind": "department", "code": "{role}-unit", "name": "新部门", "parent_id": t.unit("yongkang").await}),
            [201, 403, 403, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("/api/v1/users/{target}/reset-password"),
            serde_json::json!({}),
            [200, 403, 200, 404, 403, 403],
        ),
    ];
    let mut wrong = Vec::new();
    for (method, path, body, expect) in &cases {
        for (i, role) in ROLES.iter().enumerate() {
            let body: serde_json::Value =
                serde_json::from_str(&body.to_string().replace("{role}", role)).unwrap();
            let status = cs[role]
                .request(method.clone(), t.url(path))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status();
            if status.as_u16() != expect[i] {
                wrong.push(format!(
                    "{role} {method} {path}: {status}, expected {}",
                    expect[i]
                ));
            }
        }
        let anon = t
            .client()
            .request(method.clone(), t.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
            .status();
        if anon != StatusCode::UNAUTHORIZED {
            wrong.push(format!("anonymous {method} {path}: {anon}, expected 401"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Refused writes changed nothing: only the admin's and the department's users exist.
    let users = wujin_app::users::list(
        &t.app,
        &wujin_app::Ctx::cli(),
        &Default::default(),
        Default::default(),
    )
    .await
    .unwrap();
    let made: Vec<_> = users
        .items
        .iter()
        .map(|u| u.username.as_str())
        .filter(|u| u.ends_with("_made"))
        .collect();
    assert_eq!(made, ["admin_made", "dept_made"]);
}

/// A department user cannot read or change another department's users.
#[tokio::test]
async fn department_users_stay_inside_their_department() {
    let t = TestApp::spawn().await;
    let cs = clients(&t).await;
    let other = t.create_user("fgj_staff", "department", Some("fgj")).await;
    let dept = &cs["dept"];
    for (method, path) in [
        (Method::GET, format!("/admin/users/{other}")),
        (Method::GET, format!("/admin/users/{other}/edit")),
        (Method::POST, format!("/admin/users/{other}/disable")),
        (Method::POST, format!("/admin/users/{other}/reset-password")),
        (Method::GET, format!("/api/v1/users/{other}")),
        (Method::PUT, format!("/api/v1/users/{other}")),
        (Method::POST, format!("/api/v1/users/{other}/disable")),
    ] {
        let mut req = dept.request(method.clone(), t.url(&path));
        req = if path.starts_with("/api") {
            req.json(&serde_json::json!({"username": "fgj_staff", "display_name": "改名", "role": "department", "department_id": t.unit("fgj").await}))
        } else {
            req.form(&[("username", "fgj_staff")])
        };
        let status = req.send().await.unwrap().status();
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    let u = wujin_app::users::get(&t.app, &wujin_app::Ctx::cli(), other)
        .await
        .unwrap();
    assert!(u.active);
    assert!(!u.must_change_password);
    assert_eq!(u.display_name, "测试fgj_staff");
}
