//! Reading values as officials type them into spreadsheets: numbers with thousands separators
//! or full-width digits, money in 元 / 万元 / 亿元, dates in the usual Chinese forms or as
//! Excel serial numbers, and free text.
//!
//! Every parser takes the cell's text and answers `Ok(None)` for a blank cell, so the caller
//! can tell "nothing entered" from "entered something unreadable".

use chrono::{Days, NaiveDate, NaiveTime};

/// Why a cell's text could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// The text is not a number (the raw text as given).
    #[error("{0:?} is not a number")]
    NotANumber(String),
    /// The text is not a date (the raw text as given).
    #[error("{0:?} is not a date")]
    NotADate(String),
    /// A money amount that is not finite or whose size exceeds [`MAX_ABS_YUAN`] yuan.
    #[error("the amount {0} is out of range")]
    AmountOutOfRange(f64),
}

impl ValueError {
    /// Message-catalogue key; the web layer translates it.
    pub fn key(&self) -> &'static str {
        match self {
            ValueError::NotANumber(_) => "error.value.not_a_number",
            ValueError::NotADate(_) => "error.value.not_a_date",
            ValueError::AmountOutOfRange(_) => "error.value.amount_out_of_range",
        }
    }
}

/// The largest amount, in yuan and in absolute value, [`to_yuan`] accepts (10^15 yuan, ten
/// million 亿元: far beyond any real figure, far within `i64`).
pub const MAX_ABS_YUAN: f64 = 1e15;

