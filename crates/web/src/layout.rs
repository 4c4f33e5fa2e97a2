//! The page shell: side menu (only the modules that exist and the caller may use),
//! breadcrumbs, user menu with the unread count, flash message.

use wujin_domain::access::{Permission, Role};

use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::state::AppState;

pub struct MenuItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

pub struct MenuGroup {
    pub title: String,
    pub items: Vec<MenuItem>,
}

pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

/// Everything `base.html` needs; every page template has one as `page`.
pub struct PageCtx {
    pub lang: Lang,
    pub title: String,
    pub user_name: String,
    pub username: String,
    pub role_label: String,
    pub unread: u64,
    pub menu: Vec<MenuGroup>,
    pub crumbs: Vec<Crumb>,
    pub flash: Option<(String, String)>,
    pub request_id: String,
    /// The language switcher: the other language's code and name, and the page to come back
    /// to after the choice is saved.
    pub other_lang: &'static str,
    pub other_lang_label: String,
    pub current_path: String,
}

impl PageCtx {
    /// Translates a catalogue key.
    pub fn t(&self, key: &str) -> String {
        tr(self.lang, key)
    }

    /// Translates a key with one `{name}` placeholder (templates cannot build slices).
    pub fn tf1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        trf(self.lang, key, &[(name, &value.to_string())])
    }

    /// Translates `prefix.value`, falling back to the raw value for unknown ones (e.g. an
    /// audit entity name that no catalogue lists).
    pub fn t_or(&self, prefix: &str, value: &str) -> String {
        let key = format!("{prefix}.{value}");
        if crate::i18n::has(self.lang, &key) {
            tr(self.lang, &key)
        } else {
            value.to_string()
        }
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// 2022年2月15日 / 2022-02-15 (the platform's time zone is China Standard Time).
    pub fn date(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let local = t.with_timezone(&china_tz());
        match self.lang {
            Lang::ZhCn => local.format("%Y年%-m月%-d日").to_string(),
            Lang::En => local.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn datetime(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let local = t.with_timezone(&china_tz());
        match self.lang {
            Lang::ZhCn => local.format("%Y年%-m月%-d日 %H:%M").to_string(),
            Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    pub fn opt_datetime(&self, t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
        t.as_ref()
            .map(|t| self.datetime(t))
            .unwrap_or_else(|| "—".to_string())
    }

    /// Shows an audit timestamp (stored as RFC 3339 text) in local time.
    pub fn datetime_str(&self, s: &str) -> String {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| {
                let local = t.with_timezone(&china_tz());
                match self.lang {
                    Lang::ZhCn => local.format("%Y年%-m月%-d日 %H:%M:%S").to_string(),
                    Lang::En => local.format("%Y-%m-%d %H:%M:%S").to_string(),
                }
            })
            .unwrap_or_else(|_| s.to_string())
    }
}

pub use wujin_domain::tz::china_tz;

fn menu(user: &CurrentUser) -> Vec<MenuGroup> {
    let a = user.actor();
    let path = user.path.as_str();
    let item = |href: &'static str, key: &str| MenuItem {
        href,
        label: tr(user.lang, key),
        active: if href == "/" {
            path == "/"
        } else {
            path == href || path.starts_with(&format!("{href}/"))
        },
    };
    let mut groups = vec![MenuGroup {
        title: tr(user.lang, "menu.group.workbench"),
        items: vec![
            item("/", "menu.home"),
            item("/notifications", "menu.notifications"),
        ],
    }];
    let mut registry = Vec::new();
    if a.can(Permission::ViewEnterprises) {
        registry.push(item("/enterprises", "menu.enterprises"));
        registry.push(item("/figures", "menu.figures"));
    }
    if a.can(Permission::ManageEnterprises) || a.can(Permission::EditFigures) {
        registry.push(item("/imports", "menu.imports"));
    }
    if !registry.is_empty() {
        groups.push(MenuGroup {
            title: tr(user.lang, "menu.group.registry"),
            items: registry,
        });
    }
    let mut evaluation = Vec::new();
    if a.can(Permission::ViewEvaluation) {
        // The results item covers the run pages; the other items have their own paths.
        let mut results = item("/evaluation", "menu.evaluation.results");
        results.active = path == "/evaluation"
            || path.starts_with("/evaluation/runs")
            || path.starts_with("/evaluation/migration");
        evaluation.push(results);
        if a.role != Role::Cadre {
            evaluation.push(item("/evaluation/objections", "menu.evaluation.objections"));
        }
        evaluation.push(item("/evaluation/measures", "menu.evaluation.measures"));
        if a.role != Role::Enterprise {
            evaluation.push(item("/evaluation/schemes", "menu.evaluation.schemes"));
        }
        if !matches!(a.role, Role::Enterprise | Role::Cadre) {
            evaluation.push(item("/low-end", "menu.evaluation.low_end"));
        }
    }
    if !evaluation.is_empty() {
        groups.push(MenuGroup {
            title: tr(user.lang, "menu.group.evaluation"),
            items: evaluation,
        });
    }
    {
        // 三服务: everyone; a firm sees its own problems.
        let mut problems = item("/service", "menu.service.problems");
        problems.active = path == "/service" || path.starts_with("/service/problems");
        let mut service = vec![problems];
        if a.role == Role::Enterprise {
            service[0].label = tr(user.lang, "menu.service.mine");
            let mut new = item("/service/problems/new", "menu.service.report");
            new.active = path == "/service/problems/new";
            service[0].active = service[0].active && !new.active;
            service.push(new);
        } else {
            service.push(item("/service/commitments", "menu.service.commitments"));
            service.push(item("/service/visits", "menu.service.visits"));
            service.push(item("/service/coverage", "menu.service.coverage"));
            if a.role != Role::Cadre {
                service.push(item("/service/stats", "menu.service.stats"));
            }
        }
        groups.push(MenuGroup {
            title: tr(user.lang, "menu.group.service"),
            items: service,
        });
    }
    if a.can(Permission::ViewSupervision) {
        groups.push(MenuGroup {
            title: tr(user.lang, "menu.group.supervision"),
            items: vec![item("/supervision", "menu.supervision.plans")],
        });
    }
    let mut admin = Vec::new();
    if a.can(Permission::ViewUsers) {
        admin.push(item("/admin/users", "menu.users"));
    }
    if a.can(Permission::ViewDepartments) {
        admin.push(item("/admin/departments", "menu.departments"));
    }
    if a.can(Permission::ViewAudit) {
        admin.push(item("/admin/audit", "menu.audit"));
    }
    if a.can(Permission::ViewLoginLog) {
        admin.push(item("/admin/login-log", "menu.login_log"));
    }
    if a.can(Permission::ViewCalendar) {
        admin.push(item("/admin/calendar", "menu.calendar"));
    }
    // Those who read the registry may see its dictionaries; the menu offers them to
    // administrators and to those who already have a system menu.
    if a.can(Permission::ManageDictionaries)
        || (a.can(Permission::ViewEnterprises) && !admin.is_empty())
    {
        admin.push(item("/admin/dictionaries", "menu.dictionaries"));
    }
    if !admin.is_empty() {
        groups.push(MenuGroup {
            title: tr(user.lang, "menu.group.system"),
            items: admin,
        });
    }
    groups.push(MenuGroup {
        title: tr(user.lang, "menu.group.personal"),
        items: vec![
            item("/account", "menu.account"),
            item("/api/docs", "menu.api_docs"),
        ],
    });
    groups
}

/// Builds the shell of a page. `crumbs` are (catalogue key or text, link) pairs after "home";
/// the last one is the current page.
pub async fn page_ctx(
    state: &AppState,
    user: &CurrentUser,
    title_key: &str,
    crumbs: &[(&str, Option<&str>)],
    flash: Option<&str>,
) -> PageCtx {
    let lang = user.lang;
    let unread = wujin_app::notifications::unread_count(&state.app, &user.ctx)
        .await
        .unwrap_or(0);
    let mut cs = vec![Crumb {
        label: tr(lang, "menu.home"),
        href: Some("/".into()),
    }];
    for (label, href) in crumbs {
        // A catalogue key is translated; anything else (a user's or unit's name) is shown as is.
        let label = if crate::i18n::has(lang, label) {
            tr(lang, label)
        } else {
            label.to_string()
        };
        cs.push(Crumb {
            label,
            href: href.map(str::to_string),
        });
    }
    let flash = flash
        .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(|k| ("success".to_string(), tr(lang, &format!("flash.{k}"))));
    let other = match lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    };
    let a = user.actor();
    PageCtx {
        lang,
        title: tr(lang, title_key),
        user_name: a.display_name.clone(),
        username: a.username.clone(),
        role_label: trf(lang, &format!("role.{}", a.role.as_str()), &[]),
        unread,
        menu: menu(user),
        crumbs: cs,
        flash,
        request_id: user.ctx.meta.request_id.clone(),
        other_lang: other.code(),
        other_lang_label: tr(other, "lang.self"),
        current_path: user.path.clone(),
    }
}
