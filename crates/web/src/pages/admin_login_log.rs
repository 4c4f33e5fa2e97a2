//! 登录日志: every sign-in attempt, filtered and exported.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use axum::routing::get;
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::login_log::{LoginAttemptView, LoginFilter};

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, has, tr};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::{Pager, csv_response, day_start, pager, query_string, render};
use crate::state::AppState;

const PER_PAGE: u64 = 50;
const EXPORT_LIMIT: u64 = 10_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/login-log", get(list))
        .route("/admin/login-log/export.csv", get(export))
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    username: Option<String>,
    ip: Option<String>,
    /// "success", "failure" or empty for all.
    outcome: Option<String>,
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
    fn outcome(&self) -> Option<&'static str> {
        match self.outcome.as_deref().map(str::trim) {
            Some("success") => Some("success"),
            Some("failure") => Some("failure"),
            _ => None,
        }
    }

    fn filter(&self) -> LoginFilter {
        LoginFilter {
            username: trimmed(&self.username),
            ip: trimmed(&self.ip),
            success: self.outcome().map(|o| o == "success"),
            from: day_start(&self.from),
            to: day_start(&self.to).map(|t| t + chrono::Duration::days(1)),
        }
    }

    fn query(&self) -> String {
        query_string(&[
            ("username", trimmed(&self.username)),
            ("ip", trimmed(&self.ip)),
            ("outcome", self.outcome().map(str::to_string)),
            ("from", trimmed(&self.from)),
            ("to", trimmed(&self.to)),
        ])
    }
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
#[template(path = "admin/login_log.html")]
struct ListPage {
    page: PageCtx,
    items: Vec<LoginAttemptView>,
    username: String,
    ip: String,
    outcome: &'static str,
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
    let result = wujin_app::login_log::list(
        &state.app,
        &user.ctx,
        &q.filter(),
        PageRequest::new(q.page, Some(PER_PAGE)),
        false,
    )
    .await?;
    let query = q.query();
    let pager = pager(user.lang, &result, "/admin/login-log", &query);
    let export_href = if query.is_empty() {
        "/admin/login-log/export.csv".to_string()
    } else {
        format!("/admin/login-log/export.csv?{query}")
    };
    let page = page_ctx(
        &state,
        &user,
        "menu.login_log",
        &[("menu.login_log", None)],
        None,
    )
    .await;
    render(&ListPage {
        page,
        items: result.items,
        username: trimmed(&q.username).unwrap_or_default(),
        ip: trimmed(&q.ip).unwrap_or_default(),
        outcome: q.outcome().unwrap_or(""),
        from: trimmed(&q.from).unwrap_or_default(),
        to: trimmed(&q.to).unwrap_or_default(),
        export_href,
        export_limit: EXPORT_LIMIT,
        pager,
    })
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
    let result =
        wujin_app::login_log::list(&state.app, &user.ctx, &q.filter(), page, false).await?;
    let lang = user.lang;
    let header: Vec<String> = [
        "login_log.at",
        "login_log.username",
        "login_log_page.result",
        "login_log.outcome",
        "login_log.ip",
        "login_log.user_agent",
    ]
    .iter()
    .map(|k| tr(lang, k))
    .collect();
    let tz = crate::layout::china_tz();
    let rows: Vec<Vec<String>> = result
        .items
        .iter()
        .map(|l| {
            vec![
                l.at.with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                l.username.clone(),
                tr(
                    lang,
                    if l.success {
                        "login_log_page.success"
                    } else {
                        "login_log_page.failure"
                    },
                ),
                t_or(lang, "login_log.outcomes", &l.outcome),
                l.ip.clone(),
                l.user_agent.clone(),
            ]
        })
        .collect();
    let name = format!(
        "{}-{}.csv",
        tr(lang, "menu.login_log"),
        chrono::Utc::now().with_timezone(&tz).format("%Y%m%d")
    );
    Ok(csv_response(&name, &header, &rows))
}
