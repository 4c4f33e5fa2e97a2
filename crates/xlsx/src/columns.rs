//! The columns of each importable table: the key the platform uses, the Chinese header the
//! template writes, the aliases people type instead, how the cell is read, and whether it must
//! be filled.

/// What an import (or export, or template) is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// 企业名录.
    Enterprises,
    /// 用地信息.
    Parcels,
    /// 年度数据.
    Figures,
}

impl TableKind {
    pub const ALL: [TableKind; 3] = [
        TableKind::Enterprises,
        TableKind::Parcels,
        TableKind::Figures,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TableKind::Enterprises => "enterprises",
            TableKind::Parcels => "parcels",
            TableKind::Figures => "figures",
        }
    }

    pub fn parse(s: &str) -> Option<TableKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The sheet name templates and exports use.
    pub fn sheet_name(self) -> &'static str {
        match self {
            TableKind::Enterprises => "企业名录",
            TableKind::Parcels => "用地信息",
            TableKind::Figures => "年度数据",
        }
    }

    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            TableKind::Enterprises => ENTERPRISE_COLUMNS,
            TableKind::Parcels => PARCEL_COLUMNS,
            TableKind::Figures => FIGURE_COLUMNS,
        }
    }

    /// Keys whose values together identify a row; a second row with the same values in one
    /// file is an error.
    pub fn row_key(self) -> &'static [&'static str] {
        match self {
            TableKind::Enterprises => &["credit_code"],
            TableKind::Parcels => &["certificate_no", "credit_code"],
            TableKind::Figures => &["credit_code", "year"],
        }
    }

    pub fn column(self, key: &str) -> Option<&'static ColumnSpec> {
        self.columns().iter().find(|c| c.key == key)
    }
}

/// How a cell is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueKind {
    /// Free text, trimmed, inner whitespace collapsed; at most `max_chars` characters.
    Text { max_chars: usize },
    /// 统一社会信用代码, validated (GB 32100-2015); stored upper-case.
    CreditCode,
    /// Money → whole 元 (`FieldValue::Int`). The unit comes from the header (`（万元）`,
    /// `（元）`, `（亿元）`); a header naming none means 万元, as the template writes.
    Money,
    /// A non-negative whole quantity (`FieldValue::Int`): kWh, m³, persons. A header that says
    /// `万千瓦时` / `万吨` / `万立方米` / `万人` multiplies by 10,000.
    Count,
    /// A non-negative decimal quantity (`FieldValue::Real`) up to `max`: tce, tonnes.
    /// A `万` unit in the header multiplies by 10,000.
    Quantity { max: f64 },
    /// Land area in 亩 (`FieldValue::Real`), > 0 and at most `max`. A header in `平方米` /
    /// `㎡` / `m2` is converted (1 亩 = 2000/3 m²).
    AreaMu { max: f64 },
    /// A date (`FieldValue::Date`): text forms or an Excel serial.
    Date,
    /// A year 1990–2100 (`FieldValue::Int`); `2024`, `2024年`, `2024.0`.
    Year,
    /// 是/否 (`FieldValue::Flag`): 是 有 Y YES TRUE 1 √ ✓ / 否 无 N NO FALSE 0 and blank.
    Flag,
    /// One of a fixed set, read from its Chinese label or its code (`FieldValue::Text` holding
    /// the code). The set is named by `choice`: "status", "tenure", "scale", "source".
    Choice { choice: &'static str },
    /// A name from a database dictionary ("town", "industry_group"), kept as text for the
    /// caller to resolve.
    DictionaryName { dictionary: &'static str },
    /// Several dictionary names in one cell separated by `、，,；;/` or line breaks
    /// (`FieldValue::List`), e.g. tags or cadre usernames.
    NameList { dictionary: &'static str },
}

/// One column of an importable table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnSpec {
    /// The platform's name of the field (the database column where there is one).
    pub key: &'static str,
    /// The header templates and exports write.
    pub header: &'static str,
    /// Other headers meaning the same column, compared after normalisation (brackets, units
    /// and spaces removed; full-width folded).
    pub aliases: &'static [&'static str],
    pub kind: ValueKind,
    /// A row without this value is an error. A required column missing from the header is an
    /// error for the whole sheet.
    pub required: bool,
    /// One line for the instructions sheet.
    pub help: &'static str,
}

