//! The demo's 三服务: a year of cadres' visits to the firms they look after — most visited
//! every few months, some not for half a year — with the problems raised on them, and problems
//! the firms reported themselves, the towns sent in and the 12345 hotline passed on. Each
//! problem runs its course through the use-cases on the days it fell: assigned (now and then
//! late, returned or with a co-department), handled, waiting for the firm's material, answered,
//! closed — solved, deferred or not permitted — and rated, some 不满意 and reopened one level
//! up. The recent ones are still open at every stage, a few are long overdue and escalated by
//! the daily check. Departments get a head and a leader in charge. Deterministic: the same day
//! gives the same demo.

mod content;

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use wujin_domain::calendar::WorkingCalendar;
use wujin_domain::demo_city::rng::DemoRng;
use wujin_domain::service::case::CaseAction;
use wujin_domain::service::problem::Complexity;
use wujin_storage::entity::{app_user, department, enterprise, enterprise_cadre, problem};

use self::content::{ATTENDEES, LEADERS_IN_CHARGE, PROBLEMS, STAFF, VISIT_SUMMARIES, lead_for};
use crate::App;
use crate::audit::{self, Change};
use crate::context::{Actor, Ctx, RequestMeta};
use crate::error::{AppError, AppResult};
use crate::service::problems::{self, CaseStep, NewProblem};
use crate::service::visits::{self, NewVisit};

/// What the demo's service loop holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoService {
    pub today: NaiveDate,
    pub visits: usize,
    pub problems: usize,
}

/// [`fill_service_on`] on the demo's day.
pub async fn fill_service(app: &App) -> AppResult<Option<DemoService>> {
    let calendar = crate::calendar::current(app.db.read()).await?;
    let today = crate::demo_supervision::demo_day(&calendar, crate::china_today());
    fill_service_on(app, today).await
}

async fn ctx_of(app: &App, username: &str) -> AppResult<Ctx> {
    let u = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(app.db.read())
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo user {username} is missing")))?;
    Ok(Ctx::new(Actor::from_user(&u)?, RequestMeta::cli()))
}

/// One problem to run through its course.
struct Case {
    id: i64,
    received: NaiveDate,
    category: String,
    town_code: String,
    town_level: bool,
    own_firm: bool,
}

struct World<'a> {
    app: &'a App,
    cal: WorkingCalendar,
    today: NaiveDate,
    office: Ctx,
    rater: Ctx,
    firm: Ctx,
    staff: HashMap<String, Ctx>,
    units: HashMap<String, i64>,
}

/// Adds the demo's visits and problems, running up to `today`, to a demo database that has no
/// problem yet. Returns `None` when there is nothing to do.
pub async fn fill_service_on(app: &App, today: NaiveDate) -> AppResult<Option<DemoService>> {
    if problem::Entity::find().count(app.db.read()).await? > 0 {
        return Ok(None);
    }
    let cal = crate::calendar::current(app.db.read()).await?;
    let units: HashMap<String, i64> = department::Entity::find()
        .all(app.db.read())
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let mut staff = HashMap::new();
    for (code, username) in STAFF {
        staff.insert((*code).to_string(), ctx_of(app, username).await?);
    }
    let w = World {
        app,
        cal,
        today,
        office: ctx_of(app, "dept").await?,
        rater: ctx_of(app, "jxj_lv").await?,
        firm: ctx_of(app, "firm").await?,
        staff,
        units,
    };
    w.escalation_contacts().await?;
    let mut rng = DemoRng::new(0x5EE_2026);
    let (visits, mut cases) = w.visits(&mut rng).await?;
    cases.extend(w.reports(&mut rng).await?);
    cases.sort_by_key(|c| (c.received, c.id));
    for c in &cases {
        w.run(c, &mut rng).await?;
    }
    crate::service::reminders::run(app, today, "demo").await?;
    Ok(Some(DemoService {
        today,
        visits,
        problems: cases.len(),
    }))
}

