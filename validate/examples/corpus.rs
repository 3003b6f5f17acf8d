//! Writes the committed generator's realistic TaskParam documents to files, for the
//! whole-process comparison in `validate/benches/corpus.sh` (and the Node harness there).
//!
//! `cargo run --release -p dwdi-validate --example corpus -- DIR [N]` writes DIR/docNNNNN.json,
//! N files (10,000 by default), the same ones `cargo bench --bench validate` reads.

#[path = "../tests/support/corpus.rs"]
mod corpus;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: corpus DIR [N]");
        std::process::exit(2);
    };
    let n: u64 = match args.next().map(|n| n.parse()) {
        None => 10_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("N: {e}");
            std::process::exit(2);
        }
    };
    std::fs::create_dir_all(&dir)?;
    let mut bytes = 0;
    for seed in 0..n {
        let (_, text) = corpus::task_param(seed);
        bytes += text.len();
        std::fs::write(format!("{dir}/doc{seed:05}.json"), text)?;
    }
    println!("{n} files, {bytes} bytes");
    Ok(())
}
