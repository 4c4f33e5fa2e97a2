//! The files an import hands out: the blank template for a table, and the uploaded workbook
//! back with its errors marked.

use wujin_domain::access::Permission;
use wujin_storage::entity::department;
use wujin_xlsx::write::TemplateChoices;
use wujin_xlsx::{CellError, TableKind};

use sea_orm::EntityTrait;

use super::lookup::Lookup;
use super::{own_batch, reparse, resolve};
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::registry::dictionaries::{Dictionary, entries};
use crate::registry::scope::EnterpriseScope;

/// The uploaded workbook back, with an error column and the bad cells highlighted.
/// `translate` turns a catalogue key into the caller's language.
pub async fn error_workbook(
    app: &App,
    ctx: &Ctx,
    batch_id: i64,
    translate: &(dyn Fn(&str) -> String + Sync),
) -> AppResult<(String, Vec<u8>)> {
    let b = own_batch(app.db.read(), ctx, batch_id).await?;
    let (kind, opts, parsed) = reparse(app, &b).await?;
    let plan = resolve(app.db.read(), ctx, kind, &b.file_name, &parsed, &opts).await?;
    let errors: Vec<(CellError, String)> = plan
        .errors
        .into_iter()
        .map(|e| {
            let msg = if e.detail.is_empty() {
                translate(e.key)
            } else {
                format!("{}（{}）", translate(e.key), e.detail)
            };
            (e, msg)
        })
        .collect();
    let (sheet, header_row) = match &parsed.mapped {
        Ok(m) => (m.sheet.clone(), m.header_row),
        Err(e) => (e.sheet.clone(), e.row),
    };
    let out = wujin_xlsx::write::error_workbook(&parsed.workbook, &sheet, header_row, &errors)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let stem = b
        .file_name
        .rsplit_once('.')
        .map_or(b.file_name.as_str(), |(s, _)| s);
    Ok((format!("{stem}-错误.xlsx"), out))
}

/// A blank template for `kind` with dropdowns of the caller's towns, groups and tags.
pub async fn template(
    app: &App,
    ctx: &Ctx,
    kind: TableKind,
    year: Option<i32>,
) -> AppResult<Vec<u8>> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let l = Lookup::load(db).await?;
    let mut towns: Vec<(i64, String)> = l
        .towns
        .names
        .iter()
        .filter(|(id, _)| scope.covers_town(**id) || !matches!(scope, EnterpriseScope::Towns(_)))
        .map(|(id, n)| (*id, n.clone()))
        .collect();
    let order: std::collections::HashMap<i64, i32> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.sort_order))
        .collect();
    towns.sort_by_key(|(id, _)| (order.get(id).copied().unwrap_or(0), *id));
    let groups = entries(db, Dictionary::IndustryGroup)
        .await?
        .into_iter()
        .filter(|e| e.active)
        .map(|e| e.name)
        .collect();
    let tags = entries(db, Dictionary::Tag)
        .await?
        .into_iter()
        .filter(|e| e.active)
        .map(|e| e.name)
        .collect();
    let choices = TemplateChoices {
        towns: towns.into_iter().map(|(_, n)| n).collect(),
        industry_groups: groups,
        tags,
    };
    wujin_xlsx::write::template(kind, &choices, year).map_err(|e| AppError::Internal(e.to_string()))
}