const fn col(
    key: &'static str,
    header: &'static str,
    aliases: &'static [&'static str],
    kind: ValueKind,
    required: bool,
    help: &'static str,
) -> ColumnSpec {
    ColumnSpec {
        key,
        header,
        aliases,
        kind,
        required,
        help,
    }
}

const CREDIT_CODE_ALIASES: &[&str] = &[
    "社会信用代码",
    "信用代码",
    "统一代码",
    "统一社会信用代码证",
    "纳税人识别号",
    "组织机构代码",
];
const NAME_ALIASES: &[&str] = &[
    "单位名称",
    "企业全称",
    "公司名称",
    "企业",
    "单位",
    "纳税人名称",
];

/// Land areas beyond this many 亩 in one row are refused as absurd (one parcel of 66 km²).
pub const MAX_AREA_MU: f64 = 100_000.0;

/// 序号: the row number people put in the first column; read and ignored.
const SEQ: ColumnSpec = col(
    "seq",
    "序号",
    &["编号", "序"],
    ValueKind::Text { max_chars: 20 },
    false,
    "可留空，导入时忽略",
);

pub static ENTERPRISE_COLUMNS: &[ColumnSpec] = &[
    SEQ,
    col(
        "credit_code",
        "统一社会信用代码",
        CREDIT_CODE_ALIASES,
        ValueKind::CreditCode,
        true,
        "18位，校验位按 GB 32100-2015 检查",
    ),
    col(
        "name",
        "企业名称",
        NAME_ALIASES,
        ValueKind::Text { max_chars: 100 },
        true,
        "营业执照上的全称",
    ),
    col(
        "short_name",
        "企业简称",
        &["简称"],
        ValueKind::Text { max_chars: 40 },
        false,
        "",
    ),
    col(
        "town",
        "所属镇街",
        &[
            "镇街",
            "乡镇（街道）",
            "乡镇街道",
            "乡镇",
            "街道",
            "所在镇街",
            "属地",
            "镇（街道、区）",
        ],
        ValueKind::DictionaryName { dictionary: "town" },
        true,
        "从下拉列表选择镇街或开发区",
    ),
    col(
        "park",
        "所在园区",
        &["园区", "工业园区", "小微园"],
        ValueKind::Text { max_chars: 60 },
        false,
        "",
    ),
    col(
        "industry_group",
        "行业分组",
        &["行业", "所属行业", "产业", "行业类别", "产业分类"],
        ValueKind::DictionaryName {
            dictionary: "industry_group",
        },
        true,
        "从下拉列表选择",
    ),
    col(
        "industry_code",
        "国民经济行业代码",
        &["行业代码", "国民经济行业分类", "国标行业代码"],
        ValueKind::Text { max_chars: 5 },
        false,
        "GB/T 4754，如 C3324，可留空",
    ),
    col(
        "status",
        "经营状态",
        &["状态", "企业状态", "生产状态"],
        ValueKind::Choice { choice: "status" },
        false,
        "在营/停产/关停/迁出/注销，留空为在营",
    ),
    col(
        "founded_on",
        "成立日期",
        &["成立时间", "注册日期", "设立日期"],
        ValueKind::Date,
        false,
        "如 2015-03-01 或 2015年3月1日",
    ),
    col(
        "address",
        "企业地址",
        &["地址", "注册地址", "生产地址", "经营地址"],
        ValueKind::Text { max_chars: 200 },
        false,
        "",
    ),
    col(
        "legal_rep",
        "法定代表人",
        &["法人代表", "法人", "法定代表人姓名"],
        ValueKind::Text { max_chars: 40 },
        false,
        "",
    ),
    col(
        "contact_person",
        "联系人",
        &["企业联系人", "联络人"],
        ValueKind::Text { max_chars: 40 },
        false,
        "",
    ),
    col(
        "contact_phone",
        "联系电话",
        &["电话", "手机", "联系方式", "手机号码"],
        ValueKind::Text { max_chars: 40 },
        false,
        "",
    ),
    col(
        "tags",
        "企业标签",
        &["标签", "企业类型", "荣誉资质"],
        ValueKind::NameList { dictionary: "tag" },
        false,
        "多个标签用顿号分隔，如 高新技术企业、专精特新",
    ),
    col(
        "cadres",
        "包联干部",
        &["联系干部", "驻企干部", "包联干部账号"],
        ValueKind::NameList {
            dictionary: "cadre",
        },
        false,
        "干部的登录账号，多个用顿号分隔",
    ),
    col(
        "scale_override",
        "规模（人工认定）",
        &["规模认定", "人工认定规模"],
        ValueKind::Choice { choice: "scale" },
        false,
        "规上/规下，留空则按最近一年主营业务收入自动判定",
    ),
    col(
        "scale_override_reason",
        "认定理由",
        &["规模认定理由"],
        ValueKind::Text { max_chars: 200 },
        false,
        "人工认定规模时必填",
    ),
];

