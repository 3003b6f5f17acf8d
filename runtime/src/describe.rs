//! The tables the generated client carries: what each operation accepts, answers and fails
//! with, and the checks run before anything is sent.
//!
//! These are the run-time form of the spec's facts. The generated client describes each
//! operation as a `static` [`OperationDesc`]: its HTTP methods, parameters (wire name, type,
//! required, range, accepted values), the fields of its answer's `Data` with their
//! nullability, its documented errors and where `Data` reports the call's outcome. Its typed
//! builders and the CLI's dynamic path (operation name and parameter strings) both end in
//! [`OperationDesc::validate`], so a request is refused for the same reasons, with the same
//! message, whichever way it was built; the mock and the tools read the same tables instead
//! of parsing the spec again. The gateway codes any call can meet are rows of
//! [`GatewayErrorDesc`], which the runtime classifies errors by.

use std::borrow::Cow;
use std::fmt;

pub use crate::error::GatewayErrorDesc;
use crate::request::{HttpMethod, RpcRequest};

/// What an operation accepts, answers and fails with.
#[derive(Debug, Clone, Copy)]
pub struct OperationDesc {
    /// The action name (`x-acs-action`).
    pub action: &'static str,
    /// One sentence: what the operation does.
    pub summary: &'static str,
    /// The HTTP methods the operation allows.
    pub methods: &'static [HttpMethod],
    /// Parameters, in documentation order.
    pub params: &'static [ParamDesc],
    /// The members of a successful answer's `Data`, in documentation order.
    pub fields: &'static [FieldDesc],
    /// The error codes the operation documents, in documentation order.
    pub errors: &'static [ErrorDesc],
    /// Where a successful answer reports that the call itself failed, if it can.
    pub outcome: Option<OutcomeDesc>,
    /// The polling loops over this operation, sorted by name.
    pub waiters: &'static [WaiterDesc],
    /// A successful answer's `Data` as the spec exemplifies it, as JSON text: every documented
    /// member with its example (else the page sample's value, else a value of its type), so a
    /// tool answering as the service does (the mock) names no member itself.
    pub example_data: &'static str,
}

/// How a waiter ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiterKind {
    /// When the watched member takes a success or failure value: the member is the state of
    /// something that finishes (an asynchronous process).
    Terminal,
    /// When the watched member equals the value the caller wants: the member is the state of
    /// a long-lived object (a task's run state).
    UntilValue,
}

/// What a parameter or an answer's member stands for in the service's behaviour, where a
/// tool acting as the service needs to know it (the spec's `role`, a hand-written decision).
/// A tool finds "the workspace id" or "the process id" by its role, never by its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The workspace (project) whose objects the call reads or changes.
    Workspace,
    /// Which kind of object the call is about; its values name the kinds (real-time task,
    /// solution, …) as the operation's enum does.
    ObjectKind,
    /// The ID of the task (or solution) the call is about.
    Task,
    /// The ID of an asynchronous process: returned when one is started, given to follow it.
    Process,
    /// The document an asynchronous process works from (e.g. the tables to add or remove).
    ProcessInput,
    /// The settings a task is run with.
    RunSettings,
    /// The job a task runs: what a call that creates or changes a task applies to it.
    TaskConfig,
    /// The name a call gives the task it creates.
    TaskName,
}

/// Where an answer's `Data` reports the outcome of the call itself (e.g. `Status: "fail"`
/// with a `Message`), as opposed to the state of an object.
#[derive(Debug, Clone, Copy)]
pub struct OutcomeDesc {
    /// The `Data` member holding the outcome.
    pub field: &'static str,
    /// The value meaning the call failed.
    pub failure: &'static str,
    /// The `Data` member saying why.
    pub message: &'static str,
}

