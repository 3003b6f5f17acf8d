//! Writing to stdout and stderr without panicking (a closed pipe is not a crash).

use std::io::Write;

/// Writes `text` and a newline to stdout. A closed pipe (`dwdi call … | head`) is ignored.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

/// Writes `text` and a newline to stderr.
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// Writes `error: <message>` to stderr.
pub fn error(message: &str) {
    stderr(&format!("error: {message}"));
}