pub static PARCEL_COLUMNS: &[ColumnSpec] = &[
    SEQ,
    col(
        "certificate_no",
        "不动产权证号",
        &[
            "土地证号",
            "权证号",
            "产权证号",
            "不动产证号",
            "地块编号",
            "宗地编号",
        ],
        ValueKind::Text { max_chars: 60 },
        true,
        "地块的权证号，同一地块多家企业使用时每家一行",
    ),
    col(
        "credit_code",
        "统一社会信用代码",
        CREDIT_CODE_ALIASES,
        ValueKind::CreditCode,
        true,
        "使用该地块的企业",
    ),
    col(
        "name",
        "企业名称",
        NAME_ALIASES,
        ValueKind::Text { max_chars: 100 },
        false,
        "仅用于核对，可留空",
    ),
    col(
        "parcel_area_mu",
        "地块面积（亩）",
        &["宗地面积", "土地面积", "证载面积"],
        ValueKind::AreaMu { max: MAX_AREA_MU },
        true,
        "整块地的证载面积",
    ),
    col(
        "area_mu",
        "使用面积（亩）",
        &["用地面积", "使用面积", "占地面积", "实际使用面积"],
        ValueKind::AreaMu { max: MAX_AREA_MU },
        false,
        "本企业使用的面积，留空为整块",
    ),
    col(
        "tenure",
        "用地方式",
        &["土地性质", "自有/租赁", "权属"],
        ValueKind::Choice { choice: "tenure" },
        true,
        "自有/租赁",
    ),
    col(
        "lessor",
        "出租方",
        &["出租单位", "出租人", "租用对象"],
        ValueKind::Text { max_chars: 100 },
        false,
        "租赁用地必填",
    ),
    col(
        "location",
        "坐落",
        &["地块位置", "土地坐落", "位置"],
        ValueKind::Text { max_chars: 200 },
        false,
        "",
    ),
    col(
        "from_year",
        "起始年份",
        &["使用起始年份", "起租年份"],
        ValueKind::Year,
        false,
        "留空为一直使用",
    ),
    col(
        "to_year",
        "终止年份",
        &["使用终止年份", "到期年份"],
        ValueKind::Year,
        false,
        "留空为仍在使用",
    ),
];

