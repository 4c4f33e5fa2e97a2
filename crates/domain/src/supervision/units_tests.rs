use super::*;

#[test]
fn splitting_cells() {
    let cases: &[(&str, &[&str])] = &[
        ("市发改局", &["市发改局"]),
        ("市发改局、市经信局", &["市发改局", "市经信局"]),
        (
            "市发改局，市经信局,市财政局",
            &["市发改局", "市经信局", "市财政局"],
        ),
        (
            "市发改局；市经信局;市财政局",
            &["市发改局", "市经信局", "市财政局"],
        ),
        (
            "市发改局\n市经信局\r\n市财政局",
            &["市发改局", "市经信局", "市财政局"],
        ),
        (
            "市发改局 市经信局\u{3000}市财政局",
            &["市发改局", "市经信局", "市财政局"],
        ),
        ("市发改局、、 ，市经信局、", &["市发改局", "市经信局"]),
        ("市发改局、市经信局、市发改局", &["市发改局", "市经信局"]),
        ("ＡＢＣ公司、ABC公司", &["ＡＢＣ公司"]), // same after folding; first spelling kept
        ("各镇（街道、区）", &["各镇（街道、区）"]),
        (
            "市经信局、各镇（街道、区）,市发改局",
            &["市经信局", "各镇（街道、区）", "市发改局"],
        ),
        ("各镇(街道、区", &["各镇(街道、区"]), // unclosed: the rest stays together
        ("", &[]),
        (" \n、；", &[]),
    ];
    for (cell, expected) in cases {
        assert_eq!(split_units(cell), *expected, "{cell:?}");
    }
}

#[test]
fn normalising_names() {
    assert_eq!(normalise_name(" 市 发改局 "), "市发改局");
    assert_eq!(normalise_name("ＡＢＣ\u{3000}局"), "abc局");
    assert_eq!(normalise_name("（牵头）"), "(牵头)");
}

fn known() -> Vec<KnownName<i64>> {
    vec![
        (1, "市发改局".to_string(), vec!["发展改革局".to_string()]).into(),
        (2, "市经信局".to_string(), vec![]).into(),
        (3, "市市场监管局".to_string(), vec![]).into(),
        (
            4,
            "永康市自然资源和规划局".to_string(),
            vec!["市资规局".to_string()],
        )
            .into(),
        (5, "东城街道".to_string(), vec![]).into(),
        (6, "市财政局".to_string(), vec!["财政".to_string()]).into(),
        (7, "财政".to_string(), vec![]).into(),
        (8, "市建设局".to_string(), vec![]).into(),
        (9, "永康建设局".to_string(), vec![]).into(),
    ]
}

#[test]
fn matching_tiers() {
    let cases: &[(&str, Option<i64>)] = &[
        ("市发改局", Some(1)),
        (" 市 发改局", Some(1)),
        ("发展改革局", Some(1)), // alias
        ("发改局", Some(1)),     // prefix removed
        ("永康市发改局", Some(1)),
        ("永康市经信局", Some(2)),
        ("市场监管局", Some(3)), // "市市场监管局" without its prefix
        ("市资规局", Some(4)),
        ("资规局", Some(4)),
        ("自然资源和规划局", Some(4)),
        ("市自然资源和规划局", Some(4)),
        ("东城街道", Some(5)),
        ("财政", Some(7)), // exact name beats another unit's alias
        ("市财政局", Some(6)),
    ];
    let k = known();
    for (name, id) in cases {
        let m = match_names(&[*name], &k);
        assert_eq!(m.matched.first().map(|x| x.id), *id, "{name}: {m:?}");
        assert_eq!(m.matched[0].written, name.trim());
    }
}

#[test]
fn no_name_is_dropped() {
    let names = split_units("市发改局、市统计局、发改局、建设局、西城街道");
    let m = match_names(&names, &known());
    assert_eq!(
        m.matched,
        vec![
            MatchedName {
                written: "市发改局".into(),
                id: 1
            },
            MatchedName {
                written: "发改局".into(),
                id: 1
            },
        ]
    );
    assert_eq!(
        m.ambiguous,
        vec![AmbiguousName {
            written: "建设局".into(),
            candidates: vec![8, 9]
        }]
    );
    assert_eq!(
        m.unknown,
        vec!["市统计局".to_string(), "西城街道".to_string()]
    );
    assert_eq!(m.ids(), vec![1]);
    assert!(!m.is_complete());
    assert_eq!(
        m.matched.len() + m.ambiguous.len() + m.unknown.len(),
        names.len()
    );
    let all = match_names(&["市经信局", "东城街道"], &known());
    assert!(all.is_complete());
    assert_eq!(all.ids(), vec![2, 5]);
    let none = match_names::<i64, &str>(&["市经信局"], &[]);
    assert_eq!(none.unknown, vec!["市经信局".to_string()]);
}

