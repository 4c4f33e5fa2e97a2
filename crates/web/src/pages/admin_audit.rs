//! 审计日志: browse, filter and export the audit log; one event in full.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::Value;
use wujin_app::audit::{AuditEventDetail, AuditEventView, AuditFilter};
use wujin_app::{AppError, PageRequest};

use crate::error::PageError;
use crate::extract::{CurrentUser, urlencode};
use crate::i18n::{Lang, has, tr};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::{Pager, csv_response, day_start, pager, query_string, render};
use crate::state::AppState;

const PER_PAGE: u64 = 50;
const EXPORT_LIMIT: u64 = 10_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(list))
        .route("/admin/audit/export.csv", get(export))
        .route("/admin/audit/{id}", get(detail))
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    actor: Option<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u64>,
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl ListQuery {
    fn filter(&self) -> AuditFilter {
        AuditFilter {
            actor_user_id: None,
            actor_name: trimmed(&self.actor),
            entity: trimmed(&self.entity),
            entity_id: trimmed(&self.entity_id),
            action: trimmed(&self.action),
            from: day_start(&self.from),
            to: day_start(&self.to).map(|t| t + chrono::Duration::days(1)),
        }
    }

    /// The query string of the current filters, without the page.
    fn query(&self) -> String {
        query_string(&[
            ("actor", trimmed(&self.actor)),
            ("entity", trimmed(&self.entity)),
            ("entity_id", trimmed(&self.entity_id)),
            ("action", trimmed(&self.action)),
            ("from", trimmed(&self.from)),
            ("to", trimmed(&self.to)),
        ])
    }
}

/// A choice of a filter dropdown.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn t_or(lang: Lang, prefix: &str, value: &str) -> String {
    let key = format!("{prefix}.{value}");
    if has(lang, &key) {
        tr(lang, &key)
    } else {
        value.to_string()
    }
}

#[derive(Template)]
#[template(path = "admin/audit_list.html")]
struct ListPage {
    page: PageCtx,
    items: Vec<AuditEventView>,
    entities: Vec<Choice>,
    actions: Vec<Choice>,
    actor: String,
    entity_id: String,
    from: String,
    to: String,
    export_href: String,
    export_limit: u64,
    pager: Pager,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let filter = q.filter();
    let result = wujin_app::audit::list(
        &state.app,
        &user.ctx,
        &filter,
        PageRequest::new(q.page, Some(PER_PAGE)),
    )
    .await?;
    let mut entity_names = wujin_app::audit::entities(&state.app, &user.ctx).await?;
    if let Some(e) = &filter.entity
        && !entity_names.contains(e)
    {
        entity_names.push(e.clone());
    }
    let entities = entity_names
        .into_iter()
        .map(|e| Choice {
            label: t_or(user.lang, "audit.entities", &e),
            selected: filter.entity.as_deref() == Some(e.as_str()),
            value: e,
        })
        .collect();
    let mut action_names = wujin_app::audit::actions(&state.app, &user.ctx).await?;
    if let Some(a) = &filter.action
        && !action_names.contains(a)
    {
        action_names.push(a.clone());
    }
    let actions = action_names
        .into_iter()
        .map(|a| Choice {
            label: t_or(user.lang, "audit.actions", &a),
            selected: filter.action.as_deref() == Some(a.as_str()),
            value: a,
        })
        .collect();
    let query = q.query();
    let pager = pager(user.lang, &result, "/admin/audit", &query);
    let export_href = if query.is_empty() {
        "/admin/audit/export.csv".to_string()
    } else {
        format!("/admin/audit/export.csv?{query}")
    };
    let page = page_ctx(&state, &user, "menu.audit", &[("menu.audit", None)], None).await;
    render(&ListPage {
        page,
        items: result.items,
        entities,
        actions,
        actor: trimmed(&q.actor).unwrap_or_default(),
        entity_id: trimmed(&q.entity_id).unwrap_or_default(),
        from: trimmed(&q.from).unwrap_or_default(),
        to: trimmed(&q.to).unwrap_or_default(),
        export_href,
        export_limit: EXPORT_LIMIT,
        pager,
    })
}

