//! 用户管理 pages: list, filters, export, create, edit, disable, enable, reset password, scope.

use wujin_app::users::UserFilter;
use wujin_app::{Ctx, PageRequest};
use wujin_testkit::{TEST_PASSWORD, TestApp, get_text, location};

/// A form as (name, value) pairs.
type Form<'a> = &'a [(&'a str, &'a str)];

async fn find_user(t: &TestApp, username: &str) -> Option<wujin_app::users::UserView> {
    let f = UserFilter {
        q: Some(username.to_string()),
        ..Default::default()
    };
    wujin_app::users::list(&t.app, &Ctx::cli(), &f, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|u| u.username == username)
}

/// The temporary password shown on the result page.
fn shown_password(body: &str) -> String {
    let start = body
        .find("id=\"temporary-password\"")
        .expect("password shown");
    let rest = &body[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find("</code>").unwrap();
    rest[open..close].to_string()
}

fn cell(username: &str) -> String {
    format!(">{username}</a>")
}

#[tokio::test]
async fn admin_filters_sorts_and_exports_users() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    t.create_user("zhang_jx", "department", Some("jxj")).await;
    t.create_user("li_jx", "cadre", Some("jxj")).await;
    t.create_user("wang_fg", "department", Some("fgj")).await;
    let zhao = t.create_user("zhao_gs", "town", Some("gushan")).await;
    wujin_app::users::set_active(&t.app, &Ctx::cli(), zhao, false)
        .await
        .unwrap();
    let jxj = t.unit("jxj").await;
    let c = t.login("boss").await;

    let res = c
        .get(t.url(&format!(
            "/admin/users?department_id={jxj}&sort=username&dir=desc"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains('⟦'), "untranslated key in {body}");
    let (z, l) = (
        body.find(&cell("zhang_jx")).expect("zhang listed"),
        body.find(&cell("li_jx")).expect("li listed"),
    );
    assert!(z < l, "descending by username");
    for other in ["wang_fg", "zhao_gs", "boss"] {
        assert!(
            !body.contains(&cell(other)),
            "{other} should be filtered out"
        );
    }
    // The pager and the export keep the filters.
    let unescaped = body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        unescaped.contains(&format!(
            "/admin/users/export.csv?department_id={jxj}&sort=username&dir=desc\""
        )),
        "{body}"
    );
    assert!(
        unescaped.contains(&format!(
            "/admin/users?department_id={jxj}&sort=username&dir=desc&page=1\""
        )),
        "{body}"
    );
    assert!(
        body.contains("href=\"/admin/users/new\""),
        "admin sees the create button"
    );

    let body = get_text(&c, &t, "/admin/users?role=department&sort=username")
        .await
        .1;
    assert!(body.contains(&cell("wang_fg")) && body.contains(&cell("zhang_jx")));
    assert!(!body.contains(&cell("li_jx")) && !body.contains(&cell("zhao_gs")));
    assert!(
        body.find(&cell("wang_fg")).unwrap() < body.find(&cell("zhang_jx")).unwrap(),
        "ascending by username"
    );

    let body = get_text(&c, &t, "/admin/users?q=WANG").await.1;
    assert!(body.contains(&cell("wang_fg")) && !body.contains(&cell("zhang_jx")));

    let body = get_text(&c, &t, "/admin/users?status=disabled").await.1;
    assert!(body.contains(&cell("zhao_gs")) && !body.contains(&cell("boss")));
    assert!(body.contains("status-disabled"));

    let res = c
        .get(t.url(&format!(
            "/admin/users/export.csv?department_id={jxj}&sort=username&dir=desc"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "byte-order mark");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "用户名,姓名,角色,所属单位,手机号,状态,最近登录,创建时间"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with("zhang_jx,测试zhang_jx,部门人员,市经济和信息化局,,正常,"),
        "{csv}"
    );
    assert!(
        lines[2].starts_with("li_jx,测试li_jx,驻企干部,市经济和信息化局,,正常,"),
        "{csv}"
    );

    let csv = get_text(&c, &t, "/admin/users/export.csv?status=disabled&lang=en")
        .await
        .1;
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "Username,Name,Role,Unit,Mobile,Status,Last sign-in,Created"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].starts_with("zhao_gs,测试zhao_gs,Town staff,古山镇,,Disabled,"),
        "{csv}"
    );
}