#[test]
fn serial_numbers() {
    use SerialStyle::*;
    let cases: &[(&str, SerialStyle, &[u32], u8)] = &[
        ("一、", ChineseComma, &[1], 1),
        ("一", ChineseComma, &[1], 1),
        ("十二、", ChineseComma, &[12], 1),
        ("三.", ChineseComma, &[3], 1),
        ("（一）", ChineseParen, &[1], 2),
        ("(十一)", ChineseParen, &[11], 2),
        ("1.", ArabicDot, &[1], 3),
        ("１．", ArabicDot, &[1], 3),
        ("1、", ArabicComma, &[1], 3),
        ("12", ArabicPlain, &[12], 3),
        (" 7 ", ArabicPlain, &[7], 3),
        ("(1)", ArabicParen, &[1], 4),
        ("（２）", ArabicParen, &[2], 4),
        ("3)", ArabicParen, &[3], 4),
        ("1.1", Dotted, &[1, 1], 4),
        ("2.13", Dotted, &[2, 13], 4),
        ("1.2.3", Dotted, &[1, 2, 3], 5),
        ("1.2.", Dotted, &[1, 2], 4),
    ];
    for &(cell, style, path, level) in cases {
        let s = parse_serial(cell).unwrap_or_else(|| panic!("{cell}"));
        assert_eq!(s.style, style, "{cell}");
        assert_eq!(s.path, path, "{cell}");
        assert_eq!(s.ordinal(), *path.last().unwrap());
        assert_eq!(s.level(), level, "{cell}");
    }
    for bad in [
        "",
        "  ",
        "一、产业",
        "(1",
        "（一",
        "0",
        "(0)",
        "abc",
        "1.a",
        "1 2",
        "十十",
    ] {
        assert_eq!(parse_serial(bad), None, "{bad}");
    }
}

#[test]
fn serial_prefixes() {
    let (s, rest) = split_serial_prefix("一、实施产业升级行动").unwrap();
    assert_eq!(
        (s.style, s.ordinal(), rest),
        (SerialStyle::ChineseComma, 1, "实施产业升级行动")
    );
    let (s, rest) = split_serial_prefix("（三）　推进“低散乱”整治").unwrap();
    assert_eq!(
        (s.style, s.ordinal(), rest),
        (SerialStyle::ChineseParen, 3, "推进“低散乱”整治")
    );
    let (s, rest) = split_serial_prefix("1.2 完成技改投资").unwrap();
    assert_eq!((s.path, rest), (vec![1, 2], "完成技改投资"));
    let (s, rest) = split_serial_prefix("５、规上工业增加值增长8%").unwrap();
    assert_eq!(
        (s.style, s.ordinal(), rest),
        (SerialStyle::ArabicComma, 5, "规上工业增加值增长8%")
    );
    // Unclosed numbers are text, not serials.
    for text in ["一季度完成", "12个项目", "十分重要", "实施行动"] {
        assert_eq!(split_serial_prefix(text), None, "{text}");
    }
}

#[test]
fn levels_ranked_within_a_table() {
    assert_eq!(rank_levels(&[1, 3, 4, 3, 1, 3]), vec![0, 1, 2, 1, 0, 1]);
    assert_eq!(rank_levels(&[3, 4, 4, 3]), vec![0, 1, 1, 0]);
    assert_eq!(rank_levels(&[2, 2]), vec![0, 0]);
    assert!(rank_levels(&[]).is_empty());
    let levels: Vec<u8> = ["一、", "1.", "(1)", "(2)", "2.", "二、", "1."]
        .iter()
        .map(|c| parse_serial(c).unwrap().level())
        .collect();
    assert_eq!(rank_levels(&levels), vec![0, 1, 2, 2, 1, 0, 1]);
}

#[test]
fn serialises_in_snake_case() {
    let s = parse_serial("（一）").unwrap();
    assert_eq!(
        serde_json::to_value(&s).unwrap(),
        serde_json::json!({"style": "chinese_paren", "path": [1]})
    );
    let m = match_names(&["市发改局", "统计局"], &known());
    let v = serde_json::to_value(&m).unwrap();
    assert_eq!(
        v["matched"][0],
        serde_json::json!({"written": "市发改局", "id": 1})
    );
    assert_eq!(v["unknown"], serde_json::json!(["统计局"]));
}
