//! `dwdi validate` and `dwdi schema`: the JSON documents carried in strings (TaskParam,
//! TaskContent, StartParam), checked before submission with the same validator the mock
//! server uses.

use std::io::Read;

use clap::{Args, ValueEnum};
use dwdi_validate::{DocumentValidator, Problem, Severity};

use crate::exit::Exit;
use crate::output;

/// The documents dwdi knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocumentKind {
    /// GenerateDISyncTaskConfigForUpdating's TaskParam.
    TaskParam,
    /// The TaskContent QueryDISyncTaskConfigProcessResult returns (and UpdateDISyncTask takes).
    TaskContent,
    /// StartDISyncInstance's StartParam.
    StartParam,
}

impl DocumentKind {
    /// The generated JSON Schema's text.
    pub fn schema(self) -> &'static str {
        match self {
            DocumentKind::TaskParam => dataworks_di::TASK_PARAM_SCHEMA,
            DocumentKind::TaskContent => dataworks_di::TASK_CONTENT_SCHEMA,
            DocumentKind::StartParam => dataworks_di::START_PARAM_SCHEMA,
        }
    }
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
    #[arg(value_enum)]
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
    #[arg(value_enum)]
    pub kind: DocumentKind,
}

/// Prints a document's JSON Schema.
pub fn schema(args: SchemaArgs) -> Exit {
    output::stdout(args.kind.schema().trim_end());
    Exit::Success
}

/// Validates every file and reports all problems. Exit 0 valid, 1 invalid, 2 unreadable.
pub fn validate(args: ValidateArgs) -> Exit {
    let validator = match DocumentValidator::new(args.kind.schema()) {
        Ok(v) => v,
        Err(e) => {
            output::error(&e.to_string());
            return Exit::Usage;
        }
    };
    let mut unreadable = false;
    let mut invalid = false;
    let mut json = Vec::new();
    for file in &args.files {
        let text = match read(file) {
            Ok(text) => text,
            Err(e) => {
                output::error(&format!("{file}: cannot read: {e}"));
                unreadable = true;
                continue;
            }
        };
        let problems = validator.validate(&text, args.strict);
        invalid |= problems.iter().any(|p| p.severity == Severity::Error);
        let name = if file == "-" { "<stdin>" } else { file };
        match args.format {
            Format::Text => report_text(name, validator.title(), &problems),
            Format::Json => json.extend(problems.into_iter().map(|p| Located {
                file: name.to_owned(),
                problem: p,
            })),
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

#[derive(serde::Serialize)]
struct Located {
    file: String,
    #[serde(flatten)]
    problem: Problem,
}

fn read(file: &str) -> std::io::Result<String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(file)
    }
}

/// Problems go to stderr as diagnostics; the verdict per file goes to stdout.
fn report_text(file: &str, title: &str, problems: &[Problem]) {
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
    output::stdout(&format!(
        "{file}: {verdict} {title} ({errors} error{}, {warnings} warning{})",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    ));
}
