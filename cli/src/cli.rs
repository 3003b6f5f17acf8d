//! The command line: clap definitions for the fixed flags and the subcommand enum.
//!
//! `dwdi call` takes its operation's parameters as free `--Name value` pairs after the
//! operation name (parsed by [`crate::args`]). Fixed flags may come before or after the
//! operation: the ones after it are picked out of the trailing tokens and parsed here a
//! second time ([`late_flags`]), then merged.

use std::ffi::OsString;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::exit::{EXIT_CODES_HELP, Exit};
use crate::operations;

/// dwdi: validate, call and mock DataWorks Data Integration operations.
#[derive(Debug, Parser)]
#[command(
    name = "dwdi",
    version,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Call an operation: dwdi call <Operation> --<Parameter> <value> ...
    #[command(
        long_about = "Call an operation, in the style of Alibaba Cloud's CLI:\n  \
                      dwdi call GetDISyncInstanceInfo --ProjectId 10000 --TaskType DI_REALTIME --FileId 100\n\n\
                      Parameters are given by their wire names, as `--Name value` or `--Name=value`, \
                      and are checked against the operation's documented constraints before \
                      anything is sent. The response JSON is printed on stdout; errors go to stderr.",
        disable_help_flag = true
    )]
    Call(CallArgs),
    /// Validate TaskParam, TaskContent or StartParam JSON before submitting it.
    #[command(
        long_about = "Validate JSON documents carried in string parameters before submitting them:\n  \
                      dwdi validate task-param task-param.json\n\n\
                      Every problem is reported at once on stderr, as FILE:LINE:COLUMN: severity: \
                      POINTER: message. A misspelt documented member gets a did-you-mean; undocumented \
                      members are warnings (errors with --strict).\n\n\
                      Exit codes: 0 valid, 1 invalid, 2 usage or a file that cannot be read."
    )]
    Validate(crate::documents::ValidateArgs),
    /// Print the JSON Schema (draft 2020-12) of TaskParam, TaskContent or StartParam.
    Schema(crate::documents::SchemaArgs),
    /// Run a local DataWorks (spec-driven mock) on loopback until Ctrl-C.
    #[command(
        long_about = "Run a local DataWorks: the five operations, verified and answered as the \
                      service does, with per-project state and fault injection:\n  \
                      dwdi mock --fault throttle=0.2,latency=50ms --seed 7\n\n\
                      The first line on stdout is `listening on http://HOST:PORT`."
    )]
    Mock(crate::mock::MockArgs),
    /// Walk the whole flow against an embedded mock: Get, Generate, wait, Stop, Start, wait.
    Demo(crate::demo::DemoArgs),
    /// Wait for an existing process or instance: dwdi wait <Waiter> --<Parameter> <value> ...
    #[command(
        long_about = "Poll an operation until what it reports ends, as `dwdi call … --wait` does \
                      after starting it:\n  \
                      dwdi wait ConfigProcess --ProjectId 10000 --TaskType DI_REALTIME --AsyncProcessId 10\n  \
                      dwdi wait InstanceStatus --ProjectId 10000 --TaskType DI_REALTIME --FileId 100 --until RUN\n\n\
                      Parameters are the polled operation's. A terminal waiter prints its result \
                      (e.g. the generated TaskContent); an until-value waiter prints the last answer. \
                      On a terminal, a progress line on stderr shows the elapsed time, polls and state.",
        disable_help_flag = true
    )]
    Wait(WaitArgs),
    /// Print a shell completion script: dwdi completions bash|zsh|fish|powershell.
    Completions(crate::completions::CompletionsArgs),
    /// Print dwdi's man page (roff): dwdi man | man -l -
    Man(crate::completions::ManArgs),
}

/// `dwdi call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// Print help (after an operation name: that operation's parameters).
    #[arg(short = 'h', long = "help", action = clap::ArgAction::SetTrue)]
    pub help: bool,

    /// The operation to call (listed below).
    #[arg(value_name = "OPERATION")]
    pub operation: Option<String>,

    /// The operation's parameters, as `--Name value` or `--Name=value` (wire names).
    #[arg(
        value_name = "--Name value",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub params: Vec<String>,

    /// The fixed flags (last, so that their help headings do not spill onto the above).
    #[command(flatten)]
    pub flags: CallFlags,
}

/// `dwdi wait`.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Print help (after a waiter name: the parameters it polls with).
    #[arg(short = 'h', long = "help", action = clap::ArgAction::SetTrue)]
    pub help: bool,

    /// The waiter (listed below).
    #[arg(value_name = "WAITER")]
    pub waiter: Option<String>,

    /// The polled operation's parameters, as `--Name value` or `--Name=value` (wire names).
    #[arg(
        value_name = "--Name value",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub params: Vec<String>,

    /// The fixed flags.
    #[command(flatten)]
    pub flags: CallFlags,
}

