//! Close names for a name that matched nothing: what the user probably meant.

use super::{CITY_PREFIXES, KnownName, normalise_name};

/// Suggestions scoring below this are not offered.
const MIN_SCORE: f64 = 0.4;

/// The name compared without spaces, width or case, and without a leading city prefix.
fn core(name: &str) -> Vec<char> {
    let key = normalise_name(name);
    let rest = CITY_PREFIXES
        .iter()
        .find_map(|p| key.strip_prefix(p))
        .filter(|r| !r.is_empty())
        .unwrap_or(&key);
    rest.chars().collect()
}

fn bigrams(chars: &[char]) -> Vec<(char, char)> {
    let mut out: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    out.sort_unstable();
    out
}

/// How alike two names are, from 0 to 1: one holding the other whole (at least two
/// characters) scores 0.9, otherwise the share of character pairs they have in common (the
/// Dice coefficient). City prefixes (`永康市`, `市`) do not count.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (core(a), core(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if short.len() >= 2 && long.windows(short.len()).any(|w| w == short.as_slice()) {
        return 0.9;
    }
    let (x, y) = (bigrams(&a), bigrams(&b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let mut common = 0usize;
    let mut rest = y.clone();
    for g in &x {
        if let Some(i) = rest.iter().position(|h| h == g) {
            rest.swap_remove(i);
            common += 1;
        }
    }
    (2 * common) as f64 / (x.len() + y.len()) as f64
}

/// Up to `max` known ids whose name or an alias is close to `written`, the closest first
/// (ties in the order of `known`). Empty when nothing is close.
pub fn suggest_names<I: Clone + PartialEq>(
    written: &str,
    known: &[KnownName<I>],
    max: usize,
) -> Vec<I> {
    let mut scored: Vec<(f64, usize)> = Vec::new();
    for (i, k) in known.iter().enumerate() {
        let score = std::iter::once(&k.name)
            .chain(&k.aliases)
            .map(|n| name_similarity(written, n))
            .fold(0.0, f64::max);
        if score >= MIN_SCORE && !scored.iter().any(|(_, j)| known[*j].id == k.id) {
            scored.push((score, i));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(max)
        .map(|(_, i)| known[i].id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<KnownName<i64>> {
        vec![
            (1, "市发展和改革局".to_string(), vec!["发改局".to_string()]).into(),
            (
                2,
                "市经济和信息化局".to_string(),
                vec!["经信局".to_string()],
            )
                .into(),
            (3, "市财政局".to_string(), vec!["财政局".to_string()]).into(),
            (4, "东城街道".to_string(), vec!["东城".to_string()]).into(),
        ]
    }

    #[test]
    fn similarity_ignores_prefixes_and_rewards_containment() {
        assert_eq!(name_similarity("永康市财政局", "市财政局"), 1.0);
        assert_eq!(name_similarity("东城街道办事处", "东城街道"), 0.9);
        assert_eq!(name_similarity("发改委", "发改局"), 0.5);
        assert_eq!(name_similarity("市大数据局", "市经信局"), 0.0);
        assert_eq!(name_similarity("", "市经信局"), 0.0);
        assert_eq!(
            name_similarity("局", "市经信局"),
            0.0,
            "one character is no evidence"
        );
    }

    #[test]
    fn suggestions_are_close_names_closest_first() {
        assert_eq!(suggest_names("市发改委", &known(), 3), vec![1]);
        assert_eq!(suggest_names("东城街道办", &known(), 3), vec![4]);
        assert_eq!(suggest_names("市数据局", &known(), 3), Vec::<i64>::new());
        // Several close ones: the closest first, at most `max`.
        let k = vec![
            (7, "市商务局".to_string(), vec![]).into(),
            (8, "商务局办公室".to_string(), vec![]).into(),
            (9, "市商务和招商局".to_string(), vec![]).into(),
        ];
        assert_eq!(suggest_names("商务局", &k, 3), vec![7, 8]);
        assert_eq!(suggest_names("商务局", &k, 1), vec![7]);
    }
}
