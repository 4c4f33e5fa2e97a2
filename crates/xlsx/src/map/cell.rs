//! Reading one cell as its column's [`ValueKind`] says.

use wujin_domain::cell_value::{
    MAX_EXCEL_SERIAL, excel_serial_date, normalize_text, parse_date, parse_number, to_yuan,
};
use wujin_domain::credit_code::CreditCode;
use wujin_domain::enterprise::{EnterpriseStatus, FigureSource, LandTenure, Scale};

use super::FieldValue;
use super::header::Scale as HeaderScale;
use crate::columns::ValueKind;
use crate::read::{Cell, format_number};

/// A cell that does not read: message key and detail (the offending value or the bound).
pub(super) type Fail = (&'static str, String);

/// The largest count accepted (kWh, m³, persons), far above any real figure.
const MAX_COUNT: f64 = 1e15;
/// Years a year column accepts.
const YEARS: std::ops::RangeInclusive<i64> = 1990..=2100;
/// Years a date column accepts.
const DATE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;
/// Above this an integer is no longer exact in a spreadsheet number (2^53).
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// Reads a cell; `Ok(None)` for a blank cell (nothing entered).
pub(super) fn read(
    kind: ValueKind,
    cell: &Cell,
    scale: HeaderScale,
) -> Result<Option<FieldValue>, Fail> {
    match cell {
        Cell::Empty => return Ok(None),
        Cell::Text(s) if s.trim().is_empty() => return Ok(None),
        Cell::Error(e) => return Err(("error.import.formula_error", e.clone())),
        _ => {}
    }
    match kind {
        ValueKind::Text { max_chars } => text(cell, max_chars),
        ValueKind::CreditCode => credit_code(cell),
        ValueKind::Money => money(cell, scale),
        ValueKind::Count => count(cell, scale.factor),
        ValueKind::Quantity { max } => quantity(cell, scale.factor, max),
        ValueKind::AreaMu { max } => area(cell, scale.factor, max),
        ValueKind::Date => date(cell),
        ValueKind::Year => year(cell).map(|y| Some(FieldValue::Int(y))),
        ValueKind::Flag => flag(cell),
        ValueKind::Choice { choice } => self::choice(cell, choice),
        ValueKind::DictionaryName { .. } => {
            Ok(normalize_text(&cell.to_text()).map(FieldValue::Text))
        }
        ValueKind::NameList { .. } => Ok(name_list(&cell.to_text())),
    }
}

fn text(cell: &Cell, max_chars: usize) -> Result<Option<FieldValue>, Fail> {
    let raw = match cell {
        Cell::Text(s) => normalize_text(s),
        other => normalize_text(&other.to_text()),
    };
    let Some(t) = raw else { return Ok(None) };
    let n = t.chars().count();
    if n > max_chars {
        return Err(("error.import.text_too_long", format!("{n}/{max_chars}")));
    }
    Ok(Some(FieldValue::Text(t)))
}

fn credit_code(cell: &Cell) -> Result<Option<FieldValue>, Fail> {
    let raw = match cell {
        Cell::Number(n) if n.abs() >= MAX_EXACT => {
            return Err(("error.import.number_too_long", format_number(*n)));
        }
        other => other.to_text(),
    };
    CreditCode::parse(&raw)
        .map(|c| Some(FieldValue::Text(c.as_str().to_string())))
        .map_err(|e| (e.key(), raw.trim().to_string()))
}

/// The number in a cell: numbers as they are, text by the domain's number grammar.
fn number(cell: &Cell) -> Result<Option<f64>, Fail> {
    match cell {
        Cell::Number(n) | Cell::Date(n) => Ok(Some(*n)),
        Cell::Text(s) => parse_number(s).map_err(|e| (e.key(), s.trim().to_string())),
        Cell::Bool(_) | Cell::Error(_) => Err(("error.value.not_a_number", cell.to_text())),
        Cell::Empty => Ok(None),
    }
}

fn non_negative(cell: &Cell) -> Result<Option<f64>, Fail> {
    match number(cell)? {
        Some(n) if n < 0.0 => Err(("error.import.negative", format_number(n))),
        other => Ok(other),
    }
}

fn money(cell: &Cell, scale: HeaderScale) -> Result<Option<FieldValue>, Fail> {
    let Some(n) = non_negative(cell)? else {
        return Ok(None);
    };
    to_yuan(n, scale.money)
        .map(|y| Some(FieldValue::Int(y)))
        .map_err(|e| (e.key(), format_number(n)))
}

fn count(cell: &Cell, factor: f64) -> Result<Option<FieldValue>, Fail> {
    let Some(n) = non_negative(cell)? else {
        return Ok(None);
    };
    let v = (n * factor).round();
    if !v.is_finite() || v > MAX_COUNT {
        return Err(("error.import.out_of_range", format_number(n)));
    }
    Ok(Some(FieldValue::Int(v as i64)))
}

/// Rounds away the noise of unit conversions (`0.1 × 3`), keeping six decimals.
fn tidy(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn quantity(cell: &Cell, factor: f64, max: f64) -> Result<Option<FieldValue>, Fail> {
    let Some(n) = non_negative(cell)? else {
        return Ok(None);
    };
    let v = tidy(n * factor);
    if !v.is_finite() || v > max {
        return Err(("error.import.out_of_range", format_number(n)));
    }
    Ok(Some(FieldValue::Real(v)))
}

fn area(cell: &Cell, factor: f64, max: f64) -> Result<Option<FieldValue>, Fail> {
    let Some(n) = number(cell)? else {
        return Ok(None);
    };
    let v = tidy(n * factor);
    if n <= 0.0 || v <= 0.0 {
        return Err(("error.import.not_positive", format_number(n)));
    }
    if !v.is_finite() || v > max {
        return Err(("error.import.out_of_range", format_number(n)));
    }
    Ok(Some(FieldValue::Real(v)))
}

fn date(cell: &Cell) -> Result<Option<FieldValue>, Fail> {
    let d = match cell {
        Cell::Number(n) | Cell::Date(n) => {
            let serial = n.floor();
            if !(1.0..=f64::from(MAX_EXCEL_SERIAL)).contains(&serial) {
                return Err(("error.value.not_a_date", format_number(*n)));
            }
            excel_serial_date(serial as u32).ok_or(("error.value.not_a_date", format_number(*n)))?
        }
        Cell::Text(s) => match parse_date(s).map_err(|e| (e.key(), s.trim().to_string()))? {
            Some(d) => d,
            None => return Ok(None),
        },
        _ => return Err(("error.value.not_a_date", cell.to_text())),
    };
    use chrono::Datelike;
    if !DATE_YEARS.contains(&d.year()) {
        return Err(("error.import.out_of_range", d.to_string()));
    }
    Ok(Some(FieldValue::Date(d)))
}

/// A year: `2024`, `2024年`, `2024.0`, `２０２４`.
pub(super) fn year(cell: &Cell) -> Result<i64, Fail> {
    let bad = || ("error.import.not_a_year", cell.to_text().trim().to_string());
    let n = match cell {
        Cell::Number(n) | Cell::Date(n) => *n,
        Cell::Text(s) => {
            let t = s.trim();
            let t = t
                .strip_suffix('年')
                .or_else(|| t.strip_suffix("年度"))
                .unwrap_or(t);
            parse_number(t).ok().flatten().ok_or_else(bad)?
        }
        _ => return Err(bad()),
    };
    if n.fract() != 0.0 || !n.is_finite() {
        return Err(bad());
    }
    if !(*YEARS.start() as f64..=*YEARS.end() as f64).contains(&n) {
        return Err(("error.import.out_of_range", format_number(n)));
    }
    Ok(n as i64)
}

fn flag(cell: &Cell) -> Result<Option<FieldValue>, Fail> {
    let v = match cell {
        Cell::Bool(b) => Some(*b),
        Cell::Number(n) if *n == 1.0 => Some(true),
        Cell::Number(n) if *n == 0.0 => Some(false),
        Cell::Text(s) => {
            let t: String = s.trim().chars().map(super::header::fold_width).collect();
            match t.trim().to_ascii_uppercase().as_str() {
                "是" | "有" | "Y" | "YES" | "TRUE" | "1" | "√" | "✓" | "✔" => Some(true),
                "否" | "无" | "N" | "NO" | "FALSE" | "0" | "×" | "✗" => Some(false),
                "" => return Ok(None),
                _ => None,
            }
        }
        _ => None,
    };
    v.map(|b| Some(FieldValue::Flag(b)))
        .ok_or_else(|| ("error.import.not_a_flag", cell.to_text().trim().to_string()))
}

/// The labels a choice accepts, joined by 、 for messages.
pub(crate) fn choice_labels(choice: &str) -> Vec<&'static str> {
    match choice {
        "status" => EnterpriseStatus::ALL.iter().map(|v| v.label()).collect(),
        "tenure" => LandTenure::ALL.iter().map(|v| v.label()).collect(),
        "scale" => Scale::ALL.iter().map(|v| v.label()).collect(),
        "source" => FigureSource::ALL.iter().map(|v| v.label()).collect(),
        _ => Vec::new(),
    }
}

/// The code of a choice from its Chinese label or its code.
fn choice_code(choice: &str, t: &str) -> Option<&'static str> {
    match choice {
        "status" => EnterpriseStatus::parse_label(t)
            .or_else(|| EnterpriseStatus::parse(t))
            .map(|v| v.as_str()),
        "tenure" => LandTenure::parse_label(t)
            .or_else(|| LandTenure::parse(t))
            .map(|v| v.as_str()),
        "scale" => Scale::parse_label(t)
            .or_else(|| Scale::parse(t))
            .map(|v| v.as_str()),
        "source" => FigureSource::parse_label(t)
            .or_else(|| FigureSource::parse(t))
            .map(|v| v.as_str()),
        _ => None,
    }
}

fn choice(cell: &Cell, choice: &str) -> Result<Option<FieldValue>, Fail> {
    let raw = cell.to_text();
    let t = normalize_text(&raw).unwrap_or_default();
    let lower = t.to_ascii_lowercase();
    choice_code(choice, &t)
        .or_else(|| choice_code(choice, &lower))
        .map(|c| Some(FieldValue::Text(c.to_string())))
        .ok_or_else(|| {
            (
                "error.import.unknown_choice",
                choice_labels(choice).join("、"),
            )
        })
}

/// Splits on `、，,；;/` and line breaks; trimmed, blanks dropped, duplicates removed.
pub(crate) fn name_list(raw: &str) -> Option<FieldValue> {
    let mut names: Vec<String> = Vec::new();
    for part in raw.split(['、', '，', ',', '；', ';', '/', '\n', '\r']) {
        if let Some(n) = normalize_text(part)
            && !names.contains(&n)
        {
            names.push(n);
        }
    }
    (!names.is_empty()).then_some(FieldValue::List(names))
}