/// The fixed flags of `dwdi call` and `dwdi wait`; they may also follow the operation name.
#[derive(Debug, Clone, Default, Args)]
pub struct CallFlags {
    /// Where and as whom to call.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Waiting.
    #[command(flatten)]
    pub wait: WaitFlags,
    /// Output and diagnostics.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Dry-run settings.
    #[command(flatten)]
    pub dry_run: DryRunArgs,
}

/// `--wait` and its limits.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Waiting")]
pub struct WaitFlags {
    /// After an operation that starts something asynchronous, poll until it ends: print the
    /// result (e.g. the generated TaskContent) or the last state.
    #[arg(long)]
    pub wait: bool,

    /// Give up waiting after this long (e.g. 90s, 10m; default 5m); exit 3.
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub wait_timeout: Option<std::time::Duration>,

    /// Wait until the watched state is this value (default after Start/Stop: the state they
    /// lead to); comma-separated for any of several.
    #[arg(long, value_name = "VALUE", value_delimiter = ',')]
    pub until: Option<Vec<String>>,
}

/// Output format and diagnostics.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format: with json, errors too are one JSON object on stderr (code, message,
    /// requestId, httpStatus, exitCode).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<crate::documents::Format>,

    /// Show each request line, attempt, retry and timing on stderr (secrets redacted).
    #[arg(long)]
    pub verbose: bool,
}

/// Credentials, region, endpoint and retries.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// The profile of ~/.aliyun/config.json to use; wins over the environment's keys and
    /// region (default: ALIBABA_CLOUD_PROFILE, else the file's `current` one).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The region, e.g. cn-hangzhou (default: ALIBABA_CLOUD_REGION_ID, then the profile's).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// An explicit endpoint (host, host:port or http(s)://host[:port]); wins over the region.
    /// Plain http is allowed to loopback addresses only.
    #[arg(long, value_name = "ENDPOINT")]
    pub endpoint: Option<String>,

    /// Attempts in total, the first included (1 = no retries; default: the runtime's policy).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: Option<u32>,

    /// Time to establish a connection (e.g. 5s; default 10s).
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub connect_timeout: Option<std::time::Duration>,

    /// Time for one attempt, from sending to the end of the answer (e.g. 30s; default 30s).
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub read_timeout: Option<std::time::Duration>,
}

/// `--dry-run` and the values that make its signature reproducible.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Dry run")]
pub struct DryRunArgs {
    /// Print the exact signed HTTP request as JSON and send nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Sign as of this date (RFC 3339, e.g. 2024-01-02T03:04:05Z); needs --dry-run.
    #[arg(long, value_name = "DATE")]
    pub signature_date: Option<String>,

    /// Sign with this nonce; needs --dry-run.
    #[arg(long, value_name = "TEXT")]
    pub signature_nonce: Option<String>,
}

impl CallFlags {
    /// Combines the flags given before the operation (`self`) with those after it. A flag
    /// that takes a value may be given once only, as clap enforces within one pass.
    pub fn merge(self, later: CallFlags) -> Result<CallFlags, String> {
        fn once<T>(name: &str, a: Option<T>, b: Option<T>) -> Result<Option<T>, String> {
            match (a, b) {
                (Some(_), Some(_)) => Err(format!(
                    "the argument '--{name}' cannot be used multiple times"
                )),
                (a, b) => Ok(a.or(b)),
            }
        }
        let (c, l) = (self.connection, later.connection);
        let (d, ld) = (self.dry_run, later.dry_run);
        let (w, lw) = (self.wait, later.wait);
        let (o, lo) = (self.output, later.output);
        Ok(CallFlags {
            connection: ConnectionArgs {
                profile: once("profile", c.profile, l.profile)?,
                region: once("region", c.region, l.region)?,
                endpoint: once("endpoint", c.endpoint, l.endpoint)?,
                max_attempts: once("max-attempts", c.max_attempts, l.max_attempts)?,
                connect_timeout: once("connect-timeout", c.connect_timeout, l.connect_timeout)?,
                read_timeout: once("read-timeout", c.read_timeout, l.read_timeout)?,
            },
            wait: WaitFlags {
                wait: w.wait || lw.wait,
                wait_timeout: once("wait-timeout", w.wait_timeout, lw.wait_timeout)?,
                until: once("until", w.until, lw.until)?,
            },
            output: OutputArgs {
                format: once("format", o.format, lo.format)?,
                verbose: o.verbose || lo.verbose,
            },
            dry_run: DryRunArgs {
                dry_run: d.dry_run || ld.dry_run,
                signature_date: once("signature-date", d.signature_date, ld.signature_date)?,
                signature_nonce: once("signature-nonce", d.signature_nonce, ld.signature_nonce)?,
            },
        })
    }
}

