//! 统一社会信用代码 (unified social credit code), GB 32100-2015.
//!
//! A code has 18 characters:
//!
//! | positions | meaning                                    |
//! |-----------|--------------------------------------------|
//! | 1         | 登记管理部门代码 (registration department)   |
//! | 2         | 机构类别代码 (kind of organisation)          |
//! | 3–8       | 登记管理机关行政区划码 (administrative division) |
//! | 9–17      | 主体标识码 (the organisation's own number)    |
//! | 18        | 校验码 (check character)                      |
//!
//! Every character comes from [`ALPHABET`]. The check character is
//! `31 − (Σ value(cᵢ) × WEIGHTS[i] mod 31)`, where 31 maps to 0.
//!
//! # Registration departments and organisation kinds accepted
//!
//! The standard's own table (appendix A) lists 1 机构编制, 5 民政, 9 工商 and Y 其他; the other
//! departments were assigned their codes by later notices of the code authorities and appear in
//! every current copy of the table. Both are accepted:
//!
//! | 1st | department          | 2nd accepted                                             |
//! |-----|---------------------|----------------------------------------------------------|
//! | 1   | 机构编制             | 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他 |
//! | 2   | 外交                 | 1 外国常驻新闻机构, 9 其他                                  |
//! | 3   | 司法行政             | 1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9 其他 |
//! | 4   | 文化                 | 1 外国在华文化中心, 9 其他                                  |
//! | 5   | 民政                 | 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他                |
//! | 6   | 旅游                 | 1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地代表机构, 9 其他 |
//! | 7   | 宗教                 | 1 宗教活动场所, 2 宗教院校, 9 其他                          |
//! | 8   | 工会                 | 1 基层工会, 9 其他                                          |
//! | 9   | 工商 (市场监管)       | 1 企业, 2 个体工商户, 3 农民专业合作社                        |
//! | A   | 中央军委改革和编制办公室 | 1 军队事业单位, 9 其他                                    |
//! | N   | 农业                 | 1 组级集体经济组织, 2 村级集体经济组织, 3 乡镇级集体经济组织, 9 其他 |
//! | Y   | 其他                 | 1                                                          |
//!
//! A second character outside its department's list is reported as
//! [`CreditCodeError::InvalidChar`] at position 2.
//!
//! # Administrative division
//!
//! Positions 3–8 must be six digits whose first two are a province-level code (11–15, 21–23,
//! 31–37, 41–46, 50–54, 61–65, 71, 81, 82), or exactly `100000` (全国), which units registered
//! at national level carry. Whether the six digits name a division that exists is not checked:
//! divisions are renamed and merged, and a code keeps the division it was issued under.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The 31 characters a code may use, in value order: 0–9 are worth 0–9, `A` is worth 10, …,
/// `Y` is worth 30. The letters I, O, Z, S and V are left out.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 (3^(i-1) mod 31).
pub const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Length of a code in characters.
pub const CODE_LEN: usize = 18;

/// Registration departments (position 1) and the organisation kinds (position 2) each allows;
/// see the module documentation.
pub const REGISTRATION_DEPTS: &[(char, &str)] = &[
    ('1', "1239"),
    ('2', "19"),
    ('3', "123459"),
    ('4', "19"),
    ('5', "1239"),
    ('6', "129"),
    ('7', "129"),
    ('8', "19"),
    ('9', "123"),
    ('A', "19"),
    ('N', "1239"),
    ('Y', "1"),
];

/// First two digits of the province-level divisions.
const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// Value of an alphabet character (`0`→0 … `Y`→30), `None` outside the alphabet.
pub fn char_value(c: char) -> Option<u32> {
    if !c.is_ascii() {
        return None;
    }
    ALPHABET.find(c).map(|i| i as u32)
}

/// The alphabet character worth `v` (`v < 31`).
fn value_char(v: u32) -> char {
    ALPHABET.as_bytes()[v as usize] as char
}

/// The check character (position 18) for the first 17 characters; `None` unless `first17` is
/// exactly 17 characters of [`ALPHABET`] (upper case). Only the checksum is computed here, not
/// the structure.
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0usize;
    for c in first17.chars() {
        if n == 17 {
            return None;
        }
        sum += char_value(c)? * WEIGHTS[n];
        n += 1;
    }
    if n != 17 {
        return None;
    }
    // 31 − (Σ mod 31), where 31 maps to 0.
    Some(value_char((31 - sum % 31) % 31))
}

