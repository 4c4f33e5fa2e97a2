//! The list: search, filters, sorting, export, and what each role reaches.

use super::fixtures::*;

#[tokio::test]
async fn list_searches_filters_and_sorts() {
    let t = TestApp::spawn().await;
    t.create_user("boss", "admin", None).await;
    let (a, b, c) = three_firms(&t).await;
    let c_code = code(3);
    let cl = t.login("boss").await;

    let (status, body) = get_text(&cl, &t, "/enterprises").await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    assert!(body.contains("共 3 家企业"), "{body}");
    assert!(body.contains(&link(a)) && body.contains(&link(b)) && body.contains(&link(c)));
    assert!(
        body.contains("href=\"/enterprises/new\""),
        "admin may add firms"
    );

    let gushan = t.unit("gushan").await;
    let body = get_text(&cl, &t, &format!("/enterprises?town={gushan}"))
        .await
        .1;
    assert!(body.contains(&link(a)) && body.contains(&link(c)) && !body.contains(&link(b)));
    assert!(body.contains("共 2 家企业"));

    let body = get_text(&cl, &t, "/enterprises?q=%E9%97%A8%E4%B8%9A")
        .await
        .1; // 门业
    assert!(body.contains(&link(b)) && !body.contains(&link(a)) && !body.contains(&link(c)));
    let body = get_text(&cl, &t, &format!("/enterprises?q={c_code}"))
        .await
        .1;
    assert!(body.contains(&link(c)) && !body.contains(&link(a)) && !body.contains(&link(b)));

    let hi_tech = entry(&t, Dictionary::Tag, "hi_tech").await;
    let body = get_text(&cl, &t, &format!("/enterprises?tag={hi_tech}"))
        .await
        .1;
    assert!(body.contains(&link(a)) && !body.contains(&link(c)));
    let doors = entry(&t, Dictionary::IndustryGroup, "doors_locks").await;
    let body = get_text(&cl, &t, &format!("/enterprises?group={doors}"))
        .await
        .1;
    assert!(body.contains(&link(b)) && body.contains(&link(c)) && !body.contains(&link(a)));

    // Status and scale: 丙 closes; 甲 reports revenue above the threshold.
    t.sql(&format!(
        "UPDATE enterprise SET status = 'closed' WHERE id = {c}"
    ))
    .await
    .unwrap();
    let body = get_text(&cl, &t, "/enterprises?status=closed").await.1;
    assert!(body.contains(&link(c)) && !body.contains(&link(a)));
    assert!(body.contains("关停"));
    let res = cl
        .post(t.url(&format!("/enterprises/{a}/figures/2024")))
        .form(&[("main_revenue_yuan", "2,500"), ("source", "statistics")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let body = get_text(&cl, &t, "/enterprises?scale=above").await.1;
    assert!(
        body.contains(&link(a)) && !body.contains(&link(b)),
        "{body}"
    );
    let body = get_text(&cl, &t, "/enterprises?scale=unknown").await.1;
    assert!(body.contains(&link(b)) && !body.contains(&link(a)));

    // Sorting: names descending put 甲 (U+7532) before 乙 (U+4E59) before 丙 (U+4E19);
    // credit codes ascending.
    let body = get_text(&cl, &t, "/enterprises?sort=name&dir=desc").await.1;
    let pos = |id| body.find(&link(id)).unwrap();
    assert!(pos(a) < pos(b) && pos(b) < pos(c), "descending by name");
    assert!(body.contains("sort-desc"));
    let body = get_text(&cl, &t, "/enterprises?sort=credit_code").await.1;
    let pos = |id| body.find(&link(id)).unwrap();
    assert!(
        pos(a) < pos(b) && pos(b) < pos(c),
        "ascending by credit code"
    );

    // The export link carries the view; the export holds exactly the filtered firms.
    let body = get_text(&cl, &t, &format!("/enterprises?town={gushan}&sort=name"))
        .await
        .1;
    let unescaped = body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(unescaped.contains(&format!(
        "/enterprises/export.xlsx?town={gushan}&sort=name\""
    )));
    let res = cl
        .get(t.url(&format!("/enterprises/export.xlsx?town={gushan}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    // 企业名录 percent-encoded (RFC 5987).
    assert!(
        disposition.contains("filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95-"),
        "{disposition}"
    );
    let cells = xlsx_texts(&res.bytes().await.unwrap());
    assert!(cells.contains(&"永康甲工具有限公司".to_string()));
    assert!(cells.contains(&"永康丙锁具厂".to_string()));
    assert!(!cells.contains(&"永康乙门业有限公司".to_string()));
}

#[tokio::test]
async fn town_staff_reach_only_their_town_and_see_phones() {
    let t = TestApp::spawn().await;
    t.create_user("gs", "town", Some("gushan")).await;
    t.create_user("boss", "leader", Some("yongkang")).await;
    let (a, b, c) = three_firms(&t).await;

    let town = t.login("gs").await;
    let body = get_text(&town, &t, "/enterprises").await.1;
    no_missing_keys(&body);
    assert!(body.contains(&link(a)) && body.contains(&link(c)) && !body.contains(&link(b)));
    assert!(
        body.contains("13957912345"),
        "town staff see the full phone"
    );
    assert!(
        body.contains("href=\"/enterprises/new\""),
        "town staff register firms"
    );
    let (status, _) = get_text(&town, &t, &format!("/enterprises/{b}")).await;
    assert_eq!(status, 404, "another town's firm is not found");
    let (status, _) = get_text(&town, &t, &format!("/enterprises/{b}/edit")).await;
    assert_eq!(status, 404);
    let (status, body) = get_text(&town, &t, &format!("/enterprises/{a}")).await;
    assert_eq!(status, 200);
    no_missing_keys(&body);
    let res = town
        .get(t.url("/enterprises/export.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cells = xlsx_texts(&res.bytes().await.unwrap());
    assert!(cells.contains(&"永康甲工具有限公司".to_string()));
    assert!(
        !cells.contains(&"永康乙门业有限公司".to_string()),
        "export keeps the scope"
    );

    let home = get_text(&town, &t, "/").await.1;
    assert!(
        home.contains("id=\"home-enterprises\">2<"),
        "home counts the town's firms"
    );

    let leader = t.login("boss").await;
    let body = get_text(&leader, &t, "/enterprises").await.1;
    assert!(body.contains(&link(b)), "leaders read every firm");
    assert!(
        body.contains("139****2345") && !body.contains("13957912345"),
        "masked for leaders"
    );
    assert!(
        !body.contains("href=\"/enterprises/new\""),
        "leaders only read"
    );
    let (status, _) = get_text(&leader, &t, "/enterprises/new").await;
    assert_eq!(status, 403);
    let body = get_text(&leader, &t, &format!("/enterprises/{a}")).await.1;
    assert!(body.contains("139****2345"));
    assert!(!body.contains(&format!("/enterprises/{a}/edit")));
}

#[tokio::test]
async fn an_enterprise_user_sees_only_their_own_firm() {
    let t = TestApp::spawn().await;
    let (a, b, _) = three_firms(&t).await;
    let input = wujin_app::users::UserInput {
        username: "firm_a".into(),
        display_name: "甲企业联系人".into(),
        role: "enterprise".into(),
        enterprise_id: Some(a),
        ..Default::default()
    };
    let u = wujin_app::users::create(&t.app, &Ctx::cli(), &input, TEST_PASSWORD)
        .await
        .unwrap();
    t.clear_temporary_password(u.id).await;
    let c = t.login("firm_a").await;
    let body = get_text(&c, &t, "/enterprises").await.1;
    assert!(body.contains(&link(a)) && !body.contains(&link(b)));
    assert!(body.contains("共 1 家企业"));
    assert_eq!(get_text(&c, &t, &format!("/enterprises/{a}")).await.0, 200);
    assert_eq!(get_text(&c, &t, &format!("/enterprises/{b}")).await.0, 404);
    assert_eq!(
        get_text(&c, &t, &format!("/enterprises/{a}/figures/2024"))
            .await
            .0,
        403,
        "firms do not enter their own figures here"
    );
}
