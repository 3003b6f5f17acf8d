//! The lint: finds defects of the documentation as the spec records it, and holds them
//! against the recorded errata.
//!
//! It checks every example against its declaration, parses every JSON-in-a-string example,
//! compares each sample response with its declared shape and its page's own statements
//! (nullability on success, nullability conditioned on a parameter), and compares the
//! valid-value lists and ranges each source states. Where the pages and Alibaba's metadata
//! both state a fact and disagree (the loader finds those that share a place in the spec, and
//! the lint compares the page's valid-value lists with the metadata's enum), that is a
//! finding; a fact only one of them states is not. Hand-written entries the loader dropped
//! because the metadata no longer states what they refine are listed, without failing.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;
use serde_json::Value;

use dwdi_validate::edit_distance;

use crate::conform::{Scalar, describe_value, json_misfit};
use crate::import::merge::{Disagreement, Dropped};
use crate::load::LoadedSpec;
use crate::model::{
    Condition, Erratum, ExampleOrigin, Field, Kind, Operation, Outcome, Param, Spec, Stated,
    ValueType,
};
use crate::position::{Pos, escape_token};

/// One defect the lint found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The operation whose page has the defect.
    pub operation: String,
    /// JSON pointer into the spec file.
    pub pointer: String,
    /// What kind of defect.
    pub kind: Kind,
    /// What is wrong and what was expected.
    pub message: String,
    /// For a defect inside an embedded JSON string: where inside that string.
    pub inner: Option<Pos>,
}

/// Finds every defect in the spec's record of the documentation.
pub fn lint(loaded: &LoadedSpec) -> Vec<Finding> {
    let spec = &loaded.spec;
    let mut out: Vec<Finding> = loaded.disagreements.iter().map(disagreement).collect();
    for (name, op) in &spec.operations {
        let mut cx = Cx {
            spec,
            op,
            operation: name,
            out: &mut out,
        };
        cx.operation();
    }
    out.sort_by(|a, b| (&a.operation, &a.pointer, a.kind).cmp(&(&b.operation, &b.pointer, b.kind)));
    out
}

struct Cx<'a> {
    spec: &'a Spec,
    op: &'a Operation,
    operation: &'a str,
    out: &'a mut Vec<Finding>,
}

