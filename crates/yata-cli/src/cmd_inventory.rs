//! `yata inventory parse` and `yata inventory scan-rootfs`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;
use yata_inventory::{Format, Inventory, InventoryError, Limit, Limits};

use crate::Failure;

#[derive(Debug, Subcommand)]
pub(crate) enum InventoryCommand {
    /// Read an inventory (SBOM, lockfile, package database, asset register)
    /// and print its components and products as JSON.
    Parse(ParseArgs),
    /// Read the package databases of a root filesystem (dpkg, apk) and its
    /// os-release, naming the distribution ecosystem exactly (`Debian:12`,
    /// `Alpine:v3.20`); prints the same JSON as `parse`.
    ScanRootfs(ScanArgs),
    /// Validate an inventory strictly. CycloneDX JSON: the official JSON
    /// schema of the document's spec version (1.2-1.7, bundled). Every other
    /// format: the document parses and the reader has no warning about it.
    ///
    /// Prints each violation with its location. Exit code 0 when valid, 1
    /// when invalid, 2 when the file cannot be read or its format is unknown.
    Validate(ParseArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    dir: PathBuf,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ParseArgs {
    file: PathBuf,
    /// Read the file as this format instead of detecting it.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    #[command(flatten)]
    limits: LimitArgs,
}

/// What a document may make the reader do; exceeding a limit is exit code 2.
#[derive(Debug, Args)]
pub(crate) struct LimitArgs {
    /// Refuse a document (or a package database file) larger than this.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_bytes)]
    max_size: usize,
    /// Refuse nesting (JSON, XML, YAML, TOML, nested components) deeper than this.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth)]
    max_depth: usize,
    /// Refuse more components (packages, products) than this.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_components)]
    max_components: usize,
}

impl From<&LimitArgs> for Limits {
    fn from(args: &LimitArgs) -> Limits {
        Limits {
            max_bytes: args.max_size,
            max_depth: args.max_depth,
            max_components: args.max_components,
        }
    }
}

/// The option that raises `limit`.
fn flag(limit: Limit) -> &'static str {
    match limit {
        Limit::Size => "--max-size",
        Limit::Depth => "--max-depth",
        Limit::Components => "--max-components",
    }
}

/// A document that cannot be read: bad input, naming the limit when one
/// was exceeded.
fn bad_input(place: &std::path::Path, e: &InventoryError) -> Failure {
    match e.limit {
        Some(limit) => Failure::BadInput(format!(
            "{}: {e} (limit exceeded; raise it with {})",
            place.display(),
            flag(limit)
        )),
        None => Failure::BadInput(format!("{}: {e}", place.display())),
    }
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

/// `yata inventory parse`: prints the inventory read.
pub(crate) fn parse(args: ParseArgs) -> Result<bool, Failure> {
    print(&read(&args.file, args.format, &(&args.limits).into())?)
}

/// `yata inventory scan-rootfs`: prints the inventory of the packages
/// installed.
pub(crate) fn scan_rootfs(args: ScanArgs) -> Result<bool, Failure> {
    let inventory = yata_inventory::os::scan_rootfs(&args.dir, &(&args.limits).into())
        .map_err(|e| bad_input(&args.dir, &e))?;
    print(&inventory)
}

fn print(inventory: &Inventory) -> Result<bool, Failure> {
    let out = ParseOutput::from(inventory);
    // Standard output flushes at every line break; pretty JSON is many lines.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    crate::pretty::to_writer(&mut stdout, &out).map_err(|e| Failure::Other(e.into()))?;
    use std::io::Write;
    writeln!(stdout)?;
    stdout.flush()?;
    Ok(true)
}

/// `yata inventory validate`, in the platform binary: the JSON Schema
/// validator and its regular expressions would more than triple the
/// pointers `yata` relocates at every start. `Ok(false)`: the inventory has
/// violations.
pub(crate) fn validate(args: ParseArgs) -> Result<bool, Failure> {
    let limits: Limits = (&args.limits).into();
    let (file, format, limits) = (&args.file, args.format, &limits);
    let (bytes, format) = read_bytes(file, format, limits)?;
    // A document beyond a limit is refused before the schema sees it.
    let parsed = yata_inventory::parse(format, &bytes, limits);
    if let Err(e) = &parsed
        && e.limit.is_some()
    {
        return Err(bad_input(file, e));
    }
    let violations: Vec<String> = if format == Format::CycloneDxJson {
        yata_inventory::cyclonedx::validate(&bytes)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?
            .into_iter()
            .map(|v| {
                let at = if v.pointer.is_empty() {
                    "(root)"
                } else {
                    v.pointer.as_str()
                };
                format!("{at}: {}", v.message)
            })
            .collect()
    } else {
        match parsed {
            Ok(inv) => inv
                .warnings
                .iter()
                .map(|w| format!("{}: {}", w.path, w.message))
                .collect(),
            Err(e) => vec![e.to_string()],
        }
    };
    for v in &violations {
        println!("{}: {v}", file.display());
    }
    Ok(violations.is_empty())
}

/// Reads and parses `file`; unreadable files, unknown formats and documents
/// that cannot be parsed are bad input.
pub(crate) fn read(
    file: &std::path::Path,
    format: Option<Format>,
    limits: &Limits,
) -> Result<Inventory, Failure> {
    let (bytes, format) = read_bytes(file, format, limits)?;
    yata_inventory::parse(format, &bytes, limits).map_err(|e| bad_input(file, &e))
}

/// Reads `file` and settles its format: the one given, else the detected one.
/// A file larger than `limits.max_bytes` is refused before it is read.
fn read_bytes(
    file: &std::path::Path,
    format: Option<Format>,
    limits: &Limits,
) -> Result<(Vec<u8>, Format), Failure> {
    if let Ok(meta) = std::fs::metadata(file)
        && meta.len() > u64::try_from(limits.max_bytes).unwrap_or(u64::MAX)
    {
        return Err(Failure::BadInput(format!(
            "{}: file of {} bytes exceeds the limit of {} (limit exceeded; raise it with {})",
            file.display(),
            meta.len(),
            limits.max_bytes,
            flag(Limit::Size)
        )));
    }
    let bytes =
        std::fs::read(file).map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
    let format = format
        .or_else(|| yata_inventory::detect(&file.to_string_lossy(), &bytes))
        .ok_or_else(|| {
            Failure::BadInput(format!(
                "{}: unknown inventory format (use --format)",
                file.display()
            ))
        })?;
    Ok((bytes, format))
}

/// The `yata inventory parse` JSON: what scripts outside the project read.
#[derive(Serialize)]
struct ParseOutput<'a> {
    format: &'a str,
    spec_version: Option<&'a str>,
    components: Vec<ComponentOut<'a>>,
    products: Vec<ProductOut<'a>>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct ComponentOut<'a> {
    purl: Option<&'a str>,
    name: &'a str,
    version: Option<&'a str>,
    ecosystem: Option<&'a str>,
}

#[derive(Serialize)]
struct ProductOut<'a> {
    vendor: Option<&'a str>,
    product: &'a str,
    version: Option<&'a str>,
    cpe: Option<&'a str>,
}

impl<'a> From<&'a Inventory> for ParseOutput<'a> {
    fn from(inv: &'a Inventory) -> Self {
        ParseOutput {
            format: &inv.document.format,
            spec_version: inv.document.spec_version.as_deref(),
            components: inv
                .components
                .iter()
                .map(|c| ComponentOut {
                    purl: c.purl.as_deref(),
                    name: &c.name,
                    version: c.version.as_deref(),
                    ecosystem: c.ecosystem.as_deref(),
                })
                .collect(),
            products: inv
                .products
                .iter()
                .map(|p| ProductOut {
                    vendor: p.vendor.as_deref(),
                    product: &p.product,
                    version: p.version.as_deref(),
                    cpe: p.cpe.as_deref(),
                })
                .collect(),
            warnings: inv
                .warnings
                .iter()
                .map(|w| {
                    if w.path.is_empty() {
                        w.message.clone()
                    } else {
                        format!("{}: {}", w.path, w.message)
                    }
                })
                .collect(),
        }
    }
}
