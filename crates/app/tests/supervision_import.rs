//! Importing a decomposition table typed the way an office types it (merged title, leader and
//! area merged down, columns in an unusual order, units in one cell, deadlines as phrases):
//! the preview lists the rows, the errors by cell and the unknown names with their rows; the
//! commit is refused until every unknown name is mapped, then writes every area, task and
//! sub-task with its leader, units and deadline, once; only the office imports; a file that
//! cannot be read writes nothing.

use rust_xlsxwriter::Workbook;
use wujin_app::supervision::import::{self, NameKind, NameMapping, TaskImportPreview};
use wujin_app::{App, AppError};
use wujin_storage::entity::{audit_event, department, import_batch, supervision_task};
use wujin_storage::sea_orm::{EntityTrait, PaginatorTrait};
use wujin_testkit::{ctx_of, unit_id};

mod task_import_support;

use task_import_support::{DATA_BUREAU, DIGITAL_CENTRE, check_written, setup, table};

async fn batches(app: &App) -> u64 {
    import_batch::Entity::find()
        .count(app.db.read())
        .await
        .unwrap()
}

async fn task_count(app: &App) -> u64 {
    supervision_task::Entity::find()
        .count(app.db.read())
        .await
        .unwrap()
}

fn field_keys(r: Result<impl std::fmt::Debug, AppError>) -> Vec<(String, String, String)> {
    match r {
        Err(AppError::Validation(errors)) => errors
            .into_iter()
            .map(|e| (e.field, e.key, e.detail.unwrap_or_default()))
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn unknown_units(p: &TaskImportPreview) -> Vec<(String, Vec<u32>)> {
    p.unknown_of(NameKind::Unit)
        .map(|u| (u.name.clone(), u.rows.clone()))
        .collect()
}

#[tokio::test]
async fn an_office_table_is_previewed_mapped_and_committed_once() {
    let (_t, app, plan_id) = setup().await;
    let office = ctx_of(&app, "dcs_jin").await;
    let jxj = unit_id(&app, "jxj").await;

    // The first upload has an unreadable deadline: listed by cell, and the commit refused.
    let p = import::validate(&app, &office, plan_id, "分解表.xlsx", table("尽快完成"))
        .await
        .unwrap();
    assert_eq!(p.status, "failed");
    assert_eq!((p.sheet.as_str(), p.header_row), ("Sheet1", 3));
    let errors: Vec<(String, String, String)> = p
        .errors
        .iter()
        .map(|e| (e.cell.clone(), e.key.clone(), e.detail.clone()))
        .collect();
    assert_eq!(
        errors,
        [(
            "A13".to_string(),
            "error.task.deadline_unreadable".to_string(),
            "尽快完成".to_string()
        )]
    );
    let failed = p.batch_id.unwrap();
    assert!(matches!(
        import::commit(&app, &office, failed, &[]).await,
        Err(AppError::Conflict(k)) if k == "error.import.has_errors"
    ));
    let (name, xlsx) = import::error_workbook(&app, &office, failed, &|k: &str| k.to_string())
        .await
        .unwrap();
    assert_eq!(name, "分解表-错误.xlsx");
    assert!(xlsx.starts_with(b"PK"));

    // The corrected table: no errors, two unit names nobody knows, listed with their rows.
    let p = import::validate(
        &app,
        &office,
        plan_id,
        "分解表.xlsx",
        table("2022年12月31日"),
    )
    .await
    .unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.status, "validated");
    assert_eq!(
        p.title.as_deref(),
        Some("2022年政府工作报告重点工作任务分解表")
    );
    assert_eq!((p.areas, p.tasks, p.sub_tasks), (2, 9, 1));
    assert_eq!(
        unknown_units(&p),
        [
            (DATA_BUREAU.to_string(), vec![6, 12]),
            (DIGITAL_CENTRE.to_string(), vec![8])
        ]
    );
    assert_eq!(p.unknown_of(NameKind::Leader).count(), 0);
    // The leader merged down five rows leads each of them; the second of two leaders is shown.
    let by_row = |row: u32| p.rows.iter().find(|r| r.row == row && r.level > 0).unwrap();
    for row in 4..=8 {
        assert_eq!(
            by_row(row).leader.as_ref().unwrap().written,
            "王市长",
            "row {row}"
        );
    }
    assert_eq!(by_row(9).leader.as_ref().unwrap().written, "李副市长");
    assert_eq!(by_row(9).other_leaders, ["王市长"]);
    assert_eq!(
        by_row(5).co_units.iter().map(|u| u.id).collect::<Vec<_>>(),
        [
            Some(unit_id(&app, "czj").await),
            Some(unit_id(&app, "swj").await)
        ]
    );
    let batch = p.batch_id.unwrap();
    assert_eq!(task_count(&app).await, 0, "validation wrote tasks");

    // Refused while a name is unmapped, naming each; a mapping to nothing is refused too.
    assert_eq!(
        field_keys(import::commit(&app, &office, batch, &[]).await),
        [
            (
                "mappings".into(),
                "error.task_import.unit_unmapped".into(),
                DATA_BUREAU.into()
            ),
            (
                "mappings".into(),
                "error.task_import.unit_unmapped".into(),
                DIGITAL_CENTRE.into()
            ),
        ]
    );
    let partial = [NameMapping::MapUnit {
        name: DATA_BUREAU.into(),
        department_id: jxj,
    }];
    assert_eq!(
        field_keys(import::commit(&app, &office, batch, &partial).await),
        [(
            "mappings".into(),
            "error.task_import.unit_unmapped".into(),
            DIGITAL_CENTRE.into()
        )]
    );
    let wrong = [
        NameMapping::MapUnit {
            name: DATA_BUREAU.into(),
            department_id: 999_999,
        },
        NameMapping::CreateUnit {
            name: DIGITAL_CENTRE.into(),
        },
        NameMapping::CreateUnit {
            name: "市不在表里局".into(),
        },
    ];
    assert_eq!(
        field_keys(import::commit(&app, &office, batch, &wrong).await)
            .into_iter()
            .map(|(_, k, d)| (k, d))
            .collect::<Vec<_>>(),
        [
            (
                "error.task_import.mapping_unit_invalid".to_string(),
                DATA_BUREAU.to_string()
            ),
            (
                "error.task_import.mapping_unused".to_string(),
                "市不在表里局".to_string()
            ),
        ]
    );
    let units_before = department::Entity::find()
        .count(app.db.read())
        .await
        .unwrap();
    assert_eq!(task_count(&app).await, 0);

    // A unit user may not commit the office's batch.
    let dept = ctx_of(&app, "dept").await;
    assert!(matches!(
        import::commit(&app, &dept, batch, &partial).await,
        Err(AppError::Forbidden)
    ));

    // One name mapped to an existing unit, the other created: the commit writes everything.
    let mappings = [
        NameMapping::MapUnit {
            name: DATA_BUREAU.into(),
            department_id: jxj,
        },
        NameMapping::CreateUnit {
            name: DIGITAL_CENTRE.into(),
        },
    ];
    let audit_before = audit_event::Entity::find()
        .count(app.db.read())
        .await
        .unwrap();
    let out = import::commit(&app, &office, batch, &mappings)
        .await
        .unwrap();
    assert_eq!((out.areas, out.tasks, out.sub_tasks), (2, 9, 1));
    assert_eq!(out.units_created.len(), 1);
    let created = department::Entity::find_by_id(out.units_created[0].id)
        .one(app.db.read())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (created.name.as_str(), created.kind.as_str()),
        (DIGITAL_CENTRE, "department")
    );
    assert_eq!(created.parent_id, Some(unit_id(&app, "yongkang").await));
    assert_eq!(
        department::Entity::find()
            .count(app.db.read())
            .await
            .unwrap(),
        units_before + 1
    );
    // One event per unit and task, and the batch's commit.
    let audit_after = audit_event::Entity::find()
        .count(app.db.read())
        .await
        .unwrap();
    assert_eq!(audit_after - audit_before, 1 + 12 + 1);
    assert_eq!(out.audit_events, 14);

    check_written(&app, plan_id, created.id).await;

    // A second commit is refused and writes nothing.
    assert!(matches!(
        import::commit(&app, &office, batch, &mappings).await,
        Err(AppError::Conflict(k)) if k == "error.import.already_committed"
    ));
    assert_eq!(task_count(&app).await, 12);
    assert_eq!(
        import::preview(&app, &office, batch).await.unwrap().status,
        "committed"
    );
}

