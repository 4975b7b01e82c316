//! Binding and unbinding (NISTIR 7695 §6): the spec's worked examples, cases
//! ported from knqyf263/go-cpe (MIT; `naming/cpe_name_*_test.go`), and the
//! error messages.

use yata_cpe::{Attribute, Cpe, Error, Reason, Value};

/// Unbinds `input` (either binding) and compares the WFN.
#[track_caller]
fn check(input: &str, expect_wfn: &str) {
    match Cpe::parse(input) {
        Ok(cpe) => assert_eq!(cpe.to_wfn(), expect_wfn, "unbinding {input}"),
        Err(e) => panic!("{input}: {e}"),
    }
}

/// Unbinds `input` and compares both bindings of the result.
#[track_caller]
fn check_bind(input: &str, expect_fs: &str, expect_uri: &str) {
    let cpe = Cpe::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(cpe.to_fs(), expect_fs, "fs of {input}");
    assert_eq!(cpe.to_string(), expect_fs, "display of {input}");
    assert_eq!(cpe.to_uri(), expect_uri, "uri of {input}");
}

#[track_caller]
fn check_err(input: &str, expect: &str) {
    match Cpe::parse(input) {
        Ok(cpe) => panic!("{input}: parsed as {cpe}, expected error {expect:?}"),
        Err(e) => assert_eq!(e.to_string(), expect, "error for {input}"),
    }
}

/// `wfn:[…]` with the attributes the examples set and the rest ANY.
fn wfn(set: &[(&str, &str)]) -> String {
    let names = [
        "part",
        "vendor",
        "product",
        "version",
        "update",
        "edition",
        "language",
        "sw_edition",
        "target_sw",
        "target_hw",
        "other",
    ];
    let fields: Vec<String> = names
        .iter()
        .map(|n| {
            let v = set.iter().find(|(k, _)| k == n).map_or("ANY", |(_, v)| v);
            format!("{n}={v}")
        })
        .collect();
    format!("wfn:[{}]", fields.join(","))
}

// NISTIR 7695 §6.1.3.3, examples of unbinding URIs.

