//! `dwdi-codegen`: refreshes the generated files, writes the spec format's schema, imports
//! Alibaba's metadata, lints the spec and classifies changes between two specs.
//!
//! Exit codes: 0 clean; 1 a finding (lint finding, stale file); 2 usage, unreadable input or a
//! spec that cannot be loaded.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use dwdi_codegen::lint::Report;
use dwdi_codegen::model::spec_schema_text;
use dwdi_codegen::openapi::{OPENAPI, description_text};
use dwdi_codegen::outputs::{generated_files, orphaned_files};
use dwdi_codegen::paths::{SPEC, SPEC_SCHEMA, in_workspace};
use dwdi_codegen::{LoadError, load_path};

#[derive(Parser)]
#[command(
    name = "dwdi-codegen",
    version,
    about = "Refresh, check and lint what dwdi generates from spec/dataworks-di.json"
)]
struct Cli {
    /// Report stale generated files (with a diff) and exit 1 instead of writing them.
    #[arg(long, global = true)]
    check: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Write the spec format's JSON Schema to spec/spec.schema.json.
    SpecSchema,
    /// Write the OpenAPI 3.1 description of the operations to generated/openapi.json (the
    /// plain command writes it too, with the rest of generated/).
    Openapi {
        /// Print it on stdout instead of writing the file.
        #[arg(long)]
        print: bool,
    },
    /// Check the spec's record of the documentation for defects, and hold them against the
    /// recorded errata.
    Lint {
        /// The spec to lint.
        #[arg(long, default_value = SPEC)]
        spec: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List and classify every change from one spec to another. Exit codes: 0 nothing
    /// breaking, 1 something breaking, 2 a spec cannot be read or loaded.
    Diff {
        /// The spec callers were built against.
        old: PathBuf,
        /// The spec to compare with it.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the facts of Alibaba's metadata (api-docs.json) into the spec's imported layer
    /// (spec/imported/<product>-<version>.json), never touching the hand-written spec, and
    /// list the change to the effective spec, classified. Exit codes: 0 imported (or already
    /// up to date), 2 the metadata cannot be read or imported, or the spec does not load
    /// with it (nothing is written then).
    Import {
        /// Alibaba's metadata file.
        metadata: PathBuf,
        /// The operations to import, comma-separated (all when absent).
        #[arg(long, value_delimiter = ',')]
        operations: Option<Vec<String>>,
        /// The hand-written spec whose layer is written.
        #[arg(long, default_value = SPEC)]
        spec: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = run(cli);
    // Output that could not be written is a failed run (`… >/dev/full`), whatever the command.
    match WRITE_FAILED.lock().ok().and_then(|f| f.clone()) {
        Some(e) => {
            eprintln!("dwdi-codegen: cannot write to standard output: {e}");
            ExitCode::from(2)
        }
        None => code,
    }
}

/// The first failed write to stdout (a closed pipe is not one: the reader has what it wanted).
static WRITE_FAILED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// `println!` and `print!` through [`out`].
macro_rules! outln {
    ($($t:tt)*) => { out(&format!("{}\n", format_args!($($t)*))) };
}
macro_rules! outs {
    ($($t:tt)*) => { out(&format!($($t)*)) };
}

/// Writes `text` to stdout, remembering a failure for `main`.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
        && let Ok(mut failed) = WRITE_FAILED.lock()
    {
        failed.get_or_insert_with(|| e.to_string());
    }
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        None => generate(cli.check),
        Some(Command::SpecSchema) => {
            refresh(&[(SPEC_SCHEMA.to_owned(), spec_schema_text())], cli.check)
        }
        Some(Command::Openapi { print }) => openapi(print, cli.check),
        Some(Command::Lint { spec, format }) => lint(&spec, format),
        Some(Command::Diff { old, new, format }) => diff(&old, &new, format),
        Some(Command::Import {
            metadata,
            operations,
            spec,
        }) => import(&spec, &metadata, operations.as_deref()),
    }
}

/// Regenerates everything the spec drives, and removes generated sources the spec no longer
/// drives (an operation removed from the spec takes its module file with it).
fn generate(check: bool) -> ExitCode {
    let loaded = match load_path(&in_workspace(SPEC)) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let files = generated_files(&loaded);
    let written = refresh(&files, check);
    let orphans = orphaned_files(&files);
    if orphans.is_empty() {
        return written;
    }
    for orphan in &orphans {
        if check {
            eprintln!("stale: {orphan} (the spec no longer generates it)");
        } else if let Err(e) = std::fs::remove_file(in_workspace(orphan)) {
            eprintln!("{orphan}: cannot remove: {e}");
            return ExitCode::from(2);
        } else {
            outln!("removed {orphan}");
        }
    }
    if check {
        eprintln!(
            "{} generated file(s) are stale: run `cargo run -p dwdi-codegen` and commit",
            orphans.len()
        );
        return ExitCode::from(1);
    }
    written
}

/// Writes (or prints) the OpenAPI description alone.
fn openapi(print: bool, check: bool) -> ExitCode {
    let loaded = match load_path(&in_workspace(SPEC)) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let text = description_text(&loaded);
    if print {
        print!("{text}");
        return ExitCode::SUCCESS;
    }
    refresh(&[(OPENAPI.to_owned(), text)], check)
}

/// Writes each file whose content changed, or with `--check` reports them.
fn refresh(files: &[(String, String)], check: bool) -> ExitCode {
    let mut stale = 0;
    for (relative, fresh) in files {
        let path = in_workspace(relative);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == *fresh {
            continue;
        }
        if !check
            && let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!("{}: cannot create: {e}", dir.display());
            return ExitCode::from(2);
        }
        if check {
            stale += 1;
            eprintln!("stale: {relative}");
            eprint!("{}", line_diff(&current, fresh));
        } else if let Err(e) = std::fs::write(&path, fresh) {
            eprintln!("{}: cannot write: {e}", path.display());
            return ExitCode::from(2);
        } else {
            outln!("wrote {relative}");
        }
    }
    if stale > 0 {
        eprintln!(
            "{stale} generated file(s) are stale: run `cargo run -p dwdi-codegen` and commit"
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// A minimal line diff: the lines only in the old text (`-`) and only in the new one (`+`).
fn line_diff(old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let mut out = String::new();
    for l in old_lines.iter().filter(|l| !new_lines.contains(l)) {
        out.push_str(&format!("-{l}\n"));
    }
    for l in new_lines.iter().filter(|l| !old_lines.contains(l)) {
        out.push_str(&format!("+{l}\n"));
    }
    out
}

fn lint(spec: &Path, format: Format) -> ExitCode {
    let loaded = match load_path(spec) {
        Ok(loaded) => loaded,
        Err(e @ (LoadError::Read { .. } | LoadError::Invalid { .. })) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let report = Report::of(&loaded);
    match format {
        Format::Text => outs!("{}", report.render_text(&loaded)),
        Format::Json => outln!("{}", report.to_json()),
    }
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn diff(old: &Path, new: &Path, format: Format) -> ExitCode {
    let (old, new) = match (load_path(old), load_path(new)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for e in [old.err(), new.err()].into_iter().flatten() {
                eprintln!("{e}");
            }
            return ExitCode::from(2);
        }
    };
    let changes = dwdi_codegen::diff::diff(&old.spec, &new.spec);
    match format {
        Format::Text => outs!("{}", dwdi_codegen::diff::render_text(&changes)),
        Format::Json => outln!("{}", dwdi_codegen::diff::to_json(&changes)),
    }
    if changes.iter().any(|c| c.breaking) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn import(spec: &Path, metadata: &Path, operations: Option<&[String]>) -> ExitCode {
    let spec_path = if spec == Path::new(SPEC) {
        in_workspace(SPEC)
    } else {
        spec.to_owned()
    };
    let done = match dwdi_codegen::import_command::import(&spec_path, spec, metadata, operations) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    for d in &done.dropped {
        eprintln!("dropped: {} {}: {}", spec.display(), d.pointer, d.message);
    }
    if !done.listed {
        eprintln!(
            "warning: {} does not name the layer in `imports`, so it has no effect; add \"{}\"",
            spec.display(),
            done.entry
        );
    }
    if done.written {
        outln!(
            "import: wrote {} ({} operation(s): {})",
            done.layer.display(),
            done.operations.len(),
            done.operations.join(", ")
        );
    } else {
        outln!("import: {} is up to date", done.layer.display());
    }
    if done.compared {
        outs!("{}", dwdi_codegen::diff::render_text(&done.changes));
    } else {
        outln!("the spec did not load before the import: there is no change to list");
    }
    ExitCode::SUCCESS
}
