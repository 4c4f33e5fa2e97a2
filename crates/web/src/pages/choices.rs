//! Dropdown helpers shared by the admin pages: one option of a `<select>`, unit names indented
//! by their depth in the tree, and the labels of coded values (roles, unit kinds).

use crate::i18n::{Lang, has, tr};

/// One option of a dropdown.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Indents a unit's name by its depth in the tree (for dropdowns).
pub(crate) fn indented(name: &str, depth: usize) -> String {
    format!("{}{}", "\u{3000}".repeat(depth.min(8)), name)
}

/// A role's label, or the role code itself when it has none.
pub(crate) fn role_label(lang: Lang, role: &str) -> String {
    let key = format!("role.{role}");
    if has(lang, &key) {
        tr(lang, &key)
    } else {
        role.to_string()
    }
}

/// A unit kind's label, or the kind code itself when it has none.
pub(crate) fn kind_label(lang: Lang, kind: &str) -> String {
    let key = format!("departments_page.kind.{kind}");
    if has(lang, &key) {
        tr(lang, &key)
    } else {
        kind.to_string()
    }
}
