//! Waiting: `dwdi call … --wait` after an operation that starts something asynchronous, and
//! `dwdi wait <Waiter> …` for one already started.
//!
//! Which operations start something, what is polled, with which parameters and until which
//! values, all come from the spec's waiters through the generated table
//! (`dataworks_di::meta::WAITERS`); nothing here names an operation. A terminal waiter (a
//! process) ends on its own success or failure values and prints its result field (the
//! generated TaskContent); an until-value waiter (a state) ends when the watched field takes
//! one of the wanted values and prints the last answer.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use dwdi_runtime::describe::{FieldKind, OperationDesc, ParamFrom, WaitAfterDesc, WaiterDesc};
use dwdi_runtime::{Poll, RpcRequest, Runtime, WaitError, WaiterConfig};
use serde_json::Value;

use crate::exit::Exit;
use crate::failure::Failure;
use crate::operations::closest;
use crate::output;

/// The default limit of a wait.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// What to poll, with what, until what.
#[derive(Debug)]
pub struct Plan {
    /// The waiter.
    pub waiter: &'static WaiterDesc,
    /// The polled operation.
    pub op: &'static OperationDesc,
    /// Its parameters (wire name, text).
    pub params: Vec<(String, String)>,
    /// Values that end the wait successfully.
    pub until: Vec<String>,
    /// Values that end it with a failure.
    pub failure: Vec<String>,
}

/// The waiters, for `dwdi wait --help`.
pub fn listing() -> String {
    let mut out = String::from("Waiters:\n");
    for w in dataworks_di::meta::WAITERS {
        out.push_str(&format!("  {}  {}\n", w.name, w.description));
        let after: Vec<&str> = w.after.iter().map(|a| a.operation).collect();
        if !after.is_empty() {
            out.push_str(&format!(
                "      (`dwdi call <Operation> --wait` uses it after {})\n",
                after.join(", ")
            ));
        }
    }
    out.push_str("\nRun `dwdi wait <Waiter> --help` for the parameters it polls with.");
    out
}

/// The operations `--wait` applies to.
pub fn waitable() -> Vec<&'static str> {
    dataworks_di::meta::WAITERS
        .iter()
        .flat_map(|w| w.after.iter().map(|a| a.operation))
        .collect()
}

/// The waiter of this name, or an error listing the known ones.
pub fn find(name: &str) -> Result<&'static WaiterDesc, Failure> {
    dataworks_di::meta::waiter(name).ok_or_else(|| {
        let names: Vec<&str> = dataworks_di::meta::WAITERS.iter().map(|w| w.name).collect();
        let hint = closest(name, names.iter().copied())
            .map(|n| format!("; did you mean {n}?"))
            .unwrap_or_default();
        Failure::usage(format!(
            "unknown waiter {name:?}{hint} Known waiters: {}",
            names.join(", ")
        ))
    })
}

/// One waiter's parameters, for `dwdi wait <Waiter> --help`.
pub fn help(waiter: &WaiterDesc) -> String {
    let mut out = format!(
        "{}: {}\n\nUsage: dwdi wait {} --<Parameter> <value> …",
        waiter.name, waiter.description, waiter.name
    );
    if !waiter.is_terminal() {
        out.push_str(&format!(" --until <{}>", waiter.field));
    }
    out.push_str(&format!(
        " [--wait-timeout DURATION]\n\nIt polls {} with its parameters:\n",
        waiter.operation
    ));
    if let Some(op) = dataworks_di::meta::operation(waiter.operation) {
        for p in op.params {
            let need = if p.required { "required" } else { "optional" };
            out.push_str(&format!("  --{} ({need}): {}\n", p.name, p.kind.expected()));
        }
        if let Some(values) = watched_values(op, waiter) {
            out.push_str(&format!(
                "\n{} takes the values {}.\n",
                waiter.field,
                values.join(", ")
            ));
        }
    }
    out
}

/// The documented values of the watched field, when it is an enum.
fn watched_values(op: &OperationDesc, waiter: &WaiterDesc) -> Option<&'static [&'static str]> {
    match op.field(waiter.field)?.kind {
        FieldKind::Enum { values } => Some(values),
        _ => None,
    }
}

