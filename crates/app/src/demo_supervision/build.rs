//! Building a demo plan: its rows (areas, tasks, sub-tasks) created through the use-cases,
//! targets and milestones, the history replayed; and the notices and the extension request
//! of the work report.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use wujin_domain::supervision::cycle::{CyclePeriod, CycleRules, ReportCycle};
use wujin_domain::supervision::deadline::{Deadline, parse_deadline};
use wujin_domain::supervision::escalation::NoticeAction;
use wujin_storage::entity::{supervision_notice, supervision_task, task_milestone};

use super::content::{self, Area};
use super::fates::{self, Fate, Planned, Rng};
use super::history::{self, Replay};
use crate::App;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::supervision::plans::{self, NewPlan};
use crate::supervision::tasks::{self, NewTask};
use crate::supervision::{notices, requests};

/// One row to create: an area, a task or a sub-task.
struct Row<'a> {
    /// Index of the parent row.
    parent: Option<usize>,
    level: u8,
    serial: String,
    content: &'a str,
    lead: Option<&'a str>,
    co: &'a [&'a str],
    deadline: &'a str,
    leader: usize,
    target: Option<content::Target>,
}

fn rows(areas: &[Area]) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for area in areas {
        let a = out.len();
        out.push(Row {
            parent: None,
            level: 0,
            serial: area.serial.into(),
            content: area.content,
            lead: None,
            co: &[],
            deadline: "",
            leader: area.leader,
            target: None,
        });
        for (ti, t) in area.tasks.iter().enumerate() {
            let k = out.len();
            out.push(Row {
                parent: Some(a),
                level: 1,
                serial: (ti + 1).to_string(),
                content: t.content,
                lead: Some(t.lead),
                co: t.co,
                deadline: t.deadline,
                leader: area.leader,
                target: t.target,
            });
            for (si, (content, lead, deadline)) in t.subs.iter().enumerate() {
                out.push(Row {
                    parent: Some(k),
                    level: 2,
                    serial: format!("（{}）", si + 1),
                    content,
                    lead: Some(lead),
                    co: &[],
                    deadline,
                    leader: area.leader,
                    target: None,
                });
            }
        }
    }
    out
}

/// The last day of a month.
fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    ReportCycle::new(CyclePeriod::Monthly, year, month).map(|c| c.end())
}

/// `12月4日前`, or `12月底前` on a month's last day.
fn phrase(d: NaiveDate) -> String {
    if month_end(d.year(), d.month()) == Some(d) {
        format!("{}月底前", d.month())
    } else {
        format!("{}月{}日前", d.month(), d.day())
    }
}

/// What every plan of the demo is made with.
pub(super) struct World<'a> {
    pub app: &'a App,
    pub office: &'a Ctx,
    pub units: &'a HashMap<String, i64>,
    pub staff: &'a HashMap<i64, Ctx>,
    pub leaders: &'a [i64],
    pub today: NaiveDate,
}