/// Full-width forms and look-alikes to ASCII, odd spaces to `' '`, invisible characters
/// (zero-width space, BOM) dropped.
fn normalize_chars(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, '\u{200B}' | '\u{FEFF}'))
        .map(|c| match c {
            // ０-９ Ａ-Ｚ ａ-ｚ and the full-width signs ＋ ， － ． ／ ％ ： ( ).
            '\u{FF10}'..='\u{FF19}'
            | '\u{FF21}'..='\u{FF3A}'
            | '\u{FF41}'..='\u{FF5A}'
            | '\u{FF0B}'
            | '\u{FF0C}'
            | '\u{FF0D}'
            | '\u{FF0E}'
            | '\u{FF0F}'
            | '\u{FF05}'
            | '\u{FF1A}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{2212}' => '-', // MINUS SIGN
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

/// A cell holding only dashes (`-`, `—`, `–`, `——`…) means "nothing entered".
fn is_dash_only(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| matches!(c, '-' | '\u{2014}' | '\u{2013}'))
}

/// Reads a number.
///
/// Accepted, after trimming (the full-width space and NBSP included):
/// * an empty cell, or one holding only dashes (`-`, `—`, `——`): `Ok(None)`;
/// * full-width digits and signs (`０`-`９`, `．`, `－`, `＋`, `，`), read as ASCII;
/// * an optional leading `+` or `-`; negative numbers are returned as they are, the caller
///   checks ranges;
/// * digits with at most one decimal point (`12`, `12.5`, `.5`, `12.`);
/// * thousands separators in the integer part, either all commas (`,` or `，`) or all spaces:
///   the first group has 1–3 digits and every later group exactly 3 (`1,234,567.89`,
///   `1 234 567`). Anything else is rejected: `1,2,3`, `12,34`, `1234,567`, `1,234 567`,
///   `,123`, and separators in the fraction;
/// * an exponent (`1.5E+07`) on a number without thousands separators, as spreadsheets write
///   large values when saved as text.
///
/// Anything else, such as `约100`, `100万`, `N/A`, `¥100`, `(100)`, `inf` or a value too large
/// for a finite `f64`, is [`ValueError::NotANumber`] carrying the raw text.
pub fn parse_number(raw: &str) -> Result<Option<f64>, ValueError> {
    let s = normalize_chars(raw);
    let s = s.trim();
    if s.is_empty() || is_dash_only(s) {
        return Ok(None);
    }
    parse_plain(s)
        .map(Some)
        .ok_or_else(|| ValueError::NotANumber(raw.to_string()))
}

/// Reads a percentage as a fraction.
///
/// With a trailing `%` (or `％`, spaces allowed before it) the number is divided by 100:
/// `12.5%` → `0.125`. Without one the number is taken as already being a fraction, which is
/// how spreadsheets store cells formatted as percentages: `0.125` → `0.125`. A caller whose
/// column header says the figures are in per cent (`增长率（%）`) should use [`parse_number`]
/// and divide by 100 itself. Blank and dash-only cells are `Ok(None)`; otherwise the rules of
/// [`parse_number`] apply.
pub fn parse_percent(raw: &str) -> Result<Option<f64>, ValueError> {
    let s = normalize_chars(raw);
    let s = s.trim();
    if s.is_empty() || is_dash_only(s) {
        return Ok(None);
    }
    let bad = || ValueError::NotANumber(raw.to_string());
    match s.strip_suffix('%') {
        Some(rest) => parse_plain(rest.trim_end())
            .map(|v| Some(v / 100.0))
            .ok_or_else(bad),
        None => parse_plain(s).map(Some).ok_or_else(bad),
    }
}

/// The number grammar of [`parse_number`] on normalised, trimmed, non-empty text.
fn parse_plain(s: &str) -> Option<f64> {
    let (sign, body) = match s.as_bytes().first()? {
        b'+' => ("", &s[1..]),
        b'-' => ("-", &s[1..]),
        _ => ("", s),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(frac_part) || (int_part.is_empty() && frac_part.is_empty()) {
        return None;
    }
    let separator = int_part.chars().find(|c| matches!(c, ',' | ' '));
    let int_digits = match separator {
        None => {
            if !all_digits(int_part) {
                return None;
            }
            int_part.to_string()
        }
        Some(sep) => {
            if exponent.is_some() {
                return None;
            }
            let mut groups = int_part.split(sep);
            let first = groups.next()?;
            if first.is_empty() || first.len() > 3 || !all_digits(first) {
                return None;
            }
            let mut digits = first.to_string();
            for g in groups {
                if g.len() != 3 || !all_digits(g) {
                    return None;
                }
                digits.push_str(g);
            }
            digits
        }
    };
    let mut clean = format!("{sign}{int_digits}");
    if !frac_part.is_empty() {
        clean.push('.');
        clean.push_str(frac_part);
    }
    if int_digits.is_empty() {
        clean.insert(sign.len(), '0');
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if digits.is_empty() || !all_digits(digits) {
            return None;
        }
        clean.push('e');
        clean.push_str(exp);
    }
    let v: f64 = clean.parse().ok()?;
    v.is_finite().then_some(v)
}

/// The unit money figures of a column are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MoneyUnit {
    /// 元.
    Yuan,
    /// 万元 (10^4 元).
    WanYuan,
    /// 亿元 (10^8 元).
    YiYuan,
}

impl MoneyUnit {
    /// How many yuan one unit is.
    pub fn factor(self) -> f64 {
        match self {
            MoneyUnit::Yuan => 1.0,
            MoneyUnit::WanYuan => 1e4,
            MoneyUnit::YiYuan => 1e8,
        }
    }
}

/// Reads the money unit a column header names: `主营业务收入（万元）`, `税收(元)`, `产值 亿元`,
/// `亩均税收（万元/亩）`, `单位：万元`, `营收（人民币万元）`.
///
/// Bracketed parts (`()`, `（）`, `[]`, `【】`) are looked at first, the last one first; the
/// first naming a unit decides. Inside brackets a bare `万` or `亿` (`产值（万）`) means 万元 or
/// 亿元. Without a bracketed unit, the header must end in the unit (optionally followed by
/// `人民币`), so that the `元` of `元器件` is not taken for one.
///
/// `None` when no unit is named, and also when the unit is one this type cannot express, so
/// that a figure is never read at the wrong scale: `千元`, `百万元`, `千万元`, and foreign
/// currencies such as `万美元`, `欧元`, `港元`, `日元`.
pub fn detect_unit(header: &str) -> Option<MoneyUnit> {
    let h: String = normalize_chars(header)
        .chars()
        .map(|c| match c {
            '（' | '【' | '[' => '(',
            '）' | '】' | ']' => ')',
            c => c,
        })
        .collect();
    // Bracketed parts, last first.
    let mut outside = String::new();
    let mut parts = Vec::new();
    let mut rest = h.as_str();
    while let Some(open) = rest.find('(') {
        outside.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(')') {
            Some(close) => {
                parts.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => {
                parts.push(after);
                rest = "";
            }
        }
    }
    outside.push_str(rest);
    for part in parts.iter().rev() {
        match unit_in_brackets(part) {
            UnitWord::Unit(u) => return Some(u),
            UnitWord::Unsupported => return None,
            UnitWord::Absent => {}
        }
    }
    let t = outside.trim();
    let t = t.strip_suffix("人民币").unwrap_or(t).trim_end();
    if !t.ends_with('元') {
        return None;
    }
    match unit_before(&t[..t.len() - '元'.len_utf8()]) {
        UnitWord::Unit(u) => Some(u),
        _ => None,
    }
}

enum UnitWord {
    Unit(MoneyUnit),
    /// A unit is named, but not one of [`MoneyUnit`].
    Unsupported,
    Absent,
}

fn unit_in_brackets(part: &str) -> UnitWord {
    let p = part.trim();
    let p = p.split('/').next().unwrap_or(p).trim();
    let p = p.strip_suffix("人民币").unwrap_or(p).trim_end();
    match p {
        "万" => return UnitWord::Unit(MoneyUnit::WanYuan),
        "亿" => return UnitWord::Unit(MoneyUnit::YiYuan),
        _ => {}
    }
    match p.strip_suffix('元') {
        Some(before) => unit_before(before),
        None if p.contains('元') => UnitWord::Unsupported,
        None => UnitWord::Absent,
    }
}

/// The unit given by the characters just before a `元`.
fn unit_before(before: &str) -> UnitWord {
    const PREFIX: &[char] = &[
        '万', '亿', '千', '百', '十', '美', '欧', '港', '日', '韩', '澳', '台',
    ];
    let n = before
        .chars()
        .rev()
        .take_while(|c| PREFIX.contains(c))
        .count();
    let prefix: String = before
        .chars()
        .rev()
        .take(n)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match prefix.as_str() {
        "" => UnitWord::Unit(MoneyUnit::Yuan),
        "万" => UnitWord::Unit(MoneyUnit::WanYuan),
        "亿" => UnitWord::Unit(MoneyUnit::YiYuan),
        _ => UnitWord::Unsupported,
    }
}

/// `value` in `unit` as whole yuan, rounded to the nearest (halves away from zero).
/// Fails with [`ValueError::AmountOutOfRange`] when `value` is not finite or the amount exceeds
/// [`MAX_ABS_YUAN`] in absolute value. Negative amounts are returned as they are.
pub fn to_yuan(value: f64, unit: MoneyUnit) -> Result<i64, ValueError> {
    if !value.is_finite() {
        return Err(ValueError::AmountOutOfRange(value));
    }
    let yuan = (value * unit.factor()).round();
    if !yuan.is_finite() || yuan.abs() > MAX_ABS_YUAN {
        return Err(ValueError::AmountOutOfRange(value));
    }
    Ok(yuan as i64)
}

/// Largest Excel serial date: 9999-12-31.
pub const MAX_EXCEL_SERIAL: u32 = 2_958_465;

/// The date of an Excel serial number in the 1900 date system, `None` outside
/// `1..=MAX_EXCEL_SERIAL` and for 60.
///
/// Serial 1 is 1900-01-01. Excel, copying Lotus 1-2-3, counts a 1900-02-29 that never was as
/// serial 60; serials from 61 on are therefore days since 1899-12-30, and serials 1–59 days
/// since 1899-12-31. Serial 60 names no real date and is refused.
pub fn excel_serial_date(serial: u32) -> Option<NaiveDate> {
    let base = match serial {
        1..=59 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        61..=MAX_EXCEL_SERIAL => NaiveDate::from_ymd_opt(1899, 12, 30)?,
        _ => return None,
    };
    base.checked_add_days(Days::new(u64::from(serial)))
}

/// Reads a date.
///
/// Accepted, after trimming and reading full-width digits and punctuation as ASCII:
/// * an empty or dash-only cell: `Ok(None)`;
/// * `2021-03-05`, `2021/3/5`, `2021.3.5`: a four-digit year, then month and day of one or
///   two digits, all separated by the same character;
/// * `2021年3月5日` (also ending in `号`, or with neither), spaces allowed between parts;
/// * `20210305`: exactly eight digits;
/// * an Excel serial number given as text (`44260` → 2021-03-05), see [`excel_serial_date`];
///   a fractional part (the time of day) is ignored;
/// * any of the above followed by a time of day (`2021-03-05 08:30:00`, `2021-03-05T08:30`,
///   `2021年3月5日 8:30`), which is checked and dropped.
///
/// A bare whole number from 1900 to 2099 is refused although it is a valid serial: in a date
/// column it is a year typed on its own far more often than a day of 1905.
/// Month-first or day-first orders (`3/5/2021`), two-digit years, a year and month without a
/// day (`2021年3月`) and impossible dates (`2021-02-30`) are [`ValueError::NotADate`].
pub fn parse_date(raw: &str) -> Result<Option<NaiveDate>, ValueError> {
    let s = normalize_chars(raw);
    let s = s.trim();
    if s.is_empty() || is_dash_only(s) {
        return Ok(None);
    }
    parse_date_text(s)
        .map(Some)
        .ok_or_else(|| ValueError::NotADate(raw.to_string()))
}

fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let date_part = strip_time(s)?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    // Eight digits: yyyymmdd.
    if date_part.len() == 8 && digits(date_part) {
        return ymd(&date_part[..4], &date_part[4..6], &date_part[6..]);
    }
    // An Excel serial, perhaps with a time fraction.
    let (whole, frac) = date_part.split_once('.').unwrap_or((date_part, ""));
    if digits(whole) && (frac.is_empty() || digits(frac)) {
        if whole.len() > 7 {
            return None;
        }
        let serial: u32 = whole.parse().ok()?;
        if (1900..=2099).contains(&serial) {
            return None;
        }
        return excel_serial_date(serial);
    }
    // 2021年3月5日.
    if let Some((y, rest)) = date_part.split_once('年') {
        let (m, d) = rest.split_once('月')?;
        let d = d.trim();
        let d = d
            .strip_suffix('日')
            .or_else(|| d.strip_suffix('号'))
            .unwrap_or(d);
        return ymd(y.trim(), m.trim(), d.trim());
    }
    // 2021-03-05, 2021/3/5, 2021.3.5.
    let sep = date_part.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let mut parts = date_part.split(sep);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    ymd(y, m, d)
}

/// The date part of `s`, with a trailing time of day (after a space or `T`) checked and
/// removed; `None` if that time does not read.
fn strip_time(s: &str) -> Option<&str> {
    if s.contains('年') {
        // In the 年月日 form spaces may separate the parts; a time can only follow 日 or 号.
        let Some(i) = s.find(['日', '号']) else {
            return Some(s);
        };
        let end = i + '日'.len_utf8();
        let time = s[end..].trim();
        return (time.is_empty() || is_time(time)).then_some(&s[..end]);
    }
    let Some(i) = s.find([' ', 'T']) else {
        return Some(s);
    };
    is_time(s[i + 1..].trim()).then_some(s[..i].trim_end())
}

fn is_time(t: &str) -> bool {
    ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
        .iter()
        .any(|f| NaiveTime::parse_from_str(t, f).is_ok())
}

/// A date from a four-digit year and a one- or two-digit month and day.
fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let digits = |t: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Free text: trimmed (the full-width space and NBSP included), every inner run of whitespace
/// made one ASCII space, zero-width spaces and BOMs dropped; `None` when nothing is left.
/// Full-width letters and digits are kept as typed.
pub fn normalize_text(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for word in raw
        .split(char::is_whitespace)
        .map(|w| w.replace(['\u{200B}', '\u{FEFF}'], ""))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<f64> {
        parse_number(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn not_num(s: &str) {
        assert_eq!(
            parse_number(s),
            Err(ValueError::NotANumber(s.to_string())),
            "{s:?}"
        );
    }

    #[test]
    fn numbers_plain() {
        assert_eq!(num("0"), Some(0.0));
        assert_eq!(num("42"), Some(42.0));
        assert_eq!(num("007"), Some(7.0));
        assert_eq!(num("12.5"), Some(12.5));
        assert_eq!(num(".5"), Some(0.5));
        assert_eq!(num("-.5"), Some(-0.5));
        assert_eq!(num("12."), Some(12.0));
        assert_eq!(num("+3"), Some(3.0));
        assert_eq!(num("-3.25"), Some(-3.25));
        assert_eq!(num("\u{2212}3"), Some(-3.0));
        assert_eq!(num("1.5E+07"), Some(15_000_000.0));
        assert_eq!(num("2e-2"), Some(0.02));
    }

    #[test]
    fn numbers_blank() {
        for s in [
            "",
            "   ",
            "\u{3000}",
            "\u{a0}\t\n",
            "-",
            "—",
            "——",
            "－",
            " - ",
            "–",
        ] {
            assert_eq!(num(s), None, "{s:?}");
        }
    }

    #[test]
    fn numbers_trim_and_full_width() {
        assert_eq!(num(" 12 "), Some(12.0));
        assert_eq!(num("\u{3000}12\u{3000}"), Some(12.0));
        assert_eq!(num("\u{a0}12\u{a0}"), Some(12.0));
        assert_eq!(num("\u{feff}12"), Some(12.0));
        assert_eq!(num("１２３．４５"), Some(123.45));
        assert_eq!(num("－１２"), Some(-12.0));
        assert_eq!(num("＋１２"), Some(12.0));
        assert_eq!(num("１，２３４"), Some(1234.0));
    }

    #[test]
    fn numbers_thousands_separators() {
        assert_eq!(num("1,234,567.89"), Some(1_234_567.89));
        assert_eq!(num("-1,234"), Some(-1234.0));
        assert_eq!(num("12,345"), Some(12345.0));
        assert_eq!(num("123,456"), Some(123_456.0));
        assert_eq!(num("1，234，567"), Some(1_234_567.0));
        assert_eq!(num("1 234 567"), Some(1_234_567.0));
        assert_eq!(num("1\u{a0}234"), Some(1234.0));
        assert_eq!(num("1\u{3000}234.5"), Some(1234.5));
        assert_eq!(num("1,234."), Some(1234.0));
        // Full-width and ASCII commas are the same separator.
        assert_eq!(num("1,234，567"), Some(1_234_567.0));
    }

    #[test]
    fn numbers_rejected() {
        for s in [
            "1,2,3",
            "12,34",
            "1234,567",
            "1,2345",
            ",123",
            "123,",
            "1,,234",
            "1,234 567",
            "1  234",
            "1.234,56",
            "1,234.5,6",
            "1.2.3",
            ".",
            "+",
            "-.",
            "+-1",
            "--1",
            "1-",
            "约100",
            "100万",
            "N/A",
            "n/a",
            "无",
            "¥100",
            "(100)",
            "inf",
            "NaN",
            "infinity",
            "1e",
            "1e+",
            "e5",
            "1,234e3",
            "1e999",
            "0x10",
            "1_000",
            "12%",
            "１２.３４ｋ",
        ] {
            not_num(s);
        }
    }

    #[test]
    fn percents() {
        let p = |s: &str| parse_percent(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        assert_eq!(p("12.5%"), Some(0.125));
        assert_eq!(p("12.5 %"), Some(0.125));
        assert_eq!(p("１２．５％"), Some(0.125));
        assert_eq!(p("-3%"), Some(-0.03));
        assert_eq!(p("1,250%"), Some(12.5));
        assert_eq!(p("0.125"), Some(0.125));
        assert_eq!(p(""), None);
        assert_eq!(p("—"), None);
        for s in ["%", "-%", "12%%", "%12", "约12%", "12 % 3"] {
            assert_eq!(
                parse_percent(s),
                Err(ValueError::NotANumber(s.to_string())),
                "{s:?}"
            );
        }
    }

    #[test]
    fn units_detected() {
        use MoneyUnit::*;
        let cases = [
            ("主营业务收入（万元）", Some(WanYuan)),
            ("税收(元)", Some(Yuan)),
            ("产值 亿元", Some(YiYuan)),
            ("税收 元", Some(Yuan)),
            ("营业收入万元", Some(WanYuan)),
            ("单位：万元", Some(WanYuan)),
            ("亩均税收（万元/亩）", Some(WanYuan)),
            ("营收（人民币万元）", Some(WanYuan)),
            ("收入（万元人民币）", Some(WanYuan)),
            ("收入 万元人民币", Some(WanYuan)),
            ("产值（万）", Some(WanYuan)),
            ("产值【亿】", Some(YiYuan)),
            ("产值[万元]", Some(WanYuan)),
            ("产值（2023年）（万元）", Some(WanYuan)),
            ("电子元器件产值（万元）", Some(WanYuan)),
            ("投资额（亿元", Some(YiYuan)),
        ];
        for (h, want) in cases {
            assert_eq!(detect_unit(h), want, "{h}");
        }
    }

    #[test]
    fn units_refused() {
        for h in [
            "",
            "企业名称",
            "用工人数（人）",
            "年份（2023）",
            "元器件产值",
            "产值（千元）",
            "产值（百万元）",
            "产值（千万元）",
            "出口额（万美元）",
            "出口额（美元）",
            "收入（欧元）",
            "收入 港元",
            "收入（元/万元）x（千元）",
            "收入（元器件）",
        ] {
            assert_eq!(detect_unit(h), None, "{h}");
        }
    }

    #[test]
    fn yuan_conversion() {
        use MoneyUnit::*;
        assert_eq!(to_yuan(1.0, Yuan), Ok(1));
        assert_eq!(to_yuan(12.34, WanYuan), Ok(123_400));
        assert_eq!(to_yuan(1.23456789, YiYuan), Ok(123_456_789));
        assert_eq!(to_yuan(0.5, Yuan), Ok(1));
        assert_eq!(to_yuan(-0.5, Yuan), Ok(-1));
        assert_eq!(to_yuan(0.49, Yuan), Ok(0));
        assert_eq!(to_yuan(-2500.0, WanYuan), Ok(-25_000_000));
        assert_eq!(to_yuan(1e15, Yuan), Ok(1_000_000_000_000_000));
        assert_eq!(to_yuan(1e7, YiYuan), Ok(1_000_000_000_000_000));
        assert_eq!(to_yuan(-1e7, YiYuan), Ok(-1_000_000_000_000_000));
        for (v, u) in [
            (1e7 + 1.0, YiYuan),
            (1.1e11, WanYuan),
            (-2e15, Yuan),
            (f64::NAN, Yuan),
            (f64::INFINITY, WanYuan),
            (f64::NEG_INFINITY, Yuan),
            (f64::MAX, Yuan),
        ] {
            let e = to_yuan(v, u).unwrap_err();
            assert_eq!(e.key(), "error.value.amount_out_of_range");
        }
        assert_eq!(WanYuan.factor(), 10_000.0);
    }

    fn date(s: &str) -> Option<NaiveDate> {
        parse_date(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn d(y: i32, m: u32, dd: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, dd)
    }

    #[test]
    fn dates_accepted() {
        let want = d(2021, 3, 5);
        for s in [
            "2021-03-05",
            "2021-3-5",
            "2021/3/5",
            "2021/03/05",
            "2021.3.5",
            "2021年3月5日",
            "2021年03月05日",
            "2021年3月5号",
            "2021年3月5",
            "2021 年 3 月 5 日",
            "20210305",
            "44260",
            "44260.75",
            " 2021-03-05 ",
            "\u{3000}2021-03-05\u{3000}",
            "２０２１－０３－０５",
            "２０２１年３月５日",
            "２０２１．３．５",
            "2021-03-05 00:00:00",
            "2021-03-05 08:30",
            "2021-03-05T08:30:15",
            "2021/3/5 8:30:15.250",
            "44260 08:00",
            "2021年3月5日 08:00",
            "2021年3月5日08:00:00",
        ] {
            assert_eq!(date(s), want, "{s:?}");
        }
        assert_eq!(date("2020-02-29"), d(2020, 2, 29));
        assert_eq!(date("1999.12.31"), d(1999, 12, 31));
    }

    #[test]
    fn dates_blank() {
        for s in ["", "  ", "\u{3000}", "-", "—", "——"] {
            assert_eq!(date(s), None, "{s:?}");
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(date("1"), d(1900, 1, 1));
        assert_eq!(date("59"), d(1900, 2, 28));
        assert_eq!(date("61"), d(1900, 3, 1));
        assert_eq!(date("1899"), d(1905, 3, 13));
        assert_eq!(date("2100"), d(1905, 9, 30));
        assert_eq!(date("25569"), d(1970, 1, 1));
        assert_eq!(date("2958465"), d(9999, 12, 31));
        // Long serials are far-future dates, not mistyped yyyymmdd or yyyymm: range checks are
        // the caller's.
        assert_eq!(date("2021030"), d(7433, 5, 22));
        assert_eq!(date("202103"), d(2453, 5, 2));
        assert_eq!(excel_serial_date(60), None);
        assert_eq!(excel_serial_date(0), None);
        assert_eq!(excel_serial_date(MAX_EXCEL_SERIAL + 1), None);
        assert_eq!(excel_serial_date(44260), d(2021, 3, 5));
    }

    #[test]
    fn dates_rejected() {
        for s in [
            "0",
            "60",
            "2958466",
            "99999999",
            "-1",
            "-44260",
            "1900",
            "2021",
            "2099",
            "2021.5",
            "2021-02-30",
            "2021-13-01",
            "2021-00-10",
            "2021-3",
            "2021/3/5/1",
            "2021-3/5",
            "21-3-5",
            "3/5/2021",
            "05.03.2021",
            "2021年3月",
            "2021年13月1日",
            "2021年3月5日 8点",
            "2021年3月5 8:00",
            "20210230",
            "202103051",
            "2021-03-05 25:00",
            "2021-03-05 noon",
            "2021-03-05T",
            "2021-003-05",
            "２０２１年３月３２日",
            "yesterday",
            "约2021年",
            "44260.5.1",
            "4426０x",
        ] {
            assert_eq!(
                parse_date(s),
                Err(ValueError::NotADate(s.to_string())),
                "{s:?}"
            );
        }
    }

    #[test]
    fn text_normalised() {
        assert_eq!(normalize_text(""), None);
        assert_eq!(normalize_text(" \u{3000}\u{a0}\t\n "), None);
        assert_eq!(normalize_text("\u{200b}"), None);
        assert_eq!(normalize_text("永康"), Some("永康".into()));
        assert_eq!(
            normalize_text("\u{3000}浙江  永康\u{3000}\u{3000}五金\n城 "),
            Some("浙江 永康 五金 城".into())
        );
        assert_eq!(normalize_text("a\u{a0}\u{a0}b"), Some("a b".into()));
        assert_eq!(normalize_text("\u{feff}a\u{200b}b"), Some("ab".into()));
        assert_eq!(normalize_text("ＡＢＣ"), Some("ＡＢＣ".into()));
    }

    #[test]
    fn error_keys_and_messages() {
        let all = [
            ValueError::NotANumber("x".into()),
            ValueError::NotADate("x".into()),
            ValueError::AmountOutOfRange(f64::NAN),
        ];
        for e in &all {
            assert!(e.key().starts_with("error.value."));
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            ValueError::NotANumber("约100".into()).to_string(),
            "\"约100\" is not a number"
        );
        assert_eq!(
            ValueError::NotADate("x".into()).key(),
            "error.value.not_a_date"
        );
    }
}