/// The plan for `dwdi wait`: the parameters given, and `--until` for an until-value waiter.
pub fn plan_direct(
    waiter: &'static WaiterDesc,
    params: Vec<(String, String)>,
    until: Option<Vec<String>>,
) -> Result<Plan, Failure> {
    let op = polled(waiter)?;
    crate::params::check(op, &params)?;
    let until = match (waiter.is_terminal(), until) {
        (true, Some(_)) => {
            return Err(Failure::usage(format!(
                "--until does not apply to {}: it ends on its own values ({})",
                waiter.name,
                waiter.success.join(", ")
            )));
        }
        (true, None) => waiter.success.iter().map(|v| (*v).to_owned()).collect(),
        (false, None) => {
            return Err(Failure::usage(format!(
                "{} needs --until VALUE: the {} to wait for{}",
                waiter.name,
                waiter.field,
                watched_values(op, waiter)
                    .map(|v| format!(" (one of {})", v.join(", ")))
                    .unwrap_or_default()
            )));
        }
        (false, Some(values)) => check_until(op, waiter, values)?,
    };
    Ok(Plan {
        waiter,
        op,
        params,
        until,
        failure: waiter.failure.iter().map(|v| (*v).to_owned()).collect(),
    })
}

/// The plan after a call of `op` with `sent` parameters that answered `data`: `None` when the
/// operation starts nothing to wait for.
pub fn plan_after(
    action: &str,
    sent: &[(String, String)],
    data: Option<&Value>,
    until: Option<Vec<String>>,
) -> Result<Plan, Failure> {
    let Some((waiter, after)) = dataworks_di::meta::waiter_after(action) else {
        return Err(not_waitable(action));
    };
    let op = polled(waiter)?;
    let params = after_params(action, after, sent, data)?;
    let until = match until {
        Some(_) if waiter.is_terminal() => {
            return Err(Failure::usage(format!(
                "--until does not apply after {action}: {} ends on its own values ({})",
                waiter.name,
                waiter.success.join(", ")
            )));
        }
        Some(values) => check_until(op, waiter, values)?,
        None if waiter.is_terminal() => waiter.success.iter().map(|v| (*v).to_owned()).collect(),
        None => after.until.iter().map(|v| (*v).to_owned()).collect(),
    };
    let failure = waiter
        .failure
        .iter()
        .chain(after.failure)
        .map(|v| (*v).to_owned())
        .collect();
    Ok(Plan {
        waiter,
        op,
        params,
        until,
        failure,
    })
}

/// `--wait` on an operation that starts nothing.
pub fn not_waitable(action: &str) -> Failure {
    Failure::usage(format!(
        "--wait does not apply to {action}: it starts nothing to wait for; it applies to {}",
        waitable().join(", ")
    ))
}

fn polled(waiter: &WaiterDesc) -> Result<&'static OperationDesc, Failure> {
    dataworks_di::meta::operation(waiter.operation).ok_or_else(|| {
        Failure::usage(format!(
            "waiter {} polls {}, which is not an operation",
            waiter.name, waiter.operation
        ))
    })
}

/// `--until` values: each a documented value of the watched field.
fn check_until(
    op: &OperationDesc,
    waiter: &WaiterDesc,
    values: Vec<String>,
) -> Result<Vec<String>, Failure> {
    let Some(known) = watched_values(op, waiter) else {
        return Ok(values);
    };
    let problems: Vec<String> = values
        .iter()
        .filter(|v| !known.contains(&v.as_str()))
        .map(|v| {
            let hint = closest(v, known.iter().copied())
                .map(|k| format!("; did you mean {k}?"))
                .unwrap_or_default();
            format!(
                "--until {v:?} is not a value of {}{hint} Expected one of {}",
                waiter.field,
                known.join(", ")
            )
        })
        .collect();
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(Failure::usage_all(problems))
    }
}

/// The polled operation's parameters after a call: each from a parameter sent or a member of
/// the answer's `Data`, as the waiter's table says.
fn after_params(
    action: &str,
    after: &WaitAfterDesc,
    sent: &[(String, String)],
    data: Option<&Value>,
) -> Result<Vec<(String, String)>, Failure> {
    let mut params = Vec::new();
    for (name, from) in after.params {
        let value = match from {
            ParamFrom::Param(p) => sent.iter().find(|(n, _)| n == p).map(|(_, v)| v.clone()),
            ParamFrom::Data(d) => data.and_then(|data| data.get(*d)).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            }),
        };
        // An optional parameter not sent stays unset.
        if let Some(value) = value {
            params.push(((*name).to_owned(), value));
        } else if let ParamFrom::Data(d) = from {
            return Err(Failure::new(
                Exit::ServiceError,
                "dwdi.ServiceError",
                format!("{action} answered without Data.{d}, so there is nothing to wait for"),
            ));
        }
    }
    Ok(params)
}

