//! How evaluation results read: points and values with their display rounding, each item's
//! arithmetic in the reader's language, the reasons of a result, why a firm is in its class,
//! what would lift it, and the distribution chart as inline SVG. Shared by the pages and the
//! API.

use serde_json::Value;
use wujin_app::evaluation::explain::{Explanation, ItemExplained};
use wujin_domain::evaluation::explain::{Lift, Standing, Target, cut_percent};
use wujin_domain::evaluation::scoring::display_value;
use wujin_domain::evaluation::{Grade, Indicator, Veto, display_points};

use crate::i18n::{Lang, has, tr, trf};

/// An indicator's name: 亩均税收 / Tax per mu.
pub fn indicator_label(lang: Lang, i: Indicator) -> String {
    tr(lang, &format!("eval.explain.indicator.{}", i.as_str()))
}

/// An indicator's unit (万元/亩 …), empty for ratios.
pub fn indicator_unit(lang: Lang, i: Indicator) -> String {
    let key = format!("eval.explain.unit.{}", i.as_str());
    if has(lang, &key) {
        tr(lang, &key)
    } else {
        String::new()
    }
}

/// An indicator's column heading: 亩均税收（万元/亩）.
pub fn indicator_heading(lang: Lang, i: Indicator) -> String {
    let unit = indicator_unit(lang, i);
    if unit.is_empty() {
        indicator_label(lang, i)
    } else {
        trf(
            lang,
            "eval.explain.heading",
            &[("label", &indicator_label(lang, i)), ("unit", &unit)],
        )
    }
}

/// A value with its unit: `30.00 万元/亩`.
pub fn value_with_unit(lang: Lang, i: Indicator, v: f64) -> String {
    let unit = indicator_unit(lang, i);
    if unit.is_empty() {
        display_value(v)
    } else {
        format!("{} {unit}", display_value(v))
    }
}

/// A number as the scheme states it (`24.097`, `30`).
fn plain(v: f64) -> String {
    format!("{v}")
}

/// One item as arithmetic: `亩均税收 30.00 万元/亩 ÷ 基准 24.097 × 30 = 37.35` (the Chinese
/// reading is the domain's own, word for word).
pub fn item_line(lang: Lang, it: &ItemExplained) -> String {
    let label = indicator_label(lang, it.indicator);
    match (it.value, it.points) {
        (Some(v), Some(p)) => {
            let unit = indicator_unit(lang, it.indicator);
            let unit = if unit.is_empty() {
                unit
            } else {
                format!(" {unit}")
            };
            let capped = if it.capped {
                tr(lang, "eval.explain.capped_mark")
            } else {
                String::new()
            };
            trf(
                lang,
                "eval.explain.line",
                &[
                    ("label", &label),
                    ("value", &display_value(v)),
                    ("unit", &unit),
                    ("benchmark", &plain(it.benchmark)),
                    ("weight", &plain(it.weight)),
                    ("points", &display_points(p)),
                    ("capped", &capped),
                ],
            )
        }
        (None, Some(p)) => trf(
            lang,
            "eval.explain.line_filled",
            &[("label", &label), ("points", &display_points(p))],
        ),
        (_, None) => trf(lang, "eval.explain.line_missing", &[("label", &label)]),
    }
}

/// A class as a word: A类 / Class A.
pub fn grade_label(lang: Lang, g: Grade) -> String {
    trf(lang, "eval.results.grade_word", &[("grade", g.as_str())])
}

fn veto_label(lang: Lang, v: Veto) -> String {
    let key = match v {
        Veto::AtBestC => "eval.explain.veto.at_best_c",
        Veto::ForceD => "eval.explain.veto.force_d",
    };
    tr(lang, key)
}

