use chrono::NaiveDate;

use super::problem::{Complexity, ProblemCategory, Satisfaction};
use super::sla::*;
use crate::calendar::WorkingCalendar;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn cal() -> WorkingCalendar {
    WorkingCalendar::shipped()
}

fn run(events: &[(&str, ClockEvent)], complexity: Complexity) -> CaseClock {
    let ev: Vec<(NaiveDate, ClockEvent)> = events.iter().map(|(s, e)| (d(s), *e)).collect();
    clocks(
        &ev,
        ProblemCategory::Land,
        complexity,
        &SlaRules::default(),
        &cal(),
    )
}

use ClockEvent::*;

#[test]
fn weekends_push_every_deadline() {
    // Received on Friday 8 November 2024: assign by Monday.
    let c = run(&[("2024-11-08", Received)], Complexity::General);
    assert_eq!(c.pending_assign, Some((d("2024-11-08"), d("2024-11-11"))));
    assert_eq!(
        c.next_deadline(),
        Some(Deadline {
            kind: DeadlineKind::Assign,
            due: d("2024-11-11")
        })
    );
    let c = run(
        &[("2024-11-08", Received), ("2024-11-11", Assigned)],
        Complexity::General,
    );
    let a = &c.assignments[0];
    assert!(a.assigned_on_time());
    assert_eq!(a.reply_due, d("2024-11-14"));
    assert_eq!(a.close_due, Some(d("2024-11-25")));
    assert!(!c.provisional);
}

#[test]
fn national_day_and_its_makeup_working_days() {
    // Friday 27 September 2024: the next working day is Sunday 29 September (调休).
    let c = run(
        &[
            ("2024-09-27", Received),
            ("2024-09-30", Assigned),
            ("2024-10-10", Replied),
        ],
        Complexity::General,
    );
    let a = &c.assignments[0];
    assert_eq!(a.assign_due, d("2024-09-29"));
    assert!(!a.assigned_on_time(), "assigned on the Monday, a day late");
    // 1–7 October are off: the third working day after 30 September is 10 October.
    assert_eq!(a.reply_due, d("2024-10-10"));
    assert_eq!(a.replied_on_time(), Some(true));
    // Ten working days, counting Saturday 12 October (调休): 18 October.
    assert_eq!(a.close_due, Some(d("2024-10-18")));
    assert_eq!(c.next_deadline().unwrap().due, d("2024-10-18"));
}

#[test]
fn complex_problems_get_twenty_five_days() {
    let c = run(
        &[("2024-11-08", Received), ("2024-11-11", Assigned)],
        Complexity::Complex,
    );
    // 25 working days after Monday 11 November 2024: Monday 16 December.
    assert_eq!(c.assignments[0].close_due, Some(d("2024-12-16")));
}

#[test]
fn waiting_for_the_firm_stops_the_close_clock() {
    let c = run(
        &[
            ("2024-09-27", Received),
            ("2024-09-30", Assigned),
            ("2024-10-09", Replied),
            ("2024-10-09", Paused),
        ],
        Complexity::General,
    );
    assert_eq!(c.paused_since, Some(d("2024-10-09")));
    assert_eq!(c.assignments[0].close_due, None, "no deadline while paused");
    assert_eq!(c.next_deadline(), None);
    // Resumed on Friday 11 October: 10 and 11 October do not count; two more working days.
    let c = run(
        &[
            ("2024-09-27", Received),
            ("2024-09-30", Assigned),
            ("2024-10-09", Replied),
            ("2024-10-09", Paused),
            ("2024-10-11", Resumed),
            ("2024-10-22", Closed),
        ],
        Complexity::General,
    );
    let a = &c.assignments[0];
    assert_eq!(a.close_due, Some(d("2024-10-22")));
    assert_eq!(a.paused_wd, 2);
    assert_eq!(a.closed_on_time(), Some(true));
    // 8, 9 | 12, 14, 15, 16, 17, 18, 21, 22 October: ten working days of work.
    assert_eq!(a.worked_wd, Some(10));
    assert_eq!(c.paused_since, None);
    assert_eq!(c.next_deadline(), None);
}

