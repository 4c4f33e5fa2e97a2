//! The demo plans' history up to the demo's "today", after each task's fate: the lead units' reports and co-units' contributions cycle by cycle — some late, some
//! missing — milestones reached or missed, completions accepted, and the colours recomputed
//! at the end of every past cycle and on today, so the board and the bulletins have a past.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use wujin_domain::supervision::cycle::{CyclePeriod, CycleRules, ReportCycle};
use wujin_storage::entity::{progress_report, supervision_task, task_milestone, task_request};

use super::fates::{Fate, Planned, Rng, cycles, percent};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::supervision::reports::ReportView;
use crate::supervision::{colours, requests};
use crate::{App, now};

const GOOD: &[&str] = &[
    "已召开专题推进会，细化分解年度目标，各项工作按序时进度推进。",
    "已建立工作专班，实行周例会、月通报制度，阶段性任务已完成。",
    "重点项目全部开工，正在开展下一阶段工作。",
    "已完成方案编制并印发实施，配套政策逐项落实。",
];
const BEHIND: &[&str] = &[
    "受原材料价格波动影响，部分项目进度滞后于序时。",
    "项目前期手续办理较慢，实施进度滞后。",
    "企业参与意愿不强，推进难度较大，进度滞后。",
];
const PROBLEMS: &[&str] = &[
    "资金缺口较大，需财政统筹支持。",
    "用地指标尚未落实。",
    "审批环节较多，手续办理周期较长。",
    "企业投资意愿下降，项目落地不及预期。",
];
const NEXT: &[&str] = &[
    "下月将加快推进，倒排工期，确保按期完成。",
    "加强与配合单位对接，每周调度进展。",
    "召开专题协调会，破解要素制约。",
];
const CONTRIBUTIONS: &[&str] = &[
    "配合提供相关数据，参加专题协调会。",
    "已完成职责范围内的审批和服务事项。",
    "已派员驻点指导，协助解决企业困难。",
];

/// One report to write.
struct Filing {
    task: i64,
    unit: i64,
    is_lead: bool,
    progress: String,
    percent: Option<f64>,
    value: Option<f64>,
    problems: Option<String>,
    next_steps: Option<String>,
    filed_on: NaiveDate,
}

/// When a report due on `due` comes in: on time (the last days before), or late.
fn filing_day(due: NaiveDate, late: bool, rng: &mut Rng) -> NaiveDate {
    if late {
        due + Duration::days(rng.range(1, 10))
    } else {
        due - Duration::days(rng.range(0, 4))
    }
}

/// 9:00 China time on `d`.
pub(super) fn morning(d: NaiveDate) -> chrono::DateTime<Utc> {
    let tz = wujin_domain::tz::china_tz();
    d.and_hms_opt(9, 0, 0)
        .and_then(|t| tz.from_local_datetime(&t).single())
        .map_or_else(now, |t| t.with_timezone(&Utc))
}

fn period_text(cycle: ReportCycle) -> String {
    match cycle.period() {
        CyclePeriod::Monthly => format!("截至{}月底", cycle.number()),
        CyclePeriod::Quarterly => format!("截至{}季度末", cycle.number()),
    }
}

/// Everything the replay needs.
pub(super) struct Replay<'a> {
    pub app: &'a App,
    pub office: &'a Ctx,
    pub plan_id: i64,
    pub rules: CycleRules,
    pub today: NaiveDate,
    pub tasks: &'a [Planned],
    /// The unit staff who file each unit's reports.
    pub staff: &'a HashMap<i64, Ctx>,
    /// Milestones by id: (task, due, missed on purpose).
    pub milestones: &'a [(i64, NaiveDate, bool)],
    pub seed: u64,
}

