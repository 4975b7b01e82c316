//! `yata-platform`: the YATA-Shield command line with the platform inside
//! (the server, the store's commands, the schema validators); `yata` hands
//! those commands to it.

fn main() -> std::process::ExitCode {
    yata_cli::platform()
}

/// mimalloc: see the workspace manifest (`yata` keeps the system allocator).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
