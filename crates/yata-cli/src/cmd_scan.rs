//! `yata scan`: inventories in, a deadline-ordered work list out.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::{Value, json};
use yata_feeds::import::{ImportConfig, import, import_packages};
use yata_knowledge::{AdvisoryDb, snapshot};
use yata_match::key::PackageKey;
use yata_match::report::FindingJson;
use yata_match::{
    AssetContext, IndexKey, KEY_SCHEME, MatchIndex, Subject, WorkConfig, WorkItem, work_list,
};
use yata_model::inventory::{Criticality, Inventory};
use yata_priority::{Asset, CoordinatorDecision, Decisions, DeployerPriority, OrgKind, Timeline};
use yata_version::ecosystem::{Ecosystem, EcosystemKind};
use yata_vex::{ProductRef, Statement};

use crate::Failure;

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Inventories: SBOMs, lockfiles, package databases, asset registers
    /// (format detected).
    #[arg(required = true)]
    inventories: Vec<PathBuf>,
    /// Advisory snapshots (`yata feed import`) or raw sources (any file,
    /// directory or archive `yata feed import` accepts).
    #[arg(long, required = true, num_args = 1..)]
    feeds: Vec<PathBuf>,
    /// Whether the assets are reachable from the Internet (unknown counts as
    /// exposed). Asset-register rows that say so themselves win.
    #[arg(long, value_enum)]
    exposed: Option<YesNo>,
    /// Mission criticality of the assets (unknown counts as very high).
    #[arg(long, value_enum)]
    criticality: Option<CriticalityArg>,
    /// Deadline policy (TOML); the default reproduces CISA BOD 26-04.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The organisation kind whose timelines the policy applies (`nco`,
    /// `ministry`, `operator`, `government`, `vendor`).
    #[arg(long)]
    org_kind: Option<OrgKind>,
    /// VEX documents (OpenVEX, CycloneDX VEX, CSAF VEX).
    #[arg(long, num_args = 1..)]
    vex: Vec<PathBuf>,
    /// Output format; `table` on a terminal, `json` otherwise.
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// Exit 1 when an unsuppressed finding is at or above this decision: a
    /// BOD 26-04 timeline (`3 days & forensic investigation`, `3 days`,
    /// `14 days`, `60 days`, `fix on system upgrade`), a deployer priority
    /// (`immediate`, `out-of-cycle`, `scheduled`, `defer`) or a coordinator
    /// decision (`act`, `attend`, `track*`, `track`).
    #[arg(long)]
    fail_on: Option<FailOn>,
    /// Include findings that VEX marks not affected or fixed.
    #[arg(long)]
    show_suppressed: bool,
    /// Include informational advisories (RustSec `unmaintained`, `unsound`,
    /// `notice`): warnings about a package, not vulnerabilities; they never
    /// trigger --fail-on.
    #[arg(long)]
    show_informational: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum YesNo {
    Yes,
    No,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CriticalityArg {
    Low,
    Medium,
    High,
    VeryHigh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Table,
    Json,
    Sarif,
    CyclonedxVex,
    Csv,
}

/// A decision threshold in one of the three trees.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FailOn {
    Bod(Timeline),
    Deployer(DeployerPriority),
    Coordinator(CoordinatorDecision),
}

impl std::str::FromStr for FailOn {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        s.parse()
            .map(FailOn::Bod)
            .or_else(|_| s.parse().map(FailOn::Deployer))
            .or_else(|_| s.parse().map(FailOn::Coordinator))
            .map_err(|_| {
                format!(
                    "unknown decision {s:?}: expected a BOD 26-04 timeline, a deployer priority or a coordinator decision"
                )
            })
    }
}

impl FailOn {
    fn reached_by(self, d: &Decisions) -> bool {
        match self {
            FailOn::Bod(t) => d.bod_26_04 >= t,
            FailOn::Deployer(p) => d.deployer >= p,
            FailOn::Coordinator(c) => d.coordinator >= c,
        }
    }
}

/// A finding with the inventory it came from.
struct Row<'a> {
    inventory: &'a Path,
    doc: &'a Inventory,
    item: WorkItem,
}