impl Cx<'_> {
    fn push(&mut self, pointer: String, kind: Kind, message: String, inner: Option<Pos>) {
        self.out.push(Finding {
            operation: self.operation.to_owned(),
            pointer,
            kind,
            message,
            inner,
        });
    }

    fn at(&self) -> String {
        format!("/operations/{}", escape_token(self.operation))
    }

    fn operation(&mut self) {
        let at = self.at();
        for (name, param) in &self.op.parameters {
            let p_at = format!("{at}/parameters/{}", escape_token(name));
            self.param(name, param, &p_at);
        }
        self.field_facts(
            "Data",
            &self.op.response.data,
            &format!("{at}/response/data"),
        );
        self.sample(&format!("{at}/sample/body"));
    }

    fn param(&mut self, name: &str, param: &Param, p_at: &str) {
        if let Some(example) = &param.example
            && param.example_origin != Some(ExampleOrigin::Spec)
            && let Some(misfit) = Scalar::of_param(self.spec, param).check(example)
        {
            self.push(
                format!("{p_at}/example"),
                misfit.example_kind(),
                format!("the example of parameter {name} does not fit it: {misfit}"),
                misfit.inner_pos(),
            );
        }
        if let Some(stated) = &param.stated {
            self.stated(name, stated, p_at);
            if let (Some(keys), Some(Value::String(example))) = (&stated.prose_keys, &param.example)
            {
                self.prose_keys(name, keys, example, p_at);
            }
        }
    }

    /// Examples and statements of a response field and its children.
    fn field_facts(&mut self, name: &str, field: &Field, f_at: &str) {
        if let Some(example) = &field.example
            && field.example_origin != Some(ExampleOrigin::Spec)
            && let Some(misfit) = Scalar::of_field(self.spec, field).check(example)
        {
            self.push(
                format!("{f_at}/example"),
                misfit.example_kind(),
                format!("the response table's example of {name} does not fit it: {misfit}"),
                misfit.inner_pos(),
            );
        }
        if let Some(stated) = &field.stated {
            self.stated(name, stated, f_at);
        }
        for (child, f) in field.fields.iter().flatten() {
            self.field_facts(child, f, &format!("{f_at}/fields/{}", escape_token(child)));
        }
        if let Some(items) = &field.items {
            self.field_facts(name, items, &format!("{f_at}/items"));
        }
    }

    fn stated(&mut self, name: &str, stated: &Stated, at: &str) {
        if let Some(lists) = &stated.valid_values {
            let v_at = format!("{at}/stated/validValues");
            if !lists.is_empty() && lists.iter().all(|l| l.values.is_empty()) {
                self.push(
                    v_at.clone(),
                    Kind::ValidValuesEmpty,
                    format!(
                        "{name}: the page prints {} valid-value list{}, all empty; expected the values {name} accepts",
                        lists.len(),
                        if lists.len() == 1 { "" } else { "s" }
                    ),
                    None,
                );
            } else {
                for (i, list) in lists.iter().enumerate() {
                    if list.values.is_empty() {
                        self.push(
                            format!("{v_at}/{i}"),
                            Kind::ValidValuesEmpty,
                            format!("{name}: valid-value list {} is empty", i + 1),
                            None,
                        );
                    }
                }
                let mut conflicts = Vec::new();
                for (i, a) in lists.iter().enumerate() {
                    for b in &lists[i + 1..] {
                        let set = |l: &[String]| l.iter().cloned().collect::<BTreeSet<_>>();
                        if a.when == b.when
                            && !a.values.is_empty()
                            && !b.values.is_empty()
                            && set(&a.values) != set(&b.values)
                        {
                            conflicts.push(format!(
                                "[{}] against [{}]",
                                a.values.join(", "),
                                b.values.join(", ")
                            ));
                        }
                    }
                }
                if !conflicts.is_empty() {
                    self.push(
                        v_at,
                        Kind::ValidValuesConflict,
                        format!(
                            "{name}: the page's valid-value lists disagree: {}; expected one list",
                            conflicts.join("; ")
                        ),
                        None,
                    );
                }
            }
        }
        if let (Some(lists), Some(meta)) = (&stated.valid_values, &stated.metadata_enum) {
            let set = |l: &[String]| l.iter().cloned().collect::<BTreeSet<_>>();
            let differ: Vec<String> = lists
                .iter()
                .filter(|l| l.when.is_none() && !l.values.is_empty())
                .filter(|l| set(&l.values) != set(meta))
                .map(|l| format!("[{}]", l.values.join(", ")))
                .collect();
            if !differ.is_empty() {
                self.push(
                    format!("{at}/stated"),
                    Kind::SourcesDisagree,
                    format!(
                        "{name}: the page lists {}, Alibaba's metadata's enum [{}]; expected the same values",
                        differ.join(" and "),
                        meta.join(", ")
                    ),
                    None,
                );
            }
        }
        if let (Some(meta), Some(design)) = (&stated.metadata_range, &stated.design_range)
            && meta != design
        {
            self.push(
                format!("{at}/stated"),
                Kind::RangeSourcesDisagree,
                format!(
                    "{name}: Alibaba's metadata states {}..={}, the design notes {}..={}; expected one range",
                    meta.minimum, meta.maximum, design.minimum, design.maximum
                ),
                None,
            );
        }
    }

    fn prose_keys(&mut self, name: &str, prose: &[String], example: &str, at: &str) {
        let Ok(doc) = serde_json::from_str::<Value>(example) else {
            return; // the example's own finding covers it
        };
        let mut keys = HashSet::new();
        collect_keys(&doc, &mut keys);
        let missing: Vec<String> = prose
            .iter()
            .filter(|k| !keys.contains(k.as_str()))
            .map(|k| {
                let near = keys
                    .iter()
                    .filter(|c| c.eq_ignore_ascii_case(k) || edit_distance(c, k) <= 2)
                    .min();
                match near {
                    Some(c) => format!("`{k}` (the example has `{c}`)"),
                    None => format!("`{k}`"),
                }
            })
            .collect();
        if !missing.is_empty() {
            self.push(
                format!("{at}/stated/proseKeys"),
                Kind::ProseKeyMismatch,
                format!(
                    "{name}: the prose names keys the example does not use: {}; expected the prose to use the example's keys",
                    missing.join(", ")
                ),
                None,
            );
        }
    }

    fn sample(&mut self, b_at: &str) {
        let body = &self.op.sample.body;
        let parsed;
        let body = match body {
            Value::String(text) if text.trim_start().starts_with(['{', '[']) => {
                match serde_json::from_str::<Value>(text) {
                    Ok(v) => {
                        parsed = v;
                        &parsed
                    }
                    Err(_) => {
                        let misfit = json_misfit(text);
                        let inner = misfit.as_ref().and_then(|m| m.inner_pos());
                        let why = misfit.map(|m| m.to_string()).unwrap_or_default();
                        self.push(
                            b_at.to_owned(),
                            Kind::SampleNotJson,
                            format!("the sample response is not JSON: {why}"),
                            inner,
                        );
                        return;
                    }
                }
            }
            other => other,
        };
        let Value::Object(top) = body else {
            self.push(
                b_at.to_owned(),
                Kind::SampleType,
                format!(
                    "the sample response is {}; expected the success envelope (an object)",
                    describe_value(body)
                ),
                None,
            );
            return;
        };
        let envelope = &self.spec.envelope.success.fields;
        for key in top.keys() {
            if !envelope.contains_key(key) {
                self.push(
                    format!("{b_at}/{}", escape_token(key)),
                    Kind::SampleUnknownField,
                    format!(
                        "the sample has `{key}`, which the envelope does not declare; expected only {}",
                        envelope.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                    None,
                );
            }
        }
        let mut facts = Vec::new();
        for (name, field) in envelope {
            let field = if name == "Data" {
                &self.op.response.data
            } else {
                field
            };
            self.sample_value(
                name,
                field,
                top.get(name),
                &format!("{b_at}/{}", escape_token(name)),
                &mut facts,
            );
        }
        let data = top.get("Data");
        let failed = top.get("Success") == Some(&Value::Bool(false))
            || self.op.response.outcome.as_ref().is_some_and(|o| {
                data.and_then(|d| d.get(&o.field)) == Some(&Value::String(o.failure.clone()))
            });
        let outcome = if failed {
            Outcome::Failure
        } else {
            Outcome::Success
        };
        self.conditions(&facts, outcome, &format!("{b_at}/Data"));
    }

    /// Checks one sample value against its declaration, collecting the values whose
    /// declaration carries a condition.
    fn sample_value<'v>(
        &mut self,
        name: &str,
        field: &'v Field,
        value: Option<&'v Value>,
        at: &str,
        facts: &mut Vec<Fact<'v>>,
    ) {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            if field.null_when.is_none() {
                // Point at the object that lacks the field: an erratum must point at something.
                let parent = at.rsplit_once('/').map_or(at, |(p, _)| p);
                self.push(
                    parent.to_owned(),
                    Kind::SampleMissingField,
                    format!(
                        "the sample lacks {name}, which the page documents as always present; expected {}",
                        field.ty.as_str()
                    ),
                    None,
                );
            }
            return;
        };
        // An enum chosen by a parameter is judged per case in `conditions`, but a value outside
        // every case is wrong whatever the parameter.
        if let Some(misfit) = Scalar::of_field(self.spec, field).check(value) {
            self.push(
                at.to_owned(),
                misfit.sample_kind(),
                format!("the sample's {name} does not fit its declaration: {misfit}"),
                misfit.inner_pos(),
            );
            return;
        }
        // Only values that fit their declaration are held against the page's conditions, so a
        // wrong value is reported once.
        if field.null_when.is_some() || field.enum_by.is_some() {
            facts.push(Fact {
                name: name.to_owned(),
                field,
                value,
                pointer: at.to_owned(),
            });
        }
        match (field.ty, value) {
            (ValueType::Object, Value::Object(map)) => {
                let Some(fields) = &field.fields else { return };
                for key in map.keys() {
                    if !fields.contains_key(key) {
                        self.push(
                            format!("{at}/{}", escape_token(key)),
                            Kind::SampleUnknownField,
                            format!(
                                "the sample has {name}.{key}, which the page does not document; expected only {}",
                                fields.keys().cloned().collect::<Vec<_>>().join(", ")
                            ),
                            None,
                        );
                    }
                }
                for (child, f) in fields {
                    self.sample_value(
                        child,
                        f,
                        map.get(child),
                        &format!("{at}/{}", escape_token(child)),
                        facts,
                    );
                }
            }
            (ValueType::Array, Value::Array(items)) => {
                if let Some(item) = &field.items {
                    for (i, v) in items.iter().enumerate() {
                        self.sample_value(name, item, Some(v), &format!("{at}/{i}"), facts);
                    }
                }
            }
            _ => {}
        }
    }

    /// Holds the sample's conditional values against the page's conditions: nullability on
    /// the outcome, and nullability or enumerations chosen by a request parameter.
    fn conditions(&mut self, facts: &[Fact<'_>], outcome: Outcome, data_at: &str) {
        for fact in facts {
            if let Some(Condition::Outcome(c)) = &fact.field.null_when
                && c.outcome == outcome
            {
                self.push(
                    fact.pointer.clone(),
                    Kind::SampleNullViolated,
                    format!(
                        "{} is {} in a {} sample, but the page says it is null on {}; expected null",
                        fact.name,
                        describe_value(fact.value),
                        outcome_word(outcome),
                        outcome_word(outcome)
                    ),
                    None,
                );
            }
        }
        let mut params: Vec<&str> = Vec::new();
        for fact in facts {
            let p = match (&fact.field.null_when, &fact.field.enum_by) {
                (Some(Condition::Param(c)), _) => Some(c.param.as_str()),
                (_, Some(by)) => Some(by.param.as_str()),
                _ => None,
            };
            if let Some(p) = p
                && !params.contains(&p)
            {
                params.push(p);
            }
        }
        for param_name in params {
            let Some(param) = self.op.parameters.get(param_name) else {
                continue;
            };
            let candidates = Scalar::of_param(self.spec, param)
                .allowed
                .unwrap_or_default();
            let mut reasons = Vec::new();
            let fits = candidates.iter().any(|candidate| {
                let broken = self.violations(facts, param_name, candidate);
                let fits = broken.is_empty();
                if !fits {
                    reasons.push(format!("{param_name}={candidate}: {}", broken.join(", ")));
                }
                fits
            });
            if !fits && !candidates.is_empty() {
                self.push(
                    data_at.to_owned(),
                    Kind::SampleConditionContradiction,
                    format!(
                        "no value of {param_name} fits the sample ({}); expected a sample that one {param_name} value can produce",
                        reasons.join("; ")
                    ),
                    None,
                );
            }
        }
    }

    /// What in the sample contradicts the page if `param` had the value `candidate`.
    fn violations(&self, facts: &[Fact<'_>], param: &str, candidate: &str) -> Vec<String> {
        let mut broken = Vec::new();
        for fact in facts {
            if let Some(Condition::Param(c)) = &fact.field.null_when
                && c.param == param
                && c.values.iter().any(|v| v == candidate)
            {
                broken.push(format!("{} is filled but null for {candidate}", fact.name));
            }
            if let (Some(by), Value::String(s)) = (&fact.field.enum_by, fact.value)
                && by.param == param
                && let Some(enum_name) = by.cases.get(candidate)
                && !self
                    .spec
                    .enums
                    .get(enum_name)
                    .is_some_and(|e| e.values.contains_key(s))
            {
                broken.push(format!("{} \"{s}\" is not a {enum_name} value", fact.name));
            }
        }
        broken
    }
}

/// A fact the page and the metadata state differently, as a finding.
fn disagreement(d: &Disagreement) -> Finding {
    let show = |v: &Option<Value>| match v {
        None => "nothing".to_owned(),
        Some(v) => excerpt(v),
    };
    let message = match (&d.page, &d.metadata) {
        (Some(Value::String(p)), Some(Value::String(m)))
            if !p.is_empty()
                && !m.is_empty()
                && (p.chars().count() > 48 || m.chars().count() > 48) =>
        {
            let at = p
                .chars()
                .zip(m.chars())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| p.chars().count().min(m.chars().count()));
            let from = |s: &str| {
                let text: String = s.chars().skip(at.saturating_sub(8)).take(24).collect();
                format!("{text:?}")
            };
            format!(
                "the page states {}, Alibaba's metadata {}; they differ from character {}: the page has …{}…, the metadata …{}…; expected the sources to agree",
                excerpt(d.page.as_ref().unwrap_or(&Value::Null)),
                excerpt(d.metadata.as_ref().unwrap_or(&Value::Null)),
                at + 1,
                from(p),
                from(m)
            )
        }
        _ => format!(
            "the page states {}, Alibaba's metadata {}; expected the sources to agree",
            show(&d.page),
            show(&d.metadata)
        ),
    };
    Finding {
        operation: d.operation.clone(),
        pointer: d.pointer.clone(),
        kind: Kind::SourcesDisagree,
        message,
        inner: None,
    }
}

