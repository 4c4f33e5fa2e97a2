use proptest::prelude::*;

use super::case::*;
use super::problem::{CaseLevel, CloseOutcome, Satisfaction};

const EVERYONE: &[CaseActor] = &[
    CaseActor::Dispatcher,
    CaseActor::Lead,
    CaseActor::CoDepartment,
    CaseActor::Firm,
];

/// The whole table written out by hand: for each state, the actions anyone may take and where
/// they lead. Every other pair must be refused.
fn expected(from: CaseState, action: CaseAction) -> Option<CaseState> {
    use CaseAction as A;
    use CaseState as S;
    Some(match (from, action) {
        (S::Received | S::Returned | S::Reopened | S::Assigned | S::Handling, A::Assign) => {
            S::Assigned
        }
        (S::Assigned | S::Handling, A::Return) => S::Returned,
        (S::Assigned | S::Handling, A::Note) => S::Handling,
        (S::WaitingFirm, A::Note) => S::WaitingFirm,
        (S::Answered, A::Note) => S::Answered,
        (S::Assigned | S::Handling, A::RequestInfo) => S::WaitingFirm,
        (S::WaitingFirm, A::Supply) => S::Handling,
        (S::Assigned | S::Handling | S::Answered, A::Answer) => S::Answered,
        (S::Answered, A::CloseResolved) => S::Closed,
        (S::Assigned | S::Handling | S::Answered, A::CloseDeferred | A::CloseNotPermitted) => {
            S::Closed
        }
        (S::Closed, A::RateSatisfied | A::RateBasicallySatisfied) => S::Rated,
        (S::Closed, A::RateDissatisfied) => S::Reopened,
        (S::Closed | S::Rated, A::Reopen) => S::Reopened,
        _ => return None,
    })
}

#[test]
fn the_table_is_exactly_the_written_one() {
    let mut allowed = 0;
    for from in CaseState::ALL {
        for action in CaseAction::ALL {
            let got = step(from, action, EVERYONE).ok();
            assert_eq!(got, expected(from, action), "{from:?} --{action:?}-->");
            allowed += usize::from(got.is_some());
            if got.is_none() {
                assert_eq!(
                    step(from, action, EVERYONE),
                    Err(CaseError::Transition { from, action })
                );
            }
        }
    }
    assert_eq!(allowed, TRANSITIONS.len(), "no pair is listed twice");
}

#[test]
fn each_step_belongs_to_its_actors() {
    use CaseAction as A;
    use CaseActor as R;
    use CaseState as S;
    // Only the dispatcher assigns.
    assert_eq!(
        step(S::Received, A::Assign, &[R::Dispatcher]),
        Ok(S::Assigned)
    );
    for r in [R::Lead, R::CoDepartment, R::Firm] {
        assert_eq!(
            step(S::Received, A::Assign, &[r]),
            Err(CaseError::NotYours {
                from: S::Received,
                action: A::Assign
            })
        );
    }
    // Only the lead department answers, returns and asks the firm for material.
    for a in [A::Answer, A::Return, A::RequestInfo] {
        assert!(step(S::Handling, a, &[R::Lead]).is_ok(), "{a:?}");
        for r in [R::Dispatcher, R::CoDepartment, R::Firm] {
            assert!(step(S::Handling, a, &[r]).is_err(), "{a:?} by {r:?}");
        }
    }
    // Co-departments only add notes.
    assert_eq!(available(S::Handling, &[R::CoDepartment]), vec![A::Note]);
    // The firm rates and reopens; it never handles.
    assert_eq!(
        available(S::Closed, &[R::Firm]),
        vec![
            A::RateSatisfied,
            A::RateBasicallySatisfied,
            A::RateDissatisfied,
            A::Reopen
        ]
    );
    assert_eq!(available(S::Handling, &[R::Firm]), vec![]);
    assert_eq!(available(S::WaitingFirm, &[R::Firm]), vec![A::Supply]);
    // The lead department cannot rate its own work.
    assert!(step(S::Closed, A::RateSatisfied, &[R::Lead]).is_err());
    // A user acting in two capacities gets the union.
    assert_eq!(
        step(S::Handling, A::Assign, &[R::Lead, R::Dispatcher]),
        Ok(S::Assigned)
    );
}

#[test]
fn resolving_needs_an_answer_but_deferring_does_not() {
    use CaseAction as A;
    use CaseActor as R;
    assert!(step(CaseState::Handling, A::CloseResolved, &[R::Lead]).is_err());
    assert_eq!(
        step(CaseState::Handling, A::CloseDeferred, &[R::Lead]),
        Ok(CaseState::Closed)
    );
    assert!(
        step(CaseState::Answered, A::Return, &[R::Lead]).is_err(),
        "an answered case is not returned"
    );
}

