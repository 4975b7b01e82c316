//! Reading what a user names as a source — a file, a directory, a zip (such
//! as osv.dev's `all.zip` or a zipped cvelistV5), a gzip — into documents.
//!
//! Archives are hostile input: every entry's declared and actual size is
//! bounded, so is its compression ratio and the number of entries, and an
//! entry whose name would escape its folder (`../x`, `/etc/x`) is refused.
//! Nothing is ever written to disk.

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};

/// Bounds on what a source may make us read.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest single document (a plain file, or an entry once inflated).
    pub max_document_bytes: u64,
    /// Largest inflated-to-compressed ratio of a zip entry or gzip stream
    /// larger than one MiB.
    pub max_ratio: u64,
    /// Most entries in one archive, and most files in one directory tree.
    pub max_entries: usize,
    /// Most bytes inflated from one archive altogether.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_bytes: 512 << 20,
            max_ratio: 200,
            max_entries: 2_000_000,
            max_total_bytes: 16 << 30,
        }
    }
}

/// Why a source cannot be read. Problems with single documents are not
/// errors here: they become located problems of the parse.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: not a valid zip archive: {reason}")]
    Zip { path: PathBuf, reason: String },
    #[error("{file}: entry name escapes the archive's folder")]
    UnsafeEntryName { file: String },
    #[error("{file}: {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge { file: String, size: u64, limit: u64 },
    #[error("{file}: compression ratio above {limit}:1 (a zip bomb?)")]
    Ratio { file: String, limit: u64 },
    #[error("{path}: more than {limit} entries")]
    TooManyEntries { path: PathBuf, limit: usize },
}

/// One document: its name (`dir/file.json`, `all.zip!GO-2022-0001.json`) and
/// its bytes.
#[derive(Debug)]
pub struct Document {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Calls `visit` with every document under `path`, in a deterministic order
/// (directory entries sorted by name; archive entries in archive order).
/// A `.zip` is opened and its entries visited; a `.gz` is inflated.
pub fn read(
    path: &Path,
    limits: &Limits,
    visit: &mut dyn FnMut(Document),
) -> Result<(), SourceError> {
    let meta = std::fs::metadata(path).map_err(|source| io_error(path, source))?;
    if meta.is_dir() {
        let mut count = 0;
        return walk(path, path, limits, &mut count, &mut |file| {
            read_file(file, &file.display().to_string(), limits, visit)
        });
    }
    read_file(path, &path.display().to_string(), limits, visit)
}

/// Calls `visit` with every file under the directory `dir` as it is on disk
/// (archives are not opened), named by its path relative to `dir` with `/`
/// separators, in the order [`read`] visits them and skipping what it skips:
/// what a feed bundle carries of a directory. A plain file larger than the
/// document limit is refused here, as [`read`] would refuse it.
pub fn files(
    dir: &Path,
    limits: &Limits,
    visit: &mut dyn FnMut(String, Vec<u8>),
) -> Result<(), SourceError> {
    let mut count = 0;
    walk(dir, dir, limits, &mut count, &mut |file| {
        let relative = file.strip_prefix(dir).unwrap_or(file);
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let lower = name.to_ascii_lowercase();
        let size = std::fs::metadata(file)
            .map_err(|source| io_error(file, source))?
            .len();
        if !lower.ends_with(".zip") && !lower.ends_with(".gz") && size > limits.max_document_bytes {
            return Err(SourceError::TooLarge {
                file: file.display().to_string(),
                size,
                limit: limits.max_document_bytes,
            });
        }
        let bytes = std::fs::read(file).map_err(|source| io_error(file, source))?;
        visit(name, bytes);
        Ok(())
    })
}

fn walk(
    root: &Path,
    dir: &Path,
    limits: &Limits,
    count: &mut usize,
    on_file: &mut dyn FnMut(&Path) -> Result<(), SourceError>,
) -> Result<(), SourceError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|source| io_error(dir, source))?
        .collect::<Result<_, _>>()
        .map_err(|source| io_error(dir, source))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue; // .git, .github, editor files
        }
        let kind = entry
            .file_type()
            .map_err(|source| io_error(&path, source))?;
        if kind.is_dir() {
            walk(root, &path, limits, count, on_file)?;
        } else if kind.is_file() {
            *count += 1;
            if *count > limits.max_entries {
                return Err(SourceError::TooManyEntries {
                    path: root.to_owned(),
                    limit: limits.max_entries,
                });
            }
            on_file(&path)?;
        }
    }
    Ok(())
}

