//! Unit names in decomposition tables (牵头单位 / 配合单位 cells) and 序号 numbering.
//!
//! - [`split_units`] splits one cell on `、` `，` `,` `；` `;`, line breaks and spaces of
//!   either width (not inside brackets), trims, drops empty pieces and duplicates (by [`normalise_name`]) keeping the
//!   first spelling and the order.
//! - [`match_names`] matches names to known units: exact name, then alias, then the same names
//!   with a leading `永康市`/`永康`/`市` removed. Every name ends up matched, ambiguous or
//!   unknown — none is dropped.
//! - [`suggest_names`] offers the known names close to one that matched nothing.
//! - [`parse_serial`] reads a 序号 (`一、`, `（一）`, `1.`, `1、`, `1`, `(1)`, `1.1`) into a
//!   style, its ordinals and a level, for the area → task → sub-task hierarchy.

mod serial;
mod suggest;

pub use serial::*;
pub use suggest::*;

use serde::{Deserialize, Serialize};

use super::text::{half_width, is_space};

fn is_separator(c: char) -> bool {
    matches!(half_width(c), '、' | ',' | ';' | '\n' | '\r') || is_space(c)
}

/// Splits on separators outside brackets: `各镇（街道、区）` stays one name.
fn pieces(cell: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in cell.char_indices() {
        match half_width(c) {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth == 0 && is_separator(c) => {
                out.push(&cell[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&cell[start..]);
    out
}

/// The unit names of one cell, in order, without blanks or duplicates. Separators inside
/// brackets do not split.
pub fn split_units(cell: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for piece in pieces(cell) {
        let key = normalise_name(piece);
        if key.is_empty() || seen.contains(&key) {
            continue;
        }
        seen.push(key);
        out.push(piece.trim().to_string());
    }
    out
}

/// The key names are compared by: full-width → half-width, all spaces removed, ASCII in lower
/// case.
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !is_space(*c))
        .map(|c| half_width(c).to_ascii_lowercase())
        .collect()
}

/// Prefixes officials add or leave out before a city department's name.
const CITY_PREFIXES: [&str; 3] = ["永康市", "永康", "市"];

/// A normalised name and, if it starts with a city prefix, the name without it.
fn variants(key: &str) -> Vec<String> {
    let mut out = vec![key.to_string()];
    if let Some(rest) = CITY_PREFIXES.iter().find_map(|p| key.strip_prefix(p))
        && !rest.is_empty()
    {
        out.push(rest.to_string());
    }
    out
}

/// A unit (or leader) names can be matched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct KnownName<I> {
    pub id: I,
    pub name: String,
    pub aliases: Vec<String>,
}

impl<I> From<(I, String, Vec<String>)> for KnownName<I> {
    fn from((id, name, aliases): (I, String, Vec<String>)) -> Self {
        KnownName { id, name, aliases }
    }
}

/// A name matched to one known id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct MatchedName<I> {
    /// The name as written.
    pub written: String,
    pub id: I,
}

/// A name that fits several known ids equally well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct AmbiguousName<I> {
    pub written: String,
    pub candidates: Vec<I>,
}

/// The outcome of [`match_names`]: every input name is in exactly one list, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct NameMatch<I> {
    pub matched: Vec<MatchedName<I>>,
    pub ambiguous: Vec<AmbiguousName<I>>,
    /// Names matching nothing, as written, for the user to map or create.
    pub unknown: Vec<String>,
}

impl<I: Clone + PartialEq> NameMatch<I> {
    /// The matched ids without repeats, in order.
    pub fn ids(&self) -> Vec<I> {
        let mut out: Vec<I> = Vec::new();
        for m in &self.matched {
            if !out.contains(&m.id) {
                out.push(m.id.clone());
            }
        }
        out
    }

    /// Whether every name matched exactly one id.
    pub fn is_complete(&self) -> bool {
        self.ambiguous.is_empty() && self.unknown.is_empty()
    }
}

/// One matching tier: whether a known unit fits the name.
type Fits<'a, I> = &'a dyn Fn(&KnownName<I>) -> bool;

/// Matches each name to the known units, tier by tier: the name, then an alias, then the name
/// or an alias with a city prefix (`永康市`, `永康`, `市`) added or removed. The first tier with
/// any candidate decides: one id → matched, several → ambiguous; no tier → unknown.
pub fn match_names<I: Clone + PartialEq, S: AsRef<str>>(
    names: &[S],
    known: &[KnownName<I>],
) -> NameMatch<I> {
    let mut result = NameMatch {
        matched: Vec::new(),
        ambiguous: Vec::new(),
        unknown: Vec::new(),
    };
    for written in names {
        let written = written.as_ref().trim().to_string();
        let key = normalise_name(&written);
        let by_name = |k: &KnownName<I>| normalise_name(&k.name) == key;
        let by_alias = |k: &KnownName<I>| k.aliases.iter().any(|a| normalise_name(a) == key);
        let mine = variants(&key);
        let by_prefix = |k: &KnownName<I>| {
            std::iter::once(&k.name)
                .chain(&k.aliases)
                .flat_map(|n| variants(&normalise_name(n)))
                .any(|v| mine.contains(&v))
        };
        let tiers: [Fits<'_, I>; 3] = [&by_name, &by_alias, &by_prefix];
        let candidates = if key.is_empty() {
            Vec::new()
        } else {
            tiers
                .iter()
                .map(|fits| {
                    let mut ids: Vec<I> = Vec::new();
                    for k in known.iter().filter(|k| fits(k)) {
                        if !ids.contains(&k.id) {
                            ids.push(k.id.clone());
                        }
                    }
                    ids
                })
                .find(|ids| !ids.is_empty())
                .unwrap_or_default()
        };
        match candidates.len() {
            0 => result.unknown.push(written),
            1 => result.matched.push(MatchedName {
                written,
                id: candidates[0].clone(),
            }),
            _ => result.ambiguous.push(AmbiguousName {
                written,
                candidates,
            }),
        }
    }
    result
}

#[cfg(test)]
#[path = "units_tests.rs"]
mod tests;
