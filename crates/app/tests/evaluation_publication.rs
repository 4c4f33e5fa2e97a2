//! Publication (公示) and objections (异议) on the demo city: a draft is recomputed and
//! published (its scheme frozen, towns and firms told), firms and towns object within their
//! scope, the office rejects one and accepts one after correcting the data — a new run
//! supersedes the old one and the difference shows the firm's class change — and the run is
//! finalised once the publicity period is over and nothing is pending. Every write audited.

use std::collections::BTreeMap;

use wujin_app::attachments::NewFile;
use wujin_app::evaluation::objections::{self, NewObjection, ObjectionFilter};
use wujin_app::evaluation::publication;
use wujin_app::{Actor, App, AppConfig, AppError, Ctx, PageRequest, RequestMeta};
use wujin_domain::enterprise::FigureSource;
use wujin_storage::entity::{
    app_user, enterprise, evaluation_result, evaluation_run, evaluation_scheme, notification,
};
use wujin_storage::sea_orm::sea_query::Expr;
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wujin_testkit::TestDb;

async fn ctx_of(app: &App, username: &str) -> Ctx {
    let u = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {username}"));
    Ctx::new(Actor::from_user(&u).unwrap(), RequestMeta::default())
}

fn conflict(r: Result<impl std::fmt::Debug, AppError>) -> String {
    match r {
        Err(AppError::Conflict(k)) => k,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn field_key(r: Result<impl std::fmt::Debug, AppError>) -> (String, String) {
    match r {
        Err(AppError::Validation(v)) => (v[0].field.clone(), v[0].key.clone()),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn objection(run_id: i64, enterprise_id: i64, reason: &str) -> NewObjection {
    NewObjection {
        run_id,
        enterprise_id,
        reason: reason.into(),
        files: vec![],
    }
}

async fn grade_in(app: &App, run: i64, firm: i64) -> Option<String> {
    evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run))
        .filter(evaluation_result::Column::EnterpriseId.eq(firm))
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap()
        .grade
}

async fn inbox(app: &App, user: i64, title: &str) -> u64 {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user))
        .filter(notification::Column::Title.eq(title))
        .count(app.db.read())
        .await
        .unwrap()
}

async fn status_of(app: &App, run: i64) -> String {
    evaluation_run::Entity::find_by_id(run)
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap()
        .status
}

