//! Format recognition from a document's name and its first bytes.

use crate::Format;

/// How much of a document is looked at.
const SNIFF: usize = 8192;

pub(crate) fn detect(name: &str, bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return detect_gzip(bytes);
    }
    let lower = name.to_ascii_lowercase();
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(SNIFF)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "md" if head.starts_with("```toml") => Some(Format::Rustsec),
        "yaml" | "yml" if head.contains("id:") => Some(Format::OsvYaml),
        "csv" => detect_csv(head),
        "xml" | "rdf" => detect_xml(head),
        "json" => detect_json(head),
        _ if head.starts_with('{') => detect_json(head),
        _ if head.starts_with('<') => detect_xml(head),
        _ if head.starts_with("```toml") => Some(Format::Rustsec),
        _ => detect_csv(head),
    }
}

/// Gzip handed over as it is (not inflated by `source::read`): only EPSS
/// parses gzip itself, so the start of the inflated text (at most [`SNIFF`]
/// bytes are inflated) must be an EPSS CSV.
fn detect_gzip(bytes: &[u8]) -> Option<Format> {
    use std::io::Read;
    let mut head = Vec::new();
    // A stream cut short still shows its start: the error is the parser's
    // to report.
    let _ = flate2::read::MultiGzDecoder::new(bytes)
        .take(SNIFF as u64)
        .read_to_end(&mut head);
    let head = String::from_utf8_lossy(&head);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    detect_csv(head).filter(|f| *f == Format::Epss)
}

fn detect_json(head: &str) -> Option<Format> {
    if !head.starts_with('{') {
        return None;
    }
    let has = |key: &str| head.contains(&format!("\"{key}\""));
    // CVE records put their keys in any order, and a CNA container can fill
    // the first 8 KiB before `dataType` or `cveMetadata` shows: a
    // `containers` object holding a `cna` or `adp` is CVE-5 too (OSV has no
    // `containers`).
    let cve5 = (has("dataType") && head.contains("CVE_RECORD"))
        || has("cveMetadata")
        || (has("containers") && (has("cna") || has("adp")));
    if has("$schema") && has("properties") {
        None // a JSON Schema, such as the one published beside the KEV catalog
    } else if cve5 {
        Some(Format::Cve5)
    } else if has("catalogVersion") && has("vulnerabilities") {
        Some(Format::KevJson)
    } else if has("csaf_version") || (has("document") && has("tracking")) {
        Some(Format::Csaf)
    } else if has("id") && (has("modified") || has("affected") || has("schema_version")) {
        Some(Format::OsvJson)
    } else {
        None
    }
}

fn detect_csv(head: &str) -> Option<Format> {
    let first = head.lines().next().unwrap_or("");
    if first.starts_with("#model_version")
        || first.replace(' ', "").starts_with("cve,epss,percentile")
    {
        Some(Format::Epss)
    } else if first.starts_with("cveID,vendorProject") || first.starts_with("\"cveID\",") {
        Some(Format::KevCsv)
    } else {
        None
    }
}

fn detect_xml(head: &str) -> Option<Format> {
    if head.contains("VULDEF-Document") || head.contains("vuldef") && head.contains("Vulinfo") {
        Some(Format::JvnVuldef)
    } else if head.contains("rdf:RDF") || head.contains("jvnrss") || head.contains("<rss") {
        Some(Format::JvnRss)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::detect;
    use crate::Format;

    #[test]
    fn recognises_each_format() {
        let cases: &[(&str, &str, Option<Format>)] = &[
            (
                "a/CVE-2024-1.json",
                r#"{"dataType": "CVE_RECORD", "dataVersion": "5.1"}"#,
                Some(Format::Cve5),
            ),
            (
                // Vulnrichment writes some records `containers` first; a long
                // CNA container then hides `dataType` beyond the sniffed head,
                // while its `affected` and `id`-like keys must not pass for OSV.
                "2016/5xxx/CVE-2016-5568.json",
                r#"{"containers": {"cna": {"affected": [{"product": "n/a"}], "x": {"id": 1, "modified": 2}}}"#,
                Some(Format::Cve5),
            ),
            (
                "kev.json",
                r#"{"title": "x", "catalogVersion": "2025.08.25", "vulnerabilities": []}"#,
                Some(Format::KevJson),
            ),
            (
                "x.json",
                r#"{"document": {"csaf_version": "2.0", "tracking": {}}}"#,
                Some(Format::Csaf),
            ),
            (
                "GO-2022-0001.json",
                r#"{"schema_version": "1.3.1", "id": "GO-2022-0001", "modified": "x"}"#,
                Some(Format::OsvJson),
            ),
            (
                "PYSEC-1.yaml",
                "id: PYSEC-1\nmodified: x\n",
                Some(Format::OsvYaml),
            ),
            (
                "RUSTSEC-2021-0001.md",
                "```toml\n[advisory]\n",
                Some(Format::Rustsec),
            ),
            (
                "kev.csv",
                "cveID,vendorProject,product\n",
                Some(Format::KevCsv),
            ),
            (
                "epss_scores-2025-01-01.csv",
                "#model_version:v2025.03.14,score_date:2025-01-01T00:00:00+0000\ncve,epss,percentile\n",
                Some(Format::Epss),
            ),
            (
                "overview.xml",
                "<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"x\">",
                Some(Format::JvnRss),
            ),
            (
                "detail.xml",
                "<?xml version=\"1.0\"?><VULDEF-Document>",
                Some(Format::JvnVuldef),
            ),
            ("schema.json", r#"{"$schema": "x", "properties": {}}"#, None),
            (
                "kev_schema.json",
                r#"{"$schema": "x", "properties": {"catalogVersion": {}, "vulnerabilities": {}}}"#,
                None,
            ),
            ("README.txt", "hello", None),
        ];
        for (name, head, want) in cases {
            assert_eq!(detect(name, head.as_bytes()), *want, "{name}");
        }
    }
}