/// The fixed flags alone, to parse those that follow the operation name.
#[derive(Debug, Parser)]
#[command(
    name = "dwdi call",
    no_binary_name = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct LateFlags {
    #[command(flatten)]
    flags: CallFlags,
}

/// Whether `name` (without `--`) is a fixed flag of `dwdi call`, and if so whether it takes
/// a value. `help` counts as a flag without a value.
pub fn fixed_flag(name: &str) -> Option<bool> {
    if name == "help" {
        return Some(false);
    }
    LateFlags::command()
        .get_arguments()
        .find(|a| a.get_long() == Some(name))
        .map(|a| a.get_action().takes_values())
}

/// The long names of the fixed flags (without `--`), for suggestions.
pub fn fixed_flag_names() -> Vec<String> {
    LateFlags::command()
        .get_arguments()
        .filter_map(|a| a.get_long().map(str::to_owned))
        .chain(["help".to_owned()])
        .collect()
}

/// Parses fixed flags found after the operation name.
pub fn late_flags(tokens: &[String]) -> Result<CallFlags, String> {
    LateFlags::try_parse_from(tokens)
        .map(|l| l.flags)
        .map_err(|e| {
            // clap's rendering ends with a usage line and a "For more information" hint;
            // the first line says what is wrong.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            first.trim_start_matches("error: ").to_owned()
        })
}

/// The full command, with the operations listed in the help texts.
pub fn command() -> clap::Command {
    let ops = operations::listing();
    Cli::command()
        .after_help(format!(
            "{ops}\nRun `dwdi call <Operation> --help` for an operation's parameters."
        ))
        .mut_subcommand("wait", |c| c.after_help(crate::wait::listing()))
        .mut_subcommand("call", |c| {
            c.after_help(format!(
                "{ops}\nRun `dwdi call <Operation> --help` for an operation's parameters.\n\n\
                 Credentials come from, in order: --profile (or ALIBABA_CLOUD_PROFILE); \
                 ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET (and \
                 ALIBABA_CLOUD_SECURITY_TOKEN); the current profile of ~/.aliyun/config.json; \
                 then role-based sources (OIDC, ALIBABA_CLOUD_CREDENTIALS_URI, \
                 ALIBABA_CLOUD_ECS_METADATA).\n\n\
                 {EXIT_CODES_HELP}"
            ))
        })
}

/// The help text of a subcommand (`call`, `wait`).
pub fn subcommand_help(name: &str) -> String {
    let mut cmd = command();
    cmd.build();
    match cmd.find_subcommand_mut(name) {
        Some(sub) => sub.render_long_help().to_string(),
        None => String::new(),
    }
}

/// The outcome of parsing the command line.
pub enum Parsed {
    /// Run this.
    Run(Box<Cli>),
    /// Nothing to run (help, version, or a usage error already printed).
    Done(Exit),
}

/// Parses the command line; prints help, version or usage errors itself (usage errors as
/// JSON when `--format json` is among the arguments).
pub fn parse(argv: impl IntoIterator<Item = OsString>) -> Parsed {
    let result = command()
        .try_get_matches_from(argv)
        .and_then(|mut m| Cli::from_arg_matches_mut(&mut m));
    match result {
        Ok(cli) => Parsed::Run(Box::new(cli)),
        Err(e) if e.use_stderr() => {
            if crate::output::json_errors() {
                // clap's rendering ends with a usage line and a hint; the first line says
                // what is wrong.
                let text = e.render().to_string();
                let first = text.lines().next().unwrap_or_default();
                crate::failure::Failure::usage(first.trim_start_matches("error: ")).report();
            } else {
                let _ = e.print();
            }
            Parsed::Done(Exit::Usage)
        }
        Err(e) => {
            // Help and version go to stdout: a failed write there is a failed run.
            crate::output::stdout_raw(&e.render().to_string());
            Parsed::Done(Exit::Success)
        }
    }
}

/// Whether the arguments ask for JSON output (`--format json` / `--format=json`), looked for
/// before parsing so that a usage error is JSON too.
pub fn wants_json(argv: &[OsString]) -> bool {
    argv.iter()
        .zip(argv.iter().skip(1))
        .any(|(a, b)| a == "--format" && b == "json")
        || argv.iter().any(|a| a == "--format=json")
}
