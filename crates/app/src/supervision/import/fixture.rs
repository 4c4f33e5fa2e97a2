//! A realistic decomposition table to import: 永康市 2022年政府工作报告重点工作任务分解, typed
//! the way an office types it (merged title, a 填报单位 line, areas as merged heading rows, the
//! lead leader merged down several rows, units as officials abbreviate them), for tests and
//! the demonstration.

use wujin_xlsx::write::{DecompositionTable, decomposition_table};

/// The title of the sample table.
pub const SAMPLE_TITLE: &str = "永康市2022年政府工作报告重点工作任务分解表";

/// (area heading, [(task, quantitative target, lead units, co-units)]).
type Area = (
    &'static str,
    &'static [(&'static str, &'static str, &'static str, &'static str)],
);

const AREAS: &[Area] = &[
    (
        "一、聚焦五金产业转型升级，打造世界五金之都",
        &[
            (
                "实施五金产业链链长制，培育电动工具、门业、杯壶等百亿级产业集群",
                "规上工业增加值增长8%",
                "市经信局",
                "市发改局、市市场监管局",
            ),
            (
                "深化“亩均论英雄”改革，完成规上企业亩均效益综合评价",
                "",
                "市经信局",
                "市自然资源和规划局、市税务局\n市统计局",
            ),
            (
                "分类整治提升“低散乱污”企业，腾出用地空间",
                "腾出用地1000亩以上",
                "市经信局",
                "市生态环境分局、古山镇、芝英镇",
            ),
            (
                "新增规上工业企业",
                "新增规上企业100家以上",
                "市经信局",
                "市统计局、市税务局",
            ),
            (
                "实施数字化改造，建设智能工厂和数字化车间",
                "新增数字化车间20个",
                "市经信局",
                "市财政局",
            ),
            (
                "培育国家级专精特新“小巨人”企业和省级隐形冠军",
                "",
                "市经信局",
                "市市场监管局",
            ),
            (
                "推进企业上市和股份制改造",
                "新增上市企业3家",
                "市财政局",
                "市经信局、市发改局",
            ),
            (
                "办好中国五金博览会，拓展国内外市场",
                "",
                "市经信局",
                "市财政局、市市场监管局",
            ),
            (
                "实施品牌战略，培育“浙江制造”标准和品牌",
                "",
                "市市场监管局",
                "市经信局",
            ),
        ],
    ),
    (
        "二、扩大有效投资，增强发展后劲",
        &[
            (
                "推进重大产业项目建设，完成固定资产投资",
                "固定资产投资增长10%",
                "市发改局",
                "市经信局、市自然资源和规划局",
            ),
            (
                "精准招商引资，引进亿元以上产业项目",
                "引进亿元以上项目30个",
                "市发改局",
                "经济开发区",
            ),
            (
                "推进工业用地“标准地”出让和批而未供土地消化",
                "",
                "市自然资源和规划局",
                "市发改局、市经信局",
            ),
            (
                "高标准建设小微企业园",
                "新建小微企业园5个",
                "市经信局",
                "市自然资源和规划局、经济开发区",
            ),
            ("争取地方政府专项债券和上级资金", "", "市财政局", "市发改局"),
            (
                "推进电力基础设施建设，保障企业用电",
                "",
                "供电公司",
                "市发改局、市经信局",
            ),
        ],
    ),
    (
        "三、深化改革开放，激发市场主体活力",
        &[
            (
                "深化“最多跑一次”改革，推进政务服务增值化",
                "",
                "市发改局",
                "市市场监管局",
            ),
            (
                "深入开展“三服务”活动，建立问题清单和落实清单",
                "",
                "市经信局",
                "东城街道、西城街道、江南街道",
            ),
            (
                "落实减税降费政策，帮助企业纾困解难",
                "",
                "市税务局",
                "市财政局、市经信局",
            ),
            (
                "稳住外贸基本盘，扩大五金产品出口",
                "出口增长5%",
                "市经信局",
                "市税务局",
            ),
            (
                "推进跨境电商发展，培育外贸新业态",
                "",
                "市经信局",
                "市市场监管局、市财政局",
            ),
            (
                "加大稳岗就业支持，开展技能人才培训",
                "培训技能人才5000人次",
                "市人力资源和社会保障局",
                "市财政局",
            ),
        ],
    ),
    (
        "四、推进城乡融合，建设美丽永康",
        &[
            (
                "推进城市更新和未来社区建设",
                "",
                "市自然资源和规划局",
                "东城街道、西城街道、江南街道",
            ),
            (
                "实施乡村振兴战略，发展壮大村级集体经济",
                "",
                "市财政局",
                "古山镇、芝英镇、石柱镇",
            ),
            (
                "打好污染防治攻坚战，改善空气质量",
                "PM2.5平均浓度控制在28微克/立方米以内",
                "市生态环境分局",
                "市经信局、供电公司",
            ),
            (
                "推进“五水共治”，保持水环境质量稳定",
                "",
                "市生态环境分局",
                "经济开发区",
            ),
            (
                "推进生活垃圾分类和资源化利用",
                "",
                "市生态环境分局",
                "东城街道、西城街道",
            ),
        ],
    ),
    (
        "五、坚持人民至上，增进民生福祉",
        &[
            (
                "稳定和扩大就业，新增城镇就业",
                "新增城镇就业1.2万人",
                "市人力资源和社会保障局",
                "市经信局",
            ),
            (
                "完善社会保障体系，扩大社会保险覆盖面",
                "",
                "市人力资源和社会保障局",
                "市财政局",
            ),
            (
                "抓好安全生产，防范化解重大风险",
                "",
                "市经信局",
                "市市场监管局、经济开发区",
            ),
            (
                "统筹做好统计监测和经济运行分析",
                "",
                "市统计局",
                "市发改局、市经信局",
            ),
        ],
    ),
    (
        "六、加强政府自身建设",
        &[
            ("严控一般性支出，兜牢“三保”底线", "", "市财政局", "市发改局"),
            (
                "加强督查督办，推动各项工作落地见效",
                "",
                "市政府督查室",
                "市发改局",
            ),
            (
                "推进数字政府建设，提升治理能力",
                "",
                "市发改局",
                "市经信局、市财政局",
            ),
        ],
    ),
];

