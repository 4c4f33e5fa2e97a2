//! A record's change history as the detail pages show it, built from its audit events.

use serde_json::Value;
use wujin_app::audit::AuditEventView;

use crate::i18n::{Lang, has, tr};
use crate::pages::choices::{kind_label, role_label};

/// One changed field of a history entry.
pub struct FieldChange {
    pub label: String,
    pub old: String,
    pub new: String,
}

/// One entry of a record's change history.
pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: Vec<FieldChange>,
}

/// Turns audit events into history rows: field labels from `{field_prefix}.{field}`, unit ids
/// (`department_id`, `parent_id`) as unit names, roles and unit kinds as their labels.
pub(crate) fn history_rows(
    lang: Lang,
    events: Vec<AuditEventView>,
    field_prefix: &str,
    units: &[(i64, String)],
) -> Vec<HistoryRow> {
    let value = |field: &str, v: Option<&Value>| -> String {
        match v {
            None | Some(Value::Null) => "—".to_string(),
            Some(Value::Bool(b)) => tr(lang, if *b { "action.yes" } else { "action.no" }),
            Some(Value::Number(n)) if field == "department_id" || field == "parent_id" => n
                .as_i64()
                .and_then(|id| units.iter().find(|(u, _)| *u == id))
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| format!("#{n}")),
            Some(Value::String(s)) if field == "role" => role_label(lang, s),
            Some(Value::String(s)) if field == "kind" => kind_label(lang, s),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    };
    events
        .into_iter()
        .map(|e| {
            let changes = e
                .changed_fields
                .iter()
                .map(|f| {
                    let key = format!("{field_prefix}.{f}");
                    FieldChange {
                        label: if has(lang, &key) {
                            tr(lang, &key)
                        } else {
                            f.clone()
                        },
                        old: value(f, e.before.as_ref().and_then(|b| b.get(f))),
                        new: value(f, e.after.as_ref().and_then(|a| a.get(f))),
                    }
                })
                .collect();
            HistoryRow {
                at: e.at,
                actor: e.actor_name,
                action: e.action,
                changes,
            }
        })
        .collect()
}
