//! Property tests of the 统一社会信用代码 checker.
//!
//! Prefixes are generated structurally valid: a registration department and one of its
//! organisation kinds, a division starting with a province-level code (or `100000`), then nine
//! alphabet characters.

use proptest::prelude::*;
use wujin_domain::credit_code::{
    ALPHABET, CreditCode, REGISTRATION_DEPTS, check_char, with_check_char,
};

const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

fn alphabet() -> Vec<char> {
    ALPHABET.chars().collect()
}

fn dept_and_kind() -> impl Strategy<Value = String> {
    let pairs: Vec<String> = REGISTRATION_DEPTS
        .iter()
        .flat_map(|&(d, kinds)| kinds.chars().map(move |k| format!("{d}{k}")))
        .collect();
    prop::sample::select(pairs)
}

fn division() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => (prop::sample::select(PROVINCES), 0u32..10_000).prop_map(|(p, n)| format!("{p}{n:04}")),
        1 => Just("100000".to_string()),
    ]
}

fn prefix() -> impl Strategy<Value = String> {
    (
        dept_and_kind(),
        division(),
        prop::collection::vec(prop::sample::select(alphabet()), 9),
    )
        .prop_map(|(dk, div, body)| format!("{dk}{div}{}", body.into_iter().collect::<String>()))
}

fn valid_code() -> impl Strategy<Value = String> {
    prefix().prop_map(|p| with_check_char(&p).expect("prefix is in the alphabet"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn built_codes_parse(p in prefix()) {
        let code = with_check_char(&p).unwrap();
        prop_assert_eq!(code.len(), 18);
        prop_assert_eq!(&code[..17], p.as_str());
        prop_assert_eq!(code.chars().last(), check_char(&p));
        let parsed = CreditCode::parse(&code).unwrap();
        prop_assert_eq!(parsed.as_str(), code.as_str());
        // Lower case with spaces reads the same.
        let messy = format!("  {} {} ", code[..9].to_lowercase(), &code[9..]);
        prop_assert_eq!(CreditCode::parse(&messy).unwrap(), parsed);
    }

    #[test]
    fn any_single_substitution_is_rejected(
        code in valid_code(),
        pos in 0usize..18,
        shift in 1usize..31,
    ) {
        let mut chars: Vec<char> = code.chars().collect();
        let alpha = alphabet();
        let old = alpha.iter().position(|&c| c == chars[pos]).unwrap();
        chars[pos] = alpha[(old + shift) % 31];
        let changed: String = chars.into_iter().collect();
        prop_assert_ne!(&changed, &code);
        prop_assert!(CreditCode::parse(&changed).is_err(), "{} accepted", changed);
    }

    #[test]
    fn adjacent_transpositions(code in valid_code(), pos in 0usize..17) {
        prop_assert!(CreditCode::parse(&code).is_ok());
        let mut chars: Vec<char> = code.chars().collect();
        chars.swap(pos, pos + 1);
        let swapped: String = chars.into_iter().collect();
        let result = CreditCode::parse(&swapped);
        // Consecutive weights satisfy w[i+1] = 3·w[i] (mod 31), so swapping two different
        // characters among the first 17 changes the sum by 2·w[i]·(a − b) ≢ 0 (mod 31):
        // always caught. A swap involving the check character may go unnoticed.
        if pos < 16 && swapped != code {
            prop_assert!(result.is_err(), "{} accepted", swapped);
        }
        prop_assert!(CreditCode::parse(&code).is_ok());
    }

    #[test]
    fn parse_never_panics(s in any::<String>()) {
        let _ = CreditCode::parse(&s);
    }

    #[test]
    fn parse_never_panics_on_near_codes(s in "[0-9A-Za-z０-９Ａ-Ｚ \u{3000}IOZSV-]{15,20}") {
        if let Ok(c) = CreditCode::parse(&s) {
            prop_assert_eq!(c.as_str().len(), 18);
            prop_assert_eq!(CreditCode::parse(c.as_str()).unwrap(), c);
        }
    }

    #[test]
    fn check_char_never_panics(s in any::<String>()) {
        let c = check_char(&s);
        prop_assert_eq!(c.is_some(), with_check_char(&s).is_some());
    }
}