#[test]
fn a_pause_over_a_weekend_costs_nothing() {
    let c = run(
        &[
            ("2024-11-08", Received),
            ("2024-11-11", Assigned),
            ("2024-11-15", Paused),
            ("2024-11-17", Resumed),
        ],
        Complexity::General,
    );
    assert_eq!(c.assignments[0].close_due, Some(d("2024-11-25")));
    assert_eq!(c.assignments[0].paused_wd, 0);
}

#[test]
fn a_return_restarts_the_assignment_clock() {
    let c = run(
        &[
            ("2024-11-08", Received),
            ("2024-11-11", Assigned),
            ("2024-11-12", Returned),
        ],
        Complexity::General,
    );
    assert_eq!(c.assignments[0].end, Some(AssignmentEnd::Returned));
    assert_eq!(c.pending_assign, Some((d("2024-11-12"), d("2024-11-13"))));
    let c = run(
        &[
            ("2024-11-08", Received),
            ("2024-11-11", Assigned),
            ("2024-11-12", Returned),
            ("2024-11-13", Assigned),
        ],
        Complexity::General,
    );
    assert_eq!(c.assignments.len(), 2);
    assert_eq!(c.assignments[1].waiting_since, d("2024-11-12"));
    assert!(c.assignments[1].assigned_on_time());
    assert_eq!(c.assignments[1].close_due, Some(d("2024-11-27")));
    assert_eq!(c.pending_assign, None);
}

#[test]
fn reassignment_ends_the_previous_assignment() {
    let c = run(
        &[
            ("2024-11-08", Received),
            ("2024-11-11", Assigned),
            ("2024-11-12", Assigned),
        ],
        Complexity::General,
    );
    assert_eq!(c.assignments[0].end, Some(AssignmentEnd::Reassigned));
    assert_eq!(c.assignments[1].assigned_on, d("2024-11-12"));
    assert_eq!(c.assignments[1].waiting_since, d("2024-11-08"));
}

#[test]
fn reopening_starts_a_second_round() {
    let c = run(
        &[
            ("2024-11-08", Received),
            ("2024-11-11", Assigned),
            ("2024-11-12", Replied),
            ("2024-11-20", Closed),
            ("2024-11-22", Rated(Satisfaction::Dissatisfied)),
            ("2024-11-22", Reopened),
            ("2024-11-25", Assigned),
            ("2024-12-02", Closed),
            ("2024-12-03", Rated(Satisfaction::Satisfied)),
            ("2024-12-04", Rated(Satisfaction::Dissatisfied)),
        ],
        Complexity::General,
    );
    assert_eq!(c.assignments.len(), 2);
    assert_eq!(
        c.assignments[0].satisfaction,
        Some(Satisfaction::Dissatisfied)
    );
    assert!(c.assignments[0].reopened);
    // The last rating of a closure counts; no reopening followed this one.
    assert_eq!(
        c.assignments[1].satisfaction,
        Some(Satisfaction::Dissatisfied)
    );
    assert!(!c.assignments[1].reopened);
    assert_eq!(c.assignments[0].round, 1);
    assert_eq!(c.assignments[0].worked_wd, Some(7));
    let b = &c.assignments[1];
    assert_eq!((b.round, b.waiting_since), (2, d("2024-11-22")));
    assert!(b.assigned_on_time());
    assert_eq!(b.replied_on, None);
    assert_eq!(b.replied_on_time(), None);
    assert_eq!(b.closed_on_time(), Some(true));
}