pub static FIGURE_COLUMNS: &[ColumnSpec] = &[
    SEQ,
    col(
        "credit_code",
        "统一社会信用代码",
        CREDIT_CODE_ALIASES,
        ValueKind::CreditCode,
        true,
        "企业须已在企业库中",
    ),
    col(
        "name",
        "企业名称",
        NAME_ALIASES,
        ValueKind::Text { max_chars: 100 },
        false,
        "仅用于核对，可留空",
    ),
    col(
        "year",
        "年度",
        &["年份", "数据年度", "统计年度"],
        ValueKind::Year,
        true,
        "如 2024；导入时指定年度则可无此列",
    ),
    col(
        "main_revenue_yuan",
        "主营业务收入（万元）",
        &["主营收入", "营业收入", "主营业务收入"],
        ValueKind::Money,
        false,
        "万元",
    ),
    col(
        "sales_revenue_yuan",
        "销售收入（万元）",
        &["销售收入", "应税销售收入", "开票销售"],
        ValueKind::Money,
        false,
        "万元",
    ),
    col(
        "output_value_yuan",
        "工业总产值（万元）",
        &["工业总产值", "总产值", "产值"],
        ValueKind::Money,
        false,
        "万元",
    ),
    col(
        "value_added_yuan",
        "工业增加值（万元）",
        &["工业增加值", "增加值"],
        ValueKind::Money,
        false,
        "万元",
    ),
    col(
        "evaluation_tax_yuan",
        "评价税收（万元）",
        &[
            "税收",
            "实缴税金",
            "实缴税收",
            "评价税收",
            "税收实际贡献",
            "入库税收",
        ],
        ValueKind::Money,
        false,
        "万元，按评价口径",
    ),
    col(
        "rnd_expense_yuan",
        "研发经费（万元）",
        &["研发费用", "R&D经费支出", "研发投入", "研发经费支出"],
        ValueKind::Money,
        false,
        "万元",
    ),
    col(
        "energy_tce",
        "综合能耗（吨标煤）",
        &["综合能耗", "能耗", "能源消费量", "综合能源消费量"],
        ValueKind::Quantity { max: 10_000_000.0 },
        false,
        "吨标准煤",
    ),
    col(
        "power_kwh",
        "用电量（千瓦时）",
        &["用电量", "总用电量", "年用电量"],
        ValueKind::Count,
        false,
        "千瓦时；表头写万千瓦时则按万千瓦时读",
    ),
    col(
        "water_m3",
        "用水量（立方米）",
        &["用水量", "总用水量", "年用水量"],
        ValueKind::Count,
        false,
        "立方米（吨）",
    ),
    col(
        "emissions_t",
        "主要污染物排放量（吨）",
        &["排放量", "污染物排放量", "主要污染物排放", "排污量"],
        ValueKind::Quantity { max: 1_000_000.0 },
        false,
        "吨",
    ),
    col(
        "avg_staff",
        "年平均职工人数",
        &[
            "职工人数",
            "从业人员",
            "平均职工人数",
            "从业人员年平均人数",
            "员工人数",
        ],
        ValueKind::Count,
        false,
        "人",
    ),
    col(
        "land_mu",
        "用地面积（亩）",
        &["用地面积", "占地面积", "土地面积"],
        ValueKind::AreaMu { max: MAX_AREA_MU },
        false,
        "亩；留空则按地块汇总",
    ),
    col(
        "safety_accident",
        "安全生产事故",
        &["发生安全事故", "安全事故"],
        ValueKind::Flag,
        false,
        "是/否",
    ),
    col(
        "environmental_accident",
        "环境污染事故",
        &["发生环境事故", "环保事故", "环境事故"],
        ValueKind::Flag,
        false,
        "是/否",
    ),
    col(
        "energy_task_unmet",
        "未完成节能任务",
        &["节能任务未完成", "节能目标未完成"],
        ValueKind::Flag,
        false,
        "是/否",
    ),
    col(
        "falsified_data",
        "数据造假",
        &["弄虚作假", "虚报数据"],
        ValueKind::Flag,
        false,
        "是/否",
    ),
    col(
        "source",
        "数据来源",
        &["来源", "数据提供单位"],
        ValueKind::Choice { choice: "source" },
        false,
        "税务/统计/电力/企业填报/镇街，留空按导入时选择",
    ),
];

/// The figure keys that are stored values (everything in [`FIGURE_COLUMNS`] but the row's
/// identity and bookkeeping columns).
pub fn figure_value_keys() -> impl Iterator<Item = &'static str> {
    FIGURE_COLUMNS
        .iter()
        .map(|c| c.key)
        .filter(|k| !matches!(*k, "seq" | "credit_code" | "name" | "year" | "source"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_headers_distinct_within_a_table() {
        for kind in TableKind::ALL {
            let cols = kind.columns();
            for (i, a) in cols.iter().enumerate() {
                for b in &cols[i + 1..] {
                    assert_ne!(a.key, b.key, "{kind:?}");
                    assert_ne!(a.header, b.header, "{kind:?}");
                }
            }
            for k in kind.row_key() {
                assert!(kind.column(k).is_some_and(|c| c.required), "{kind:?} {k}");
            }
        }
    }

    #[test]
    fn figure_value_keys_cover_the_stored_figures() {
        let keys: Vec<_> = figure_value_keys().collect();
        assert_eq!(keys.len(), 16);
        assert!(keys.contains(&"evaluation_tax_yuan"));
        assert!(!keys.contains(&"year"));
    }
}