pub(crate) fn run(args: ScanArgs) -> Result<bool, Failure> {
    let policy = crate::read_policy(args.policy.as_deref())?;
    let mut statements: Vec<Statement> = Vec::new();
    for path in &args.vex {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
        let doc = yata_vex::parse(&bytes)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
        for w in &doc.warnings {
            eprintln!("warning: {}: {w}", path.display());
        }
        statements.extend(doc.statements);
    }
    let inventories: Vec<(PathBuf, Inventory)> = args
        .inventories
        .iter()
        .map(|p| {
            crate::cmd_inventory::read(p, None, &yata_inventory::Limits::default())
                .map(|inv| (p.clone(), inv))
        })
        .collect::<Result<_, _>>()?;
    let keys: Vec<IndexKey> = inventories
        .iter()
        .flat_map(|(_, inventory)| MatchIndex::keys_of_inventory(inventory))
        .collect();
    let Feeds { db, known } = load_feeds(&args.feeds, &keys)?;
    let index = MatchIndex::build(&db);

    let config = WorkConfig {
        policy: &policy,
        context: AssetContext {
            asset: Asset {
                internet_exposed: args.exposed.map(|e| matches!(e, YesNo::Yes)),
                criticality: args.criticality.map(|c| match c {
                    CriticalityArg::Low => Criticality::Low,
                    CriticalityArg::Medium => Criticality::Medium,
                    CriticalityArg::High => Criticality::High,
                    CriticalityArg::VeryHigh => Criticality::VeryHigh,
                }),
            },
            org_kind: args.org_kind,
        },
        statements: &statements,
    };
    let mut rows: Vec<Row<'_>> = Vec::new();
    let mut summary = Summary::default();
    for (path, inventory) in &inventories {
        let list = work_list(&db, &index, inventory, &config);
        summary.components += inventory.components.len();
        summary.products += inventory.products.len();
        summary.unidentifiable += list.matches.unidentifiable.len();
        for note in &list.matches.notes {
            eprintln!("note: {}: {}", path.display(), note.message);
        }
        summary.notes += list.matches.notes.len();
        rows.extend(list.items.into_iter().map(|item| Row {
            inventory: path,
            doc: inventory,
            item,
        }));
    }
    // One order across inventories, as within one.
    // Stable: equal keys keep their order within an inventory.
    rows.sort_by_cached_key(|r| {
        r.item
            .assessment
            .work_key(r.item.finding.vulnerability.as_str())
    });
    let mut failed = false;
    for r in &rows {
        if r.item.suppressed() {
            summary.suppressed += 1;
            continue;
        }
        if r.item.finding.informational().is_some() {
            summary.informational += 1;
            continue;
        }
        summary.findings += 1;
        *summary
            .by_decision
            .entry(r.item.assessment.decisions.bod_26_04.as_str())
            .or_default() += 1;
        if args
            .fail_on
            .is_some_and(|f| f.reached_by(&r.item.assessment.decisions))
        {
            failed = true;
        }
    }
    summary.inventories = inventories.len();
    summary.vulnerabilities_known = known;
    if !args.show_suppressed {
        rows.retain(|r| !r.item.suppressed());
    }
    if !args.show_informational {
        rows.retain(|r| r.item.finding.informational().is_none());
    }
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        OutputFormat::Table
    } else {
        OutputFormat::Json
    });
    // Pretty JSON is many short lines: a buffer spares a write per line.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        OutputFormat::Json => {
            let doc = JsonDoc {
                findings: rows.iter().map(RowJson::new).collect(),
                summary: &summary,
            };
            crate::pretty::to_writer(&mut out, &doc).map_err(|e| Failure::Other(e.into()))?;
            writeln!(out)?;
            // As below: the process ends soon.
            std::mem::forget(doc);
        }
        OutputFormat::Table => write_table(&mut out, &rows, &summary)?,
        OutputFormat::Csv => write_csv(&mut out, &rows)?,
        OutputFormat::Sarif => {
            crate::pretty::to_writer(&mut out, &sarif(&rows))
                .map_err(|e| Failure::Other(e.into()))?;
            writeln!(out)?;
        }
        OutputFormat::CyclonedxVex => {
            let text = cyclonedx_vex(&rows)?;
            writeln!(out, "{text}")?;
        }
    }
    out.flush()?;
    // The process ends here: freeing millions of small allocations one by
    // one would only delay the exit (measured: a tenth of a small scan).
    std::mem::forget(rows);
    std::mem::forget(index);
    std::mem::forget(inventories);
    std::mem::forget(db);
    Ok(!failed)
}

#[derive(Debug, Default, Serialize)]
struct Summary {
    inventories: usize,
    components: usize,
    products: usize,
    /// Components with neither PURL, CPE nor known ecosystem.
    unidentifiable: usize,
    /// Unsuppressed findings.
    findings: usize,
    suppressed: usize,
    /// Informational advisories matched (not counted as findings).
    informational: usize,
    by_decision: BTreeMap<&'static str, usize>,
    notes: usize,
    /// Vulnerabilities in the feeds; `null` when a feed was read only for
    /// the inventories' packages and its whole count is not known.
    vulnerabilities_known: Option<usize>,
}