/// An audit timestamp in China time, as a spreadsheet reads it.
fn csv_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&crate::layout::china_tz())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageRequest {
        page: 1,
        per_page: EXPORT_LIMIT,
    };
    let result = wujin_app::audit::list(&state.app, &user.ctx, &q.filter(), page).await?;
    let lang = user.lang;
    let header: Vec<String> = [
        "audit_page.id",
        "audit.at",
        "audit.actor",
        "audit.action",
        "audit.entity",
        "audit_page.entity_id",
        "audit_page.changed_fields",
        "audit_page.request_id",
        "audit_page.ip",
    ]
    .iter()
    .map(|k| tr(lang, k))
    .collect();
    let rows: Vec<Vec<String>> = result
        .items
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                csv_time(&e.at),
                e.actor_name.clone(),
                t_or(lang, "audit.actions", &e.action),
                t_or(lang, "audit.entities", &e.entity),
                e.entity_id.clone(),
                e.changed_fields.join(", "),
                e.request_id.clone(),
                e.ip.clone(),
            ]
        })
        .collect();
    let name = format!(
        "{}-{}.csv",
        tr(lang, "menu.audit"),
        chrono::Utc::now()
            .with_timezone(&crate::layout::china_tz())
            .format("%Y%m%d")
    );
    Ok(csv_response(&name, &header, &rows))
}

/// One field of an event: its value before and after.
struct FieldDiff {
    name: String,
    before: String,
    after: String,
    changed: bool,
}

fn pretty(v: Option<&Value>) -> String {
    match v {
        None => "—".to_string(),
        Some(v) => serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()),
    }
}

fn field_diffs(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldDiff> {
    let is_object_or_none = |v: Option<&Value>| v.is_none_or(Value::is_object);
    if !(is_object_or_none(before) && is_object_or_none(after)) {
        return vec![FieldDiff {
            name: "—".to_string(),
            before: pretty(before),
            after: pretty(after),
            changed: before != after,
        }];
    }
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| FieldDiff {
            name: k.clone(),
            before: if before.is_some() {
                pretty(b.get(k))
            } else {
                "—".to_string()
            },
            after: if after.is_some() {
                pretty(a.get(k))
            } else {
                "—".to_string()
            },
            changed: b.get(k) != a.get(k),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/audit_detail.html")]
struct DetailPage {
    page: PageCtx,
    e: AuditEventDetail,
    fields: Vec<FieldDiff>,
    history_href: String,
}

async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let e = wujin_app::audit::get(&state.app, &user.ctx, id).await?;
    let fields = field_diffs(e.event.before.as_ref(), e.event.after.as_ref());
    let history_href = format!(
        "/admin/audit?entity={}&entity_id={}",
        urlencode(&e.event.entity),
        urlencode(&e.event.entity_id)
    );
    let title = format!("#{}", e.event.id);
    let page = page_ctx(
        &state,
        &user,
        "audit_page.detail_title",
        &[("menu.audit", Some("/admin/audit")), (&title, None)],
        None,
    )
    .await;
    render(&DetailPage {
        page,
        e,
        fields,
        history_href,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diffs_mark_changed_and_unchanged_fields() {
        let b = json!({"a": 1, "b": "x"});
        let a = json!({"a": 2, "b": "x", "c": true});
        let d = field_diffs(Some(&b), Some(&a));
        let names: Vec<_> = d.iter().map(|f| (f.name.as_str(), f.changed)).collect();
        assert_eq!(names, vec![("a", true), ("b", false), ("c", true)]);
        assert_eq!(d[2].before, "—");
        let created = field_diffs(None, Some(&a));
        assert!(created.iter().all(|f| f.changed && f.before == "—"));
    }
}
