//! Importing one source: read its documents ([`crate::source`], or a
//! verified [`crate::bundle`]), recognise each one's format (or take the one
//! given), and parse them on every core.

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::sync_channel;

use crate::bundle::Verified;
use crate::source::{self, Document, Limits, SourceError};
use crate::{Format, Parsed, Problem, Record};

/// How to import a source.
#[derive(Debug, Clone, Default)]
pub struct ImportConfig {
    /// Every document is of this format (no detection).
    pub format: Option<Format>,
    pub limits: Limits,
    /// Parsing threads; 0 means one per available core.
    pub threads: usize,
}

/// What importing one source gave.
#[derive(Debug, Default)]
pub struct SourceImport {
    pub records: Vec<Record>,
    /// Documents read.
    pub documents: usize,
    /// Records (or documents) that could not be read, sorted by file and path.
    pub problems: Vec<Problem>,
    /// Documents that were not advisories, with the reason, sorted by file.
    pub skipped: Vec<Problem>,
}

impl SourceImport {
    /// Records read: the imported ones plus the ones with a problem.
    pub fn read(&self) -> usize {
        self.records.len() + self.problems.len()
    }
}

/// Imports everything under `path`. `progress` is called with the number of
/// documents read so far (for a progress bar), from the reading thread.
pub fn import(
    path: &Path,
    config: &ImportConfig,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SourceImport, SourceError> {
    import_documents(
        &mut |visit| source::read(path, &config.limits, visit),
        config,
        progress,
    )
}

/// The top-level files of a RustSec advisory-db checkout besides the
/// package directories (by name prefix): its documentation, never
/// advisories — `EXAMPLE_ADVISORY.md` is a template, which `cargo audit`
/// does not read either.
const ADVISORY_DB_DOCS: &[&str] = &[
    "LICENSE",
    "README",
    "CONTRIBUTING",
    "CODE_OF_CONDUCT",
    "HOWTO",
    "MAINTAINERS",
    "SECURITY",
    "EXAMPLE_ADVISORY",
];

/// The package directories of a RustSec advisory-db checkout
/// (`crates/<crate>/RUSTSEC-*.md`, `rust/<component>/…`), or `None` when
/// `path` holds anything else: a file or directory other than those two,
/// the repository's documents (README, LICENSE, …) and hidden entries.
pub fn advisory_db_layout(path: &Path) -> Option<Vec<std::path::PathBuf>> {
    let mut roots = Vec::new();
    for entry in std::fs::read_dir(path).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name();
        let name = name.to_str()?;
        let kind = entry.file_type().ok()?;
        if name.starts_with('.') {
            continue;
        }
        if kind.is_dir() && (name == "crates" || name == "rust") {
            roots.push(entry.path());
        } else if !(kind.is_file() && ADVISORY_DB_DOCS.iter().any(|d| name.starts_with(d))) {
            return None;
        }
    }
    roots.sort();
    roots.iter().any(|r| r.ends_with("crates")).then_some(roots)
}

/// Imports from a RustSec advisory-db checkout only the package directories
/// `wanted` names (by directory name, the crate's name): what a scan of
/// known crates needs, without reading the other thousand advisories. Each
/// directory is read and parsed exactly as [`import`] reads it. `None` when
/// `path` is not laid out so ([`advisory_db_layout`]): import it whole.
///
/// The records of unread directories are not merged in: a vulnerability
/// whose advisories name several crates carries only the aliases of the
/// advisories read (what each advisory says, as `cargo audit` shows it).
pub fn import_packages(
    path: &Path,
    wanted: &(dyn Fn(&str) -> bool + Sync),
    config: &ImportConfig,
) -> Option<Result<SourceImport, SourceError>> {
    let roots = advisory_db_layout(path)?;
    let mut dirs = Vec::new();
    for root in &roots {
        let entries = match std::fs::read_dir(root) {
            Ok(entries) => entries,
            Err(source) => {
                return Some(Err(SourceError::Io {
                    path: root.clone(),
                    source,
                }));
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(source) => {
                    return Some(Err(SourceError::Io {
                        path: root.clone(),
                        source,
                    }));
                }
            };
            if entry.file_name().to_str().is_some_and(wanted) {
                dirs.push(entry.path());
            }
        }
    }
    dirs.sort();
    Some(import_documents(
        &mut |visit| {
            for dir in &dirs {
                source::read(dir, &config.limits, visit)?;
            }
            Ok(())
        },
        config,
        &|_| {},
    ))
}

/// Imports the documents of a verified feed bundle, as [`import`] does a
/// source on disk; `name` (the bundle's) locates documents and problems.
pub fn import_bundle(
    name: &str,
    bundle: &Verified<'_>,
    config: &ImportConfig,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SourceImport, SourceError> {
    import_documents(
        &mut |visit| bundle.read(name, &config.limits, visit),
        config,
        progress,
    )
}

/// Reads a source: calls its argument with every document.
type Read<'a> = dyn FnMut(&mut dyn FnMut(Document)) -> Result<(), SourceError> + 'a;

/// Parses the documents `read` visits, on every core.
fn import_documents(
    read: &mut Read<'_>,
    config: &ImportConfig,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SourceImport, SourceError> {
    let threads = match config.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let (tx, rx) = sync_channel::<Document>(256);
    let rx = Mutex::new(rx);
    let format = config.format;
    let mut documents = 0;
    let (read_result, parsed) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Parsed::default();
                    loop {
                        let next = rx.lock().map(|r| r.recv());
                        let Ok(Ok(doc)) = next else {
                            return out;
                        };
                        parse_document(format, &doc, &mut out);
                    }
                })
            })
            .collect();
        let read_result = read(&mut |doc| {
            documents += 1;
            progress(documents);
            // A send fails only if every worker is gone, which they are not
            // until the channel closes.
            let _ = tx.send(doc);
        });
        drop(tx);
        let parsed: Vec<Parsed> = workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect();
        (read_result, parsed)
    });
    read_result?;
    let mut import = SourceImport {
        documents,
        ..SourceImport::default()
    };
    for p in parsed {
        import.records.extend(p.records);
        import.problems.extend(p.problems);
        import.skipped.extend(p.skipped);
    }
    import
        .records
        .sort_by(|a, b| (a.source, &a.id).cmp(&(b.source, &b.id)));
    let key = |p: &Problem| (p.file.clone(), p.path.clone());
    import.problems.sort_by_key(key);
    import.skipped.sort_by_key(key);
    Ok(import)
}

/// Parses one document, detecting its format unless one is given.
pub fn parse_document(format: Option<Format>, doc: &Document, out: &mut Parsed) {
    match format.or_else(|| Format::detect(&doc.name, &doc.bytes)) {
        Some(f) => f.parse(&doc.name, &doc.bytes, out),
        None => out.skip(&doc.name, "not a recognised advisory format"),
    }
}
