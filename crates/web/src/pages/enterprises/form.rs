//! Registering a firm and editing its profile.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use wujin_app::registry::dictionaries::Dictionary;
use wujin_app::registry::edit::EnterpriseInput;
use wujin_app::{AppError, FieldError};
use wujin_domain::access::Permission;

use super::options::{
    cadres, dictionary, entry_opts, scale_override_opts, status_opts, town_opts, towns,
};
use super::{LIST_PATH, invalid};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// The form as typed (shown again as typed when something is wrong).
#[derive(Default, Clone)]
pub(super) struct EnterpriseForm {
    credit_code: String,
    name: String,
    short_name: String,
    town_id: String,
    park: String,
    industry_group_id: String,
    industry_code: String,
    status: String,
    founded_on: String,
    address: String,
    legal_rep: String,
    contact_person: String,
    contact_phone: String,
    tag_ids: Vec<String>,
    cadre_ids: Vec<String>,
    scale_override: String,
    scale_override_reason: String,
}

impl EnterpriseForm {
    /// Reads the posted fields; tags and cadres may repeat.
    fn from_pairs(pairs: Vec<(String, String)>) -> EnterpriseForm {
        let mut f = EnterpriseForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "credit_code" => f.credit_code = v,
                "name" => f.name = v,
                "short_name" => f.short_name = v,
                "town_id" => f.town_id = v,
                "park" => f.park = v,
                "industry_group_id" => f.industry_group_id = v,
                "industry_code" => f.industry_code = v,
                "status" => f.status = v,
                "founded_on" => f.founded_on = v,
                "address" => f.address = v,
                "legal_rep" => f.legal_rep = v,
                "contact_person" => f.contact_person = v,
                "contact_phone" => f.contact_phone = v,
                "tag_ids" => f.tag_ids.push(v),
                "cadre_ids" => f.cadre_ids.push(v),
                "scale_override" => f.scale_override = v,
                "scale_override_reason" => f.scale_override_reason = v,
                _ => {}
            }
        }
        f
    }

    fn from_input(i: &EnterpriseInput) -> EnterpriseForm {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let n = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
        EnterpriseForm {
            credit_code: i.credit_code.clone(),
            name: i.name.clone(),
            short_name: s(&i.short_name),
            town_id: n(i.town_id),
            park: s(&i.park),
            industry_group_id: n(i.industry_group_id),
            industry_code: s(&i.industry_code),
            status: s(&i.status),
            founded_on: s(&i.founded_on),
            address: s(&i.address),
            legal_rep: s(&i.legal_rep),
            contact_person: s(&i.contact_person),
            contact_phone: s(&i.contact_phone),
            tag_ids: i.tag_ids.iter().map(i64::to_string).collect(),
            cadre_ids: i.cadre_ids.iter().map(i64::to_string).collect(),
            scale_override: s(&i.scale_override),
            scale_override_reason: s(&i.scale_override_reason),
        }
    }

    fn ids(values: &[String]) -> Vec<i64> {
        values
            .iter()
            .filter_map(|v| v.trim().parse().ok())
            .collect()
    }

    /// The use-case's input; ids that do not parse are field errors.
    fn input(&self) -> Result<EnterpriseInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut id = |s: &str, field: &str, key: &str| -> Option<i64> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            let n = s.parse::<i64>().ok();
            if n.is_none() {
                errors.push(FieldError::new(field, key));
            }
            n
        };
        let town_id = id(&self.town_id, "town_id", "error.enterprise.town_invalid");
        let industry_group_id = id(
            &self.industry_group_id,
            "industry_group_id",
            "error.enterprise.group_invalid",
        );
        if Self::ids(&self.tag_ids).len() != self.tag_ids.len() {
            errors.push(FieldError::new("tag_ids", "error.enterprise.tag_invalid"));
        }
        if Self::ids(&self.cadre_ids).len() != self.cadre_ids.len() {
            errors.push(FieldError::new(
                "cadre_ids",
                "error.enterprise.cadre_invalid",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(EnterpriseInput {
            credit_code: self.credit_code.clone(),
            name: self.name.clone(),
            short_name: opt(&self.short_name),
            town_id,
            park: opt(&self.park),
            industry_group_id,
            industry_code: opt(&self.industry_code),
            status: opt(&self.status),
            founded_on: opt(&self.founded_on),
            address: opt(&self.address),
            legal_rep: opt(&self.legal_rep),
            contact_person: opt(&self.contact_person),
            contact_phone: opt(&self.contact_phone),
            tag_ids: Self::ids(&self.tag_ids),
            cadre_ids: Self::ids(&self.cadre_ids),
            scale_override: opt(&self.scale_override),
            scale_override_reason: opt(&self.scale_override_reason),
        })
    }
}

#[derive(Template)]
#[template(path = "enterprises/form.html")]
struct FormPage {
    page: PageCtx,
    /// (id, name) of the firm being edited; `None` on the create form.
    editing: Option<(i64, String)>,
    action: String,
    form: EnterpriseForm,
    towns: Vec<Opt>,
    groups: Vec<Opt>,
    statuses: Vec<Opt>,
    /// Checkboxes: `selected` means ticked.
    tags: Vec<Opt>,
    cadres: Vec<Opt>,
    scales: Vec<Opt>,
    errors: FormErrors,
}

/// Builds the create or edit form; the dropdowns keep what the firm already has even when
/// it is no longer offered (an inactive tag, a cadre outside the caller's view).
async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<(i64, String)>,
    form: EnterpriseForm,
    errors: FormErrors,
) -> Result<FormPage, PageError> {
    let lang = user.lang;
    let choose = || Some(tr(lang, "enterprises_page.choose"));
    let kept_tags = EnterpriseForm::ids(&form.tag_ids);
    let kept_cadres = EnterpriseForm::ids(&form.cadre_ids);
    // The firm as stored, when editing: its town and cadres stay choosable.
    let current = match &editing {
        Some((id, _)) => {
            Some(wujin_app::registry::enterprises::get(&state.app, &user.ctx, *id).await?)
        }
        None => None,
    };
    let mut town_list = towns(state, user, false).await?;
    let mut people = cadres(state, user).await?;
    if let Some(d) = current {
        let e = d.enterprise;
        if !town_list.iter().any(|(id, _)| *id == e.town_id) {
            town_list.push((e.town_id, e.town_name));
        }
        for c in d.cadres {
            if !people.iter().any(|(p, _)| *p == c.id) {
                people.push((c.id, c.name));
            }
        }
    }
    let group_id: Vec<i64> = form
        .industry_group_id
        .trim()
        .parse()
        .ok()
        .into_iter()
        .collect();
    let groups = dictionary(state, Dictionary::IndustryGroup, &group_id).await?;
    let tags = dictionary(state, Dictionary::Tag, &kept_tags).await?;
    let (title, action, crumbs): (&str, String, Vec<(String, Option<String>)>) = match &editing {
        Some((id, name)) => (
            "enterprises_page.edit_title",
            format!("{LIST_PATH}/{id}"),
            vec![
                ("menu.enterprises".into(), Some(LIST_PATH.into())),
                (name.clone(), Some(format!("{LIST_PATH}/{id}"))),
                ("enterprises_page.edit_title".into(), None),
            ],
        ),
        None => (
            "enterprises_page.new_title",
            LIST_PATH.to_string(),
            vec![
                ("menu.enterprises".into(), Some(LIST_PATH.into())),
                ("enterprises_page.new_title".into(), None),
            ],
        ),
    };
    let crumbs: Vec<(&str, Option<&str>)> = crumbs
        .iter()
        .map(|(l, h)| (l.as_str(), h.as_deref()))
        .collect();
    let page = page_ctx(state, user, title, &crumbs, None).await;
    let status = if form.status.is_empty() {
        "operating"
    } else {
        form.status.as_str()
    };
    Ok(FormPage {
        towns: town_opts(choose(), &town_list, form.town_id.trim()),
        groups: entry_opts(choose(), &groups, form.industry_group_id.trim()),
        statuses: status_opts(lang, None, status),
        tags: tags
            .iter()
            .map(|t| Opt {
                value: t.id.to_string(),
                label: t.name.clone(),
                selected: kept_tags.contains(&t.id),
            })
            .collect(),
        cadres: people
            .into_iter()
            .map(|(id, name)| Opt {
                value: id.to_string(),
                label: name,
                selected: kept_cadres.contains(&id),
            })
            .collect(),
        scales: scale_override_opts(lang, form.scale_override.trim()),
        page,
        editing,
        action,
        form,
        errors,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, PageError> {
    if !user.actor().can(Permission::ManageEnterprises) {
        return Err(AppError::Forbidden.into());
    }
    let page = form_page(
        &state,
        &user,
        None,
        EnterpriseForm::default(),
        FormErrors::default(),
    );
    render(&page.await?)
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = EnterpriseForm::from_pairs(pairs);
    let result = match f.input() {
        Ok(input) => wujin_app::registry::edit::create(&state.app, &user.ctx, &input).await,
        Err(v) => Err(AppError::Validation(v)),
    };
    match result {
        Ok(d) => Ok(Redirect::to(&format!(
            "{LIST_PATH}/{}?msg=enterprise_created",
            d.enterprise.id
        ))
        .into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(form_page(&state, &user, None, f, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let input = wujin_app::registry::edit::input_of(&state.app, &user.ctx, id).await?;
    let editing = Some((id, input.name.clone()));
    let form = EnterpriseForm::from_input(&input);
    render(&form_page(&state, &user, editing, form, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = EnterpriseForm::from_pairs(pairs);
    let result = match f.input() {
        Ok(input) => wujin_app::registry::edit::update(&state.app, &user.ctx, id, &input).await,
        Err(v) => Err(AppError::Validation(v)),
    };
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("{LIST_PATH}/{id}?msg=enterprise_saved")).into_response())
        }
        Err(AppError::Validation(v)) => {
            let current = wujin_app::registry::edit::input_of(&state.app, &user.ctx, id).await?;
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(form_page(&state, &user, Some((id, current.name)), f, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn repeated_fields_collect_and_bad_ids_are_field_errors() {
        let f = EnterpriseForm::from_pairs(pairs(&[
            ("name", "甲"),
            ("town_id", "7"),
            ("tag_ids", "1"),
            ("tag_ids", "3"),
            ("cadre_ids", "12"),
        ]));
        let i = f.input().unwrap();
        assert_eq!(i.town_id, Some(7));
        assert_eq!(i.tag_ids, vec![1, 3]);
        assert_eq!(i.cadre_ids, vec![12]);
        assert_eq!(i.short_name, None);

        let f = EnterpriseForm::from_pairs(pairs(&[("town_id", "x"), ("tag_ids", "y")]));
        let fields: Vec<String> = f
            .input()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["town_id", "tag_ids"]);
    }
}
