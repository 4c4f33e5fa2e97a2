//! Configuration: built-in defaults, then `wujin.toml` (or the file `--config` names), then
//! `WUJIN_*` environment variables (nested keys with `__`, e.g.
//! `WUJIN_APP__SESSION_IDLE_MINUTES=60`), then command-line flags.

use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use wujin_app::AppConfig;
use wujin_web::WebConfig;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// A SQLite file path (or `sqlite://path`) or a `postgres://` URL.
    pub database_url: String,
    /// Address `serve` and `demo` listen on.
    pub bind: String,
    /// Log filter (tracing's syntax), e.g. "info" or "wujin=debug,info".
    pub log: String,
    pub app: AppConfig,
    pub web: WebConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "wujin.db".to_string(),
            bind: "127.0.0.1:8080".to_string(),
            log: "info".to_string(),
            app: AppConfig::default(),
            web: WebConfig::default(),
        }
    }
}

/// Top-level keys the environment may set; other `WUJIN_*` variables (used by tests and
/// scripts) are ignored.
const ENV_KEYS: [&str; 5] = ["database_url", "bind", "log", "app__", "web__"];

pub fn load(file: Option<&PathBuf>) -> Result<Config, Box<figment::Error>> {
    let mut f = Figment::from(Serialized::defaults(Config::default()));
    match file {
        Some(path) => f = f.merge(Toml::file_exact(path)),
        None => f = f.merge(Toml::file("wujin.toml")),
    }
    f.merge(
        Env::prefixed("WUJIN_")
            .filter(|k| {
                let k = k.as_str().to_ascii_lowercase();
                ENV_KEYS.iter().any(|p| {
                    if p.ends_with("__") {
                        k.starts_with(p)
                    } else {
                        k == *p
                    }
                })
            })
            .split("__"),
    )
    .extract::<Config>()
    .map_err(Box::new)
    .and_then(|c| {
        c.app
            .service_sla
            .validate()
            .map_err(|e| Box::new(figment::Error::from(format!("app.service_sla: {e}"))))?;
        Ok(c)
    })
}

#[cfg(test)]
// figment's test jail returns its (large) error type from every closure.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    #[test]
    fn file_then_environment() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "wujin.toml",
                r#"
                database_url = "postgres://wujin@db/wujin"
                [app]
                session_idle_minutes = 45
                [web]
                secure_cookies = true
                "#,
            )?;
            jail.set_env("WUJIN_APP__SESSION_IDLE_MINUTES", "60");
            jail.set_env("WUJIN_TEST_DATABASE_URL", "postgres://ignored");
            let c = load(None).map_err(|e| *e)?;
            assert_eq!(c.database_url, "postgres://wujin@db/wujin");
            assert_eq!(c.app.session_idle_minutes, 60);
            assert!(c.web.secure_cookies);
            assert_eq!(c.bind, "127.0.0.1:8080");
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_refused() {
        Jail::expect_with(|jail| {
            jail.create_file("wujin.toml", "databse_url = \"typo.db\"\n")?;
            assert!(load(None).is_err());
            Ok(())
        });
    }

    #[test]
    fn service_time_limits_are_checked_and_may_differ_per_category() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "wujin.toml",
                "[app.service_sla]\nclose_general_wd = 8\n[app.service_sla.categories.approval]\nclose_general_wd = 5\n",
            )?;
            let c = load(None).map_err(|e| *e)?;
            assert_eq!(c.app.service_sla.close_general_wd, 8);
            assert_eq!(
                c.app.service_sla.close_within(
                    wujin_domain::service::problem::ProblemCategory::Approval,
                    wujin_domain::service::problem::Complexity::General
                ),
                5
            );
            jail.create_file(
                "wujin.toml",
                "[app.service_sla]\nescalate_head_after_wd = 6\nescalate_leader_after_wd = 2\n",
            )?;
            let e = load(None).unwrap_err();
            assert!(e.to_string().contains("escalate_leader_after_wd"), "{e}");
            Ok(())
        });
    }

    #[test]
    fn defaults_without_a_file() {
        Jail::expect_with(|_| {
            let c = load(None).map_err(|e| *e)?;
            assert_eq!(c, Config::default());
            Ok(())
        });
    }
}
