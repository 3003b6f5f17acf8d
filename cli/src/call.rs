//! `dwdi call` and `dwdi wait`: the dynamic path. Operation name and parameter strings are
//! checked against the generated operation table (`dataworks_di::meta::operation`,
//! `OperationDesc::validate_all`), the same checks the typed builders run; then the request is
//! signed and either printed (`--dry-run`) or sent through the runtime, and with `--wait`
//! followed by the waiter the spec names for the operation.
//!
//! An operation whose table marks an idempotency token (`ParamDesc::idempotency_token`) gets
//! one when the user gives none, exactly as the typed builders do: it is added to the request
//! once, before the runtime's retry loop, so every attempt carries the same token and an
//! answer lost after the service acted cannot make it act twice.

use dwdi_runtime::{AcsDate, FixedClock, FixedNonce, RetryPolicy, Runtime, Timeouts, sign};

use crate::cli::{self, CallArgs, CallFlags, ConnectionArgs, WaitArgs};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::{args, dry_run, operations, output, params, verbose, wait};

/// Runs `dwdi call`, printing results and errors; returns how it ended.
pub fn run(args: CallArgs) -> Exit {
    execute(args).unwrap_or_else(|f| f.report())
}

/// Runs `dwdi wait`.
pub fn run_wait(args: WaitArgs) -> Exit {
    execute_wait(args).unwrap_or_else(|f| f.report())
}

/// The trailing tokens sorted out.
struct Trailing {
    /// The API parameters, as given (before `@file` values are read).
    params: Vec<(String, String)>,
    /// dwdi's flags, from before and after the operation, merged.
    flags: CallFlags,
    /// Whether `--help` was among them.
    help: bool,
}

/// The trailing tokens: parameters and the flags merged.
fn sort_out(flags: CallFlags, params: &[String]) -> Result<Trailing, Failure> {
    let split = args::split(params, cli::fixed_flag).map_err(|e| Failure::usage(e.to_string()))?;
    let late = if split.flags.is_empty() {
        CallFlags::default()
    } else {
        cli::late_flags(&split.flags).map_err(Failure::usage)?
    };
    let flags = flags.merge(late).map_err(Failure::usage)?;
    if flags.output.format == Some(crate::documents::Format::Json) {
        output::set_json_errors(true);
    }
    Ok(Trailing {
        params: split.params,
        flags,
        help: split.help,
    })
}

fn execute(args: CallArgs) -> Result<Exit, Failure> {
    let CallArgs {
        flags,
        help,
        operation,
        params,
    } = args;
    let Some(operation) = operation else {
        if help {
            output::stdout(&cli::subcommand_help("call"));
            return Ok(Exit::Success);
        }
        return Err(Failure::usage(format!(
            "no operation given; expected one of {}. Usage: dwdi call <Operation> --Name value …",
            operations::names().join(", ")
        )));
    };
    let Trailing {
        params: given,
        flags,
        help: split_help,
    } = sort_out(flags, &params)?;
    let op = operations::find(&operation).map_err(|e| Failure::usage(e.to_string()))?;
    if help || split_help {
        output::stdout(&operations::help(op));
        return Ok(Exit::Success);
    }
    let w = &flags.wait;
    if !w.wait {
        for (given, name) in [
            (w.wait_timeout.is_some(), "--wait-timeout"),
            (w.until.is_some(), "--until"),
        ] {
            if given {
                return Err(Failure::usage(format!(
                    "{name} applies with --wait only; add --wait"
                )));
            }
        }
    } else if flags.dry_run.dry_run {
        return Err(Failure::usage(
            "--wait cannot follow --dry-run: a dry run sends nothing to wait for",
        ));
    } else if dataworks_di::meta::waiter_after(op.action).is_none() {
        return Err(wait::not_waitable(op.action));
    }
    let given = params::read_values(given)?;
    params::check(op, &given)?;

    let pinned = Pinned::from_flags(&flags)?;
    let token = automatic_token(op, &given);
    let params = given.iter().map(|(name, value)| {
        // A document is sent as the user wrote it, less a root `"$schema"` (for editors).
        let value = match op.param(name).map(|p| &p.kind) {
            Some(dwdi_runtime::describe::ParamKind::JsonString { .. }) => {
                dwdi_validate::remove_schema_member(value.clone())
            }
            _ => value.clone(),
        };
        (name.clone(), value)
    });
    let sent_token = token.as_ref().map(|t| (t.name.to_owned(), t.value.clone()));
    // Each parameter where the spec says it travels: the query, or the form body.
    let request = op.request(dataworks_di::meta::API_VERSION, params.chain(sent_token));

    let runtime = runtime(&flags, &pinned)?;
    if flags.dry_run.dry_run {
        // Role-based credentials are fetched first, so the request shows the real key id.
        let signed = current_thread()?
            .block_on(runtime.sign_only_fetched(&request))
            .map_err(|e| Failure::runtime(&e))?;
        // What would not be sent is not shown as if it could be: refused as a real call is.
        signed
            .check_sendable(op.action)
            .map_err(|e| Failure::runtime(&e))?;
        output::stdout(&dry_run::render(&signed));
        return Ok(Exit::Success);
    }
    let rt = current_thread()?;
    let response = rt
        .block_on(runtime.call(request))
        .map_err(|e| with_token_hint(Failure::runtime(&e), &e, token.as_ref()))?;
    // Where Data reports the call's own outcome (Start, Stop, Generate), `fail` is the service
    // answering with an error, though over HTTP 200.
    if let Some((outcome, message)) = response.data().and_then(|d| op.failed_outcome(d)) {
        if !flags.wait.wait {
            output::stdout(&serde_json::to_string_pretty(&response.json).unwrap_or_default());
        }
        return Err(Failure::new(
            Exit::ServiceError,
            "dwdi.Failed",
            format!(
                "{}: the service reports `{outcome}`: {}",
                op.action,
                message.as_deref().unwrap_or("(no message)")
            ),
        )
        .answered(response.request_id.as_deref(), response.status));
    }
    if !flags.wait.wait {
        output::stdout(&serde_json::to_string_pretty(&response.json).unwrap_or_default());
        return Ok(Exit::Success);
    }
    let plan = wait::plan_after(op.action, &given, response.data(), flags.wait.until.clone())?;
    let timeout = flags.wait.wait_timeout.unwrap_or(wait::DEFAULT_TIMEOUT);
    let waited = rt.block_on(wait::run(&runtime, &plan, timeout))?;
    wait::print(waited);
    Ok(Exit::Success)
}

