//! A firm's change history: its audit events with ids shown as names (town, industry group,
//! tags, cadres) and codes as labels (scale, status).

use std::collections::HashMap;

use serde_json::Value;
use wujin_app::AppResult;
use wujin_app::audit::AuditEventView;
use wujin_app::registry::Named;
use wujin_app::registry::dictionaries::{Dictionary, entries};

use super::fmt::{figure_heading, figure_text, label};
use crate::i18n::{Lang, trf};
use crate::pages::history::{FieldChange, HistoryRow, history_rows};
use crate::state::AppState;
use wujin_app::registry::figures::FigureValue;

/// How many history entries the profile shows.
const HISTORY_LIMIT: u64 = 50;

/// Names by id for the fields that hold ids.
struct Names {
    towns: HashMap<i64, String>,
    groups: HashMap<i64, String>,
    tags: HashMap<i64, String>,
    cadres: HashMap<i64, String>,
}

impl Names {
    fn name(map: &HashMap<i64, String>, v: &Value) -> Value {
        match v.as_i64() {
            Some(id) => Value::String(map.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))),
            None => v.clone(),
        }
    }

    fn names(map: &HashMap<i64, String>, v: &Value) -> Value {
        match v.as_array() {
            Some(ids) if ids.is_empty() => Value::Null,
            Some(ids) => Value::String(
                ids.iter()
                    .map(|i| match Self::name(map, i) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            None => v.clone(),
        }
    }

    /// One snapshot (or diff) with names and labels in place of ids and codes.
    fn readable(&self, lang: Lang, v: &mut Value) {
        let Some(o) = v.as_object_mut() else { return };
        for (k, val) in o.iter_mut() {
            *val = match (k.as_str(), &*val) {
                ("town_id", x) => Self::name(&self.towns, x),
                ("industry_group_id", x) => Self::name(&self.groups, x),
                ("tag_ids", x) => Self::names(&self.tags, x),
                ("cadre_ids", x) => Self::names(&self.cadres, x),
                ("scale", Value::String(s)) => Value::String(label(lang, "registry.scale", s)),
                ("status", Value::String(s)) => Value::String(label(lang, "registry.status", s)),
                (_, x) => x.clone(),
            };
        }
    }
}

/// The history rows of firm `id`. `cadres` are the firm's current cadres (names of people
/// assigned earlier are shown by id).
pub async fn enterprise_history(
    state: &AppState,
    ctx: &wujin_app::Ctx,
    lang: Lang,
    id: i64,
    cadres: &[Named],
) -> AppResult<Vec<HistoryRow>> {
    let mut events: Vec<AuditEventView> =
        wujin_app::audit::history_of(&state.app, "enterprise", &id.to_string(), HISTORY_LIMIT)
            .await?;
    let db = state.app.db.read();
    let dict = |d: Vec<wujin_app::registry::dictionaries::Entry>| {
        d.into_iter().map(|e| (e.id, e.name)).collect()
    };
    let names = Names {
        towns: wujin_app::departments::all(db)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect(),
        groups: dict(entries(db, Dictionary::IndustryGroup).await?),
        tags: dict(entries(db, Dictionary::Tag).await?),
        cadres: cadres.iter().map(|c| (c.id, c.name.clone())).collect(),
    };
    for e in &mut events {
        if let Some(b) = e.before.as_mut() {
            names.readable(lang, b);
        }
        if let Some(a) = e.after.as_mut() {
            names.readable(lang, a);
        }
    }
    let mut rows = history_rows(lang, events, "enterprise.field", &[]);
    let figures = wujin_app::registry::figures::history(&state.app, ctx, id, HISTORY_LIMIT).await?;
    rows.extend(figures.iter().map(|e| figure_row(lang, e)));
    // Both lists are newest first; RFC 3339 UTC times sort as text.
    rows.sort_by(|a, b| b.at.cmp(&a.at));
    rows.truncate(HISTORY_LIMIT as usize);
    Ok(rows)
}

/// One audit event of a year's figures as a history row: each changed figure, labelled with
/// its year and unit, old → new in display units.
fn figure_row(lang: Lang, e: &AuditEventView) -> HistoryRow {
    let values = |v: &Option<Value>| -> serde_json::Map<String, Value> {
        v.as_ref()
            .and_then(|v| v.get("values"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (before, after) = (values(&e.before), values(&e.after));
    let year = e.entity_id.rsplit('/').next().unwrap_or_default();
    let as_figure = |v: Option<&Value>| -> Option<FigureValue> {
        v.and_then(|v| serde_json::from_value(v.clone()).ok())
    };
    let changes = after
        .iter()
        .filter(|(key, _)| wujin_app::registry::figures::kind_of(key).is_some())
        .map(|(key, new)| FieldChange {
            label: format!(
                "{} · {}",
                trf(lang, "enterprises_page.year", &[("year", year)]),
                figure_heading(lang, key)
            ),
            old: figure_text(lang, key, as_figure(before.get(key))),
            new: figure_text(lang, key, as_figure(Some(new))),
        })
        .collect();
    HistoryRow {
        at: e.at.clone(),
        actor: e.actor_name.clone(),
        action: e.action.clone(),
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_become_names_and_codes_labels() {
        let names = Names {
            towns: HashMap::from([(3, "古山镇".to_string())]),
            groups: HashMap::from([(1, "电动工具/园林工具".to_string())]),
            tags: HashMap::from([(1, "高新技术企业".to_string()), (2, "专精特新".to_string())]),
            cadres: HashMap::new(),
        };
        let mut v = json!({"town_id": 3, "industry_group_id": 1, "tag_ids": [1, 2], "cadre_ids": [9], "scale": "above", "status": "closed", "name": "甲"});
        names.readable(Lang::ZhCn, &mut v);
        assert_eq!(
            v,
            json!({"town_id": "古山镇", "industry_group_id": "电动工具/园林工具", "tag_ids": "高新技术企业、专精特新", "cadre_ids": "#9", "scale": "规上", "status": "关停", "name": "甲"})
        );
    }
}
