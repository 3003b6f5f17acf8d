//! Why a run failed, told once: as text (`error: …`, then the service's fields one per line)
//! or, with `--format json`, as one JSON object on stderr that scripts read without parsing
//! prose: `{"code", "message", "requestId", "httpStatus", "exitCode", "problems"}`.
//!
//! `code` is the service's error code when it answered with one; otherwise it says which kind
//! of failure this was: `dwdi.Usage` (nothing sent), `dwdi.ServiceError`, `dwdi.NoAnswer`,
//! `dwdi.Failed` (the service reported a failed outcome), `dwdi.WaitTimeout`.

use dwdi_runtime::Error;
use serde_json::json;

use crate::exit::Exit;
use crate::{output, report};

/// A failed run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// How the process exits.
    pub exit: Exit,
    /// The service's code, or the kind of failure (`dwdi.…`).
    pub code: String,
    /// What went wrong, in one paragraph.
    pub message: String,
    /// The request id of the answer, when there was one.
    pub request_id: Option<String>,
    /// The HTTP status of the answer, when there was one.
    pub http_status: Option<u16>,
    /// Every problem, when there are several (all missing or invalid parameters at once).
    pub problems: Vec<String>,
    /// What only some failures have, boxed so that a `Result<_, Failure>` stays small.
    extra: Option<Box<Extra>>,
}

/// The rarer parts of a failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Extra {
    /// The text form, when it says more than `message` (the service's fields).
    text: Option<String>,
    /// A line of advice after the error (how to repeat a call safely).
    note: Option<String>,
}

impl Failure {
    /// A failure of `kind` with `message`.
    pub fn new(exit: Exit, code: &str, message: impl Into<String>) -> Failure {
        Failure {
            exit,
            code: code.to_owned(),
            message: message.into(),
            request_id: None,
            http_status: None,
            problems: Vec::new(),
            extra: None,
        }
    }

    /// A usage or validation error: nothing was sent (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Exit::Usage, "dwdi.Usage", message)
    }

    /// Several usage problems at once.
    pub fn usage_all(problems: Vec<String>) -> Failure {
        let message = match problems.as_slice() {
            [one] => one.clone(),
            many => format!("{} problems:\n  {}", many.len(), many.join("\n  ")),
        };
        Failure {
            problems,
            ..Failure::usage(message)
        }
    }

    /// A runtime error: exit and code by its kind, the service's fields when it answered.
    pub fn runtime(error: &Error) -> Failure {
        let exit = Exit::for_error(error);
        let code = error
            .code()
            .map_or_else(|| kind_code(exit).to_owned(), str::to_owned);
        Failure {
            request_id: error.request_id().map(str::to_owned),
            http_status: error.status(),
            extra: Some(Box::new(Extra {
                text: Some(report::describe(error)),
                note: None,
            })),
            ..Failure::new(exit, &code, error.to_string())
        }
    }

    /// With the answer's request id and status.
    pub fn answered(mut self, request_id: Option<&str>, status: u16) -> Failure {
        self.request_id = request_id.map(str::to_owned);
        self.http_status = Some(status);
        self
    }

    /// With a line of advice, shown after the error (in JSON, after the message).
    pub fn note(mut self, note: impl Into<String>) -> Failure {
        self.extra.get_or_insert_with(Box::default).note = Some(note.into());
        self
    }

    fn note_text(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|x| x.note.as_deref())
    }

    /// The JSON form.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "code": self.code,
            "message": match self.note_text() {
                Some(note) => format!("{}\n{note}", self.message),
                None => self.message.clone(),
            },
            "requestId": self.request_id,
            "httpStatus": self.http_status,
            "exitCode": self.exit.code(),
            "problems": self.problems,
        })
    }

    /// Writes the failure to stderr (JSON with `--format json`) and returns its exit.
    pub fn report(&self) -> Exit {
        if output::json_errors() {
            output::stderr(&self.to_json().to_string());
            return self.exit;
        }
        match self.extra.as_ref().and_then(|x| x.text.as_ref()) {
            Some(text) => output::error(text),
            None => {
                output::error(&self.message);
                if let Some(id) = &self.request_id {
                    output::stderr(&format!("  request id: {id}"));
                }
                if let Some(status) = self.http_status {
                    output::stderr(&format!("  HTTP status: {status}"));
                }
            }
        }
        if let Some(note) = self.note_text() {
            output::stderr(&format!("  {note}"));
        }
        self.exit
    }
}

/// The code of a failure the service gave no code for.
fn kind_code(exit: Exit) -> &'static str {
    match exit {
        Exit::Usage => "dwdi.Usage",
        Exit::NoAnswer => "dwdi.NoAnswer",
        Exit::Success | Exit::ServiceError | Exit::Invalid => "dwdi.ServiceError",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_every_field_scripts_read() {
        let f = Failure::usage_all(vec!["a".into(), "b".into()]);
        let json = f.to_json();
        assert_eq!(json["code"], "dwdi.Usage");
        assert_eq!(json["exitCode"], 2);
        assert_eq!(json["requestId"], serde_json::Value::Null);
        assert_eq!(json["httpStatus"], serde_json::Value::Null);
        assert_eq!(json["problems"], serde_json::json!(["a", "b"]));
        assert_eq!(json["message"], "2 problems:\n  a\n  b");
    }

    #[test]
    fn a_transport_error_has_no_service_code() {
        let e = Error::Config(dwdi_runtime::ConfigError::NoRegion);
        let f = Failure::runtime(&e);
        assert_eq!((f.exit, f.code.as_str()), (Exit::Usage, "dwdi.Usage"));
    }
}
