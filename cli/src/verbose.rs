//! `--verbose`: what the runtime does, on stderr, through its hooks: the request line of each
//! attempt (a retry says so, with the time since the first), and each answer's status, request
//! id, size and time.
//!
//! Hooks see the call before signing, so nothing they print holds a signature, the STS token
//! or the access key secret: those exist only in the signed request, which is never printed
//! here. Long parameter values (documents) are shortened.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use dwdi_runtime::{Hooks, RequestParts, ResponseParts};

use crate::output;

/// The longest parameter value shown whole.
const VALUE_PREVIEW: usize = 60;

/// Prints each attempt and answer to stderr.
#[derive(Debug, Default)]
pub struct Verbose {
    /// The endpoint's base URL, once the runtime is built.
    endpoint: OnceLock<String>,
    /// When the first attempt started, and when the latest did.
    times: Mutex<(Option<Instant>, Option<Instant>)>,
}

impl Verbose {
    /// Hooks whose endpoint is set later.
    pub fn new() -> Verbose {
        Verbose::default()
    }

    /// The endpoint the runtime resolved.
    pub fn set_endpoint(&self, endpoint: &str) {
        let _ = self.endpoint.set(endpoint.to_owned());
    }
}

/// The hooks the runtime holds, sharing [`Verbose`] with the caller that sets its endpoint.
pub struct Shared(pub Arc<Verbose>);

impl Hooks for Shared {
    fn before_sign(&self, parts: &mut RequestParts<'_>) {
        self.0.before_sign(parts);
    }

    fn after_response(&self, response: &ResponseParts<'_>) {
        self.0.after_response(response);
    }
}

fn preview(value: &str) -> String {
    if value.chars().count() <= VALUE_PREVIEW {
        value.to_owned()
    } else {
        let head: String = value.chars().take(VALUE_PREVIEW).collect();
        format!("{head}…({} bytes)", value.len())
    }
}

impl Hooks for Verbose {
    fn before_sign(&self, parts: &mut RequestParts<'_>) {
        let now = Instant::now();
        let since_first = match self.times.lock() {
            Ok(mut t) => {
                let first = *t.0.get_or_insert(now);
                t.1 = Some(now);
                now - first
            }
            Err(_) => std::time::Duration::ZERO,
        };
        let request = &parts.request;
        let query: Vec<String> = request
            .params
            .iter()
            .map(|(n, v)| format!("{n}={}", preview(v)))
            .collect();
        let retry = if parts.attempt > 1 {
            format!(
                ", retry {} at +{} ms",
                parts.attempt - 1,
                since_first.as_millis()
            )
        } else {
            String::new()
        };
        output::stderr(&format!(
            "> {} {}/ {} (attempt {}{retry}): {}",
            request.method.as_str(),
            self.endpoint.get().map_or("", |e| e.trim_end_matches('/')),
            request.action,
            parts.attempt,
            query.join("&")
        ));
        if !request.form.is_empty() {
            let form: Vec<String> = request
                .form
                .iter()
                .map(|(n, v)| format!("{n}={}", preview(v)))
                .collect();
            output::stderr(&format!("  body: {}", form.join("&")));
        }
    }

    fn after_response(&self, response: &ResponseParts<'_>) {
        let took = self
            .times
            .lock()
            .ok()
            .and_then(|t| t.1)
            .map_or(0, |started| started.elapsed().as_millis());
        let request_id = serde_json::from_slice::<serde_json::Value>(response.body)
            .ok()
            .and_then(|v| {
                v.get("RequestId")
                    .and_then(|r| r.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "-".to_owned());
        output::stderr(&format!(
            "< HTTP {} (attempt {}): {} bytes in {took} ms, request id {request_id}",
            response.status,
            response.attempt,
            response.body.len()
        ));
    }
}
