//! A plain-text summary of a spec that a reviewer can hold against the pages line by line:
//! operations with their parameters (types, constraints, required flags), response fields,
//! error codes and samples, then the shared enums, envelopes and gateway codes. Where the spec
//! imports Alibaba's metadata, each fact of an operation is followed by its source in brackets:
//! `[page]`, `[metadata]`, `[decision]`, `[design notes]` or `[derived: the rule]`.

use std::fmt::Write;

use crate::import::provenance::Provenance;
use crate::load::LoadedSpec;
use crate::model::{Condition, Field, Location, Outcome, Param, ValueType};
use crate::position::escape_token;

/// Renders the summary.
pub fn summary(loaded: &LoadedSpec) -> String {
    let spec = &loaded.spec;
    let src = Src {
        provenance: &loaded.provenance,
        on: !loaded.layers.is_empty(),
    };
    let mut out = String::new();
    let w = &mut out;
    for layer in &loaded.layers {
        let h = &layer.header;
        let _ = writeln!(
            w,
            "imports {} (from {}, sha256 {}; operations {}; not imported: {})",
            layer.file.display(),
            h.file,
            h.sha256,
            h.operations.join(", "),
            h.not_imported.join(", ")
        );
    }
    let _ = writeln!(
        w,
        "{} {} ({}, {} {}, parameters in the {}, body {})",
        spec.product,
        spec.api_version,
        wire(&spec.style),
        wire(&spec.http.method),
        spec.http.path,
        wire(&spec.http.parameter_location),
        wire(&spec.http.body)
    );
    let _ = writeln!(
        w,
        "signature {}; legacy {}",
        wire(&spec.signature.default),
        list(&spec.signature.legacy)
    );
    let _ = writeln!(w, "endpoints (default {}):", spec.endpoints.default);
    for (region, host) in &spec.endpoints.regions {
        let _ = writeln!(w, "  {region:<24} {host}");
    }
    for (name, def) in &spec.enums {
        let values: Vec<&str> = def.values.keys().map(String::as_str).collect();
        let _ = writeln!(w, "enum {name}: {}", values.join(", "));
    }
    let docs: Vec<&str> = spec.documents.keys().map(String::as_str).collect();
    let _ = writeln!(w, "documents: {}", docs.join(", "));
    let _ = writeln!(w, "success envelope:");
    for (name, field) in &spec.envelope.success.fields {
        field_lines(w, name, field, 1, &src, "/envelope/success");
    }
    let _ = writeln!(
        w,
        "error envelope (keys {}):",
        list(&spec.envelope.error.key_case)
    );
    for (name, field) in &spec.envelope.error.fields {
        field_lines(w, name, field, 1, &src, "/envelope/error");
    }
    let _ = writeln!(w, "gateway errors:");
    for e in &spec.gateway_errors {
        let _ = writeln!(w, "  {} {} ({})", e.status, e.code, wire(&e.class));
    }
    for (name, op) in &spec.operations {
        let at = format!("/operations/{}", escape_token(name));
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "operation {name} (last updated {}{}; methods {}{})",
            op.last_updated.as_deref().unwrap_or("not given"),
            src.of(&format!("{at}/lastUpdated")),
            list(&op.methods),
            src.of(&format!("{at}/methods"))
        );
        let _ = writeln!(
            w,
            "  summary: {}{}",
            op.summary,
            src.of(&format!("{at}/summary"))
        );
        let _ = writeln!(w, "  request:");
        for (pname, param) in &op.parameters {
            let p_at = format!("{at}/parameters/{}", escape_token(pname));
            let line = param_line(param, spec.http.parameter_location, &src, &p_at);
            let _ = writeln!(w, "    {pname:<16} {line}");
        }
        let _ = writeln!(
            w,
            "  response Data (from the {}{}; Status reports {}{}):",
            wire(&op.response.source),
            src.of(&format!("{at}/response/source")),
            wire(&op.response.data_status),
            src.of(&format!("{at}/response/dataStatus"))
        );
        for (fname, field) in op.response.data.fields.iter().flatten() {
            let f_at = format!("{at}/response/data/fields/{}", escape_token(fname));
            field_lines(w, fname, field, 2, &src, &f_at);
        }
        let _ = writeln!(w, "  errors:");
        for (i, e) in op.errors.iter().enumerate() {
            let e_at = format!("{at}/errors/{i}");
            let desc = e
                .description
                .as_deref()
                .map(|d| format!(" ({d}{})", src.of(&format!("{e_at}/description"))))
                .unwrap_or_default();
            let _ = writeln!(
                w,
                "    {} {}: {}{}{desc}",
                e.status,
                e.code,
                e.message,
                src.of(&format!("{e_at}/message"))
            );
        }
        let _ = writeln!(
            w,
            "  sample ({}){}:",
            op.sample.title,
            src.of(&format!("{at}/sample/body"))
        );
        let _ = writeln!(
            w,
            "    {}",
            serde_json::to_string(&op.sample.body).unwrap_or_default()
        );
        for pointer in op.sample.page_differs.iter().flat_map(|d| d.keys()) {
            let _ = writeln!(w, "    the page differs at {pointer}");
        }
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "waiters:");
    for (name, waiter) in &spec.waiters {
        let _ = writeln!(
            w,
            "  {name} ({}) polls {} on {}: success [{}], failure [{}]{}",
            wire(&waiter.kind),
            waiter.operation,
            waiter.field,
            waiter.success.join(", "),
            waiter.failure.join(", "),
            waiter
                .result
                .as_deref()
                .map(|r| format!(", returns {r}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "errata:");
    for e in &spec.errata {
        let _ = writeln!(w, "  {} {} {} {}", e.id, e.operation, e.kind, e.pointer);
    }
    if !loaded.dropped.is_empty() {
        let _ = writeln!(w);
        let _ = writeln!(w, "dropped hand-written entries:");
        for d in &loaded.dropped {
            let _ = writeln!(w, "  {} {}", d.operation, d.pointer);
        }
    }
    out
}

/// Sources in brackets, where the spec imports metadata (else nothing: a spec without layers
/// is all hand-written).
struct Src<'a> {
    provenance: &'a Provenance,
    on: bool,
}

impl Src<'_> {
    fn of(&self, pointer: &str) -> String {
        match self.provenance.of(pointer) {
            Some(source) if self.on => format!(" [{source}]"),
            _ => String::new(),
        }
    }
}

fn param_line(param: &Param, default_location: Location, src: &Src<'_>, at: &str) -> String {
    let mut parts = vec![format!(
        "{}{}",
        type_text(
            param.ty,
            param.enum_name.as_deref(),
            param.document.as_deref(),
        ),
        src.of(&format!("{at}/type"))
    )];
    if let Some(by) = &param.document_by {
        let cases: Vec<String> = by.cases.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        parts.push(format!(
            "document by {} ({}){}",
            by.param,
            cases.join(", "),
            src.of(&format!("{at}/documentBy"))
        ));
    }
    // Where it travels, when that is not where every parameter does.
    if let Some(location) = param.location.filter(|l| *l != default_location) {
        parts.push(format!(
            "in the {}{}",
            location.as_str(),
            src.of(&format!("{at}/location"))
        ));
    }
    if let Some(accepts) = &param.accepts {
        parts.push(format!(
            "accepts {}{}",
            accepts.join("|"),
            src.of(&format!("{at}/accepts"))
        ));
    }
    if let Some(r) = &param.range {
        parts.push(format!(
            "{}..={}{}",
            r.minimum,
            r.maximum,
            src.of(&format!("{at}/range"))
        ));
    }
    parts.push(format!(
        "{}{}",
        if param.required {
            "required"
        } else {
            "optional"
        },
        src.of(&format!("{at}/required"))
    ));
    if param.idempotency_token {
        parts.push(format!(
            "idempotency token (generated when absent){}",
            src.of(&format!("{at}/idempotencyToken"))
        ));
    }
    if let Some(role) = param.role {
        parts.push(format!(
            "role {}{}",
            role.as_str(),
            src.of(&format!("{at}/role"))
        ));
    }
    if let Some(example) = &param.example {
        parts.push(format!(
            "example {example}{}",
            src.of(&format!("{at}/example"))
        ));
    }
    parts.join(", ")
}

fn type_text(ty: ValueType, enum_name: Option<&str>, document: Option<&str>) -> String {
    match (ty, enum_name, document) {
        (ValueType::Enum, Some(e), _) => format!("enum {e}"),
        (ValueType::JsonString, _, Some(d)) => format!("jsonString {d}"),
        _ => ty.as_str().to_owned(),
    }
}

fn field_lines(w: &mut String, name: &str, field: &Field, depth: usize, src: &Src<'_>, at: &str) {
    let indent = "  ".repeat(depth);
    let mut parts = vec![match &field.enum_by {
        Some(by) => {
            let cases: Vec<String> = by.cases.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("enum by {} ({})", by.param, cases.join(", "))
        }
        None => type_text(
            field.ty,
            field.enum_name.as_deref(),
            field.document.as_deref(),
        ),
    }];
    if let Some(items) = &field.items {
        parts[0] = format!(
            "array of {}",
            type_text(
                items.ty,
                items.enum_name.as_deref(),
                items.document.as_deref()
            )
        );
    }
    match &field.null_when {
        Some(Condition::Outcome(c)) => parts.push(format!(
            "null on {}",
            match c.outcome {
                Outcome::Success => "success",
                Outcome::Failure => "failure",
            }
        )),
        Some(Condition::Param(c)) => {
            parts.push(format!("null when {} is {}", c.param, c.values.join("|")))
        }
        None => {}
    }
    if field.null_when.is_some() {
        let last = parts.len() - 1;
        parts[last].push_str(&src.of(&format!("{at}/nullWhen")));
    }
    parts[0].push_str(&src.of(&format!("{at}/type")));
    if let Some(role) = field.role {
        parts.push(format!(
            "role {}{}",
            role.as_str(),
            src.of(&format!("{at}/role"))
        ));
    }
    if let Some(example) = &field.example {
        parts.push(format!(
            "example {example}{}",
            src.of(&format!("{at}/example"))
        ));
    }
    let width = 20usize.saturating_sub(indent.len());
    let _ = writeln!(w, "{indent}{name:<width$} {}", parts.join(", "));
    for (child, f) in field.fields.iter().flatten() {
        let c_at = format!("{at}/fields/{}", escape_token(child));
        field_lines(w, child, f, depth + 1, src, &c_at);
    }
    if let Some(items) = &field.items {
        for (child, f) in items.fields.iter().flatten() {
            let c_at = format!("{at}/items/fields/{}", escape_token(child));
            field_lines(w, child, f, depth + 1, src, &c_at);
        }
    }
}

/// The spelling a value has in the spec (its serde name).
fn wire<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn list<T: serde::Serialize>(values: &[T]) -> String {
    values.iter().map(wire).collect::<Vec<_>>().join(", ")
}
