//! `yata feed import` and `yata feed stats`, and `yata vuln show`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use yata_feeds::import::{ImportConfig, SourceImport, import};
use yata_feeds::{Format, Problem};
use yata_knowledge::AdvisoryDb;
use yata_knowledge::snapshot;
use yata_model::VulnId;

use crate::Failure;

#[derive(Debug, Subcommand)]
pub(crate) enum FeedCommand {
    /// Build an advisory snapshot from any mix of sources (files,
    /// directories, zips, gzips; formats detected per document).
    Import(ImportArgs),
    /// Print counts of a snapshot as JSON.
    Stats(StatsArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// Sources: OSV JSON/YAML (files, directories, osv.dev all.zip), RustSec
    /// advisory-db, CVE JSON 5 (files, cvelistV5 directories, zips), CISA KEV
    /// JSON/CSV, FIRST EPSS CSV (plain or .gz), CSAF 2.0, JVN XML.
    #[arg(required = true)]
    sources: Vec<PathBuf>,
    /// Where to write the snapshot.
    #[arg(long, required_unless_present = "db")]
    out: Option<PathBuf>,
    /// Import into a platform store (sqlite://PATH or postgres://…): the
    /// store's latest snapshot is the base (unless --base is given), the
    /// result is stored, and the servers re-evaluate every asset.
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Start from this snapshot and update it with the sources.
    #[arg(long)]
    base: Option<PathBuf>,
    /// Read every document as this format instead of detecting it.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// Import the good records of a source with bad ones, listing the bad
    /// ones, instead of writing nothing.
    #[arg(long)]
    keep_going: bool,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

#[derive(Debug, Args)]
pub(crate) struct StatsArgs {
    snapshot: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Any id or alias (CVE, GHSA, PYSEC, GO, RUSTSEC, JVNDB…).
    id: String,
    /// The advisory snapshot.
    #[arg(long)]
    feeds: PathBuf,
}

pub(crate) fn run(cmd: FeedCommand) -> Result<(), Failure> {
    match cmd {
        FeedCommand::Import(args) => run_import(args),
        FeedCommand::Stats(args) => {
            let db = load(&args.snapshot)?;
            let result = print_json(&db.stats());
            leak(db);
            result
        }
    }
}

pub(crate) fn show(args: ShowArgs) -> Result<(), Failure> {
    let id: VulnId = args
        .id
        .parse()
        .map_err(|e: yata_model::VulnIdError| Failure::BadInput(e.to_string()))?;
    let db = load(&args.feeds)?;
    let Some(v) = db.get(&id) else {
        return Err(Failure::Other(anyhow::anyhow!(
            "no vulnerability {id} in {}",
            args.feeds.display()
        )));
    };
    let result = print_json(&v.to_json());
    leak(db);
    result
}

/// The process ends right after: freeing millions of strings one by one
/// would only delay the exit (by ~50 ms on the full corpus).
fn leak(db: AdvisoryDb) {
    std::mem::forget(db);
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| Failure::Other(e.into()))?;
    writeln!(out)?;
    Ok(())
}

/// Reads a snapshot; a file that is not one (or of another format version)
/// is bad input.
pub(crate) fn load(path: &Path) -> Result<AdvisoryDb, Failure> {
    let bytes =
        std::fs::read(path).map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    snapshot::decode(&bytes)
        .map(|s| s.db)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
}

/// How many problems to print before summarising the rest.
const SHOWN_PROBLEMS: usize = 50;

fn run_import(args: ImportArgs) -> Result<(), Failure> {
    let mut db = match (&args.base, &args.db) {
        (Some(base), _) => load(base)?,
        (None, Some(url)) => stored_base(url)?,
        (None, None) => AdvisoryDb::default(),
    };
    let config = ImportConfig {
        format: args.format,
        ..ImportConfig::default()
    };
    let mut imported = Vec::new();
    let mut failed = false;
    for source in &args.sources {
        let bar = progress_bar(source);
        let result = import(source, &config, &|n| bar.set_position(n as u64));
        bar.finish_and_clear();
        let result = result.map_err(|e| Failure::BadInput(e.to_string()))?;
        print_summary(source, &result);
        if !result.problems.is_empty() {
            print_problems(&result.problems);
            failed |= !args.keep_going;
        }
        imported.push(result);
    }
    if failed {
        return Err(Failure::BadInput(
            "bad records found: nothing written (use --keep-going to import the good ones)".into(),
        ));
    }
    let records: Vec<yata_model::Record> = imported.into_iter().flat_map(|i| i.records).collect();
    // What the servers must look at again: the vulnerabilities these
    // records name, in the base and (below) in the result.
    let base_scope = yata_server::reevaluate::Scope::of_records(
        records.iter(),
        &[&db],
        db.records().len() + records.len(),
    );
    let update = db.update(records);
    let scope = match base_scope {
        yata_server::reevaluate::Scope::Vulnerabilities(ids) => {
            let mut all = std::collections::BTreeSet::new();
            for id in ids {
                if let Ok(v) = id.parse::<VulnId>()
                    && let Some(view) = db.get(&v)
                {
                    all.insert(view.id().as_str().to_owned());
                    all.extend(view.aliases().iter().map(|a| a.as_str().to_owned()));
                }
                all.insert(id);
            }
            yata_server::reevaluate::Scope::Vulnerabilities(all.into_iter().collect())
        }
        all => all,
    };
    let bytes =
        snapshot::encode(&db, jiff::Timestamp::now()).map_err(|e| Failure::Other(e.into()))?;
    let mut written = Vec::new();
    if let Some(out) = &args.out {
        write_atomically(out, &bytes)?;
        written.push(out.display().to_string());
    }
    if let Some(url) = &args.db {
        store_snapshot(url, &db, bytes, &scope)?;
        written.push(format!("{url} (re-evaluation queued)"));
    }
    println!(
        "snapshot: {} vulnerabilities from {} records (added {}, updated {}, unchanged {}, older copies ignored {}) written to {}",
        db.len(),
        db.records().len(),
        update.added,
        update.updated,
        update.unchanged,
        update.stale,
        written.join(" and ")
    );
    Ok(())
}

/// The store's latest snapshot, or an empty database if it has none.
fn stored_base(url: &str) -> Result<AdvisoryDb, Failure> {
    crate::runtime()?.block_on(async {
        let store = crate::open_store(url).await?;
        let latest = store
            .latest_feed_snapshot()
            .await
            .map_err(|e| Failure::Other(e.into()))?;
        store.close().await.map_err(|e| Failure::Other(e.into()))?;
        match latest {
            Some((meta, bytes)) => snapshot::decode(&bytes).map(|s| s.db).map_err(|e| {
                Failure::Other(anyhow::anyhow!("{url}: stored snapshot {}: {e}", meta.id))
            }),
            None => Ok(AdvisoryDb::default()),
        }
    })
}

/// Stores the snapshot in the platform store and queues the re-evaluation
/// a running server picks up.
fn store_snapshot(
    url: &str,
    db: &AdvisoryDb,
    bytes: Vec<u8>,
    scope: &yata_server::reevaluate::Scope,
) -> Result<(), Failure> {
    let other = |e: yata_store::Error| Failure::Other(e.into());
    crate::runtime()?.block_on(async {
        let store = crate::open_store(url).await?;
        let summary = serde_json::json!({
            "vulnerabilities": db.len(),
            "records": db.records().len(),
            "sources": [{ "kind": "cli" }],
        });
        store
            .put_feed_snapshot(
                &yata_store::Actor::Cli,
                &yata_store::NewFeedSnapshot {
                    digest: yata_inventory::digest(&bytes),
                    summary: summary.to_string(),
                    body: bytes,
                },
            )
            .await
            .map_err(other)?;
        store
            .enqueue_job(
                &yata_store::Actor::Cli,
                &yata_store::NewJob {
                    kind: yata_server::api::feeds::REEVALUATE_JOB.into(),
                    payload: scope.to_payload(),
                    run_at: jiff::Timestamp::now(),
                },
            )
            .await
            .map_err(other)?;
        store.close().await.map_err(other)
    })
}

fn progress_bar(source: &Path) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {pos} documents ({per_sec})")
    {
        bar.set_style(style);
    }
    bar.set_message(source.display().to_string());
    bar
}

