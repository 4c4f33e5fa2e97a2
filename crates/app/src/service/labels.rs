//! The Chinese words the spreadsheets print for stored values (the pages translate through
//! the catalogue instead; the xlsx files follow the format circulated in Chinese).

use wujin_domain::service::case::CaseState;
use wujin_domain::service::problem::{
    CaseLevel, CloseOutcome, Complexity, ProblemCategory, ProblemSource, Satisfaction, Urgency,
    VisitForm,
};

pub fn category(s: &str) -> &'static str {
    match ProblemCategory::parse(s) {
        Some(ProblemCategory::Land) => "用地",
        Some(ProblemCategory::Labour) => "用工",
        Some(ProblemCategory::Financing) => "融资",
        Some(ProblemCategory::Approval) => "审批",
        Some(ProblemCategory::PolicyPayout) => "政策兑现",
        Some(ProblemCategory::Infrastructure) => "基础设施",
        Some(ProblemCategory::Utilities) => "用电用水",
        Some(ProblemCategory::Logistics) => "物流",
        Some(ProblemCategory::Market) => "市场/订单",
        Some(ProblemCategory::Technology) => "技术/人才",
        Some(ProblemCategory::Other) | None => "其他",
    }
}

pub fn source(s: &str) -> &'static str {
    match ProblemSource::parse(s) {
        Some(ProblemSource::Visit) => "走访",
        Some(ProblemSource::Enterprise) => "企业自主上报",
        Some(ProblemSource::Hotline) => "12345热线",
        Some(ProblemSource::Town) => "镇街上报",
        None => "",
    }
}

pub fn state(s: &str) -> &'static str {
    match CaseState::parse(s) {
        Some(CaseState::Received) => "已受理",
        Some(CaseState::Assigned) => "已交办",
        Some(CaseState::Handling) => "处置中",
        Some(CaseState::WaitingFirm) => "待企业补充",
        Some(CaseState::Answered) => "已反馈",
        Some(CaseState::Closed) => "已办结",
        Some(CaseState::Rated) => "已评价",
        Some(CaseState::Returned) => "已退回",
        Some(CaseState::Reopened) => "重新办理",
        None => "",
    }
}

pub fn level(s: &str) -> &'static str {
    match CaseLevel::parse(s) {
        Some(CaseLevel::Town) => "镇街级",
        Some(CaseLevel::City) => "市级",
        Some(CaseLevel::Leader) => "领导督办",
        None => "",
    }
}

pub fn urgency(s: &str) -> &'static str {
    match Urgency::parse(s) {
        Some(Urgency::Urgent) => "紧急",
        _ => "一般",
    }
}

pub fn complexity(s: &str) -> &'static str {
    match Complexity::parse(s) {
        Some(Complexity::Complex) => "复杂",
        _ => "一般",
    }
}

pub fn satisfaction(s: &str) -> &'static str {
    match Satisfaction::parse(s) {
        Some(Satisfaction::Satisfied) => "满意",
        Some(Satisfaction::BasicallySatisfied) => "基本满意",
        Some(Satisfaction::Dissatisfied) => "不满意",
        None => "",
    }
}

pub fn outcome(s: &str) -> &'static str {
    match CloseOutcome::parse(s) {
        Some(CloseOutcome::Resolved) => "已解决",
        Some(CloseOutcome::Deferred) => "暂缓",
        Some(CloseOutcome::NotPermitted) => "政策不允许",
        None => "",
    }
}

pub fn visit_form(s: &str) -> &'static str {
    match VisitForm::parse(s) {
        Some(VisitForm::OnSite) => "走访",
        Some(VisitForm::Meeting) => "座谈",
        Some(VisitForm::Survey) => "调研",
        Some(VisitForm::Phone) => "电话",
        None => "",
    }
}

/// 已超期 / 正常 / (blank when closed) for the current deadline.
pub fn due(kind: Option<&str>) -> &'static str {
    match kind {
        Some("assign") => "交办",
        Some("reply") => "首次答复",
        Some("close") => "办结",
        _ => "",
    }
}
