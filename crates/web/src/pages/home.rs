//! 工作台: what the signed-in user can do, at a glance.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use wujin_app::audit::AuditEventView;
use wujin_domain::access::{DataScope, Permission};

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::render;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
    scope_text: String,
    unit_name: Option<String>,
    last_login: String,
    recent_audit: Vec<AuditEventView>,
    can_audit: bool,
    user_count: Option<u64>,
    department_count: Option<u64>,
    /// Firms in the caller's reach (企业库).
    enterprise_count: Option<u64>,
    /// ECharts option of the sign-ins chart (JSON), for those who may read the login log.
    sign_in_chart: Option<String>,
}

/// Stacked bars of successful and failed sign-ins per day.
fn sign_in_chart(page: &PageCtx, days: &[wujin_app::login_log::DailySignIns]) -> String {
    let ok = page.t("home.chart_ok");
    let failed = page.t("home.chart_failed");
    serde_json::json!({
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [ok, failed], "top": 0},
        "grid": {"left": 40, "right": 16, "top": 32, "bottom": 24},
        "xAxis": {"type": "category", "data": days.iter().map(|d| d.day.format("%m-%d").to_string()).collect::<Vec<_>>()},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": ok, "type": "bar", "stack": "n", "data": days.iter().map(|d| d.ok).collect::<Vec<_>>(), "itemStyle": {"color": "#1d4f91"}},
            {"name": failed, "type": "bar", "stack": "n", "data": days.iter().map(|d| d.failed).collect::<Vec<_>>(), "itemStyle": {"color": "#b42318"}}
        ]
    })
    .to_string()
}

async fn home(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, PageError> {
    let page = page_ctx(&state, &user, "home.title", &[], None).await;
    let a = user.actor();
    let scope_text = match a.scope() {
        DataScope::All => page.t("scope.all"),
        DataScope::DepartmentTree { .. } => page.t("scope.department_tree"),
        DataScope::Town { .. } => page.t("scope.town"),
        DataScope::AssignedEnterprises { .. } => page.t("scope.assigned_enterprises"),
        DataScope::OwnEnterprise { .. } => page.t("scope.own_enterprise"),
        DataScope::Nothing => page.t("scope.nothing"),
    };
    let me = wujin_app::users::get(&state.app, &user.ctx, a.id.unwrap_or_default()).await?;
    let can_audit = a.can(Permission::ViewAudit);
    let recent_audit = if can_audit {
        wujin_app::audit::recent(&state.app, &user.ctx, 8).await?
    } else {
        Vec::new()
    };
    let user_count = if a.can(Permission::ViewUsers) {
        Some(wujin_app::users::count_in_scope(&state.app, &user.ctx).await?)
    } else {
        None
    };
    let department_count = if a.can(Permission::ViewDepartments) {
        Some(wujin_app::departments::count(&state.app, &user.ctx).await?)
    } else {
        None
    };
    let enterprise_count = if a.can(Permission::ViewEnterprises) {
        Some(wujin_app::registry::enterprises::count(&state.app, &user.ctx).await?)
    } else {
        None
    };
    let last_login = page.opt_datetime(&me.last_login_at);
    let sign_in_chart = if a.can(Permission::ViewLoginLog) {
        let days = wujin_app::login_log::daily_counts(&state.app, &user.ctx, 14).await?;
        Some(sign_in_chart(&page, &days))
    } else {
        None
    };
    render(&HomePage {
        page,
        scope_text,
        unit_name: me.department_name,
        last_login,
        recent_audit,
        can_audit,
        user_count,
        department_count,
        enterprise_count,
        sign_in_chart,
    })
}
