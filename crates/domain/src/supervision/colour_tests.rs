use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Start 2022-01-01, deadline 2022-04-11: exactly 100 calendar days, so on day `n` the elapsed
/// progress is `n` points.
fn hundred_day_task(percent: f64) -> TaskProgress {
    TaskProgress {
        start: d(2022, 1, 1),
        deadline: Some(d(2022, 4, 11)),
        percent_complete: percent,
        done: false,
        missed_nodes: vec![],
    }
}

fn colour_of(task: &TaskProgress, today: NaiveDate) -> ColourAssessment {
    assess(
        task,
        today,
        &ColourRules::default(),
        &WorkingCalendar::shipped(),
    )
    .unwrap()
}

#[test]
fn behind_boundaries() {
    let day30 = d(2022, 1, 31);
    let day31 = d(2022, 2, 1);
    // (today, percent, expected colour, expected behind)
    let cases: &[(NaiveDate, f64, TaskColour, Option<f64>)] = &[
        (day30, 30.0, TaskColour::Green, None),
        (day30, 20.5, TaskColour::Green, None), // 9.5 behind
        (day30, 20.000001, TaskColour::Green, None), // 9.999999 behind
        (day30, 20.0, TaskColour::Yellow, Some(10.0)), // exactly 10
        (day30, 5.0, TaskColour::Yellow, Some(25.0)),
        (day30, 0.0, TaskColour::Yellow, Some(30.0)), // exactly 30
        (day31, 1.0, TaskColour::Yellow, Some(30.0)),
        (day31, 0.5, TaskColour::Red, Some(30.5)),
        (day31, 0.0, TaskColour::Red, Some(31.0)), // 31 behind
        (day30, 100.0, TaskColour::Green, None),   // ahead
        (day30, 150.0, TaskColour::Green, None),   // clamped to 100
        (day30, f64::NAN, TaskColour::Yellow, Some(30.0)), // NaN counts as 0
    ];
    for &(today, percent, colour, behind) in cases {
        let a = colour_of(&hundred_day_task(percent), today);
        assert_eq!(a.colour, colour, "{today} {percent}");
        let found = a.findings.iter().find_map(|f| match f.reason {
            ColourReason::Behind { behind, .. } => Some(behind),
            _ => None,
        });
        assert_eq!(found, behind, "{today} {percent}");
    }
}

#[test]
fn boundaries_hold_when_elapsed_progress_is_not_a_whole_number() {
    // 1 day of 3 elapsed = 33.333…; reported 23.333… is 10 behind after rounding.
    let task = TaskProgress {
        start: d(2022, 3, 1),
        deadline: Some(d(2022, 3, 4)),
        percent_complete: 100.0 / 3.0 - 10.0,
        done: false,
        missed_nodes: vec![],
    };
    let rules = ColourRules {
        blue_within_working_days: 0,
        ..ColourRules::default()
    };
    let cal = WorkingCalendar::shipped();
    let a = assess(&task, d(2022, 3, 2), &rules, &cal).unwrap();
    assert_eq!(a.colour, TaskColour::Yellow);
}

#[test]
fn elapsed_progress_uses_calendar_days() {
    let cases: &[(NaiveDate, NaiveDate, NaiveDate, f64)] = &[
        (d(2022, 1, 1), d(2022, 4, 11), d(2022, 1, 1), 0.0),
        (d(2022, 1, 1), d(2022, 4, 11), d(2021, 12, 1), 0.0), // before the start
        (d(2022, 1, 1), d(2022, 4, 11), d(2022, 1, 11), 10.0),
        (d(2022, 1, 1), d(2022, 4, 11), d(2022, 4, 11), 100.0),
        (d(2022, 1, 1), d(2022, 4, 11), d(2022, 9, 1), 100.0), // clamped
        (d(2022, 1, 1), d(2022, 1, 1), d(2022, 1, 1), 100.0),  // zero-length task
        (d(2022, 1, 1), d(2022, 1, 1), d(2021, 12, 31), 0.0),
        (d(2022, 1, 1), d(2021, 6, 1), d(2022, 1, 1), 100.0), // deadline before start
    ];
    for &(start, deadline, today, expected) in cases {
        assert_eq!(
            elapsed_progress(start, deadline, today),
            expected,
            "{start} {deadline} {today}"
        );
    }
}

fn near_deadline(deadline: NaiveDate) -> TaskProgress {
    // Far ahead on progress, so only the deadline rules can fire.
    TaskProgress {
        start: d(2024, 1, 1),
        deadline: Some(deadline),
        percent_complete: 100.0,
        done: false,
        missed_nodes: vec![],
    }
}

