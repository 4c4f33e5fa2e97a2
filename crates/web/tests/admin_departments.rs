//! 组织架构 pages: the tree, filters, export, create, edit, disable, enable, permissions.

use wujin_app::Ctx;
use wujin_testkit::{TestApp, get_text, location};

/// Creates a unit through the form and returns its id.
async fn create_unit(t: &TestApp, c: &reqwest::Client, parent: i64, code: &str, name: &str) -> i64 {
    let res = c
        .post(t.url("/admin/departments"))
        .form(&[
            ("parent_id", parent.to_string().as_str()),
            ("kind", "department"),
            ("code", code),
            ("name", name),
            ("short_name", ""),
            ("sort_order", "200"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let to = location(&res);
    let id = to
        .strip_prefix("/admin/departments/")
        .and_then(|r| r.strip_suffix("?msg=created"))
        .expect("redirect to the new unit");
    id.parse().unwrap()
}

#[tokio::test]
async fn admin_creates_and_edits_a_unit_and_sees_the_history() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let root = t.unit("yongkang").await;
    let c = t.login("boss").await;

    let form = c.get(t.url("/admin/departments/new")).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(
        form.contains("name=\"code\"") && form.contains("永康市人民政府"),
        "{form}"
    );
    assert!(!form.contains('⟦'), "{form}");

    let id = create_unit(&t, &c, root, "xfj", "市信访局").await;
    let d = wujin_app::departments::get(&t.app, &Ctx::cli(), id)
        .await
        .unwrap();
    assert_eq!(
        (
            d.code.as_str(),
            d.name.as_str(),
            d.parent_id,
            d.sort_order,
            d.active
        ),
        ("xfj", "市信访局", Some(root), 200, true)
    );

    let body = get_text(&c, &t, &format!("/admin/departments/{id}?msg=created"))
        .await
        .1;
    assert!(
        body.contains("已创建。") && body.contains("市信访局"),
        "{body}"
    );
    assert!(
        body.contains(&format!("/admin/users?department_id={id}")),
        "link to the unit's users"
    );

    let edit = get_text(&c, &t, &format!("/admin/departments/{id}/edit"))
        .await
        .1;
    assert!(
        edit.contains("value=\"xfj\"") && edit.contains("value=\"市信访局\""),
        "prefilled: {edit}"
    );

    let res = c
        .post(t.url(&format!("/admin/departments/{id}")))
        .form(&[
            ("parent_id", root.to_string().as_str()),
            ("kind", "department"),
            ("code", "xfj"),
            ("name", "市信访局（改）"),
            ("short_name", "信访局"),
            ("sort_order", "200"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/admin/departments/{id}?msg=saved"));
    let body = get_text(&c, &t, &location(&res)).await.1;
    assert!(body.contains("市信访局 → 市信访局（改）"), "{body}");
    assert!(body.contains("— → 信访局"), "{body}");
    assert!(!body.contains('⟦'), "{body}");
    let history = wujin_app::audit::history_of(&t.app, "department", &id.to_string(), 50)
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["update", "create"]);

    // A bad edit is refused with field messages and changes nothing.
    let res = c
        .post(t.url(&format!("/admin/departments/{id}")))
        .form(&[
            ("parent_id", root.to_string().as_str()),
            ("kind", "village"),
            ("code", "jxj"),
            ("name", ""),
            ("sort_order", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    for msg in ["请选择单位类型。", "该编码已被使用。", "请填写单位名称"] {
        assert!(
            body.contains(&format!("<p class=\"field-error\">{msg}")),
            "{msg}: {body}"
        );
    }
    assert_eq!(
        wujin_app::departments::get(&t.app, &Ctx::cli(), id)
            .await
            .unwrap()
            .name,
        "市信访局（改）"
    );

    // The tree shows it, indented one level below the city.
    let body = get_text(&c, &t, "/admin/departments").await.1;
    assert!(
        body.contains(&format!(
            "<td class=\"depth-1\"><a href=\"/admin/departments/{id}\">市信访局（改）</a>"
        )),
        "{body}"
    );
    assert!(
        body.contains("<td class=\"depth-0\"><a href=\"/admin/departments/"),
        "{body}"
    );
    assert!(body.contains("href=\"/admin/departments/new\""));

    // Every page speaks English too.
    for path in [
        "/admin/departments?lang=en".to_string(),
        "/admin/departments/new?lang=en".to_string(),
        format!("/admin/departments/{id}?lang=en"),
        format!("/admin/departments/{id}/edit?lang=en"),
    ] {
        let res = c.get(t.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.unwrap();
        assert!(body.contains("<html lang=\"en\">"), "{path}");
        assert!(!body.contains('⟦'), "{path}: {body}");
    }
}

#[tokio::test]
async fn a_unit_cannot_be_moved_below_itself() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let root = t.unit("yongkang").await;
    let c = t.login("boss").await;
    let a = create_unit(&t, &c, root, "unit-a", "甲单位").await;
    let b = create_unit(&t, &c, a, "unit-b", "乙单位").await;

    let body = get_text(&c, &t, "/admin/departments").await.1;
    assert!(
        body.contains(&format!(
            "<td class=\"depth-2\"><a href=\"/admin/departments/{b}\">乙单位</a>"
        )),
        "{body}"
    );

    let res = c
        .post(t.url(&format!("/admin/departments/{a}")))
        .form(&[
            ("parent_id", b.to_string().as_str()),
            ("kind", "department"),
            ("code", "unit-a"),
            ("name", "甲单位"),
            ("sort_order", "200"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("<p class=\"field-error\">不能把单位移到它自己的下级之下。"),
        "{body}"
    );
    assert_eq!(
        wujin_app::departments::get(&t.app, &Ctx::cli(), a)
            .await
            .unwrap()
            .parent_id,
        Some(root)
    );
    let history = wujin_app::audit::history_of(&t.app, "department", &a.to_string(), 50)
        .await
        .unwrap();
    assert_eq!(history.len(), 1, "only the creation is recorded");
}

#[tokio::test]
async fn a_unit_with_active_users_cannot_be_disabled() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let staff = t.create_user("gs_staff", "town", Some("gushan")).await;
    let gushan = t.unit("gushan").await;
    let c = t.login("boss").await;

    let res = c
        .post(t.url(&format!("/admin/departments/{gushan}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("<div class=\"flash error\" role=\"alert\">该单位还有正常使用的用户"),
        "{body}"
    );
    assert!(body.contains("古山镇"), "the detail page is shown: {body}");
    assert!(
        wujin_app::departments::get(&t.app, &Ctx::cli(), gushan)
            .await
            .unwrap()
            .active
    );

    // The city has active sub-units.
    let root = t.unit("yongkang").await;
    let res = c
        .post(t.url(&format!("/admin/departments/{root}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("该单位还有启用的下级单位")
    );

    // Once the user is disabled, the unit can be.
    wujin_app::users::set_active(&t.app, &Ctx::cli(), staff, false)
        .await
        .unwrap();
    let res = c
        .post(t.url(&format!("/admin/departments/{gushan}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/admin/departments/{gushan}?msg=disabled")
    );
    assert!(
        !wujin_app::departments::get(&t.app, &Ctx::cli(), gushan)
            .await
            .unwrap()
            .active
    );
    let body = get_text(&c, &t, "/admin/departments?status=disabled")
        .await
        .1;
    assert!(
        body.contains(">古山镇</a>") && !body.contains(">芝英镇</a>"),
        "{body}"
    );

    let res = c
        .post(t.url(&format!("/admin/departments/{gushan}/enable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        wujin_app::departments::get(&t.app, &Ctx::cli(), gushan)
            .await
            .unwrap()
            .active
    );
    let history = wujin_app::audit::history_of(&t.app, "department", &gushan.to_string(), 50)
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(&actions[..2], ["enable", "disable"]);
}

#[tokio::test]
async fn town_staff_see_the_tree_but_cannot_change_it() {
    let t = TestApp::spawn().await;
    t.create_user("gs", "town", Some("gushan")).await;
    let root = t.unit("yongkang").await;
    let jxj = t.unit("jxj").await;
    let c = t.login("gs").await;

    let res = c.get(t.url("/admin/departments")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("古山镇") && !body.contains("href=\"/admin/departments/new\""),
        "{body}"
    );
    let body = get_text(&c, &t, &format!("/admin/departments/{jxj}"))
        .await
        .1;
    assert!(
        !body.contains("/disable") && !body.contains("/edit"),
        "{body}"
    );

    assert_eq!(
        c.get(t.url("/admin/departments/new"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        c.get(t.url(&format!("/admin/departments/{jxj}/edit")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let before = wujin_app::departments::list(&t.app, &Ctx::cli(), &Default::default())
        .await
        .unwrap()
        .len();
    let res = c
        .post(t.url("/admin/departments"))
        .form(&[
            ("parent_id", root.to_string().as_str()),
            ("kind", "department"),
            ("code", "rogue"),
            ("name", "冒名单位"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        c.post(t.url(&format!("/admin/departments/{jxj}/disable")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        wujin_app::departments::list(&t.app, &Ctx::cli(), &Default::default())
            .await
            .unwrap()
            .len(),
        before
    );
    assert!(
        wujin_app::departments::get(&t.app, &Ctx::cli(), jxj)
            .await
            .unwrap()
            .active
    );
}

#[tokio::test]
async fn the_tree_is_filtered_and_exported() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    t.create_user("gs1", "town", Some("gushan")).await;
    t.create_user("gs2", "cadre", Some("gushan")).await;
    let gushan = t.unit("gushan").await;
    let c = t.login("boss").await;

    let body = get_text(&c, &t, "/admin/departments?kind=street").await.1;
    for street in ["东城街道", "西城街道", "江南街道"] {
        assert!(body.contains(&format!(">{street}</a>")), "{street}: {body}");
    }
    assert!(
        !body.contains(">古山镇</a>") && !body.contains(">市经济和信息化局</a>"),
        "{body}"
    );
    assert!(body.contains("export.csv?kind=street"), "{body}");

    let body = get_text(&c, &t, "/admin/departments?q=%E5%8F%A4%E5%B1%B1")
        .await
        .1;
    assert!(
        body.contains(">古山镇</a>") && !body.contains(">芝英镇</a>"),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "<a href=\"/admin/users?department_id={gushan}\">2</a>"
        )),
        "active users counted: {body}"
    );

    let res = c
        .get(t.url("/admin/departments/export.csv?kind=street"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "单位名称,简称,编码,类型,上级单位,正常用户数,状态");
    assert_eq!(lines.len(), 4, "{csv}");
    assert_eq!(
        lines[1],
        "东城街道,东城,dongcheng,街道,永康市人民政府,0,启用"
    );

    let csv = get_text(&c, &t, "/admin/departments/export.csv?q=gushan&lang=en")
        .await
        .1;
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "Name,Short name,Code,Kind,Parent unit,Active users,Status",
            "古山镇,古山,gushan,Town,永康市人民政府,2,Active"
        ]
    );
}
