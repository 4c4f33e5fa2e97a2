use super::*;
use TaskColour::{Blue as B, Green as G, Grey as X, Red as R, Yellow as Y};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn suggestion_from_the_latest_cycles() {
    let cases: &[(&[TaskColour], Option<NoticeLevel>)] = &[
        (&[], None),
        (&[G], None),
        (&[Y], None),
        (&[R], Some(NoticeLevel::Notice)),
        (&[Y, Y], Some(NoticeLevel::Notice)),
        (&[G, Y, Y], Some(NoticeLevel::Notice)),
        (&[Y, G, Y], None), // not consecutive
        (&[Y, Y, G], None), // recovered
        (&[Y, Y, B], None),
        (&[R, Y], Some(NoticeLevel::Notice)), // red then yellow: behind two cycles running
        (&[Y, R], Some(NoticeLevel::Notice)),
        (&[G, G, R], Some(NoticeLevel::Notice)),
        (&[R, G], None),
        (&[R, X], None), // done
        (&[B, Y], None),
    ];
    for (history, expected) in cases {
        assert_eq!(suggest_notice(history), *expected, "{history:?}");
    }
}

#[test]
fn suggestion_levels_and_streak_are_configurable() {
    // The harsher scheme: yellow twice → 专函督办, red → 约谈.
    let rules = EscalationRules {
        yellow_streak: 3,
        on_yellow_streak: NoticeLevel::Letter,
        on_red: NoticeLevel::Interview,
    };
    assert_eq!(suggest_notice_with(&[Y, Y], &rules), None);
    assert_eq!(
        suggest_notice_with(&[Y, Y, Y], &rules),
        Some(NoticeLevel::Letter)
    );
    assert_eq!(
        suggest_notice_with(&[G, R], &rules),
        Some(NoticeLevel::Interview)
    );
    // A streak of 0 behaves as 1.
    let one = EscalationRules {
        yellow_streak: 0,
        ..EscalationRules::default()
    };
    assert_eq!(suggest_notice_with(&[Y], &one), Some(NoticeLevel::Notice));
    assert_eq!(suggest_notice_with(&[G], &one), None);
}

