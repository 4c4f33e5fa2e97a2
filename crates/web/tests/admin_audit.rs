//! 审计日志 pages: who may browse, filters, the detail page and the CSV export.

use wujin_app::audit::AuditFilter;
use wujin_app::{Ctx, PageRequest};
use wujin_testkit::{TestApp, get_text};

/// Today's date in China time, as the date inputs send it.
fn today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string()
}

async fn first_event_id(t: &TestApp, entity: &str) -> i64 {
    let f = AuditFilter {
        entity: Some(entity.to_string()),
        ..Default::default()
    };
    let page = wujin_app::audit::list(&t.app, &Ctx::cli(), &f, PageRequest::default())
        .await
        .unwrap();
    page.items
        .first()
        .unwrap_or_else(|| panic!("no {entity} event"))
        .id
}

#[tokio::test]
async fn admin_filters_the_log_by_entity_and_dates() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let wang = t.create_user("wang", "cadre", Some("jxj")).await;
    let dept_event = first_event_id(&t, "department").await;
    let c = t.login("admin").await;

    let wang_row = format!("用户 #{wang}</a>");
    let (s, all) = get_text(&c, &t, "/admin/audit").await;
    assert_eq!(s, 200);
    assert!(!all.contains('⟦'), "untranslated key");
    assert!(all.contains(&wang_row), "{all}");

    let (s, users) = get_text(&c, &t, "/admin/audit?entity=user").await;
    assert_eq!(s, 200);
    assert!(users.contains(&wang_row), "{users}");
    assert!(
        !users.contains(&format!("href=\"/admin/audit/{dept_event}\"")),
        "a department event is shown under entity=user"
    );

    let (_, by_id) = get_text(
        &c,
        &t,
        &format!("/admin/audit?entity=user&entity_id={wang}"),
    )
    .await;
    assert!(by_id.contains(&wang_row));
    assert_eq!(
        by_id.matches("<tr>").count(),
        2,
        "header row and the one event of wang: {by_id}"
    );

    let (_, by_action) = get_text(&c, &t, "/admin/audit?entity=user&action=disable").await;
    assert!(!by_action.contains(&wang_row), "nobody was disabled");

    let (_, by_actor) = get_text(&c, &t, "/admin/audit?actor=cli&entity=user").await;
    assert!(by_actor.contains(&wang_row));
    let (_, by_other_actor) = get_text(&c, &t, "/admin/audit?actor=nobody").await;
    assert!(by_other_actor.contains("暂无记录。"));

    let (s, future) = get_text(
        &c,
        &t,
        "/admin/audit?entity=user&from=2099-01-01&to=2099-12-31",
    )
    .await;
    assert_eq!(s, 200);
    assert!(!future.contains(&wang_row));
    assert!(future.contains("暂无记录。"), "{future}");
    let (_, past) = get_text(&c, &t, "/admin/audit?to=2000-01-01").await;
    assert!(past.contains("暂无记录。"));
    // The to-date is inclusive: today..today holds what was written today.
    let day = today();
    let (_, today_only) = get_text(
        &c,
        &t,
        &format!("/admin/audit?entity=user&from={day}&to={day}"),
    )
    .await;
    assert!(today_only.contains(&wang_row), "{today_only}");

    let (_, en) = get_text(&c, &t, "/admin/audit?lang=en").await;
    assert!(!en.contains('⟦'), "untranslated key in English");
}

