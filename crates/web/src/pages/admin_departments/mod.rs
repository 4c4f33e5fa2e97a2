//! 组织架构: the departments tree as an indented table (filters, CSV export), creating and
//! editing units, disabling and enabling them, and each unit's change history.

mod detail;
mod form;
mod list;

use axum::Router;
use axum::routing::{get, post};
use wujin_domain::org::DepartmentKind;

use crate::i18n::Lang;
use crate::pages::choices::{Opt, kind_label};
use crate::state::AppState;

use self::detail::{detail, disable, enable};
use self::form::{create, edit_form, new_form, update};
use self::list::{export, list};

const LIST_PATH: &str = "/admin/departments";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/departments", get(list).post(create))
        .route("/admin/departments/export.csv", get(export))
        .route("/admin/departments/new", get(new_form))
        .route("/admin/departments/{id}", get(detail).post(update))
        .route("/admin/departments/{id}/edit", get(edit_form))
        .route("/admin/departments/{id}/disable", post(disable))
        .route("/admin/departments/{id}/enable", post(enable))
}

fn kind_options(lang: Lang, selected: &str, first: Option<String>) -> Vec<Opt> {
    let mut out = Vec::new();
    if let Some(label) = first {
        out.push(Opt {
            value: String::new(),
            label,
            selected: selected.is_empty(),
        });
    }
    for k in DepartmentKind::ALL {
        out.push(Opt {
            value: k.as_str().to_string(),
            label: kind_label(lang, k.as_str()),
            selected: selected == k.as_str(),
        });
    }
    out
}
