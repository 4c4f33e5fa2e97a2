//! Dropdown options of the registry pages: towns in the caller's reach, industry groups,
//! tags, statuses, scales, figure sources and the people a firm can be assigned to.

use wujin_app::AppResult;
use wujin_app::registry::EnterpriseScope;
use wujin_app::registry::dictionaries::{Dictionary, Entry, entries};
use wujin_domain::access::Permission;
use wujin_domain::enterprise::{EnterpriseStatus, FigureSource, Scale};
use wujin_domain::org::DepartmentKind;

use super::fmt::label;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr};
use crate::pages::choices::Opt;
use crate::state::AppState;

/// Options from (value, label) pairs; `all` prepends an empty choice with that label.
pub fn opts(
    all: Option<String>,
    items: impl IntoIterator<Item = (String, String)>,
    selected: &str,
) -> Vec<Opt> {
    let mut out = Vec::new();
    if let Some(label) = all {
        out.push(Opt {
            value: String::new(),
            label,
            selected: selected.is_empty(),
        });
    }
    out.extend(items.into_iter().map(|(value, label)| Opt {
        selected: value == selected,
        value,
        label,
    }));
    out
}

/// The towns (streets, towns, the zone) a caller may pick: all of them for city-wide roles,
/// their own for town staff. `for_filter` also offers every town to roles reaching single
/// firms (cadres, enterprises), whose list a town filter only narrows.
pub async fn towns(
    state: &AppState,
    user: &CurrentUser,
    for_filter: bool,
) -> AppResult<Vec<(i64, String)>> {
    let scope = EnterpriseScope::of(state.app.db.read(), &user.ctx).await?;
    let units = wujin_app::departments::list_for_choice(
        &state.app,
        &wujin_app::departments::DepartmentFilter {
            active: Some(true),
            ..Default::default()
        },
    )
    .await?;
    Ok(units
        .into_iter()
        .filter(|u| DepartmentKind::parse(&u.kind).is_some_and(|k| k.is_town()))
        .filter(|u| match &scope {
            EnterpriseScope::All => true,
            EnterpriseScope::Towns(ids) => ids.contains(&u.id),
            _ => for_filter,
        })
        .map(|u| (u.id, u.name))
        .collect())
}

/// Active entries of a dictionary, plus `keep` (entries already chosen, even if inactive).
pub async fn dictionary(state: &AppState, dict: Dictionary, keep: &[i64]) -> AppResult<Vec<Entry>> {
    Ok(entries(state.app.db.read(), dict)
        .await?
        .into_iter()
        .filter(|e| e.active || keep.contains(&e.id))
        .collect())
}

pub fn entry_opts(all: Option<String>, items: &[Entry], selected: &str) -> Vec<Opt> {
    opts(
        all,
        items.iter().map(|e| (e.id.to_string(), e.name.clone())),
        selected,
    )
}

pub fn town_opts(all: Option<String>, towns: &[(i64, String)], selected: &str) -> Vec<Opt> {
    opts(
        all,
        towns.iter().map(|(id, n)| (id.to_string(), n.clone())),
        selected,
    )
}

pub fn status_opts(lang: Lang, all: Option<String>, selected: &str) -> Vec<Opt> {
    opts(
        all,
        EnterpriseStatus::ALL.iter().map(|s| {
            (
                s.as_str().to_string(),
                label(lang, "registry.status", s.as_str()),
            )
        }),
        selected,
    )
}

/// 规上 / 规下 / 未知 for the list filter.
pub fn scale_filter_opts(lang: Lang, selected: &str) -> Vec<Opt> {
    opts(
        Some(tr(lang, "action.all")),
        Scale::ALL
            .iter()
            .map(|s| s.as_str())
            .chain(["unknown"])
            .map(|s| (s.to_string(), label(lang, "registry.scale", s))),
        selected,
    )
}

/// 自动判定 / 规上 / 规下 for the profile form.
pub fn scale_override_opts(lang: Lang, selected: &str) -> Vec<Opt> {
    opts(
        Some(tr(lang, "enterprises_page.scale_auto")),
        Scale::ALL.iter().map(|s| {
            (
                s.as_str().to_string(),
                label(lang, "registry.scale", s.as_str()),
            )
        }),
        selected,
    )
}

pub fn source_opts(lang: Lang, selected: &str) -> Vec<Opt> {
    opts(
        None,
        FigureSource::ALL.iter().map(|s| {
            (
                s.as_str().to_string(),
                label(lang, "registry.source", s.as_str()),
            )
        }),
        selected,
    )
}

/// The source a caller's figures usually come from.
pub fn default_source(user: &CurrentUser) -> FigureSource {
    use wujin_domain::access::Role;
    match user.actor().role {
        Role::Town => FigureSource::Town,
        Role::Enterprise => FigureSource::SelfReported,
        _ => FigureSource::Statistics,
    }
}

/// People a firm can be assigned to (驻企干部, town and department staff), labelled with
/// their unit; `(id, "name（unit）")`.
pub async fn cadres(state: &AppState, user: &CurrentUser) -> AppResult<Vec<(i64, String)>> {
    if !user.actor().can(Permission::ManageEnterprises) {
        return Ok(Vec::new());
    }
    Ok(
        wujin_app::registry::edit::assignable_cadres(&state.app, &user.ctx)
            .await?
            .into_iter()
            .map(|n| (n.id, n.name))
            .collect(),
    )
}
