//! Attachments (附件): files attached to a record — an objection's documents, a 低散乱污
//! case's closure evidence. Stored in the database next to their owner, so a backup holds
//! them and a write is one transaction. Who may read a file is decided by the owner's module:
//! it checks the caller reaches the owner, then calls [`get`].

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use wujin_storage::entity::attachment;

use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// Most files one record may carry.
pub const MAX_FILES_PER_OWNER: usize = 10;

/// What a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    /// An evaluation objection (异议).
    Objection,
    /// A 低散乱污 case (its evidence).
    LowEndCase,
    /// A progress report of a supervised task (进展报送的附件).
    ProgressReport,
    /// A service-loop problem (问题的附件: photos, letters, the answer's documents).
    Problem,
}

impl OwnerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Objection => "objection",
            OwnerKind::LowEndCase => "low_end_case",
            OwnerKind::ProgressReport => "progress_report",
            OwnerKind::Problem => "problem",
        }
    }
}

/// A file as uploaded.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A stored file, without its content.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<&attachment::Model> for AttachmentInfo {
    fn from(m: &attachment::Model) -> Self {
        AttachmentInfo {
            id: m.id,
            filename: m.filename.clone(),
            content_type: m.content_type.clone(),
            size_bytes: m.size_bytes,
            sha256: m.sha256.clone(),
            created_at: m.created_at,
        }
    }
}

/// The file types accepted, by extension: documents, images, spreadsheets, archives of them.
const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("txt", "text/plain; charset=utf-8"),
    ("zip", "application/zip"),
];

/// Checks a file before it is stored: a name, not empty, within the size limit, of an
/// accepted type whose content matches the extension where the format has a signature.
pub fn check(file: &NewFile, max_bytes: u64) -> Result<&'static str, FieldError> {
    let name = file.filename.trim();
    if name.is_empty() || name.len() > 200 || name.contains(['/', '\\', '\0']) {
        return Err(FieldError::new("files", "error.attachment.name"));
    }
    if file.bytes.is_empty() {
        return Err(FieldError::with_detail(
            "files",
            "error.attachment.empty",
            name,
        ));
    }
    if file.bytes.len() as u64 > max_bytes {
        return Err(FieldError::with_detail(
            "files",
            "error.attachment.too_large",
            format!("{name}: {} MiB", max_bytes / (1024 * 1024)),
        ));
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, content_type)) = TYPES.iter().find(|(e, _)| *e == ext) else {
        return Err(FieldError::with_detail(
            "files",
            "error.attachment.type",
            name,
        ));
    };
    let b = &file.bytes;
    let signature_ok = match ext.as_str() {
        "pdf" => b.starts_with(b"%PDF"),
        "png" => b.starts_with(b"\x89PNG"),
        "jpg" | "jpeg" => b.starts_with(b"\xFF\xD8\xFF"),
        "docx" | "xlsx" | "zip" => b.starts_with(b"PK"),
        "doc" | "xls" => b.starts_with(b"\xD0\xCF\x11\xE0"),
        _ => std::str::from_utf8(b).is_ok(),
    };
    if !signature_ok {
        return Err(FieldError::with_detail(
            "files",
            "error.attachment.content",
            name,
        ));
    }
    Ok(content_type)
}

