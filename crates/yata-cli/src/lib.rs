//! `yata`: the YATA-Shield command line. Argument parsing and presentation
//! only; every rule lives in the library crates.
//!
//! Exit codes: 0 success, 2 bad input or usage, 1 anything else.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// See the workspace manifest: measured to halve snapshot load time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cmd_audit;
mod cmd_backup;
mod cmd_cpe;
mod cmd_csaf;
mod cmd_cvss;
mod cmd_feed;
mod cmd_inventory;
mod cmd_purl;
mod cmd_restore;
mod cmd_scan;
mod cmd_serve;
mod cmd_version;

/// YATA-Shield: deadline-driven vulnerability remediation for national cyber defence.
#[derive(Debug, Parser)]
#[command(name = "yata", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Version orderings per ecosystem.
    #[command(subcommand)]
    Version(cmd_version::VersionCommand),
    /// Print the canonical form of a Package URL.
    Purl(cmd_purl::PurlArgs),
    /// CPE 2.3 names.
    #[command(subcommand)]
    Cpe(cmd_cpe::CpeCommand),
    /// CSAF 2.0 documents.
    #[command(subcommand)]
    Csaf(cmd_csaf::CsafCommand),
    /// Scores of a CVSS v2.0, v3.0, v3.1 or v4.0 vector, as JSON.
    Cvss(cmd_cvss::CvssArgs),
    /// Advisory feeds: import into a snapshot, signed bundles, statistics.
    #[command(subcommand)]
    Feed(cmd_feed::FeedCommand),
    /// Inventories: SBOMs, lockfiles, package databases, asset registers.
    #[command(subcommand)]
    Inventory(cmd_inventory::InventoryCommand),
    /// Vulnerabilities in a snapshot.
    #[command(subcommand)]
    Vuln(VulnCommand),
    /// Match inventories against advisories and print the deadline-ordered
    /// work list. Exit code 1 when --fail-on is reached, 2 on bad input.
    Scan(Box<cmd_scan::ScanArgs>),
    /// The platform store's audit log.
    #[command(subcommand)]
    Audit(cmd_audit::AuditCommand),
    /// Copy a running SQLite store to a new file, consistently.
    Backup(cmd_backup::BackupArgs),
    /// Replace a SQLite store by a backup whose audit chain verifies.
    Restore(cmd_restore::RestoreArgs),
    /// Run the platform: HTTP API, background jobs.
    Serve(cmd_serve::ServeArgs),
    /// Administration of a store.
    #[command(subcommand)]
    Admin(cmd_serve::AdminCommand),
}

#[derive(Debug, Subcommand)]
enum VulnCommand {
    /// Print the merged record of a vulnerability as JSON; any alias finds it.
    Show(cmd_feed::ShowArgs),
}

/// How a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The input or the usage was wrong: exit code 2.
    BadInput(String),
    /// Anything else (I/O and the like): exit code 1.
    Other(anyhow::Error),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Version(cmd) => cmd_version::run(cmd),
        Command::Purl(args) => cmd_purl::run(args),
        Command::Cpe(cmd) => cmd_cpe::run(cmd),
        Command::Csaf(cmd) => match cmd_csaf::run(cmd) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Cvss(args) => cmd_cvss::run(args),
        Command::Feed(cmd) => cmd_feed::run(cmd),
        Command::Vuln(VulnCommand::Show(args)) => cmd_feed::show(args),
        Command::Scan(args) => match cmd_scan::run(*args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Inventory(cmd) => match cmd_inventory::run(cmd) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Audit(cmd) => match cmd_audit::run(cmd) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Backup(args) => cmd_backup::run(args),
        Command::Serve(args) => cmd_serve::serve(args),
        Command::Admin(cmd) => cmd_serve::admin(cmd),
        Command::Restore(args) => match cmd_restore::run(args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A single-threaded runtime for the commands that use the store.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Opens the existing store at `url`; a URL it cannot use, or a SQLite file
/// that does not exist, is bad input (opening would create an empty store).
pub(crate) async fn open_store(url: &str) -> Result<Box<dyn yata_store::Store>, Failure> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        if !path.contains(":memory:") && !std::path::Path::new(path).is_file() {
            return Err(Failure::BadInput(format!("{url}: no such database file")));
        }
    }
    yata_store::open(url).await.map_err(|e| match e {
        yata_store::Error::Url(m) => Failure::BadInput(m),
        e => Failure::Other(e.into()),
    })
}

/// `yata … | head` closes the pipe early; that is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
