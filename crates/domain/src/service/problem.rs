//! The dictionaries of the service loop. Each value is stored by its `snake_case` name and shown
//! through the catalogue key `service.<dictionary>.<name>`.

use serde::{Deserialize, Serialize};

/// Declares a dictionary enum with its stored names, in display order.
macro_rules! dictionary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Reads a stored name.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

dictionary! {
    /// Where a problem came from (问题来源).
    ProblemSource {
        /// Raised during a cadre's visit (走访).
        Visit = "visit",
        /// Reported by the firm from its own login (企业自主上报).
        Enterprise = "enterprise",
        /// The 12345 government hotline.
        Hotline = "hotline",
        /// Reported by the firm's town (镇街上报).
        Town = "town",
    }
}

dictionary! {
    /// The category of a problem (问题类别).
    ProblemCategory {
        /// 用地
        Land = "land",
        /// 用工
        Labour = "labour",
        /// 融资
        Financing = "financing",
        /// 审批
        Approval = "approval",
        /// 政策兑现
        PolicyPayout = "policy_payout",
        /// 基础设施
        Infrastructure = "infrastructure",
        /// 用电用水
        Utilities = "utilities",
        /// 物流
        Logistics = "logistics",
        /// 市场/订单
        Market = "market",
        /// 技术/人才
        Technology = "technology",
        /// 其他
        Other = "other",
    }
}

dictionary! {
    /// How urgent the firm says the problem is (紧急程度).
    Urgency {
        /// 一般
        Normal = "normal",
        /// 紧急
        Urgent = "urgent",
    }
}

dictionary! {
    /// How hard the problem is to solve (复杂程度): it sets the closing time limit.
    Complexity {
        /// 一般问题
        General = "general",
        /// 复杂问题
        Complex = "complex",
    }
}

dictionary! {
    /// At which level a case is handled (办理层级). A dissatisfied rating reopens the case one
    /// level up.
    CaseLevel {
        /// 镇街级: the firm's town dispatches and handles it.
        Town = "town",
        /// 市级: the service office dispatches it to city departments.
        City = "city",
        /// 领导督办: city level with the leader in charge of the lead department watching.
        Leader = "leader",
    }
}

impl CaseLevel {
    /// One level up; the top level stays where it is.
    pub fn up(self) -> CaseLevel {
        match self {
            CaseLevel::Town => CaseLevel::City,
            CaseLevel::City | CaseLevel::Leader => CaseLevel::Leader,
        }
    }
}

dictionary! {
    /// The firm's rating of a closed case (满意度评价).
    Satisfaction {
        /// 满意
        Satisfied = "satisfied",
        /// 基本满意
        BasicallySatisfied = "basically_satisfied",
        /// 不满意
        Dissatisfied = "dissatisfied",
    }
}

impl Satisfaction {
    /// Whether the rating counts towards the satisfaction rate (满意 and 基本满意 do).
    pub fn is_satisfied(self) -> bool {
        !matches!(self, Satisfaction::Dissatisfied)
    }
}

dictionary! {
    /// How a case was closed (办结方式).
    CloseOutcome {
        /// 已解决: solved, after an answer to the firm.
        Resolved = "resolved",
        /// 暂缓: cannot be solved now; explained to the firm.
        Deferred = "deferred",
        /// 政策不允许: the rules do not allow it; explained to the firm.
        NotPermitted = "not_permitted",
    }
}

dictionary! {
    /// The form of a visit (走访形式).
    VisitForm {
        /// 走访
        OnSite = "on_site",
        /// 座谈
        Meeting = "meeting",
        /// 调研
        Survey = "survey",
        /// 电话
        Phone = "phone",
    }
}

/// The tag that sends a problem to the industry-chain team (产业链专班).
pub const CHAIN_TAG: &str = "产业链";

/// Splits a tag field on the usual separators (、，,； space) and drops blanks and repeats,
/// keeping the first spelling and order.
pub fn split_tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in text.split(['、', '，', ',', ';', '；', ' ', '\n', '\t']) {
        let t = t.trim();
        if !t.is_empty() && !out.iter().any(|o| o == t) && t.chars().count() <= 20 {
            out.push(t.to_string());
        }
    }
    out
}

/// Whether the tags mark an industry-chain problem.
pub fn is_chain_problem(tags: &[String]) -> bool {
    tags.iter().any(|t| t == CHAIN_TAG)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionaries_round_trip_and_match_serde() {
        for c in ProblemCategory::ALL {
            assert_eq!(ProblemCategory::parse(c.as_str()), Some(*c));
            assert_eq!(serde_json::json!(c), serde_json::json!(c.as_str()));
        }
        assert_eq!(ProblemCategory::ALL.len(), 11);
        for s in Satisfaction::ALL {
            assert_eq!(Satisfaction::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::json!(s), serde_json::json!(s.as_str()));
        }
        assert_eq!(ProblemSource::parse("email"), None);
    }

    #[test]
    fn levels_go_up_and_stop_at_the_top() {
        assert_eq!(CaseLevel::Town.up(), CaseLevel::City);
        assert_eq!(CaseLevel::City.up(), CaseLevel::Leader);
        assert_eq!(CaseLevel::Leader.up(), CaseLevel::Leader);
    }

    #[test]
    fn tags_split_on_chinese_and_latin_separators() {
        assert_eq!(
            split_tags("产业链、 电动工具，产业链;出口"),
            vec!["产业链", "电动工具", "出口"]
        );
        assert!(is_chain_problem(&split_tags("出口，产业链")));
        assert!(!is_chain_problem(&split_tags("产业链条")));
        assert!(split_tags("  、 ,").is_empty());
    }
}