/// Checks every file first (all problems at once), then stores them for `owner` inside the
/// caller's transaction, with one audit event per file.
pub async fn store(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    owner: (OwnerKind, i64),
    files: Vec<NewFile>,
) -> AppResult<Vec<AttachmentInfo>> {
    let max = app.config.attachment_max_mb.saturating_mul(1024 * 1024);
    let existing = attachment::Entity::find()
        .filter(attachment::Column::OwnerKind.eq(owner.0.as_str()))
        .filter(attachment::Column::OwnerId.eq(owner.1))
        .select_only()
        .column(attachment::Column::Id)
        .into_tuple::<i64>()
        .all(tx)
        .await?
        .len();
    if existing + files.len() > MAX_FILES_PER_OWNER {
        return Err(AppError::Validation(vec![FieldError::with_detail(
            "files",
            "error.attachment.too_many",
            MAX_FILES_PER_OWNER.to_string(),
        )]));
    }
    let mut errors = Vec::new();
    let mut types = Vec::new();
    for f in &files {
        match check(f, max) {
            Ok(t) => types.push(t),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut out = Vec::new();
    for (f, content_type) in files.into_iter().zip(types) {
        let sha = hex::encode(Sha256::digest(&f.bytes));
        let m = attachment::ActiveModel {
            owner_kind: Set(owner.0.as_str().to_string()),
            owner_id: Set(owner.1),
            filename: Set(f.filename.trim().to_string()),
            content_type: Set(content_type.to_string()),
            size_bytes: Set(f.bytes.len() as i64),
            sha256: Set(sha),
            data: Set(f.bytes),
            uploaded_by: Set(ctx.actor.id),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        audit::record(
            tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "attach",
                entity: owner.0.as_str(),
                entity_id: owner.1.to_string(),
                before: None,
                after: Some(json!({
                    "attachment_id": m.id,
                    "filename": m.filename,
                    "size_bytes": m.size_bytes,
                    "sha256": m.sha256,
                })),
            },
        )
        .await?;
        out.push(AttachmentInfo::from(&m));
    }
    Ok(out)
}

/// The files of an owner, oldest first, without their content.
pub async fn list(
    db: &impl ConnectionTrait,
    owner: (OwnerKind, i64),
) -> AppResult<Vec<AttachmentInfo>> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::OwnerKind.eq(owner.0.as_str()))
        .filter(attachment::Column::OwnerId.eq(owner.1))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(AttachmentInfo::from)
        .collect())
}

/// The files of many owners of one kind, oldest first, by owner.
pub async fn list_many(
    db: &impl ConnectionTrait,
    kind: OwnerKind,
    owners: &[i64],
) -> AppResult<std::collections::HashMap<i64, Vec<AttachmentInfo>>> {
    let mut out: std::collections::HashMap<i64, Vec<AttachmentInfo>> =
        std::collections::HashMap::new();
    for chunk in owners.chunks(1_000) {
        for m in attachment::Entity::find()
            .select_only()
            .columns([
                attachment::Column::Id,
                attachment::Column::OwnerKind,
                attachment::Column::OwnerId,
                attachment::Column::Filename,
                attachment::Column::ContentType,
                attachment::Column::SizeBytes,
                attachment::Column::Sha256,
                attachment::Column::UploadedBy,
                attachment::Column::CreatedAt,
            ])
            .column_as(sea_orm::sea_query::Expr::val(Vec::<u8>::new()), "data")
            .filter(attachment::Column::OwnerKind.eq(kind.as_str()))
            .filter(attachment::Column::OwnerId.is_in(chunk.to_vec()))
            .order_by_asc(attachment::Column::Id)
            .all(db)
            .await?
        {
            out.entry(m.owner_id)
                .or_default()
                .push(AttachmentInfo::from(&m));
        }
    }
    Ok(out)
}

/// One file with its content, if it belongs to `owner` (else `NotFound`): the caller has
/// already checked that it reaches the owner.
pub async fn get(
    db: &impl ConnectionTrait,
    owner: (OwnerKind, i64),
    id: i64,
) -> AppResult<(AttachmentInfo, Vec<u8>)> {
    let m = attachment::Entity::find_by_id(id)
        .filter(attachment::Column::OwnerKind.eq(owner.0.as_str()))
        .filter(attachment::Column::OwnerId.eq(owner.1))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let info = AttachmentInfo::from(&m);
    Ok((info, m.data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> NewFile {
        NewFile {
            filename: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn accepted_files_and_the_reasons_others_are_refused() {
        assert_eq!(
            check(&file("证明.pdf", b"%PDF-1.7 ..."), 100),
            Ok("application/pdf")
        );
        assert_eq!(
            check(&file("现场.JPG", b"\xFF\xD8\xFF\xE0"), 100),
            Ok("image/jpeg")
        );
        let key = |r: Result<&str, FieldError>| r.unwrap_err().key;
        assert_eq!(
            key(check(&file("a.pdf", b""), 100)),
            "error.attachment.empty"
        );
        assert_eq!(
            key(check(&file("a.pdf", b"%PDF-xxxx"), 4)),
            "error.attachment.too_large"
        );
        assert_eq!(
            key(check(&file("a.exe", b"MZ"), 100)),
            "error.attachment.type"
        );
        assert_eq!(
            key(check(&file("a.pdf", b"MZ..."), 100)),
            "error.attachment.content"
        );
        assert_eq!(
            key(check(&file("../a.pdf", b"%PDF"), 100)),
            "error.attachment.name"
        );
        assert_eq!(key(check(&file("", b"%PDF"), 100)), "error.attachment.name");
    }
}
