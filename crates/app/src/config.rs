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
    /// The largest spreadsheet an import accepts, in MiB (uploads and the command line).
    pub import_max_file_mb: u64,
    /// The most rows a sheet may declare or hold.
    pub import_max_rows: u32,
    /// The most columns a sheet may declare or hold.
    pub import_max_columns: u32,
    /// The department (by code) that runs the 亩均 evaluation (评价办): its staff run,
    /// publish and finalise evaluations, decide objections and keep the 低散乱污 ledger.
    pub evaluation_office: String,
    /// The largest attachment (objection files, closure evidence), in MiB.
    pub attachment_max_mb: u64,
    /// The department (by code) that supervises the plans (督查室): its staff create plans and
    /// tasks, issue 督办单 and review extension and completion requests.
    pub supervision_office: String,
    /// The department (by code) that runs the 三服务 service loop (企业服务中心): its staff
    /// register problems from any source, assign (交办) every case and see all of them.
    pub service_office: String,
    /// The department (by code) of the industry-chain team (产业链专班): problems tagged
    /// 产业链 are proposed to it when they are assigned.
    pub industry_chain_team: String,
    /// Time limits of the service loop in working days, per category if need be.
    pub service_sla: wujin_domain::service::sla::SlaRules,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 20,
            login_window_minutes: 15,
            import_max_file_mb: 50,
            import_max_rows: 200_000,
            import_max_columns: 200,
            evaluation_office: "jxj".to_string(),
            attachment_max_mb: 20,
            supervision_office: "dcs".to_string(),
            service_office: "jxj".to_string(),
            industry_chain_team: "jxj".to_string(),
            service_sla: wujin_domain::service::sla::SlaRules::default(),
        }
    }
}

impl AppConfig {
    /// The largest spreadsheet an import accepts, in bytes.
    pub fn import_max_bytes(&self) -> u64 {
        self.import_max_file_mb.saturating_mul(1024 * 1024)
    }

    /// The limits every file is read within.
    pub fn import_limits(&self) -> wujin_xlsx::Limits {
        wujin_xlsx::Limits {
            max_file_bytes: self.import_max_bytes(),
            max_rows: self.import_max_rows,
            max_cols: self.import_max_columns,
            ..Default::default()
        }
    }
}