fn print_summary(source: &Path, import: &SourceImport) {
    let mut reasons: std::collections::BTreeMap<&str, usize> = Default::default();
    for s in &import.skipped {
        *reasons.entry(&s.message).or_default() += 1;
    }
    let skipped = if reasons.is_empty() {
        "0 documents skipped".to_owned()
    } else {
        let detail: Vec<String> = reasons.iter().map(|(r, n)| format!("{r}: {n}")).collect();
        format!(
            "{} documents skipped ({})",
            import.skipped.len(),
            detail.join("; ")
        )
    };
    println!(
        "{}: {} documents, {} records read, {} imported, {} with problems, {skipped}",
        source.display(),
        import.documents,
        import.read(),
        import.records.len(),
        import.problems.len(),
    );
}

fn print_problems(problems: &[Problem]) {
    for p in problems.iter().take(SHOWN_PROBLEMS) {
        eprintln!("  {p}");
    }
    if problems.len() > SHOWN_PROBLEMS {
        eprintln!("  … and {} more", problems.len() - SHOWN_PROBLEMS);
    }
}

/// Writes to a temporary file beside `path`, then renames it into place, so
/// that a reader never sees half a snapshot.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| {
        Failure::Other(anyhow::Error::new(e).context(format!("writing {}", path.display())))
    })
}
