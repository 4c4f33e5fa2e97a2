//! The registry's import end to end on a real database: validate writes nothing, the
//! preview counts and lists changes field by field, errors point at cells, commit is all or
//! nothing and audited, and data scope holds for towns.

use std::collections::BTreeMap;

use wujin_app::registry::import::{self, ImportOptions};
use wujin_app::registry::{EnterpriseFilter, edit, enterprises, figures, land};
use wujin_app::users::UserInput;
use wujin_app::{Actor, App, AppConfig, AppError, Ctx, PageRequest, RequestMeta};
use wujin_domain::credit_code::with_check_char;
use wujin_domain::enterprise::FigureSource;
use wujin_storage::entity::app_user;
use wujin_storage::sea_orm::EntityTrait;
use wujin_testkit::TestDb;
use wujin_xlsx::TableKind;

async fn setup() -> (TestDb, App) {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::seed::seed_reference_data(&app, &Ctx::cli())
        .await
        .unwrap();
    (t, app)
}

/// A valid credit code whose body ends in `n` (the alphabet skips I, O, Z, S, V).
fn code(n: u32) -> String {
    with_check_char(&format!("91330784MA2A{n:05}")).unwrap()
}

/// The same code with a wrong check character.
fn bad_code(n: u32) -> String {
    let good = code(n);
    let last = good.chars().last().unwrap();
    let wrong = if last == '1' { '2' } else { '1' };
    format!("{}{}", &good[..17], wrong)
}

async fn ctx_for(app: &App, username: &str, role: &str, unit: &str) -> Ctx {
    let unit_id = wujin_app::seed::unit_id(app, unit).await.unwrap();
    let input = UserInput {
        username: username.into(),
        display_name: username.into(),
        role: role.into(),
        department_id: unit_id,
        ..Default::default()
    };
    let u = wujin_app::users::create(app, &Ctx::cli(), &input, "password-123")
        .await
        .unwrap();
    let m = app_user::Entity::find_by_id(u.id)
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap();
    Ctx::new(Actor::from_user(&m).unwrap(), RequestMeta::cli())
}

async fn firm_total(app: &App) -> u64 {
    enterprises::count(app, &Ctx::cli()).await.unwrap()
}

async fn validate(
    app: &App,
    ctx: &Ctx,
    kind: TableKind,
    name: &str,
    body: &[u8],
    opts: &ImportOptions,
) -> import::ImportPreview {
    import::validate(app, ctx, kind, name, body.to_vec(), opts)
        .await
        .unwrap()
}

fn enterprises_csv() -> String {
    // Columns in an unusual order, aliases for the headers, a BOM, trailing spaces,
    // full-width digits in a date, a blank row.
    format!(
        "\u{FEFF}单位名称,社会信用代码,镇街,行业,企业标签,成立时间\n\
         永康市甲五金有限公司 ,{},古山镇,电动工具,高新技术企业、专精特新,２０１５年３月１日\n\
         ,,,,,\n\
         永康市乙门业有限公司,{},芝英,门业/锁具/安防,,2018/6/30\n",
        code(1),
        code(2)
    )
}