#[test]
fn dissatisfied_reopens_one_level_up_in_a_new_round() {
    use CaseAction as A;
    use CaseActor as R;
    let mut c = Case::new(CaseLevel::Town);
    for (a, r) in [
        (A::Assign, R::Dispatcher),
        (A::Answer, R::Lead),
        (A::CloseResolved, R::Lead),
        (A::RateDissatisfied, R::Firm),
    ] {
        c.apply(a, &[r]).unwrap();
    }
    assert_eq!(c.state, CaseState::Reopened);
    assert_eq!((c.round, c.level), (2, CaseLevel::City));
    assert_eq!(c.rating, Some(Satisfaction::Dissatisfied));
    for (a, r) in [
        (A::Assign, R::Dispatcher),
        (A::Answer, R::Lead),
        (A::CloseResolved, R::Lead),
        (A::RateDissatisfied, R::Firm),
        (A::Assign, R::Dispatcher),
        (A::CloseNotPermitted, R::Lead),
        (A::RateSatisfied, R::Firm),
    ] {
        c.apply(a, &[r]).unwrap();
    }
    assert_eq!(c.state, CaseState::Rated);
    assert_eq!((c.round, c.level), (3, CaseLevel::Leader));
    assert_eq!(c.outcome, Some(CloseOutcome::NotPermitted));
    assert_eq!(c.broken_invariant(), None);
}

#[test]
fn the_reopen_window_is_fifteen_days() {
    let closed = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    assert!(may_reopen(closed, closed + chrono::Days::new(15)).is_ok());
    assert_eq!(
        may_reopen(closed, closed + chrono::Days::new(16)),
        Err(CaseError::ReopenWindowPassed)
    );
}

#[test]
fn names_round_trip() {
    for s in CaseState::ALL {
        assert_eq!(CaseState::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::json!(s), serde_json::json!(s.as_str()));
    }
    for a in CaseAction::ALL {
        assert_eq!(CaseAction::parse(a.as_str()), Some(a));
        assert_eq!(serde_json::json!(a), serde_json::json!(a.as_str()));
    }
    for s in Satisfaction::ALL {
        assert_eq!(CaseAction::rate(*s).satisfaction(), Some(*s));
    }
}

fn any_action() -> impl Strategy<Value = CaseAction> {
    prop::sample::select(CaseAction::ALL.to_vec())
}

fn any_actor() -> impl Strategy<Value = CaseActor> {
    prop::sample::select(EVERYONE.to_vec())
}

fn any_level() -> impl Strategy<Value = CaseLevel> {
    prop::sample::select(CaseLevel::ALL.to_vec())
}

proptest! {
    /// No sequence of steps, allowed or refused, reaches a state that breaks an invariant; a
    /// refused step changes nothing; level and round never go down.
    #[test]
    fn no_sequence_reaches_an_invalid_case(
        level in any_level(),
        steps in prop::collection::vec((any_action(), any_actor()), 0..60),
    ) {
        let mut c = Case::new(level);
        prop_assert_eq!(c.broken_invariant(), None);
        for (action, actor) in steps {
            let before = c.clone();
            match c.apply(action, &[actor]) {
                Ok(()) => {
                    prop_assert_eq!(c.broken_invariant(), None, "after {:?} by {:?} from {:?}", action, actor, before);
                    prop_assert!(c.level >= before.level);
                    prop_assert!(c.round >= before.round);
                    prop_assert!(available(before.state, &[actor]).contains(&action));
                }
                Err(_) => {
                    prop_assert_eq!(&c, &before);
                    prop_assert!(!available(before.state, &[actor]).contains(&action));
                }
            }
        }
    }

    /// Every state is reachable from a new case and every open case can still be closed: no
    /// state is a trap.
    #[test]
    fn every_open_state_can_reach_closure(level in any_level(), steps in prop::collection::vec((any_action(), any_actor()), 0..40)) {
        let mut c = Case::new(level);
        for (action, actor) in steps {
            let _ = c.apply(action, &[actor]);
        }
        // Drive it to a closure with the dispatcher and the lead.
        let closing = [
            CaseAction::Supply,
            CaseAction::Assign,
            CaseAction::CloseDeferred,
        ];
        for a in closing {
            if c.state.is_closed() { break; }
            let _ = c.apply(a, &[CaseActor::Dispatcher, CaseActor::Lead, CaseActor::Firm]);
        }
        prop_assert!(c.state.is_closed(), "stuck in {:?}", c.state);
    }
}
