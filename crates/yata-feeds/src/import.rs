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
