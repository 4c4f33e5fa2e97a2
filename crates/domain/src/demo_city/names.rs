//! Word lists for fictional but plausible names: firms, people, villages, roads, parks.

use super::rng::DemoRng;

/// Streets, towns and the development zone: (department code, name, weight among 规上 firms,
/// weight among 规下 firms). The codes are the department codes of the seeded tree.
pub const TOWNS: &[(&str, &str, f64, f64)] = &[
    ("dongcheng", "东城街道", 11.0, 11.0),
    ("xicheng", "西城街道", 10.0, 10.0),
    ("jiangnan", "江南街道", 9.0, 10.0),
    ("gushan", "古山镇", 7.0, 6.0),
    ("zhiying", "芝英镇", 6.0, 7.0),
    ("shizhu", "石柱镇", 4.0, 5.0),
    ("qiancang", "前仓镇", 3.0, 4.0),
    ("zhoushan", "舟山镇", 2.0, 3.0),
    ("xixi", "西溪镇", 2.0, 3.0),
    ("tangxian", "唐先镇", 4.0, 5.0),
    ("xiangzhu", "象珠镇", 3.0, 4.0),
    ("longshan", "龙山镇", 5.0, 6.0),
    ("huajie", "花街镇", 3.0, 4.0),
    ("fangyan", "方岩镇", 2.0, 3.0),
    ("kfq", "永康经济开发区", 22.0, 12.0),
];

/// Industrial parks by town: (town code, park name, whether it is a 小微企业园).
pub const PARKS: &[(&str, &str, bool)] = &[
    ("kfq", "五金科技工业园", false),
    ("kfq", "智能制造产业园", false),
    ("kfq", "经济开发区小微企业创业园", true),
    ("dongcheng", "东城工业功能区", false),
    ("dongcheng", "东城小微企业创业园", true),
    ("xicheng", "城西新区工业区", false),
    ("xicheng", "西城小微企业创业园", true),
    ("jiangnan", "江南工业功能区", false),
    ("jiangnan", "江南小微企业创业园", true),
    ("gushan", "现代农业装备高新区", false),
    ("gushan", "古山小微企业创业园", true),
    ("zhiying", "芝英工业功能区", false),
    ("zhiying", "芝英小微企业创业园", true),
    ("longshan", "龙山工业功能区", false),
    ("longshan", "龙山小微企业创业园", true),
    ("shizhu", "石柱小微企业创业园", true),
    ("qiancang", "前仓小微企业创业园", true),
    ("zhoushan", "舟山小微企业创业园", true),
    ("xixi", "西溪小微企业创业园", true),
    ("tangxian", "唐先小微企业创业园", true),
    ("xiangzhu", "象珠小微企业创业园", true),
    ("huajie", "花街小微企业创业园", true),
    ("fangyan", "方岩小微企业创业园", true),
];

/// Whether `park` is one of the 小微企业园 of [`PARKS`].
pub fn is_micro_park(park: &str) -> bool {
    PARKS.iter().any(|(_, p, micro)| *micro && *p == park)
}

/// First character of a brand (字号).
const BRAND_FIRST: &[&str] = &[
    "金", "银", "锐", "华", "恒", "鑫", "永", "康", "达", "宏", "盛", "泰", "嘉", "联", "新", "正",
    "信", "卓", "昌", "荣", "丰", "凯", "豪", "博", "德", "隆", "源", "顺", "通", "宝", "安", "福",
    "晟", "跃", "腾", "飞", "瑞", "祥", "铭", "峰", "海", "天", "星", "东", "方", "中", "兴", "立",
    "强", "伟", "耀", "群", "明", "光", "亚", "誉", "辉", "驰", "骏", "益", "美", "佳", "友", "振",
    "协", "精", "科", "万", "百", "双",
];

/// Second character of a brand.
const BRAND_SECOND: &[&str] = &[
    "锐", "达", "宏", "盛", "泰", "嘉", "通", "发", "利", "力", "丰", "源", "鑫", "华", "诚", "信",
    "德", "隆", "顺", "宝", "安", "福", "祥", "瑞", "铭", "峰", "邦", "顿", "克", "特", "普", "斯",
    "威", "尔", "朗", "帆", "航", "途", "阳", "月", "辰", "宇", "美", "佳", "迈", "拓", "格", "捷",
    "固", "锋", "钢", "韵", "雅", "乐", "居", "亨", "汇", "川", "恩", "凯",
];

/// Brands of well-known firms of the city, never generated.
const BRAND_BLOCKLIST: &[&str] = &[
    "王力", "步阳", "星月", "中月", "三荣", "群升", "飞神", "涛涛", "众泰", "铁牛", "金大", "新多",
    "皇冠", "顶立", "正阳", "美达",
];

