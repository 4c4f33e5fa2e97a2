//! Extractors: who is calling (session or bearer token), from where, in which language.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use tower_sessions::Session;
use wujin_app::{Actor, AppError, Ctx, RequestMeta};

use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::state::AppState;

/// Session keys.
pub const SESSION_USER_KEY: &str = "uid";
const SESSION_LOGIN_AT: &str = "login_at";
const SESSION_SEEN_AT: &str = "seen_at";
/// How often the idle expiry is pushed forward (one write per session per interval).
const TOUCH_INTERVAL_SECS: i64 = 60;

/// The request id set by the request-id layer.
pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string()
}

/// Request id, client address and user agent, for audit events and the login log.
pub fn meta(parts: &Parts, state: &AppState) -> RequestMeta {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let forwarded = if state.web.trust_forwarded_for {
        parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    } else {
        None
    };
    RequestMeta {
        request_id: request_id(&parts.headers),
        ip: forwarded.or(peer).unwrap_or_else(|| "unknown".to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(255)
            .collect(),
    }
}

/// `?lang=` in the query, if any.
pub fn query_lang(parts: &Parts) -> Option<Lang> {
    parts.uri.query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::parse(v))
    })
}

/// The language of an anonymous page: `?lang=`, else the browser's preference, else Chinese.
pub fn anonymous_lang(parts: &Parts) -> Lang {
    query_lang(parts).unwrap_or(Lang::ZhCn)
}

/// Request facts every handler may want, signed in or not.
pub struct ClientMeta {
    pub meta: RequestMeta,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for ClientMeta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientMeta {
            meta: meta(parts, state),
            lang: anonymous_lang(parts),
        })
    }
}

/// Why no signed-in user could be found.
enum Missing {
    /// No credentials, or credentials that no longer work.
    Anonymous,
    /// The session exceeded its absolute lifetime.
    Expired,
    Failed(AppError),
}

/// Resolves the caller from a bearer token (API only) or the session cookie.
async fn resolve(
    parts: &mut Parts,
    state: &AppState,
    allow_bearer: bool,
) -> Result<(Actor, Option<Session>), Missing> {
    if allow_bearer
        && let Some(auth) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
    {
        let token = auth.strip_prefix("Bearer ").map(str::trim).unwrap_or("");
        return match wujin_app::tokens::authenticate(&state.app, token).await {
            Ok(Some(actor)) => Ok((actor, None)),
            Ok(None) => Err(Missing::Anonymous),
            Err(e) => Err(Missing::Failed(e)),
        };
    }
    let Some(session) = parts.extensions.get::<Session>().cloned() else {
        return Err(Missing::Anonymous);
    };
    let fail =
        |e: tower_sessions::session::Error| Missing::Failed(AppError::Internal(e.to_string()));
    let Some(uid) = session.get::<i64>(SESSION_USER_KEY).await.map_err(fail)? else {
        return Err(Missing::Anonymous);
    };
    let now = chrono::Utc::now().timestamp();
    let login_at = session
        .get::<i64>(SESSION_LOGIN_AT)
        .await
        .map_err(fail)?
        .unwrap_or(0);
    if now - login_at > state.app.config.session_absolute_hours * 3600 {
        session.flush().await.map_err(fail)?;
        return Err(Missing::Expired);
    }
    // The store loaded the user together with the session; it is there only if active.
    let actor = session
        .get::<Actor>(crate::session_store::SESSION_ACTOR_KEY)
        .await
        .map_err(fail)?
        .filter(|a| a.id == Some(uid));
    let Some(actor) = actor else {
        session.flush().await.map_err(fail)?;
        return Err(Missing::Anonymous);
    };
    let seen = session
        .get::<i64>(SESSION_SEEN_AT)
        .await
        .map_err(fail)?
        .unwrap_or(0);
    if now - seen >= TOUCH_INTERVAL_SECS {
        // Marks the session modified: the layer saves it, moving the idle expiry forward.
        session.insert(SESSION_SEEN_AT, now).await.map_err(fail)?;
    }
    Ok((actor, Some(session)))
}

