//! 量化指标: a task's quantitative target as written (`规上工业增加值增长8%`), read into
//! what is measured, the target value and its unit.

use serde::{Deserialize, Serialize};

use super::text::{half_width, is_space};

/// A quantitative target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantTarget {
    /// What is measured: the text before the value, or the whole text when no value is read.
    pub metric: String,
    pub target: Option<f64>,
    /// The unit after the value (`%`, `亿元`, `家`), if any.
    pub unit: Option<String>,
}

/// Units longer than this are prose, not a unit: the number was inside a sentence.
const MAX_UNIT_CHARS: usize = 6;

/// Words after a unit that do not belong to it.
const TRAILING: [&str; 6] = ["以上", "左右", "以内", "以下", "及以上", "目标"];

/// Reads the last number of `text` as the target: `规上工业增加值增长8%` → (`规上工业增加值增长`,
/// 8, `%`); `新增规上企业100家以上` → (`新增规上企业`, 100, `家`). A text without a number, or
/// whose last number is followed by more than a short unit, is all metric. `None` for blank
/// text.
pub fn parse_target(text: &str) -> Option<QuantTarget> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let is_num = |c: char| half_width(c).is_ascii_digit() || half_width(c) == '.';
    let whole = || QuantTarget {
        metric: text.to_string(),
        target: None,
        unit: None,
    };
    let Some(last) = chars
        .iter()
        .rposition(|(_, c)| half_width(*c).is_ascii_digit())
    else {
        return Some(whole());
    };
    let first = chars[..=last]
        .iter()
        .rposition(|(_, c)| !is_num(*c))
        .map_or(0, |i| i + 1);
    let number: String = chars[first..=last]
        .iter()
        .map(|(_, c)| half_width(*c))
        .collect();
    let Ok(value) = number.trim_start_matches('.').parse::<f64>() else {
        return Some(whole());
    };
    let at = |i: usize| chars.get(i).map_or(text.len(), |(b, _)| *b);
    let mut unit: String = text[at(last + 1)..]
        .chars()
        .map(half_width)
        .filter(|c| !is_space(*c) && !matches!(c, '。' | '，' | ',' | ';' | '；'))
        .collect();
    while let Some(rest) = TRAILING.iter().find_map(|t| unit.strip_suffix(t)) {
        unit = rest.to_string();
    }
    if unit.chars().count() > MAX_UNIT_CHARS {
        return Some(whole());
    }
    let metric = text[..at(first)]
        .trim()
        .trim_end_matches([':', '：'])
        .trim()
        .to_string();
    Some(QuantTarget {
        metric: if metric.is_empty() {
            text.to_string()
        } else {
            metric
        },
        target: Some(value),
        unit: (!unit.is_empty()).then_some(unit),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> (String, Option<f64>, Option<String>) {
        let q = parse_target(text).unwrap();
        (q.metric, q.target, q.unit)
    }

    #[test]
    fn targets_are_read_from_the_last_number() {
        let some =
            |m: &str, v: f64, u: Option<&str>| (m.to_string(), Some(v), u.map(str::to_string));
        assert_eq!(
            t("规上工业增加值增长8%"),
            some("规上工业增加值增长", 8.0, Some("%"))
        );
        assert_eq!(
            t("新增规上企业100家以上"),
            some("新增规上企业", 100.0, Some("家"))
        );
        assert_eq!(
            t("完成投资１２.５亿元"),
            some("完成投资", 12.5, Some("亿元"))
        );
        assert_eq!(
            t("到2025年底完成投资50亿元"),
            some("到2025年底完成投资", 50.0, Some("亿元"))
        );
        assert_eq!(t("研发投入占比：3.2"), some("研发投入占比", 3.2, None));
        // The number inside a sentence is no target.
        assert_eq!(
            t("2022年底前完成全部改造任务"),
            ("2022年底前完成全部改造任务".to_string(), None, None)
        );
        assert_eq!(t("争创省级示范"), ("争创省级示范".to_string(), None, None));
        // A bare value measures the whole text.
        assert_eq!(t("8%"), some("8%", 8.0, Some("%")));
        assert_eq!(parse_target("  "), None);
    }
}