#[tokio::test]
async fn detail_shows_before_and_after_and_links_the_history() {
    let t = TestApp::spawn().await;
    t.create_user("admin", "admin", None).await;
    let wang = t.create_user("wang", "cadre", Some("jxj")).await;
    wujin_app::users::set_active(&t.app, &Ctx::cli(), wang, false)
        .await
        .unwrap();
    let history = wujin_app::audit::history_of(&t.app, "user", &wang.to_string(), 50)
        .await
        .unwrap();
    let change = history.first().expect("the disable event");
    assert_eq!(change.changed_fields, vec!["active".to_string()]);
    let c = t.login("admin").await;

    let (s, body) = get_text(&c, &t, &format!("/admin/audit/{}", change.id)).await;
    assert_eq!(s, 200);
    assert!(!body.contains('⟦'), "untranslated key");
    assert!(body.contains("变更前") && body.contains("变更后"), "{body}");
    assert!(body.contains("<td class=\"mono\">active</td>\n      <td><pre>true</pre></td>\n      <td><pre>false</pre></td>"), "{body}");
    // Unchanged fields are there too, muted.
    assert!(
        body.contains("<tr class=\"muted\">\n      <td class=\"mono\">display_name"),
        "{body}"
    );
    assert!(body.contains("测试wang"));
    let unescaped = body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        unescaped.contains(&format!(
            "href=\"/admin/audit?entity=user&entity_id={wang}\""
        )),
        "history link: {body}"
    );
    let all = wujin_app::audit::get(&t.app, &Ctx::cli(), change.id)
        .await
        .unwrap();
    assert!(
        body.contains(&all.hash) && body.contains(&all.prev_hash),
        "both hashes are shown"
    );
    assert!(body.contains(&change.request_id));

    let (s, _) = get_text(&c, &t, "/admin/audit/999999").await;
    assert_eq!(s, 404);
    let (s, _) = get_text(&c, &t, "/admin/audit/not-a-number").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn export_is_a_csv_of_the_filtered_rows() {
    let t = TestApp::spawn().await;
    t.create_user("admin", "admin", None).await;
    let wang = t.create_user("wang", "cadre", Some("jxj")).await;
    let c = t.login("admin").await;

    let res = c
        .get(t.url("/admin/audit/export.csv?entity=user"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let body = res.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'), "BOM for Excel");
    let lines: Vec<&str> = body.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("编号,时间,操作人,操作,对象"),
        "{}",
        lines[0]
    );
    // admin and wang were created: two user events, no department events.
    assert_eq!(lines.len(), 3, "{body}");
    assert!(
        lines.iter().any(|l| l.contains(&format!(",用户,{wang},"))),
        "{body}"
    );
    assert!(!body.contains("组织单位"));

    let res = c
        .get(t.url("/admin/audit/export.csv?entity=user&from=2099-01-01"))
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert_eq!(
        body.trim_start_matches('\u{feff}').lines().count(),
        1,
        "only the header: {body}"
    );
}

#[tokio::test]
async fn only_admin_and_leader_may_read_the_log() {
    let t = TestApp::spawn().await;
    t.create_role_users().await;
    let event = first_event_id(&t, "user").await;
    for (name, allowed) in [
        ("admin", true),
        ("leader", true),
        ("dept", false),
        ("town", false),
        ("cadre", false),
        ("firm", false),
    ] {
        let c = t.login(name).await;
        for path in [
            "/admin/audit".to_string(),
            format!("/admin/audit/{event}"),
            "/admin/audit/export.csv".to_string(),
        ] {
            let (s, _) = get_text(&c, &t, &path).await;
            assert_eq!(s, if allowed { 200 } else { 403 }, "{name} {path}");
        }
        let (_, home) = get_text(&c, &t, "/").await;
        assert_eq!(
            home.contains("href=\"/admin/audit\""),
            allowed,
            "menu entry for {name}"
        );
    }
    let anon = t.client().get(t.url("/admin/audit")).send().await.unwrap();
    assert_eq!(anon.status(), 303);
}

#[tokio::test]
async fn every_action_and_entity_in_the_demo_log_has_a_label() {
    use wujin_web::i18n::{Lang, has};
    let t = TestApp::spawn().await;
    wujin_app::demo::fill_with_history(&t.app).await.unwrap();
    let ctx = Ctx::cli();
    let actions = wujin_app::audit::actions(&t.app, &ctx).await.unwrap();
    let entities = wujin_app::audit::entities(&t.app, &ctx).await.unwrap();
    assert!(actions.contains(&"publish".to_string()), "{actions:?}");
    assert!(
        entities.contains(&"low_end_case".to_string()),
        "{entities:?}"
    );
    for lang in [Lang::ZhCn, Lang::En] {
        for a in &actions {
            assert!(
                has(lang, &format!("audit.actions.{a}")),
                "{lang:?}: action {a}"
            );
        }
        for e in &entities {
            assert!(
                has(lang, &format!("audit.entities.{e}")),
                "{lang:?}: entity {e}"
            );
        }
    }
    // The action filter offers what the log holds, labelled.
    let c = t.login_with("admin", wujin_app::demo::DEMO_PASSWORD).await;
    let (s, page) = get_text(&c, &t, "/admin/audit?action=publish").await;
    assert_eq!(s, 200);
    assert!(
        page.contains(r#"<option value="publish" selected>发布公示</option>"#),
        "{page}"
    );
    assert!(page.contains("评价批次"), "{page}");
}