/// The advisories a scan reads.
struct Feeds {
    db: AdvisoryDb,
    /// Vulnerabilities the feeds hold, when known: every feed read whole,
    /// or one snapshot read in part (its count is recorded in it).
    known: Option<usize>,
}

/// Reads snapshots and raw sources into one store, only as much of each as
/// can concern `keys` (the inventories' index keys): a snapshot with a
/// directory decodes just the vulnerabilities filed under them, a RustSec
/// advisory-db checkout is read just for the inventories' crates; anything
/// else is read whole. Raw sources are imported as `yata feed import`
/// would (records with problems refuse the scan, as they refuse an import).
fn load_feeds(paths: &[PathBuf], keys: &[IndexKey]) -> Result<Feeds, Failure> {
    let encoded: Vec<String> = keys.iter().map(IndexKey::encode).collect();
    let crates: BTreeSet<&str> = keys
        .iter()
        .filter_map(|k| match k {
            IndexKey::Package(p) if p.kind() == EcosystemKind::CratesIo => Some(p.name()),
            _ => None,
        })
        .collect();
    let crates_io: Ecosystem = "crates.io".parse().expect("an OSV ecosystem");
    let wanted = |dir: &str| crates.contains(PackageKey::new(&crates_io, dir).name());
    let bad = |path: &Path, e: &dyn std::fmt::Display| {
        Failure::BadInput(format!("{}: {e}", path.display()))
    };
    let mut records = Vec::new();
    let mut whole = true;
    let mut snapshot_count = None;
    for path in paths {
        if is_snapshot(path) {
            let mut file = std::fs::File::open(path).map_err(|e| bad(path, &e))?;
            match snapshot::read_selected(&mut file, KEY_SCHEME, &encoded)
                .map_err(|e| bad(path, &e))?
            {
                Some(selection) => {
                    whole = false;
                    snapshot_count = Some(selection.vulnerabilities);
                    records.extend(selection.records);
                }
                None => {
                    let bytes = std::fs::read(path).map_err(|e| bad(path, &e))?;
                    let (_, all) = snapshot::decode_records(&bytes).map_err(|e| bad(path, &e))?;
                    records.extend(all);
                }
            }
            continue;
        }
        let config = ImportConfig::default();
        let imported = match import_packages(path, &wanted, &config) {
            Some(scoped) => {
                whole = false;
                scoped
            }
            None => import(path, &config, &|_| {}),
        }
        .map_err(|e| Failure::BadInput(e.to_string()))?;
        if let Some(p) = imported.problems.first() {
            return Err(Failure::BadInput(format!(
                "{}: {} records with problems, first: {p}",
                path.display(),
                imported.problems.len()
            )));
        }
        records.extend(imported.records);
    }
    let db = AdvisoryDb::new(records);
    let known = if whole {
        Some(db.len())
    } else if paths.len() == 1 {
        snapshot_count
    } else {
        None
    };
    Ok(Feeds { db, known })
}

fn is_snapshot(path: &Path) -> bool {
    use std::io::Read;
    let mut prefix = [0u8; 8];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut prefix))
        .is_ok_and(|()| yata_knowledge::snapshot::is_snapshot(&prefix))
}

/// `--format json`: the findings of the contract and the summary.
#[derive(Debug, Serialize)]
struct JsonDoc<'a> {
    findings: Vec<RowJson<'a>>,
    summary: &'a Summary,
}

/// A finding of the contract and the inventory it was found in.
#[derive(Debug, Serialize)]
struct RowJson<'a> {
    #[serde(flatten)]
    finding: FindingJson<'a>,
    #[serde(serialize_with = "lossy")]
    inventory: &'a Path,
}

/// A path as text, any bytes that are not UTF-8 replaced.
fn lossy<S: serde::Serializer>(path: &&Path, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&path.display())
}

impl<'a> RowJson<'a> {
    fn new(r: &'a Row<'_>) -> RowJson<'a> {
        RowJson {
            finding: FindingJson::new(&r.item, r.doc),
            inventory: r.inventory,
        }
    }
}

fn label(r: &Row<'_>) -> (String, String) {
    match r.item.finding.subject {
        Subject::Component(i) => {
            let c = &r.doc.components[i];
            let name = match &c.group {
                Some(g) if !c.name.starts_with(g.as_str()) => format!("{g}/{}", c.name),
                _ => c.name.clone(),
            };
            (name, c.version.clone().unwrap_or_default())
        }
        Subject::Product(i) => {
            let p = &r.doc.products[i];
            let name = match &p.vendor {
                Some(v) => format!("{v} {}", p.product),
                None => p.product.clone(),
            };
            (name, p.version.clone().unwrap_or_default())
        }
    }
}