#[test]
fn due_within_seven_working_days_across_national_day_2024() {
    // Friday 2024-09-27. Working days after it: Sun 09-29 (调休) 1, Mon 09-30 2, 10-01..07
    // holiday, 10-08 3, 10-09 4, 10-10 5, 10-11 6, Sat 10-12 (调休) 7, Mon 10-14 8.
    let today = d(2024, 9, 27);
    let cases: &[(NaiveDate, Option<i64>)] = &[
        (d(2024, 9, 27), Some(0)), // due today: blue, not red
        (d(2024, 9, 28), Some(0)), // a Saturday off
        (d(2024, 9, 29), Some(1)),
        (d(2024, 10, 1), Some(2)),
        (d(2024, 10, 7), Some(2)),
        (d(2024, 10, 11), Some(6)),
        (d(2024, 10, 12), Some(7)), // the 7th working day
        (d(2024, 10, 13), Some(7)), // Sunday after it: still 7 working days
        (d(2024, 10, 14), None),    // the 8th working day
        (d(2024, 12, 31), None),
    ];
    for &(deadline, left) in cases {
        let a = colour_of(&near_deadline(deadline), today);
        match left {
            Some(left) => {
                assert_eq!(a.colour, TaskColour::Blue, "{deadline}");
                assert_eq!(
                    a.findings[0].reason,
                    ColourReason::DueSoon {
                        deadline,
                        working_days_left: left
                    },
                    "{deadline}"
                );
            }
            None => assert_eq!(a.colour, TaskColour::Green, "{deadline}"),
        }
    }
}

#[test]
fn overdue_is_red_whatever_the_percent_and_due_today_is_not() {
    let deadline = d(2024, 6, 28);
    let due_today = colour_of(&near_deadline(deadline), deadline);
    assert_eq!(due_today.colour, TaskColour::Blue);
    let next_day = d(2024, 6, 29);
    let overdue = colour_of(&near_deadline(deadline), next_day);
    assert_eq!(overdue.colour, TaskColour::Red);
    assert_eq!(
        overdue.findings,
        vec![ColourFinding {
            colour: TaskColour::Red,
            reason: ColourReason::Overdue {
                deadline,
                days_overdue: 1
            },
        }]
    );
}

#[test]
fn done_is_grey_even_when_overdue_or_behind() {
    let mut task = hundred_day_task(0.0);
    task.done = true;
    task.missed_nodes = vec![NodeKind::Quarterly];
    for today in [d(2022, 2, 1), d(2022, 4, 11), d(2022, 12, 1)] {
        let a = colour_of(&task, today);
        assert_eq!(a.colour, TaskColour::Grey);
        assert_eq!(a.reasons(), vec![&ColourReason::Done]);
    }
}

#[test]
fn missed_nodes_and_precedence() {
    let on_track = d(2022, 1, 11); // 10 elapsed
    let cases: &[(f64, &[NodeKind], TaskColour)] = &[
        (10.0, &[], TaskColour::Green),
        (10.0, &[NodeKind::Monthly], TaskColour::Yellow),
        (10.0, &[NodeKind::Quarterly], TaskColour::Red),
        (
            10.0,
            &[NodeKind::Monthly, NodeKind::Quarterly],
            TaskColour::Red,
        ),
        (0.0, &[NodeKind::Monthly], TaskColour::Yellow), // 10 behind and a monthly node
    ];
    for &(percent, nodes, colour) in cases {
        let mut task = hundred_day_task(percent);
        task.missed_nodes = nodes.to_vec();
        let a = colour_of(&task, on_track);
        assert_eq!(a.colour, colour, "{percent} {nodes:?}");
        assert_eq!(a.findings[0].colour, colour);
        assert!(a.findings.windows(2).all(|w| w[0].colour >= w[1].colour));
    }
    // Yellow beats blue: 20 behind with the deadline in 2 working days.
    let task = TaskProgress {
        start: d(2024, 6, 1),
        deadline: Some(d(2024, 6, 11)),
        percent_complete: 60.0,
        done: false,
        missed_nodes: vec![],
    };
    let a = colour_of(&task, d(2024, 6, 9)); // Sunday; 80 elapsed; 06-10 is 端午
    assert_eq!(a.colour, TaskColour::Yellow);
    assert_eq!(
        a.findings.iter().map(|f| f.colour).collect::<Vec<_>>(),
        vec![TaskColour::Yellow, TaskColour::Blue]
    );
    assert!(matches!(
        a.findings[1].reason,
        ColourReason::DueSoon {
            working_days_left: 1,
            ..
        }
    ));
    // Red beats yellow: overdue and behind.
    let a = colour_of(&hundred_day_task(95.0), d(2022, 4, 12));
    assert_eq!(a.colour, TaskColour::Red);
}

