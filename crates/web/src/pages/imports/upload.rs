//! Receiving an upload: the kind of table, the year and source of figures, and the file.
//! Validation keeps the file as a batch and leads to its preview.

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use wujin_app::registry::import::ImportOptions;
use wujin_app::{AppError, FieldError};
use wujin_domain::enterprise::FigureSource;
use wujin_xlsx::TableKind;

use super::{UploadForm, index_page};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::pages::FormErrors;
use crate::pages::enterprises::invalid;
use crate::state::AppState;

/// What the upload form sent.
#[derive(Default)]
struct Upload {
    form: UploadForm,
    file_name: String,
    bytes: Vec<u8>,
}

/// Reads the multipart body; a body that cannot be read is a field error on the file.
async fn read(mut mp: Multipart) -> Result<Upload, FieldError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            FieldError::new("file", "error.import.file.too_large")
        } else {
            FieldError::with_detail("file", "imports_page.upload_broken", e.body_text())
        }
    };
    let mut u = Upload::default();
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                u.file_name = field.file_name().unwrap_or_default().to_string();
                u.bytes = field.bytes().await.map_err(broken)?.to_vec();
            }
            "kind" => u.form.kind = field.text().await.map_err(broken)?,
            "year" => u.form.year = field.text().await.map_err(broken)?,
            "source" => u.form.source = field.text().await.map_err(broken)?,
            _ => {}
        }
    }
    Ok(u)
}

/// Checks the form's own fields; the file itself is checked by the import.
fn options(u: &Upload, max_bytes: usize) -> Result<(TableKind, ImportOptions), Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = TableKind::parse(u.form.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", "imports_page.kind_required"));
    }
    let mut opts = ImportOptions::default();
    if kind == Some(TableKind::Figures) {
        let year = u.form.year.trim();
        if !year.is_empty() {
            match year.parse::<i32>() {
                Ok(y) if (1990..=2100).contains(&y) => opts.year = Some(y),
                _ => errors.push(FieldError::new("year", "error.figures.year_invalid")),
            }
        }
        match u.form.source.trim() {
            "" => {}
            s => match FigureSource::parse(s) {
                Some(s) => opts.source = Some(s),
                None => errors.push(FieldError::new("source", "error.figures.source_invalid")),
            },
        }
    }
    if u.file_name.trim().is_empty() && u.bytes.is_empty() {
        errors.push(FieldError::new("file", "imports_page.file_required"));
    } else if u.bytes.len() > max_bytes {
        errors.push(FieldError::new("file", "error.import.file.too_large"));
    }
    match kind {
        Some(k) if errors.is_empty() => Ok((k, opts)),
        _ => Err(errors),
    }
}

/// The upload page again with the problems, status 422.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    form: UploadForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let errors = FormErrors::from_fields(user.lang, &errors);
    invalid(index_page(state, user, form, errors, None, None).await?)
}

pub(super) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response, PageError> {
    let u = match read(mp).await {
        Ok(u) => u,
        Err(e) => return refused(&state, &user, UploadForm::default(), vec![e]).await,
    };
    let (kind, opts) = match options(&u, crate::max_upload_bytes(&state.app.config)) {
        Ok(x) => x,
        Err(errors) => return refused(&state, &user, u.form, errors).await,
    };
    let Upload {
        form,
        file_name,
        bytes,
    } = u;
    match wujin_app::registry::import::validate(
        &state.app, &user.ctx, kind, &file_name, bytes, &opts,
    )
    .await
    {
        Ok(p) => match p.batch_id {
            Some(id) => Ok(Redirect::to(&format!("/imports/{id}")).into_response()),
            None => Err(AppError::Internal("validated import without a batch".into()).into()),
        },
        Err(AppError::Validation(v)) => refused(&state, &user, form, v).await,
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(kind: &str, year: &str, source: &str, file: &str, len: usize) -> Upload {
        Upload {
            form: UploadForm {
                kind: kind.into(),
                year: year.into(),
                source: source.into(),
            },
            file_name: file.into(),
            bytes: vec![b'x'; len],
        }
    }

    #[test]
    fn the_form_is_checked_before_the_file() {
        let (k, o) = options(&upload("figures", "2024", "tax", "a.xlsx", 10), 100).unwrap();
        assert_eq!(k, TableKind::Figures);
        assert_eq!(o.year, Some(2024));
        assert_eq!(o.source, Some(FigureSource::Tax));
        let (_, o) = options(&upload("enterprises", "2024", "tax", "a.csv", 10), 100).unwrap();
        assert_eq!(
            o,
            ImportOptions::default(),
            "year and source only for figures"
        );
        let fields = |u: Upload| -> Vec<String> {
            options(&u, 100)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(upload("", "", "", "", 0)), vec!["kind", "file"]);
        assert_eq!(
            fields(upload("figures", "1800", "nope", "a.xlsx", 1)),
            vec!["year", "source"]
        );
        // A file over the configured size is refused with the form.
        assert_eq!(
            fields(upload("enterprises", "", "", "a.csv", 101)),
            vec!["file"]
        );
    }
}
