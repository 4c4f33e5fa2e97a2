//! How registry values are shown: money in 万元 with thousands separators and two decimals,
//! counts and quantities with separators, flags as 是/否, days as 2022年2月15日, and the
//! labels of coded values (scale, status, tenure, figure source).

use chrono::NaiveDate;
use wujin_app::registry::figures::{FigureKind, FigureValue, kind_of};

use crate::i18n::{Lang, has, tr};

/// Inserts `,` every three digits of a run of ASCII digits.
fn group_digits(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A whole number with thousands separators: `1234567` → `1,234,567`.
pub fn count(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group_digits(&n.unsigned_abs().to_string()))
}

/// Money stored in 元 shown in 万元, two decimals, thousands separators:
/// `12_345_678` → `1,234.57`.
pub fn money_wan(yuan: i64) -> String {
    let v = i128::from(yuan);
    // Hundredths of 万元 are hundreds of 元; round half away from zero.
    let hundredths = if v >= 0 {
        (v + 50) / 100
    } else {
        (v - 50) / 100
    };
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs();
    format!(
        "{sign}{}.{:02}",
        group_digits(&(abs / 100).to_string()),
        abs % 100
    )
}

/// 万元 as a plain decimal for a form field, exact (no separators, no trailing zeros):
/// `12_345_678` → `1234.5678`, `20_000_000` → `2000`.
pub fn money_wan_input(yuan: i64) -> String {
    let sign = if yuan < 0 { "-" } else { "" };
    let abs = yuan.unsigned_abs();
    let (whole, frac) = (abs / 10_000, abs % 10_000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let f = format!("{frac:04}");
        format!("{sign}{whole}.{}", f.trim_end_matches('0'))
    }
}

/// A decimal quantity with up to four decimals (trailing zeros dropped) and separators:
/// `1500.25` → `1,500.25`, `30.0` → `30`.
pub fn quantity(v: f64) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let text = plain_decimal(v);
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text.as_str()),
    };
    match rest.split_once('.') {
        Some((int, frac)) => format!("{sign}{}.{frac}", group_digits(int)),
        None => format!("{sign}{}", group_digits(rest)),
    }
}

