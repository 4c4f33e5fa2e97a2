//! The words of the demo's problems: what Yongkang's hardware firms raise, by category, with
//! the measure a department promises and the answer it gives.

/// (category, title, description, measure, answer)
pub const PROBLEMS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "land",
        "扩产项目用地指标不足",
        "企业新接电动工具整机订单，拟新建2万平方米厂房，现有用地已无空间，申请新增工业用地约20亩。",
        "纳入年度工业用地供应计划，优先安排开发区储备地块",
        "已将项目纳入年度工业用地供应计划，开发区储备地块挂牌后可参与竞买。",
    ),
    (
        "land",
        "厂区内空地申请加层改造",
        "企业厂区容积率较低，拟在原址加层改造，咨询审批流程和容积率调整政策。",
        "指导企业按“零土地技改”流程申报",
        "原址加层属“零土地技改”，容积率提高部分不再增收土地价款，已安排专人指导申报。",
    ),
    (
        "labour",
        "旺季一线工人招工难",
        "下半年订单集中，冲压、抛光岗位缺口约80人，本地招工困难。",
        "组织专场招聘会并对接省外劳务协作基地",
        "已安排企业参加本月五金行业专场招聘会，并对接贵州劳务协作站定向输送。",
    ),
    (
        "labour",
        "技术工人职称评定咨询",
        "企业有30余名高级技工，希望了解技能等级自主评价的申报条件。",
        "指导企业开展技能等级自主评价备案",
        "企业符合自主评价条件，人力社保局已上门指导备案材料。",
    ),
    (
        "financing",
        "技改项目贷款利率偏高",
        "企业实施智能化技改需贷款1500万元，希望享受技改贴息政策。",
        "推荐企业申报技改贷款贴息并对接合作银行",
        "已将企业列入技改贴息名单，合作银行给予LPR减20个基点的优惠利率。",
    ),
    (
        "financing",
        "应收账款回款慢资金周转紧",
        "出口订单回款周期延长至120天，流动资金紧张，希望办理应收账款融资。",
        "对接供应链金融平台开展应收账款质押融资",
        "已对接人民银行应收账款融资服务平台，银行完成500万元授信。",
    ),
    (
        "approval",
        "新建厂房环评审批时间长",
        "企业新建表面处理车间，环评报告已提交，希望加快审批。",
        "开通环评审批绿色通道",
        "环评已纳入绿色通道，审批时限压缩至10个工作日。",
    ),
    (
        "approval",
        "出口产品认证办理咨询",
        "企业出口欧盟的保温杯需办理相关认证，希望得到指导。",
        "组织认证机构上门服务",
        "市场监管局已联系检测认证机构上门服务，完成认证辅导。",
    ),
    (
        "policy_payout",
        "技改补助资金未到位",
        "去年申报的技术改造补助已公示，资金尚未拨付。",
        "核实拨付进度并限期兑现",
        "补助资金已完成审核，本月底前拨付到位。",
    ),
    (
        "policy_payout",
        "研发费用加计扣除政策咨询",
        "企业研发投入增长较快，咨询研发费用加计扣除的口径和办理方式。",
        "税务专员上门辅导加计扣除申报",
        "税务专员已上门辅导，企业本季度可按规定享受加计扣除。",
    ),
    (
        "infrastructure",
        "园区道路破损影响货车通行",
        "园区主干道路面破损严重，大型货车进出困难，雨天积水。",
        "列入年度道路维修计划",
        "道路维修已列入本年度计划，预计下月开工。",
    ),
    (
        "infrastructure",
        "厂区周边缺少公交站点",
        "厂区员工800余人，上下班通勤不便，希望增设公交站点。",
        "协调交通部门优化公交线路",
        "已协调优化公交线路，在园区门口增设停靠站。",
    ),
    (
        "utilities",
        "新上设备需专变增容",
        "企业新上压铸生产线，现有变压器容量不足，需增容至2000千伏安。",
        "供电公司现场勘查并制定增容方案",
        "已完成现场勘查，增容工程预计15个工作日内完成送电。",
    ),
    (
        "utilities",
        "用电高峰有序用电影响生产",
        "迎峰度夏期间有序用电，企业订单交付压力大。",
        "根据亩均评价结果优化有序用电方案",
        "企业为A类，已调整至有序用电保障名单。",
    ),
    (
        "logistics",
        "出口集装箱订舱难运费高",
        "海运订舱困难、运费上涨，影响出口交货。",
        "对接义乌港、宁波舟山港开展订舱服务",
        "已对接港口物流企业提供订舱保障，并推荐使用海铁联运。",
    ),
    (
        "market",
        "希望参加境外展会拓展市场",
        "企业希望参加德国科隆五金展，咨询展位补助政策。",
        "将企业纳入境外展会补助名单",
        "已纳入重点展会补助名单，按标准给予展位费补助。",
    ),
    (
        "market",
        "产品遭遇仿冒侵权",
        "企业自主品牌电动工具在电商平台被仿冒，影响销售。",
        "市场监管部门协助维权并开展知识产权保护",
        "已协助企业完成电商平台投诉，仿冒链接已下架。",
    ),
    (
        "technology",
        "缺少高端研发人才",
        "企业拟建省级企业研发中心，缺少电机控制方向的研发人员。",
        "对接高校院所开展人才引进和产学研合作",
        "已对接浙江工业大学电机团队，签订产学研合作协议。",
    ),
    (
        "technology",
        "数字化改造缺少服务商",
        "企业计划实施车间数字化改造，希望推荐合适的服务商。",
        "组织数字化改造服务商对接会",
        "已组织三家服务商上门诊断，出具改造方案。",
    ),
    (
        "other",
        "企业周边治安问题",
        "厂区周边夜间有不明人员逗留，员工反映存在安全隐患。",
        "协调属地派出所加强巡逻",
        "派出所已加强夜间巡逻并增设监控。",
    ),
];

