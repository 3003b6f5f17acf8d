//! Writing to stdout and stderr: nothing lost silently, nothing panics.
//!
//! A result that cannot be written (`dwdi validate … >/dev/full`) is a failed run: the first
//! write error is remembered, and `main` turns the run into exit 2 with a message
//! ([`write_failure`]). A closed pipe (`dwdi call … | head`) is not an error: the reader has
//! what it wanted.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether errors are written as JSON (`--format json`).
static JSON_ERRORS: AtomicBool = AtomicBool::new(false);

/// Writes errors as JSON from now on.
pub fn set_json_errors(on: bool) {
    JSON_ERRORS.store(on, Ordering::Relaxed);
}

/// Whether errors are written as JSON.
pub fn json_errors() -> bool {
    JSON_ERRORS.load(Ordering::Relaxed)
}

/// The first write to stdout that failed, as a message.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

fn remember(result: std::io::Result<()>) {
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            if let Ok(mut failed) = FAILED.lock() {
                failed.get_or_insert_with(|| format!("cannot write to standard output: {e}"));
            }
        }
    }
}

/// Writes `text` and a newline to stdout.
pub fn stdout(text: &str) {
    stdout_raw(&format!("{text}\n"));
}

/// Writes `text` to stdout as it is.
pub fn stdout_raw(text: &str) {
    let mut out = std::io::stdout().lock();
    remember(out.write_all(text.as_bytes()).and_then(|()| out.flush()));
}

/// Why the run's output was lost, if a write to stdout failed.
pub fn write_failure() -> Option<String> {
    FAILED.lock().ok().and_then(|f| f.clone())
}

/// Writes `text` and a newline to stderr (where a failure cannot be reported anywhere).
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// Writes `error: <message>` to stderr.
pub fn error(message: &str) {
    stderr(&format!("error: {message}"));
}
