//! `yata-platform`: the YATA-Shield command line with the platform (server
//! and store commands) inside; `yata` hands those commands to it.

fn main() -> std::process::ExitCode {
    yata_cli::platform()
}