/// `first17` followed by its check character; `None` as for [`check_char`].
pub fn with_check_char(first17: &str) -> Option<String> {
    let c = check_char(first17)?;
    let mut s = String::with_capacity(CODE_LEN);
    s.push_str(first17);
    s.push(c);
    Some(s)
}

/// Why a text is not a valid credit code. Positions are 1-based and count characters after
/// normalisation (see [`CreditCode::parse`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("the credit code is empty")]
    Empty,
    #[error("a credit code has 18 characters, not {0}")]
    WrongLength(usize),
    #[error("character {ch:?} at position {position} is not allowed in a credit code")]
    InvalidChar { position: usize, ch: char },
    #[error("wrong check character: expected {expected}, found {found}")]
    BadCheckChar { expected: char, found: char },
    #[error("{0:?} is not a registration department code")]
    BadRegistrationDept(char),
    #[error("{0:?} is not an administrative division code")]
    BadDivision(String),
}

impl CreditCodeError {
    /// Message-catalogue key; the web layer translates it.
    pub fn key(&self) -> &'static str {
        match self {
            CreditCodeError::Empty => "error.credit_code.empty",
            CreditCodeError::WrongLength(_) => "error.credit_code.wrong_length",
            CreditCodeError::InvalidChar { .. } => "error.credit_code.invalid_char",
            CreditCodeError::BadCheckChar { .. } => "error.credit_code.bad_check_char",
            CreditCodeError::BadRegistrationDept(_) => "error.credit_code.bad_registration_dept",
            CreditCodeError::BadDivision(_) => "error.credit_code.bad_division",
        }
    }
}

/// A valid 统一社会信用代码, always in canonical form (18 upper-case ASCII characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

/// Full-width digits and letters to ASCII, ASCII letters to upper case; other characters
/// unchanged.
fn normalize_char(c: char) -> char {
    let c = match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    };
    c.to_ascii_uppercase()
}

impl CreditCode {
    /// Reads a code as people type or paste it: surrounding and inner whitespace (including
    /// the full-width space and NBSP) is dropped, full-width digits and letters become ASCII,
    /// letters are upper-cased. Then the length, the alphabet, the registration department,
    /// the organisation kind, the division and the check character are verified, in that order.
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        let s: String = input
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(normalize_char)
            .collect();
        if s.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != CODE_LEN {
            return Err(CreditCodeError::WrongLength(chars.len()));
        }
        if let Some((i, &ch)) = chars
            .iter()
            .enumerate()
            .find(|(_, c)| char_value(**c).is_none())
        {
            return Err(CreditCodeError::InvalidChar {
                position: i + 1,
                ch,
            });
        }
        // From here on every character is ASCII, so byte offsets are character offsets.
        let dept = chars[0];
        let kinds = REGISTRATION_DEPTS
            .iter()
            .find(|(d, _)| *d == dept)
            .map(|(_, k)| *k)
            .ok_or(CreditCodeError::BadRegistrationDept(dept))?;
        if !kinds.contains(chars[1]) {
            return Err(CreditCodeError::InvalidChar {
                position: 2,
                ch: chars[1],
            });
        }
        let division = &s[2..8];
        if !is_division(division) {
            return Err(CreditCodeError::BadDivision(division.to_string()));
        }
        let expected = check_char(&s[..17]).ok_or(CreditCodeError::InvalidChar {
            position: 18,
            ch: chars[17],
        })?;
        if chars[17] != expected {
            return Err(CreditCodeError::BadCheckChar {
                expected,
                found: chars[17],
            });
        }
        Ok(CreditCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 登记管理部门代码 (position 1).
    pub fn registration_dept(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// 机构类别代码 (position 2).
    pub fn organisation_kind(&self) -> char {
        self.0.as_bytes()[1] as char
    }

    /// 登记管理机关行政区划码 (positions 3–8).
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }
}

fn is_division(s: &str) -> bool {
    s.len() == 6
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "100000" || PROVINCES.contains(&&s[..2]))
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CreditCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CreditCode::parse(s)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CreditCode::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Worked examples. Values: digits are themselves, A=10 B=11 C=12 D=13 E=14 F=15 G=16 H=17
    // J=18 K=19 L=20 M=21 N=22 P=23 Q=24 R=25 T=26 U=27 W=28 X=29 Y=30.
    //
    // "91330784MA28F0QT1" (an enterprise registered in 永康, division 330784):
    //   9×1 + 1×3 + 3×9 + 3×27 + 0×19 + 7×26 + 8×16 + 4×17 + M 21×20 + A 10×29 + 2×25
    //   + 8×13 + F 15×8 + 0×24 + Q 24×10 + T 26×30 + 1×28
    //   = 9 + 3 + 27 + 81 + 0 + 182 + 128 + 68 + 420 + 290 + 50 + 104 + 120 + 0 + 240 + 780 + 28
    //   = 2530; 2530 mod 31 = 19 (31×81 = 2511); 31 − 19 = 12 → 'C'.
    //
    // "92330784MA2HK7P03" (个体工商户):
    //   9 + 6 + 27 + 81 + 0 + 182 + 128 + 68 + 420 + 290 + 50 + H 17×13=221 + K 19×8=152
    //   + 7×24=168 + P 23×10=230 + 0 + 3×28=84 = 2116; 2116 mod 31 = 8 (31×68 = 2108);
    //   31 − 8 = 23 → 'P'.
    //
    // "52330784MJ1234567" (民办非企业单位):
    //   5 + 6 + 27 + 81 + 0 + 182 + 128 + 68 + 420 + J 18×29=522 + 25 + 26 + 24 + 96 + 50
    //   + 180 + 196 = 2036; 2036 mod 31 = 21 (31×65 = 2015); 31 − 21 = 10 → 'A'.
    //
    // "12100000400012345" (事业单位 registered at national level, division 100000):
    //   1 + 6 + 9 + 0 + 0 + 0 + 0 + 0 + 4×20=80 + 0 + 0 + 0 + 1×8 + 2×24 + 3×10 + 4×30 + 5×28
    //   = 442; 442 mod 31 = 8 (31×14 = 434); 31 − 8 = 23 → 'P'.
    //
    // "91330784MA28F0QTW": as the first example with the last term 1×28 replaced by W 28×28:
    //   2530 − 28 + 784 = 3286 = 31×106, so Σ mod 31 = 0; 31 − 0 = 31 → '0'.
    const WORKED: &[(&str, char)] = &[
        ("91330784MA28F0QT1", 'C'),
        ("92330784MA2HK7P03", 'P'),
        ("52330784MJ1234567", 'A'),
        ("12100000400012345", 'P'),
        ("91330784MA28F0QTW", '0'),
    ];