fn execute_wait(args: WaitArgs) -> Result<Exit, Failure> {
    let WaitArgs {
        flags,
        help,
        waiter,
        params,
    } = args;
    let Some(name) = waiter else {
        if help {
            output::stdout(&cli::subcommand_help("wait"));
            return Ok(Exit::Success);
        }
        return Err(Failure::usage(format!(
            "no waiter given. Usage: dwdi wait <Waiter> --Name value …\n{}",
            wait::listing()
        )));
    };
    let Trailing {
        params: given,
        flags,
        help: split_help,
    } = sort_out(flags, &params)?;
    let waiter = wait::find(&name)?;
    if help || split_help {
        output::stdout(&wait::help(waiter));
        return Ok(Exit::Success);
    }
    if flags.dry_run.dry_run || flags.wait.wait {
        return Err(Failure::usage(
            "dwdi wait polls until the end: --dry-run and --wait do not apply",
        ));
    }
    let given = params::read_values(given)?;
    let plan = wait::plan_direct(waiter, given, flags.wait.until.clone())?;
    let pinned = Pinned::from_flags(&flags)?;
    let runtime = runtime(&flags, &pinned)?;
    let timeout = flags.wait.wait_timeout.unwrap_or(wait::DEFAULT_TIMEOUT);
    let waited = current_thread()?.block_on(wait::run(&runtime, &plan, timeout))?;
    wait::print(waited);
    Ok(Exit::Success)
}

/// An idempotency token the CLI generated: the parameter's wire name and the value.
struct AutomaticToken {
    name: &'static str,
    value: String,
}

/// A fresh token for the operation's idempotency token parameter, unless the user gave one.
fn automatic_token(
    op: &dwdi_runtime::describe::OperationDesc,
    given: &[(String, String)],
) -> Option<AutomaticToken> {
    let param = op.idempotency_token()?;
    if given.iter().any(|(name, _)| name == param.name) {
        return None;
    }
    Some(AutomaticToken {
        name: param.name,
        value: dwdi_runtime::client_token(),
    })
}

/// Without an answer, or after a server-side failure, the service may have acted on a call
/// that carried an automatic token: repeating it with the same token cannot make it act a
/// second time, so the user is told how.
fn with_token_hint(
    failure: Failure,
    error: &dwdi_runtime::Error,
    token: Option<&AutomaticToken>,
) -> Failure {
    match token {
        Some(token) if failure.exit == Exit::NoAnswer || error.is_retryable() => {
            failure.note(format!(
                "{}: {} (generated); the service may have acted on this call: to repeat it \
                 safely, add --{} {}",
                token.name, token.value, token.name, token.value
            ))
        }
        _ => failure,
    }
}

/// `--signature-date` and `--signature-nonce`, which only a dry-run may pin: a sent request
/// needs the current date and a fresh nonce, or the service refuses it.
struct Pinned {
    date: Option<AcsDate>,
    nonce: Option<String>,
}