#[tokio::test]
async fn validate_writes_nothing_then_commit_writes_everything_once() {
    let (_t, app) = setup().await;
    let ctx = Ctx::cli();
    let audit_before = wujin_app::audit::verify(app.db.read(), |_| {})
        .await
        .unwrap()
        .checked;
    let p = validate(
        &app,
        &ctx,
        TableKind::Enterprises,
        "企业.csv",
        enterprises_csv().as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        (p.rows, p.new, p.changed, p.unchanged, p.blank_rows),
        (2, 2, 0, 0, 1)
    );
    assert_eq!(firm_total(&app).await, 0, "validation wrote firms");
    let first = &p.changes[0];
    assert_eq!(first.credit_code, code(1));
    assert_eq!(first.name, "永康市甲五金有限公司");
    let town = first.fields.iter().find(|f| f.field == "town").unwrap();
    assert_eq!(town.new.as_deref(), Some("古山镇"));
    let tags = first.fields.iter().find(|f| f.field == "tags").unwrap();
    assert_eq!(tags.new.as_deref(), Some("高新技术企业、专精特新"));

    let report = import::commit(&app, &ctx, p.batch_id.unwrap())
        .await
        .unwrap();
    assert_eq!((report.created, report.updated), (2, 0));
    assert_eq!(firm_total(&app).await, 2);
    let audit_after = wujin_app::audit::verify(app.db.read(), |_| {})
        .await
        .unwrap();
    assert_eq!(audit_after.first_break, None);
    // validate + 2 firms + commit.
    assert_eq!(audit_after.checked - audit_before, 4);
    let list = enterprises::list(
        &app,
        &ctx,
        &EnterpriseFilter {
            q: Some("甲五金".into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(list.total, 1);
    let e = &list.items[0];
    assert_eq!(e.founded_on.unwrap().to_string(), "2015-03-01");
    assert_eq!(e.town_name, "古山镇");
    assert_eq!(e.tags.len(), 2);

    // A second commit of the same batch is refused; nothing more is written.
    let again = import::commit(&app, &ctx, p.batch_id.unwrap()).await;
    assert!(matches!(again, Err(AppError::Conflict(k)) if k == "error.import.already_committed"));
    assert_eq!(firm_total(&app).await, 2);

    // The same file again: all unchanged. One changed cell: one change, field by field.
    let p = validate(
        &app,
        &ctx,
        TableKind::Enterprises,
        "企业.csv",
        enterprises_csv().as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    assert_eq!((p.new, p.changed, p.unchanged), (0, 0, 2));
    let edited = enterprises_csv().replace("芝英,", "西溪镇,");
    let p = validate(
        &app,
        &ctx,
        TableKind::Enterprises,
        "企业.csv",
        edited.as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    assert_eq!((p.new, p.changed, p.unchanged), (0, 1, 1));
    let change = &p.changes[0].fields;
    assert_eq!(change.len(), 1, "{change:?}");
    assert_eq!(change[0].field, "town");
    assert_eq!(change[0].old.as_deref(), Some("芝英镇"));
    assert_eq!(change[0].new.as_deref(), Some("西溪镇"));
}

#[tokio::test]
async fn every_error_names_its_cell_and_nothing_is_written() {
    let (_t, app) = setup().await;
    let ctx = Ctx::cli();
    let csv = format!(
        "统一社会信用代码,企业名称,所属镇街,行业分组\n\
         {},甲公司,古山镇,电动工具\n\
         {},乙公司,不存在镇,电动工具\n\
         {},丙公司,古山镇,造船\n\
         {},丁公司,古山镇,电动工具\n",
        bad_code(1),
        code(2),
        code(3),
        code(2),
    );
    let p = validate(
        &app,
        &ctx,
        TableKind::Enterprises,
        "bad.csv",
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    assert_eq!(p.status, "failed");
    let found: Vec<(String, String)> = p
        .errors
        .iter()
        .map(|e| (e.cell.clone(), e.key.clone()))
        .collect();
    assert!(
        found.contains(&("A2".into(), "error.credit_code.bad_check_char".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("C3".into(), "error.import.unknown_town".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("D4".into(), "error.import.unknown_group".into())),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(c, k)| c.ends_with('5') && k == "error.import.duplicate_in_file"),
        "{found:?}"
    );
    assert!(p.errors.iter().all(|e| !e.sheet.is_empty()));
    let commit = import::commit(&app, &ctx, p.batch_id.unwrap()).await;
    assert!(matches!(commit, Err(AppError::Conflict(k)) if k == "error.import.has_errors"));
    assert_eq!(firm_total(&app).await, 0);

    // A file that is no spreadsheet at all: a clear error on the file, no batch.
    let e = import::validate(
        &app,
        &ctx,
        TableKind::Enterprises,
        "x.xlsx",
        b"PK\x03\x04garbage".to_vec(),
        &ImportOptions::default(),
    )
    .await;
    match e {
        Err(AppError::Validation(f)) => assert_eq!(f[0].field, "file"),
        other => panic!("expected a file error, got {other:?}"),
    }
}

async fn two_firms(app: &App) {
    let p = validate(
        app,
        &Ctx::cli(),
        TableKind::Enterprises,
        "e.csv",
        enterprises_csv().as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    import::commit(app, &Ctx::cli(), p.batch_id.unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn figures_in_gbk_with_units_in_headers_are_stored_in_yuan_with_their_source() {
    let (_t, app) = setup().await;
    two_firms(&app).await;
    let csv = format!(
        "信用代码,主营业务收入（万元）,实缴税金(元),用电量（万千瓦时）,安全事故\n\
         {},\"2,500.5\",123456,12.5,否\n\
         {},１８００,50000,3,是\n",
        code(1),
        code(2)
    );
    let (gbk, _, _) = encoding_rs::GB18030.encode(&csv);
    let opts = ImportOptions {
        year: Some(2024),
        source: Some(FigureSource::Tax),
        sheet: None,
    };
    let p = validate(
        &app,
        &Ctx::cli(),
        TableKind::Figures,
        "figures.csv",
        &gbk,
        &opts,
    )
    .await;
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.new, 2);
    import::commit(&app, &Ctx::cli(), p.batch_id.unwrap())
        .await
        .unwrap();
    let list = enterprises::list(
        &app,
        &Ctx::cli(),
        &EnterpriseFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    let a = list
        .items
        .iter()
        .find(|e| e.credit_code == code(1))
        .unwrap();
    let b = list
        .items
        .iter()
        .find(|e| e.credit_code == code(2))
        .unwrap();
    assert_eq!(
        a.scale.as_deref(),
        Some("above"),
        "2,500.5万元 is above 2,000万元"
    );
    assert_eq!(b.scale.as_deref(), Some("below"));
    let fa = figures::of_enterprise(&app, &Ctx::cli(), a.id)
        .await
        .unwrap();
    assert_eq!(fa.len(), 1);
    let v = &fa[0].values;
    assert_eq!(
        v["main_revenue_yuan"],
        Some(figures::FigureValue::Int(25_005_000))
    );
    assert_eq!(
        v["evaluation_tax_yuan"],
        Some(figures::FigureValue::Int(123_456))
    );
    assert_eq!(v["power_kwh"], Some(figures::FigureValue::Int(125_000)));
    assert_eq!(
        v["safety_accident"],
        Some(figures::FigureValue::Flag(false))
    );
    assert_eq!(fa[0].sources["main_revenue_yuan"].source, "tax");
    assert_eq!(fa[0].sources["main_revenue_yuan"].by, "cli");
    let fb = figures::of_enterprise(&app, &Ctx::cli(), b.id)
        .await
        .unwrap();
    assert_eq!(
        fb[0].values["safety_accident"],
        Some(figures::FigureValue::Flag(true))
    );

    // A figures row for a firm that does not exist is an error at its credit code.
    let csv = format!("信用代码,年度,评价税收（万元）\n{},2024,10\n", code(9));
    let p = validate(
        &app,
        &Ctx::cli(),
        TableKind::Figures,
        "f.csv",
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    assert_eq!(p.errors.len(), 1);
    assert_eq!(
        (p.errors[0].cell.as_str(), p.errors[0].key.as_str()),
        ("A2", "error.import.unknown_enterprise")
    );
}

#[tokio::test]
async fn a_shared_parcel_shows_every_firm_and_land_is_owned_plus_leased() {
    let (_t, app) = setup().await;
    two_firms(&app).await;
    let csv = format!(
        "不动产权证号,统一社会信用代码,地块面积（亩）,使用面积（亩）,用地方式,出租方,起始年份\n\
         浙(2020)永康市不动产权第0000001号,{a},30,20,自有,,2018\n\
         浙(2020)永康市不动产权第0000001号,{b},30,10,租赁,永康市甲五金有限公司,2020\n\
         浙(2021)永康市不动产权第0000002号,{a},5,,租赁,芝英镇某村股份经济合作社,2022\n",
        a = code(1),
        b = code(2)
    );
    let p = validate(
        &app,
        &Ctx::cli(),
        TableKind::Parcels,
        "land.csv",
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.new, 3);
    import::commit(&app, &Ctx::cli(), p.batch_id.unwrap())
        .await
        .unwrap();
    let list = enterprises::list(
        &app,
        &Ctx::cli(),
        &EnterpriseFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    let a = list
        .items
        .iter()
        .find(|e| e.credit_code == code(1))
        .unwrap()
        .id;
    let uses = land::of_enterprise(&app, &Ctx::cli(), a).await.unwrap();
    assert_eq!(uses.len(), 2);
    let shared = uses
        .iter()
        .find(|u| u.certificate_no.ends_with("0000001号"))
        .unwrap();
    assert_eq!(shared.users.len(), 2, "both firms on the shared parcel");
    let by_year = land::land_by_year(app.db.read(), a, [2019, 2022])
        .await
        .unwrap();
    assert_eq!(by_year[&2019], 20.0);
    assert_eq!(by_year[&2022], 25.0, "owned 20 + leased 5");

    // The same certificate with two different parcel areas in one file is refused.
    let csv = format!(
        "不动产权证号,统一社会信用代码,地块面积（亩）,用地方式\n\
         新证1,{a},30,自有\n新证1,{b},31,自有\n新证2,{a},-3,自有\n新证3,{a},1000000,自有\n",
        a = code(1),
        b = code(2)
    );
    let p = validate(
        &app,
        &Ctx::cli(),
        TableKind::Parcels,
        "land.csv",
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    let keys: Vec<(&str, &str)> = p
        .errors
        .iter()
        .map(|e| (e.cell.as_str(), e.key.as_str()))
        .collect();
    assert!(
        keys.contains(&("C3", "error.import.parcel_area_conflict")),
        "{keys:?}"
    );
    assert!(
        keys.iter().any(|(c, _)| *c == "C4"),
        "negative area: {keys:?}"
    );
    assert!(
        keys.iter().any(|(c, _)| *c == "C5"),
        "absurd area: {keys:?}"
    );
}

#[tokio::test]
async fn a_town_imports_only_within_its_town() {
    let (_t, app) = setup().await;
    two_firms(&app).await; // 甲 in 古山镇, 乙 in 芝英镇
    let town = ctx_for(&app, "gs_officer", "town", "gushan").await;
    let csv = format!(
        "统一社会信用代码,企业名称,所属镇街,行业分组\n{},新公司,芝英镇,电动工具\n{},乙公司改名,古山镇,电动工具\n",
        code(5),
        code(2)
    );
    let p = validate(
        &app,
        &town,
        TableKind::Enterprises,
        "t.csv",
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    let keys: Vec<(&str, &str)> = p
        .errors
        .iter()
        .map(|e| (e.cell.as_str(), e.key.as_str()))
        .collect();
    assert!(
        keys.contains(&("C2", "error.import.town_out_of_scope")),
        "{keys:?}"
    );
    assert!(
        keys.contains(&("A3", "error.import.enterprise_out_of_scope")),
        "{keys:?}"
    );
    let csv = format!(
        "信用代码,年度,评价税收（万元）\n{},2024,10\n{},2024,10\n",
        code(1),
        code(2)
    );
    let p = validate(
        &app,
        &town,
        TableKind::Figures,
        "f.csv",
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .await;
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].cell, "A3");
    assert_eq!(p.new, 1);
    // The town sees only its firm, and not another user's batch.
    let mine = enterprises::list(
        &app,
        &town,
        &EnterpriseFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(mine.total, 1);
    assert_eq!(mine.items[0].credit_code, code(1));
    let other = ctx_for(&app, "gs_officer2", "town", "gushan").await;
    assert!(matches!(
        import::preview(&app, &other, p.batch_id.unwrap()).await,
        Err(AppError::NotFound)
    ));
    // Templates are built for the caller.
    let t = import::template(&app, &town, TableKind::Figures, Some(2024))
        .await
        .unwrap();
    assert!(t.starts_with(b"PK"));
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_a_real_run_commits() {
    let (_t, app) = setup().await;
    let body = enterprises_csv().into_bytes();
    let (p, c) = import::run_file(
        &app,
        &Ctx::cli(),
        import::FileRun {
            kind: TableKind::Enterprises,
            file_name: "e.csv",
            bytes: body.clone(),
            opts: &ImportOptions::default(),
            dry_run: true,
        },
        &mut |_, _, _| {},
    )
    .await
    .unwrap();
    assert_eq!(p.new, 2);
    assert!(c.is_none());
    assert_eq!(firm_total(&app).await, 0);
    let mut stages = Vec::new();
    let (_, c) = import::run_file(
        &app,
        &Ctx::cli(),
        import::FileRun {
            kind: TableKind::Enterprises,
            file_name: "e.csv",
            bytes: body,
            opts: &ImportOptions::default(),
            dry_run: false,
        },
        &mut |s, _, _| stages.push(s),
    )
    .await
    .unwrap();
    assert_eq!(c.unwrap().created, 2);
    assert_eq!(firm_total(&app).await, 2);
    for s in ["read", "map", "resolve", "write"] {
        assert!(stages.contains(&s), "{s} missing from {stages:?}");
    }
}

#[tokio::test]
async fn editing_a_firm_validates_and_audits_and_figures_rederive_the_scale() {
    let (_t, app) = setup().await;
    two_firms(&app).await;
    let list = enterprises::list(
        &app,
        &Ctx::cli(),
        &EnterpriseFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    let id = list
        .items
        .iter()
        .find(|e| e.credit_code == code(1))
        .unwrap()
        .id;
    let mut input = edit::input_of(&app, &Ctx::cli(), id).await.unwrap();
    input.credit_code = code(2);
    let e = edit::update(&app, &Ctx::cli(), id, &input).await;
    assert!(
        matches!(e, Err(AppError::Validation(ref f)) if f[0].key == "error.enterprise.credit_code_taken"),
        "{e:?}"
    );
    input.credit_code = code(1);
    input.scale_override = Some("above".into());
    input.scale_override_reason = Some("新建项目投产".into());
    let d = edit::update(&app, &Ctx::cli(), id, &input).await.unwrap();
    assert_eq!(d.enterprise.scale.as_deref(), Some("above"));
    assert!(d.enterprise.scale_overridden);
    // Figures do not move a scale set by hand…
    let mut v = BTreeMap::new();
    v.insert("main_revenue_yuan".to_string(), "100".to_string());
    figures::update(&app, &Ctx::cli(), id, 2024, &v, FigureSource::Statistics)
        .await
        .unwrap();
    assert_eq!(
        enterprises::get(&app, &Ctx::cli(), id)
            .await
            .unwrap()
            .enterprise
            .scale
            .as_deref(),
        Some("above")
    );
    // …but do once the override is lifted.
    input.scale_override = None;
    let d = edit::update(&app, &Ctx::cli(), id, &input).await.unwrap();
    assert_eq!(d.enterprise.scale.as_deref(), Some("below"));
    v.insert("main_revenue_yuan".to_string(), "3000".to_string());
    figures::update(&app, &Ctx::cli(), id, 2024, &v, FigureSource::Statistics)
        .await
        .unwrap();
    assert_eq!(
        enterprises::get(&app, &Ctx::cli(), id)
            .await
            .unwrap()
            .enterprise
            .scale
            .as_deref(),
        Some("above")
    );
    let hist = wujin_app::audit::history_of(&app, "yearly_figures", &format!("{id}/2024"), 50)
        .await
        .unwrap();
    assert_eq!(hist.len(), 2);
}
