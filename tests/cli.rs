//! The `wujin` binary end to end: user administration, audit verification, backup.

use std::process::Command;

use wujin_app::{App, AppConfig, Ctx};
use wujin_testkit::TestDb;

fn wujin(url: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wujin"))
        .args(args)
        .env("WUJIN_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env_remove("WUJIN_CONFIG")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run wujin");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn user_commands_create_list_disable_and_reset() {
    let t = TestDb::new().await;
    let (code, out) = wujin(
        &t.url,
        &[
            "user",
            "create",
            "--username",
            "boss",
            "--name",
            "管理员",
            "--role",
            "admin",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("temporary password: "), "{out}");
    let (code, out) = wujin(
        &t.url,
        &[
            "user",
            "create",
            "--username",
            "gs1",
            "--name",
            "胡",
            "--role",
            "town",
            "--unit",
            "gushan",
            "--password",
            "gushan-2026",
        ],
    );
    assert_eq!(code, 0, "{out}");
    // Wrong input is refused with the reason, and nothing is created.
    let (code, out) = wujin(
        &t.url,
        &[
            "user",
            "create",
            "--username",
            "x",
            "--name",
            "坏",
            "--role",
            "town",
            "--unit",
            "jxj",
            "--password",
            "short",
        ],
    );
    assert_ne!(code, 0);
    assert!(
        out.contains("username") && out.contains("password"),
        "{out}"
    );
    let (code, out) = wujin(
        &t.url,
        &[
            "user",
            "create",
            "--username",
            "y1",
            "--name",
            "坏",
            "--role",
            "cadre",
            "--unit",
            "nowhere",
        ],
    );
    assert_ne!(code, 0);
    assert!(out.contains("no unit with code nowhere"), "{out}");
    let (code, out) = wujin(&t.url, &["user", "list"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("boss") && out.contains("gs1") && out.contains("2 user(s)"),
        "{out}"
    );
    let (code, out) = wujin(&t.url, &["user", "disable", "gs1"]);
    assert_eq!(code, 0, "{out}");
    let (_, out) = wujin(&t.url, &["user", "list"]);
    assert!(!out.contains("gs1") && out.contains("1 user(s)"), "{out}");
    let (_, out) = wujin(&t.url, &["user", "list", "--all"]);
    assert!(out.contains("gs1") && out.contains("disabled"), "{out}");
    let (code, out) = wujin(&t.url, &["user", "reset-password", "boss"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("temporary password for boss"), "{out}");
    let (code, out) = wujin(&t.url, &["user", "disable", "ghost"]);
    assert_ne!(code, 0);
    assert!(out.contains("no user named ghost"), "{out}");
}

#[tokio::test]
async fn audit_verify_names_the_row_changed_by_hand() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::seed::seed_departments(&app, &Ctx::cli())
        .await
        .unwrap();
    let (code, out) = wujin(&t.url, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("audit chain intact: 27 events verified"),
        "{out}"
    );

    // The log refuses edits through the normal path.
    let conn = t.db.write();
    use wujin_storage::sea_orm::ConnectionTrait;
    assert!(
        conn.execute_unprepared("UPDATE audit_event SET actor_name = 'x' WHERE id = 5")
            .await
            .is_err()
    );
    assert!(
        conn.execute_unprepared("DELETE FROM audit_event WHERE id = 5")
            .await
            .is_err()
    );

    // Someone with database access removes the guard and edits event 12.
    conn.execute_unprepared("DROP TRIGGER audit_event_no_update")
        .await
        .ok();
    if t.is_postgres() {
        conn.execute_unprepared("DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event")
            .await
            .unwrap();
    }
    conn.execute_unprepared(
        "UPDATE audit_event SET after_json = '{\"name\":\"篡改\"}' WHERE id = 12",
    )
    .await
    .unwrap();
    let (code, out) = wujin(&t.url, &["audit", "verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("audit event 12"), "{out}");
    assert!(out.contains("after 11 good events"), "{out}");
}

#[tokio::test]
async fn backup_writes_a_usable_copy() {
    let t = TestDb::new().await;
    if t.is_postgres() {
        let (code, out) = wujin(&t.url, &["backup", "/tmp/never-written.db"]);
        assert_eq!(code, 2);
        assert!(out.contains("pg_dump"), "{out}");
        return;
    }
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::seed::seed_departments(&app, &Ctx::cli())
        .await
        .unwrap();
    let dest = std::env::temp_dir().join(format!("wujin-backup-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&dest);
    let (code, out) = wujin(&t.url, &["backup", dest.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    // The copy is a complete database: its audit chain verifies.
    let (code, out) = wujin(dest.to_str().unwrap(), &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("27 events verified"), "{out}");
    // Refuses to overwrite.
    let (code, out) = wujin(&t.url, &["backup", dest.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(out.contains("already exists"), "{out}");
    let _ = std::fs::remove_file(&dest);
}

#[test]
fn help_lists_every_command() {
    let out = Command::new(env!("CARGO_BIN_EXE_wujin"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["serve", "demo", "migrate", "user", "backup", "audit"] {
        assert!(text.contains(cmd), "{cmd} missing from --help: {text}");
    }
}