/// Starts a signed-in session: a new session id (against fixation), the user, the times.
pub async fn start_session(session: &Session, user_id: i64) -> Result<(), AppError> {
    let e = |e: tower_sessions::session::Error| AppError::Internal(e.to_string());
    session.cycle_id().await.map_err(e)?;
    session.clear().await;
    let now = chrono::Utc::now().timestamp();
    session.insert(SESSION_USER_KEY, user_id).await.map_err(e)?;
    session.insert(SESSION_LOGIN_AT, now).await.map_err(e)?;
    session.insert(SESSION_SEEN_AT, now).await.map_err(e)?;
    Ok(())
}

/// The signed-in user of an HTML page. Anonymous visitors are sent to the sign-in page; a
/// user with a temporary password is sent to change it first.
pub struct CurrentUser {
    pub ctx: Ctx,
    pub lang: Lang,
    pub session: Option<Session>,
    /// The path requested, for menus and breadcrumbs.
    pub path: String,
}

impl CurrentUser {
    pub fn actor(&self) -> &Actor {
        &self.ctx.actor
    }

    /// The stored key of the current session, to keep it when others are ended.
    pub fn session_hash(&self) -> Option<String> {
        self.session
            .as_ref()
            .and_then(|s| s.id())
            .map(|id| crate::session_store::id_hash(&id))
    }
}

/// Paths a user with a temporary password may still reach.
fn allowed_before_password_change(path: &str) -> bool {
    matches!(
        path,
        "/account/password"
            | "/logout"
            | "/api/v1/auth/logout"
            | "/api/v1/me"
            | "/api/v1/me/password"
    )
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = PageError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_string();
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        match resolve(parts, state, false).await {
            Ok((actor, session)) => {
                if actor.must_change_password && !allowed_before_password_change(&path) {
                    return Err(PageError::Redirect("/account/password".into()));
                }
                let lang = query_lang(parts)
                    .or_else(|| Lang::parse(&actor.locale))
                    .unwrap_or(Lang::ZhCn);
                Ok(CurrentUser {
                    ctx: Ctx::new(actor, meta(parts, state)),
                    lang,
                    session,
                    path,
                })
            }
            Err(Missing::Anonymous) => Err(PageError::Redirect(format!(
                "/login?next={}",
                urlencode(&next)
            ))),
            Err(Missing::Expired) => Err(PageError::Redirect(format!(
                "/login?expired=1&next={}",
                urlencode(&next)
            ))),
            Err(Missing::Failed(e)) => Err(PageError::App(e)),
        }
    }
}

/// The caller of a JSON API endpoint: a bearer token or the session cookie. Anonymous calls
/// get 401.
pub struct ApiUser {
    pub ctx: Ctx,
    pub session: Option<Session>,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Under the nested `/api/v1` router the URI is relative; the checks use the full path.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|u| u.0.path().to_string())
            .unwrap_or_else(|| parts.uri.path().to_string());
        match resolve(parts, state, true).await {
            Ok((actor, session)) => {
                if actor.must_change_password && !allowed_before_password_change(&path) {
                    return Err(ApiError(AppError::PasswordChangeRequired));
                }
                Ok(ApiUser {
                    ctx: Ctx::new(actor, meta(parts, state)),
                    session,
                })
            }
            Err(Missing::Anonymous) | Err(Missing::Expired) => {
                Err(ApiError(AppError::Unauthenticated))
            }
            Err(Missing::Failed(e)) => Err(ApiError(e)),
        }
    }
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Only same-site relative paths are followed after sign-in (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.starts_with("/login") =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_same_site_only() {
        assert_eq!(
            safe_next(Some("/admin/users?page=2")),
            "/admin/users?page=2"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn urlencode_escapes_query_characters() {
        assert_eq!(urlencode("/a?b=c&d"), "/a%3Fb%3Dc%26d");
    }
}
