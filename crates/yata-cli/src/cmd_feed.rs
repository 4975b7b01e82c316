//! `yata feed import`, `bundle`, `keygen` and `stats`, and `yata vuln show`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use yata_feeds::bundle::{self, SigningKey, VerifyingKey};
use yata_feeds::import::{ImportConfig, SourceImport, import, import_bundle};
use yata_feeds::source::{self, Limits};
use yata_feeds::{Format, Problem};
use yata_knowledge::snapshot;
use yata_knowledge::{AdvisoryDb, UpdateSummary};
use yata_model::VulnId;

use crate::Failure;

#[derive(Debug, Subcommand)]
pub(crate) enum FeedCommand {
    /// Build an advisory snapshot from any mix of sources (files,
    /// directories, zips, gzips; formats detected per document).
    Import(ImportArgs),
    /// Print counts of a snapshot as JSON.
    Stats(StatsArgs),
    /// Pack sources into one signed bundle for an isolated network, where
    /// `yata feed import --trusted-key` takes it.
    Bundle(BundleArgs),
    /// Make an Ed25519 key pair for signing bundles: PREFIX.key (secret,
    /// mode 0600) and PREFIX.pub (for --trusted-key).
    Keygen(KeygenArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// Sources: OSV JSON/YAML (files, directories, osv.dev all.zip), RustSec
    /// advisory-db, CVE JSON 5 (files, cvelistV5 directories, zips), CISA KEV
    /// JSON/CSV, FIRST EPSS CSV (plain or .gz), CSAF 2.0, JVN XML; or signed
    /// bundles of such sources (`yata feed bundle`, with --trusted-key).
    #[arg(required = true)]
    pub(crate) sources: Vec<PathBuf>,
    /// A public key file (`yata feed keygen`) a bundle may be signed with;
    /// repeat for several. With it, every source must be a bundle signed by
    /// one of these keys; without it, bundles are refused.
    #[arg(long, value_name = "PUBKEY")]
    pub(crate) trusted_key: Vec<PathBuf>,
    /// Where to write the snapshot.
    #[arg(long, required_unless_present = "db")]
    pub(crate) out: Option<PathBuf>,
    /// Import into a platform store (sqlite://PATH or postgres://…): the
    /// store's latest snapshot is the base (unless --base is given), the
    /// result is stored, and the servers re-evaluate every asset.
    #[arg(long, value_name = "URL")]
    pub(crate) db: Option<String>,
    /// Start from this snapshot and update it with the sources.
    #[arg(long)]
    pub(crate) base: Option<PathBuf>,
    /// Read every document as this format instead of detecting it.
    #[arg(long, value_parser = parse_format)]
    pub(crate) format: Option<Format>,
    /// Import the good records of a source with bad ones, listing the bad
    /// ones, instead of writing nothing.
    #[arg(long)]
    pub(crate) keep_going: bool,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

#[derive(Debug, Args)]
pub(crate) struct StatsArgs {
    snapshot: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct BundleArgs {
    /// Sources as `yata feed import` takes them (files, directories, zips,
    /// gzips); each is bundled under its file or directory name, which must
    /// differ.
    #[arg(required = true)]
    sources: Vec<PathBuf>,
    /// The secret key file to sign with (`yata feed keygen`).
    #[arg(long)]
    key: PathBuf,
    /// Where to write the bundle.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Writes PREFIX.key and PREFIX.pub; neither may exist.
    #[arg(long, value_name = "PREFIX")]
    out: PathBuf,
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
        FeedCommand::Bundle(args) => run_bundle(args),
        FeedCommand::Keygen(args) => run_keygen(args),
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
    // Standard output flushes at every line break; pretty JSON is many lines.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    crate::pretty::to_writer(&mut out, value).map_err(|e| Failure::Other(e.into()))?;
    writeln!(out)?;
    out.flush()?;
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

/// `yata feed import` into a file; with `--db`, the platform binary's
/// [`crate::platform::feed::import_into_store`] runs instead.
fn run_import(args: ImportArgs) -> Result<(), Failure> {
    debug_assert!(args.db.is_none(), "--db imports run in the platform binary");
    let mut db = match &args.base {
        Some(base) => load(base)?,
        None => AdvisoryDb::default(),
    };
    let records = read_sources(&args)?;
    let update = db.update(records);
    let bytes = encode(&db)?;
    let mut written = Vec::new();
    if let Some(out) = &args.out {
        write_atomically(out, &bytes)?;
        written.push(out.display().to_string());
    }
    print_outcome(&db, &update, &written);
    Ok(())
}

/// Reads every source of an import (bundles checked against the trusted
/// keys first), printing a summary of each; any bad record fails the
/// import unless `--keep-going`.
pub(crate) fn read_sources(args: &ImportArgs) -> Result<Vec<yata_model::Record>, Failure> {
    let config = ImportConfig {
        format: args.format,
        ..ImportConfig::default()
    };
    let trusted = args
        .trusted_key
        .iter()
        .map(|path| read_public_key(path))
        .collect::<Result<Vec<_>, _>>()?;
    // Which sources are bundles, all checked before anything is imported.
    let mut is_bundle = Vec::with_capacity(args.sources.len());
    for source in &args.sources {
        let bundle = starts_like_bundle(source)?;
        if bundle && trusted.is_empty() {
            return Err(Failure::BadInput(format!(
                "{}: a signed feed bundle: give the public keys it may be signed with (--trusted-key); nothing written",
                source.display()
            )));
        }
        if !bundle && !trusted.is_empty() {
            return Err(Failure::BadInput(format!(
                "{}: not a signed feed bundle, and with --trusted-key every source must be one; nothing written",
                source.display()
            )));
        }
        is_bundle.push(bundle);
    }
    let mut imported = Vec::new();
    let mut failed = false;
    for (source, bundle) in args.sources.iter().zip(is_bundle) {
        let bar = progress_bar(source);
        let progress = |n: usize| bar.set_position(n as u64);
        let result = if bundle {
            import_signed(source, &trusted, &config, &progress)?
        } else {
            import(source, &config, &progress)
        };
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
    Ok(imported.into_iter().flat_map(|i| i.records).collect())
}

/// The snapshot of `db`, keyed for scoped reading by `yata scan`.
pub(crate) fn encode(db: &AdvisoryDb) -> Result<Vec<u8>, Failure> {
    snapshot::encode_keyed(db, jiff::Timestamp::now(), &yata_match::snapshot_keys())
        .map_err(|e| Failure::Other(e.into()))
}

/// The last line of an import: what the snapshot holds and where it went.
pub(crate) fn print_outcome(db: &AdvisoryDb, update: &UpdateSummary, written: &[String]) {
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
}

/// Whether `path` is a file that starts with the bundle magic.
fn starts_like_bundle(path: &Path) -> Result<bool, Failure> {
    use std::io::Read;
    if path.is_dir() {
        return Ok(false);
    }
    let mut prefix = Vec::with_capacity(bundle::MAGIC.len());
    std::fs::File::open(path)
        .and_then(|f| f.take(bundle::MAGIC.len() as u64).read_to_end(&mut prefix))
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    Ok(bundle::is_bundle(&prefix))
}

/// Verifies the bundle at `path` against the trusted keys, then imports it.
/// A bundle that does not verify is bad input.
fn import_signed(
    path: &Path,
    trusted: &[VerifyingKey],
    config: &ImportConfig,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Result<SourceImport, source::SourceError>, Failure> {
    let refused = |e: &dyn std::fmt::Display| {
        Failure::BadInput(format!("{}: {e}; nothing written", path.display()))
    };
    let size = std::fs::metadata(path).map_err(|e| refused(&e))?.len();
    if size > config.limits.max_total_bytes {
        return Err(refused(&format!(
            "{size} bytes exceeds the limit of {} bytes",
            config.limits.max_total_bytes
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| refused(&e))?;
    let verified = bundle::open(&bytes, trusted).map_err(|e| refused(&e))?;
    let sources: Vec<String> = verified
        .sources()
        .iter()
        .map(|s| match s.kind() {
            bundle::SourceKind::File => s.name().to_owned(),
            _ => format!("{} ({} files)", s.name(), s.files()),
        })
        .collect();
    println!(
        "{}: bundle signed by {} on {}: {}",
        path.display(),
        bundle::key_id(verified.signer()),
        verified.created(),
        sources.join(", ")
    );
    Ok(import_bundle(
        &path.display().to_string(),
        &verified,
        config,
        progress,
    ))
}

fn run_bundle(args: BundleArgs) -> Result<(), Failure> {
    let key = read_secret_key(&args.key)?;
    let limits = Limits::default();
    let mut sources = Vec::with_capacity(args.sources.len());
    let mut files = 0;
    for path in &args.sources {
        let bad = |e: &dyn std::fmt::Display| Failure::BadInput(format!("{}: {e}", path.display()));
        let meta = std::fs::metadata(path).map_err(|e| bad(&e))?;
        let name = std::path::absolute(path)
            .ok()
            .and_then(|p| {
                p.components()
                    .next_back()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
            })
            .ok_or_else(|| bad(&"no file or directory name"))?;
        if meta.is_dir() {
            let mut entries = Vec::new();
            source::files(path, &limits, &mut |p, b| entries.push((p, b)))
                .map_err(|e| Failure::BadInput(e.to_string()))?;
            files += entries.len();
            sources.push(bundle::Source::Directory {
                name,
                files: entries,
            });
        } else {
            let bytes = std::fs::read(path).map_err(|e| bad(&e))?;
            if bundle::is_bundle(&bytes) {
                return Err(bad(&"a feed bundle itself: bundles do not nest"));
            }
            files += 1;
            sources.push(bundle::Source::File { name, bytes });
        }
    }
    let created = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map_err(|e| Failure::Other(e.into()))?;
    let bytes =
        bundle::create(&sources, &key, created).map_err(|e| Failure::BadInput(e.to_string()))?;
    drop(sources);
    write_atomically(&args.out, &bytes)?;
    println!(
        "{}: {} sources, {files} files, {} bytes, signed by {}",
        args.out.display(),
        args.sources.len(),
        bytes.len(),
        bundle::key_id(&key.verifying_key())
    );
    Ok(())
}

fn run_keygen(args: KeygenArgs) -> Result<(), Failure> {
    let with = |ext: &str| {
        let mut p = args.out.clone().into_os_string();
        p.push(ext);
        PathBuf::from(p)
    };
    let (secret, public) = (with(".key"), with(".pub"));
    for p in [&secret, &public] {
        if p.exists() {
            return Err(Failure::BadInput(format!(
                "{}: exists; nothing written (keys are never overwritten)",
                p.display()
            )));
        }
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Failure::Other(anyhow::anyhow!("random bytes: {e}")))?;
    let key = SigningKey::from_bytes(&seed);
    seed.fill(0);
    write_new(&secret, &bundle::secret_key_text(&key), 0o600)?;
    if let Err(e) = write_new(
        &public,
        &bundle::public_key_text(&key.verifying_key()),
        0o644,
    ) {
        let _ = std::fs::remove_file(&secret);
        return Err(e);
    }
    println!(
        "secret key: {} (keep it off the isolated network)",
        secret.display()
    );
    println!(
        "public key: {} ({})",
        public.display(),
        bundle::key_id(&key.verifying_key())
    );
    Ok(())
}

/// Creates `path` (it must not exist) with `text`, readable per `mode`.
fn write_new(path: &Path, text: &str, mode: u32) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| {
        Failure::Other(anyhow::Error::new(e).context(format!("creating {}", path.display())))
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| {
            Failure::Other(anyhow::Error::new(e).context(format!("writing {}", path.display())))
        })
}

fn read_secret_key(path: &Path) -> Result<SigningKey, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    bundle::parse_secret_key(&text)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
}

pub(crate) fn read_public_key(path: &Path) -> Result<VerifyingKey, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    bundle::parse_public_key(&text)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
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
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
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