impl World<'_> {
    fn unit(&self, code: &str) -> AppResult<i64> {
        self.units
            .get(code)
            .copied()
            .ok_or_else(|| AppError::Internal(format!("demo unit {code} is missing")))
    }

    /// Creates a plan with its tasks, targets and milestones, and replays its history.
    pub async fn plan(
        &self,
        name: &str,
        description: &str,
        period: CyclePeriod,
        areas: &[Area],
        seed: u64,
    ) -> AppResult<(i64, Vec<Planned>)> {
        let (app, office, today) = (self.app, self.office, self.today);
        let year = today.year();
        let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
        let plan = plans::create(
            app,
            office,
            NewPlan {
                name: name.into(),
                year,
                description: Some(description.into()),
                report_period: Some(
                    match period {
                        CyclePeriod::Monthly => "monthly",
                        CyclePeriod::Quarterly => "quarterly",
                    }
                    .into(),
                ),
                ..Default::default()
            },
        )
        .await?;
        let rules = CycleRules {
            period,
            due_day: plan.report_due_day,
        };
        let cycles = fates::cycles(&rules, year, today);
        let past = cycles.len().saturating_sub(1);
        let rows = rows(areas);
        let tasks: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].level > 0).collect();
        let deadlines: Vec<(Option<NaiveDate>, bool)> = tasks
            .iter()
            .map(|i| match parse_deadline(rows[*i].deadline, year) {
                Ok(d @ Deadline::On(_)) => (d.final_date(year), true),
                Ok(d) => (d.final_date(year), false),
                Err(_) => (None, false),
            })
            .collect();
        let index = |d: NaiveDate| {
            cycles
                .iter()
                .position(|c| c.start() <= d && d <= c.end())
                .unwrap_or(past)
        };
        let mut rng = Rng::new(seed);
        let fates = fates::fates(&deadlines, start, today, past, &index, &mut rng);

        // Create the rows in order; a blue task's deadline is brought to within days.
        let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
        let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
        let mut planned = Vec::new();
        let mut fate_of = tasks.iter().zip(&fates).zip(&deadlines);
        for row in &rows {
            let mut deadline_text = row.deadline.to_string();
            let mut info = None;
            if row.level > 0
                && let Some(((_, fate), (deadline, _))) = fate_of.next()
            {
                let mut deadline = *deadline;
                if *fate == Fate::Blue {
                    let d = (today + Duration::days(4)).min(year_end);
                    deadline_text = phrase(d);
                    deadline = Some(d);
                }
                info = Some((*fate, deadline));
            }
            let lead = row.lead.map(|c| self.unit(c)).transpose()?;
            let co = row
                .co
                .iter()
                .map(|c| self.unit(c))
                .collect::<AppResult<Vec<i64>>>()?;
            let t = tasks::add(
                app,
                office,
                NewTask {
                    plan_id: plan.id,
                    parent_id: row.parent.map(|p| ids[p]),
                    serial: row.serial.clone(),
                    content: row.content.into(),
                    lead_leader_id: (row.level > 0).then(|| self.leaders[row.leader]),
                    lead_unit_id: lead,
                    co_unit_ids: co.clone(),
                    deadline_text: (row.level > 0).then_some(deadline_text),
                    start_on: None,
                },
            )
            .await?;
            ids.push(t.id);
            if let (Some((fate, deadline)), Some(lead)) = (info, lead) {
                planned.push(Planned {
                    id: t.id,
                    content: row.content.into(),
                    lead_unit: lead,
                    co_unit: co.first().copied(),
                    start,
                    deadline,
                    target: row.target.map(|(_, b, t, u)| (b, t, u.to_string())),
                    fate,
                });
            }
        }
        self.targets(&rows, &ids).await?;
        let milestones = self.milestones(&planned).await?;
        Replay {
            app,
            office,
            plan_id: plan.id,
            rules,
            today,
            tasks: &planned,
            staff: self.staff,
            milestones: &milestones,
            seed,
        }
        .run()
        .await?;
        Ok((plan.id, planned))
    }

    /// The quantitative targets (量化指标) of the tasks that have one; audited.
    async fn targets(&self, rows: &[Row<'_>], ids: &[i64]) -> AppResult<()> {
        let tx = self.app.db.begin_write().await?;
        let mut changes = Vec::new();
        for (row, id) in rows.iter().zip(ids) {
            let Some((metric, baseline, target, unit)) = row.target else {
                continue;
            };
            let Some(t) = supervision_task::Entity::find_by_id(*id).one(&tx).await? else {
                continue;
            };
            let mut am = t.into_active_model();
            am.metric = Set(Some(metric.into()));
            am.baseline = Set(Some(baseline));
            am.target = Set(Some(target));
            am.target_unit = Set(Some(unit.into()));
            am.update(&tx).await?;
            changes.push(Change {
                action: "update",
                entity: "supervision_task",
                entity_id: id.to_string(),
                before: Some(json!({"metric": null, "baseline": null, "target": null, "target_unit": null})),
                after: Some(json!({"metric": metric, "baseline": baseline, "target": target, "target_unit": unit})),
            });
        }
        audit::record_many(&tx, &self.office.actor, &self.office.meta, changes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Milestones (节点): monthly for the tasks that miss one and for some on track, quarterly
    /// for the task that misses a quarter's. Returns (task, due, missed on purpose).
    async fn milestones(&self, planned: &[Planned]) -> AppResult<Vec<(i64, NaiveDate, bool)>> {
        let year = self.today.year();
        let mut out = Vec::new();
        let mut greens = 0;
        for t in planned {
            let (months, quarterly): (Vec<u32>, bool) = match t.fate {
                Fate::NodeYellow => ((1..=12).collect(), false),
                Fate::NodeRed => (vec![3, 6, 9, 12], true),
                Fate::Green => {
                    greens += 1;
                    match t.deadline {
                        Some(d) if greens % 8 == 3 && d.year() == year => {
                            ((1..=d.month()).collect(), false)
                        }
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let dues: Vec<NaiveDate> = months.iter().filter_map(|m| month_end(year, *m)).collect();
            // The node missed on purpose: the latest one already due.
            let missed = matches!(t.fate, Fate::NodeYellow | Fate::NodeRed)
                .then(|| dues.iter().rev().find(|d| **d < self.today).copied())
                .flatten();
            let last = dues.len();
            for (k, due) in dues.into_iter().enumerate() {
                out.push((t.id, due, Some(due) == missed, quarterly, k + 1, last));
            }
        }
        let tx = self.app.db.begin_write().await?;
        let mut changes = Vec::new();
        for (task, due, _, quarterly, k, last) in &out {
            let title = if *quarterly {
                format!("{}季度：完成年度目标的{}%", k, k * 100 / last)
            } else {
                format!("{}月底：完成年度目标的{}%", due.month(), k * 100 / last)
            };
            let m = task_milestone::ActiveModel {
                task_id: Set(*task),
                kind: Set(if *quarterly { "quarterly" } else { "monthly" }.into()),
                title: Set(title),
                due_on: Set(*due),
                done_at: Set(None),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            changes.push(Change {
                action: "create",
                entity: "task_milestone",
                entity_id: m.id.to_string(),
                before: None,
                after: Some(json!({"task_id": m.task_id, "kind": m.kind, "title": m.title, "due_on": m.due_on})),
            });
        }
        audit::record_many(&tx, &self.office.actor, &self.office.meta, changes).await?;
        tx.commit().await?;
        Ok(out
            .into_iter()
            .map(|(t, d, missed, ..)| (t, d, missed))
            .collect())
    }

    /// Three 督办单 on red tasks this month, the first answered; and an extension request on a
    /// task due within days, waiting for the office.
    pub async fn supervise(&self, planned: &[Planned]) -> AppResult<()> {
        let (app, office, today) = (self.app, self.office, self.today);
        let month_start = today.with_day(1).unwrap_or(today);
        let issued_on = (today - Duration::days(6)).max(month_start);
        let red = planned
            .iter()
            .filter(|t| matches!(t.fate, Fate::Red | Fate::Overdue | Fate::NodeRed));
        for (k, t) in red.take(3).enumerate() {
            let answer_by = today + Duration::days(7);
            let n = notices::issue(
                app,
                office,
                t.id,
                &format!(
                    "你单位牵头的“{}”任务进度滞后，请于{}前书面报送滞后原因、整改措施和完成时限。",
                    t.content, answer_by
                ),
                answer_by,
                today,
            )
            .await?;
            let answered_on = (issued_on + Duration::days(3)).min(today);
            if k == 0
                && let Some(unit) = self.staff.get(&t.lead_unit)
            {
                notices::act(
                    app,
                    unit,
                    n.id,
                    NoticeAction::Answer,
                    "已召开专题会议分析滞后原因，落实专人专班，倒排工期，确保下月赶上序时进度。",
                    None,
                )
                .await?;
            }
            // The demo's history: the notice issued (and answered) on the days they fell.
            let db = app.db.write();
            if let Some(m) = supervision_notice::Entity::find_by_id(n.id).one(db).await? {
                let answered = m.answered_at.is_some();
                let mut am = m.into_active_model();
                am.issued_at = Set(history::morning(issued_on));
                if answered {
                    am.answered_at = Set(Some(history::morning(answered_on)));
                }
                am.update(db).await?;
            }
        }
        if let Some(t) = planned.iter().find(|t| t.fate == Fate::Blue)
            && let (Some(unit), Some(deadline)) = (self.staff.get(&t.lead_unit), t.deadline)
        {
            requests::request_extension(
                app,
                unit,
                t.id,
                deadline + Duration::days(30),
                "项目设备进口清关延误，安装调试需延后一个月，申请延期一个月。",
                today,
            )
            .await?;
        }
        Ok(())
    }
}