impl Pinned {
    fn from_flags(flags: &CallFlags) -> Result<Pinned, Failure> {
        let d = &flags.dry_run;
        if !d.dry_run {
            for (given, name) in [
                (d.signature_date.is_some(), "--signature-date"),
                (d.signature_nonce.is_some(), "--signature-nonce"),
            ] {
                if given {
                    return Err(Failure::usage(format!(
                        "{name} applies to --dry-run only: a request that is sent needs the \
                         current date and a fresh nonce; add --dry-run"
                    )));
                }
            }
        }
        let date = d
            .signature_date
            .as_deref()
            .map(crate::date::parse_signature_date)
            .transpose()
            .map_err(Failure::usage)?;
        if let Some(nonce) = &d.signature_nonce {
            if nonce.is_empty() || !nonce.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Failure::usage(format!(
                    "invalid --signature-nonce {nonce:?}; expected printable ASCII without \
                     spaces, e.g. 32 hex characters"
                )));
            }
        }
        Ok(Pinned {
            date,
            nonce: d.signature_nonce.clone(),
        })
    }
}

/// The runtime: credentials and region by the runtime's precedence rule (a named profile,
/// then the environment, then the default profile, then role-based sources), the endpoint
/// from the flags or the region; its warnings (and an unknown region's) on stderr.
fn runtime(flags: &CallFlags, pinned: &Pinned) -> Result<Runtime, Failure> {
    let connection: &ConnectionArgs = &flags.connection;
    let mut builder = dataworks_di::Client::runtime_builder().user_agent(format!(
        "dwdi/{} {}",
        env!("CARGO_PKG_VERSION"),
        sign::DEFAULT_USER_AGENT
    ));
    if let Some(profile) = &connection.profile {
        builder = builder.profile(profile);
    }
    if let Some(region) = &connection.region {
        builder = builder.region(region);
    }
    if let Some(endpoint) = &connection.endpoint {
        builder = builder.endpoint(endpoint);
    }
    if let Some(max_attempts) = connection.max_attempts {
        builder = builder.retry(RetryPolicy {
            max_attempts,
            ..RetryPolicy::default()
        });
    }
    let defaults = Timeouts::default();
    builder = builder.timeouts(Timeouts {
        connect: connection.connect_timeout.unwrap_or(defaults.connect),
        request: connection.read_timeout.unwrap_or(defaults.request),
    });
    if let Some(date) = pinned.date {
        builder = builder.clock(FixedClock(date.to_system_time()));
    }
    if let Some(nonce) = &pinned.nonce {
        builder = builder.nonce_source(FixedNonce(nonce.clone()));
    }
    // The endpoint is known once the builder resolved it; the hooks learn it then.
    let verbose = flags
        .output
        .verbose
        .then(|| std::sync::Arc::new(verbose::Verbose::new()));
    if let Some(v) = &verbose {
        builder = builder.hooks(verbose::Shared(v.clone()));
    }
    let runtime = builder.build().map_err(|e| Failure::runtime(&e))?;
    if let Some(v) = &verbose {
        v.set_endpoint(runtime.endpoint().base_url());
    }
    for warning in runtime.warnings() {
        output::stderr(&format!("warning: {warning}"));
    }
    if connection.endpoint.is_none() {
        if let Some((region, source)) = runtime.region() {
            if let Some(warning) = unknown_region(region) {
                output::stderr(&format!("warning: {warning} (region from {source})"));
            }
        }
    }
    if flags.output.verbose {
        output::stderr(&format!(
            "* endpoint {}, credentials from {}",
            runtime.endpoint().base_url(),
            runtime.credentials_source()
        ));
    }
    Ok(runtime)
}

/// A warning for a region the spec's region map does not list: its endpoint is only guessed
/// from the default pattern.
fn unknown_region(region: &str) -> Option<String> {
    let map = dataworks_di::meta::REGION_MAP;
    if map.hosts.iter().any(|(r, _)| *r == region) {
        return None;
    }
    let known: Vec<&str> = map.hosts.iter().map(|(r, _)| *r).collect();
    let hint = operations::closest(region, known.iter().copied())
        .map(|r| format!("did you mean {r}? "))
        .unwrap_or_default();
    Some(format!(
        "region {region:?} is not one dwdi knows, so its endpoint {} is a guess; {hint}known \
         regions: {}",
        map.host_for(region),
        known.join(", ")
    ))
}

fn current_thread() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_region_is_named_with_the_known_ones() {
        assert_eq!(unknown_region("cn-hangzhou"), None);
        let w = unknown_region("cn-hangzou").expect("warned");
        assert!(w.contains("did you mean cn-hangzhou?"), "{w}");
        for (known, _) in dataworks_di::meta::REGION_MAP.hosts {
            assert!(w.contains(known), "{w}");
        }
    }
}
