//! The tests of CSAF 2.0 section 6, with their titles, and which of them
//! this crate implements.

use crate::Group;

/// One test of CSAF 2.0 section 6 (or the schema check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestInfo {
    id: &'static str,
    title: &'static str,
}

impl TestInfo {
    /// The id, such as `6.1.27.9`, or `schema`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The section title in the standard.
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// The group: schema, mandatory (6.1), optional (6.2) or informative (6.3).
    pub fn group(&self) -> Group {
        group_of(self.id)
    }

    /// Whether this crate runs the test. Tests that need the network (6.3.6,
    /// 6.3.7) or a spell checker (6.3.8) are not implemented, among others.
    pub fn implemented(&self) -> bool {
        self.id == "schema"
            || crate::mandatory::TESTS.iter().any(|(id, _)| *id == self.id)
            || crate::optional::TESTS.iter().any(|(id, _)| *id == self.id)
            || crate::informative::TESTS
                .iter()
                .any(|(id, _)| *id == self.id)
    }
}

/// The group a test id belongs to.
pub(crate) fn group_of(id: &str) -> Group {
    if id.starts_with("6.1.") {
        Group::Mandatory
    } else if id.starts_with("6.2.") {
        Group::Optional
    } else if id.starts_with("6.3.") {
        Group::Informative
    } else {
        Group::Schema
    }
}

/// Every test of CSAF 2.0 section 6, in the standard's order, after `schema`.
pub fn all_tests() -> &'static [TestInfo] {
    ALL
}

macro_rules! tests {
    ($($id:literal $title:literal,)*) => {
        &[$(TestInfo { id: $id, title: $title },)*]
    };
}

static ALL: &[TestInfo] = tests![
    "schema" "JSON schema",
    "6.1.1" "Missing Definition of Product ID",
    "6.1.2" "Multiple Definition of Product ID",
    "6.1.3" "Circular Definition of Product ID",
    "6.1.4" "Missing Definition of Product Group ID",
    "6.1.5" "Multiple Definition of Product Group ID",
    "6.1.6" "Contradicting Product Status",
    "6.1.7" "Multiple Scores with same Version per Product",
    "6.1.8" "Invalid CVSS",
    "6.1.9" "Invalid CVSS computation",
    "6.1.10" "Inconsistent CVSS",
    "6.1.11" "CWE",
    "6.1.12" "Language",
    "6.1.13" "PURL",
    "6.1.14" "Sorted Revision History",
    "6.1.15" "Translator",
    "6.1.16" "Latest Document Version",
    "6.1.17" "Document Status Draft",
    "6.1.18" "Released Revision History",
    "6.1.19" "Revision History Entries for Pre-release Versions",
    "6.1.20" "Non-draft Document Version",
    "6.1.21" "Missing Item in Revision History",
    "6.1.22" "Multiple Definition in Revision History",
    "6.1.23" "Multiple Use of Same CVE",
    "6.1.24" "Multiple Definition in Involvements",
    "6.1.25" "Multiple Use of Same Hash Algorithm",
    "6.1.26" "Prohibited Document Category Name",
    "6.1.27.1" "Document Notes",
    "6.1.27.2" "Document References",
    "6.1.27.3" "Vulnerabilities",
    "6.1.27.4" "Product Tree",
    "6.1.27.5" "Vulnerability Notes",
    "6.1.27.6" "Product Status",
    "6.1.27.7" "VEX Product Status",
    "6.1.27.8" "Vulnerability ID",
    "6.1.27.9" "Impact Statement",
    "6.1.27.10" "Action Statement",
    "6.1.27.11" "Vulnerabilities",
    "6.1.28" "Translation",
    "6.1.29" "Remediation without Product Reference",
    "6.1.30" "Mixed Integer and Semantic Versioning",
    "6.1.31" "Version Range in Product Version",
    "6.1.32" "Flag without Product Reference",
    "6.1.33" "Multiple Flags with VEX Justification Codes per Product",
    "6.2.1" "Unused Definition of Product ID",
    "6.2.2" "Missing Remediation",
    "6.2.3" "Missing Score",
    "6.2.4" "Build Metadata in Revision History",
    "6.2.5" "Older Initial Release Date than Revision History",
    "6.2.6" "Older Current Release Date than Revision History",
    "6.2.7" "Missing Date in Involvements",
    "6.2.8" "Use of MD5 as the only Hash Algorithm",
    "6.2.9" "Use of SHA-1 as the only Hash Algorithm",
    "6.2.10" "Missing TLP label",
    "6.2.11" "Missing Canonical URL",
    "6.2.12" "Missing Document Language",
    "6.2.13" "Sorting",
    "6.2.14" "Use of Private Language",
    "6.2.15" "Use of Default Language",
    "6.2.16" "Missing Product Identification Helper",
    "6.2.17" "CVE in field IDs",
    "6.2.18" "Product Version Range without vers",
    "6.2.19" "CVSS for Fixed Products",
    "6.2.20" "Additional Properties",
    "6.3.1" "Use of CVSS v2 as the only Scoring System",
    "6.3.2" "Use of CVSS v3.0",
    "6.3.3" "Missing CVE",
    "6.3.4" "Missing CWE",
    "6.3.5" "Use of Short Hash",
    "6.3.6" "Use of non-self referencing URLs Failing to Resolve",
    "6.3.7" "Use of self referencing URLs Failing to Resolve",
    "6.3.8" "Spell check",
    "6.3.9" "Branch Categories",
    "6.3.10" "Usage of Product Version Range",
    "6.3.11" "Usage of V as Version Indicator",
];