/// What a parameter accepts, and where it travels.
#[derive(Debug, Clone, Copy)]
pub struct ParamDesc {
    /// The wire name.
    pub name: &'static str,
    /// Whether it must be sent.
    pub required: bool,
    /// Its type and constraints.
    pub kind: ParamKind,
    /// Where it travels: the query, or the form body.
    pub location: ParamLocation,
    /// For a JSON document whose kind another parameter's value chooses (e.g. a batch or a
    /// real-time job by `TaskType`): which parameter, and which document for which value.
    /// Values it does not list take the document of [`ParamKind::JsonString`].
    pub document_by: Option<DocumentBy>,
    /// One sentence: what it means.
    pub description: &'static str,
    /// An idempotency token (the spec's `idempotencyToken`): a caller that gives none gets a
    /// fresh one, kept for every retry of the call, so a lost answer cannot make the service
    /// act twice.
    pub idempotency_token: bool,
    /// What it stands for in the service's behaviour, where the spec says.
    pub role: Option<Role>,
    /// The spec's example value, in wire form (the text sent).
    pub example: Option<&'static str>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the URL query string.
    Query,
    /// In an `application/x-www-form-urlencoded` body.
    Body,
}

/// A JSON document chosen by another parameter's value.
#[derive(Debug, Clone, Copy)]
pub struct DocumentBy {
    /// The parameter whose value chooses.
    pub param: &'static str,
    /// (value, document name) pairs.
    pub cases: &'static [(&'static str, &'static str)],
}

impl ParamDesc {
    /// The document a JSON-in-a-string value of this parameter must be, given every
    /// parameter of the call (wire name, text value); `None` for other kinds.
    pub fn document<'a>(
        &self,
        given: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Option<&'static str> {
        let ParamKind::JsonString { document } = self.kind else {
            return None;
        };
        let Some(by) = self.document_by else {
            return Some(document);
        };
        let chosen = given
            .into_iter()
            .find(|(name, _)| *name == by.param)
            .and_then(|(_, value)| by.cases.iter().find(|(v, _)| *v == value))
            .map(|(_, d)| *d);
        Some(chosen.unwrap_or(document))
    }
}

/// A parameter's type and constraints.
#[derive(Debug, Clone, Copy)]
pub enum ParamKind {
    /// A 64-bit integer within an inclusive range.
    Int64 {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// Any text.
    String,
    /// `true` or `false`.
    Boolean,
    /// One of the listed values.
    Enum {
        /// The enumeration's name.
        name: &'static str,
        /// The values this operation accepts.
        accepts: &'static [&'static str],
    },
    /// A JSON document carried in a string.
    JsonString {
        /// The document type's name.
        document: &'static str,
    },
}

/// A member of an answer's `Data` (or of an object inside it).
#[derive(Debug, Clone, Copy)]
pub struct FieldDesc {
    /// The wire name.
    pub name: &'static str,
    /// Its type.
    pub kind: FieldKind,
    /// When the service sends `null` for it; `None` when it is always present.
    pub null_when: Option<NullWhen>,
    /// One sentence: what it means.
    pub description: &'static str,
    /// What it stands for in the service's behaviour, where the spec says.
    pub role: Option<Role>,
}

/// The type of an answer's member.
#[derive(Debug, Clone, Copy)]
pub enum FieldKind {
    /// A 64-bit integer.
    Int64,
    /// Text.
    String,
    /// `true` or `false`.
    Boolean,
    /// One of the listed values (the service may send others; clients keep them).
    Enum {
        /// The values the documentation names.
        values: &'static [&'static str],
    },
    /// A JSON document carried in a string.
    JsonString {
        /// The document type's name.
        document: &'static str,
    },
    /// An object with these members.
    Object {
        /// Its members, in documentation order.
        fields: &'static [FieldDesc],
    },
    /// A value the documentation does not describe.
    Any,
    /// A list of values of one kind.
    Array {
        /// The kind of its items.
        items: &'static FieldKind,
    },
}

/// When a documented member is `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullWhen {
    /// When the call did what it was asked (`Success`) or did not (`Failure`).
    Outcome(Outcome),
    /// When a request parameter has one of the values.
    Param {
        /// The parameter's wire name.
        param: &'static str,
        /// The values.
        values: &'static [&'static str],
    },
}

