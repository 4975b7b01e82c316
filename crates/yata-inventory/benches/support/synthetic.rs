//! A synthetic CycloneDX 1.6 JSON BOM shaped like a scanner's output: npm,
//! Maven, PyPI and Debian PURLs, two hashes, a licence id or expression, a
//! supplier, one nested component in fifty, and two dependency edges per
//! component. Shared by the bench and the `cyclonedx_memory` example.

use std::fmt::Write;

/// A BOM with `n` components (nested ones included).
pub fn bom(n: usize) -> String {
    let mut out = String::with_capacity(n * 700);
    out.push_str(
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,"metadata":{"timestamp":"2025-01-02T03:04:05Z","tools":{"components":[{"type":"application","name":"syft","version":"1.18.1"}]},"component":{"type":"application","bom-ref":"app","name":"app","version":"1.0.0"}},"components":["#,
    );
    let mut i = 0;
    while i < n {
        if i > 0 {
            out.push(',');
        }
        // Every fiftieth component carries a nested one.
        let nested = i % 50 == 49 && i + 1 < n;
        component(&mut out, i, nested.then_some(i + 1));
        i += if nested { 2 } else { 1 };
    }
    out.push_str(r#"],"dependencies":["#);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"ref":"{}","dependsOn":["{}","{}"]}}"#,
            purl(i),
            purl((i * 7 + 1) % n),
            purl((i * 13 + 5) % n)
        );
    }
    out.push_str("]}");
    out
}

fn purl(i: usize) -> String {
    let (major, minor) = (i % 17, i % 5);
    match i % 4 {
        0 => format!("pkg:npm/%40scope/package-{i}@{major}.{minor}.3"),
        1 => format!(
            "pkg:maven/org.example.group{}/artifact-{i}@{major}.{minor}.0?type=jar",
            i % 97
        ),
        2 => format!("pkg:pypi/package-{i}@{major}.{minor}"),
        _ => {
            format!("pkg:deb/debian/lib{i}@{major}.{minor}-1%2Bdeb12u1?arch=amd64&distro=debian-12")
        }
    }
}

fn component(out: &mut String, i: usize, nested: Option<usize>) {
    let purl = purl(i);
    let license = if i.is_multiple_of(3) {
        r#"{"expression":"MIT OR Apache-2.0"}"#
    } else {
        r#"{"license":{"id":"Apache-2.0"}}"#
    };
    let _ = write!(
        out,
        r#"{{"type":"library","bom-ref":"{purl}","supplier":{{"name":"Supplier {s}"}},"group":"group{g}","name":"package-{i}","version":"{v}.{m}.3","scope":"required","hashes":[{{"alg":"SHA-1","content":"{h:040x}"}},{{"alg":"SHA-256","content":"{h:064X}"}}],"licenses":[{license}],"purl":"{purl}","properties":[{{"name":"syft:package:foundBy","value":"javascript-lock-cataloger"}},{{"name":"syft:location:0:path","value":"/app/node_modules/package-{i}/package.json"}}]"#,
        s = i % 113,
        g = i % 97,
        v = i % 17,
        m = i % 5,
        h = (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835),
    );
    if let Some(j) = nested {
        out.push_str(r#","components":["#);
        component(out, j, None);
        out.push(']');
    }
    out.push('}');
}
