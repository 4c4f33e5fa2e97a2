//! The HTTP edge of wujin: pages (askama + htmx), the JSON API under `/api/v1`, embedded
//! assets, and the layers every request passes through (request id, tracing, security
//! headers, body limit, timeout, CSRF, sessions, error pages).

pub mod api;
pub mod assets;
pub mod error;
pub mod extract;
pub mod health;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod session_store;
pub mod state;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::middleware::from_fn;
use axum::routing::get;
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use state::{AppState, WebConfig};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "wujin_session";

/// The Content-Security-Policy: scripts and styles only from this origin, never inline.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// How large an uploaded spreadsheet (an import) may be: `import_max_file_mb` of the
/// configuration (50 MB by default). Every other request body is limited by
/// `WebConfig::max_body_bytes`.
pub fn max_upload_bytes(config: &wujin_app::AppConfig) -> usize {
    usize::try_from(config.import_max_bytes()).unwrap_or(usize::MAX)
}

/// What an upload request may carry beyond the file: form fields and multipart framing.
pub const UPLOAD_OVERHEAD_BYTES: usize = 64 * 1024;

/// Whether a request carries an uploaded file as its body (and may reach [`max_upload_bytes`]).
/// Such routes raise their own `DefaultBodyLimit` to match.
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST
        && (path == "/imports"
            || path
                .strip_prefix("/api/v1/imports/")
                .is_some_and(|kind| !kind.is_empty() && !kind.contains('/'))
            // Decomposition tables into a plan.
            || (path.starts_with("/supervision/plans/") && path.ends_with("/import"))
            || (path.starts_with("/api/v1/plans/") && path.ends_with("/imports"))
            // Attachments: objection files and closure evidence.
            || path == "/evaluation/objections"
            || path == "/api/v1/evaluation/objections"
            || (path.starts_with("/low-end/") && path.ends_with("/close"))
            || (path.starts_with("/api/v1/evaluation/low-end/") && path.ends_with("/close")))
}

/// Refuses a body whose declared length exceeds the limit of its route before anything reads
/// it: 413, with the import's own message for uploads.
async fn declared_body_limit(
    axum::extract::State((max_body, max_upload)): axum::extract::State<(usize, usize)>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let upload = is_upload(req.method(), req.uri().path());
    let limit = if upload {
        max_upload
            .saturating_add(UPLOAD_OVERHEAD_BYTES)
            .max(max_body)
    } else {
        max_body
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => {
            let mut res = StatusCode::PAYLOAD_TOO_LARGE.into_response();
            res.extensions_mut().insert(error::ErrorInfo {
                key: if upload {
                    "error.import.file.too_large"
                } else {
                    "error.too_large"
                }
                .into(),
                detail: Some(format!("{n}/{limit}")),
            });
            res
        }
        _ => next.run(req).await,
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let x_request_id = HeaderName::from_static("x-request-id");
    let sessions =
        SessionManagerLayer::new(session_store::DbSessionStore::new(state.app.db.clone()))
            .with_name(SESSION_COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(state.web.secure_cookies)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
                state.app.config.session_idle_minutes,
            )));
    let mut csrf = CsrfLayer::new();
    for origin in &state.web.trusted_origins {
        match csrf.clone().add_trusted_origin(origin) {
            Ok(c) => csrf = c,
            Err(e) => tracing::warn!(origin, error = ?e, "ignoring invalid trusted origin"),
        }
    }
    let max_body = state.web.max_body_bytes;
    let max_upload = max_upload_bytes(&state.app.config);
    let timeout = Duration::from_secs(state.web.request_timeout_secs);

    Router::new()
        .merge(pages::routes(max_upload))
        .nest("/api/v1", api::routes(max_upload))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/assets/{*path}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .fallback(|| async { error::PageError::App(wujin_app::AppError::NotFound) })
        .layer(sessions)
        .layer(csrf)
        .layer(DefaultBodyLimit::max(max_body))
        // The transport limit admits uploads; `declared_body_limit` and each route's
        // `DefaultBodyLimit` hold every other body to `max_body`.
        .layer(RequestBodyLimitLayer::new(
            max_upload.saturating_add(UPLOAD_OVERHEAD_BYTES).max(max_body),
        ))
        .layer(axum::middleware::from_fn_with_state(
            (max_body, max_upload),
            declared_body_limit,
        ))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(CatchPanicLayer::new())
        .layer(from_fn(error::render_errors))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(
            TraceLayer::new_for_http()
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Millis))
                .make_span_with(|req: &Request<_>| {
                let rid = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", request_id = %rid, method = %req.method(), path = %req.uri().path())
            }),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .with_state(state)
}

/// Serves until `shutdown` resolves. Expired sessions are purged every ten minutes, overdue
/// 低散乱污 cases reminded every hour, and the daily supervision check run once a day (all
/// safe from several instances at once).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let db = state.app.db.clone();
    let purge = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match session_store::purge_expired(&db).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "purged expired sessions"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
        }
    });
    // Overdue 低散乱污 cases remind their units hourly; each case at most once a China day,
    // however many instances run this.
    let reminder_app = state.app.clone();
    let remind = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let today = wujin_app::low_end::today();
            match wujin_app::low_end::remind_overdue(&reminder_app, today).await {
                Ok(n) if n > 0 => tracing::info!(cases = n, "sent overdue reminders"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "overdue reminders failed"),
            }
        }
    });
    // The daily service-loop check (reminders, 催办, escalation) runs once a China day across
    // every instance; each of its steps is also claimed on its own.
    let service_app = state.app.clone();
    let service = tokio::spawn(async move {
        let instance = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4());
        let mut tick = tokio::time::interval(Duration::from_secs(900));
        loop {
            tick.tick().await;
            let today = wujin_app::china_today();
            let period = today.to_string();
            match wujin_app::jobs::claim(&service_app, "service_daily", &period, &instance).await {
                Ok(true) => {
                    match wujin_app::service::reminders::run(&service_app, today, &instance).await {
                        Ok(s) => {
                            tracing::info!(cases = ?s.cases, messages = s.messages, "service check done")
                        }
                        Err(e) => tracing::warn!(error = %e, "service check failed"),
                    }
                    if let Err(e) =
                        wujin_app::jobs::finish(&service_app, "service_daily", &period).await
                    {
                        tracing::warn!(error = %e, "could not mark the service check finished");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "could not claim the service check"),
            }
        }
    });
    // The daily supervision check (colours, then reminders) runs once a China day across
    // every instance: the first to claim the day in the job ledger runs it.
    let supervision_app = state.app.clone();
    let supervision = tokio::spawn(async move {
        let instance = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4());
        let mut tick = tokio::time::interval(Duration::from_secs(900));
        loop {
            tick.tick().await;
            let today = wujin_app::china_today();
            let period = today.to_string();
            match wujin_app::jobs::claim(&supervision_app, "supervision_daily", &period, &instance)
                .await
            {
                Ok(true) => {
                    match wujin_app::supervision::reminders::run(&supervision_app, today, &instance)
                        .await
                    {
                        Ok(s) => {
                            tracing::info!(plans = s.plans, sent = ?s.sent, "supervision check done")
                        }
                        Err(e) => tracing::warn!(error = %e, "supervision check failed"),
                    }
                    if let Err(e) =
                        wujin_app::jobs::finish(&supervision_app, "supervision_daily", &period)
                            .await
                    {
                        tracing::warn!(error = %e, "could not mark the supervision check finished");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "could not claim the supervision check"),
            }
        }
    });
    let app = router(state);
    let res = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    purge.abort();
    remind.abort();
    supervision.abort();
    service.abort();
    res
}
