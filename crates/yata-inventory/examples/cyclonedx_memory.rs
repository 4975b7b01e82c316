//! Writes a synthetic CycloneDX JSON BOM, or parses one and prints the
//! component count and time; `scripts/inventory-memory.sh` runs the parse
//! under `/usr/bin/time -v` for its peak RSS.
//!
//! ```text
//! cargo run --release -p yata-inventory --example cyclonedx_memory -- generate 100000 /tmp/bom.json
//! cargo run --release -p yata-inventory --example cyclonedx_memory -- parse /tmp/bom.json
//! ```

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["generate", n, path] => {
            std::fs::write(path, synthetic::bom(n.parse()?))?;
        }
        ["parse", path] => {
            let bytes = std::fs::read(path)?;
            let start = Instant::now();
            let inv =
                yata_inventory::cyclonedx::parse_json(&bytes, &yata_inventory::Limits::default())?;
            let secs = start.elapsed().as_secs_f64();
            let n = inv.components.len();
            println!(
                "{n} components, {} warnings, {} bytes in {secs:.3} s: {:.0} components/s",
                inv.warnings.len(),
                bytes.len(),
                n as f64 / secs
            );
        }
        _ => return Err("usage: cyclonedx_memory generate <N> <FILE> | parse <FILE>".into()),
    }
    Ok(())
}
