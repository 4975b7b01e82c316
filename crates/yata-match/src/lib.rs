//! The match index: which installed packages and products lie inside which
//! advisories, and why.
//!
//! [`MatchIndex`] files every advisory's affected entries under the keys an
//! installed thing is looked up by: packages by (ecosystem, normalised name),
//! products by normalised (vendor, product) from names and CPEs. Matching an
//! inventory touches only the entries of its own packages and products;
//! adding or replacing an advisory ([`MatchIndex::upsert`]) returns the keys
//! it names, so only the installed things under those keys need another look.
//!
//! * Packages: OSV range and `versions` semantics with the ecosystem's own
//!   ordering ([`yata_version::osv`]); distribution releases must agree
//!   (`Debian:12` advisories match Debian 12 packages, not Debian 11).
//! * Products: CVE-5 `affected` version entries ([`cve`]), CPE name matching
//!   (NISTIR 7696), and vendor/product names alone when a source (KEV) gives
//!   no versions: a *possible* finding to verify, never a silent drop.
//!
//! [`assess`] then prioritises a finding: CVSS (computed from the vectors),
//! EPSS, KEV and CISA ADP's SSVC values with the asset's exposure and
//! criticality give the SSVC decisions ([`yata_priority`]) and the policy's
//! deadline.
//!
//! [`work_list`] puts it together for one inventory: matches, assessments
//! and VEX verdicts ([`vex`]) in work order.
//!
//! [`Population`] holds a whole nation's installed packages for
//! re-evaluation (one new advisory → affected assets; everything against
//! everything); [`synth`] generates a synthetic nation for benchmarks.
//!
//! Pure and in-memory: no IO, no clock.

mod assess;
pub mod cve;
mod index;
pub mod key;
mod matcher;
pub mod population;
pub mod report;
pub mod synth;
pub mod vex;
mod worklist;

pub use assess::{Assessment, AssetContext, CvssScore, EpssScore, assess};
pub use index::{Advisory, IndexKey, IndexStats, KEY_SCHEME, MatchIndex, snapshot_keys};
pub use matcher::{Confidence, Evidence, Finding, InstalledPackage, Matches, Note, Subject};
pub use population::{AssetId, Population, PopulationBuilder};
pub use worklist::{WorkConfig, WorkItem, WorkList, work_list};