impl Replay<'_> {
    /// Files the reports, reaches the milestones, accepts the completions and recomputes the
    /// colours, cycle by cycle up to today.
    pub async fn run(&self) -> AppResult<()> {
        let year = self.today.year();
        let all = cycles(&self.rules, year, self.today);
        let past = all.len().saturating_sub(1);
        let year_start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(self.today);
        let mut rng = Rng::new(self.seed);
        // Percent of every task and past cycle, drawn once so a task's history is coherent.
        let percents: Vec<Vec<f64>> = self
            .tasks
            .iter()
            .map(|t| {
                // The same draws for every cycle: one final figure, reached step by step.
                let seed = self.seed ^ (t.id as u64).wrapping_mul(0x2545_F491_4F6C_DD1D);
                (0..past)
                    .map(|i| percent(t, i, past, self.today, year_start, &mut Rng::new(seed)))
                    .collect()
            })
            .collect();
        let mut reached = vec![false; self.milestones.len()];
        for (j, cycle) in all.iter().enumerate() {
            let at = if j == past { self.today } else { cycle.end() };
            if j >= 1 {
                self.file(all[j - 1], j - 1, past, &percents, &mut rng)
                    .await?;
                self.complete(j - 1, all[j - 1]).await?;
            }
            self.reach(at, &mut reached).await?;
            colours::recompute(self.app, self.office, self.plan_id, at).await?;
        }
        Ok(())
    }

    /// The reports of past cycle `i`, filed in the days around its due date.
    async fn file(
        &self,
        cycle: ReportCycle,
        i: usize,
        past: usize,
        percents: &[Vec<f64>],
        rng: &mut Rng,
    ) -> AppResult<()> {
        let due = self.rules.due_date(cycle);
        let last = i + 1 == past;
        let mut filings = Vec::new();
        for (k, t) in self.tasks.iter().enumerate() {
            if t.start > cycle.end() || matches!(t.fate, Fate::Done(c) if c < i) {
                continue;
            }
            let behind = matches!(t.fate, Fate::Red | Fate::Overdue | Fate::Yellow);
            let missing = if last {
                matches!(t.fate, Fate::Red | Fate::Overdue) && k.is_multiple_of(2)
            } else {
                behind && rng.unit() < 0.06
            };
            let late = rng.unit() < 0.06 || (last && k % 9 == 1);
            let filed_on = filing_day(due, late, rng);
            if missing || filed_on > self.today {
                continue;
            }
            let p = percents[k][i];
            let value = t
                .target
                .as_ref()
                .map(|(b, target, _)| ((b + (target - b) * p / 100.0) * 100.0).round() / 100.0);
            let value_text = match (&t.target, value) {
                (Some((_, _, unit)), Some(v)) => format!("，累计完成{v}{unit}"),
                _ => String::new(),
            };
            let sentence = if behind {
                *rng.pick(BEHIND)
            } else {
                *rng.pick(GOOD)
            };
            filings.push(Filing {
                task: t.id,
                unit: t.lead_unit,
                is_lead: true,
                progress: format!(
                    "{}，{}{p}%{value_text}。{sentence}",
                    period_text(cycle),
                    if t.deadline.is_some() {
                        "完成年度目标的"
                    } else {
                        "年度工作计划完成"
                    }
                ),
                percent: Some(p),
                value,
                problems: (behind || rng.unit() < 0.1).then(|| rng.pick(PROBLEMS).to_string()),
                next_steps: Some(rng.pick(NEXT).to_string()),
                filed_on,
            });
            if let Some(co) = t.co_unit
                && (i + k).is_multiple_of(2)
            {
                filings.push(Filing {
                    task: t.id,
                    unit: co,
                    is_lead: false,
                    progress: rng.pick(CONTRIBUTIONS).to_string(),
                    percent: None,
                    value: None,
                    problems: None,
                    next_steps: None,
                    filed_on,
                });
            }
        }
        let rows: Vec<progress_report::ActiveModel> = filings
            .into_iter()
            .map(|f| progress_report::ActiveModel {
                task_id: Set(f.task),
                cycle: Set(cycle.label()),
                unit_id: Set(f.unit),
                is_lead: Set(f.is_lead),
                author_id: Set(self.staff.get(&f.unit).and_then(|c| c.actor.id)),
                progress: Set(f.progress),
                percent_complete: Set(f.percent),
                target_value: Set(f.value),
                problems: Set(f.problems),
                next_steps: Set(f.next_steps),
                due_on: Set(due),
                submitted_at: Set(morning(f.filed_on)),
                late: Set(f.filed_on > due),
                ..Default::default()
            })
            .collect();
        let tx = self.app.db.begin_write().await?;
        let mut by_unit: HashMap<i64, Vec<Change<'_>>> = HashMap::new();
        for chunk in rows.chunks(200) {
            let models = progress_report::Entity::insert_many(chunk.to_vec())
                .exec_with_returning(&tx)
                .await?;
            for m in models {
                let unit = m.unit_id;
                let view = ReportView::from(m);
                by_unit.entry(unit).or_default().push(Change {
                    action: "create",
                    entity: "progress_report",
                    entity_id: view.id.to_string(),
                    before: None,
                    after: Some(json!(view)),
                });
            }
        }
        let mut units: Vec<i64> = by_unit.keys().copied().collect();
        units.sort_unstable();
        for u in units {
            let (Some(ctx), Some(changes)) = (self.staff.get(&u), by_unit.remove(&u)) else {
                continue;
            };
            audit::record_many(&tx, &ctx.actor, &ctx.meta, changes).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Tasks finished in cycle `i`: the lead unit asks for completion before the report is
    /// due, the office accepts it just after.
    async fn complete(&self, i: usize, cycle: ReportCycle) -> AppResult<()> {
        let due = self.rules.due_date(cycle);
        for t in self.tasks.iter().filter(|t| t.fate == Fate::Done(i)) {
            let Some(unit) = self.staff.get(&t.lead_unit) else {
                continue;
            };
            let asked = requests::request_completion(
                self.app,
                unit,
                t.id,
                "已完成年度目标任务，相关佐证材料已上传，申请办结。",
            )
            .await?;
            requests::review_completion(self.app, self.office, asked.id, true, "").await?;
            // The demo's history: the request and its acceptance on the days they fell.
            let (asked_on, accepted_on) = (
                (due - Duration::days(2)).min(self.today),
                (due + Duration::days(2)).min(self.today),
            );
            let db = self.app.db.write();
            if let Some(r) = task_request::Entity::find_by_id(asked.id).one(db).await? {
                let mut am = r.into_active_model();
                am.requested_at = Set(morning(asked_on));
                am.decided_at = Set(Some(morning(accepted_on)));
                am.update(db).await?;
            }
            if let Some(task) = supervision_task::Entity::find_by_id(t.id).one(db).await? {
                let mut am = task.into_active_model();
                am.done_at = Set(Some(morning(accepted_on)));
                am.update(db).await?;
            }
        }
        Ok(())
    }

    /// Milestones due a day or more before `at` are reached the day after they fall due,
    /// unless missed on purpose.
    async fn reach(&self, at: NaiveDate, reached: &mut [bool]) -> AppResult<()> {
        let mut ids = Vec::new();
        for (k, (_, due, missed)) in self.milestones.iter().enumerate() {
            if !reached[k] && !missed && *due + Duration::days(1) <= at {
                reached[k] = true;
                ids.push((k, *due));
            }
        }
        if ids.is_empty() {
            return Ok(());
        }
        let tx = self.app.db.begin_write().await?;
        let mut changes = Vec::new();
        for (k, due) in ids {
            let task = self.milestones[k].0;
            let Some(m) = task_milestone::Entity::find()
                .filter(task_milestone::Column::TaskId.eq(task))
                .filter(task_milestone::Column::DueOn.eq(due))
                .one(&tx)
                .await?
            else {
                continue;
            };
            let id = m.id;
            let mut am = m.into_active_model();
            let done = morning(due + Duration::days(1));
            am.done_at = Set(Some(done));
            am.update(&tx).await?;
            changes.push(Change {
                action: "update",
                entity: "task_milestone",
                entity_id: id.to_string(),
                before: Some(json!({"done_at": null})),
                after: Some(json!({"done_at": done})),
            });
        }
        audit::record_many(&tx, &self.office.actor, &self.office.meta, changes).await?;
        tx.commit().await?;
        Ok(())
    }
}
