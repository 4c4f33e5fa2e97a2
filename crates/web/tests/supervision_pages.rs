//! 督查督办 over HTTP on the demo city: the plan list, board, views by leader and unit, the
//! unit's own page and the task page render for those who may read them (no untranslated
//! key) and are refused to cadres and firms; a unit reports on its own task and not on
//! another's; only the office recomputes colours and issues a 督办单; the lead unit answers it
//! and the lead leader is told; a refused form comes back with its errors.

use supervision_support::fixture;
use wujin_app::demo::DEMO_PASSWORD;
use wujin_testkit::{TestApp, get_text, location, post_multipart};

mod supervision_support;

fn no_missing_keys(body: &str) {
    assert!(!body.contains('⟦'), "untranslated key in {body}");
}

#[tokio::test]
async fn supervision_pages_follow_roles_and_the_forms_work() {
    let t = TestApp::spawn().await;
    wujin_app::demo::fill(&t.app).await.unwrap();
    let f = fixture(&t).await;
    let login = |name: &'static str| t.login_with(name, DEMO_PASSWORD);
    let office = login("dcs_jin").await;
    let dept = login("dept").await;
    let town = login("town").await;
    let leader = login("leader").await;
    let firm = login("firm").await;
    let cadre = login("cadre").await;

    let board = format!("/supervision/plans/{}", f.plan);
    let pages = [
        "/supervision".to_string(),
        board.clone(),
        format!("{board}/leaders"),
        format!("{board}/units"),
        format!("{board}/mine"),
        format!("/supervision/tasks/{}", f.jxj_task),
    ];
    // Cadres and firms see nothing of the module.
    for c in [&firm, &cadre] {
        for p in &pages {
            assert_eq!(get_text(c, &t, p).await.0, 403, "{p}");
        }
    }
    // Leaders and the office read every page; no key is left untranslated.
    for c in [&office, &leader] {
        for p in &pages {
            let (s, body) = get_text(c, &t, p).await;
            assert_eq!(s, 200, "{p}");
            no_missing_keys(&body);
        }
    }
    // The board lists both tasks for the office, one for each unit.
    let (_, body) = get_text(&office, &t, &board).await;
    assert!(body.contains(&format!(r#"data-task="{}""#, f.jxj_task)));
    assert!(body.contains(&format!(r#"data-task="{}""#, f.town_task)));
    let (s, body) = get_text(&dept, &t, &board).await;
    assert_eq!(s, 200);
    assert!(body.contains(&format!(r#"data-task="{}""#, f.jxj_task)));
    assert!(!body.contains(&format!(r#"data-task="{}""#, f.town_task)));
    // A unit cannot open another unit's task.
    assert_eq!(
        get_text(&dept, &t, &format!("/supervision/tasks/{}", f.town_task))
            .await
            .0,
        404
    );
    // The leaders' view puts the caller's own portfolio first.
    let (_, body) = get_text(&leader, &t, &format!("{board}/leaders")).await;
    assert!(body.contains(r#"class="mine""#), "{body}");

    // The lead unit reports; a refused report (no percent) comes back with its error and
    // nothing is kept, not even its file.
    let report = format!("/supervision/tasks/{}/report", f.jxj_task);
    let res = post_multipart(
        &dept,
        t.url(&report),
        &[("progress", "已完成一季度目标"), ("percent_complete", "")],
        &[("纪要.txt", "专题会纪要".as_bytes())],
    )
    .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    no_missing_keys(&body);
    assert!(body.contains("已完成一季度目标"), "what was typed is kept");
    assert!(!body.contains("纪要.txt"));
    let res = post_multipart(
        &dept,
        t.url(&report),
        &[
            ("progress", "一季度规上工业增加值增长7.9%"),
            ("percent_complete", "30"),
            ("problems", "原材料涨价"),
        ],
        &[("纪要.txt", "专题会纪要".as_bytes())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (_, body) = get_text(&dept, &t, &location(&res)).await;
    assert!(body.contains("一季度规上工业增加值增长7.9%") && body.contains("原材料涨价"));
    // The file is listed on the timeline and downloads as sent; another unit cannot fetch it.
    let href = body
        .split(r#"href=""#)
        .find(|s| s.contains("/attachments/"))
        .and_then(|s| s.split('"').next())
        .expect("the attachment is linked")
        .to_string();
    let res = leader.get(t.url(&href)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "专题会纪要");
    assert_eq!(town.get(t.url(&href)).send().await.unwrap().status(), 404);
    // …but not on the town's task.
    let res = post_multipart(
        &dept,
        t.url(&format!("/supervision/tasks/{}/report", f.town_task)),
        &[("progress", "x"), ("percent_complete", "10")],
        &[],
    )
    .await;
    assert_eq!(res.status(), 404);

    // Only the office recomputes and issues notices.
    let recompute = format!("{board}/recompute");
    assert_eq!(
        dept.post(t.url(&recompute)).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        office
            .post(t.url(&recompute))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let notices = format!("/supervision/tasks/{}/notices", f.jxj_task);
    let answer_by = (wujin_app::china_today() + chrono::Duration::days(10)).to_string();
    assert_eq!(
        dept.post(t.url(&notices))
            .form(&[("content", "请加快进度"), ("answer_by", answer_by.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let res = office
        .post(t.url(&notices))
        .form(&[("content", "请说明进度滞后原因"), ("answer_by", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "no answer date");
    let res = office
        .post(t.url(&notices))
        .form(&[
            ("content", "请说明进度滞后原因"),
            ("answer_by", answer_by.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    // The lead leader is told and sees it on the task page.
    let (_, inbox) = get_text(&leader, &t, "/notifications").await;
    assert!(inbox.contains("督办提醒"), "{inbox}");
    let (_, body) = get_text(&leader, &t, &format!("/supervision/tasks/{}", f.jxj_task)).await;
    assert!(body.contains("请说明进度滞后原因"));
    let notice_id: i64 = body
        .split(r#"data-notice=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("the notice is listed");
    // The town cannot answer it (not its task); the lead unit does.
    let act = format!("/supervision/notices/{notice_id}/act");
    assert_eq!(
        town.post(t.url(&act))
            .form(&[("action", "answer"), ("text", "x")])
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let res = dept
        .post(t.url(&act))
        .form(&[
            ("action", "answer"),
            ("text", "已召开专题会，三季度追回进度"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (_, body) = get_text(&office, &t, &format!("/supervision/tasks/{}", f.jxj_task)).await;
    assert!(body.contains("已召开专题会，三季度追回进度"));
    assert!(body.contains(r#"data-state="已反馈""#), "{body}");
    // An illegal step (answering again) is refused with a message, nothing changes.
    let res = dept
        .post(t.url(&act))
        .form(&[("action", "answer"), ("text", "再次反馈")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    no_missing_keys(&res.text().await.unwrap());

    // The office's task form: an unreadable deadline is refused, a good task created.
    let new = format!("{board}/tasks/new");
    let (s, body) = get_text(&office, &t, &new).await;
    assert_eq!(s, 200);
    no_missing_keys(&body);
    assert_eq!(get_text(&dept, &t, &new).await.0, 403);
    let jxj = t.unit("jxj").await.to_string();
    let fgj = t.unit("fgj").await.to_string();
    let gushan = t.unit("gushan").await.to_string();
    let area = f.area.to_string();
    let res = office
        .post(t.url(&new))
        .form(&[
            ("serial", "3"),
            ("content", "新增规上工业企业50家"),
            ("lead_unit_id", jxj.as_str()),
            ("deadline_text", "尽快"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = office
        .post(t.url(&new))
        .form(&[
            ("parent_id", area.as_str()),
            ("serial", "3"),
            ("content", "新增规上工业企业50家"),
            ("lead_unit_id", jxj.as_str()),
            ("co_unit_ids", fgj.as_str()),
            ("co_unit_ids", gushan.as_str()),
            ("deadline_text", "三季度"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (_, body) = get_text(&office, &t, &location(&res)).await;
    assert!(body.contains("新增规上工业企业50家"));
    // Both co-units were kept: the town now sees the new task on its board.
    let (_, body) = get_text(&town, &t, &board).await;
    assert!(body.contains("新增规上工业企业50家"));
}
