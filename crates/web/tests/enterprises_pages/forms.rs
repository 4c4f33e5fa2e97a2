//! The profile, figures and land forms.

use super::fixtures::*;

#[tokio::test]
async fn the_profile_form_validates_inline_and_audits_changes() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let c = t.login("boss").await;
    let gushan = t.unit("gushan").await.to_string();
    let group = entry(&t, Dictionary::IndustryGroup, "power_tools")
        .await
        .to_string();
    let tag = entry(&t, Dictionary::Tag, "hi_tech").await.to_string();

    let (status, body) = get_text(&c, &t, "/enterprises/new").await;
    assert_eq!(status, 200);
    no_missing_keys(&body);

    // A credit code with a wrong check character: the message sits by the field, values stay.
    let mut bad = code(7);
    let last = if bad.ends_with('0') { '1' } else { '0' };
    bad.pop();
    bad.push(last);
    let form = |credit: &str, name: &str| {
        vec![
            ("credit_code".to_string(), credit.to_string()),
            ("name".into(), name.into()),
            ("town_id".into(), gushan.clone()),
            ("industry_group_id".into(), group.clone()),
            ("tag_ids".into(), tag.clone()),
            ("contact_phone".into(), "0579-87654321".into()),
        ]
    };
    let res = c
        .post(t.url("/enterprises"))
        .form(&form(&bad, "永康新星五金有限公司"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    no_missing_keys(&body);
    assert!(body.contains("id=\"error-credit_code\""), "{body}");
    assert!(body.contains("校验位不正确"));
    assert!(
        body.contains("value=\"永康新星五金有限公司\""),
        "typed name kept"
    );
    assert!(
        body.contains(&format!("value=\"{bad}\"")),
        "typed code kept"
    );
    assert!(
        body.contains(&format!("value=\"{tag}\" checked")),
        "ticked tag kept"
    );

    let before = t.audit_total().await;
    let res = c
        .post(t.url("/enterprises"))
        .form(&form(&code(7), "永康新星五金有限公司"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert!(to.ends_with("?msg=enterprise_created"), "{to}");
    assert_eq!(t.audit_total().await, before + 1, "one audit event");
    let body = get_text(&c, &t, &to).await.1;
    no_missing_keys(&body);
    assert!(
        body.contains("企业已登记") && body.contains("高新技术企业") && body.contains("古山镇")
    );
    let id: i64 = to
        .trim_start_matches("/enterprises/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // Edit: the form starts from the stored values; a rename and a scale set by hand.
    let body = get_text(&c, &t, &format!("/enterprises/{id}/edit")).await.1;
    assert!(body.contains(&format!("value=\"{}\"", code(7))));
    let mut edited = form(&code(7), "永康新星智能科技有限公司");
    edited.push(("scale_override".into(), "above".into()));
    let res = c
        .post(t.url(&format!("/enterprises/{id}")))
        .form(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "a hand-set scale needs a reason");
    let body = res.text().await.unwrap();
    assert!(body.contains("id=\"error-scale_override_reason\""));
    edited.push(("scale_override_reason".into(), "2024年上规入统".into()));
    let res = c
        .post(t.url(&format!("/enterprises/{id}")))
        .form(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(t.audit_total().await, before + 2);
    let body = get_text(&c, &t, &format!("/enterprises/{id}")).await.1;
    assert!(body.contains("永康新星智能科技有限公司"));
    assert!(body.contains("人工认定：2024年上规入统"));
    assert!(
        body.contains("永康新星五金有限公司 → 永康新星智能科技有限公司"),
        "history shows the rename"
    );
    assert!(
        body.contains("古山镇"),
        "history and profile show the town by name"
    );
}

#[tokio::test]
async fn figures_are_entered_in_wan_and_shown_with_their_source() {
    let t = TestApp::spawn().await;
    t.create_user("gs", "town", Some("gushan")).await;
    let (a, b, _) = three_firms(&t).await;
    let c = t.login("gs").await;

    let (status, body) = get_text(&c, &t, &format!("/enterprises/{a}/figures/2024")).await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(body.contains("主营业务收入（万元）"));
    let res = c
        .post(t.url(&format!("/enterprises/{a}/figures/2024")))
        .form(&[("main_revenue_yuan", "abc"), ("source", "tax")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("id=\"error-main_revenue_yuan\"") && body.contains("value=\"abc\""));

    let res = c
        .post(t.url(&format!("/enterprises/{a}/figures/2024")))
        .form(&[
            ("main_revenue_yuan", "12,345.6789"),
            ("evaluation_tax_yuan", "321.5"),
            ("power_kwh", "1200000"),
            ("safety_accident", "true"),
            ("source", "tax"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let body = get_text(&c, &t, &format!("/enterprises/{a}")).await.1;
    no_missing_keys(&body);
    let row = |key: &str| {
        let start = body
            .find(&format!("id=\"figure-{key}\""))
            .expect("figure row");
        body[start..start + body[start..].find("</tr>").unwrap()].to_string()
    };
    assert!(
        row("main_revenue_yuan").contains(">12,345.68<"),
        "{}",
        row("main_revenue_yuan")
    );
    assert!(
        row("main_revenue_yuan").contains("来源：税务"),
        "the cell names its source"
    );
    assert!(row("evaluation_tax_yuan").contains(">321.50<"));
    assert!(row("power_kwh").contains(">1,200,000<"));
    assert!(row("safety_accident").contains(">是<"));
    assert!(body.contains("data-echarts"), "the trend chart is drawn");
    assert!(body.contains(">规上<"), "the scale follows the revenue");
    // The history lists the figures as they were entered, by year, in display units.
    let history = &body[body.rfind("<table").unwrap()..];
    assert!(
        history.contains("2024年 · 主营业务收入（万元）") && history.contains("12,345.68"),
        "{history}"
    );

    // The form shows the stored money exactly, in 万元.
    let body = get_text(&c, &t, &format!("/enterprises/{a}/figures/2024"))
        .await
        .1;
    assert!(body.contains("value=\"12345.6789\""));

    // The grid of the year lists the town's firms with the figure.
    let body = get_text(&c, &t, "/figures?year=2024").await.1;
    no_missing_keys(&body);
    assert!(body.contains(&link(a)) && !body.contains(&link(b)));
    assert!(body.contains("12,345.68"));
    let res = c
        .get(t.url("/figures/export.xlsx?year=2024"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cells = xlsx_texts(&res.bytes().await.unwrap());
    assert!(cells.contains(&"永康甲工具有限公司".to_string()));
    assert!(!cells.contains(&"永康乙门业有限公司".to_string()));

    // Another town's firm cannot be reached.
    let res = c
        .post(t.url(&format!("/enterprises/{b}/figures/2024")))
        .form(&[("main_revenue_yuan", "1"), ("source", "tax")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn land_is_recorded_and_shared_parcels_link_their_firms() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let (a, _, c) = three_firms(&t).await;
    let cl = t.login("boss").await;
    assert_eq!(
        get_text(&cl, &t, &format!("/enterprises/{a}/land/new"))
            .await
            .0,
        200
    );
    let res = cl
        .post(t.url(&format!("/enterprises/{a}/land/new")))
        .form(&[
            ("certificate_no", "浙(2020)永康市不动产权第0001234号"),
            ("parcel_area_mu", "30"),
            ("tenure", "leased"),
            ("lessor", ""),
            ("area_mu", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("id=\"error-lessor\"") && body.contains("租赁用地请填写出租方"));
    for (firm, tenure, area) in [(a, "owned", "20"), (c, "leased", "10")] {
        let res = cl
            .post(t.url(&format!("/enterprises/{firm}/land/new")))
            .form(&[
                ("certificate_no", "浙(2020)永康市不动产权第0001234号"),
                ("parcel_area_mu", "30"),
                ("tenure", tenure),
                ("lessor", "永康甲工具有限公司"),
                ("area_mu", area),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    }
    let body = get_text(&cl, &t, &format!("/enterprises/{c}")).await.1;
    let land = &body[body.find("id=\"land\"").unwrap()..body.find("id=\"figures\"").unwrap()];
    assert!(land.contains("浙(2020)永康市不动产权第0001234号") && land.contains("租赁"));
    assert!(
        land.contains(&format!(
            "<a href=\"/enterprises/{a}\">永康甲工具有限公司</a>"
        )),
        "{land}"
    );
    // The tenant's own account sees its landlord by name, without a link it could not open.
    let input = wujin_app::users::UserInput {
        username: "tenant".into(),
        display_name: "租户联系人".into(),
        role: "enterprise".into(),
        enterprise_id: Some(c),
        ..Default::default()
    };
    let u = wujin_app::users::create(
        &t.app,
        &wujin_app::Ctx::cli(),
        &input,
        wujin_testkit::TEST_PASSWORD,
    )
    .await
    .unwrap();
    t.clear_temporary_password(u.id).await;
    let tenant = t.login("tenant").await;
    let body = get_text(&tenant, &t, &format!("/enterprises/{c}")).await.1;
    let land = &body[body.find("id=\"land\"").unwrap()..body.find("id=\"figures\"").unwrap()];
    assert!(land.contains("永康甲工具有限公司"), "{land}");
    assert!(!land.contains(&format!("/enterprises/{a}\"")), "{land}");
}
