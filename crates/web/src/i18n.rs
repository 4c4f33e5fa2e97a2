//! The message catalogues: Simplified Chinese (default) and English. Every string a person
//! reads comes from here. A key missing from a catalogue renders as `⟦key⟧`, which the tests
//! and the browser smoke test look for.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "i18n/"]
struct CatalogueFiles;

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Accepts "zh-CN", "zh", "en", "en-US" …
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// One language's messages, flattened to dotted keys.
pub type Catalogue = BTreeMap<String, String>;

fn flatten(prefix: &str, v: &toml::Value, out: &mut Catalogue) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Loads one language from its folder of TOML files. Panics on a malformed or duplicated key:
/// the catalogues ship inside the binary and a test loads them.
pub fn load(lang: Lang) -> Catalogue {
    let mut out = Catalogue::new();
    let prefix = format!("{}/", lang.code());
    let mut files: Vec<_> = CatalogueFiles::iter()
        .filter(|f| f.starts_with(&prefix))
        .collect();
    files.sort();
    for f in files {
        let file = CatalogueFiles::get(&f).expect("embedded file");
        let text = std::str::from_utf8(&file.data).expect("catalogue is UTF-8");
        let v: toml::Value = toml::from_str(text).unwrap_or_else(|e| panic!("catalogue {f}: {e}"));
        let mut part = Catalogue::new();
        flatten("", &v, &mut part);
        for (k, v) in part {
            if out.insert(k.clone(), v).is_some() {
                panic!("catalogue {f}: key {k} defined twice");
            }
        }
    }
    out
}

fn catalogues() -> &'static [Catalogue; 2] {
    static C: OnceLock<[Catalogue; 2]> = OnceLock::new();
    C.get_or_init(|| [load(Lang::ZhCn), load(Lang::En)])
}

/// Looks a key up; a missing key renders as `⟦key⟧`.
pub fn tr(lang: Lang, key: &str) -> String {
    let c = &catalogues()[lang as usize];
    match c.get(key) {
        Some(s) => s.clone(),
        None => format!("⟦{key}⟧"),
    }
}

/// Looks a key up and replaces `{name}` placeholders.
pub fn trf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = tr(lang, key);
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// Whether a key exists (used to translate optional keys such as a stored role name).
pub fn has(lang: Lang, key: &str) -> bool {
    catalogues()[lang as usize].contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let zh = load(Lang::ZhCn);
        let en = load(Lang::En);
        let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        assert!(only_zh.is_empty(), "keys missing in English: {only_zh:?}");
        assert!(only_en.is_empty(), "keys missing in Chinese: {only_en:?}");
        assert!(zh.len() > 50, "catalogue suspiciously small: {}", zh.len());
        for (k, v) in zh.iter().chain(en.iter()) {
            assert!(!v.trim().is_empty(), "empty message for {k}");
        }
    }

    #[test]
    fn missing_key_is_marked() {
        assert_eq!(tr(Lang::En, "no.such.key"), "⟦no.such.key⟧");
        assert_eq!(tr(Lang::ZhCn, "app.name"), "永康五金产业转型升级平台");
    }

    /// Every key the code and templates use exists in both catalogues.
    #[test]
    fn every_used_key_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = std::collections::BTreeSet::new();
        let mut stack = vec![root.join("src"), root.join("templates")];
        let re_call = ["t(\"", "tr(\"", "trf(\"", "key: \"", "t_key(\""];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                for pat in re_call {
                    let mut rest = text.as_str();
                    while let Some(i) = rest.find(pat) {
                        rest = &rest[i + pat.len()..];
                        if let Some(end) = rest.find('"') {
                            let key = &rest[..end];
                            if key.contains('.')
                                && !key.contains(' ')
                                && !key.contains('{')
                                && !key.ends_with('.')
                            {
                                used.insert(key.to_string());
                            }
                        }
                    }
                }
            }
        }
        // Keys the app layer produces (error and notification messages) are listed in its
        // sources; the spreadsheet and domain crates produce error keys too.
        for (dir, pats) in [
            ("../app/src", &["\"error.", "\"notify."][..]),
            ("../xlsx/src", &["\"error."][..]),
            ("../domain/src", &["\"error."][..]),
        ] {
            let mut stack = vec![root.join(dir)];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let p = entry.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                        continue;
                    }
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    for pat in pats {
                        let mut rest = text.as_str();
                        while let Some(i) = rest.find(pat) {
                            rest = &rest[i + 1..];
                            if let Some(end) = rest.find('"') {
                                let key = &rest[..end];
                                if !key.contains(' ') && !key.contains('{') && !key.ends_with('.') {
                                    used.insert(key.to_string());
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(
            used.len() > 30,
            "found only {} keys; the scan is broken",
            used.len()
        );
        for lang in Lang::ALL {
            let c = load(lang);
            let missing: Vec<_> = used.iter().filter(|k| !c.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }
}
