//! Reading, validating and writing the TOML form of the calendar.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use toml::{Table, Value};

use super::{CalendarError, CalendarYear, MAX_YEAR, MIN_YEAR};

const KEYS: &str = "source, off, work, names";

fn invalid(year: i32, reason: impl Into<String>) -> CalendarError {
    CalendarError::Invalid {
        year,
        reason: reason.into(),
    }
}

/// Every `[YYYY]` table of `text`, validated, in ascending year order.
pub(super) fn parse_tables(text: &str) -> Result<Vec<CalendarYear>, CalendarError> {
    let doc: Table = toml::from_str(text)
        .map_err(|e| CalendarError::Parse(format!("not valid TOML: {}", e.to_string().trim())))?;
    let mut years = Vec::with_capacity(doc.len());
    for (key, value) in doc {
        let year = parse_year_key(&key)?;
        let Value::Table(table) = value else {
            return Err(CalendarError::Parse(format!(
                "`{key}` must be a table written [{key}], found a {}",
                value.type_str()
            )));
        };
        years.push(validate(parse_table(year, table)?)?);
    }
    years.sort_by_key(|y| y.year);
    Ok(years)
}

fn parse_year_key(key: &str) -> Result<i32, CalendarError> {
    if key.len() != 4 || !key.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CalendarError::Parse(format!(
            "top-level key `{key}` is not a year table such as [2027]"
        )));
    }
    let year: i32 = key
        .parse()
        .map_err(|_| CalendarError::Parse(format!("`{key}` is not a year")))?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(invalid(
            year,
            format!("the year must be between {MIN_YEAR} and {MAX_YEAR}"),
        ));
    }
    Ok(year)
}

fn parse_table(year: i32, table: Table) -> Result<CalendarYear, CalendarError> {
    let mut source = None;
    let mut off = None;
    let mut work = None;
    let mut names = BTreeMap::new();
    for (key, value) in table {
        match key.as_str() {
            "source" => match value {
                Value::String(s) => source = Some(s),
                other => {
                    return Err(invalid(
                        year,
                        format!("`source` must be a string, found a {}", other.type_str()),
                    ));
                }
            },
            "off" => off = Some(parse_dates(year, "off", value)?),
            "work" => work = Some(parse_dates(year, "work", value)?),
            "names" => names = parse_names(year, value)?,
            other => {
                return Err(invalid(
                    year,
                    format!("unknown key `{other}` (expected {KEYS})"),
                ));
            }
        }
    }
    let source =
        source.ok_or_else(|| invalid(year, "missing key `source` (the notice it comes from)"))?;
    let off = off.ok_or_else(|| invalid(year, "missing key `off` (the holiday dates)"))?;
    let work = work.ok_or_else(|| {
        invalid(
            year,
            "missing key `work` (write `work = []` if the notice sets no make-up working days)",
        )
    })?;
    Ok(CalendarYear {
        year,
        source,
        off,
        work,
        names,
    })
}

fn parse_dates(year: i32, field: &str, value: Value) -> Result<Vec<NaiveDate>, CalendarError> {
    let Value::Array(items) = value else {
        return Err(invalid(
            year,
            format!(
                "`{field}` must be an array of \"YYYY-MM-DD\" dates, found a {}",
                value.type_str()
            ),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            date_value(item).ok_or_else(|| {
                invalid(
                    year,
                    format!("{field}[{i}]: {item} is not a date in YYYY-MM-DD form"),
                )
            })
        })
        .collect()
}

fn parse_names(year: i32, value: Value) -> Result<BTreeMap<NaiveDate, String>, CalendarError> {
    let Value::Table(table) = value else {
        return Err(invalid(
            year,
            format!(
                "`names` must be a table of \"YYYY-MM-DD\" = \"name\", found a {}",
                value.type_str()
            ),
        ));
    };
    table
        .into_iter()
        .map(|(key, name)| {
            let date = parse_date(&key).ok_or_else(|| {
                invalid(
                    year,
                    format!("names: key \"{key}\" is not a date in YYYY-MM-DD form"),
                )
            })?;
            match name {
                Value::String(name) => Ok((date, name)),
                other => Err(invalid(
                    year,
                    format!(
                        "names: the name of {date} must be a string, found a {}",
                        other.type_str()
                    ),
                )),
            }
        })
        .collect()
}

/// A `"YYYY-MM-DD"` string or a TOML local date (no time, no offset).
fn date_value(value: &Value) -> Option<NaiveDate> {
    match value {
        Value::String(s) => parse_date(s),
        Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            let d = dt.date?;
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        _ => None,
    }
}

/// Exactly `YYYY-MM-DD` with zero-padded fields, and a real date.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::from_ymd_opt(
        s[0..4].parse().ok()?,
        s[5..7].parse().ok()?,
        s[8..10].parse().ok()?,
    )
}

