//! Exit codes, shared by every subcommand (see the design notes' conventions).

use std::process::ExitCode;

use dwdi_runtime::{Error, ErrorKind};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Success,
    /// 1: the service answered with an error (HTTP error status, `Success: false`, or an
    /// answer that cannot be decoded).
    ServiceError,
    /// 1: a finding: the document checked is invalid.
    Invalid,
    /// 2: usage or validation error, or missing credentials, region or configuration;
    /// nothing was sent.
    Usage,
    /// 3: no answer from the network (connection, timeout, retries exhausted on them).
    NoAnswer,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::ServiceError | Exit::Invalid => 1,
            Exit::Usage => 2,
            Exit::NoAnswer => 3,
        }
    }

    /// The exit for a runtime error.
    pub fn for_error(error: &Error) -> Exit {
        match error {
            // A credentials service (STS, the metadata service) that did not answer.
            Error::Credentials(e) if e.is_transient() => Exit::NoAnswer,
            // One that answered with an error.
            Error::Credentials(e) if e.is_fetch() => Exit::ServiceError,
            Error::Config(_) | Error::Credentials(_) | Error::InvalidRequest { .. } => Exit::Usage,
            Error::Service(_) | Error::Decode { .. } => Exit::ServiceError,
            // A request the HTTP client could not even build was not sent.
            Error::Transport(t) if t.kind == ErrorKind::Client => Exit::Usage,
            Error::Transport(_) => Exit::NoAnswer,
            Error::RetriesExhausted { last, .. } => Exit::for_error(last),
            // A variant added to the runtime later: the call failed, but not for want of an
            // answer and not before sending that we know of.
            _ => Exit::ServiceError,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// The exit-code table, for `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  the service answered with an error (HTTP error status, or HTTP 200 with Success:false)
  2  usage or validation error, or missing credentials/region/configuration (nothing sent)
  3  no answer (connection failure, timeout, retries exhausted)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_conventions() {
        let codes: Vec<u8> = [
            Exit::Success,
            Exit::ServiceError,
            Exit::Usage,
            Exit::NoAnswer,
        ]
        .into_iter()
        .map(Exit::code)
        .collect();
        assert_eq!(codes, [0, 1, 2, 3]);
    }

    #[test]
    fn configuration_errors_are_usage_errors() {
        let e = Error::Config(dwdi_runtime::ConfigError::NoRegion);
        assert_eq!(Exit::for_error(&e), Exit::Usage);
        let e = Error::RetriesExhausted {
            attempts: 2,
            elapsed: std::time::Duration::ZERO,
            why: "attempt limit reached",
            last: Box::new(Error::Decode {
                action: "X".into(),
                status: 200,
                reason: "r".into(),
                preview: String::new(),
            }),
        };
        assert_eq!(Exit::for_error(&e), Exit::ServiceError);
    }
}