#[test]
fn ladder() {
    use NoticeLevel::*;
    assert_eq!(Notice.next(), Some(Letter));
    assert_eq!(Letter.next(), Some(Interview));
    assert_eq!(Interview.next(), Some(PublicNotice));
    assert_eq!(PublicNotice.next(), None);
    assert!(NoticeLevel::ALL.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn every_notice_state_and_action() {
    use NoticeAction::*;
    use NoticeState::*;
    let table: &[(NoticeState, NoticeAction, Option<NoticeState>)] = &[
        (Issued, Answer, Some(Answered)),
        (Issued, ReturnAnswer, None),
        (Issued, Close, None),
        (Issued, Escalate, Some(Escalated)),
        (Issued, Withdraw, Some(Withdrawn)),
        (Answered, Answer, None),
        (Answered, ReturnAnswer, Some(Issued)),
        (Answered, Close, Some(Closed)),
        (Answered, Escalate, Some(Escalated)),
        (Answered, Withdraw, None),
        (Closed, Answer, None),
        (Closed, ReturnAnswer, None),
        (Closed, Close, None),
        (Closed, Escalate, None),
        (Closed, Withdraw, None),
        (Escalated, Answer, None),
        (Escalated, ReturnAnswer, None),
        (Escalated, Close, None),
        (Escalated, Escalate, None),
        (Escalated, Withdraw, None),
        (Withdrawn, Answer, None),
        (Withdrawn, ReturnAnswer, None),
        (Withdrawn, Close, None),
        (Withdrawn, Escalate, None),
        (Withdrawn, Withdraw, None),
    ];
    assert_eq!(
        table.len(),
        NoticeState::ALL.len() * NoticeAction::ALL.len()
    );
    for &(state, action, expected) in table {
        let status = NoticeStatus {
            level: NoticeLevel::Notice,
            state,
        };
        match (status.apply(action), expected) {
            (Ok(out), Some(to)) => {
                assert_eq!(out.status.state, to, "{state:?} {action:?}");
                assert_eq!(out.status.level, NoticeLevel::Notice);
                let next = (action == Escalate).then_some(NoticeLevel::Letter);
                assert_eq!(out.issue_next, next);
            }
            (Err(e), None) => assert_eq!(
                e,
                SupervisionRuleError::NoticeTransition { state, action },
                "{state:?} {action:?}"
            ),
            (got, want) => panic!("{state:?} {action:?}: got {got:?}, want {want:?}"),
        }
        // Final states take no action at all.
        if state.is_final() {
            assert!(expected.is_none());
        }
    }
}

#[test]
fn escalation_walks_the_ladder_and_stops_at_the_top() {
    let mut level = NoticeLevel::Notice;
    let mut seen = vec![level];
    loop {
        match NoticeStatus::issued(level).apply(NoticeAction::Escalate) {
            Ok(out) => {
                assert_eq!(out.status.state, NoticeState::Escalated);
                level = out.issue_next.unwrap();
                seen.push(level);
            }
            Err(e) => {
                assert_eq!(e, SupervisionRuleError::TopOfLadder);
                break;
            }
        }
    }
    assert_eq!(seen, NoticeLevel::ALL.to_vec());
    // Other actions still work at the top.
    let top = NoticeStatus::issued(NoticeLevel::PublicNotice);
    assert!(top.apply(NoticeAction::Answer).is_ok());
}

#[test]
fn actors() {
    assert_eq!(NoticeAction::Answer.actor(), Actor::LeadUnit);
    for a in [
        NoticeAction::ReturnAnswer,
        NoticeAction::Close,
        NoticeAction::Escalate,
        NoticeAction::Withdraw,
    ] {
        assert_eq!(a.actor(), Actor::Office);
    }
    assert_eq!(CompletionAction::Request.actor(), Actor::LeadUnit);
    assert_eq!(CompletionAction::Accept.actor(), Actor::Office);
    let refuse = ExtensionAction::Refuse { reason: "x".into() };
    assert_eq!(refuse.actor(), Actor::Office);
}

#[test]
fn extension_requests() {
    let deadline = d(2022, 6, 30);
    let req = |on: NaiveDate, to: NaiveDate, reason: &str| ExtensionRequest {
        requested_on: on,
        current_deadline: deadline,
        proposed_deadline: to,
        reason: reason.to_string(),
    };
    let later = d(2022, 9, 30);
    let cases: &[(ExtensionRequest, Result<(), SupervisionRuleError>)] = &[
        (req(d(2022, 6, 1), later, "土地报批未完成"), Ok(())),
        (req(deadline, later, "土地报批未完成"), Ok(())), // on the deadline day
        (
            req(d(2022, 7, 1), later, "土地报批未完成"),
            Err(SupervisionRuleError::RequestedAfterDeadline {
                deadline,
                requested_on: d(2022, 7, 1),
            }),
        ),
        (
            req(d(2022, 6, 1), later, "  \u{3000}"),
            Err(SupervisionRuleError::ReasonRequired),
        ),
        (
            req(d(2022, 6, 1), later, ""),
            Err(SupervisionRuleError::ReasonRequired),
        ),
        (
            req(d(2022, 6, 1), deadline, "原因"),
            Err(SupervisionRuleError::NewDeadlineNotLater {
                deadline,
                new_deadline: deadline,
            }),
        ),
    ];
    for (r, expected) in cases {
        assert_eq!(r.check(), *expected, "{r:?}");
    }
}

#[test]
fn every_extension_state_and_decision() {
    use ExtensionState::*;
    let deadline = d(2022, 6, 30);
    let approve = ExtensionAction::Approve {
        new_deadline: d(2022, 8, 31),
    };
    let refuse = ExtensionAction::Refuse {
        reason: "理由不充分".into(),
    };
    let table: &[(ExtensionState, &ExtensionAction, Option<ExtensionState>)] = &[
        (Requested, &approve, Some(Approved)),
        (Requested, &refuse, Some(Refused)),
        (Approved, &approve, None),
        (Approved, &refuse, None),
        (Refused, &approve, None),
        (Refused, &refuse, None),
    ];
    assert_eq!(table.len(), ExtensionState::ALL.len() * 2);
    for &(state, action, expected) in table {
        let got = state.apply(deadline, action);
        match expected {
            Some(to) => assert_eq!(got, Ok(to), "{state:?} {action:?}"),
            None => assert_eq!(
                got,
                Err(SupervisionRuleError::ExtensionTransition {
                    state,
                    action: action.kind()
                })
            ),
        }
    }
    // The decision's own rules.
    let same_day = ExtensionAction::Approve {
        new_deadline: deadline,
    };
    assert!(matches!(
        Requested.apply(deadline, &same_day),
        Err(SupervisionRuleError::NewDeadlineNotLater { .. })
    ));
    let blank = ExtensionAction::Refuse { reason: " ".into() };
    assert_eq!(
        Requested.apply(deadline, &blank),
        Err(SupervisionRuleError::ReasonRequired)
    );
}

#[test]
fn every_completion_state_and_action() {
    use CompletionState::*;
    let request = CompletionAction::Request;
    let accept = CompletionAction::Accept;
    let ret = CompletionAction::Return {
        reason: "佐证材料不全".into(),
    };
    let table: &[(CompletionState, &CompletionAction, Option<CompletionState>)] = &[
        (InProgress, &request, Some(Requested)),
        (InProgress, &accept, None),
        (InProgress, &ret, None),
        (Requested, &request, None),
        (Requested, &accept, Some(Accepted)),
        (Requested, &ret, Some(Returned)),
        (Accepted, &request, None),
        (Accepted, &accept, None),
        (Accepted, &ret, None),
        (Returned, &request, Some(Requested)),
        (Returned, &accept, None),
        (Returned, &ret, None),
    ];
    assert_eq!(table.len(), CompletionState::ALL.len() * 3);
    for &(state, action, expected) in table {
        let got = state.apply(action);
        match expected {
            Some(to) => assert_eq!(got, Ok(to), "{state:?} {action:?}"),
            None => assert_eq!(
                got,
                Err(SupervisionRuleError::CompletionTransition {
                    state,
                    action: action.kind()
                })
            ),
        }
    }
    let blank = CompletionAction::Return {
        reason: String::new(),
    };
    assert_eq!(
        Requested.apply(&blank),
        Err(SupervisionRuleError::ReasonRequired)
    );
}

#[test]
fn serialises_in_snake_case() {
    assert_eq!(
        serde_json::to_value(NoticeLevel::PublicNotice).unwrap(),
        "public_notice"
    );
    let status = NoticeStatus::issued(NoticeLevel::Letter);
    assert_eq!(
        serde_json::to_value(status).unwrap(),
        serde_json::json!({"level": "letter", "state": "issued"})
    );
    let ret = CompletionAction::Return {
        reason: "补充材料".into(),
    };
    let v = serde_json::to_value(&ret).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"kind": "return", "reason": "补充材料"})
    );
    assert_eq!(serde_json::from_value::<CompletionAction>(v).unwrap(), ret);
    let e = SupervisionRuleError::TopOfLadder;
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        serde_json::json!({"kind": "top_of_ladder"})
    );
}
