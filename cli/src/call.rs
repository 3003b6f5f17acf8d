//! `dwdi call`: the dynamic path. Operation name and parameter strings are checked against
//! the generated operation table (`dataworks_di::meta::operation`, `OperationDesc::validate`), the
//! same checks the typed builders run; then the request is signed and either printed
//! (`--dry-run`) or sent through the runtime.
//!
//! An operation whose table marks an idempotency token (`ParamDesc::idempotency_token`) gets
//! one when the user gives none, exactly as the typed builders do: it is added to the request
//! once, before the runtime's retry loop, so every attempt carries the same token and an
//! answer lost after the service acted cannot make it act twice.

use std::borrow::Cow;

use dwdi_runtime::{
    AcsDate, Error, FixedClock, FixedNonce, RetryPolicy, RpcRequest, Runtime, sign,
};

use crate::cli::{self, CallArgs, CallFlags, ConnectionArgs};
use crate::exit::Exit;
use crate::{args, dry_run, operations, output, report};

/// Why a call did not succeed.
enum Failure {
    /// Usage or validation: nothing was sent (exit 2).
    Usage(String),
    /// The runtime's error, exit code by kind.
    Runtime(Error),
    /// The runtime's error for a call that carried an automatic idempotency token: the
    /// service may have acted, so the user is told how to repeat the call safely.
    RuntimeWithToken(Error, Box<AutomaticToken>),
}

/// An idempotency token the CLI generated: the parameter's wire name and the value.
struct AutomaticToken {
    name: &'static str,
    value: String,
}

fn usage(e: impl ToString) -> Failure {
    Failure::Usage(e.to_string())
}

/// Runs `dwdi call`, printing results and errors; returns how it ended.
pub fn run(args: CallArgs) -> Exit {
    match execute(args) {
        Ok(exit) => exit,
        Err(Failure::Usage(message)) => {
            output::error(&message);
            Exit::Usage
        }
        Err(Failure::Runtime(e)) => {
            output::error(&report::describe(&e));
            Exit::for_error(&e)
        }
        Err(Failure::RuntimeWithToken(e, token)) => {
            output::error(&report::describe(&e));
            let exit = Exit::for_error(&e);
            // Without an answer, or after a server-side failure, the service may have acted:
            // repeating the call with the same token cannot make it act a second time.
            if exit == Exit::NoAnswer || e.is_retryable() {
                output::stderr(&format!(
                    "  {}: {} (generated); the service may have acted on this call: to repeat \
                     it safely, add --{} {}",
                    token.name, token.value, token.name, token.value
                ));
            }
            exit
        }
    }
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
            output::stdout(&cli::call_help());
            return Ok(Exit::Success);
        }
        return Err(Failure::Usage(format!(
            "no operation given; expected one of {}. Usage: dwdi call <Operation> --Name value …",
            operations::names().join(", ")
        )));
    };

    let split = args::split(&params, cli::fixed_flag).map_err(usage)?;
    let late = if split.flags.is_empty() {
        CallFlags::default()
    } else {
        cli::late_flags(&split.flags).map_err(Failure::Usage)?
    };
    let flags = flags.merge(late).map_err(Failure::Usage)?;

    let op = operations::find(&operation).map_err(usage)?;
    if help || split.help {
        output::stdout(&operations::help(op));
        return Ok(Exit::Success);
    }
    op.validate(split.params.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        .map_err(usage)?;
    // The documents carried in strings get the same check as `dwdi validate` (errors only).
    let wire: Vec<(&str, &str)> = split
        .params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    dataworks_di::meta::check_documents(op, &wire).map_err(usage)?;

    let pinned = Pinned::from_flags(&flags)?;
    let token = automatic_token(op, &split.params);
    let mut request = RpcRequest::new(op.action, dataworks_di::meta::API_VERSION);
    for (name, value) in split.params {
        // Validation passed, so every name is the operation's own (a `'static` str).
        let param = op.param(&name);
        // A document is sent as the user wrote it, less a root `"$schema"` (for editors).
        let value = match param.map(|p| &p.kind) {
            Some(dwdi_runtime::describe::ParamKind::JsonString { .. }) => {
                dwdi_validate::remove_schema_member(value)
            }
            _ => value,
        };
        let name: Cow<'static, str> = param.map_or(name.into(), |p| p.name.into());
        request = request.param(name, value);
    }
    if let Some(token) = &token {
        request = request.param(token.name, token.value.clone());
    }

    let runtime = runtime(&flags.connection, &pinned).map_err(Failure::Runtime)?;
    for warning in runtime.warnings() {
        output::stderr(&format!("warning: {warning}"));
    }
    if flags.dry_run.dry_run {
        // Role-based credentials are fetched first, so the request shows the real key id.
        let signed = current_thread()?
            .block_on(runtime.sign_only_fetched(&request))
            .map_err(Failure::Runtime)?;
        output::stdout(&dry_run::render(&signed));
        return Ok(Exit::Success);
    }
    send(&runtime, op, request).map_err(|failure| match (failure, token) {
        (Failure::Runtime(e), Some(token)) => Failure::RuntimeWithToken(e, Box::new(token)),
        (failure, _) => failure,
    })
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
                    return Err(Failure::Usage(format!(
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
            .map_err(Failure::Usage)?;
        if let Some(nonce) = &d.signature_nonce {
            if nonce.is_empty() || !nonce.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Failure::Usage(format!(
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
/// from the flags or the region.
fn runtime(connection: &ConnectionArgs, pinned: &Pinned) -> Result<Runtime, Error> {
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
    if let Some(date) = pinned.date {
        builder = builder.clock(FixedClock(date.to_system_time()));
    }
    if let Some(nonce) = &pinned.nonce {
        builder = builder.nonce_source(FixedNonce(nonce.clone()));
    }
    builder.build()
}

fn current_thread() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start the async runtime: {e}")))
}

/// Sends the call and prints the answer.
fn send(
    runtime: &Runtime,
    op: &dwdi_runtime::describe::OperationDesc,
    request: RpcRequest,
) -> Result<Exit, Failure> {
    let response = current_thread()?
        .block_on(runtime.call(request))
        .map_err(Failure::Runtime)?;
    let text = serde_json::to_string_pretty(&response.json).unwrap_or_default();
    output::stdout(&text);
    // Where Data reports the call's own outcome (Start, Stop, Generate), `fail` is the service
    // answering with an error, though over HTTP 200.
    if let Some((outcome, message)) = response.data().and_then(|d| op.failed_outcome(d)) {
        output::error(&format!(
            "{}: the service reports `{outcome}`: {}",
            op.action,
            message.as_deref().unwrap_or("(no message)")
        ));
        if let Some(id) = &response.request_id {
            output::stderr(&format!("  request id: {id}"));
        }
        output::stderr(&format!("  HTTP status: {}", response.status));
        return Ok(Exit::ServiceError);
    }
    Ok(Exit::Success)
}
