//! Test support: a fresh database per test and a running server on a free port.
//!
//! SQLite is the default: each test gets its own file in a temporary directory. With
//! `WUJIN_TEST_DATABASE_URL=postgres://…/postgres` set, each test gets its own PostgreSQL
//! database (`wujin_test_<random>`), created on the server the URL names and dropped when the
//! test ends.

use std::net::SocketAddr;
use std::path::PathBuf;

use wujin_app::{App, AppConfig, Ctx};
use wujin_storage::Db;
use wujin_storage::sea_orm::{ConnectionTrait, Database, Statement};
use wujin_web::{AppState, WebConfig};

/// The password every user made by [`TestApp::create_user`] has.
pub const TEST_PASSWORD: &str = "password123";

/// A fresh, migrated database that is removed when dropped.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

fn random_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_string()
}

impl TestDb {
    pub async fn new() -> TestDb {
        match std::env::var("WUJIN_TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.trim().is_empty())
        {
            Some(admin_url) => {
                let name = format!("wujin_test_{}", random_suffix());
                let admin = Database::connect(admin_url.as_str())
                    .await
                    .expect("connect to WUJIN_TEST_DATABASE_URL");
                admin
                    .execute_raw(Statement::from_string(
                        admin.get_database_backend(),
                        format!("CREATE DATABASE {name}"),
                    ))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin_url.clone());
                let url = format!("{base}/{name}");
                let db = Db::connect(&url).await.expect("open test database");
                db.migrate().await.expect("migrate");
                TestDb {
                    db,
                    url,
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
            None => {
                let dir = std::env::temp_dir().join("wujin-tests");
                std::fs::create_dir_all(&dir).expect("temp dir");
                let path = dir.join(format!("t-{}.db", random_suffix()));
                let url = format!("sqlite://{}", path.display());
                let db = Db::connect(&url).await.expect("open test database");
                db.migrate().await.expect("migrate");
                TestDb {
                    db,
                    url,
                    cleanup: Cleanup::Sqlite(path),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let admin_url = admin_url.clone();
                let name = name.clone();
                // Drop on a separate thread with its own runtime: Drop cannot await.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let admin = Database::connect(admin_url.as_str()).await.ok()?;
                        admin
                            .execute_raw(Statement::from_string(
                                admin.get_database_backend(),
                                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                            ))
                            .await
                            .ok()?;
                        admin.close().await.ok()
                    })
                })
                .join();
            }
        }
    }
}