/// Whether a call did what it was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It did.
    Success,
    /// It did not.
    Failure,
}

impl NullWhen {
    /// Whether the member is `null` for a call that ended with `outcome` and was sent with
    /// `params` (wire name, text value).
    pub fn holds<'a>(
        &self,
        outcome: Outcome,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> bool {
        match self {
            NullWhen::Outcome(when) => *when == outcome,
            NullWhen::Param { param, values } => params
                .into_iter()
                .any(|(name, value)| name == *param && values.contains(&value)),
        }
    }
}

/// A polling loop over one operation, as the spec's `waiters` describe it: what the generated
/// `wait_…` methods do, as data, for tools that wait by name (`dwdi wait`, `dwdi call --wait`).
#[derive(Debug, Clone, Copy)]
pub struct WaiterDesc {
    /// The waiter's name in the spec (e.g. `ConfigProcess`).
    pub name: &'static str,
    /// What it waits for.
    pub description: &'static str,
    /// The operation it polls.
    pub operation: &'static str,
    /// The `Data` member it watches.
    pub field: &'static str,
    /// How it ends: on its own `success` values, returning `result` (`Terminal`), or on
    /// values the caller gives (`UntilValue`).
    pub kind: WaiterKind,
    /// Values that end the wait successfully (terminal waiters).
    pub success: &'static [&'static str],
    /// Values that end the wait with a failure.
    pub failure: &'static [&'static str],
    /// The `Data` member returned on success (terminal waiters).
    pub result: Option<&'static str>,
    /// The `Data` member that says why it failed.
    pub message: Option<&'static str>,
    /// The operations whose call starts what it waits for.
    pub after: &'static [WaitAfterDesc],
}

/// How a waiter follows a call that starts what it waits for.
#[derive(Debug, Clone, Copy)]
pub struct WaitAfterDesc {
    /// The starting operation.
    pub operation: &'static str,
    /// The values that end the wait after this call (untilValue waiters).
    pub until: &'static [&'static str],
    /// Values that end the wait after this call with a failure, besides the waiter's own.
    pub failure: &'static [&'static str],
    /// Every parameter of the polled operation, with where its value comes from.
    pub params: &'static [(&'static str, ParamFrom)],
}

/// Where a polled operation's parameter comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamFrom {
    /// The starting call's parameter of this wire name.
    Param(&'static str),
    /// The member of the starting call's answer `Data` of this wire name.
    Data(&'static str),
}

impl WaiterDesc {
    /// Whether it ends on its own `success` values and returns `result`.
    pub fn is_terminal(&self) -> bool {
        self.kind == WaiterKind::Terminal
    }

    /// How the waiter follows a call of `action`, if that call starts what it waits for.
    pub fn after(&self, action: &str) -> Option<&'static WaitAfterDesc> {
        self.after.iter().find(|a| a.operation == action)
    }
}

/// An error code an operation's page documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorDesc {
    /// The code, e.g. `Param.Invalid`.
    pub code: &'static str,
    /// The HTTP status the service answers it with.
    pub status: u16,
    /// The documented message.
    pub message: &'static str,
}

impl ParamKind {
    /// What a valid value looks like, for messages.
    pub fn expected(&self) -> String {
        match self {
            ParamKind::Int64 { min, max } => format!("an integer in {min}..={max}"),
            ParamKind::String => "text".to_owned(),
            ParamKind::Boolean => "true or false".to_owned(),
            ParamKind::Enum { accepts, .. } => format!("one of {}", accepts.join(", ")),
            ParamKind::JsonString { document } => format!("a {document} JSON document"),
        }
    }
}

/// Why a request was refused before it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The operation.
    pub operation: &'static str,
    /// The parameter, as the caller named it.
    pub parameter: String,
    /// What was wrong.
    pub problem: Problem,
}

