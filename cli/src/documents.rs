//! `dwdi validate` and `dwdi schema`: the JSON documents carried in strings (the kinds of
//! the generated table `DOCUMENT_KINDS`: TaskParam, TaskContent, StartParam, …), checked
//! before submission with the same validator the mock server uses. A document the spec adds
//! is a kind here with no edit.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};
use dwdi_validate::{DocumentValidator, Problem, Report, Severity};

use crate::exit::Exit;
use crate::output;

/// A document dwdi knows, as tools name it (`task-param`, `batch-task-content`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentKind {
    /// The kind: the schema file's stem.
    pub kind: &'static str,
    /// The document's name in the spec.
    pub name: &'static str,
}

impl DocumentKind {
    /// The kind named `kind`, if the generated table has it.
    pub fn find(kind: &str) -> Option<Self> {
        dataworks_di::meta::DOCUMENT_KINDS
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(kind, name, _)| DocumentKind { kind, name })
    }

    /// The generated JSON Schema's text.
    pub fn schema(self) -> &'static str {
        dataworks_di::meta::DOCUMENT_SCHEMAS
            .iter()
            .find(|(name, _)| *name == self.name)
            .map(|(_, schema)| *schema)
            .expect("the generated tables name the same documents")
    }

    /// The generated rules file's text (what dwdi checks beyond the schema).
    pub fn rules(self) -> &'static str {
        dataworks_di::meta::DOCUMENT_RULES
            .iter()
            .find(|(name, _)| *name == self.name)
            .map(|(_, rules)| *rules)
            .expect("the generated tables name the same documents")
    }
}

/// The parser of a kind argument: one of the table's kinds, each with its description in
/// `--help`, and clap's own message (with the accepted kinds) for anything else.
fn kind_parser() -> impl TypedValueParser<Value = DocumentKind> {
    PossibleValuesParser::new(
        dataworks_di::meta::DOCUMENT_KINDS
            .iter()
            .map(|(kind, _, description)| PossibleValue::new(*kind).help(*description)),
    )
    .map(|kind| DocumentKind::find(&kind).expect("the parser accepts only the table's kinds"))
}

/// Output formats for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// One line per problem: `FILE:LINE:COLUMN: severity: POINTER: message`.
    #[default]
    Text,
    /// A JSON array of problems, each with its file.
    Json,
}

/// `dwdi validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The kind of document.
    #[arg(value_parser = kind_parser())]
    pub kind: DocumentKind,
    /// The files to check; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Treat warnings (undocumented members, unknown map keys) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `dwdi schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The kind of document.
    #[arg(value_parser = kind_parser())]
    pub kind: DocumentKind,
}

/// Prints a document's JSON Schema.
pub fn schema(args: SchemaArgs) -> Exit {
    output::stdout(args.kind.schema().trim_end());
    Exit::Success
}

/// The largest document dwdi reads: far above any real TaskContent, and small enough that a
/// stray huge file is refused at once instead of being parsed.
pub const MAX_DOCUMENT_BYTES: u64 = 16 * 1024 * 1024;

/// Validates every file and reports all problems. Exit 2 if any file could not be read (the
/// others are still checked and reported), else 1 if any is invalid, else 0.
pub fn validate(args: ValidateArgs) -> Exit {
    let validator = match DocumentValidator::new(args.kind.schema(), args.kind.rules()) {
        Ok(v) => v,
        Err(e) => {
            output::error(&e.to_string());
            return Exit::Usage;
        }
    };
    let outcomes = check_all(&validator, &args.files, args.strict);
    let mut unreadable = false;
    let mut invalid = false;
    let mut json = Vec::new();
    for (file, outcome) in args.files.iter().zip(outcomes) {
        let name = if file == "-" {
            "<stdin>"
        } else {
            file.as_str()
        };
        match outcome {
            Err(e) => {
                unreadable = true;
                output::error(&format!("{name}: {e}"));
                json.push(FileVerdict {
                    file: name.to_owned(),
                    valid: false,
                    embedded: false,
                    error: Some(e),
                    problems: Vec::new(),
                });
            }
            Ok(report) => {
                let valid = report.is_valid();
                invalid |= !valid;
                if args.format == Format::Text {
                    report_text(name, validator.title(), &report);
                }
                json.push(FileVerdict {
                    file: name.to_owned(),
                    valid,
                    embedded: report.embedded,
                    error: None,
                    problems: report.problems,
                });
            }
        }
    }
    if args.format == Format::Json {
        output::stdout(&serde_json::to_string_pretty(&json).unwrap_or_default());
    }
    if unreadable {
        Exit::Usage
    } else if invalid {
        Exit::Invalid
    } else {
        Exit::Success
    }
}

/// One file's verdict in `--format json`.
#[derive(serde::Serialize)]
struct FileVerdict {
    file: String,
    valid: bool,
    embedded: bool,
    /// Why the file could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    problems: Vec<Problem>,
}

/// Checks every file, on every core: each worker takes the next file until none is left, and
/// the results come back in the order the files were given.
fn check_all(
    validator: &DocumentValidator,
    files: &[String],
    strict: bool,
) -> Vec<Result<Report, String>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Result<Report, String>>>> =
        files.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let outcome = read(file).map(|bytes| validator.check_bytes(&bytes, strict));
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err("was not checked".to_owned()))
        })
        .collect()
}

/// Reads a file (or stdin for `-`) with the shared capped reader: at most
/// [`MAX_DOCUMENT_BYTES`] counted as read, whatever the file is, and no byte order mark.
pub fn read(file: &str) -> Result<Vec<u8>, String> {
    dwdi_validate::read::read_capped(file, MAX_DOCUMENT_BYTES).map_err(|e| e.to_string())
}

/// Problems go to stderr as diagnostics; the verdict per file goes to stdout.
fn report_text(file: &str, title: &str, report: &Report) {
    let problems = &report.problems;
    for p in problems {
        let severity = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let at = if p.pointer.is_empty() {
            "(document)"
        } else {
            p.pointer.as_str()
        };
        output::stderr(&format!(
            "{file}:{}:{}: {severity}: {at}: {}",
            p.line, p.column, p.message
        ));
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let verdict = if errors == 0 { "valid" } else { "invalid" };
    let embedded = if report.embedded {
        " (escaped in a JSON string; positions are inside it)"
    } else {
        ""
    };
    output::stdout(&format!(
        "{file}: {verdict} {title}{embedded} ({errors} error{}, {warnings} warning{})",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    ));
}
