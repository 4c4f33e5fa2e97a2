//! Exports of the registry to xlsx: the enterprise list as filtered on screen, and one year's
//! figures. Headers are the import headers, so an exported file can be edited and imported
//! back. The caller's scope applies, and phone numbers are masked as on screen.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wujin_domain::access::Permission;
use wujin_domain::enterprise::{EnterpriseStatus, Scale};
use wujin_storage::entity::yearly_figures;
use wujin_xlsx::TableKind;
use wujin_xlsx::write::{ExportColumn, ExportFormat, ExportValue, export_table};

use super::enterprises::{EnterpriseFilter, for_each, keys};
use super::figures::{FIGURES, FigureKind, FigureValue, read_value};
use super::views::EnterpriseView;
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};

fn column(header: &str, format: ExportFormat, width: f64) -> ExportColumn {
    ExportColumn {
        header: header.to_string(),
        format,
        width,
    }
}

fn header(kind: TableKind, key: &str) -> &'static str {
    kind.column(key).map_or("", |c| c.header)
}

fn text(v: &Option<String>) -> ExportValue {
    v.as_ref()
        .map_or(ExportValue::Empty, |s| ExportValue::Text(s.clone()))
}

/// The enterprise list, filtered and sorted as `f` says.
pub async fn enterprises_xlsx(app: &App, ctx: &Ctx, f: &EnterpriseFilter) -> AppResult<Vec<u8>> {
    ctx.require(Permission::ViewEnterprises)?;
    let e = TableKind::Enterprises;
    let columns = vec![
        column("序号", ExportFormat::PlainInteger, 6.0),
        column(header(e, "credit_code"), ExportFormat::Text, 22.0),
        column(header(e, "name"), ExportFormat::Text, 32.0),
        column(header(e, "short_name"), ExportFormat::Text, 14.0),
        column(header(e, "town"), ExportFormat::Text, 14.0),
        column(header(e, "park"), ExportFormat::Text, 16.0),
        column(header(e, "industry_group"), ExportFormat::Text, 22.0),
        column(header(e, "industry_code"), ExportFormat::Text, 10.0),
        column("规模", ExportFormat::Text, 8.0),
        column(header(e, "status"), ExportFormat::Text, 8.0),
        column(header(e, "founded_on"), ExportFormat::Date, 12.0),
        column(header(e, "address"), ExportFormat::Text, 30.0),
        column(header(e, "legal_rep"), ExportFormat::Text, 10.0),
        column(header(e, "contact_person"), ExportFormat::Text, 10.0),
        column(header(e, "contact_phone"), ExportFormat::Text, 16.0),
        column(header(e, "tags"), ExportFormat::Text, 24.0),
    ];
    let mut rows = Vec::new();
    for_each(app, ctx, f, |v: EnterpriseView| {
        let n = rows.len() as i64 + 1;
        rows.push(vec![
            ExportValue::Int(n),
            ExportValue::Text(v.credit_code),
            ExportValue::Text(v.name),
            text(&v.short_name),
            ExportValue::Text(v.town_name),
            text(&v.park),
            ExportValue::Text(v.industry_group_name),
            text(&v.industry_code),
            text(
                &v.scale
                    .as_deref()
                    .and_then(Scale::parse)
                    .map(|s| s.label().to_string()),
            ),
            ExportValue::Text(
                EnterpriseStatus::parse(&v.status)
                    .map_or(v.status.clone(), |s| s.label().to_string()),
            ),
            v.founded_on.map_or(ExportValue::Empty, ExportValue::Date),
            text(&v.address),
            text(&v.legal_rep),
            text(&v.contact_person),
            text(&v.contact_phone),
            if v.tags.is_empty() {
                ExportValue::Empty
            } else {
                ExportValue::Text(
                    v.tags
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                )
            },
        ]);
    })
    .await?;
    tokio::task::spawn_blocking(move || {
        export_table(
            TableKind::Enterprises.sheet_name(),
            None,
            &columns,
            rows.into_iter(),
        )
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))
}

fn figure_format(kind: FigureKind) -> ExportFormat {
    match kind {
        FigureKind::Money => ExportFormat::MoneyWanYuan,
        FigureKind::Count => ExportFormat::Integer,
        FigureKind::Quantity => ExportFormat::Decimal2,
        FigureKind::Flag => ExportFormat::Flag,
    }
}

fn figure_cell(v: Option<FigureValue>) -> ExportValue {
    match v {
        None => ExportValue::Empty,
        Some(FigureValue::Int(i)) => ExportValue::Int(i),
        Some(FigureValue::Real(r)) => ExportValue::Real(r),
        Some(FigureValue::Flag(b)) => ExportValue::Flag(b),
    }
}

/// One year's figures of the firms matching `f`, one row per firm (blank where none are
/// loaded).
pub async fn figures_xlsx(
    app: &App,
    ctx: &Ctx,
    year: i32,
    f: &EnterpriseFilter,
) -> AppResult<Vec<u8>> {
    ctx.require(Permission::ViewEnterprises)?;
    let fk = TableKind::Figures;
    let mut columns = vec![
        column("序号", ExportFormat::PlainInteger, 6.0),
        column(header(fk, "credit_code"), ExportFormat::Text, 22.0),
        column(header(fk, "name"), ExportFormat::Text, 32.0),
        column(
            header(TableKind::Enterprises, "town"),
            ExportFormat::Text,
            12.0,
        ),
        column(header(fk, "year"), ExportFormat::PlainInteger, 8.0),
    ];
    for (key, kind) in FIGURES {
        columns.push(column(header(fk, key), figure_format(*kind), 14.0));
    }
    let firms = keys(app, ctx, f).await?;
    let db = app.db.read();
    let towns: HashMap<i64, String> = crate::departments::all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let mut stored: HashMap<i64, yearly_figures::Model> = HashMap::with_capacity(firms.len());
    if firms.len() > 5_000 {
        // Most of the year: one pass over its rows beats thousands of bound ids.
        let wanted: std::collections::HashSet<i64> = firms.iter().map(|k| k.0).collect();
        for r in yearly_figures::Entity::find()
            .filter(yearly_figures::Column::Year.eq(year))
            .all(db)
            .await?
        {
            if wanted.contains(&r.enterprise_id) {
                stored.insert(r.enterprise_id, r);
            }
        }
    } else {
        let ids: Vec<i64> = firms.iter().map(|k| k.0).collect();
        for chunk in ids.chunks(1_000) {
            for r in yearly_figures::Entity::find()
                .filter(yearly_figures::Column::Year.eq(year))
                .filter(yearly_figures::Column::EnterpriseId.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                stored.insert(r.enterprise_id, r);
            }
        }
    }
    let rows: Vec<Vec<ExportValue>> = firms
        .into_iter()
        .enumerate()
        .map(|(i, (id, credit_code, name, town_id))| {
            let fig = stored.get(&id);
            let mut row = vec![
                ExportValue::Int(i as i64 + 1),
                ExportValue::Text(credit_code),
                ExportValue::Text(name),
                ExportValue::Text(towns.get(&town_id).cloned().unwrap_or_default()),
                ExportValue::Int(year.into()),
            ];
            for (key, _) in FIGURES {
                row.push(fig.map_or(ExportValue::Empty, |r| figure_cell(read_value(r, key))));
            }
            row
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        export_table(&format!("{year}年度数据"), None, &columns, rows.into_iter())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))
}