fn pick<'a, T>(rng: &mut DemoRng, items: &'a [T]) -> &'a T {
    rng.choose(items)
}

impl World<'_> {
    /// Heads (the demo staff member) and leaders in charge of the departments.
    async fn escalation_contacts(&self) -> AppResult<()> {
        let ctx = Ctx::cli();
        let users: HashMap<String, i64> = app_user::Entity::find()
            .all(self.app.db.read())
            .await?
            .into_iter()
            .map(|u| (u.username, u.id))
            .collect();
        let tx = self.app.db.begin_write().await?;
        for (code, id) in &self.units {
            let head = STAFF
                .iter()
                .find(|(c, _)| c == code)
                .and_then(|(_, u)| users.get(*u).copied());
            let leader = LEADERS_IN_CHARGE
                .iter()
                .find(|(c, _)| c == code)
                .and_then(|(_, u)| users.get(*u).copied());
            if head.is_none() && leader.is_none() {
                continue;
            }
            let Some(d) = department::Entity::find_by_id(*id).one(&tx).await? else {
                continue;
            };
            let mut am = d.into_active_model();
            am.head_user_id = Set(head);
            am.leader_user_id = Set(leader);
            am.updated_at = Set(crate::now());
            am.update(&tx).await?;
            audit::record(
                &tx,
                &ctx.actor,
                &ctx.meta,
                Change {
                    action: "update",
                    entity: "department",
                    entity_id: id.to_string(),
                    before: None,
                    after: Some(json!({"head_user_id": head, "leader_user_id": leader})),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    fn day_back(&self, rng: &mut DemoRng, max_days: i64) -> NaiveDate {
        let mut d = self.today - Duration::days(rng.range_i64(0, max_days));
        // Visits and reports fall on working days.
        for _ in 0..10 {
            if self.cal.is_working_day(d).unwrap_or(true) {
                break;
            }
            d -= Duration::days(1);
        }
        d
    }

    fn problem_input(rng: &mut DemoRng) -> NewProblem {
        let (category, title, description, _, _) = *pick(rng, PROBLEMS);
        NewProblem {
            category: category.into(),
            title: title.into(),
            description: description.into(),
            urgency: if rng.chance(0.15) { "urgent" } else { "normal" }.into(),
            tags: if rng.chance(0.12) { "产业链" } else { "" }.into(),
            ..Default::default()
        }
    }

    /// A year of visits by the cadres to the firms they look after, with their problems.
    async fn visits(&self, rng: &mut DemoRng) -> AppResult<(usize, Vec<Case>)> {
        let db = self.app.db.read();
        let cadres = app_user::Entity::find()
            .filter(app_user::Column::Role.eq("cadre"))
            .order_by_asc(app_user::Column::Id)
            .all(db)
            .await?;
        let firm_id = self.firm.actor.enterprise_id;
        let mut n = 0;
        let mut cases = Vec::new();
        for c in cadres {
            let ctx = Ctx::new(Actor::from_user(&c)?, RequestMeta::cli());
            let links = enterprise_cadre::Entity::find()
                .filter(enterprise_cadre::Column::UserId.eq(c.id))
                .order_by_asc(enterprise_cadre::Column::EnterpriseId)
                .all(db)
                .await?;
            for l in links {
                let times = *rng.weighted(&[(0usize, 0.12), (1, 0.3), (2, 0.38), (3, 0.2)]);
                let mut dates: Vec<NaiveDate> =
                    (0..times).map(|_| self.day_back(rng, 355)).collect();
                dates.sort();
                dates.dedup();
                for on in dates {
                    let raised = *rng.weighted(&[(0usize, 0.58), (1, 0.32), (2, 0.1)]);
                    let input = NewVisit {
                        enterprise_id: l.enterprise_id,
                        visited_on: Some(on),
                        form: (*pick(rng, &["on_site", "on_site", "meeting", "survey", "phone"]))
                            .into(),
                        attendees: (*pick(rng, ATTENDEES)).into(),
                        summary: (*pick(rng, VISIT_SUMMARIES)).into(),
                        cadre_ids: vec![],
                        problems: (0..raised).map(|_| Self::problem_input(rng)).collect(),
                    };
                    let (_, ids) = visits::create(self.app, &ctx, &input, self.today).await?;
                    n += 1;
                    for (id, p) in ids.into_iter().zip(&input.problems) {
                        cases.push(
                            self.case(id, on, &p.category, firm_id == Some(l.enterprise_id))
                                .await?,
                        );
                    }
                }
            }
        }
        Ok((n, cases))
    }

    async fn case(
        &self,
        id: i64,
        received: NaiveDate,
        category: &str,
        own_firm: bool,
    ) -> AppResult<Case> {
        let p = problem::Entity::find_by_id(id)
            .one(self.app.db.read())
            .await?
            .ok_or(AppError::NotFound)?;
        let town_code = self
            .units
            .iter()
            .find(|(_, v)| Some(**v) == p.town_id)
            .map(|(k, _)| k.clone())
            .unwrap_or_default();
        Ok(Case {
            id,
            received,
            category: category.to_string(),
            town_level: p.level == "town",
            town_code,
            own_firm,
        })
    }

    /// The firm's own reports, the towns' and the hotline's.
    async fn reports(&self, rng: &mut DemoRng) -> AppResult<Vec<Case>> {
        let mut out = Vec::new();
        for _ in 0..6 {
            let on = self.day_back(rng, 330);
            let input = Self::problem_input(rng);
            let id = problems::create(self.app, &self.firm, &input, vec![], on).await?;
            out.push(self.case(id, on, &input.category, true).await?);
        }
        let db = self.app.db.read();
        let towns: Vec<(&str, &str)> = STAFF
            .iter()
            .filter(|(code, _)| {
                !matches!(
                    *code,
                    "zrzyj" | "rsj" | "czj" | "sthjj" | "scjgj" | "swj" | "fgj" | "gdgs" | "tjj"
                )
            })
            .copied()
            .collect();
        for i in 0..90 {
            let (code, _) = *pick(rng, &towns);
            let Some(town_id) = self.units.get(code) else {
                continue;
            };
            let firms: Vec<i64> = enterprise::Entity::find()
                .filter(enterprise::Column::TownId.eq(*town_id))
                .filter(enterprise::Column::Status.eq("operating"))
                .order_by_asc(enterprise::Column::Id)
                .all(db)
                .await?
                .into_iter()
                .map(|e| e.id)
                .collect();
            if firms.is_empty() {
                continue;
            }
            let firm = *pick(rng, &firms);
            let on = self.day_back(rng, 340);
            let mut input = Self::problem_input(rng);
            input.enterprise_id = Some(firm);
            let (ctx, source) = if i % 5 < 3 {
                (&self.staff[code], "town")
            } else {
                (&self.office, "hotline")
            };
            input.source = source.into();
            let id = problems::create(self.app, ctx, &input, vec![], on).await?;
            out.push(self.case(id, on, &input.category, false).await?);
        }
        Ok(out)
    }

    fn after(&self, d: NaiveDate, lo: u32, hi: u32, rng: &mut DemoRng) -> Option<NaiveDate> {
        let n = lo + rng.below(u64::from(hi - lo + 1)) as u32;
        let next = if n == 0 {
            d
        } else {
            self.cal.add_working_days(d, n).ok()?
        };
        (next <= self.today).then_some(next)
    }

    async fn step(&self, ctx: &Ctx, c: &Case, step: CaseStep, on: NaiveDate) -> AppResult<()> {
        problems::act(self.app, ctx, c.id, &step, vec![], on).await
    }

    fn assign(
        &self,
        c: &Case,
        lead: &str,
        co: Option<&str>,
        rng: &mut DemoRng,
        on: NaiveDate,
    ) -> CaseStep {
        let (_, _, _, measure, _) = PROBLEMS
            .iter()
            .find(|p| p.0 == c.category)
            .copied()
            .unwrap_or(PROBLEMS[0]);
        let mut s = CaseStep::new(CaseAction::Assign, "");
        s.lead_department_id = self.units.get(lead).copied();
        s.co_department_ids = co
            .and_then(|x| self.units.get(x).copied())
            .into_iter()
            .collect();
        s.complexity = Some(if rng.chance(0.15) {
            Complexity::Complex
        } else {
            Complexity::General
        });
        if rng.chance(0.8) {
            s.measure = Some(measure.to_string());
            s.measure_due = Some(on + Duration::days(rng.range_i64(10, 40)));
        }
        s
    }

    /// Runs one problem through its course, as far as the demo's day allows.
    async fn run(&self, c: &Case, rng: &mut DemoRng) -> AppResult<()> {
        let (_, _, _, _, answer) = PROBLEMS
            .iter()
            .find(|p| p.0 == c.category)
            .copied()
            .unwrap_or(PROBLEMS[0]);
        let dispatcher = if c.town_level {
            self.staff.get(&c.town_code).unwrap_or(&self.office)
        } else {
            &self.office
        };
        let (mut lead, mut co) = if c.town_level {
            (c.town_code.as_str(), None)
        } else {
            let (l, co) = lead_for(&c.category, rng.next_u64());
            (l, co.filter(|_| rng.chance(0.4)))
        };
        let fate = *rng.weighted(&[
            ("normal", 0.66),
            ("returned", 0.05),
            ("info", 0.1),
            ("deferred", 0.06),
            ("not_permitted", 0.04),
            ("dissatisfied", 0.07),
            ("stuck", 0.02),
        ]);
        // Some cases stay at a stage on the demo's day, whatever their age: the lists and the
        // overdue views have something in every state.
        let stop = *rng.weighted(&[
            ("", 0.78),
            ("received", 0.03),
            ("assigned", 0.03),
            ("returned", 0.02),
            ("handling", 0.03),
            ("waiting_firm", 0.03),
            ("answered", 0.03),
            ("closed", 0.03),
            ("reopened", 0.02),
        ]);
        // Old cases rarely stay half-way: most of the open ones are recent.
        let stop = if (self.today - c.received).num_days() > 45 && !rng.chance(0.1) {
            ""
        } else {
            stop
        };
        let fate = match stop {
            "returned" => "returned",
            "waiting_firm" => "info",
            "reopened" => "dissatisfied",
            "answered" | "closed" => "normal",
            _ => fate,
        };
        if stop == "received" {
            return Ok(());
        }
        let Some(mut d) = self.after(c.received, 0, 2, rng) else {
            return Ok(());
        };
        self.step(dispatcher, c, self.assign(c, lead, co, rng, d), d)
            .await?;
        if fate == "returned" {
            let Some(x) = self.after(d, 1, 1, rng) else {
                return Ok(());
            };
            d = x;
            self.step(
                &self.staff[lead],
                c,
                CaseStep::new(
                    CaseAction::Return,
                    "该事项不属于本单位职责，建议交发改局牵头协调。",
                ),
                d,
            )
            .await?;
            if stop == "returned" {
                return Ok(());
            }
            let Some(x) = self.after(d, 0, 1, rng) else {
                return Ok(());
            };
            d = x;
            lead = if lead == "fgj" { "zrzyj" } else { "fgj" };
            co = None;
            self.step(dispatcher, c, self.assign(c, lead, None, rng, d), d)
                .await?;
        }
        if fate == "stuck" || stop == "assigned" {
            return Ok(());
        }
        let handler = &self.staff[lead];
        if let Some(co) = co
            && let Some(x) = self.after(d, 1, 3, rng)
        {
            self.step(
                &self.staff[co],
                c,
                CaseStep::new(CaseAction::Note, "已配合开展现场核实，提供相关政策依据。"),
                x,
            )
            .await?;
        }
        let Some(x) = self.after(d, 1, 4, rng) else {
            return Ok(());
        };
        d = x;
        if fate == "info" {
            self.step(
                handler,
                c,
                CaseStep::new(
                    CaseAction::RequestInfo,
                    "请企业补充项目备案材料和用地（用电）需求测算表。",
                ),
                d,
            )
            .await?;
            if stop == "waiting_firm" {
                return Ok(());
            }
            let Some(x) = self.after(d, 2, 6, rng) else {
                return Ok(());
            };
            d = x;
            let supplier = if c.own_firm { &self.firm } else { dispatcher };
            self.step(
                supplier,
                c,
                CaseStep::new(CaseAction::Supply, "已补充项目备案材料和需求测算表。"),
                d,
            )
            .await?;
        } else {
            self.step(
                handler,
                c,
                CaseStep::new(
                    CaseAction::Note,
                    "已与企业联系，现场了解具体情况，正在研究解决方案。",
                ),
                d,
            )
            .await?;
        }
        if stop == "handling" {
            return Ok(());
        }
        let Some(x) = self.after(d, 1, 5, rng) else {
            return Ok(());
        };
        d = x;
        let close = match fate {
            "deferred" => {
                self.step(
                    handler,
                    c,
                    CaseStep::new(
                        CaseAction::Answer,
                        "受年度指标限制，今年暂无法安排，已列入明年计划。",
                    ),
                    d,
                )
                .await?;
                CaseStep::new(
                    CaseAction::CloseDeferred,
                    "受年度指标限制暂缓办理，明年优先安排，已向企业说明。",
                )
            }
            "not_permitted" => CaseStep::new(
                CaseAction::CloseNotPermitted,
                "经核实，企业诉求不符合现行政策规定，已向企业解释政策依据。",
            ),
            _ => {
                self.step(handler, c, CaseStep::new(CaseAction::Answer, answer), d)
                    .await?;
                if stop == "answered" {
                    return Ok(());
                }
                CaseStep::new(CaseAction::CloseResolved, "问题已解决，企业已确认。")
            }
        };
        let Some(x) = self.after(d, 0, 3, rng) else {
            return Ok(());
        };
        d = x;
        self.step(handler, c, close, d).await?;
        if stop == "closed" {
            return Ok(());
        }
        let rater = if c.own_firm { &self.firm } else { &self.rater };
        let Some(x) = self.after(d, 1, 4, rng) else {
            return Ok(());
        };
        d = x;
        if fate != "dissatisfied" {
            let rating = if rng.chance(0.82) {
                CaseAction::RateSatisfied
            } else {
                CaseAction::RateBasicallySatisfied
            };
            return self.step(rater, c, CaseStep::new(rating, ""), d).await;
        }
        self.step(
            rater,
            c,
            CaseStep::new(
                CaseAction::RateDissatisfied,
                "问题没有实质解决，希望进一步协调。",
            ),
            d,
        )
        .await?;
        if stop == "reopened" {
            return Ok(());
        }
        // The second round, one level up, through the service office.
        let Some(x) = self.after(d, 0, 2, rng) else {
            return Ok(());
        };
        d = x;
        let lead2 = if c.town_level {
            lead_for(&c.category, rng.next_u64()).0
        } else {
            lead
        };
        self.step(&self.office, c, self.assign(c, lead2, None, rng, d), d)
            .await?;
        let handler = &self.staff[lead2];
        let Some(x) = self.after(d, 2, 6, rng) else {
            return Ok(());
        };
        d = x;
        self.step(
            handler,
            c,
            CaseStep::new(CaseAction::Answer, "经分管领导协调，已落实解决方案。"),
            d,
        )
        .await?;
        let Some(x) = self.after(d, 1, 2, rng) else {
            return Ok(());
        };
        d = x;
        self.step(
            handler,
            c,
            CaseStep::new(CaseAction::CloseResolved, "二次办理已解决。"),
            d,
        )
        .await?;
        let Some(x) = self.after(d, 1, 3, rng) else {
            return Ok(());
        };
        self.step(
            rater,
            c,
            CaseStep::new(CaseAction::RateSatisfied, "协调到位。"),
            x,
        )
        .await
    }
}
