//! `yata`: the YATA-Shield command line (see the library's documentation).

fn main() -> std::process::ExitCode {
    yata_cli::yata()
}