/// A value for a message: short ones whole, long ones cut.
fn excerpt(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= 48 {
        return text;
    }
    let head: String = text.chars().take(40).collect();
    format!("{head}… ({} characters)", text.chars().count())
}

/// A sample value whose declaration carries a condition.
struct Fact<'v> {
    name: String,
    field: &'v Field,
    value: &'v Value,
    pointer: String,
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Success => "success",
        Outcome::Failure => "failure",
    }
}

fn collect_keys<'v>(value: &'v Value, keys: &mut HashSet<&'v str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                keys.insert(k);
                collect_keys(v, keys);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}

/// How a finding stands against the recorded errata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It matches a recorded erratum.
    Known,
    /// No erratum records it: the lint fails.
    Unrecorded,
    /// An erratum that matches no finding: the lint fails.
    Stale,
}

/// One line of the lint's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The operation.
    pub operation: String,
    /// JSON pointer into the spec file.
    pub pointer: String,
    /// The kind of defect.
    pub kind: Kind,
    /// What is wrong.
    pub message: String,
    /// The matching erratum's ID, or null.
    pub erratum: Option<String>,
    /// How it stands.
    pub status: Status,
    /// For a defect inside an embedded JSON string: `line:column` inside that string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
}

/// The lint's verdict on a spec.
#[derive(Debug, Clone)]
pub struct Report {
    /// Findings and stale errata, sorted.
    pub entries: Vec<Entry>,
    /// Errata recorded by hand: absences and prose or wire disagreements, which no lint can
    /// see.
    pub absences: Vec<Erratum>,
    /// Hand-written entries the loader left out of the effective spec: listed, not failing.
    pub dropped: Vec<Dropped>,
}