/// Which department leads a category's problems in the demo (by unit code), and the one that
/// sometimes co-operates.
pub fn lead_for(category: &str, pick: u64) -> (&'static str, Option<&'static str>) {
    match category {
        "land" => ("zrzyj", Some("fgj")),
        "labour" => ("rsj", None),
        "financing" => ("czj", None),
        "approval" => {
            if pick.is_multiple_of(2) {
                ("sthjj", Some("zrzyj"))
            } else {
                ("scjgj", None)
            }
        }
        "policy_payout" => {
            if pick.is_multiple_of(2) {
                ("czj", Some("swj"))
            } else {
                ("swj", None)
            }
        }
        "infrastructure" => ("fgj", Some("zrzyj")),
        "utilities" => ("gdgs", None),
        "logistics" => ("fgj", None),
        "market" => ("scjgj", None),
        "technology" => ("rsj", Some("fgj")),
        _ => ("fgj", None),
    }
}

/// The demo's staff member who acts for each department (by unit code).
pub const STAFF: &[(&str, &str)] = &[
    ("zrzyj", "zrzy_lou"),
    ("rsj", "rsj_ni"),
    ("czj", "czj_xu"),
    ("sthjj", "sthj_shi"),
    ("scjgj", "scjg_lu"),
    ("swj", "swj_cheng"),
    ("fgj", "fgj_zhu"),
    ("gdgs", "gd_yu"),
    ("tjj", "tjj_fang"),
    ("dongcheng", "dc_li"),
    ("xicheng", "xc_wu"),
    ("jiangnan", "jn_zhou"),
    ("gushan", "gs_hu"),
    ("zhiying", "zy_ying"),
    ("shizhu", "sz_chen"),
    ("qiancang", "qc_lou"),
    ("zhoushan", "zs_shi"),
    ("xixi", "xx_lv"),
    ("tangxian", "tx_zhu"),
    ("xiangzhu", "xz_xu"),
    ("longshan", "ls_wang"),
    ("huajie", "hj_cheng"),
    ("fangyan", "fy_lu"),
    ("kfq", "kfq_ni"),
];

/// Which vice-mayor is in charge of each department.
pub const LEADERS_IN_CHARGE: &[(&str, &str)] = &[
    ("zrzyj", "leader_chen"),
    ("fgj", "leader_chen"),
    ("rsj", "leader_hu"),
    ("czj", "leader_hu"),
    ("swj", "leader_hu"),
    ("sthjj", "leader_li"),
    ("scjgj", "leader_li"),
    ("gdgs", "leader_ying"),
    ("jxj", "leader_ying"),
];

/// What visits talk about.
pub const VISIT_SUMMARIES: &[&str] = &[
    "了解企业生产经营和订单情况，宣讲惠企政策，企业总体运行平稳。",
    "座谈企业转型升级计划，了解智能化改造进展和资金需求。",
    "走访了解用工、用能情况，提醒企业做好安全生产。",
    "调研企业出口订单和海运物流情况，收集企业诉求。",
    "了解亩均评价结果和提升措施，指导企业申报技改项目。",
    "电话回访前期问题办理情况，企业对办理结果表示认可。",
];

pub const ATTENDEES: &[&str] = &[
    "总经理、财务负责人",
    "董事长、生产副总",
    "总经理、行政主管",
    "企业负责人",
];