#[tokio::test]
async fn only_the_office_imports_and_unreadable_files_write_nothing() {
    let (_t, app, plan_id) = setup().await;
    let office = ctx_of(&app, "dcs_jin").await;
    for who in ["dept", "leader"] {
        let ctx = ctx_of(&app, who).await;
        assert!(
            matches!(
                import::validate(&app, &ctx, plan_id, "a.xlsx", table("年底前")).await,
                Err(AppError::Forbidden)
            ),
            "{who}"
        );
    }
    // Not a zip archive.
    let r = import::validate(
        &app,
        &office,
        plan_id,
        "a.xlsx",
        b"not a spreadsheet".to_vec(),
    )
    .await;
    assert_eq!(
        field_keys(r)
            .into_iter()
            .map(|(f, k, _)| (f, k))
            .collect::<Vec<_>>(),
        [("file".to_string(), "error.import.file.corrupt".to_string())]
    );
    // A spreadsheet without a decomposition header: the required columns are named.
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "企业名称").unwrap();
    ws.write_string(0, 1, "统一社会信用代码").unwrap();
    ws.write_string(1, 0, "永康市甲五金有限公司").unwrap();
    let r = import::validate(
        &app,
        &office,
        plan_id,
        "b.xlsx",
        book.save_to_buffer().unwrap(),
    )
    .await;
    let keys = field_keys(r);
    assert_eq!(keys[0].1, "error.import.header_not_found");
    assert!(keys[0].2.contains("工作任务、牵头单位"), "{}", keys[0].2);
    // A header without the lead unit column names it.
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["序号", "工作任务", "完成时限"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let r = import::validate(
        &app,
        &office,
        plan_id,
        "c.xlsx",
        book.save_to_buffer().unwrap(),
    )
    .await;
    let keys = field_keys(r);
    assert_eq!(keys[0].1, "error.import.missing_column");
    assert!(keys[0].2.ends_with("牵头单位"), "{}", keys[0].2);
    // An unknown plan.
    assert!(matches!(
        import::validate(&app, &office, 999_999, "a.xlsx", table("年底前")).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(batches(&app).await, 0);
    assert_eq!(task_count(&app).await, 0);
}

#[tokio::test]
async fn the_sample_table_imports_with_its_two_unknown_units() {
    let (_t, app, plan_id) = setup().await;
    let office = ctx_of(&app, "dcs_jin").await;
    let unknown = ["市数据局", "市城市大脑运营中心"];
    let bytes = import::sample_decomposition_xlsx(120, &unknown);
    let p = import::validate(&app, &office, plan_id, "sample.xlsx", bytes)
        .await
        .unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.tasks + p.sub_tasks, 120);
    assert!(
        p.areas >= 5 && p.sub_tasks > 0,
        "{} areas, {} sub-tasks",
        p.areas,
        p.sub_tasks
    );
    let names: Vec<String> = p.unknown.iter().map(|u| u.name.clone()).collect();
    assert_eq!(names, unknown);
    assert_eq!(p.unknown[0].rows.len(), 3);
    assert_eq!(p.unknown[1].rows.len(), 2);
    // Every task has a leader from the leader accounts and a matched lead unit.
    assert!(p.rows.iter().filter(|r| r.level > 0).all(|r| {
        r.leader.as_ref().is_some_and(|l| l.id.is_some())
            && r.lead_units
                .iter()
                .all(|u| u.id.is_some() || unknown.contains(&u.written.as_str()))
    }));
    // The demo's leaders lead in turn.
    let mut leaders: Vec<i64> = p
        .rows
        .iter()
        .filter_map(|r| r.leader.as_ref()?.id)
        .collect();
    leaders.sort_unstable();
    leaders.dedup();
    assert_eq!(leaders.len(), wujin_app::demo_supervision::LEADERS.len());
    let fgj = unit_id(&app, "fgj").await;
    let out = import::commit(
        &app,
        &office,
        p.batch_id.unwrap(),
        &[
            NameMapping::MapUnit {
                name: unknown[0].into(),
                department_id: fgj,
            },
            NameMapping::CreateUnit {
                name: unknown[1].into(),
            },
        ],
    )
    .await
    .unwrap();
    assert_eq!(out.tasks + out.sub_tasks, 120);
    assert_eq!(task_count(&app).await as usize, 120 + out.areas);
}