impl Report {
    /// Runs the lint and holds the findings against the errata.
    pub fn of(loaded: &LoadedSpec) -> Self {
        let spec = &loaded.spec;
        let findings = lint(loaded);
        let key = |op: &str, ptr: &str, kind: Kind| (op.to_owned(), ptr.to_owned(), kind);
        let errata: Vec<(&Erratum, (String, String, Kind))> = spec
            .errata
            .iter()
            .filter(|e| !e.kind.is_recorded_by_hand())
            .map(|e| (e, key(&e.operation, &e.pointer, e.kind)))
            .collect();
        let mut matched = HashSet::new();
        let mut entries: Vec<Entry> = findings
            .into_iter()
            .map(|f| {
                let k = key(&f.operation, &f.pointer, f.kind);
                let erratum = errata
                    .iter()
                    .find(|(_, ek)| *ek == k)
                    .map(|(e, _)| e.id.clone());
                if let Some(id) = &erratum {
                    matched.insert(id.clone());
                }
                Entry {
                    status: if erratum.is_some() {
                        Status::Known
                    } else {
                        Status::Unrecorded
                    },
                    operation: f.operation,
                    pointer: f.pointer,
                    kind: f.kind,
                    message: f.message,
                    erratum,
                    position: f.inner.map(|p| p.to_string()),
                }
            })
            .collect();
        for (e, _) in &errata {
            if !matched.contains(&e.id) {
                entries.push(Entry {
                    operation: e.operation.clone(),
                    pointer: e.pointer.clone(),
                    kind: e.kind,
                    message: format!(
                        "erratum {} no longer matches any finding; remove it, or fix its pointer or kind",
                        e.id
                    ),
                    erratum: Some(e.id.clone()),
                    status: Status::Stale,
                    position: None,
                });
            }
        }
        entries.sort_by(|a, b| {
            (&a.operation, &a.pointer, a.kind).cmp(&(&b.operation, &b.pointer, b.kind))
        });
        let absences = spec
            .errata
            .iter()
            .filter(|e| e.kind.is_recorded_by_hand())
            .cloned()
            .collect();
        Report {
            entries,
            absences,
            dropped: loaded.dropped.clone(),
        }
    }