/// A two-character brand that is not on the blocklist and does not repeat a character.
pub fn brand(rng: &mut DemoRng) -> String {
    loop {
        let a = *rng.choose(BRAND_FIRST);
        let b = *rng.choose(BRAND_SECOND);
        if a == b {
            continue;
        }
        let s = format!("{a}{b}");
        if !BRAND_BLOCKLIST.contains(&s.as_str()) {
            return s;
        }
    }
}

/// Trade words (行业用语) of a company name by industry group.
pub fn company_words(group: &str) -> &'static [&'static str] {
    match group {
        "doors_locks" => &["门业", "锁业", "安防", "门窗", "锁具", "工贸"],
        "cups_cookware" => &["杯业", "厨具", "炊具", "日用品", "不锈钢制品", "工贸"],
        "power_tools" => &["电器", "电动工具", "工具", "机电", "园林工具", "电机"],
        "vehicles" => &["车业", "汽配", "摩配", "电动车", "休闲用品", "机车部件"],
        "metals" => &["金属材料", "铝业", "铜业", "精密铸造", "压铸", "冶金"],
        "cleaning" => &["清洁用品", "家居用品", "日用品", "塑业", "工贸"],
        _ => &["工贸", "五金", "机械", "实业", "电子", "模具", "包装"],
    }
}

/// Trade words of a small factory's name (…五金厂) by industry group.
pub fn factory_words(group: &str) -> &'static [&'static str] {
    match group {
        "doors_locks" => &["锁具厂", "门窗厂", "五金厂"],
        "cups_cookware" => &["杯具厂", "炊具厂", "不锈钢制品厂"],
        "power_tools" => &["电器厂", "工具厂", "五金工具厂"],
        "vehicles" => &["车件厂", "配件厂", "五金配件厂"],
        "metals" => &["铸造厂", "压铸厂", "铝材厂"],
        "cleaning" => &["塑料制品厂", "日用品厂", "五金厂"],
        _ => &["五金厂", "五金制品厂", "模具厂"],
    }
}

/// Surnames common in the region.
const SURNAMES: &[&str] = &[
    "胡", "应", "吕", "陈", "李", "徐", "程", "朱", "王", "楼", "周", "施", "章", "黄", "俞", "金",
    "杨", "颜", "卢", "潘", "吴", "张", "蒋", "赵", "童", "丁", "叶", "郑", "孙", "何",
];

const GIVEN: &[&str] = &[
    "建", "国", "伟", "军", "勇", "华", "明", "永", "福", "海", "林", "强", "平", "东", "斌", "晓",
    "丽", "芳", "燕", "红", "英", "萍", "霞", "波", "杰", "峰", "浩", "俊", "鹏", "飞", "涛", "锋",
    "新", "忠", "益", "根", "法", "良", "荣", "春", "美", "玲", "敏", "静", "婷", "琴", "亮", "超",
    "磊", "辉",
];

/// A person's name: surname and one or two given-name characters.
pub fn person(rng: &mut DemoRng) -> String {
    let mut s = String::from(*rng.choose(SURNAMES));
    let given = *rng.choose(GIVEN);
    s.push_str(given);
    if rng.chance(0.7) {
        loop {
            let g = *rng.choose(GIVEN);
            if !s.ends_with(g) {
                s.push_str(g);
                break;
            }
        }
    }
    s
}

const VILLAGE_FIRST: &[&str] = &[
    "上", "下", "前", "后", "东", "西", "南", "北", "塘", "溪", "山", "岩", "石", "新", "大", "小",
    "黄", "杨", "胡", "应", "吕", "陈", "徐", "金", "花", "桥", "田", "湖", "龙", "象",
];

const VILLAGE_SECOND: &[&str] = &[
    "宅", "塘", "头", "店", "坑", "坞", "岭", "桥", "园", "田", "湾", "口", "畈", "垄", "溪", "庄",
    "里", "厦", "埠",
];

/// A village name (…村).
pub fn village(rng: &mut DemoRng) -> String {
    format!(
        "{}{}村",
        rng.choose(VILLAGE_FIRST),
        rng.choose(VILLAGE_SECOND)
    )
}

const ROAD_STEMS: &[&str] = &[
    "金城", "兴业", "科源", "创业", "永盛", "华丰", "长安", "名园", "幸福", "园区", "工业", "金山",
    "溪心", "前程", "振兴", "五金", "明珠", "新华", "环城", "望春", "胜利", "光明", "紫微", "智造",
    "双龙", "青龙", "飞凤", "花园", "学府", "康宁",
];

const ROAD_TAILS: &[&str] = &["路", "东路", "西路", "南路", "北路", "大道", "街"];

/// A road name (…路).
pub fn road(rng: &mut DemoRng) -> String {
    format!("{}{}", rng.choose(ROAD_STEMS), rng.choose(ROAD_TAILS))
}
