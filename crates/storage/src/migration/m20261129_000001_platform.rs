//! Platform tables: departments, users, sessions, login log, audit chain, notifications,
//! API tokens, calendar years.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::columns::{id, index, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000001_platform"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("department")
                .col(id())
                .col(big_integer_null("parent_id"))
                .col(string("kind"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string_null("short_name"))
                .col(integer("sort_order"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_department_parent")
                        .from("department", "parent_id")
                        .to("department", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(index("ix_department_parent", "department", &["parent_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("app_user")
                .col(id())
                .col(string_uniq("username"))
                .col(string("display_name"))
                .col(string("password_hash"))
                .col(string("role"))
                .col(big_integer_null("department_id"))
                .col(big_integer_null("enterprise_id"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(string("locale"))
                .col(boolean("active"))
                .col(boolean("must_change_password"))
                .col(ts("password_changed_at"))
                .col(ts_null("last_login_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_app_user_department")
                        .from("app_user", "department_id")
                        .to("department", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_app_user_department",
            "app_user",
            &["department_id"],
        ))
        .await?;
        m.create_index(index("ix_app_user_role", "app_user", &["role"]))
            .await?;

        m.create_table(
            Table::create()
                .table("session")
                .col(string("id_hash").primary_key())
                .col(text("data_json"))
                .col(big_integer_null("user_id"))
                .col(ts("expires_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(index("ix_session_expires", "session", &["expires_at"]))
            .await?;
        m.create_index(index("ix_session_user", "session", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("login_attempt")
                .col(id())
                .col(ts("at"))
                .col(string("username"))
                .col(big_integer_null("user_id"))
                .col(boolean("success"))
                .col(string("outcome"))
                .col(string("ip"))
                .col(string("user_agent"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_login_attempt_user_at",
            "login_attempt",
            &["username", "at"],
        ))
        .await?;
        m.create_index(index(
            "ix_login_attempt_ip_at",
            "login_attempt",
            &["ip", "at"],
        ))
        .await?;
        m.create_index(index("ix_login_attempt_at", "login_attempt", &["at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("audit_event")
                .col(big_integer("id").primary_key())
                .col(string("at"))
                .col(big_integer_null("actor_user_id"))
                .col(string("actor_name"))
                .col(string("action"))
                .col(string("entity"))
                .col(string("entity_id"))
                .col(text_null("before_json"))
                .col(text_null("after_json"))
                .col(string("request_id"))
                .col(string("ip"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_audit_entity",
            "audit_event",
            &["entity", "entity_id"],
        ))
        .await?;
        m.create_index(index("ix_audit_actor", "audit_event", &["actor_user_id"]))
            .await?;
        m.create_index(index("ix_audit_at", "audit_event", &["at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("notification")
                .col(id())
                .col(big_integer("user_id"))
                .col(ts("created_at"))
                .col(string("kind"))
                .col(string("title"))
                .col(text("body"))
                .col(string_null("link"))
                .col(ts_null("read_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notification_user")
                        .from("notification", "user_id")
                        .to("app_user", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_notification_user_read",
            "notification",
            &["user_id", "read_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("api_token")
                .col(id())
                .col(big_integer("user_id"))
                .col(string("name"))
                .col(string("prefix"))
                .col(string_uniq("token_hash"))
                .col(ts("created_at"))
                .col(ts_null("last_used_at"))
                .col(ts_null("expires_at"))
                .col(ts_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_api_token_user")
                        .from("api_token", "user_id")
                        .to("app_user", "id"),
                )
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("calendar_year")
                .col(integer("year").primary_key())
                .col(text("toml"))
                .col(big_integer_null("updated_by"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;

        // The audit log is append-only: the database itself refuses UPDATE and DELETE.
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                for op in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER audit_event_no_{lower} BEFORE {op} ON audit_event \
                         BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
                        lower = op.to_lowercase()
                    ))
                    .await?;
                }
            }
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
                )
                .await?;
                for op in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER audit_event_no_{lower} BEFORE {op} ON audit_event \
                         FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
                        lower = op.to_lowercase()
                    ))
                    .await?;
                }
            }
            other => {
                return Err(DbErr::Custom(format!(
                    "unsupported database backend {other:?}"
                )));
            }
        }
        Ok(())
    }
}
