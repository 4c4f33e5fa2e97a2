//! Enterprises (企业) of the campaign: scale, status, industry groups, tags, land tenure and the
//! source of a reported figure.

use serde::{Deserialize, Serialize};

/// 规上 / 规下: whether a firm is a 规模以上工业企业.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 规上: main-business revenue of at least [`ABOVE_SCALE_MAIN_REVENUE_YUAN`].
    Above,
    /// 规下.
    Below,
}

/// The statistics threshold of a 规上 industrial firm: 主营业务收入 2000 万元 a year.
pub const ABOVE_SCALE_MAIN_REVENUE_YUAN: i64 = 20_000_000;

impl Scale {
    pub const ALL: [Scale; 2] = [Scale::Above, Scale::Below];

    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Above => "above",
            Scale::Below => "below",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The Chinese label: 规上 / 规下.
    pub fn label(self) -> &'static str {
        match self {
            Scale::Above => "规上",
            Scale::Below => "规下",
        }
    }

    /// Reads 规上 / 规下 (also the long forms 规模以上 / 规模以下), surrounding whitespace ignored.
    pub fn parse_label(s: &str) -> Option<Self> {
        match s.trim() {
            "规上" | "规模以上" => Some(Scale::Above),
            "规下" | "规模以下" => Some(Scale::Below),
            _ => None,
        }
    }
}

/// The scale implied by the latest annual main-business revenue in yuan: [`Scale::Above`] from
/// [`ABOVE_SCALE_MAIN_REVENUE_YUAN`] up, [`Scale::Below`] under it, `None` when unknown.
pub fn derive_scale(latest_main_revenue_yuan: Option<i64>) -> Option<Scale> {
    latest_main_revenue_yuan.map(|r| {
        if r >= ABOVE_SCALE_MAIN_REVENUE_YUAN {
            Scale::Above
        } else {
            Scale::Below
        }
    })
}

/// Operating status of an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnterpriseStatus {
    /// 在营.
    Operating,
    /// 停产.
    Suspended,
    /// 关停.
    Closed,
    /// 迁出 (moved out of the city).
    MovedOut,
    /// 注销.
    Deregistered,
}

impl EnterpriseStatus {
    pub const ALL: [EnterpriseStatus; 5] = [
        EnterpriseStatus::Operating,
        EnterpriseStatus::Suspended,
        EnterpriseStatus::Closed,
        EnterpriseStatus::MovedOut,
        EnterpriseStatus::Deregistered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EnterpriseStatus::Operating => "operating",
            EnterpriseStatus::Suspended => "suspended",
            EnterpriseStatus::Closed => "closed",
            EnterpriseStatus::MovedOut => "moved_out",
            EnterpriseStatus::Deregistered => "deregistered",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The Chinese label: 在营 / 停产 / 关停 / 迁出 / 注销.
    pub fn label(self) -> &'static str {
        match self {
            EnterpriseStatus::Operating => "在营",
            EnterpriseStatus::Suspended => "停产",
            EnterpriseStatus::Closed => "关停",
            EnterpriseStatus::MovedOut => "迁出",
            EnterpriseStatus::Deregistered => "注销",
        }
    }

    /// Reads a Chinese label, surrounding whitespace ignored. Besides the five labels, the
    /// registry's wording 存续 / 在业 / 开业 reads as 在营 and 停业 as 停产. 吊销 (licence
    /// revoked) is not 注销 and is not accepted.
    pub fn parse_label(s: &str) -> Option<Self> {
        match s.trim() {
            "在营" | "存续" | "在业" | "开业" => Some(EnterpriseStatus::Operating),
            "停产" | "停业" => Some(EnterpriseStatus::Suspended),
            "关停" => Some(EnterpriseStatus::Closed),
            "迁出" => Some(EnterpriseStatus::MovedOut),
            "注销" => Some(EnterpriseStatus::Deregistered),
            _ => None,
        }
    }
}

/// The industry groups (产业分组) a fresh installation starts with: (code, Chinese name).
pub const DEFAULT_INDUSTRY_GROUPS: &[(&str, &str)] = &[
    ("power_tools", "电动工具/园林工具"),
    ("doors_locks", "门业/锁具/安防"),
    ("cups_cookware", "杯壶/厨具/日用五金"),
    ("vehicles", "车业（休闲车/电动车/汽摩配）"),
    ("metals", "金属材料（冶炼/压延/铸造）"),
    ("cleaning", "家居清洁用品"),
    ("other", "其他"),
];

/// The enterprise tags (企业标签) a fresh installation starts with: (code, Chinese name).
pub const DEFAULT_TAGS: &[(&str, &str)] = &[
    ("hi_tech", "高新技术企业"),
    ("specialised", "专精特新"),
    ("listed", "上市企业"),
    ("future_factory", "未来工厂"),
    ("micro_park", "小微园入驻"),
    // Screens of the 低散乱污 ledger the registry has no field for.
    ("no_permit", "证照不全"),
    ("no_pollution_control", "无污染治理设施"),
];