fn deadline(r: &Row<'_>) -> String {
    match r.item.assessment.deadline_days {
        Some(d) => format!("{d}d"),
        None => "upgrade".into(),
    }
}

fn write_table(out: &mut impl Write, rows: &[Row<'_>], summary: &Summary) -> Result<(), Failure> {
    let mut lines: Vec<[String; 9]> = vec![[
        "DEADLINE".into(),
        "DECISION".into(),
        "ID".into(),
        "PACKAGE/PRODUCT".into(),
        "VERSION".into(),
        "FIXED".into(),
        "EPSS".into(),
        "CVSS".into(),
        "NOTE".into(),
    ]];
    for r in rows {
        let a = &r.item.assessment;
        let (name, version) = label(r);
        let mut note = Vec::new();
        if a.kev {
            note.push("KEV".to_owned());
        }
        if r.item.finding.confidence != yata_match::Confidence::Exact {
            note.push(r.item.finding.confidence.as_str().to_owned());
        }
        if let Some(v) = &r.item.vex {
            note.push(format!("vex:{}", v.status));
        }
        if let Some(i) = r.item.finding.informational() {
            note.push(format!("informational:{i}"));
        }
        lines.push([
            deadline(r),
            a.decisions.bod_26_04.as_str().to_owned(),
            r.item.finding.vulnerability.to_string(),
            name,
            version,
            r.item.finding.fixed_versions().join(" "),
            a.epss
                .as_ref()
                .map(|e| format!("{:.3}", e.score))
                .unwrap_or_default(),
            a.cvss
                .as_ref()
                .map(|c| format!("{:.1}", c.base))
                .unwrap_or_default(),
            note.join(","),
        ]);
    }
    let widths: Vec<usize> = (0..9)
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
                .min(48)
        })
        .collect();
    for l in &lines {
        let cells: Vec<String> = l
            .iter()
            .zip(&widths)
            .map(|(s, w)| {
                let s: String = s.chars().take(*w).collect();
                format!("{s:<w$}")
            })
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    writeln!(
        out,
        "\n{} findings ({} suppressed by VEX) in {} components and {} products; {} unidentifiable",
        summary.findings,
        summary.suppressed,
        summary.components,
        summary.products,
        summary.unidentifiable
    )?;
    Ok(())
}

fn write_csv(out: &mut impl Write, rows: &[Row<'_>]) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Failure::Other(e.into());
    w.write_record([
        "id",
        "aliases",
        "decision",
        "deadline_days",
        "forensics",
        "kev",
        "epss",
        "cvss",
        "confidence",
        "package_or_product",
        "version",
        "purl_or_cpe",
        "fixed_versions",
        "vex_status",
        "inventory",
        "explanation",
    ])
    .map_err(err)?;
    for r in rows {
        let a = &r.item.assessment;
        let (name, version) = label(r);
        let ident = match r.item.finding.subject {
            Subject::Component(i) => r.doc.components[i].purl.clone(),
            Subject::Product(i) => r.doc.products[i].cpe.clone(),
        };
        w.write_record([
            r.item.finding.vulnerability.to_string(),
            r.item
                .aliases
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            a.decisions.bod_26_04.as_str().to_owned(),
            a.deadline_days.map(|d| d.to_string()).unwrap_or_default(),
            a.decisions.forensics.to_string(),
            a.kev.to_string(),
            a.epss
                .as_ref()
                .map(|e| e.score.to_string())
                .unwrap_or_default(),
            a.cvss
                .as_ref()
                .map(|c| c.base.to_string())
                .unwrap_or_default(),
            r.item.finding.confidence.as_str().to_owned(),
            name,
            version,
            ident.unwrap_or_default(),
            r.item.finding.fixed_versions().join(" "),
            r.item
                .vex
                .as_ref()
                .map(|v| v.status.to_owned())
                .unwrap_or_default(),
            r.inventory.display().to_string(),
            r.item.finding.explanation(),
        ])
        .map_err(err)?;
    }
    w.flush()?;
    Ok(())
}

/// SARIF 2.1.0: one rule per vulnerability, one result per finding, located
/// at the inventory file and named by the package or product.
fn sarif(rows: &[Row<'_>]) -> Value {
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let mut results = Vec::new();
    for r in rows {
        let id = r.item.finding.vulnerability.to_string();
        let a = &r.item.assessment;
        rules.entry(id.clone()).or_insert_with(|| {
            let mut rule = json!({
                "id": id,
                "name": id,
                "shortDescription": {"text": id},
                "helpUri": format!("https://osv.dev/vulnerability/{id}"),
                "properties": {"tags": ["security", "vulnerability"]},
            });
            if let Some(c) = &a.cvss {
                rule["properties"]["security-severity"] = json!(format!("{:.1}", c.base));
            }
            rule
        });
        let level = match a.deadline_days {
            Some(d) if d <= 14 => "error",
            Some(_) => "warning",
            None => "note",
        };
        let (name, version) = label(r);
        let mut result = json!({
            "ruleId": id,
            "level": level,
            "message": {"text": format!(
                "{name} {version} is affected by {id}: {} (deadline {}). {}",
                a.decisions.bod_26_04.as_str(),
                deadline(r),
                r.item.finding.explanation()
            )},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": r.inventory.display().to_string()}},
                "logicalLocations": [{"name": format!("{name}@{version}"), "kind": "package"}],
            }],
            "properties": {
                "decision": a.decisions.bod_26_04.as_str(),
                "deadline_days": a.deadline_days,
                "forensics": a.decisions.forensics,
                "confidence": r.item.finding.confidence.as_str(),
                "kev": a.kev,
                "epss": a.epss.as_ref().map(|e| e.score),
                "fixed_versions": r.item.finding.fixed_versions(),
            },
        });
        if let Some(v) = r.item.vex.as_ref().filter(|v| v.suppresses()) {
            result["suppressions"] = json!([{
                "kind": "external",
                "justification": v.justification.clone().or_else(|| v.impact_statement.clone()).unwrap_or_else(|| v.status.to_owned()),
            }]);
        }
        results.push(result);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "yata",
                "informationUri": "https://github.com/yata-shield/yata",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    })
}