/// A decimal without separators, up to four decimals, trailing zeros dropped (form fields).
pub fn plain_decimal(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// A figure's value for display in its unit; blank is `—`.
pub fn figure_text(lang: Lang, key: &str, v: Option<FigureValue>) -> String {
    match (kind_of(key), v) {
        (_, None) => "—".to_string(),
        (_, Some(FigureValue::Flag(b))) => tr(lang, if b { "action.yes" } else { "action.no" }),
        (Some(FigureKind::Money), Some(FigureValue::Int(y))) => money_wan(y),
        (Some(FigureKind::Money), Some(FigureValue::Real(y))) => money_wan(y.round() as i64),
        (_, Some(FigureValue::Int(n))) => count(n),
        (_, Some(FigureValue::Real(r))) => quantity(r),
    }
}

/// A figure's value as a form field holds it (money in 万元, exact).
pub fn figure_input(key: &str, v: Option<FigureValue>) -> String {
    match (kind_of(key), v) {
        (_, None) => String::new(),
        (_, Some(FigureValue::Flag(b))) => if b { "true" } else { "" }.to_string(),
        (Some(FigureKind::Money), Some(FigureValue::Int(y))) => money_wan_input(y),
        (Some(FigureKind::Money), Some(FigureValue::Real(y))) => money_wan_input(y.round() as i64),
        (_, Some(FigureValue::Int(n))) => n.to_string(),
        (_, Some(FigureValue::Real(r))) => plain_decimal(r),
    }
}

/// A money figure in 万元 as a chart value (two decimals), `None` when blank.
pub fn chart_wan(v: Option<FigureValue>) -> Option<f64> {
    match v {
        Some(FigureValue::Int(y)) => Some((y as f64 / 100.0).round() / 100.0),
        Some(FigureValue::Real(y)) => Some((y / 100.0).round() / 100.0),
        _ => None,
    }
}

/// 2022年2月15日 / 2022-02-15.
pub fn day(lang: Lang, d: &NaiveDate) -> String {
    match lang {
        Lang::ZhCn => d.format("%Y年%-m月%-d日").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// `prefix.value` translated, or the raw value when the catalogue has no such key.
pub fn label(lang: Lang, prefix: &str, value: &str) -> String {
    let key = format!("{prefix}.{value}");
    if has(lang, &key) {
        tr(lang, &key)
    } else {
        value.to_string()
    }
}

/// The label of a scale code (`above`/`below`), or 未知 when unknown.
pub fn scale_label(lang: Lang, scale: Option<&str>) -> String {
    label(lang, "registry.scale", scale.unwrap_or("unknown"))
}

/// A figure's name with its unit: 主营业务收入（万元）.
pub fn figure_heading(lang: Lang, key: &str) -> String {
    let name = tr(lang, &format!("registry.figure.{key}"));
    let unit_key = format!("registry.unit.{key}");
    if has(lang, &unit_key) {
        match lang {
            Lang::ZhCn => format!("{name}（{}）", tr(lang, &unit_key)),
            Lang::En => format!("{name} ({})", tr(lang, &unit_key)),
        }
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wujin_app::registry::figures::FIGURES;
    use wujin_domain::enterprise::{EnterpriseStatus, FigureSource, LandTenure, Scale};

    #[test]
    fn money_is_shown_in_wan_with_separators() {
        assert_eq!(money_wan(12_345_678), "1,234.57");
        assert_eq!(money_wan(0), "0.00");
        assert_eq!(money_wan(49), "0.00");
        assert_eq!(money_wan(50), "0.01");
        assert_eq!(money_wan(104_800_000_000_000), "10,480,000,000.00");
        assert_eq!(money_wan(-12_345_678), "-1,234.57");
        assert_eq!(money_wan(i64::MIN), "-922,337,203,685,477.58");
    }

    #[test]
    fn money_form_values_are_exact() {
        assert_eq!(money_wan_input(12_345_678), "1234.5678");
        assert_eq!(money_wan_input(20_000_000), "2000");
        assert_eq!(money_wan_input(15_000), "1.5");
        assert_eq!(money_wan_input(-15_000), "-1.5");
    }

    #[test]
    fn counts_and_quantities() {
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(999), "999");
        assert_eq!(count(-1000), "-1,000");
        assert_eq!(quantity(1500.25), "1,500.25");
        assert_eq!(quantity(30.0), "30");
        assert_eq!(quantity(12.34567), "12.3457");
        assert_eq!(plain_decimal(-0.00001), "0");
    }

    #[test]
    fn figures_in_their_units() {
        let l = Lang::ZhCn;
        assert_eq!(
            figure_text(l, "main_revenue_yuan", Some(FigureValue::Int(25_000_000))),
            "2,500.00"
        );
        assert_eq!(
            figure_text(l, "power_kwh", Some(FigureValue::Int(1_200_000))),
            "1,200,000"
        );
        assert_eq!(
            figure_text(l, "energy_tce", Some(FigureValue::Real(1500.5))),
            "1,500.5"
        );
        assert_eq!(
            figure_text(l, "safety_accident", Some(FigureValue::Flag(true))),
            "是"
        );
        assert_eq!(figure_text(l, "water_m3", None), "—");
        assert_eq!(
            figure_input("main_revenue_yuan", Some(FigureValue::Int(25_000_000))),
            "2500"
        );
        assert_eq!(chart_wan(Some(FigureValue::Int(12_345_678))), Some(1234.57));
    }

    #[test]
    fn days() {
        let d = NaiveDate::from_ymd_opt(2022, 2, 15).unwrap();
        assert_eq!(day(Lang::ZhCn, &d), "2022年2月15日");
        assert_eq!(day(Lang::En, &d), "2022-02-15");
    }

    /// The Chinese catalogue speaks the domain's own labels, and every coded value and figure
    /// has a label in both languages.
    #[test]
    fn labels_match_the_domain() {
        for s in Scale::ALL {
            assert_eq!(scale_label(Lang::ZhCn, Some(s.as_str())), s.label());
        }
        for s in EnterpriseStatus::ALL {
            assert_eq!(label(Lang::ZhCn, "registry.status", s.as_str()), s.label());
        }
        for t in LandTenure::ALL {
            assert_eq!(label(Lang::ZhCn, "registry.tenure", t.as_str()), t.label());
        }
        for s in FigureSource::ALL {
            assert_eq!(label(Lang::ZhCn, "registry.source", s.as_str()), s.label());
        }
        for lang in Lang::ALL {
            assert!(has(lang, "registry.scale.unknown"));
            for (key, kind) in FIGURES {
                assert!(has(lang, &format!("registry.figure.{key}")), "{key}");
                assert!(has(lang, &format!("registry.short.{key}")), "{key}");
                let unit = has(lang, &format!("registry.unit.{key}"));
                assert_eq!(unit, *kind != FigureKind::Flag, "unit of {key}");
            }
            for s in Scale::ALL {
                assert!(has(lang, &format!("registry.scale.{}", s.as_str())));
            }
            for s in EnterpriseStatus::ALL {
                assert!(has(lang, &format!("registry.status.{}", s.as_str())));
            }
            for t in LandTenure::ALL {
                assert!(has(lang, &format!("registry.tenure.{}", t.as_str())));
            }
            for s in FigureSource::ALL {
                assert!(has(lang, &format!("registry.source.{}", s.as_str())));
            }
        }
        assert_eq!(
            figure_heading(Lang::ZhCn, "main_revenue_yuan"),
            "主营业务收入（万元）"
        );
        assert_eq!(
            figure_heading(Lang::ZhCn, "safety_accident"),
            "安全生产事故"
        );
    }
}
