//! Settings the use-cases read. Loaded by the binary (file → environment), defaults here.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AppConfig {
    /// A session unused for this long ends (idle timeout).
    pub session_idle_minutes: i64,
    /// A session ends this long after sign-in whatever happens (absolute timeout).
    pub session_absolute_hours: i64,
    /// Failed sign-ins per account within the window before the account is paused.
    pub login_max_failures_per_account: u64,
    /// Failed sign-ins per IP address within the window before that address is paused.
    pub login_max_failures_per_ip: u64,
    /// The rate-limit window.
    pub login_window_minutes: i64,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 20,
            login_window_minutes: 15,
        }
    }
}