/// A field of a reason as a reader sees it: flags, vetoes, indicators and classes named,
/// points signed with two decimals.
fn reason_field(lang: Lang, name: &str, v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => tr(lang, if *b { "action.yes" } else { "action.no" }),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    match name {
        "flag" => {
            let key = format!("eval.explain.flag.{text}");
            if has(lang, &key) {
                tr(lang, &key)
            } else {
                text
            }
        }
        "veto" => match serde_json::from_value::<Veto>(v.clone()) {
            Ok(veto) => veto_label(lang, veto),
            Err(_) => text,
        },
        "indicator" => Indicator::parse(&text).map_or(text, |i| indicator_label(lang, i)),
        "managed_as" => Grade::parse(&text).map_or(text, |g| grade_label(lang, g)),
        "points" => v.as_f64().map_or(text, |p| {
            format!("{}{}", if p >= 0.0 { "+" } else { "" }, display_points(p))
        }),
        _ => text,
    }
}

/// One recorded reason in words. Every kind the run writes has its sentence; a kind this
/// version does not know is still shown, with its fields.
pub fn reason_text(lang: Lang, reason: &Value) -> String {
    let kind = reason["kind"].as_str().unwrap_or("");
    let fields: Vec<(String, String)> = reason
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| k.as_str() != "kind")
                .map(|(k, v)| (k.clone(), reason_field(lang, k, v)))
                .collect()
        })
        .unwrap_or_default();
    let key = format!("eval.explain.reason.{kind}");
    if !kind.is_empty() && has(lang, &key) {
        let args: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        trf(lang, &key, &args)
    } else {
        let detail = fields
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(lang_sep(lang));
        trf(
            lang,
            "eval.explain.reason.other",
            &[("kind", kind), ("detail", &detail)],
        )
    }
}

fn lang_sep(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "；",
        Lang::En => "; ",
    }
}

/// A share as a percentage with one decimal: 0.1818 → `18.2`.
pub fn percent1(share: f64) -> String {
    format!("{:.1}", share * 100.0)
}

/// Why the firm is in its class by rank: "组内排名前 18.2%，A 类线为前 20%".
pub fn why_class(lang: Lang, s: &Standing) -> String {
    let share = percent1(s.share);
    let grade = s.grade.as_str();
    let rank = s.rank.to_string();
    let n = s.group_size.to_string();
    let cut = s.cut.map(cut_percent).unwrap_or_default();
    let cut_above = s.cut_above.map(cut_percent).unwrap_or_default();
    let above = s.grade.better().map(|g| g.as_str()).unwrap_or("");
    let key = match (s.cut_above, s.cut) {
        (None, _) => "eval.explain.why_top",
        (Some(_), Some(_)) => "eval.explain.why_middle",
        (Some(_), None) => "eval.explain.why_last",
    };
    trf(
        lang,
        key,
        &[
            ("rank", &rank),
            ("n", &n),
            ("share", &share),
            ("grade", grade),
            ("cut", &cut),
            ("above", above),
            ("cut_above", &cut_above),
        ],
    )
}

/// A gap in points, rounded up so that it is never shown as zero while it is not.
pub fn points_up(p: f64) -> String {
    format!("{:.2}", (p * 100.0).ceil() / 100.0)
}

/// What stands between the firm and the next class, in one sentence.
pub fn target_text(lang: Lang, e: &Explanation) -> String {
    match e.target {
        Target::Top => tr(lang, "eval.explain.target.top"),
        Target::NotRanked if e.listed_only => trf(
            lang,
            "eval.explain.target.listed",
            &[("land", &plain(e.below_min_land_mu))],
        ),
        Target::NotRanked => trf(
            lang,
            "eval.explain.target.unrated",
            &[(
                "grade",
                &e.grade.map(|g| grade_label(lang, g)).unwrap_or_default(),
            )],
        ),
        Target::Vetoed { veto } => trf(
            lang,
            "eval.explain.target.vetoed",
            &[("veto", &veto_label(lang, veto))],
        ),
        Target::NoneInGroup { better } => trf(
            lang,
            "eval.explain.target.none_in_group",
            &[("better", &grade_label(lang, better))],
        ),
        Target::Boundary {
            better,
            boundary,
            gap,
        } => trf(
            lang,
            "eval.explain.target.boundary",
            &[
                ("better", &grade_label(lang, better)),
                ("boundary", &display_points(boundary)),
                ("gap", &points_up(gap)),
            ],
        ),
    }
}