    #[test]
    fn worked_examples() {
        for &(prefix, c) in WORKED {
            assert_eq!(check_char(prefix), Some(c), "{prefix}");
            let full = with_check_char(prefix).unwrap();
            assert_eq!(full, format!("{prefix}{c}"));
            let code = CreditCode::parse(&full).unwrap();
            assert_eq!(code.as_str(), full);
            assert_eq!(code.to_string(), full);
        }
    }

    #[test]
    fn published_codes_of_large_firms() {
        // Printed on the business licences of two well-known firms.
        for s in ["914403001922038216", "91330100716105852F"] {
            CreditCode::parse(s).unwrap();
        }
    }

    #[test]
    fn accessors() {
        let c = CreditCode::parse("91330784MA28F0QT1C").unwrap();
        assert_eq!(c.registration_dept(), '9');
        assert_eq!(c.organisation_kind(), '1');
        assert_eq!(c.division(), "330784");
        assert_eq!(c.as_ref(), "91330784MA28F0QT1C");
        assert_eq!("91330784MA28F0QT1C".parse::<CreditCode>().unwrap(), c);
    }

    #[test]
    fn check_char_rejects_bad_input() {
        assert_eq!(check_char(""), None);
        assert_eq!(check_char("91330784MA28F0QT"), None); // 16
        assert_eq!(check_char("91330784MA28F0QT1C"), None); // 18
        assert_eq!(check_char("91330784MA28F0QTI"), None); // I is not in the alphabet
        assert_eq!(check_char("91330784ma28f0qt1"), None); // lower case
        assert_eq!(check_char("９1330784MA28F0QT1"), None); // full width
        assert_eq!(with_check_char("91330784MA28F0QTO"), None);
        assert_eq!(with_check_char("短"), None);
    }

