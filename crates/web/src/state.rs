//! What every handler can reach.

use serde::{Deserialize, Serialize};
use wujin_app::App;

/// Settings of the HTTP edge.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (set when the platform is served over HTTPS, usually
    /// behind a reverse proxy).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Requests taking longer than this are answered with 408.
    pub request_timeout_secs: u64,
    /// Extra origins (scheme://host:port) allowed to post forms, e.g. the public address
    /// behind a proxy that rewrites `Host`.
    pub trusted_origins: Vec<String>,
    /// Take the client address from the first `X-Forwarded-For` entry (only behind a proxy
    /// that sets it).
    pub trust_forwarded_for: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            max_body_bytes: 2 * 1024 * 1024,
            request_timeout_secs: 60,
            trusted_origins: Vec::new(),
            trust_forwarded_for: false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub app: App,
    pub web: WebConfig,
}
