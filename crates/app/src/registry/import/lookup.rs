//! Dictionaries and firms an import resolves names against, loaded once per import.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use wujin_domain::access::Role;
use wujin_domain::org::DepartmentKind;
use wujin_storage::entity::{app_user, department, enterprise, industry_group, tag};

use crate::error::AppResult;

/// Folds a name for comparison: full-width to ASCII, spaces and brackets dropped.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）'))
        .collect::<String>()
        .to_lowercase()
}

/// Name → id for one dictionary, matching the full name, the code, and (for towns) the short
/// name; for industry groups also each part of a name like `电动工具/园林工具`.
#[derive(Debug, Default, Clone)]
pub struct NameIndex {
    by_name: HashMap<String, i64>,
    pub names: HashMap<i64, String>,
}

impl NameIndex {
    fn add(&mut self, id: i64, display: &str, aliases: impl IntoIterator<Item = String>) {
        self.names.insert(id, display.to_string());
        self.by_name.entry(fold(display)).or_insert(id);
        for a in aliases {
            let f = fold(&a);
            if !f.is_empty() {
                self.by_name.entry(f).or_insert(id);
            }
        }
    }

    pub fn find(&self, name: &str) -> Option<i64> {
        self.by_name.get(&fold(name)).copied()
    }

    pub fn name(&self, id: i64) -> String {
        self.names.get(&id).cloned().unwrap_or_default()
    }
}

/// Everything names are resolved against.
#[derive(Debug, Default, Clone)]
pub struct Lookup {
    pub towns: NameIndex,
    pub groups: NameIndex,
    pub tags: NameIndex,
    /// username → (id, display name) of users who may be responsible cadres.
    pub cadres: HashMap<String, (i64, String)>,
    pub cadre_names: HashMap<i64, String>,
}

impl Lookup {
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Lookup> {
        let mut l = Lookup::default();
        for d in department::Entity::find().all(db).await? {
            if d.active && DepartmentKind::parse(&d.kind).is_some_and(|k| k.is_town()) {
                let mut aliases = vec![d.code.clone()];
                if let Some(s) = &d.short_name {
                    aliases.push(s.clone());
                }
                // 古山镇 → 古山, 东城街道 → 东城.
                for suffix in ["街道", "镇", "乡"] {
                    if let Some(stem) = d.name.strip_suffix(suffix) {
                        aliases.push(stem.to_string());
                    }
                }
                l.towns.add(d.id, &d.name, aliases);
            }
        }
        for g in industry_group::Entity::find().all(db).await? {
            if !g.active {
                continue;
            }
            let mut aliases = vec![g.code.clone()];
            let base = g
                .name
                .split(['（', '('])
                .next()
                .unwrap_or(&g.name)
                .to_string();
            aliases.push(base.clone());
            aliases.extend(base.split('/').map(str::to_string));
            l.groups.add(g.id, &g.name, aliases);
        }
        for t in tag::Entity::find().all(db).await? {
            if t.active {
                l.tags.add(t.id, &t.name, [t.code.clone()]);
            }
        }
        for u in app_user::Entity::find()
            .filter(app_user::Column::Active.eq(true))
            .all(db)
            .await?
        {
            if Role::parse(&u.role)
                .is_some_and(|r| matches!(r, Role::Cadre | Role::Town | Role::Department))
            {
                l.cadre_names.insert(u.id, u.display_name.clone());
                l.cadres
                    .insert(u.username.to_lowercase(), (u.id, u.display_name));
            }
        }
        Ok(l)
    }
}

/// A firm as imports of land and figures need it.
#[derive(Debug, Clone)]
pub struct FirmRef {
    pub id: i64,
    pub town_id: i64,
    pub name: String,
}

/// Firms by credit code, for the codes given.
pub async fn firms_by_code(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> AppResult<HashMap<String, FirmRef>> {
    let mut out = HashMap::with_capacity(codes.len());
    for chunk in codes.chunks(2_000) {
        let rows: Vec<(i64, String, i64, String)> = enterprise::Entity::find()
            .select_only()
            .column(enterprise::Column::Id)
            .column(enterprise::Column::CreditCode)
            .column(enterprise::Column::TownId)
            .column(enterprise::Column::Name)
            .filter(enterprise::Column::CreditCode.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, code, town_id, name) in rows {
            out.insert(code, FirmRef { id, town_id, name });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_their_usual_variants() {
        let mut idx = NameIndex::default();
        idx.add(1, "古山镇", ["gushan".to_string(), "古山".to_string()]);
        idx.add(
            2,
            "车业（休闲车/电动车/汽摩配）",
            ["车业".to_string(), "vehicles".to_string()],
        );
        assert_eq!(idx.find("古山镇"), Some(1));
        assert_eq!(idx.find(" 古山 "), Some(1));
        assert_eq!(idx.find("GUSHAN"), Some(1));
        assert_eq!(idx.find("车业(休闲车/电动车/汽摩配)"), Some(2));
        assert_eq!(idx.find("车业"), Some(2));
        assert_eq!(idx.find("芝英镇"), None);
    }
}