const DEADLINES: &[&str] = &[
    "2022年6月底",
    "年底前",
    "6月底前",
    "2022-09-30",
    "三季度",
    "上半年",
    "每季度",
    "长期坚持",
    "2022年12月31日",
    "10月底前",
    "持续推进",
    "每月",
];

/// Rows of one task a leader is merged down over, at most.
const LEADER_SPAN: usize = 5;

/// The sample table with `rows` tasks and sub-tasks (areas come on top), as xlsx. The demo's
/// leaders ([`crate::demo_supervision::LEADERS`]) lead the tasks in turn, a few rows each; every name in `unknown_units` (names no unit has)
/// is written among the co-units of two rows, the first also once as a lead unit.
pub fn sample_decomposition_xlsx(rows: usize, unknown_units: &[&str]) -> Vec<u8> {
    let leaders = crate::demo_supervision::LEADERS;
    let leader_of = |block: usize| leaders[block % leaders.len()].1;
    let total: usize = AREAS.iter().map(|(_, t)| t.len()).sum();
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut merges: Vec<(u32, u16, u32, u16)> = Vec::new();
    let mut written = 0usize;
    let mut serial = 0usize;
    let mut block = 0usize;
    for (a, (heading, tasks)) in AREAS.iter().enumerate() {
        // This area's share of the rows, the last area taking the rest.
        let share = if a + 1 == AREAS.len() {
            rows - written
        } else {
            (rows * tasks.len() / total).min(rows - written)
        };
        if share == 0 {
            continue;
        }
        let r = out.len() as u32;
        out.push(vec![heading.to_string(); 8]);
        merges.push((r, 0, r, 7));
        let mut in_area = 0usize;
        let mut span_start: Option<u32> = None;
        let mut k = 0usize;
        while in_area < share {
            let (content, target, lead, co) = tasks[k % tasks.len()];
            let round = k / tasks.len();
            serial += 1;
            let content = if round == 0 {
                content.to_string()
            } else {
                format!("{content}（第{}阶段）", round + 1)
            };
            let deadline = DEADLINES[serial % DEADLINES.len()];
            let row = vec![
                serial.to_string(),
                content.clone(),
                target.to_string(),
                leader_of(block).to_string(),
                lead.to_string(),
                co.to_string(),
                deadline.to_string(),
                String::new(),
            ];
            let at = out.len() as u32;
            out.push(row);
            in_area += 1;
            if span_start.is_none() {
                span_start = Some(at);
            }
            // Every seventh task is split into two sub-tasks when there is room.
            if serial % 7 == 3 && share - in_area >= 2 {
                for n in 1..=2 {
                    out.push(vec![
                        format!("（{n}）"),
                        format!("{content}：第{n}项具体措施"),
                        String::new(),
                        leader_of(block).to_string(),
                        lead.to_string(),
                        String::new(),
                        DEADLINES[(serial + n) % DEADLINES.len()].to_string(),
                        String::new(),
                    ]);
                    in_area += 1;
                }
            }
            let start = span_start.unwrap_or(at);
            let end = out.len() as u32 - 1;
            if (end - start + 1) as usize >= LEADER_SPAN || in_area >= share {
                if end > start {
                    merges.push((start, 3, end, 3));
                }
                span_start = None;
                block += 1;
            }
            k += 1;
        }
        written += share;
    }
    // The unknown names, each on two task rows' co-units; the first also as a lead unit.
    let task_rows: Vec<usize> = (0..out.len())
        .filter(|&i| out[i][0].parse::<usize>().is_ok())
        .collect();
    for (n, name) in unknown_units.iter().enumerate() {
        for pick in [3 + 5 * n, task_rows.len() / 2 + 2 * n] {
            if let Some(&i) = task_rows.get(pick % task_rows.len().max(1)) {
                let co = &mut out[i][5];
                if !co.contains(name) {
                    if !co.is_empty() {
                        co.push('、');
                    }
                    co.push_str(name);
                }
            }
        }
        if n == 0
            && let Some(&i) = task_rows.last()
        {
            out[i][4] = format!("{name}、{}", out[i][4]);
        }
    }
    let table = DecompositionTable {
        sheet: "任务分解".into(),
        title: SAMPLE_TITLE.into(),
        subtitle: Some("填报单位：永康市人民政府督查室　　　　填报日期：2022年2月15日".into()),
        headers: [
            "序号",
            "工作任务",
            "量化指标",
            "牵头市领导",
            "牵头单位",
            "配合单位",
            "完成时限",
            "备注",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows: out,
        merges,
        widths: vec![7.0, 46.0, 22.0, 12.0, 18.0, 26.0, 14.0, 12.0],
    };
    decomposition_table(&table).expect("the sample table is written")
}