/// Whether a firm owns or rents its land and buildings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LandTenure {
    /// 自有.
    Owned,
    /// 租赁.
    Leased,
}

impl LandTenure {
    pub const ALL: [LandTenure; 2] = [LandTenure::Owned, LandTenure::Leased];

    pub fn as_str(self) -> &'static str {
        match self {
            LandTenure::Owned => "owned",
            LandTenure::Leased => "leased",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The Chinese label: 自有 / 租赁.
    pub fn label(self) -> &'static str {
        match self {
            LandTenure::Owned => "自有",
            LandTenure::Leased => "租赁",
        }
    }

    /// Reads 自有 / 租赁 (also 租用), surrounding whitespace ignored.
    pub fn parse_label(s: &str) -> Option<Self> {
        match s.trim() {
            "自有" => Some(LandTenure::Owned),
            "租赁" | "租用" => Some(LandTenure::Leased),
            _ => None,
        }
    }
}

/// Where a figure (revenue, tax, output, power use…) came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureSource {
    /// 税务.
    Tax,
    /// 统计.
    Statistics,
    /// 电力.
    Power,
    /// 企业填报.
    SelfReported,
    /// 镇街.
    Town,
}

impl FigureSource {
    pub const ALL: [FigureSource; 5] = [
        FigureSource::Tax,
        FigureSource::Statistics,
        FigureSource::Power,
        FigureSource::SelfReported,
        FigureSource::Town,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FigureSource::Tax => "tax",
            FigureSource::Statistics => "statistics",
            FigureSource::Power => "power",
            FigureSource::SelfReported => "self_reported",
            FigureSource::Town => "town",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The Chinese label: 税务 / 统计 / 电力 / 企业填报 / 镇街.
    pub fn label(self) -> &'static str {
        match self {
            FigureSource::Tax => "税务",
            FigureSource::Statistics => "统计",
            FigureSource::Power => "电力",
            FigureSource::SelfReported => "企业填报",
            FigureSource::Town => "镇街",
        }
    }

    /// Reads one of the five labels, surrounding whitespace ignored.
    pub fn parse_label(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.label() == s)
    }
}