/// What was wrong with a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A required parameter was not given.
    Missing {
        /// What it accepts.
        expected: String,
    },
    /// The operation has no parameter of that name.
    Unknown {
        /// The parameters it has.
        known: Vec<&'static str>,
    },
    /// The parameter was given twice.
    Repeated,
    /// The value does not fit.
    Invalid {
        /// The value given (shortened when long).
        value: String,
        /// What it accepts.
        expected: String,
        /// Details, such as a JSON parse error with its line and column.
        detail: Option<String>,
    },
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (op, p) = (self.operation, &self.parameter);
        match &self.problem {
            Problem::Missing { expected } => {
                write!(
                    f,
                    "{op}: required parameter {p} is missing; expected {expected}"
                )
            }
            Problem::Unknown { known } => write!(
                f,
                "{op}: unknown parameter {p}; expected one of {}",
                known.join(", ")
            ),
            Problem::Repeated => write!(f, "{op}: parameter {p} is given more than once"),
            Problem::Invalid {
                value,
                expected,
                detail,
            } => {
                write!(
                    f,
                    "{op}: parameter {p} has invalid value {value:?}; expected {expected}"
                )?;
                if let Some(detail) = detail {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ValidationError {
    /// Found by the checks here: nothing caused it.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        None
    }
}

impl ValidationError {
    /// A JSON-in-a-string parameter whose document does not validate: `details` are the
    /// validator's problems, each with its pointer and line:column.
    pub fn invalid_document(
        operation: &'static str,
        parameter: &str,
        value: &str,
        document: &str,
        details: &[String],
    ) -> Self {
        ValidationError {
            operation,
            parameter: parameter.to_owned(),
            problem: Problem::Invalid {
                value: preview(value),
                expected: format!("a valid {document} document (as `dwdi validate` checks it)"),
                detail: Some(details.join("; ")),
            },
        }
    }
}

const VALUE_PREVIEW: usize = 80;

fn preview(value: &str) -> String {
    if value.chars().count() <= VALUE_PREVIEW {
        value.to_owned()
    } else {
        let mut s: String = value.chars().take(VALUE_PREVIEW).collect();
        s.push('…');
        s
    }
}

impl OperationDesc {
    /// When `data` (an answer's `Data`) reports that the call failed: the outcome value and
    /// the message.
    pub fn failed_outcome(&self, data: &serde_json::Value) -> Option<(String, Option<String>)> {
        let outcome = self.outcome?;
        let value = data.get(outcome.field)?.as_str()?;
        (value == outcome.failure).then(|| {
            let message = data
                .get(outcome.message)
                .and_then(|m| m.as_str())
                .map(str::to_owned);
            (value.to_owned(), message)
        })
    }

    /// The description of the named parameter.
    pub fn param(&self, name: &str) -> Option<&'static ParamDesc> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The operation's idempotency token parameter, if it has one.
    pub fn idempotency_token(&self) -> Option<&'static ParamDesc> {
        self.params.iter().find(|p| p.idempotency_token)
    }

    /// The parameter playing `role`, if the operation has one.
    pub fn param_with(&self, role: Role) -> Option<&'static ParamDesc> {
        self.params.iter().find(|p| p.role == Some(role))
    }

    /// The member of `Data` playing `role`, if the operation has one.
    pub fn field_with(&self, role: Role) -> Option<&'static FieldDesc> {
        self.fields.iter().find(|f| f.role == Some(role))
    }

    /// The first waiter of this kind polling the operation.
    pub fn waiter(&self, kind: WaiterKind) -> Option<&'static WaiterDesc> {
        self.waiters.iter().find(|w| w.kind == kind)
    }

    /// The description of the named member of `Data`.
    pub fn field(&self, name: &str) -> Option<&'static FieldDesc> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The documented error with this code.
    pub fn error(&self, code: &str) -> Option<&'static ErrorDesc> {
        self.errors.iter().find(|e| e.code == code)
    }

    /// The first documented error with this HTTP status (e.g. 400: the "bad value" code).
    pub fn error_for_status(&self, status: u16) -> Option<&'static ErrorDesc> {
        self.errors.iter().find(|e| e.status == status)
    }

    /// The error for a parameter whose text does not convert to its type: what the typed
    /// path reports when a value passed [`validate`](Self::validate)'s checks yet does not
    /// parse (which the checks are there to prevent).
    pub fn invalid_value(&self, name: &str, value: &str) -> ValidationError {
        ValidationError {
            operation: self.action,
            parameter: name.to_owned(),
            problem: Problem::Invalid {
                value: preview(value),
                expected: self
                    .param(name)
                    .map_or_else(|| "a known parameter".to_owned(), |p| p.kind.expected()),
                detail: None,
            },
        }
    }

    /// The request for wire-form parameters (name, text value), each where the table says it
    /// travels: the query or the form body. Names the operation does not have go in the
    /// query (run [`validate`](Self::validate) first to refuse them).
    pub fn request<N, V>(
        &self,
        version: &'static str,
        params: impl IntoIterator<Item = (N, V)>,
    ) -> RpcRequest
    where
        N: Into<Cow<'static, str>>,
        V: Into<String>,
    {
        let mut request = RpcRequest::new(self.action, version);
        for (name, value) in params {
            let name: Cow<'static, str> = name.into();
            // The table's own `'static` name, so that a borrowed name costs no copy.
            let desc = self.param(&name);
            let name = desc.map_or(name, |p| Cow::Borrowed(p.name));
            request = match desc.map(|p| p.location) {
                Some(ParamLocation::Body) => request.form_param(name, value),
                _ => request.param(name, value),
            };
        }
        request
    }

    /// Whether the operation allows `method`.
    pub fn allows(&self, method: HttpMethod) -> bool {
        self.methods.contains(&method)
    }

    /// Checks wire-form parameters (name, text value): every name is known and given once,
    /// every required parameter is present, and every value fits. Reports the first problem
    /// in documentation order, so the message is stable.
    pub fn validate<'a>(
        &self,
        given: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), ValidationError> {
        match self.validate_all(given).into_iter().next() {
            Some(first) => Err(first),
            None => Ok(()),
        }
    }

    /// Every problem of wire-form parameters, in the order [`validate`](Self::validate)
    /// reports the first: unknown and repeated names as given, then missing and invalid
    /// values in documentation order. For tools that show them all at once.
    pub fn validate_all<'a>(
        &self,
        given: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<ValidationError> {
        let error = |parameter: &str, problem| ValidationError {
            operation: self.action,
            parameter: parameter.to_owned(),
            problem,
        };
        let mut problems = Vec::new();
        let mut values: Vec<(&'static ParamDesc, &str)> = Vec::new();
        for (name, value) in given {
            let Some(desc) = self.param(name) else {
                problems.push(error(
                    name,
                    Problem::Unknown {
                        known: self.params.iter().map(|p| p.name).collect(),
                    },
                ));
                continue;
            };
            // An operation has a handful of parameters: a scan is cheaper than a set.
            if values.iter().any(|(d, _)| d.name == name) {
                problems.push(error(name, Problem::Repeated));
                continue;
            }
            values.push((desc, value));
        }
        for desc in self.params {
            match values.iter().find(|(d, _)| d.name == desc.name) {
                None if desc.required => problems.push(error(
                    desc.name,
                    Problem::Missing {
                        expected: desc.kind.expected(),
                    },
                )),
                None => {}
                Some((_, value)) => {
                    if let Some(detail) = check_value(&desc.kind, value) {
                        problems.push(error(
                            desc.name,
                            Problem::Invalid {
                                value: preview(value),
                                expected: desc.kind.expected(),
                                detail,
                            },
                        ));
                    }
                }
            }
        }
        problems
    }
}

