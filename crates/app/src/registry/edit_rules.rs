//! The rules an enterprise profile must satisfy before any database lookup: the credit code,
//! lengths, the industry code and phone formats, dates, status and a scale set by hand with
//! its reason. Every problem is reported at once.

use wujin_domain::cell_value::{normalize_text, parse_date};
use wujin_domain::credit_code::CreditCode;
use wujin_domain::enterprise::{EnterpriseStatus, Scale};

use super::edit::{EnterpriseInput, Profile};
use crate::error::FieldError;

fn text(
    v: &Option<String>,
    field: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let t = v.as_deref().and_then(normalize_text)?;
    if t.chars().count() > max {
        errors.push(FieldError::with_detail(
            field,
            "error.enterprise.too_long",
            max.to_string(),
        ));
    }
    Some(t)
}

/// 国民经济行业分类 code: a section letter and 2–4 digits (`C`, `C33`, `C3324`).
pub fn valid_industry_code(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('A'..='T')) && {
        let digits: Vec<char> = chars.collect();
        digits.len() <= 4 && digits.iter().all(|c| c.is_ascii_digit())
    }
}

/// Phone numbers: digits, spaces, `-`, `+`, `(`, `)` and `转` (extension), 5–40 characters.
pub fn valid_phone(s: &str) -> bool {
    let n = s.chars().count();
    (5..=40).contains(&n)
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')' | '转' | ','))
}

/// Checks every field that needs no database and returns all problems at once.
pub(super) fn check_fields(input: &EnterpriseInput) -> (Option<Profile>, Vec<FieldError>) {
    let mut errors = Vec::new();
    let credit_code = match CreditCode::parse(&input.credit_code) {
        Ok(c) => Some(c.as_str().to_string()),
        Err(e) => {
            errors.push(FieldError::new("credit_code", e.key()));
            None
        }
    };
    let name = text(&Some(input.name.clone()), "name", 100, &mut errors);
    if name.is_none() {
        errors.push(FieldError::new("name", "error.required"));
    }
    let short_name = text(&input.short_name, "short_name", 40, &mut errors);
    let park = text(&input.park, "park", 60, &mut errors);
    let industry_code =
        text(&input.industry_code, "industry_code", 5, &mut errors).map(|s| s.to_ascii_uppercase());
    if let Some(c) = &industry_code
        && !valid_industry_code(c)
    {
        errors.push(FieldError::new(
            "industry_code",
            "error.enterprise.industry_code_invalid",
        ));
    }
    let status = match input
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Some(EnterpriseStatus::Operating),
        Some(s) => {
            let st = EnterpriseStatus::parse(s).or_else(|| EnterpriseStatus::parse_label(s));
            if st.is_none() {
                errors.push(FieldError::new("status", "error.enterprise.status_invalid"));
            }
            st
        }
    };
    let founded_on = match input.founded_on.as_deref().map(parse_date) {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(d))) if d > chrono::Utc::now().date_naive() => {
            errors.push(FieldError::new(
                "founded_on",
                "error.enterprise.founded_in_future",
            ));
            None
        }
        Some(Ok(Some(d))) => Some(d),
        Some(Err(e)) => {
            errors.push(FieldError::new("founded_on", e.key()));
            None
        }
    };
    let address = text(&input.address, "address", 200, &mut errors);
    let legal_rep = text(&input.legal_rep, "legal_rep", 40, &mut errors);
    let contact_person = text(&input.contact_person, "contact_person", 40, &mut errors);
    let contact_phone = text(&input.contact_phone, "contact_phone", 40, &mut errors);
    if let Some(p) = &contact_phone
        && !valid_phone(p)
    {
        errors.push(FieldError::new(
            "contact_phone",
            "error.enterprise.phone_invalid",
        ));
    }
    let town_id = input.town_id;
    if town_id.is_none() {
        errors.push(FieldError::new("town_id", "error.required"));
    }
    let industry_group_id = input.industry_group_id;
    if industry_group_id.is_none() {
        errors.push(FieldError::new("industry_group_id", "error.required"));
    }
    let reason = text(
        &input.scale_override_reason,
        "scale_override_reason",
        200,
        &mut errors,
    );
    let scale_override = match input
        .scale_override
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => match (Scale::parse(s).or_else(|| Scale::parse_label(s)), reason) {
            (Some(sc), Some(r)) => Some((sc, r)),
            (Some(_), None) => {
                errors.push(FieldError::new(
                    "scale_override_reason",
                    "error.enterprise.override_reason_required",
                ));
                None
            }
            (None, _) => {
                errors.push(FieldError::new(
                    "scale_override",
                    "error.enterprise.scale_invalid",
                ));
                None
            }
        },
    };
    let mut tag_ids = input.tag_ids.clone();
    tag_ids.sort_unstable();
    tag_ids.dedup();
    let mut cadre_ids = input.cadre_ids.clone();
    cadre_ids.sort_unstable();
    cadre_ids.dedup();
    match (credit_code, name, status, town_id, industry_group_id) {
        (Some(credit_code), Some(name), Some(status), Some(town_id), Some(industry_group_id))
            if errors.is_empty() =>
        {
            (
                Some(Profile {
                    credit_code,
                    name,
                    short_name,
                    town_id,
                    park,
                    industry_group_id,
                    industry_code,
                    status,
                    founded_on,
                    address,
                    legal_rep,
                    contact_person,
                    contact_phone,
                    tag_ids,
                    cadre_ids,
                    scale_override,
                }),
                errors,
            )
        }
        _ => (None, errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industry_codes() {
        for ok in ["C", "C33", "C3324", "A0111"] {
            assert!(valid_industry_code(ok), "{ok}");
        }
        for bad in ["", "c33", "C33245", "Z11", "33", "C3a"] {
            assert!(!valid_industry_code(bad), "{bad}");
        }
    }

    #[test]
    fn phones() {
        for ok in [
            "13957912345",
            "0579-87654321",
            "+86 139 5791 2345",
            "87654321转801",
        ] {
            assert!(valid_phone(ok), "{ok}");
        }
        for bad in ["1234", "电话", "139-abc-1234", "---------"] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let input = EnterpriseInput {
            credit_code: "91330784MA2XXXXXX1".into(),
            name: "  ".into(),
            status: Some("营业".into()),
            founded_on: Some("2015-13-45".into()),
            contact_phone: Some("abc".into()),
            scale_override: Some("above".into()),
            ..Default::default()
        };
        let (p, errors) = check_fields(&input);
        assert!(p.is_none());
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "credit_code",
            "name",
            "status",
            "founded_on",
            "contact_phone",
            "town_id",
            "industry_group_id",
            "scale_override_reason",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }
}