/// A phone number for display to people who may not see it in full.
///
/// Full-width digits count as digits. Spaces and hyphens are ignored to recognise an 11-digit
/// mobile number, shown as its first
/// three and last four digits around `****` (`13912345678` → `139****5678`). Anything else
/// (after trimming) has every character but the last two replaced by `*`, one `*` per character
/// (`0579-87654321` → `***********21`); a text of at most two characters is masked entirely, so
/// that nothing is shown of what cannot be a phone number.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    let digits: Vec<char> = chars
        .iter()
        .copied()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect();
    if digits.len() == 11 && digits.iter().all(|c| c.is_ascii_digit()) {
        let head: String = digits[..3].iter().collect();
        let tail: String = digits[7..].iter().collect();
        return format!("{head}****{tail}");
    }
    let n = chars.len();
    if n <= 2 {
        return "*".repeat(n);
    }
    let mut out = "*".repeat(n - 2);
    out.extend(&chars[n - 2..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn scale_round_trips() {
        for s in Scale::ALL {
            assert_eq!(Scale::parse(s.as_str()), Some(s));
            assert_eq!(Scale::parse_label(s.label()), Some(s));
        }
        assert_eq!(Scale::parse("above"), Some(Scale::Above));
        assert_eq!(Scale::parse("below"), Some(Scale::Below));
        assert_eq!(Scale::parse("Above"), None);
        assert_eq!(Scale::parse(""), None);
        assert_eq!(Scale::parse_label(" 规模以上 "), Some(Scale::Above));
        assert_eq!(Scale::parse_label("规下"), Some(Scale::Below));
        assert_eq!(Scale::parse_label("规中"), None);
        assert_eq!(serde_json::to_string(&Scale::Above).unwrap(), "\"above\"");
    }

    #[test]
    fn scale_from_revenue() {
        assert_eq!(derive_scale(None), None);
        assert_eq!(derive_scale(Some(20_000_000)), Some(Scale::Above));
        assert_eq!(derive_scale(Some(19_999_999)), Some(Scale::Below));
        assert_eq!(derive_scale(Some(i64::MAX)), Some(Scale::Above));
        assert_eq!(derive_scale(Some(0)), Some(Scale::Below));
        assert_eq!(derive_scale(Some(-5)), Some(Scale::Below));
        assert_eq!(ABOVE_SCALE_MAIN_REVENUE_YUAN, 2000 * 10_000);
    }

    #[test]
    fn status_round_trips() {
        let want = [
            (EnterpriseStatus::Operating, "operating", "在营"),
            (EnterpriseStatus::Suspended, "suspended", "停产"),
            (EnterpriseStatus::Closed, "closed", "关停"),
            (EnterpriseStatus::MovedOut, "moved_out", "迁出"),
            (EnterpriseStatus::Deregistered, "deregistered", "注销"),
        ];
        for (st, code, label) in want {
            assert_eq!(st.as_str(), code);
            assert_eq!(st.label(), label);
            assert_eq!(EnterpriseStatus::parse(code), Some(st));
            assert_eq!(EnterpriseStatus::parse_label(label), Some(st));
            assert_eq!(serde_json::to_string(&st).unwrap(), format!("\"{code}\""));
        }
        assert_eq!(
            EnterpriseStatus::parse_label(" 存续\u{3000}"),
            Some(EnterpriseStatus::Operating)
        );
        assert_eq!(
            EnterpriseStatus::parse_label("停业"),
            Some(EnterpriseStatus::Suspended)
        );
        assert_eq!(EnterpriseStatus::parse_label("吊销"), None);
        assert_eq!(EnterpriseStatus::parse_label("operating"), None);
        assert_eq!(EnterpriseStatus::parse("在营"), None);
        assert_eq!(EnterpriseStatus::parse("moved-out"), None);
    }

    #[test]
    fn default_groups_and_tags() {
        for list in [DEFAULT_INDUSTRY_GROUPS, DEFAULT_TAGS] {
            let codes: HashSet<_> = list.iter().map(|(c, _)| *c).collect();
            let names: HashSet<_> = list.iter().map(|(_, n)| *n).collect();
            assert_eq!(codes.len(), list.len());
            assert_eq!(names.len(), list.len());
            for (code, name) in list {
                assert!(
                    code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{code}"
                );
                assert!(!name.trim().is_empty());
            }
        }
        let codes: Vec<_> = DEFAULT_INDUSTRY_GROUPS.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            codes,
            [
                "power_tools",
                "doors_locks",
                "cups_cookware",
                "vehicles",
                "metals",
                "cleaning",
                "other"
            ]
        );
        assert_eq!(DEFAULT_INDUSTRY_GROUPS.last(), Some(&("other", "其他")));
        let tags: Vec<_> = DEFAULT_TAGS.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            tags,
            [
                "hi_tech",
                "specialised",
                "listed",
                "future_factory",
                "micro_park",
                "no_permit",
                "no_pollution_control"
            ]
        );
        assert!(DEFAULT_TAGS.contains(&("specialised", "专精特新")));
    }

    #[test]
    fn land_tenure_round_trips() {
        for t in LandTenure::ALL {
            assert_eq!(LandTenure::parse(t.as_str()), Some(t));
            assert_eq!(LandTenure::parse_label(t.label()), Some(t));
        }
        assert_eq!(LandTenure::Owned.as_str(), "owned");
        assert_eq!(LandTenure::Leased.as_str(), "leased");
        assert_eq!(LandTenure::parse_label("租用"), Some(LandTenure::Leased));
        assert_eq!(LandTenure::parse("rented"), None);
        assert_eq!(LandTenure::parse_label("借用"), None);
    }

    #[test]
    fn figure_source_round_trips() {
        let want = [
            (FigureSource::Tax, "tax", "税务"),
            (FigureSource::Statistics, "statistics", "统计"),
            (FigureSource::Power, "power", "电力"),
            (FigureSource::SelfReported, "self_reported", "企业填报"),
            (FigureSource::Town, "town", "镇街"),
        ];
        for (src, code, label) in want {
            assert_eq!(src.as_str(), code);
            assert_eq!(src.label(), label);
            assert_eq!(FigureSource::parse(code), Some(src));
            assert_eq!(FigureSource::parse_label(label), Some(src));
            assert_eq!(FigureSource::parse_label(&format!(" {label} ")), Some(src));
        }
        assert_eq!(FigureSource::parse("Tax"), None);
        assert_eq!(FigureSource::parse_label("企业"), None);
        assert_eq!(FigureSource::parse_label(""), None);
    }

    #[test]
    fn mask_phone_mobile() {
        assert_eq!(mask_phone("13912341234"), "139****1234");
        assert_eq!(mask_phone(" 139-1234-5678 "), "139****5678");
        assert_eq!(mask_phone("139 1234 5678"), "139****5678");
        assert_eq!(mask_phone("１３９１２３４５６７８"), "139****5678");
        assert_eq!(
            mask_phone("１３９\u{3000}１２３４\u{3000}５６７８"),
            "139****5678"
        );
    }

    #[test]
    fn mask_phone_other() {
        assert_eq!(mask_phone("0579-87654321"), "***********21");
        assert_eq!(mask_phone("87654321"), "******21");
        assert_eq!(mask_phone("123"), "*23");
        assert_eq!(mask_phone("12"), "**");
        assert_eq!(mask_phone("1"), "*");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("   "), "");
        // 12 digits is not a mobile number.
        assert_eq!(mask_phone("139123456789"), "**********89");
        // Non-ASCII never splits a character.
        assert_eq!(mask_phone("电话一三九"), "***三九");
        assert_eq!(mask_phone("１３９１２３４５６７"), "********67");
        assert_eq!(mask_phone("永"), "*");
    }
}
