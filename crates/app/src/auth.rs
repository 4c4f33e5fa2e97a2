//! Signing in and out, passwords, and who a session or token belongs to.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;
use wujin_domain::password::{PasswordPolicyError, check_password};
use wujin_storage::entity::{app_user, login_attempt, session};

use crate::audit::{self, Change};
use crate::context::{Actor, Ctx, RequestMeta};
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes). Slow on purpose:
/// run it off the async executor.
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Hashing on a blocking thread, so sign-ins do not stall other requests.
pub async fn hash_password_async(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
}

async fn verify_password_async(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// A fixed hash to verify against when the username is unknown, so that an unknown user
/// costs the same time as a wrong password and the response does not tell them apart.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("wujin-dummy-password").unwrap_or_default())
}

/// Maps a policy refusal to the field error the forms show.
pub fn policy_error(field: &str, e: PasswordPolicyError) -> FieldError {
    let key = match e {
        PasswordPolicyError::TooShort => "error.password.too_short",
        PasswordPolicyError::SameAsUsername => "error.password.same_as_username",
        PasswordPolicyError::TooLong => "error.password.too_long",
    };
    FieldError::new(field, key)
}

/// Signs a user in. Every attempt is written to the login log. Failures say only that the
/// username or password is wrong, whichever it was.
pub async fn login(
    app: &App,
    meta: &RequestMeta,
    username: &str,
    password: &str,
) -> AppResult<Actor> {
    let username = username.trim();
    let logged_name: String = username.chars().take(64).collect();
    let window_start = now() - Duration::minutes(app.config.login_window_minutes);

    // Rate limits come first: a paused account or address is not even checked.
    let ip_failures = login_attempt::Entity::find()
        .filter(login_attempt::Column::Ip.eq(meta.ip.as_str()))
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.gte(window_start))
        .count(app.db.read())
        .await?;
    if ip_failures >= app.config.login_max_failures_per_ip {
        log_attempt(app, meta, &logged_name, None, "rate_limited_ip").await?;
        return Err(AppError::RateLimited {
            retry_after_secs: app.config.login_window_minutes * 60,
            key: "error.login.rate_limited_ip".into(),
        });
    }
    let account_failures = login_attempt::Entity::find()
        .filter(login_attempt::Column::Username.eq(logged_name.as_str()))
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.gte(window_start))
        .count(app.db.read())
        .await?;
    if account_failures >= app.config.login_max_failures_per_account {
        log_attempt(app, meta, &logged_name, None, "rate_limited_account").await?;
        return Err(AppError::RateLimited {
            retry_after_secs: app.config.login_window_minutes * 60,
            key: "error.login.rate_limited_account".into(),
        });
    }

    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(app.db.read())
        .await?;
    let Some(user) = user else {
        verify_password_async(password.to_string(), dummy_hash().to_string()).await;
        log_attempt(app, meta, &logged_name, None, "bad_credentials").await?;
        return Err(AppError::Unauthenticated);
    };
    if !verify_password_async(password.to_string(), user.password_hash.clone()).await {
        log_attempt(app, meta, &logged_name, Some(user.id), "bad_credentials").await?;
        return Err(AppError::Unauthenticated);
    }
    if !user.active {
        // The password was right, but the account is disabled: still the same answer.
        log_attempt(app, meta, &logged_name, Some(user.id), "disabled").await?;
        return Err(AppError::Unauthenticated);
    }
    let tx = app.db.begin_write().await?;
    log_attempt_in(&tx, meta, &logged_name, Some(user.id), "ok").await?;
    let mut am = user.clone().into_active_model();
    am.last_login_at = Set(Some(now()));
    let user = am.update(&tx).await?;
    tx.commit().await?;
    Actor::from_user(&user)
}

async fn log_attempt(
    app: &App,
    meta: &RequestMeta,
    username: &str,
    user_id: Option<i64>,
    outcome: &str,
) -> AppResult<()> {
    let tx = app.db.begin_write().await?;
    log_attempt_in(&tx, meta, username, user_id, outcome).await?;
    tx.commit().await?;
    Ok(())
}