    #[test]
    fn parse_normalises() {
        let want = "91330784MA28F0QT1C";
        for input in [
            " 91330784MA28F0QT1C ",
            "91330784ma28f0qt1c",
            "9133 0784 MA28 F0QT 1C",
            "\u{3000}91330784MA28F0QT1C\u{3000}",
            "\u{a0}91330784MA28F0QT1C\t\n",
            "９１３３０７８４ＭＡ２８Ｆ０ＱＴ１Ｃ",
            "９１３３０７８４ｍａ２８ｆ０ｑｔ１ｃ",
            "913307\u{3000}84MA28F0QT1C",
        ] {
            assert_eq!(
                CreditCode::parse(input).unwrap().as_str(),
                want,
                "{input:?}"
            );
        }
    }

    #[test]
    fn parse_errors() {
        use CreditCodeError::*;
        let p = CreditCode::parse;
        assert_eq!(p(""), Err(Empty));
        assert_eq!(p("  \u{3000} "), Err(Empty));
        assert_eq!(p("91330784MA28F0QT1"), Err(WrongLength(17)));
        assert_eq!(p("91330784MA28F0QT1CC"), Err(WrongLength(19)));
        assert_eq!(p("永康"), Err(WrongLength(2)));
        assert_eq!(
            p("91330784MI28F0QT1C"),
            Err(InvalidChar {
                position: 10,
                ch: 'I'
            })
        );
        assert_eq!(
            p("91330784MA28F0QT1-"),
            Err(InvalidChar {
                position: 18,
                ch: '-'
            })
        );
        assert_eq!(
            p("91330784MA28F0QT1永"),
            Err(InvalidChar {
                position: 18,
                ch: '永'
            })
        );
        assert_eq!(
            p("91330784MA28F0QT1D"),
            Err(BadCheckChar {
                expected: 'C',
                found: 'D'
            })
        );
        assert_eq!(p("B1330784MA28F0QT1C"), Err(BadRegistrationDept('B')));
        assert_eq!(p("01330784MA28F0QT1C"), Err(BadRegistrationDept('0')));
        // 工商 has no kind 9; 其他 only kind 1.
        assert_eq!(
            p("99330784MA28F0QT1C"),
            Err(InvalidChar {
                position: 2,
                ch: '9'
            })
        );
        assert_eq!(
            p("Y2330784MA28F0QT1C"),
            Err(InvalidChar {
                position: 2,
                ch: '2'
            })
        );
        assert_eq!(p("91990784MA28F0QT1C"), Err(BadDivision("990784".into())));
        assert_eq!(p("91A30784MA28F0QT1C"), Err(BadDivision("A30784".into())));
        assert_eq!(p("91000000MA28F0QT1C"), Err(BadDivision("000000".into())));
    }

    #[test]
    fn every_department_and_kind_is_accepted() {
        for &(dept, kinds) in REGISTRATION_DEPTS {
            for kind in kinds.chars() {
                let prefix = format!("{dept}{kind}330784MA28F0QT1");
                let code = with_check_char(&prefix).unwrap();
                assert!(CreditCode::parse(&code).is_ok(), "{code}");
            }
        }
    }

    #[test]
    fn error_keys_and_messages() {
        use CreditCodeError::*;
        let all = [
            Empty,
            WrongLength(3),
            InvalidChar {
                position: 1,
                ch: 'I',
            },
            BadCheckChar {
                expected: 'C',
                found: 'D',
            },
            BadRegistrationDept('B'),
            BadDivision("990784".into()),
        ];
        let mut keys: Vec<_> = all.iter().map(|e| e.key()).collect();
        assert!(keys.iter().all(|k| k.starts_with("error.credit_code.")));
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
        assert_eq!(WrongLength(3).key(), "error.credit_code.wrong_length");
        assert_eq!(
            WrongLength(3).to_string(),
            "a credit code has 18 characters, not 3"
        );
        assert!(all.iter().all(|e| !e.to_string().is_empty()));
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let c = CreditCode::parse("91330784MA28F0QT1C").unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, "\"91330784MA28F0QT1C\"");
        let back: CreditCode = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let lower: CreditCode = serde_json::from_str("\"91330784ma28f0qt1c\"").unwrap();
        assert_eq!(lower, c);
        assert!(serde_json::from_str::<CreditCode>("\"91330784MA28F0QT1D\"").is_err());
        assert!(serde_json::from_str::<CreditCode>("18").is_err());
    }

    #[test]
    fn weights_are_powers_of_three() {
        let mut w = 1;
        for &x in &WEIGHTS {
            assert_eq!(x, w);
            w = w * 3 % 31;
        }
        assert_eq!(ALPHABET.len(), 31);
        for c in ['I', 'O', 'Z', 'S', 'V'] {
            assert_eq!(char_value(c), None);
        }
    }
}
