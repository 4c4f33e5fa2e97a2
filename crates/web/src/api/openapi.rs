//! The OpenAPI document of the JSON API, served at `/api/v1/openapi.json` and rendered for
//! people at `/api/docs`.

use std::sync::OnceLock;

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::RefOr;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::{Modify, OpenApi};

use crate::api::registry::{dictionaries, enterprises, exports, figures, imports};
use crate::api::{audit, auth, calendar, departments, login_log, me, notifications, tokens, users};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/openapi.json", get(openapi_json))
}

/// Security scheme names used in the document.
pub const BEARER: &str = "bearer";
pub const COOKIE: &str = "session_cookie";

/// Calls that need no credentials.
const PUBLIC: &[&str] = &["/api/v1/auth/login", "/api/v1/openapi.json"];

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("wjt_…")
                    .description(Some(
                        "A personal access token (created on the Account page or with POST /api/v1/tokens), \
                         sent as `Authorization: Bearer wjt_…`. It acts as its owner and stops working when \
                         revoked, expired, or when the owner is disabled.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            COOKIE,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::SESSION_COOKIE,
                "The session cookie set by POST /api/v1/auth/login (or the sign-in page): HttpOnly, \
                 SameSite=Lax; ends at POST /api/v1/auth/logout, after inactivity, or at the absolute \
                 session lifetime.",
            ))),
        );
        doc.info.description = Some(DESCRIPTION.to_string());
        let required = vec![
            SecurityRequirement::new(BEARER, Vec::<String>::new()),
            SecurityRequirement::new(COOKIE, Vec::<String>::new()),
        ];
        for (path, item) in doc.paths.paths.iter_mut() {
            let public = PUBLIC.contains(&path.as_str());
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                op.security = Some(if public {
                    vec![SecurityRequirement::default()]
                } else {
                    required.clone()
                });
                // Handler names repeat across modules (users::create, tokens::create …).
                let tag = op
                    .tags
                    .as_ref()
                    .and_then(|t| t.first())
                    .cloned()
                    .unwrap_or_default();
                if let Some(id) = op.operation_id.as_mut()
                    && !id.starts_with(&tag)
                {
                    *id = format!("{tag}_{id}");
                }
                for (status, response) in op.responses.responses.iter_mut() {
                    if let RefOr::T(r) = response
                        && r.description.is_empty()
                    {
                        r.description = status_description(status).to_string();
                    }
                }
            }
        }
    }
}

/// The description of the whole API.
const DESCRIPTION: &str = "The JSON API of wujin (永康五金产业转型升级平台): the same use-cases as the web pages.

Every call needs a signed-in caller, a session cookie or a personal access token, except signing in and this document. What a caller may see and change follows their role and data scope exactly as in the web interface: records outside the scope answer 404, like missing ones.