/// The work list as CycloneDX 1.6 VEX: each finding `affected` (or as its
/// VEX verdict says), products named by PURL, CPE or vendor/name/version.
fn cyclonedx_vex(rows: &[Row<'_>]) -> Result<String, Failure> {
    let mut statements = Vec::new();
    for r in rows {
        let product = match r.item.finding.subject {
            Subject::Component(i) => {
                let c = &r.doc.components[i];
                match c.purl.as_deref().and_then(|p| p.parse().ok()) {
                    Some(p) => ProductRef::Purl(p),
                    None => match &c.cpe {
                        Some(cpe) => ProductRef::Cpe(cpe.clone()),
                        None => ProductRef::Name {
                            vendor: c.group.clone(),
                            product: c.name.clone(),
                            version: c.version.clone(),
                        },
                    },
                }
            }
            Subject::Product(i) => {
                let p = &r.doc.products[i];
                match &p.cpe {
                    Some(cpe) => ProductRef::Cpe(cpe.clone()),
                    None => ProductRef::Name {
                        vendor: p.vendor.clone(),
                        product: p.product.clone(),
                        version: p.version.clone(),
                    },
                }
            }
        };
        let vex = r.item.vex.as_ref();
        let status = match vex.map(|v| v.status) {
            Some("not_affected") => yata_vex::Status::NotAffected,
            Some("fixed") => yata_vex::Status::Fixed,
            Some("under_investigation") => yata_vex::Status::UnderInvestigation,
            _ => yata_vex::Status::Affected,
        };
        statements.push(Statement {
            vulnerability: r.item.finding.vulnerability.to_string(),
            aliases: r.item.aliases.iter().map(|a| a.to_string()).collect(),
            products: vec![product],
            subcomponents: Vec::new(),
            status,
            justification: None,
            impact_statement: vex.and_then(|v| v.impact_statement.clone()),
            action_statement: match r.item.finding.fixed_versions().as_slice() {
                [] => vex.and_then(|v| v.action_statement.clone()),
                fixed => Some(format!("update to a fixed version: {}", fixed.join(", "))),
            },
            timestamp: None,
            source: yata_vex::Format::CycloneDx,
        });
    }
    let serial = serial_of(&statements);
    yata_vex::to_cyclonedx_vex(&statements, yata_vex::SpecVersion::V1_6, &serial)
        .map_err(|e| Failure::Other(e.into()))
}

/// A UUID (version 5 layout) derived from the statements, so the same work
/// list always gives the same document.
fn serial_of(statements: &[Statement]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for s in statements {
        h.update(s.vulnerability.as_bytes());
        for p in &s.products {
            h.update(p.to_string().as_bytes());
        }
        h.update([0]);
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