/// How a wait ended well.
pub enum Waited {
    /// A terminal waiter's result field.
    Result(Value),
    /// An until-value waiter's last answer.
    Answer(Value),
}

/// Polls until the plan's values, a failure value, or `timeout`.
pub async fn run(runtime: &Runtime, plan: &Plan, timeout: Duration) -> Result<Waited, Failure> {
    let config = WaiterConfig {
        max_wait: timeout,
        ..WaiterConfig::default()
    };
    let progress = Progress::new(plan.waiter.name);
    let waiter = plan.waiter;
    let result = dwdi_runtime::wait(&config, |polls| {
        let mut request = RpcRequest::new(plan.op.action, dataworks_di::meta::API_VERSION);
        for (name, value) in &plan.params {
            let name = plan
                .op
                .param(name)
                .map_or(name.clone(), |p| p.name.to_owned());
            request = request.param(name, value.clone());
        }
        let progress = &progress;
        async move {
            let response = match runtime.call(request).await {
                Ok(r) => r,
                Err(e) => return Poll::Failed(Failure::runtime(&e)),
            };
            let data = response.data().cloned().unwrap_or(Value::Null);
            let state = data.get(waiter.field).and_then(Value::as_str).unwrap_or("");
            progress.show(polls, state);
            if plan.until.iter().any(|v| v == state) {
                return Poll::Done(if waiter.is_terminal() {
                    let result = waiter
                        .result
                        .and_then(|r| data.get(r).cloned())
                        .unwrap_or(Value::Null);
                    Waited::Result(result)
                } else {
                    Waited::Answer(response.json)
                });
            }
            if plan.failure.iter().any(|v| v == state) {
                let message = waiter
                    .message
                    .and_then(|m| data.get(m))
                    .and_then(Value::as_str)
                    .unwrap_or("(no message)");
                return Poll::Failed(
                    Failure::new(
                        Exit::ServiceError,
                        "dwdi.Failed",
                        format!(
                            "{}: {} reports {} `{state}`: {message}",
                            waiter.name, plan.op.action, waiter.field
                        ),
                    )
                    .answered(response.request_id.as_deref(), response.status),
                );
            }
            Poll::Pending
        }
    })
    .await;
    progress.finish();
    result.map_err(|e| match e {
        WaitError::Failed(f) => f,
        WaitError::Timeout { waited, polls, .. } => Failure::new(
            Exit::NoAnswer,
            "dwdi.WaitTimeout",
            format!(
                "{}: still waiting after {:.1} s and {polls} polls of {}; raise --wait-timeout, \
                 or resume with `dwdi wait {}`",
                waiter.name,
                waited.as_secs_f64(),
                plan.op.action,
                waiter.name
            ),
        ),
    })
}

/// Prints the outcome of a wait on stdout.
pub fn print(waited: Waited) {
    match waited {
        // A document carried in a string is printed as the document itself.
        Waited::Result(Value::String(text)) => output::stdout(&text),
        Waited::Result(value) | Waited::Answer(value) => {
            output::stdout(&serde_json::to_string_pretty(&value).unwrap_or_default())
        }
    }
}

/// The progress line on stderr, shown only when stderr is a terminal (a script's log gets
/// nothing extra).
struct Progress {
    name: &'static str,
    started: Instant,
    on: bool,
}

impl Progress {
    fn new(name: &'static str) -> Progress {
        Progress {
            name,
            started: Instant::now(),
            on: std::io::stderr().is_terminal(),
        }
    }

    fn show(&self, polls: u32, state: &str) {
        if self.on {
            use std::io::Write;
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2Kwaiting for {}: {:.1} s, {polls} poll{}, state {}",
                self.name,
                self.started.elapsed().as_secs_f64(),
                if polls == 1 { "" } else { "s" },
                if state.is_empty() { "(none)" } else { state }
            );
            let _ = err.flush();
        }
    }

    fn finish(&self) {
        if self.on {
            output::stderr("");
        }
    }
}