Lists answer {\"items\": [...], \"total\": N, \"page\": P, \"page_size\": S} and take the query parameters page (1-based, default 1) and page_size (default 20, at most 200).

Errors are JSON {\"error\": code, \"message\", \"message_zh\", \"fields\": [...]} with HTTP 401 (not signed in), 403 (not permitted, or the temporary password must be changed first), 404 (missing or outside the scope), 409 (conflict), 413 (body too large), 422 (invalid input: fields names each wrong field, and nothing was written) and 429 (too many sign-in attempts). Times are RFC 3339; dates YYYY-MM-DD in China time.";

/// What a status means when an operation does not say more.
fn status_description(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "204" => "Done; no content",
        "401" => "Not signed in: no valid session cookie or token",
        "403" => "Not permitted (or the temporary password must be changed first)",
        "404" => "Not found, or outside the caller's data scope",
        "409" => "Conflicts with existing data",
        "413" => "The request body is too large",
        "422" => "Invalid input: `fields` names each wrong field; nothing was written",
        "429" => "Too many attempts; see Retry-After",
        _ => "",
    }
}

/// The OpenAPI document of the JSON API.
#[derive(OpenApi)]
#[openapi(
    info(title = "wujin API"),
    paths(
        auth::login, auth::logout, auth::me,
        me::change_password, me::set_locale, login_log::own,
        users::list, users::create, users::show, users::update, users::disable, users::enable, users::reset_password, users::history,
        departments::list, departments::create, departments::show, departments::update, departments::disable, departments::enable,
        audit::list, audit::entities, audit::show,
        login_log::list,
        notifications::list, notifications::unread_count, notifications::read, notifications::read_all,
        tokens::list, tokens::create, tokens::revoke,
        calendar::years, calendar::year, calendar::put_year, calendar::working_day, calendar::add, calendar::between,
        enterprises::list, enterprises::create, enterprises::show, enterprises::update,
        figures::list, figures::update, figures::land,
        dictionaries::list_groups, dictionaries::create_group, dictionaries::update_group,
        dictionaries::list_tags, dictionaries::create_tag, dictionaries::update_tag,
        imports::list, imports::validate, imports::preview, imports::commit, imports::discard, imports::errors_xlsx, imports::template,
        exports::enterprises, exports::figures,
        openapi_json,
    ),
    components(schemas(crate::api::ErrorBody, crate::api::FieldErrorBody)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Signing in and out; who the caller is."),
        (name = "me", description = "The caller's own account: password, language, sign-in history."),
        (name = "users", description = "User administration within the caller's data scope."),
        (name = "departments", description = "The tree of units: city, departments, streets, towns, the development zone."),
        (name = "audit", description = "The tamper-evident log of every change."),
        (name = "login_log", description = "Every sign-in attempt."),
        (name = "notifications", description = "The caller's inbox."),
        (name = "tokens", description = "Personal access tokens for programs."),
        (name = "calendar", description = "The working-day calendar of mainland China (holidays and make-up working days)."),
        (name = "enterprises", description = "The enterprise registry (企业库): firms, their yearly figures and land, within the caller's data scope."),
        (name = "dictionaries", description = "Industry groups and enterprise tags."),
        (name = "imports", description = "Spreadsheet imports: validate (preview, nothing written), then commit or discard."),
        (name = "exports", description = "The registry as xlsx workbooks, within the caller's data scope."),
        (name = "supervision", description = "督查督办: plans, their tasks and boards, progress reports, colours by rule, supervision notices (督办单) and requests."),
        (name = "service", description = "三服务: visits to firms and their coverage, the firms' problems and every step of their handling with its working-day clocks, the 落实清单, the statistics per unit and the daily check."),
        (name = "meta", description = "This document."),
    )
)]
pub struct ApiDoc;

/// The document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = ApiDoc::openapi();
        for part in crate::api::evaluation::docs()
            .into_iter()
            .chain(crate::api::supervision::docs())
            .chain(crate::api::service::docs())
        {
            doc.merge(part);
        }
        doc.merge(<crate::api::supervision_import::Doc as OpenApi>::openapi());
        // The security requirements, tags and descriptions reach the merged paths too.
        Security.modify(&mut doc);
        doc
    })
}

/// This OpenAPI document (OpenAPI 3.1, JSON).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", operation_id = "openapi",
    responses((status = 200, description = "the OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_are_unique_and_every_call_states_its_security() {
        let doc = document();
        let mut ids = std::collections::BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for op in [&item.get, &item.post, &item.put, &item.delete, &item.patch]
                .into_iter()
                .flatten()
            {
                let id = op.operation_id.clone().unwrap_or_default();
                assert!(ids.insert(id.clone()), "operation id {id} repeats ({path})");
                let security = op
                    .security
                    .as_ref()
                    .unwrap_or_else(|| panic!("{path} states no security"));
                assert_eq!(
                    security.len() == 1,
                    PUBLIC.contains(&path.as_str()),
                    "{path}"
                );
                for (status, r) in &op.responses.responses {
                    if let RefOr::T(r) = r {
                        assert!(
                            !r.description.is_empty(),
                            "{path} {status} has no description"
                        );
                    }
                }
            }
        }
        assert!(ids.len() >= 35, "{}", ids.len());
    }
}