#[test]
fn nonsense_events_are_ignored() {
    let c = run(
        &[
            ("2024-11-08", Replied),
            ("2024-11-08", Closed),
            ("2024-11-08", Resumed),
            ("2024-11-08", Received),
            ("2024-11-09", Reopened),
        ],
        Complexity::General,
    );
    assert!(c.assignments.is_empty());
    assert_eq!(c.pending_assign, Some((d("2024-11-08"), d("2024-11-11"))));
}

#[test]
fn next_year_without_a_table_is_counted_monday_to_friday_and_marked() {
    let c = run(
        &[("2026-12-14", Received), ("2026-12-15", Assigned)],
        Complexity::Complex,
    );
    assert!(c.provisional);
    // 13 working days left in December 2026, then 1 January 2027 is counted as a Friday.
    assert_eq!(c.assignments[0].close_due, Some(d("2027-01-19")));
    // Once the 2027 notice is in (1 January off), the same log moves the deadline.
    let with_2027 = WorkingCalendar::from_toml(&format!(
        "{}\n[2027]\nsource = \"test\"\noff = [\"2027-01-01\"]\nwork = []\n",
        crate::calendar::SHIPPED_TOML
    ))
    .unwrap();
    let ev = [(d("2026-12-14"), Received), (d("2026-12-15"), Assigned)];
    let c = clocks(
        &ev,
        ProblemCategory::Land,
        Complexity::Complex,
        &SlaRules::default(),
        &with_2027,
    );
    assert!(!c.provisional);
    assert_eq!(c.assignments[0].close_due, Some(d("2027-01-20")));
}

#[test]
fn a_category_may_set_its_own_limits() {
    let mut rules = SlaRules::default();
    rules.categories.insert(
        ProblemCategory::Approval,
        CategoryLimits {
            reply_within_wd: Some(1),
            close_general_wd: Some(5),
            close_complex_wd: None,
        },
    );
    assert!(rules.validate().is_ok());
    assert_eq!(rules.reply_within(ProblemCategory::Approval), 1);
    assert_eq!(
        rules.close_within(ProblemCategory::Approval, Complexity::General),
        5
    );
    assert_eq!(
        rules.close_within(ProblemCategory::Approval, Complexity::Complex),
        25
    );
    assert_eq!(
        rules.close_within(ProblemCategory::Land, Complexity::General),
        10
    );
    let ev = [(d("2024-11-08"), Received), (d("2024-11-11"), Assigned)];
    let c = clocks(
        &ev,
        ProblemCategory::Approval,
        Complexity::General,
        &rules,
        &cal(),
    );
    assert_eq!(c.assignments[0].reply_due, d("2024-11-12"));
    assert_eq!(c.assignments[0].close_due, Some(d("2024-11-18")));
    rules.escalate_leader_after_wd = 1;
    assert!(
        rules
            .validate()
            .unwrap_err()
            .contains("escalate_leader_after_wd")
    );
}

#[test]
fn due_status_reminds_then_escalates() {
    let r = SlaRules::default();
    let due = d("2024-10-10");
    assert_eq!(
        due_status(due, d("2024-09-30"), &r, &cal()),
        DueStatus::OnTime
    );
    // 1–7 October are off: on 8 October two working days are left.
    assert_eq!(
        due_status(due, d("2024-10-08"), &r, &cal()),
        DueStatus::OnTime
    );
    assert_eq!(
        due_status(due, d("2024-10-09"), &r, &cal()),
        DueStatus::DueSoon
    );
    assert_eq!(due_status(due, due, &r, &cal()), DueStatus::DueSoon);
    assert_eq!(
        due_status(due, d("2024-10-11"), &r, &cal()),
        DueStatus::Overdue
    );
    // 11, 12 (调休 Saturday), 14 October: three working days late.
    assert_eq!(
        due_status(due, d("2024-10-14"), &r, &cal()),
        DueStatus::EscalatedToHead
    );
    assert_eq!(
        due_status(due, d("2024-10-16"), &r, &cal()),
        DueStatus::EscalatedToLeader
    );
}