/// Reads until `buf` is full or the file ends; how many bytes.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn read_file(
    path: &Path,
    name: &str,
    limits: &Limits,
    visit: &mut dyn FnMut(Document),
) -> Result<(), SourceError> {
    let lower = name.to_ascii_lowercase();
    let mut file = File::open(path).map_err(|source| io_error(path, source))?;
    // Archives by name, or by their first bytes when the name says nothing
    // (a download or an upload kept in a temporary file).
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).map_err(|source| io_error(path, source))?;
    file.rewind().map_err(|source| io_error(path, source))?;
    let magic = &magic[..n];
    if lower.ends_with(".zip") || magic == b"PK\x03\x04" || magic == b"PK\x05\x06" {
        return read_zip(path, file, limits, visit);
    }
    let size = file
        .metadata()
        .map_err(|source| io_error(path, source))?
        .len();
    if lower.ends_with(".gz") || magic.starts_with(&[0x1f, 0x8b]) {
        let bytes = gunzip(name, file, size, limits)?;
        let inner = name.strip_suffix(".gz").unwrap_or(name);
        visit(Document {
            name: inner.to_owned(),
            bytes,
        });
        return Ok(());
    }
    if size > limits.max_document_bytes {
        return Err(SourceError::TooLarge {
            file: name.to_owned(),
            size,
            limit: limits.max_document_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limits.max_document_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| io_error(path, source))?;
    visit(Document {
        name: name.to_owned(),
        bytes,
    });
    Ok(())
}

/// Visits a document read from elsewhere (such as a feed bundle) as
/// [`read`] would visit a file of that name: a `.zip` is opened and its
/// entries visited, a `.gz` is inflated (and named without the suffix),
/// anything else is visited as it is.
pub fn expand(
    doc: Document,
    limits: &Limits,
    visit: &mut dyn FnMut(Document),
) -> Result<(), SourceError> {
    let lower = doc.name.to_ascii_lowercase();
    if lower.ends_with(".zip") {
        return read_zip(
            Path::new(&doc.name),
            io::Cursor::new(doc.bytes),
            limits,
            visit,
        );
    }
    if lower.ends_with(".gz") {
        let bytes = gunzip(
            &doc.name,
            doc.bytes.as_slice(),
            doc.bytes.len() as u64,
            limits,
        )?;
        let name = doc.name[..doc.name.len() - 3].to_owned();
        visit(Document { name, bytes });
        return Ok(());
    }
    visit(doc);
    Ok(())
}

/// Inflates a gzip stream, bounded by the document limit and the ratio.
pub fn gunzip(
    name: &str,
    reader: impl Read,
    compressed: u64,
    limits: &Limits,
) -> Result<Vec<u8>, SourceError> {
    let cap = limits
        .max_document_bytes
        .min(compressed.saturating_mul(limits.max_ratio).max(1 << 20));
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(reader)
        .take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|source| SourceError::Io {
            path: name.into(),
            source,
        })?;
    if out.len() as u64 > cap {
        return Err(if cap < limits.max_document_bytes {
            SourceError::Ratio {
                file: name.to_owned(),
                limit: limits.max_ratio,
            }
        } else {
            SourceError::TooLarge {
                file: name.to_owned(),
                size: out.len() as u64,
                limit: limits.max_document_bytes,
            }
        });
    }
    Ok(out)
}

/// Visits every file entry of a zip archive, checked against `limits`.
pub fn read_zip<R: Read + Seek>(
    path: &Path,
    reader: R,
    limits: &Limits,
    visit: &mut dyn FnMut(Document),
) -> Result<(), SourceError> {
    let zip_error = |e: zip::result::ZipError| SourceError::Zip {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_error)?;
    if archive.len() > limits.max_entries {
        return Err(SourceError::TooManyEntries {
            path: path.to_owned(),
            limit: limits.max_entries,
        });
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(zip_error)?;
        let file = format!("{}!{}", path.display(), entry_name(&entry, path)?);
        if entry.is_dir() {
            continue;
        }
        let bytes = inflate(&mut entry, &file, limits)?;
        add_total(&mut total, bytes.len(), path, limits)?;
        visit(Document { name: file, bytes });
    }
    Ok(())
}

/// The name of an entry of the archive `path`, as written, if it stays
/// inside the archive's folder.
pub(crate) fn entry_name<R: Read>(
    entry: &zip::read::ZipFile<'_, R>,
    path: &Path,
) -> Result<String, SourceError> {
    let raw_name = String::from_utf8_lossy(entry.name_raw()).into_owned();
    if entry.enclosed_name().is_none() || !is_relative_inside(&raw_name) {
        return Err(SourceError::UnsafeEntryName {
            file: format!("{}!{raw_name}", path.display()),
        });
    }
    Ok(raw_name)
}

/// Inflates one zip entry (`file` names it in errors): its declared size is
/// checked against the document limit and the compression ratio before
/// anything is inflated, and never more than it declared is inflated.
pub(crate) fn inflate<R: Read>(
    entry: &mut zip::read::ZipFile<'_, R>,
    file: &str,
    limits: &Limits,
) -> Result<Vec<u8>, SourceError> {
    let declared = entry.size();
    let compressed = entry.compressed_size();
    if declared > limits.max_document_bytes {
        return Err(SourceError::TooLarge {
            file: file.to_owned(),
            size: declared,
            limit: limits.max_document_bytes,
        });
    }
    if declared > 1 << 20 && declared / compressed.max(1) > limits.max_ratio {
        return Err(SourceError::Ratio {
            file: file.to_owned(),
            limit: limits.max_ratio,
        });
    }
    // The declared size may lie: never inflate more than it promised.
    let mut bytes = Vec::with_capacity(declared as usize);
    entry
        .by_ref()
        .take(declared + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| SourceError::Io {
            path: file.into(),
            source,
        })?;
    if bytes.len() as u64 > declared {
        return Err(SourceError::TooLarge {
            file: file.to_owned(),
            size: bytes.len() as u64,
            limit: declared,
        });
    }
    Ok(bytes)
}

/// Counts `n` more inflated bytes of the archive `path` against the limit.
pub(crate) fn add_total(
    total: &mut u64,
    n: usize,
    path: &Path,
    limits: &Limits,
) -> Result<(), SourceError> {
    *total += n as u64;
    if *total > limits.max_total_bytes {
        return Err(SourceError::TooLarge {
            file: path.display().to_string(),
            size: *total,
            limit: limits.max_total_bytes,
        });
    }
    Ok(())
}

/// A relative name that stays inside its folder: no leading `/` or `\`, no
/// drive (`C:`), no `..` component, no NUL.
fn is_relative_inside(name: &str) -> bool {
    !name.starts_with(['/', '\\'])
        && !name.contains('\0')
        && name.as_bytes().get(1) != Some(&b':')
        && name.split(['/', '\\']).all(|part| part != "..")
}

fn io_error(path: &Path, source: io::Error) -> SourceError {
    SourceError::Io {
        path: path.to_owned(),
        source,
    }
}
