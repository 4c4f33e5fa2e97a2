//! Use-cases of wujin. Every function here that changes data authorises the caller, checks
//! the data scope, validates through `domain`, writes through `storage` and records an audit
//! event, all in one transaction. The HTML pages, the JSON API and the CLI all call these.

pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod config;
pub mod context;
pub mod demo;
pub mod demo_evaluation;
pub mod demo_registry;
pub mod demo_service;
pub mod demo_supervision;
pub mod departments;
pub mod error;
pub mod evaluation;
pub mod jobs;
pub mod login_log;
pub mod low_end;
pub mod notifications;
pub mod page;
pub mod registry;
pub mod seed;
pub mod service;
pub mod supervision;
pub mod tokens;
pub mod users;

pub use config::AppConfig;
pub use context::{Actor, Ctx, RequestMeta};
pub use error::{AppError, AppResult, FieldError};
pub use page::{Page, PageRequest};

use wujin_storage::Db;

/// Everything a use-case needs: the database and the configuration.
#[derive(Clone, Debug)]
pub struct App {
    pub db: Db,
    pub config: AppConfig,
}

impl App {
    pub fn new(db: Db, config: AppConfig) -> App {
        App { db, config }
    }
}

/// Current time, truncated to microseconds so that values read back from either database
/// compare equal to what was written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// Today in China (the platform's time zone): deadlines, cycles and reminders count in it.
pub fn china_today() -> chrono::NaiveDate {
    now()
        .with_timezone(&wujin_domain::tz::china_tz())
        .date_naive()
}