/// A 64-bit integer in canonical decimal (`0`, `-12`, `10000`), as the service reads ids:
/// `str::parse` would also take `+10000` and `010000`, which name the same number in a form no
/// SDK sends, so a request built by hand that way is refused rather than quietly normalised.
/// `-0` is refused for the same reason.
pub fn strict_integer(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && value != "-0";
    if canonical { value.parse().ok() } else { None }
}

/// `None` when the value fits; `Some(detail)` when it does not.
fn check_value(kind: &ParamKind, value: &str) -> Option<Option<String>> {
    match kind {
        ParamKind::Int64 { min, max } => match strict_integer(value) {
            Some(v) if (*min..=*max).contains(&v) => None,
            Some(_) => Some(Some("out of range".to_owned())),
            None => Some(Some(
                "not an integer in plain decimal: digits with an optional leading `-`, no `+`, \
                 no leading zeros, no spaces"
                    .to_owned(),
            )),
        },
        ParamKind::String => None,
        // Exactly the two words the service parses; `True`, `1` or `yes` would be sent as
        // given and read differently, or refused, on the other side.
        ParamKind::Boolean => (!matches!(value, "true" | "false")).then_some(None),
        ParamKind::Enum { accepts, .. } => (!accepts.contains(&value)).then_some(None),
        ParamKind::JsonString { .. } => match serde_json::from_str::<serde_json::Value>(value) {
            Ok(_) => None,
            Err(e) => Some(Some(format!("JSON error: {e}"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: OperationDesc = OperationDesc {
        action: "DoThing",
        summary: "Does a thing.",
        methods: &[HttpMethod::Post],
        params: &[
            ParamDesc {
                name: "Id",
                required: true,
                kind: ParamKind::Int64 { min: 1, max: 10 },
                location: ParamLocation::Query,
                document_by: None,
                description: "The ID.",
                idempotency_token: false,
                role: Some(Role::Task),
                example: Some("5"),
            },
            ParamDesc {
                name: "Kind",
                required: true,
                kind: ParamKind::Enum {
                    name: "Kind",
                    accepts: &["A", "B"],
                },
                location: ParamLocation::Query,
                document_by: None,
                description: "The kind.",
                idempotency_token: false,
                role: Some(Role::ObjectKind),
                example: None,
            },
            ParamDesc {
                name: "Doc",
                required: false,
                kind: ParamKind::JsonString { document: "Doc" },
                location: ParamLocation::Body,
                document_by: Some(DocumentBy {
                    param: "Kind",
                    cases: &[("B", "DocB")],
                }),
                description: "A document.",
                idempotency_token: false,
                role: None,
                example: None,
            },
            ParamDesc {
                name: "Force",
                required: false,
                kind: ParamKind::Boolean,
                location: ParamLocation::Query,
                document_by: None,
                description: "Whether to force it.",
                idempotency_token: false,
                role: None,
                example: None,
            },
            ParamDesc {
                name: "Token",
                required: false,
                kind: ParamKind::String,
                location: ParamLocation::Query,
                document_by: None,
                description: "An idempotency token.",
                idempotency_token: true,
                role: None,
                example: None,
            },
        ],
        fields: &[
            FieldDesc {
                name: "Status",
                kind: FieldKind::Enum {
                    values: &["success", "fail"],
                },
                null_when: None,
                description: "The outcome.",
                role: None,
            },
            FieldDesc {
                name: "Message",
                kind: FieldKind::String,
                null_when: Some(NullWhen::Outcome(Outcome::Success)),
                description: "Why it failed.",
                role: None,
            },
            FieldDesc {
                name: "Steps",
                kind: FieldKind::Array {
                    items: &FieldKind::Object {
                        fields: &[FieldDesc {
                            name: "Name",
                            kind: FieldKind::String,
                            null_when: Some(NullWhen::Param {
                                param: "Kind",
                                values: &["B"],
                            }),
                            description: "The step's name.",
                            role: None,
                        }],
                    },
                },
                null_when: None,
                description: "The steps.",
                role: None,
            },
        ],
        errors: &[
            ErrorDesc {
                code: "Param.Invalid",
                status: 400,
                message: "The parameter is invalid.",
            },
            ErrorDesc {
                code: "Internal",
                status: 500,
                message: "An internal error occurred.",
            },
        ],
        outcome: Some(OutcomeDesc {
            field: "Status",
            failure: "fail",
            message: "Message",
        }),
        waiters: &[WaiterDesc {
            name: "Done",
            description: "until the process ends",
            operation: "DoThing",
            kind: WaiterKind::Terminal,
            field: "Status",
            success: &["success"],
            failure: &["fail"],
            result: None,
            message: Some("Message"),
            after: &[],
        }],
        example_data: r#"{"Status":"success","Message":"m","Steps":[{"Name":"n"}]}"#,
    };

    fn msg(given: &[(&str, &str)]) -> String {
        OP.validate(given.iter().copied())
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn reads_a_failed_outcome_from_data() {
        let failed = serde_json::json!({"Status": "fail", "Message": "no such file"});
        assert_eq!(
            OP.failed_outcome(&failed),
            Some(("fail".to_owned(), Some("no such file".to_owned())))
        );
        assert_eq!(
            OP.failed_outcome(&serde_json::json!({"Status": "success"})),
            None
        );
    }

    #[test]
    fn a_boolean_parameter_takes_true_or_false_and_nothing_else() {
        assert!(
            OP.validate([("Id", "1"), ("Kind", "A"), ("Force", "true")])
                .is_ok()
        );
        assert!(
            OP.validate([("Id", "1"), ("Kind", "A"), ("Force", "false")])
                .is_ok()
        );
        for wrong in ["maybe", "True", "1", "yes", ""] {
            assert_eq!(
                msg(&[("Id", "1"), ("Kind", "A"), ("Force", wrong)]),
                format!(
                    "DoThing: parameter Force has invalid value {wrong:?}; expected true or false"
                )
            );
        }
    }

    #[test]
    fn tables_answer_lookups_by_name_code_and_status() {
        assert_eq!(OP.error("Internal").map(|e| e.status), Some(500));
        assert_eq!(
            OP.error_for_status(400).map(|e| e.code),
            Some("Param.Invalid")
        );
        assert!(OP.error("Nope").is_none());
        assert!(OP.allows(HttpMethod::Post) && !OP.allows(HttpMethod::Get));
        let message = OP
            .field("Message")
            .and_then(|f| f.null_when)
            .expect("nullable");
        assert!(message.holds(Outcome::Success, []));
        assert!(!message.holds(Outcome::Failure, []));
        let FieldKind::Array { items } = OP.field("Steps").expect("Steps").kind else {
            panic!("Steps is an array");
        };
        let FieldKind::Object { fields } = items else {
            panic!("of objects");
        };
        let name = fields[0].null_when.expect("nullable");
        assert!(name.holds(Outcome::Success, [("Kind", "B")]));
        assert!(!name.holds(Outcome::Success, [("Kind", "A")]));
    }

    #[test]
    fn validate_all_reports_every_problem_in_order() {
        let all: Vec<String> = OP
            .validate_all([("Colour", "red"), ("Force", "maybe"), ("Force", "true")])
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            all,
            [
                "DoThing: unknown parameter Colour; expected one of Id, Kind, Doc, Force, Token",
                "DoThing: parameter Force is given more than once",
                "DoThing: required parameter Id is missing; expected an integer in 1..=10",
                "DoThing: required parameter Kind is missing; expected one of A, B",
                "DoThing: parameter Force has invalid value \"maybe\"; expected true or false",
            ]
        );
        assert!(OP.validate_all([("Id", "1"), ("Kind", "A")]).is_empty());
    }

    #[test]
    fn a_request_puts_each_parameter_where_it_travels() {
        let request = OP.request("2020-01-01", [("Id", "1"), ("Doc", "{}"), ("Kind", "A")]);
        assert_eq!(request.action, "DoThing");
        assert_eq!(request.version, "2020-01-01");
        let names = |params: &[crate::request::Param]| -> Vec<String> {
            params.iter().map(|(n, _)| n.to_string()).collect()
        };
        assert_eq!(names(&request.params), ["Id", "Kind"]);
        assert_eq!(names(&request.form), ["Doc"]);
        assert_eq!(request.form[0].1, "{}");
    }

    #[test]
    fn another_parameter_can_choose_the_document() {
        let doc = OP.param("Doc").expect("Doc");
        assert_eq!(doc.document([("Kind", "A")]), Some("Doc"));
        assert_eq!(doc.document([("Kind", "B")]), Some("DocB"));
        assert_eq!(doc.document([]), Some("Doc"));
        assert_eq!(OP.param("Id").expect("Id").document([]), None);
    }

    #[test]
    fn accepts_valid_parameters() {
        assert!(OP.validate([("Id", "10"), ("Kind", "B")]).is_ok());
        assert!(
            OP.validate([("Kind", "A"), ("Id", "1"), ("Doc", "{}")])
                .is_ok()
        );
    }

    #[test]
    fn names_what_is_wrong_and_what_was_expected() {
        assert_eq!(
            msg(&[("Kind", "A")]),
            "DoThing: required parameter Id is missing; expected an integer in 1..=10"
        );
        assert_eq!(
            msg(&[("Id", "11"), ("Kind", "A")]),
            "DoThing: parameter Id has invalid value \"11\"; expected an integer in 1..=10 (out of range)"
        );
        assert_eq!(
            msg(&[("Id", "x"), ("Kind", "A")]),
            "DoThing: parameter Id has invalid value \"x\"; expected an integer in 1..=10 (not an integer in plain decimal: digits with an optional leading `-`, no `+`, no leading zeros, no spaces)"
        );
        assert_eq!(
            msg(&[("Id", "1"), ("Kind", "C")]),
            "DoThing: parameter Kind has invalid value \"C\"; expected one of A, B"
        );
        assert_eq!(
            msg(&[("Id", "1"), ("Kind", "A"), ("Colour", "red")]),
            "DoThing: unknown parameter Colour; expected one of Id, Kind, Doc, Force, Token"
        );
        assert_eq!(
            msg(&[("Id", "1"), ("Id", "2"), ("Kind", "A")]),
            "DoThing: parameter Id is given more than once"
        );
        assert_eq!(
            msg(&[("Id", "1"), ("Kind", "A"), ("Doc", "{\"a\":")]),
            "DoThing: parameter Doc has invalid value \"{\\\"a\\\":\"; expected a Doc JSON document (JSON error: EOF while parsing a value at line 1 column 5)"
        );
    }

    #[test]
    fn integers_must_be_plain_decimal() {
        for ok in [
            "0",
            "1",
            "10",
            "-5",
            "9223372036854775807",
            "-9223372036854775808",
        ] {
            assert!(strict_integer(ok).is_some(), "{ok}");
        }
        for bad in [
            "+10", "010", "00", "-0", "-01", "", "-", " 1", "1 ", "1_0", "0x10", "1e3",
        ] {
            assert_eq!(strict_integer(bad), None, "{bad:?}");
        }
        assert!(OP.validate([("Id", "+10"), ("Kind", "A")]).is_err());
        assert!(OP.validate([("Id", "010"), ("Kind", "A")]).is_err());
    }

    #[test]
    fn parameters_fields_and_waiters_are_found_by_what_they_stand_for() {
        assert_eq!(OP.idempotency_token().map(|p| p.name), Some("Token"));
        assert_eq!(OP.param_with(Role::Task).map(|p| p.name), Some("Id"));
        assert_eq!(
            OP.param_with(Role::ObjectKind).map(|p| p.name),
            Some("Kind")
        );
        assert!(OP.param_with(Role::Workspace).is_none());
        assert!(OP.field_with(Role::Process).is_none());
        assert_eq!(
            OP.waiter(WaiterKind::Terminal).map(|w| w.field),
            Some("Status")
        );
        assert!(OP.waiter(WaiterKind::UntilValue).is_none());
    }
}