/// One indicator's lift in words.
pub fn lift_text(lang: Lang, it: &ItemExplained) -> Option<String> {
    let label = indicator_label(lang, it.indicator);
    Some(match it.lift? {
        Lift::Reach { from, to, .. } => {
            let pct = if from > 0.0 {
                trf(
                    lang,
                    "eval.explain.lift.percent",
                    &[("pct", &format!("{:.1}", (to - from) / from * 100.0))],
                )
            } else {
                String::new()
            };
            trf(
                lang,
                "eval.explain.lift.reach",
                &[
                    ("label", &label),
                    ("from", &value_with_unit(lang, it.indicator, from)),
                    ("to", &value_with_unit(lang, it.indicator, to)),
                    ("percent", &pct),
                ],
            )
        }
        Lift::Capped { max_points } => trf(
            lang,
            "eval.explain.lift.capped",
            &[("label", &label), ("max", &display_points(max_points))],
        ),
        Lift::Missing => trf(lang, "eval.explain.lift.missing", &[("label", &label)]),
    })
}

/// The colours of the classes in charts (the badges' colours).
pub const GRADE_COLOURS: [&str; 4] = ["#1e7b45", "#1d4f91", "#d49a1a", "#b42318"];

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A stacked bar chart (inline SVG, no script): one bar per row, its A/B/C/D shares of the
/// graded firms side by side, each part titled with its count and share.
pub fn stacked_bars(lang: Lang, title: &str, rows: &[(String, [u64; 4])]) -> String {
    const LABEL_W: f64 = 150.0;
    const BAR_W: f64 = 520.0;
    const ROW_H: f64 = 24.0;
    const TOP: f64 = 28.0;
    let width = LABEL_W + BAR_W + 60.0;
    let height = TOP + ROW_H * rows.len() as f64 + 8.0;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dist-chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" font-size=\"12\" font-family=\"sans-serif\"><title>{}</title>",
        xml_escape(title)
    );
    // Legend.
    for (i, g) in Grade::ALL.iter().enumerate() {
        let x = LABEL_W + i as f64 * 90.0;
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"16\" fill=\"#333\">{}</text>",
            GRADE_COLOURS[i],
            x + 16.0,
            xml_escape(&grade_label(lang, *g))
        ));
    }
    for (r, (name, counts)) in rows.iter().enumerate() {
        let y = TOP + r as f64 * ROW_H;
        let total: u64 = counts.iter().sum();
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">{}</text>",
            LABEL_W - 8.0,
            y + 15.0,
            xml_escape(name)
        ));
        let mut x = LABEL_W;
        for (i, n) in counts.iter().enumerate() {
            if *n == 0 || total == 0 {
                continue;
            }
            let share = *n as f64 / total as f64;
            let w = share * BAR_W;
            let tip = trf(
                lang,
                "eval.dist.bar_title",
                &[
                    ("name", name),
                    ("grade", Grade::ALL[i].as_str()),
                    ("n", &n.to_string()),
                    ("share", &percent1(share)),
                ],
            );
            out.push_str(&format!(
                "<rect x=\"{x:.2}\" y=\"{}\" width=\"{w:.2}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
                y + 3.0,
                ROW_H - 6.0,
                GRADE_COLOURS[i],
                xml_escape(&tip)
            ));
            x += w;
        }
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" fill=\"#555\">{total}</text>",
            LABEL_W + BAR_W + 6.0,
            y + 15.0
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wujin_domain::evaluation::{ClassCuts, FirmFigures, ScoringRules, score_firm, standing};

    fn explained(item: &wujin_domain::evaluation::ItemScore) -> ItemExplained {
        ItemExplained {
            indicator: item.rule.indicator,
            value: item.value,
            benchmark: item.rule.benchmark,
            weight: item.rule.weight,
            points: item.points,
            capped: item.capped,
            filled: item.filled_from_group_average,
            line: item.explain(),
            lift: None,
        }
    }

    /// The Chinese lines are the domain's, word for word; the English ones say the same.
    #[test]
    fn item_lines_match_the_domain_in_chinese_and_read_in_english() {
        let f = FirmFigures {
            main_revenue_yuan: Some(200_000_000),
            value_added_yuan: Some(45_000_000),
            evaluation_tax_yuan: Some(9_000_000),
            rnd_expense_yuan: Some(7_000_000),
            energy_tce: Some(1_500.0),
            power_kwh: None,
            emissions_t: None,
            avg_staff: Some(250),
            land_mu: Some(30.0),
        };
        let mut s = score_firm(&ScoringRules::huangyan_2022_above(Some(1.0)), &f);
        s.items[3].points = Some(7.5);
        s.items[3].filled_from_group_average = true;
        for item in &s.items {
            assert_eq!(item_line(Lang::ZhCn, &explained(item)), item.explain());
        }
        let mut missing = s.items[3].clone();
        missing.points = None;
        assert_eq!(
            item_line(Lang::ZhCn, &explained(&missing)),
            missing.explain()
        );
        assert_eq!(
            item_line(Lang::ZhCn, &explained(&s.items[0])),
            "亩均税收 30.00 万元/亩 ÷ 基准 24.097 × 30 = 30.00（封顶）"
        );
        assert_eq!(
            item_line(Lang::En, &explained(&s.items[0])),
            "Tax per mu 30.00 10k yuan/mu ÷ benchmark 24.097 × 30 = 30.00 (capped)"
        );
        assert_eq!(
            item_line(Lang::En, &explained(&s.items[3])),
            "Value added per tonne of emissions: no data, the group's average points 7.50"
        );
    }

    #[test]
    fn reasons_read_in_both_languages_and_unknown_kinds_still_show() {
        let veto =
            serde_json::json!({"kind": "veto", "flag": "safety_accident", "veto": "at_best_c"});
        assert_eq!(
            reason_text(Lang::ZhCn, &veto),
            "一票否决：安全生产事故，最高为 C 类"
        );
        assert!(reason_text(Lang::En, &veto).contains("safety accident"));
        let bonus =
            serde_json::json!({"kind": "adjustment", "label": "省级绿色工厂", "points": 3.0});
        assert_eq!(
            reason_text(Lang::ZhCn, &bonus),
            "加减分：省级绿色工厂 +3.00 分"
        );
        let new = serde_json::json!({"kind": "something_new", "note": "x"});
        let text = reason_text(Lang::ZhCn, &new);
        assert!(
            text.contains("something_new") && text.contains("note: x"),
            "{text}"
        );
        for lang in Lang::ALL {
            for kind in [
                "veto",
                "filled_from_group_average",
                "unrated",
                "below_land_threshold",
                "adjustment",
            ] {
                assert!(has(lang, &format!("eval.explain.reason.{kind}")), "{kind}");
            }
            for i in Indicator::ALL {
                assert!(has(lang, &format!("eval.explain.indicator.{}", i.as_str())));
            }
        }
    }

    #[test]
    fn why_a_class_names_the_cuts() {
        let cuts = ClassCuts::default();
        // Rank 2 of 11: the top 18.2 %.
        assert_eq!(
            why_class(Lang::ZhCn, &standing(&cuts, 2, 11)),
            "组内排名第 2/11，即前 18.2%，A 类线为前 20%"
        );
        assert_eq!(
            why_class(Lang::ZhCn, &standing(&cuts, 5, 10)),
            "组内排名第 5/10，即前 50.0%，A 类线为前 20%，B 类线为前 70%"
        );
        assert_eq!(
            why_class(Lang::ZhCn, &standing(&cuts, 10, 10)),
            "组内排名第 10/10，即前 100.0%，C 类线为前 95%，其后为 D 类"
        );
        assert!(why_class(Lang::En, &standing(&cuts, 2, 11)).contains("top 18.2%"));
        assert_eq!(points_up(0.001), "0.01");
    }

    #[test]
    fn the_chart_is_inline_svg_with_escaped_names() {
        let svg = stacked_bars(
            Lang::ZhCn,
            "分布",
            &[
                ("A&B镇".to_string(), [1, 2, 1, 0]),
                ("空".to_string(), [0; 4]),
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("A&amp;B镇") && !svg.contains("A&B镇"));
        // Three parts for the first bar (no D), none for the empty one; plus the legend.
        assert_eq!(svg.matches("<rect").count(), 4 + 3);
        assert!(svg.contains("50.0%"));
        assert!(!svg.contains("style="));
    }
}