#[tokio::test]
async fn a_run_is_published_objected_to_corrected_and_finalised() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let office = ctx_of(&app, "dept").await;
    let town = ctx_of(&app, "town").await;
    let firm = ctx_of(&app, "firm").await;
    let cadre = ctx_of(&app, "cadre").await;
    let leader = ctx_of(&app, "leader").await;
    let own = firm
        .actor
        .enterprise_id
        .expect("the demo firm user has a firm");
    let gushan = wujin_app::seed::unit_id(&app, "gushan")
        .await
        .unwrap()
        .unwrap();
    let dongcheng = wujin_app::seed::unit_id(&app, "dongcheng")
        .await
        .unwrap()
        .unwrap();

    // A draft: recomputed in place by the office only; invisible to others.
    let draft = wujin_app::evaluation::run(&app, &office, 2024, None)
        .await
        .unwrap();
    let run = draft.run_id;
    let again = publication::recompute(&app, &office, run).await.unwrap();
    assert_eq!(again.run_id, run);
    assert_eq!(
        again.inputs_sha256, draft.inputs_sha256,
        "same data, same digest"
    );
    assert_eq!(again.by_grade, draft.by_grade);
    assert!(matches!(
        publication::recompute(&app, &town, run).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        publication::view(&app, &firm, run).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        objections::file(&app, &firm, objection(run, own, "草稿")).await,
        Err(AppError::NotFound)
    ));

    // Publishing: only the office; the period is the scheme's 7 days; the scheme is frozen;
    // every town user and the firm's user are told.
    assert!(matches!(
        publication::publish(&app, &town, run).await,
        Err(AppError::Forbidden)
    ));
    let info = publication::publish(&app, &office, run).await.unwrap();
    assert_eq!(info.status, "published");
    let (from, to) = (info.published_at.unwrap(), info.publicity_ends_at.unwrap());
    assert_eq!(to - from, chrono::Duration::days(7));
    assert!(info.scheme_frozen);
    let scheme = evaluation_scheme::Entity::find_by_id(info.scheme_id)
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap();
    assert!(scheme.frozen, "a scheme used by a published run is frozen");
    let title = "eval.publish.notify.title";
    assert_eq!(inbox(&app, town.actor.id.unwrap(), title).await, 1);
    assert_eq!(inbox(&app, firm.actor.id.unwrap(), title).await, 1);
    assert_eq!(inbox(&app, cadre.actor.id.unwrap(), title).await, 0);
    let town_users = app_user::Entity::find()
        .filter(app_user::Column::Role.eq("town"))
        .count(app.db.read())
        .await
        .unwrap();
    let told = notification::Entity::find()
        .filter(notification::Column::Title.eq(title))
        .count(app.db.read())
        .await
        .unwrap();
    assert_eq!(told, town_users + 1);

    // Nothing else of the year may be published now; a published run is not recomputed.
    let other = wujin_app::evaluation::run(&app, &office, 2024, None)
        .await
        .unwrap()
        .run_id;
    assert_eq!(
        conflict(publication::publish(&app, &office, other).await),
        "error.publication.year_published"
    );
    let view = publication::view(&app, &office, other).await.unwrap();
    assert_eq!(view.blocking_run.as_ref().map(|b| b.id), Some(run));
    assert!(!view.can_publish && view.can_recompute);
    assert_eq!(
        conflict(publication::recompute(&app, &office, run).await),
        "error.publication.recompute_not_draft"
    );

    // Objections: the firm for itself (with a file), the town for its firms, the office for
    // any; not the cadre or the leader; another firm or town is out of reach (404).
    let firms_in_run: Vec<enterprise::Model> = enterprise::Entity::find()
        .filter(
            enterprise::Column::Id.in_subquery(
                wujin_storage::sea_orm::sea_query::Query::select()
                    .column(evaluation_result::Column::EnterpriseId)
                    .from(evaluation_result::Entity)
                    .and_where(evaluation_result::Column::RunId.eq(run))
                    .and_where(evaluation_result::Column::Grade.is_not_null())
                    .to_owned(),
            ),
        )
        .all(app.db.read())
        .await
        .unwrap();
    let neighbour = firms_in_run
        .iter()
        .find(|e| e.town_id == gushan && e.id != own)
        .unwrap()
        .id;
    let elsewhere = firms_in_run
        .iter()
        .find(|e| e.town_id == dongcheng)
        .unwrap()
        .id;
    let mut with_file = objection(run, own, "  我司2024年度用地面积统计有误，请核实。 ");
    with_file.files = vec![NewFile {
        filename: "土地证明.pdf".into(),
        bytes: b"%PDF-1.4 land certificate".to_vec(),
    }];
    let mine = objections::file(&app, &firm, with_file).await.unwrap();
    assert_eq!(
        (
            mine.status.as_str(),
            mine.filed_as.as_str(),
            mine.attachments
        ),
        ("pending", "enterprise", 1)
    );
    assert_eq!(mine.reason, "我司2024年度用地面积统计有误，请核实。");
    assert_eq!(
        conflict(objections::file(&app, &firm, objection(run, own, "再来一次")).await),
        "error.objection.pending_exists"
    );
    // The form refuses as well, before anything is typed.
    assert_eq!(
        conflict(
            objections::filing_context(&app, &firm, run, own)
                .await
                .map(|_| ())
        ),
        "error.objection.pending_exists"
    );
    assert!(matches!(
        objections::file(&app, &firm, objection(run, neighbour, "别人的")).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        objections::file(&app, &town, objection(run, elsewhere, "外镇")).await,
        Err(AppError::NotFound)
    ));
    for who in [&cadre, &leader] {
        assert!(matches!(
            objections::file(&app, who, objection(run, neighbour, "无权")).await,
            Err(AppError::Forbidden)
        ));
    }
    assert_eq!(
        field_key(objections::file(&app, &town, objection(run, neighbour, "  ")).await),
        ("reason".into(), "error.objection.reason_required".into())
    );
    let too_long = "理".repeat(objections::MAX_REASON_CHARS + 1);
    assert_eq!(
        field_key(objections::file(&app, &town, objection(run, neighbour, &too_long)).await),
        ("reason".into(), "error.objection.too_long".into())
    );
    let by_town = objections::file(&app, &town, objection(run, neighbour, "企业已搬迁入园"))
        .await
        .unwrap();
    assert_eq!(by_town.filed_as, "town");
    let by_office = objections::file(&app, &office, objection(run, elsewhere, "税收数据待核"))
        .await
        .unwrap();
    assert_eq!(by_office.filed_as, "office");
    // The office staff were told of the objections filed by others.
    assert_eq!(
        inbox(
            &app,
            office.actor.id.unwrap(),
            "eval.objection.notify.filed_title"
        )
        .await,
        2
    );

    // Each sees the objections within their scope.
    let count = |ctx: Ctx, f: ObjectionFilter| {
        let app = app.clone();
        async move {
            objections::list(&app, &ctx, &f, PageRequest::default())
                .await
                .unwrap()
                .total
        }
    };
    let f = ObjectionFilter::default;
    assert_eq!(count(office.clone(), f()).await, 3);
    assert_eq!(count(town.clone(), f()).await, 2);
    assert_eq!(count(firm.clone(), f()).await, 1);
    let pending = ObjectionFilter {
        status: Some("pending".into()),
        year: Some(2024),
        run_id: Some(run),
        ..f()
    };
    assert_eq!(count(office.clone(), pending).await, 3);
    let none = ObjectionFilter {
        year: Some(2023),
        ..f()
    };
    assert_eq!(count(office.clone(), none).await, 0);
    assert!(matches!(
        objections::get(&app, &firm, by_town.id).await,
        Err(AppError::NotFound)
    ));
    let detail = objections::get(&app, &firm, mine.id).await.unwrap();
    assert!(!detail.can_decide, "only the office decides");
    let file_id = detail.attachments[0].id;
    let (meta, bytes) = objections::attachment(&app, &town, mine.id, file_id)
        .await
        .unwrap();
    assert_eq!(
        (meta.filename.as_str(), bytes.as_slice()),
        ("土地证明.pdf", &b"%PDF-1.4 land certificate"[..])
    );
    assert!(matches!(
        objections::attachment(&app, &town, by_office.id, file_id).await,
        Err(AppError::NotFound)
    ));
    assert!(
        objections::get(&app, &office, mine.id)
            .await
            .unwrap()
            .can_decide
    );

    // Rejecting needs the office and a reason; the filer is told.
    assert!(matches!(
        objections::reject(&app, &town, by_town.id, "不采纳").await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(
        field_key(objections::reject(&app, &office, by_town.id, " ").await),
        ("reason".into(), "error.objection.decision_required".into())
    );
    let rejected = objections::reject(&app, &office, by_town.id, "入园手续尚未办结")
        .await
        .unwrap();
    assert_eq!(rejected.status, "rejected");
    assert_eq!(rejected.decision.as_deref(), Some("入园手续尚未办结"));
    assert_eq!(
        conflict(objections::reject(&app, &office, by_town.id, "再驳回").await),
        "error.objection.not_pending"
    );
    assert_eq!(
        inbox(
            &app,
            town.actor.id.unwrap(),
            "eval.objection.notify.rejected_title"
        )
        .await,
        1
    );

    // Accepting before the data is corrected is refused.
    assert_eq!(
        conflict(objections::accept(&app, &office, mine.id, None).await),
        "error.objection.data_unchanged"
    );
    // The office corrects the firm's figures in the registry (here: falsified data found),
    // then accepts: a new run supersedes the old one, the firm's class changes.
    let before = grade_in(&app, run, own).await;
    assert_ne!(
        before.as_deref(),
        Some("D"),
        "the demo firm is not a D firm"
    );
    wujin_app::registry::figures::update(
        &app,
        &office,
        own,
        2024,
        &BTreeMap::from([("falsified_data".to_string(), "true".to_string())]),
        FigureSource::Statistics,
    )
    .await
    .unwrap();
    let accepted = objections::accept(&app, &office, mine.id, Some("经核实数据已更正"))
        .await
        .unwrap();
    let new_run = accepted.run.run_id;
    assert_eq!(accepted.superseded_run_id, run);
    assert_eq!(accepted.objection.status, "accepted");
    assert_eq!(accepted.objection.corrected_run_id, Some(new_run));
    assert_eq!(accepted.moved_objections, vec![by_office.id]);
    assert_ne!(accepted.run.inputs_sha256, draft.inputs_sha256);
    assert_eq!(status_of(&app, run).await, "superseded");
    let new_info = publication::run_info(&app, &firm, new_run).await.unwrap();
    assert_eq!(new_info.status, "published");
    assert_eq!(new_info.supersedes_run_id, Some(run));
    assert_eq!(
        new_info.publicity_ends_at,
        Some(to),
        "the same publicity period"
    );
    assert_eq!(
        publication::run_info(&app, &firm, run)
            .await
            .unwrap()
            .superseded_by_run_id,
        Some(new_run)
    );
    assert_eq!(grade_in(&app, new_run, own).await.as_deref(), Some("D"));
    assert_eq!(
        inbox(
            &app,
            firm.actor.id.unwrap(),
            "eval.objection.notify.accepted_title"
        )
        .await,
        1
    );
    let moved = objections::get(&app, &office, by_office.id).await.unwrap();
    assert_eq!(moved.objection.run_id, new_run, "pending objections follow");

    // The difference: the objecting firm first, with its class change; the firm user sees
    // only their own row.
    let diff = publication::diff(&app, &office, new_run).await.unwrap();
    assert_eq!(diff.previous.as_ref().map(|p| p.id), Some(run));
    let first = &diff.rows[0];
    assert_eq!(first.enterprise_id, own);
    assert!(first.objecting);
    assert_eq!(first.old_grade, before);
    assert_eq!(first.new_grade.as_deref(), Some("D"));
    assert!(
        diff.rows[1..]
            .iter()
            .all(|r| !r.objecting && (r.grade_changed() || r.rank_changed() || r.total_changed()))
    );
    let own_diff = publication::diff(&app, &firm, new_run).await.unwrap();
    assert!(own_diff.rows.iter().all(|r| r.enterprise_id == own));
    assert_eq!(own_diff.rows.len(), 1);
    assert!(
        publication::diff(&app, &office, run)
            .await
            .unwrap()
            .previous
            .is_none()
    );

    // Finalising: not during the publicity period, not with an objection pending.
    assert_eq!(
        conflict(publication::finalise(&app, &office, new_run).await),
        "error.publication.publicity_not_over"
    );
    let past = wujin_app::now() - chrono::Duration::hours(1);
    evaluation_run::Entity::update_many()
        .col_expr(evaluation_run::Column::PublicityEndsAt, Expr::value(past))
        .filter(evaluation_run::Column::Id.eq(new_run))
        .exec(app.db.write())
        .await
        .unwrap();
    assert_eq!(
        conflict(objections::file(&app, &town, objection(new_run, neighbour, "逾期")).await),
        "error.objection.publicity_over"
    );
    assert_eq!(
        conflict(publication::finalise(&app, &office, new_run).await),
        "error.publication.pending_objections"
    );
    let view = publication::view(&app, &office, new_run).await.unwrap();
    assert!(view.publicity_over && !view.can_finalise && view.pending_objections == 1);
    objections::reject(&app, &office, by_office.id, "税收数据核实无误")
        .await
        .unwrap();
    assert!(matches!(
        publication::finalise(&app, &town, new_run).await,
        Err(AppError::Forbidden)
    ));
    let fin = publication::finalise(&app, &office, new_run).await.unwrap();
    assert_eq!(fin.status, "final");
    assert!(fin.finalised_at.is_some());
    assert_eq!(
        conflict(publication::finalise(&app, &office, new_run).await),
        "error.publication.finalise_not_published"
    );
    assert_eq!(
        conflict(publication::publish(&app, &office, other).await),
        "error.publication.year_final"
    );

    // Every write was audited and the chain holds.
    let audit = wujin_app::audit::verify(app.db.read(), |_| {})
        .await
        .unwrap();
    assert_eq!(audit.first_break, None);
    for (action, entity) in [
        ("recompute", "evaluation_run"),
        ("publish", "evaluation_run"),
        ("freeze", "evaluation_scheme"),
        ("create", "evaluation_objection"),
        ("attach", "objection"),
        ("reject", "evaluation_objection"),
        ("accept", "evaluation_objection"),
        ("move", "evaluation_objection"),
        ("supersede", "evaluation_run"),
        ("finalise", "evaluation_run"),
    ] {
        let n = wujin_storage::entity::audit_event::Entity::find()
            .filter(wujin_storage::entity::audit_event::Column::Action.eq(action))
            .filter(wujin_storage::entity::audit_event::Column::Entity.eq(entity))
            .count(app.db.read())
            .await
            .unwrap();
        assert!(n > 0, "no audit event {action} {entity}");
    }
}