/// A running server on its own database, with the Yongkang departments seeded.
pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub app: App,
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    // Declared last: dropped after the server is told to stop.
    pub test_db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(AppConfig::default(), WebConfig::default()).await
    }

    pub async fn spawn_with(config: AppConfig, web: WebConfig) -> TestApp {
        let test_db = TestDb::new().await;
        let app = App::new(test_db.db.clone(), config);
        wujin_app::seed::seed_reference_data(&app, &Ctx::cli())
            .await
            .expect("seed departments");
        let state = AppState {
            app: app.clone(),
            web,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let s = state.clone();
        tokio::spawn(async move {
            let _ = wujin_web::serve(listener, s, async move {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            base: format!("http://{addr}"),
            addr,
            app,
            state,
            shutdown: Some(tx),
            test_db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Id of the unit with this code (e.g. "jxj", "gushan", "yongkang").
    pub async fn unit(&self, code: &str) -> i64 {
        wujin_app::seed::unit_id(&self.app, code)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("no unit {code}"))
    }

    /// Creates an active user with [`TEST_PASSWORD`], no temporary password. `unit` is a unit
    /// code.
    pub async fn create_user(&self, username: &str, role: &str, unit: Option<&str>) -> i64 {
        let unit_id = match unit {
            Some(code) => Some(self.unit(code).await),
            None => None,
        };
        let input = wujin_app::users::UserInput {
            username: username.to_string(),
            display_name: format!("测试{username}"),
            role: role.to_string(),
            department_id: unit_id,
            ..Default::default()
        };
        let u = wujin_app::users::create(&self.app, &Ctx::cli(), &input, TEST_PASSWORD)
            .await
            .expect("create user");
        // Tests sign in directly: clear the first-login flag the way the user would.
        self.clear_temporary_password(u.id).await;
        u.id
    }

    pub async fn clear_temporary_password(&self, user_id: i64) {
        use wujin_storage::entity::app_user;
        use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        app_user::Entity::update_many()
            .col_expr(app_user::Column::MustChangePassword, Expr::value(false))
            .filter(app_user::Column::Id.eq(user_id))
            .exec(self.app.db.write())
            .await
            .expect("clear flag");
    }

    /// Signs in through the HTML form and returns the client holding the session cookie.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        self.login_with(username, TEST_PASSWORD).await
    }

    pub async fn login_with(&self, username: &str, password: &str) -> reqwest::Client {
        let c = self.client();
        let res = c
            .post(self.url("/login"))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .expect("login request");
        assert_eq!(
            res.status(),
            303,
            "login of {username} failed: {}",
            res.text().await.unwrap_or_default()
        );
        c
    }

    /// Creates a user of each role (usernames = role names; units: department → jxj,
    /// town → gushan, cadre → jxj) and returns their ids in `Role::ALL` order.
    pub async fn create_role_users(&self) -> Vec<(String, i64)> {
        let mut out = Vec::new();
        for (name, role, unit) in [
            ("admin", "admin", None),
            ("leader", "leader", Some("yongkang")),
            ("dept", "department", Some("jxj")),
            ("town", "town", Some("gushan")),
            ("cadre", "cadre", Some("jxj")),
            ("firm", "enterprise", None),
        ] {
            out.push((name.to_string(), self.create_user(name, role, unit).await));
        }
        out
    }

    /// Runs raw SQL on the test database (for tests that tamper with data by hand).
    pub async fn sql(&self, sql: &str) -> Result<u64, wujin_storage::sea_orm::DbErr> {
        let conn = self.app.db.write();
        conn.execute_unprepared(sql)
            .await
            .map(|r| r.rows_affected())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestApp {
    /// Posts the sign-in form and returns the raw response (for tests of failures).
    pub async fn sign_in(&self, username: &str, password: &str) -> reqwest::Response {
        self.client()
            .post(self.url("/login"))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .expect("sign-in request")
    }

    /// Number of events in the audit log.
    pub async fn audit_total(&self) -> u64 {
        wujin_app::audit::list(
            &self.app,
            &Ctx::cli(),
            &Default::default(),
            Default::default(),
        )
        .await
        .expect("audit list")
        .total
    }

    /// Number of users on the platform.
    pub async fn user_total(&self) -> u64 {
        wujin_app::users::list(
            &self.app,
            &Ctx::cli(),
            &Default::default(),
            Default::default(),
        )
        .await
        .expect("user list")
        .total
    }
}

/// GETs a page: its status and body.
pub async fn get_text(
    c: &reqwest::Client,
    t: &TestApp,
    path: &str,
) -> (reqwest::StatusCode, String) {
    let res = c.get(t.url(path)).send().await.expect("request");
    let status = res.status();
    (status, res.text().await.expect("body"))
}

/// GETs a JSON resource: its status and parsed body.
pub async fn get_json(c: &reqwest::Client, url: String) -> (u16, serde_json::Value) {
    let res = c.get(url).send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.expect("JSON body"))
}

/// The `Location` header of a redirect, or "".
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// The field names of an API validation error (`{"fields": [{"field": …}, …]}`).
pub fn field_names(body: &serde_json::Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The use-case context of the user named `username` (as a signed-in request would have it).
pub async fn ctx_of(app: &App, username: &str) -> Ctx {
    use wujin_storage::entity::app_user;
    use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let u = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(app.db.read())
        .await
        .expect("read the user")
        .unwrap_or_else(|| panic!("no user {username}"));
    Ctx::new(
        wujin_app::Actor::from_user(&u).expect("a valid role"),
        wujin_app::RequestMeta::default(),
    )
}

/// The id of the unit with code `code` (`jxj`, `gushan`, …).
pub async fn unit_id(app: &App, code: &str) -> i64 {
    use wujin_storage::entity::department;
    use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(app.db.read())
        .await
        .expect("read the unit")
        .unwrap_or_else(|| panic!("no unit {code}"))
        .id
}

/// Creates the demo's leader accounts (`demo_supervision::LEADERS`: 王市长 and the
/// vice-mayors) in the city unit, with [`TEST_PASSWORD`]; returns their ids in that order.
pub async fn create_leaders(app: &App) -> Vec<i64> {
    let city = unit_id(app, "yongkang").await;
    let mut ids = Vec::new();
    for (username, name) in wujin_app::demo_supervision::LEADERS {
        let input = wujin_app::users::UserInput {
            username: (*username).to_string(),
            display_name: (*name).to_string(),
            role: "leader".to_string(),
            department_id: Some(city),
            ..Default::default()
        };
        let u = wujin_app::users::create(app, &Ctx::cli(), &input, TEST_PASSWORD)
            .await
            .expect("create a leader");
        ids.push(u.id);
    }
    ids
}

const BOUNDARY: &str = "----wujin-test-boundary";

/// A multipart body: the fields, then the files (each as field `files`).
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// POSTs a multipart form with files, as a browser uploads them.
pub async fn post_multipart(
    c: &reqwest::Client,
    url: String,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> reqwest::Response {
    c.post(url)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(fields, files))
        .send()
        .await
        .expect("request")
}
