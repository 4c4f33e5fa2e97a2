//! Recording that a firm uses a parcel (添加用地), owned or leased.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use wujin_app::AppError;
use wujin_app::registry::land::ParcelUseInput;
use wujin_domain::access::Permission;
use wujin_domain::enterprise::LandTenure;

use super::fmt::label;
use super::options::opts;
use super::{LIST_PATH, invalid};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::{FormErrors, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "enterprises/land_form.html")]
struct LandPage {
    page: PageCtx,
    id: i64,
    name: String,
    form: ParcelUseInput,
    tenures: Vec<Opt>,
    errors: FormErrors,
}

/// `Some` text of an optional field, for the template.
fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl LandPage {
    fn typed_parcel_area_mu(&self) -> String {
        text(&self.form.parcel_area_mu)
    }
    fn typed_area_mu(&self) -> String {
        text(&self.form.area_mu)
    }
    fn typed_location(&self) -> String {
        text(&self.form.location)
    }
    fn typed_lessor(&self) -> String {
        text(&self.form.lessor)
    }
    fn typed_from_year(&self) -> String {
        text(&self.form.from_year)
    }
    fn typed_to_year(&self) -> String {
        text(&self.form.to_year)
    }
}

async fn land_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    form: ParcelUseInput,
    errors: FormErrors,
) -> Result<LandPage, PageError> {
    if !user.actor().can(Permission::ManageEnterprises) {
        return Err(AppError::Forbidden.into());
    }
    let lang = user.lang;
    let d = wujin_app::registry::enterprises::get(&state.app, &user.ctx, id).await?;
    let href = format!("{LIST_PATH}/{id}");
    let page = page_ctx(
        state,
        user,
        "enterprises_page.add_land",
        &[
            ("menu.enterprises", Some(LIST_PATH)),
            (d.enterprise.name.as_str(), Some(href.as_str())),
            ("enterprises_page.add_land", None),
        ],
        None,
    )
    .await;
    let tenure = if form.tenure.is_empty() {
        "owned"
    } else {
        form.tenure.as_str()
    };
    let tenures = opts(
        None,
        LandTenure::ALL.iter().map(|t| {
            (
                t.as_str().to_string(),
                label(lang, "registry.tenure", t.as_str()),
            )
        }),
        tenure,
    );
    Ok(LandPage {
        page,
        id,
        name: d.enterprise.name,
        tenures,
        form,
        errors,
    })
}

pub(super) async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    render(
        &land_page(
            &state,
            &user,
            id,
            ParcelUseInput::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

pub(super) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ParcelUseInput>,
) -> Result<Response, PageError> {
    match wujin_app::registry::land::save_use(&state.app, &user.ctx, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("{LIST_PATH}/{id}?msg=land_saved#land")).into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(land_page(&state, &user, id, f, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}