    /// True when every finding is a known erratum and no erratum is stale.
    pub fn is_clean(&self) -> bool {
        self.entries.iter().all(|e| e.status == Status::Known)
    }

    /// Counts of known, unrecorded and stale entries.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |s| self.entries.iter().filter(|e| e.status == s).count();
        (
            count(Status::Known),
            count(Status::Unrecorded),
            count(Status::Stale),
        )
    }

    /// The human-readable report: one line per entry, then a summary line. Each line names
    /// the file and line:column where the value is written (the hand-written spec or an
    /// imported layer).
    pub fn render_text(&self, loaded: &LoadedSpec) -> String {
        let mut out = String::new();
        for e in &self.entries {
            let label = match e.status {
                Status::Known => "known",
                Status::Unrecorded => "error",
                Status::Stale => "stale",
            };
            let id = e.erratum.as_deref().unwrap_or("-");
            let (file, pos) = loaded.locate(&e.pointer);
            let file = file.display();
            let inner = e
                .position
                .as_deref()
                .map(|p| format!(" (inside the string at {p})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{label} {id} {} {} {file}:{pos} {}{inner}: {}\n",
                e.operation, e.kind, e.pointer, e.message
            ));
        }
        for a in &self.absences {
            let (file, pos) = loaded.locate(&a.pointer);
            let label = if a.kind.as_str().starts_with("absent-") {
                "absent"
            } else {
                "by-hand"
            };
            out.push_str(&format!(
                "{label} {} {} {} {}:{pos} {}: {}\n",
                a.id,
                a.operation,
                a.kind,
                file.display(),
                a.pointer,
                a.problem
            ));
        }
        for d in &self.dropped {
            let pos = loaded.positions.nearest(&d.pointer);
            out.push_str(&format!(
                "dropped - {} {}:{pos} {}: {}\n",
                d.operation,
                loaded.file.display(),
                d.pointer,
                d.message
            ));
        }
        let (known, unrecorded, stale) = self.counts();
        out.push_str(&format!(
            "lint: {known} known errata, {unrecorded} unrecorded findings, {stale} stale errata, {} errata recorded by hand, {} dropped hand-written entries: {}\n",
            self.absences.len(),
            self.dropped.len(),
            if self.is_clean() { "clean" } else { "FAILED" }
        ));
        out
    }

    /// The machine-readable report.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.entries).expect("entries serialise")
    }
}
