//! The files a decomposition import hands out: the uploaded workbook back with its errors and
//! unknown names marked, and the blank template.

use wujin_domain::access::Permission;
use wujin_xlsx::CellError;

use super::resolve::{Known, Overrides, resolve};
use super::{own_batch, plan_of, reparse, stored};
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};

/// The uploaded workbook with an error column, the bad cells highlighted with a note each —
/// the errors, and the names that match no unit or leader. `translate` turns a catalogue key
/// into the caller's language.
pub async fn error_workbook(
    app: &App,
    ctx: &Ctx,
    batch_id: i64,
    translate: &(dyn Fn(&str) -> String + Sync),
) -> AppResult<(String, Vec<u8>)> {
    let b = own_batch(app, app.db.read(), ctx, batch_id).await?;
    let plan = plan_of(app.db.read(), stored(&b)?.plan_id).await?;
    let parsed = reparse(app, &b).await?;
    let known = Known::load(app.db.read()).await?;
    let r = resolve(&parsed.sheet, &plan, &known, &Overrides::new());
    let mut marks: Vec<CellError> = r.errors;
    marks.extend(r.unknown_cells);
    marks.sort_by_key(|e| (e.row, e.col));
    let messages: Vec<(CellError, String)> = marks
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
    let out = wujin_xlsx::write::error_workbook(
        &parsed.workbook,
        &parsed.sheet.sheet,
        parsed.sheet.header_row,
        &messages,
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let stem = b
        .file_name
        .rsplit_once('.')
        .map_or(b.file_name.as_str(), |(s, _)| s);
    Ok((format!("{stem}-错误.xlsx"), out))
}

/// The blank decomposition template, for everyone who reads supervision.
pub fn template(ctx: &Ctx) -> AppResult<Vec<u8>> {
    ctx.require(Permission::ViewSupervision)?;
    wujin_xlsx::write::decomposition_template("重点工作任务分解表")
        .map_err(|e| AppError::Internal(e.to_string()))
}
