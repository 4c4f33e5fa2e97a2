//! Text helpers shared by the supervision parsers: full-width → half-width folding.

/// Folds one full-width character to its half-width form: the full-width ASCII block
/// (U+FF01–U+FF5E, e.g. `２`, `（`, `．`) and the ideographic space (U+3000). Every other
/// character is returned unchanged.
pub(crate) fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Whether `c` is whitespace in either width (including the ideographic space U+3000).
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// The value of one Chinese digit: 〇/零 0, 一 1, 二/两 2 … 九 9.
pub(crate) fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Whether `c` is a Chinese digit or 十.
pub(crate) fn is_chinese_numeral(c: char) -> bool {
    c == '十' || chinese_digit(c).is_some()
}

/// The value of a run of Chinese numerals and its digit count: digit by digit (`二〇二二` =
/// 2022, 4 digits) or, with one 十, tens and units (`十二` = 12, `三十一` = 31, 2 digits).
/// `None` for an empty run or other shapes (`十十`, `一二十`).
pub(crate) fn chinese_number(run: &[char]) -> Option<(u32, usize)> {
    match run.iter().position(|&c| c == '十') {
        None => {
            if run.is_empty() {
                return None;
            }
            let mut value = 0u32;
            for &c in run {
                value = value.saturating_mul(10).saturating_add(chinese_digit(c)?);
            }
            Some((value, run.len()))
        }
        Some(at) => {
            let (before, after) = (&run[..at], &run[at + 1..]);
            if before.len() > 1 || after.len() > 1 {
                return None;
            }
            let tens = before.first().map_or(Some(1), |&c| chinese_digit(c))?;
            let units = after.first().map_or(Some(0), |&c| chinese_digit(c))?;
            Some((tens * 10 + units, 2))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_the_full_width_block_and_nothing_else() {
        let folded: String = "２０２２年（一）．／－　ＡＢ，"
            .chars()
            .map(half_width)
            .collect();
        assert_eq!(folded, "2022年(一)./- AB,");
        // 、 and ， are not in the full-width ASCII block except U+FF0C (，).
        assert_eq!(half_width('、'), '、');
        assert_eq!(half_width('，'), ',');
        assert_eq!(half_width('；'), ';');
        assert!(is_space('\u{3000}'));
        assert!(!is_space('、'));
    }

    #[test]
    fn chinese_numbers() {
        let cases: &[(&str, Option<(u32, usize)>)] = &[
            ("一", Some((1, 1))),
            ("十", Some((10, 2))),
            ("十二", Some((12, 2))),
            ("二十", Some((20, 2))),
            ("三十一", Some((31, 2))),
            ("二〇二二", Some((2022, 4))),
            ("两", Some((2, 1))),
            ("", None),
            ("十十", None),
            ("一二十", None),
            ("十二三", None),
        ];
        for (text, expected) in cases {
            let run: Vec<char> = text.chars().collect();
            assert_eq!(chinese_number(&run), *expected, "{text}");
        }
    }
}