/// Checks one year's table and normalises it (`off` and `work` sorted and deduplicated).
pub(super) fn validate(mut y: CalendarYear) -> Result<CalendarYear, CalendarError> {
    let year = y.year;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(invalid(
            year,
            format!("the year must be between {MIN_YEAR} and {MAX_YEAR}"),
        ));
    }
    if y.source.trim().is_empty() {
        return Err(invalid(
            year,
            "`source` is empty; name the notice the dates come from",
        ));
    }
    y.off.sort_unstable();
    y.off.dedup();
    y.work.sort_unstable();
    y.work.dedup();
    if y.off.is_empty() {
        return Err(invalid(
            year,
            "`off` lists no holidays; a year without its notice must be left out, not left empty",
        ));
    }
    // Both bounds exist: the year is within MIN_YEAR..=MAX_YEAR.
    let first = NaiveDate::from_ymd_opt(year - 1, 12, 1).expect("valid date");
    let last = NaiveDate::from_ymd_opt(year + 1, 1, 31).expect("valid date");
    for (field, dates) in [("off", &y.off), ("work", &y.work)] {
        if let Some(d) = dates.iter().find(|d| !(first..=last).contains(*d)) {
            return Err(invalid(
                year,
                format!(
                    "{field} date {d} is outside what a [{year}] table may list ({first} to {last})"
                ),
            ));
        }
    }
    if let Some(d) = y.work.iter().find(|d| !super::is_weekend(**d)) {
        return Err(invalid(
            year,
            format!(
                "work date {d} is a {:?}; make-up working days must be a Saturday or Sunday",
                d.weekday()
            ),
        ));
    }
    if let Some(d) = y.work.iter().find(|d| y.off.binary_search(d).is_ok()) {
        return Err(invalid(
            year,
            format!("{d} is listed in both `off` and `work`"),
        ));
    }
    for (d, name) in &y.names {
        if y.off.binary_search(d).is_err() {
            return Err(invalid(
                year,
                format!(
                    "names: {d} is not in `off`; names belong to the first day of a holiday block"
                ),
            ));
        }
        if name.trim().is_empty() {
            return Err(invalid(year, format!("names: the name of {d} is empty")));
        }
    }
    Ok(y)
}

/// The file format for `years`, readable by `parse_tables`.
pub(super) fn write<'a>(years: impl IntoIterator<Item = &'a CalendarYear>) -> String {
    let mut out = String::from(
        "# Mainland China public holidays and make-up working days, one table per State Council notice year.\n\
         # `off` = holidays, `work` = weekend dates that are working days, `names` = first day of each holiday block.\n",
    );
    for y in years {
        let _ = writeln!(out, "\n[{}]", y.year);
        let _ = writeln!(out, "source = {}", Value::String(y.source.clone()));
        write_dates(&mut out, "off", &y.off);
        write_dates(&mut out, "work", &y.work);
        let names: Vec<String> = y
            .names
            .iter()
            .map(|(d, name)| format!("\"{d}\" = {}", Value::String(name.clone())))
            .collect();
        if names.is_empty() {
            out.push_str("names = {}\n");
        } else {
            let _ = writeln!(out, "names = {{ {} }}", names.join(", "));
        }
    }
    out
}

fn write_dates(out: &mut String, field: &str, dates: &[NaiveDate]) {
    if dates.is_empty() {
        let _ = writeln!(out, "{field} = []");
        return;
    }
    let _ = writeln!(out, "{field} = [");
    for line in dates.chunks(6) {
        let items: Vec<String> = line.iter().map(|d| format!("\"{d}\"")).collect();
        let _ = writeln!(out, "  {},", items.join(", "));
    }
    out.push_str("]\n");
}