#[tokio::test]
async fn admin_creates_a_user_who_must_change_the_temporary_password() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let jxj = t.unit("jxj").await;
    let c = t.login("boss").await;

    let form = c.get(t.url("/admin/users/new")).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(form.contains("name=\"username\"") && form.contains("name=\"password\""));
    assert!(!form.contains('⟦'), "{form}");

    let res = c
        .post(t.url("/admin/users"))
        .form(&[
            ("username", "newbie"),
            ("display_name", "新同事"),
            ("role", "cadre"),
            ("department_id", &jxj.to_string()),
            ("phone", "13800000000"),
            ("email", ""),
            ("enterprise_id", ""),
            ("password", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = res.text().await.unwrap();
    assert!(!body.contains('⟦'), "{body}");
    assert!(
        body.contains("临时密码") && body.contains("只显示这一次"),
        "{body}"
    );
    let password = shown_password(&body);
    assert_eq!(password.len(), 12, "generated password {password}");

    let u = find_user(&t, "newbie").await.expect("user created");
    assert!(u.must_change_password);
    assert!(u.active);
    assert_eq!(u.role, "cadre");
    assert_eq!(u.department_id, Some(jxj));
    assert_eq!(u.phone.as_deref(), Some("13800000000"));
    assert!(body.contains(&format!("href=\"/admin/users/{}\"", u.id)));
    let history = wujin_app::audit::history_of(&t.app, "user", &u.id.to_string(), 50)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "create");
    assert_eq!(history[0].actor_name, "boss");

    let res = t.sign_in("newbie", &password).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/account/password");

    // A typed temporary password is used as given.
    let res = c
        .post(t.url("/admin/users"))
        .form(&[
            ("username", "second"),
            ("display_name", "第二位"),
            ("role", "leader"),
            ("password", "Handover-2024"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(shown_password(&res.text().await.unwrap()), "Handover-2024");
    let res = t.sign_in("second", "Handover-2024").await;
    assert_eq!(location(&res), "/account/password");

    // The detail page shows the pending temporary password and the creation in the history.
    let body = get_text(&c, &t, &format!("/admin/users/{}", u.id)).await.1;
    assert!(body.contains("待修改临时密码"), "{body}");
    assert!(
        body.contains("变更记录") && body.contains("新同事"),
        "{body}"
    );
    assert!(!body.contains('⟦'), "{body}");

    // Every page speaks English too.
    for path in [
        "/admin/users?lang=en".to_string(),
        "/admin/users/new?lang=en".to_string(),
        format!("/admin/users/{}?lang=en", u.id),
        format!("/admin/users/{}/edit?lang=en", u.id),
    ] {
        let res = c.get(t.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.unwrap();
        assert!(body.contains("<html lang=\"en\">"), "{path}");
        assert!(!body.contains('⟦'), "{path}: {body}");
    }
}

#[tokio::test]
async fn invalid_input_is_refused_with_messages_and_nothing_is_written() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let gushan = t.unit("gushan").await.to_string();
    let jxj = t.unit("jxj").await.to_string();
    let c = t.login("boss").await;
    let users_before = t.user_total().await;
    let audit_before = t.audit_total().await;

    let cases: [(Form, &str, &str); 5] = [
        (
            &[
                ("username", "bad name!"),
                ("display_name", "某人"),
                ("role", "cadre"),
                ("department_id", &jxj),
            ],
            "username",
            "用户名须为 2–32 位字母",
        ),
        (
            &[
                ("username", "boss"),
                ("display_name", "重名"),
                ("role", "cadre"),
                ("department_id", &jxj),
            ],
            "username",
            "该用户名已被使用。",
        ),
        (
            &[
                ("username", "dept_in_town"),
                ("display_name", "某人"),
                ("role", "department"),
                ("department_id", &gushan),
            ],
            "department_id",
            "部门人员须属于一个市级部门。",
        ),
        (
            &[
                ("username", "shorty"),
                ("display_name", "某人"),
                ("role", "cadre"),
                ("department_id", &jxj),
                ("password", "short"),
            ],
            "password",
            "密码至少需要 8 个字符。",
        ),
        (
            &[
                ("username", "ent"),
                ("display_name", "某人"),
                ("role", "enterprise"),
                ("enterprise_id", "abc"),
            ],
            "enterprise_id",
            "企业编号须为正整数。",
        ),
    ];
    for (form, field, message) in cases {
        let res = c
            .post(t.url("/admin/users"))
            .form(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{form:?}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains(&format!("<p class=\"field-error\">{message}")),
            "{field}: {body}"
        );
        assert!(body.contains(&format!("name=\"{field}\"")), "{body}");
        assert!(body.contains("class=\"invalid\""), "{body}");
        assert!(
            body.contains("value=\"某人\"") || body.contains("value=\"重名\""),
            "input kept: {body}"
        );
        assert!(!body.contains("id=\"temporary-password\""));
        assert!(!body.contains('⟦'), "{body}");
    }
    assert_eq!(t.user_total().await, users_before, "no user created");
    assert_eq!(t.audit_total().await, audit_before, "no audit event");
    assert!(find_user(&t, "dept_in_town").await.is_none());
    assert!(find_user(&t, "shorty").await.is_none());
}

#[tokio::test]
async fn department_staff_manage_only_their_own_unit() {
    let t = TestApp::spawn().await;
    t.create_user("jx_boss", "department", Some("jxj")).await;
    let jx_user = t.create_user("jx_user", "cadre", Some("jxj")).await;
    let fg_user = t.create_user("fg_user", "cadre", Some("fgj")).await;
    let jxj = t.unit("jxj").await.to_string();
    let fgj = t.unit("fgj").await.to_string();
    let c = t.login("jx_boss").await;

    let body = get_text(&c, &t, "/admin/users").await.1;
    assert!(body.contains(&cell("jx_user")), "{body}");
    assert!(!body.contains(&cell("fg_user")), "{body}");
    assert!(
        !body.contains("市发展和改革局"),
        "units outside the scope are not offered: {body}"
    );
    let csv = get_text(&c, &t, "/admin/users/export.csv").await.1;
    assert!(csv.contains("jx_user") && !csv.contains("fg_user"), "{csv}");

    assert_eq!(
        c.get(t.url(&format!("/admin/users/{fg_user}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        c.get(t.url(&format!("/admin/users/{fg_user}/edit")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        c.post(t.url(&format!("/admin/users/{fg_user}/disable")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let res = c
        .get(t.url(&format!("/admin/users/{jx_user}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains(&format!("/admin/users/{jx_user}/edit")),
        "may manage a cadre of their unit"
    );

    // The form offers only what they may grant.
    let form = get_text(&c, &t, "/admin/users/new").await.1;
    assert!(
        form.contains("value=\"cadre\"") && !form.contains("value=\"admin\""),
        "{form}"
    );
    assert!(!form.contains(&format!("value=\"{fgj}\"")), "{form}");

    let before = t.user_total().await;
    let res = c
        .post(t.url("/admin/users"))
        .form(&[
            ("username", "sneaky"),
            ("display_name", "越权"),
            ("role", "admin"),
            ("department_id", &jxj),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("您不能授予该角色。"));
    let res = c
        .post(t.url("/admin/users"))
        .form(&[
            ("username", "elsewhere"),
            ("display_name", "越界"),
            ("role", "cadre"),
            ("department_id", &fgj),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("所选单位不在您的管理范围内。")
    );
    assert_eq!(t.user_total().await, before);

    let res = c
        .post(t.url("/admin/users"))
        .form(&[
            ("username", "jx_new"),
            ("display_name", "新干部"),
            ("role", "cadre"),
            ("department_id", &jxj),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let u = find_user(&t, "jx_new").await.expect("created");
    assert_eq!(u.department_id, Some(jxj.parse().unwrap()));
    assert_eq!(u.role, "cadre");
}

#[tokio::test]
async fn leader_reads_users_but_cannot_create_them() {
    let t = TestApp::spawn().await;
    t.create_user("mayor", "leader", Some("yongkang")).await;
    let cadre = t.create_user("cadre1", "cadre", Some("jxj")).await;
    let c = t.login("mayor").await;

    let res = c.get(t.url("/admin/users")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains(&cell("cadre1")));
    assert!(
        !body.contains("href=\"/admin/users/new\""),
        "no create button for a leader"
    );
    let body = get_text(&c, &t, &format!("/admin/users/{cadre}")).await.1;
    assert!(
        !body.contains("/disable") && !body.contains("/reset-password") && !body.contains("/edit"),
        "{body}"
    );

    assert_eq!(
        c.get(t.url("/admin/users/new"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let before = t.user_total().await;
    let res = c
        .post(t.url("/admin/users"))
        .form(&[
            ("username", "by_leader"),
            ("display_name", "某人"),
            ("role", "cadre"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(t.user_total().await, before);
    assert_eq!(
        c.post(t.url(&format!("/admin/users/{cadre}/disable")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert!(find_user(&t, "cadre1").await.unwrap().active);

    // Someone without the permission does not reach the pages at all.
    t.create_user("firm", "enterprise", None).await;
    let f = t.login("firm").await;
    assert_eq!(
        f.get(t.url("/admin/users")).send().await.unwrap().status(),
        403
    );
}

#[tokio::test]
async fn disabling_ends_the_session_and_blocks_sign_in_until_enabled() {
    let t = TestApp::spawn().await;
    let boss = t.create_user("boss", "admin", None).await;
    let victim = t.create_user("victim", "cadre", Some("jxj")).await;
    let admin = t.login("boss").await;
    let v = t.login("victim").await;
    assert_eq!(v.get(t.url("/")).send().await.unwrap().status(), 200);

    let res = admin
        .post(t.url(&format!("/admin/users/{victim}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/admin/users/{victim}?msg=disabled")
    );
    let res = v.get(t.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(location(&res).starts_with("/login"), "{}", location(&res));
    assert_eq!(t.sign_in("victim", TEST_PASSWORD).await.status(), 401);
    let body = get_text(&admin, &t, &format!("/admin/users/{victim}?msg=disabled"))
        .await
        .1;
    assert!(body.contains("已停用"), "{body}");
    assert!(
        body.contains(&format!("/admin/users/{victim}/enable")),
        "{body}"
    );
    let actions: Vec<String> =
        wujin_app::audit::history_of(&t.app, "user", &victim.to_string(), 50)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
    assert_eq!(actions.first().map(String::as_str), Some("disable"));

    let res = admin
        .post(t.url(&format!("/admin/users/{victim}/enable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/admin/users/{victim}?msg=enabled"));
    let res = t.sign_in("victim", TEST_PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/");
    // The session that existed before the disabling stays ended.
    assert_eq!(v.get(t.url("/")).send().await.unwrap().status(), 303);

    // Nobody disables themselves: the refusal is shown on the page.
    let res = admin
        .post(t.url(&format!("/admin/users/{boss}/disable")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("class=\"flash error\"") && body.contains("不能停用自己的账户。"),
        "{body}"
    );
    assert!(find_user(&t, "boss").await.unwrap().active);
}

#[tokio::test]
async fn reset_password_replaces_the_old_one_and_forces_a_change() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let victim = t.create_user("victim", "town", Some("gushan")).await;
    let admin = t.login("boss").await;
    let v = t.login("victim").await;

    // A password that breaks the policy is refused on the detail page; nothing changes.
    let audit_before = t.audit_total().await;
    let res = admin
        .post(t.url(&format!("/admin/users/{victim}/reset-password")))
        .form(&[("password", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("<p class=\"field-error\">密码至少需要 8 个字符。")
    );
    assert_eq!(t.audit_total().await, audit_before);
    assert_eq!(
        v.get(t.url("/")).send().await.unwrap().status(),
        200,
        "session untouched"
    );

    let res = admin
        .post(t.url(&format!("/admin/users/{victim}/reset-password")))
        .form(&[("password", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("重置密码"), "{body}");
    let password = shown_password(&body);
    assert_ne!(password, TEST_PASSWORD);

    assert_eq!(
        v.get(t.url("/")).send().await.unwrap().status(),
        303,
        "old session ended"
    );
    assert_eq!(
        t.sign_in("victim", TEST_PASSWORD).await.status(),
        401,
        "old password refused"
    );
    let res = t.sign_in("victim", &password).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/account/password");
    assert!(find_user(&t, "victim").await.unwrap().must_change_password);
    let history = wujin_app::audit::history_of(&t.app, "user", &victim.to_string(), 50)
        .await
        .unwrap();
    assert_eq!(history[0].action, "reset_password");
    assert!(
        !history[0]
            .after
            .as_ref()
            .unwrap()
            .to_string()
            .contains(&password),
        "the password is not logged"
    );
}

#[tokio::test]
async fn editing_a_user_is_validated_and_recorded_in_the_history() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let id = t.create_user("editme", "cadre", Some("jxj")).await;
    let jxj = t.unit("jxj").await.to_string();
    let c = t.login("boss").await;

    let form = c
        .get(t.url(&format!("/admin/users/{id}/edit")))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(
        form.contains("value=\"editme\"") && form.contains("value=\"测试editme\""),
        "prefilled: {form}"
    );
    assert!(
        !form.contains("name=\"password\""),
        "no password on the edit form"
    );

    let res = c
        .post(t.url(&format!("/admin/users/{id}")))
        .form(&[
            ("username", "editme"),
            ("display_name", "改过的名字"),
            ("role", "cadre"),
            ("department_id", &jxj),
            ("email", "not-an-email"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("电子邮箱格式不正确。"));
    assert_eq!(
        find_user(&t, "editme").await.unwrap().display_name,
        "测试editme"
    );

    let res = c
        .post(t.url(&format!("/admin/users/{id}")))
        .form(&[
            ("username", "editme"),
            ("display_name", "改过的名字"),
            ("role", "cadre"),
            ("department_id", &jxj),
            ("email", "a@b.cn"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/admin/users/{id}?msg=saved"));
    let body = get_text(&c, &t, &location(&res)).await.1;
    assert!(body.contains("已保存。"), "{body}");
    assert!(body.contains("测试editme → 改过的名字"), "{body}");
    assert!(body.contains("— → a@b.cn"), "{body}");
    assert!(!body.contains('⟦'), "{body}");
}