async fn log_attempt_in(
    tx: &impl sea_orm::ConnectionTrait,
    meta: &RequestMeta,
    username: &str,
    user_id: Option<i64>,
    outcome: &str,
) -> AppResult<()> {
    login_attempt::Entity::insert(login_attempt::ActiveModel {
        at: Set(now()),
        username: Set(username.to_string()),
        user_id: Set(user_id),
        success: Set(outcome == "ok"),
        outcome: Set(outcome.to_string()),
        ip: Set(meta.ip.chars().take(64).collect()),
        user_agent: Set(meta.user_agent.chars().take(255).collect()),
        ..Default::default()
    })
    .exec_without_returning(tx)
    .await?;
    Ok(())
}

/// The actor behind a stored user id (a session or a token), if the user still exists and is
/// active.
pub async fn load_actor(app: &App, user_id: i64) -> AppResult<Option<Actor>> {
    let user = app_user::Entity::find_by_id(user_id)
        .one(app.db.read())
        .await?;
    match user {
        Some(u) if u.active => Ok(Some(Actor::from_user(&u)?)),
        _ => Ok(None),
    }
}

/// Changes the caller's own password (also how a temporary password is replaced).
/// Every other session of the user ends; the caller keeps theirs.
pub async fn change_own_password(
    app: &App,
    ctx: &Ctx,
    current: &str,
    new: &str,
    confirm: &str,
    keep_session_hash: Option<&str>,
) -> AppResult<()> {
    let id = ctx.actor.id.ok_or(AppError::Forbidden)?;
    let user = app_user::Entity::find_by_id(id)
        .one(app.db.read())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    if !verify_password_async(current.to_string(), user.password_hash.clone()).await {
        errors.push(FieldError::new(
            "current_password",
            "error.password.current_wrong",
        ));
    }
    if let Err(e) = check_password(&user.username, new) {
        errors.push(policy_error("new_password", e));
    } else if new == current {
        errors.push(FieldError::new("new_password", "error.password.unchanged"));
    }
    if new != confirm {
        errors.push(FieldError::new(
            "confirm_password",
            "error.password.mismatch",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = hash_password_async(new.to_string()).await?;
    let tx = app.db.begin_write().await?;
    let was_temporary = user.must_change_password;
    let mut am = user.into_active_model();
    am.password_hash = Set(hash);
    am.must_change_password = Set(false);
    am.password_changed_at = Set(now());
    am.updated_at = Set(now());
    am.update(&tx).await?;
    let mut del = session::Entity::delete_many().filter(session::Column::UserId.eq(id));
    if let Some(keep) = keep_session_hash {
        del = del.filter(session::Column::IdHash.ne(keep));
    }
    del.exec(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "change_password",
            entity: "user",
            entity_id: id.to_string(),
            before: Some(json!({"must_change_password": was_temporary})),
            after: Some(json!({"must_change_password": false, "password_changed": true})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the caller's interface language.
pub async fn set_own_locale(app: &App, ctx: &Ctx, locale: &str) -> AppResult<()> {
    if !matches!(locale, "zh-CN" | "en") {
        return Err(AppError::field("locale", "error.locale.unknown"));
    }
    let id = ctx.actor.id.ok_or(AppError::Forbidden)?;
    let tx = app.db.begin_write().await?;
    let user = app_user::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.locale == locale {
        return Ok(());
    }
    let before = user.locale.clone();
    let mut am = user.into_active_model();
    am.locale = Set(locale.to_string());
    am.updated_at = Set(now());
    am.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "update",
            entity: "user",
            entity_id: id.to_string(),
            before: Some(json!({"locale": before})),
            after: Some(json!({"locale": locale})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether any administrator account exists (the CLI reminds the operator to create one).
pub async fn admin_exists(app: &App) -> AppResult<bool> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Role.eq("admin"))
        .filter(app_user::Column::Active.eq(true))
        .count(app.db.read())
        .await?
        > 0)
}