#[test]
fn rules_are_configurable() {
    let rules = ColourRules {
        yellow_behind: 5.0,
        red_behind: 20.0,
        blue_within_working_days: 3,
        monthly_node_missed: TaskColour::Red,
        quarterly_node_missed: TaskColour::Red,
    };
    rules.validate().unwrap();
    let cal = WorkingCalendar::shipped();
    let at = |percent: f64, nodes: Vec<NodeKind>| {
        let mut t = hundred_day_task(percent);
        t.missed_nodes = nodes;
        assess(&t, d(2022, 1, 31), &rules, &cal).unwrap().colour
    };
    assert_eq!(at(25.5, vec![]), TaskColour::Green);
    assert_eq!(at(25.0, vec![]), TaskColour::Yellow);
    assert_eq!(at(10.0, vec![]), TaskColour::Yellow);
    assert_eq!(at(9.0, vec![]), TaskColour::Red);
    assert_eq!(at(30.0, vec![NodeKind::Monthly]), TaskColour::Red);
    // Blue within 3 working days: Friday 2024-09-27 → 09-29, 09-30, 10-08.
    let t = near_deadline(d(2024, 10, 8));
    assert_eq!(
        assess(&t, d(2024, 9, 27), &rules, &cal).unwrap().colour,
        TaskColour::Blue
    );
    let t = near_deadline(d(2024, 10, 9));
    assert_eq!(
        assess(&t, d(2024, 9, 27), &rules, &cal).unwrap().colour,
        TaskColour::Green
    );
}

#[test]
fn invalid_rules_are_refused() {
    let base = ColourRules::default();
    base.validate().unwrap();
    for bad in [
        ColourRules {
            yellow_behind: 40.0,
            ..base.clone()
        },
        ColourRules {
            yellow_behind: -1.0,
            ..base.clone()
        },
        ColourRules {
            red_behind: f64::NAN,
            ..base.clone()
        },
    ] {
        assert_eq!(bad.validate(), Err(ColourRulesError::Thresholds));
    }
    let grey = ColourRules {
        monthly_node_missed: TaskColour::Grey,
        ..base
    };
    assert_eq!(grey.validate(), Err(ColourRulesError::GreyForMissedNode));
}

#[test]
fn ongoing_tasks_only_follow_their_nodes() {
    let mut task = TaskProgress {
        start: d(2022, 1, 1),
        deadline: None,
        percent_complete: 0.0,
        done: false,
        missed_nodes: vec![],
    };
    let a = colour_of(&task, d(2022, 12, 1));
    assert_eq!(a.colour, TaskColour::Green);
    assert_eq!(a.elapsed_progress, None);
    assert_eq!(a.reasons(), vec![&ColourReason::OnTrack]);
    task.missed_nodes.push(NodeKind::Monthly);
    assert_eq!(colour_of(&task, d(2022, 12, 1)).colour, TaskColour::Yellow);
}

#[test]
fn calendar_is_asked_only_for_near_deadlines() {
    let cal = WorkingCalendar::shipped();
    let last = *cal.years().last().unwrap();
    let rules = ColourRules::default();
    // A deadline far in a year without a table: no calendar question.
    let far = near_deadline(d(last + 5, 6, 30));
    assert_eq!(
        assess(&far, d(last, 3, 2), &rules, &cal).unwrap().colour,
        TaskColour::Green
    );
    // A near deadline in a year without a table cannot be answered.
    let mut near = near_deadline(d(last + 5, 6, 30));
    near.start = d(last + 5, 1, 1);
    assert_eq!(
        assess(&near, d(last + 5, 6, 26), &rules, &cal),
        Err(CalendarError::UnknownYear(last + 5))
    );
}

#[test]
fn assessment_serialises_in_snake_case() {
    let a = colour_of(&hundred_day_task(0.0), d(2022, 2, 1));
    let v = serde_json::to_value(&a).unwrap();
    assert_eq!(v["colour"], "red");
    assert_eq!(v["findings"][0]["reason"]["kind"], "behind");
    assert_eq!(v["findings"][0]["reason"]["behind"], 31.0);
    let back: ColourAssessment = serde_json::from_value(v).unwrap();
    assert_eq!(back, a);
}

#[test]
fn a_year_end_deadline_is_judged_before_next_year_is_in_the_calendar() {
    // The calendar ends with 2026. On Thursday 24 December 2026 a task due on the 31st has 5
    // working days left (25, 28, 29, 30, 31): blue, without asking about January 2027.
    let cal = WorkingCalendar::shipped();
    let last = *cal.years().last().unwrap();
    let today = d(last, 12, 24);
    let deadline = d(last, 12, 31);
    let a = assess(
        &near_deadline(deadline),
        today,
        &ColourRules::default(),
        &cal,
    )
    .unwrap();
    assert_eq!(a.colour, TaskColour::Blue);
    let left = cal.working_days_between(today, deadline).unwrap();
    assert_eq!(
        a.findings[0].reason,
        ColourReason::DueSoon {
            deadline,
            working_days_left: left
        }
    );
    // A deadline in the year the calendar does not hold is still an error, not a guess.
    assert!(
        assess(
            &near_deadline(d(last + 1, 1, 8)),
            today,
            &ColourRules::default(),
            &cal
        )
        .is_err()
    );
}