#[test]
fn spec_unbind_uri() {
    check(
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""microsoft""#),
            ("product", r#""internet_explorer""#),
            ("version", r#""8\.0\.6001""#),
            ("update", r#""beta""#),
        ]),
    );
    check(
        "cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""microsoft""#),
            ("product", r#""internet_explorer""#),
            ("version", r#""8\.\*""#),
            ("update", r#""sp\?""#),
        ]),
    );
    check(
        "cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""microsoft""#),
            ("product", r#""internet_explorer""#),
            ("version", r#""8\.*""#),
            ("update", r#""sp?""#),
        ]),
    );
    check(
        "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""hp""#),
            ("product", r#""insight_diagnostics""#),
            ("version", r#""7\.4\.0\.1570""#),
            ("sw_edition", r#""online""#),
            ("target_sw", r#""win2003""#),
            ("target_hw", r#""x64""#),
        ]),
    );
    check(
        "cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""hp""#),
            ("product", r#""openview_network_manager""#),
            ("version", r#""7\.51""#),
            ("update", "NA"),
            ("target_sw", r#""linux""#),
        ]),
    );
    check(
        "cpe:/a:foo~bar:big%7emoney_2010",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""foo\~bar""#),
            ("product", r#""big\~money_2010""#),
        ]),
    );
    check_err(
        "cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~",
        "cpe: component 3 (product): invalid percent-encoding at byte 16",
    );
    check_err(
        "cpe:/a:foo:bar:12.%02.1234",
        "cpe: component 4 (version): wildcard '*' not at the beginning or end of the value at byte 3",
    );
}

// NISTIR 7695 §6.2.3.3, examples of unbinding formatted strings.

#[test]
fn spec_unbind_fs() {
    check(
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""microsoft""#),
            ("product", r#""internet_explorer""#),
            ("version", r#""8\.0\.6001""#),
            ("update", r#""beta""#),
        ]),
    );
    check(
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""microsoft""#),
            ("product", r#""internet_explorer""#),
            ("version", r#""8\.*""#),
            ("update", r#""sp?""#),
        ]),
    );
    check(
        "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""hp""#),
            ("product", r#""insight_diagnostics""#),
            ("version", r#""7\.4\.0\.1570""#),
            ("update", "NA"),
            ("sw_edition", r#""online""#),
            ("target_sw", r#""win2003""#),
            ("target_hw", r#""x64""#),
        ]),
    );
    check(
        r"cpe:2.3:a:foo\\bar:big\$money:2010:*:*:*:special:ipod_touch:80gb:*",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""foo\\bar""#),
            ("product", r#""big\$money""#),
            ("version", r#""2010""#),
            ("sw_edition", r#""special""#),
            ("target_sw", r#""ipod_touch""#),
            ("target_hw", r#""80gb""#),
        ]),
    );
    check_err(
        "cpe:2.3:a:hp:insight_diagnostics:7.4.*.1570:*:*:*:*:*:*:*",
        "cpe: component 4 (version): wildcard '*' not at the beginning or end of the value at byte 4",
    );
    check_err(
        "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:*:*:*",
        "cpe: formatted string has 10 components after 'cpe:2.3:', expected 11",
    );
}

// NISTIR 7695 §6.1.2.3 and §6.2.2.3, examples of binding; the WFNs come in
// as formatted strings.

#[test]
fn spec_bind() {
    check_bind(
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
    );
    check_bind(
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        "cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
    );
    check_bind(
        "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
        "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
        "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~",
    );
    check_bind(
        "cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~",
        "cpe:2.3:a:hp:openview_network_manager:7.51:-:*:*:*:linux:*:*",
        "cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~",
    );
    check_bind(
        r"cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*",
        r"cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*",
        "cpe:/a:foo%5cbar:big%24money_2010:::~~special~ipod_touch~80gb~",
    );
}

// knqyf263/go-cpe naming/cpe_name_binder_test.go and
// cpe_name_unbinder_test.go (MIT).

#[test]
fn go_cpe_bind() {
    check_bind("cpe:/a", "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*", "cpe:/a");
    check_bind(
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:sp2:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:sp2:*:*:*:*",
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta::sp2",
    );
    check_bind(
        r"cpe:2.3:a:foo\$bar:insight:7.4.0.1570:-:*:*:online:win2003:x64:*",
        r"cpe:2.3:a:foo\$bar:insight:7.4.0.1570:-:*:*:online:win2003:x64:*",
        "cpe:/a:foo%24bar:insight:7.4.0.1570:-:~~online~win2003~x64~",
    );
    let all = "cpe:/a:micro%01%01:internet%02:%21%22%23%24%25%26%27%28%29%2a%2b%2c:beta-.::online%2f%3a%3b%3c%3d%3e%3f%40%5b%5c%5d%5e";
    check_bind(
        all,
        r#"cpe:2.3:a:micro??:internet*:\!\"\#\$\%\&\'\(\)\*\+\,:beta-.:*:online\/\:\;\<\=\>\?\@\[\\\]\^:*:*:*:*"#,
        all,
    );
    check(
        all,
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""micro??""#),
            ("product", r#""internet*""#),
            ("version", r#""\!\"\#\$\%\&\'\(\)\*\+\,""#),
            ("update", r#""beta\-\.""#),
            ("language", r#""online\/\:\;\<\=\>\?\@\[\\\]\^""#),
        ]),
    );
    check_bind(
        "cpe:/a:%60:%7b%7c%7d%7ea",
        r"cpe:2.3:a:\`:\{\|\}\~a:*:*:*:*:*:*:*:*",
        "cpe:/a:%60:%7b%7c%7d%7ea",
    );
}

#[test]
fn go_cpe_unbind() {
    check(
        "cpe:/a:%01%01microsoft",
        &wfn(&[("part", r#""a""#), ("vendor", r#""??microsoft""#)]),
    );
    check(
        "cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""microsoft""#),
            ("product", r#""internet_explorer""#),
            ("version", r#""8\.*""#),
            ("update", r#""sp?""#),
        ]),
    );
    check(
        r"cpe:2.3:a:micr\?osoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""micr\?osoft""#),
            ("product", r#""internet_explorer""#),
            ("version", r#""8\.0\.6001""#),
            ("update", r#""beta""#),
        ]),
    );
    check(
        r"cpe:2.3:a:\$0.99_kindle_books_project:\$0.99_kindle_books:6:*:*:*:*:android:*:*",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""\$0\.99_kindle_books_project""#),
            ("product", r#""\$0\.99_kindle_books""#),
            ("version", r#""6""#),
            ("target_sw", r#""android""#),
        ]),
    );
    check(
        r"cpe:2.3:a:2glux*:??com_sexypolling??:0.9.1:-:-:*:-:joomla\!:*:*",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""2glux*""#),
            ("product", r#""??com_sexypolling??""#),
            ("version", r#""0\.9\.1""#),
            ("update", "NA"),
            ("edition", "NA"),
            ("sw_edition", "NA"),
            ("target_sw", r#""joomla\!""#),
        ]),
    );
    // Packed edition: `other` takes the rest, tildes included (`unpack`).
    check(
        "cpe:/a:v:p:1:2:~-~portal~sw~x86~a~b~c",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""v""#),
            ("product", r#""p""#),
            ("version", r#""1""#),
            ("update", r#""2""#),
            ("edition", "NA"),
            ("sw_edition", r#""portal""#),
            ("target_sw", r#""sw""#),
            ("target_hw", r#""x86""#),
            ("other", r#""a\~b\~c""#),
        ]),
    );
    check(
        "cpe:/a:v:p:1:2:~~~~~standalone",
        &wfn(&[
            ("part", r#""a""#),
            ("vendor", r#""v""#),
            ("product", r#""p""#),
            ("version", r#""1""#),
            ("update", r#""2""#),
            ("other", r#""standalone""#),
        ]),
    );
}

#[test]
fn go_cpe_unbind_errors() {
    for (input, expect) in [
        (
            "cpe:/a:microsoft:internet_explorer:8.%02:s%01p",
            "cpe: component 5 (update): wildcard '?' not at the beginning or end of the value at byte 1",
        ),
        (
            "cpe:/a:micro%02soft",
            "cpe: component 2 (vendor): wildcard '*' not at the beginning or end of the value at byte 5",
        ),
        (
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003",
            "cpe: component 6 (edition): packed edition needs five '~'-separated fields at byte 0",
        ),
        (
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~%99~",
            "cpe: component 6 (edition): invalid percent-encoding at byte 17",
        ),
        (
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~a*b~",
            "cpe: component 6 (edition): unquoted special character '*' at byte 18",
        ),
        (
            "cpe:/a:%99",
            "cpe: component 2 (vendor): invalid percent-encoding at byte 0",
        ),
        (
            "cpe:/a:b*c",
            "cpe: component 2 (vendor): unquoted special character '*' at byte 1",
        ),
        (
            "cpe:/z:%01%01microsoft",
            "cpe: component 1 (part): part must be 'a', 'o', 'h' or ANY at byte 0",
        ),
        (
            " cpe:/:microsoft",
            "cpe: expected a name starting with 'cpe:2.3:' or 'cpe:/'",
        ),
        (
            r"cpe:2.4:a:2glux:com_sexypolling:0.9.1:-:-:*:-:joomla\!:*:*",
            "cpe: expected a name starting with 'cpe:2.3:' or 'cpe:/'",
        ),
        (
            r"cpe:2.3:a:2g*lux:com_sexypolling:0.9.1:-:-:*:-:joomla\!:*:*",
            "cpe: component 2 (vendor): wildcard '*' not at the beginning or end of the value at byte 2",
        ),
        (
            r"cpe:2.3:a:2g?lux:com_sexypolling:0.9.1:-:-:*:-:joomla\!:*:*",
            "cpe: component 2 (vendor): wildcard '?' not at the beginning or end of the value at byte 2",
        ),
        (
            r"cpe:2.3:z:2glux*:??com_sexypolling??:0.9.1:-:-:*:-:joomla\!:*:*",
            "cpe: component 1 (part): part must be 'a', 'o', 'h' or ANY at byte 0",
        ),
        (
            r"cpe:2.3::2glux*:??com_sexypolling??:0.9.1:-:-:*:-:joomla\!:*:*",
            "cpe: component 1 (part): empty value at byte 0",
        ),
    ] {
        check_err(input, expect);
    }
}

#[test]
fn errors_are_located() {
    for (input, expect) in [
        (
            "cpe:2.3:a:v:p:1.0!:*:*:*:*:*:*:*",
            "cpe: component 4 (version): unquoted special character '!' at byte 3",
        ),
        (
            "cpe:2.3:a:v:p:1.0:*:*:*:*:*:*:*\\",
            "cpe: component 11 (other): backslash at the end of the value at byte 1",
        ),
        (
            r"cpe:2.3:a:v:\p:1.0:*:*:*:*:*:*:*",
            "cpe: component 3 (product): quoted alphanumeric character 'p' at byte 1",
        ),
        (
            "cpe:2.3:a:v:p:1 0:*:*:*:*:*:*:*",
            "cpe: component 4 (version): invalid character ' ' at byte 1",
        ),
        (
            "cpe:2.3:a:v:pé:1:*:*:*:*:*:*:*",
            "cpe: component 3 (product): invalid character 'é' at byte 1",
        ),
        (
            r"cpe:2.3:a:v:\-:1:*:*:*:*:*:*:*",
            "cpe: component 3 (product): a lone hyphen value (only NA is written '-') at byte 0",
        ),
        (
            "cpe:2.3:-:v:p:1:*:*:*:*:*:*:*",
            "cpe: component 1 (part): part must be 'a', 'o', 'h' or ANY at byte 0",
        ),
        (
            "cpe:2.3:a:ibm:sterling_connect:direct:6.3.0.0:*:*:*:*:unix:*:*",
            "cpe: formatted string has 12 components after 'cpe:2.3:', expected 11",
        ),
        (
            "cpe:/a:v:p:1:2:3:en:x",
            "cpe: uri has 8 components after 'cpe:/', at most 7 allowed",
        ),
        (
            "cpe:/a:v:p:1%2",
            "cpe: component 4 (version): invalid percent-encoding at byte 1",
        ),
        (
            "cpe:/a:v:p:1%2d",
            "cpe: component 4 (version): invalid percent-encoding at byte 1",
        ),
        (
            "",
            "cpe: expected a name starting with 'cpe:2.3:' or 'cpe:/'",
        ),
        (
            "cpe:2.3:",
            "cpe: formatted string has 1 components after 'cpe:2.3:', expected 11",
        ),
    ] {
        check_err(input, expect);
    }
    let long = format!("cpe:/a:{}", "x".repeat(70_000));
    assert_eq!(
        Cpe::parse(&long),
        Err(Error::TooLong {
            len: long.len(),
            max: yata_cpe::MAX_LEN
        })
    );
    assert!(matches!(
        Cpe::parse("cpe:2.3:a:v:p:1.0!:*:*:*:*:*:*:*"),
        Err(Error::Value {
            attribute: Attribute::Version,
            offset: 3,
            reason: Reason::UnquotedSpecial('!'),
        })
    ));
}

#[test]
fn fs_quoting_is_canonical() {
    // `\.`, `\-` and `\_` are accepted but printed bare, as bind_to_fs does.
    let cpe: Cpe = r"cpe:2.3:a:v\-x:p\_y:1\.0:*:*:*:*:*:*:*".parse().unwrap();
    assert_eq!(cpe.as_fs(), "cpe:2.3:a:v-x:p_y:1.0:*:*:*:*:*:*:*");
    assert_eq!(cpe, "cpe:2.3:a:v-x:p_y:1.0:*:*:*:*:*:*:*".parse().unwrap());
    // Upper-case prefixes are read, and written in lower case.
    let cpe: Cpe = "CPE:2.3:a:v:p:1:*:*:*:*:*:*:*".parse().unwrap();
    assert_eq!(cpe.as_fs(), "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*");
    let cpe: Cpe = "CPE:/A:Vendor:Product".parse().unwrap();
    assert_eq!(cpe.as_fs(), "cpe:2.3:a:vendor:product:*:*:*:*:*:*:*:*");
}

#[test]
fn wildcard_edge_values() {
    // A lone `%02` is ANY: the string `*` cannot be told from it in FS.
    let cpe = Cpe::parse("cpe:/a:%02:p").unwrap();
    assert_eq!(cpe.vendor(), Value::Any);
    assert!(!cpe.has_wildcards());
    for fs in ["??", "**", "?*", "*?", "*??", "??*", "*-", "-x"] {
        let input = format!("cpe:2.3:a:{fs}:p:*:*:*:*:*:*:*:*");
        let cpe = Cpe::parse(&input).unwrap_or_else(|e| panic!("{fs}: {e}"));
        assert_eq!(cpe.vendor().as_fs(), fs);
        assert_eq!(Cpe::parse(&cpe.to_uri()).unwrap(), cpe, "{fs} via uri");
    }
    for fs in ["?*?", "*?*", "a*b", "a?b", "??a?b", "-*"] {
        let input = format!("cpe:2.3:a:{fs}:p:*:*:*:*:*:*:*:*");
        assert!(Cpe::parse(&input).is_err(), "{fs} should be rejected");
    }
}

#[test]
fn getters_borrow() {
    let cpe: Cpe = r"cpe:2.3:o:microsoft:windows_7:6.1:sp1:*:en-us:home\+basic:-:x64:*"
        .parse()
        .unwrap();
    assert_eq!(cpe.part().as_fs(), "o");
    assert_eq!(cpe.vendor().as_fs(), "microsoft");
    assert_eq!(cpe.product().as_str().unwrap().as_fs(), "windows_7");
    assert_eq!(cpe.version().as_str().unwrap().to_wfn(), r"6\.1");
    assert_eq!(cpe.update().as_fs(), "sp1");
    assert!(cpe.edition().is_any());
    assert_eq!(cpe.language().as_str().unwrap().unquoted(), "en-us");
    assert_eq!(cpe.sw_edition().as_str().unwrap().unquoted(), "home+basic");
    assert!(cpe.target_sw().is_na());
    assert_eq!(cpe.target_hw().to_string(), "x64");
    assert_eq!(cpe.other(), Value::Any);
    assert_eq!(cpe.values().len(), 11);
    assert_eq!(cpe.get(Attribute::Language), cpe.language());
    assert!(!cpe.has_wildcards());
}

#[test]
fn lowercase_normalisation() {
    let cpe: Cpe = "cpe:2.3:a:KnowBe4:passwordIQ_client:*:*:*:*:*:*:*:*"
        .parse()
        .unwrap();
    assert!(!cpe.is_lowercase());
    let lower = cpe.to_lowercase();
    assert!(lower.is_lowercase());
    assert_eq!(
        lower.as_fs(),
        "cpe:2.3:a:knowbe4:passwordiq_client:*:*:*:*:*:*:*:*"
    );
    assert_ne!(cpe, lower);
    assert!(cpe.is_equal(&lower));
    // The URI binding lowercases while unbinding (NISTIR 7695 `decode`).
    assert_eq!(Cpe::parse(&cpe.to_uri()).unwrap(), lower);
}
