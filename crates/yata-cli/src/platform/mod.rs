//! The commands that run the platform or work on its store (`serve`,
//! `admin`, `audit`, `backup`, `restore`, `feed import --db`) and the
//! schema validators (`csaf validate`, `inventory validate`: JSON Schema
//! and its regular expressions). They run in the `yata-platform` binary;
//! `yata` parses them like every command (one help, one set of errors) and
//! then replaces itself by `yata-platform` with the same arguments, so that
//! the everyday commands (`scan` above all) start without loading that
//! code: a process's start-up cost grows with the size of its binary, and
//! for a small scan start-up is most of the time.

use crate::cmd_csaf::CsafCommand;
use crate::cmd_feed::ImportArgs;
use crate::cmd_inventory::ParseArgs;
use crate::{Failure, cmd_csaf, cmd_inventory};

pub(crate) mod audit;
pub(crate) mod backup;
pub(crate) mod feed;
pub(crate) mod restore;
pub(crate) mod serve;

/// The platform binary's file name, looked up beside `yata`.
pub(crate) const BINARY: &str = "yata-platform";

/// A parsed platform command.
#[derive(Debug)]
pub(crate) enum Platform {
    Serve(serve::ServeArgs),
    Admin(serve::AdminCommand),
    Audit(audit::AuditCommand),
    Backup(backup::BackupArgs),
    Restore(restore::RestoreArgs),
    FeedImport(ImportArgs),
    Csaf(CsafCommand),
    InventoryValidate(ParseArgs),
}

impl Platform {
    fn name(&self) -> &'static str {
        match self {
            Platform::Serve(_) => "serve",
            Platform::Admin(_) => "admin",
            Platform::Audit(_) => "audit",
            Platform::Backup(_) => "backup",
            Platform::Restore(_) => "restore",
            Platform::FeedImport(_) => "feed import --db",
            Platform::Csaf(_) => "csaf validate",
            Platform::InventoryValidate(_) => "inventory validate",
        }
    }
}

/// Runs a platform command (in `yata-platform`). `Ok(false)`: exit code 1.
pub(crate) fn run(command: Platform) -> Result<bool, Failure> {
    match command {
        Platform::Serve(args) => serve::serve(args).map(|()| true),
        Platform::Admin(cmd) => serve::admin(cmd).map(|()| true),
        Platform::Audit(cmd) => audit::run(cmd),
        Platform::Backup(args) => backup::run(args).map(|()| true),
        Platform::Restore(args) => restore::run(args),
        Platform::FeedImport(args) => feed::import_into_store(args).map(|()| true),
        Platform::Csaf(cmd) => cmd_csaf::run(cmd),
        Platform::InventoryValidate(args) => cmd_inventory::validate(args),
    }
}

/// Replaces this process (`yata`) by `yata-platform` beside it, with the
/// same arguments; returns only if that cannot be done.
pub(crate) fn forward(command: &Platform) -> Failure {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return Failure::Other(anyhow::Error::new(e).context("locating yata")),
    };
    let platform = exe.with_file_name(format!("{BINARY}{}", std::env::consts::EXE_SUFFIX));
    let mut child = std::process::Command::new(&platform);
    child.args(std::env::args_os().skip(1));
    #[cfg(unix)]
    let error = std::os::unix::process::CommandExt::exec(&mut child);
    #[cfg(not(unix))]
    let error = match child.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    };
    Failure::Other(if error.kind() == std::io::ErrorKind::NotFound {
        anyhow::anyhow!(
            "`yata {}` runs in {}, the platform binary installed beside yata, which is missing: \
             `cargo build --release` builds both (`cargo build` the debug pair), \
             `cargo install --path crates/yata-cli` installs both",
            command.name(),
            platform.display()
        )
    } else {
        anyhow::Error::new(error).context(format!("starting {}", platform.display()))
    })
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
