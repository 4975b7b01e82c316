//! Invalid vectors: each error names the version and the offending metric.

use yata_cvss::Cvss;

#[track_caller]
fn check(input: &str, message: &str, metric: Option<&str>) {
    let e = input.parse::<Cvss>().expect_err(input);
    assert_eq!(e.to_string(), message, "{input}");
    assert_eq!(e.metric(), metric, "{input}");
}

const V31: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V40: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
const V2: &str = "AV:N/AC:L/Au:N/C:P/I:P/A:P";

#[test]
fn invalid_values() {
    check(
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        r#"cvss 3.1: metric AV: invalid value "X""#,
        Some("AV"),
    );
    check(
        &format!("{V31}/MS:S"),
        r#"cvss 3.1: metric MS: invalid value "S""#,
        Some("MS"),
    );
    check(
        &format!("{V40}/U:red"),
        r#"cvss 4.0: metric U: invalid value "red""#,
        Some("U"),
    );
    // S (safety) is a value of the modified metric only.
    check(
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
        r#"cvss 4.0: metric SI: invalid value "S""#,
        Some("SI"),
    );
    check(
        &format!("{V2}/E:P"),
        r#"cvss 2.0: metric E: invalid value "P""#,
        Some("E"),
    );
    check(
        "AV:N/AC:l/Au:N/C:P/I:P/A:P",
        r#"cvss 2.0: metric AC: invalid value "l""#,
        Some("AC"),
    );
    check(
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:",
        r#"cvss 3.0: metric A: invalid value """#,
        Some("A"),
    );
}

#[test]
fn unknown_duplicate_missing() {
    check(
        &format!("{V31}/ZZ:1"),
        r#"cvss 3.1: unknown metric "ZZ""#,
        Some("ZZ"),
    );
    // v2 metric names in a v3 vector, v3 names in v4.
    check(
        &format!("{V31}/Au:N"),
        r#"cvss 3.1: unknown metric "Au""#,
        Some("Au"),
    );
    check(
        &format!("{V40}/S:U"),
        r#"cvss 4.0: metric S: invalid value "U""#,
        Some("S"),
    );
    check(
        &format!("{V40}/C:H"),
        r#"cvss 4.0: unknown metric "C""#,
        Some("C"),
    );
    check(
        "av:N/AC:L/Au:N/C:P/I:P/A:P",
        r#"cvss 2.0: unknown metric "av""#,
        Some("av"),
    );
    check(
        &format!("{V31}/AV:N"),
        "cvss 3.1: metric AV: given more than once",
        Some("AV"),
    );
    check(
        &format!("{V40}/E:A/E:A"),
        "cvss 4.0: metric E: given more than once",
        Some("E"),
    );
    check(
        "CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "cvss 3.1: metric AV: missing (a mandatory base metric)",
        Some("AV"),
    );
    check(
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
        "cvss 4.0: metric SA: missing (a mandatory base metric)",
        Some("SA"),
    );
    check(
        "AV:N/AC:L/Au:N/C:P/I:P",
        "cvss 2.0: metric A: missing (a mandatory base metric)",
        Some("A"),
    );
    check(
        "CVSS:3.1/",
        "cvss 3.1: metric AV: missing (a mandatory base metric)",
        Some("AV"),
    );
}

#[test]
fn malformed() {
    check("", "cvss: empty vector", None);
    check(
        &format!("{V31}/"),
        r#"cvss 3.1: malformed component "", expected METRIC:VALUE"#,
        None,
    );
    check(
        "CVSS:3.1/AV:N//AC:L",
        r#"cvss 3.1: malformed component "", expected METRIC:VALUE"#,
        None,
    );
    check(
        "CVSS:3.2/AV:N",
        r#"cvss: unknown version prefix "CVSS:3.2""#,
        None,
    );
    check(
        "CVSS:4.0",
        r#"cvss: unknown version prefix "CVSS:4.0""#,
        None,
    );
    check(
        " AV:N/AC:L/Au:N/C:P/I:P/A:P",
        r#"cvss 2.0: unknown metric " AV""#,
        Some(" AV"),
    );
    check(
        "(AV:N/AC:L/Au:N/C:P/I:P/A:P",
        r#"cvss 2.0: unknown metric "(AV""#,
        Some("(AV"),
    );
    // A metric name is quoted back, but never more than 32 characters of it.
    let long = format!("{V31}/{}:1", "Z".repeat(1000));
    let e = long.parse::<Cvss>().unwrap_err().to_string();
    assert_eq!(
        e,
        format!("cvss 3.1: unknown metric \"{}\"", "Z".repeat(32))
    );
}

#[test]
fn metric_access_as_written() {
    let v: Cvss = format!("{V31}/E:X/MAV:L").parse().unwrap();
    assert_eq!(v.metric("AV"), Some("N"));
    assert_eq!(v.metric("E"), Some("X"));
    assert_eq!(v.metric("MAV"), Some("L"));
    assert_eq!(v.metric("RL"), None);
    assert_eq!(v.metric("Au"), None);
    let v: Cvss = format!("({V2}/E:POC)").parse().unwrap();
    assert_eq!(v.metric("Au"), Some("N"));
    assert_eq!(v.metric("E"), Some("POC"));
    assert_eq!(v.to_string(), format!("{V2}/E:POC"));
    let v: Cvss = format!("{V40}/U:Amber/MSI:S").parse().unwrap();
    assert_eq!(v.metric("U"), Some("Amber"));
    assert_eq!(v.metric("MSI"), Some("S"));
    assert_eq!(v.metric("VC"), Some("H"));
}

#[test]
fn given_groups_and_nomenclature() {
    use yata_cvss::v4::Nomenclature;
    let scores = |s: &str| s.parse::<Cvss>().unwrap().scores();
    // X and ND are "not defined": no temporal or environmental score.
    assert_eq!(scores(&format!("{V31}/RL:X/CR:X")).temporal, None);
    assert_eq!(scores(&format!("{V31}/RL:X/CR:X")).environmental, None);
    assert_eq!(scores(&format!("{V31}/RL:O")).temporal, Some(9.4));
    assert_eq!(scores(&format!("{V2}/E:ND/TD:ND")).temporal, None);
    assert_eq!(scores(&format!("{V2}/TD:N")).environmental, Some(0.0));
    let nom = |s: &str| match s.parse::<Cvss>().unwrap() {
        Cvss::V4(v) => v.nomenclature(),
        _ => unreachable!(),
    };
    assert_eq!(nom(V40), Nomenclature::Base);
    assert_eq!(nom(&format!("{V40}/E:X/U:Red")), Nomenclature::Base);
    assert_eq!(nom(&format!("{V40}/E:U")), Nomenclature::BaseThreat);
    assert_eq!(nom(&format!("{V40}/CR:L")), Nomenclature::BaseEnvironmental);
    assert_eq!(nom(&format!("{V40}/E:P/MAV:P")).to_string(), "CVSS-BTE");
}

#[test]
fn severity_scales() {
    let sev = |s: &str| s.parse::<Cvss>().unwrap().severity().as_str();
    assert_eq!(sev(V31), "Critical");
    assert_eq!(sev("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), "None");
    // NVD's v2 scale: 0.0 is Low, 10.0 is High.
    assert_eq!(sev("AV:N/AC:L/Au:N/C:N/I:N/A:N"), "Low");
    assert_eq!(sev("AV:N/AC:L/Au:N/C:C/I:C/A:C"), "High");
    assert_eq!(sev(V40), "Critical");
}
