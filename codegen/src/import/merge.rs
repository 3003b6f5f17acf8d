//! Merging imported layers under the hand-written spec: the effective spec.
//!
//! Both are JSON values in the spec's shape, so a fact has the same JSON pointer in the
//! hand-written file, in a layer and in the effective spec. The rules:
//!
//! - **The metadata decides what exists.** An imported operation has the parameters, response
//!   fields and error codes its layer lists, in the metadata's order. A hand-written entry for
//!   one the layer does not list is kept only when it declares itself in full (a `type`, or an
//!   error's `status` and `message`); otherwise it refines a fact the metadata no longer has,
//!   and is dropped from the effective spec and reported ([`Dropped`]).
//! - **Hand-written facts win, one key at a time.** The pages' English text, the pages' own
//!   statements, and decisions override what the layer says at the same place. Where the
//!   hand-written value differs from the metadata's and no `decision` on that entry explains
//!   why, the page and the metadata disagree ([`Disagreement`], a lint finding until an
//!   erratum records it). Prose (`description`, `summary`, `title`) is a translation, not a
//!   disagreement; `enum` and `jsonString` refine the metadata's `string`.
//! - **Imported values flow into the decisions the generator uses.** For imported operations,
//!   an enum parameter without a hand-written `accepts` accepts the metadata's enum (else the
//!   page's valid-value list) less its `excludes`; an integer without a hand-written `range`
//!   gets the metadata's; a text parameter the metadata enumerates becomes an enum; every
//!   value the metadata lists joins its shared enumeration; examples only the metadata gives
//!   are marked `exampleOrigin: metadata`; and an operation no page documents gets a null
//!   `lastUpdated`, its response from the metadata, and `dataStatus: state` until a decision
//!   says otherwise.
//! - The sample is the metadata's response demo with the page's `pageDiffers` applied, unless
//!   the hand-written file gives the page's `body` in full.
//! - Alibaba's metadata's own statements (`stated.metadataEnum`, `metadataRange`,
//!   `metadataDocRequired`) come from the layer only: a hand-written copy is refused.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::layer::ImportedFrom;
use super::provenance::{Provenance, Source};
use crate::position::escape_token;

/// Keys holding prose: the pages' English against the metadata's Chinese is a translation.
const PROSE: &[&str] = &["description", "summary", "title"];

/// How the hand-written facts of an operation no page documents came to be.
const PAGELESS: &str = "read from the metadata's prose; no page documents the operation";

/// `stated` keys that record what Alibaba's metadata states.
const METADATA_STATEMENTS: &[&str] = &["metadataEnum", "metadataRange", "metadataDocRequired"];

/// Which file a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The hand-written spec.
    Hand,
    /// The imported layer with this index in `imports`.
    Layer(usize),
}

/// Something that keeps the files from merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub origin: Origin,
    /// JSON pointer into that file.
    pub pointer: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// A fact the page (as the hand-written spec records it) and the metadata both state, with
/// different values.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// The operation.
    pub operation: String,
    /// JSON pointer into the effective spec.
    pub pointer: String,
    /// What the page states; `None` where the page's sample lacks the value.
    pub page: Option<Value>,
    /// What the metadata states; `None` where its demo lacks the value.
    pub metadata: Option<Value>,
}

/// A hand-written entry that refines a fact no imported layer has any more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The operation.
    pub operation: String,
    /// JSON pointer into the hand-written file.
    pub pointer: String,
    /// What was dropped, and why.
    pub message: String,
}

/// One imported layer, parsed.
#[derive(Debug, Clone, Copy)]
pub struct LayerInput<'a> {
    /// Its header.
    pub header: &'a ImportedFrom,
    /// The whole layer.
    pub value: &'a Value,
}

/// The effective spec and what the merge found.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// The effective spec as JSON, to be checked against the spec format.
    pub value: Value,
    /// Where each operation fact came from.
    pub provenance: Provenance,
    /// Facts the page and the metadata state differently.
    pub disagreements: Vec<Disagreement>,
    /// Hand-written entries left without a fact to refine.
    pub dropped: Vec<Dropped>,
    /// Why the files do not merge.
    pub problems: Vec<Problem>,
}

/// Merges `layers` under `hand` (the hand-written spec, `imports` and all).
pub fn merge(hand: &Value, layers: &[LayerInput<'_>]) -> Merged {
    let mut cx = Cx::default();
    let mut effective = hand.clone();
    let Some(root) = effective.as_object_mut() else {
        // Not an object: the format check reports it.
        return Merged {
            value: effective,
            ..Merged::default()
        };
    };
    root.remove("imports");
    for (i, layer) in layers.iter().enumerate() {
        for (key, stated, spec) in [
            ("product", &layer.header.product, hand.get("product")),
            (
                "apiVersion",
                &layer.header.api_version,
                hand.get("apiVersion"),
            ),
        ] {
            if spec.and_then(Value::as_str) != Some(stated.as_str()) {
                cx.problem(
                    Origin::Layer(i),
                    format!("/importedFrom/{key}"),
                    format!(
                        "the metadata describes {key} `{stated}`, the spec {}; expected the same",
                        spec.map_or("none".to_owned(), |s| s.to_string())
                    ),
                );
            }
        }
    }
    let mut imported: IndexMap<&str, (usize, &Map<String, Value>)> = IndexMap::new();
    for (i, layer) in layers.iter().enumerate() {
        let Some(ops) = layer.value.get("operations").and_then(Value::as_object) else {
            cx.problem(
                Origin::Layer(i),
                "/operations".into(),
                "a layer's `operations` must be an object".into(),
            );
            continue;
        };
        for (name, op) in ops {
            let at = format!("/operations/{}", escape_token(name));
            match op.as_object() {
                None => cx.problem(
                    Origin::Layer(i),
                    at,
                    "an operation must be an object".into(),
                ),
                Some(_) if imported.contains_key(name.as_str()) => cx.problem(
                    Origin::Layer(i),
                    at,
                    format!("`{name}` is imported by two layers; expected one"),
                ),
                Some(op) => {
                    imported.insert(name, (i, op));
                }
            }
        }
    }
    let empty = Map::new();
    let hand_ops = hand
        .get("operations")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut ops = Map::new();
    for (name, op) in hand_ops {
        let merged = match op.as_object() {
            Some(h) => cx.operation(name, Some(h), imported.get(name.as_str()).copied()),
            // Not an object: the format check reports it.
            None => op.clone(),
        };
        ops.insert(name.clone(), merged);
    }
    for (name, layer_op) in &imported {
        if !hand_ops.contains_key(*name) {
            ops.insert(
                (*name).to_owned(),
                cx.operation(name, None, Some(*layer_op)),
            );
        }
    }
    if hand.get("operations").is_some() || !imported.is_empty() {
        root.insert("operations".into(), Value::Object(ops));
    }
    cx.enum_values(root);
    Merged {
        value: effective,
        provenance: cx.provenance,
        disagreements: cx.disagreements,
        dropped: cx.dropped,
        problems: cx.problems,
    }
}

#[derive(Default)]
struct Cx {
    provenance: Provenance,
    disagreements: Vec<Disagreement>,
    dropped: Vec<Dropped>,
    problems: Vec<Problem>,
    /// The operation being merged.
    operation: String,
    /// Its layer, when it is imported.
    layer: Option<usize>,
    /// Whether no page documents it (`"page": false`).
    pageless: bool,
    /// (enumeration, values the metadata lists, where) for every enum fact the metadata states.
    listed: Vec<(String, Vec<String>, String)>,
}

type Object = Map<String, Value>;

/// The keys of both objects: the layer's in its order, then the hand-written file's others.
fn keys<'a>(hand: Option<&'a Object>, layer: Option<&'a Object>) -> Vec<&'a String> {
    let mut out: Vec<&String> = layer.into_iter().flat_map(Map::keys).collect();
    for k in hand.into_iter().flat_map(Map::keys) {
        if !layer.is_some_and(|l| l.contains_key(k)) {
            out.push(k);
        }
    }
    out
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect()
}

impl Cx {
    fn problem(&mut self, origin: Origin, pointer: String, message: String) {
        self.problems.push(Problem {
            origin,
            pointer,
            message,
        });
    }

    fn metadata(&self) -> Source {
        Source::Metadata { layer: self.layer }
    }

    fn disagree(&mut self, pointer: String, page: Option<&Value>, metadata: Option<&Value>) {
        self.disagreements.push(Disagreement {
            operation: self.operation.clone(),
            pointer,
            page: page.cloned(),
            metadata: metadata.cloned(),
        });
    }

    fn drop_entry(&mut self, pointer: String, message: String) {
        self.dropped.push(Dropped {
            operation: self.operation.clone(),
            pointer,
            message,
        });
    }

    fn operation(
        &mut self,
        name: &str,
        hand: Option<&Object>,
        layer: Option<(usize, &Object)>,
    ) -> Value {
        self.operation = name.to_owned();
        self.layer = layer.map(|(i, _)| i);
        self.pageless = hand.and_then(|h| h.get("page")) == Some(&Value::Bool(false));
        let layer = layer.map(|(_, l)| l);
        let at = format!("/operations/{}", escape_token(name));
        let mut out = Map::new();
        for key in keys(hand, layer) {
            let h = hand.and_then(|h| h.get(key));
            let l = layer.and_then(|l| l.get(key));
            let k_at = format!("{at}/{key}");
            let merged = match key.as_str() {
                "parameters" => self.named(h, l, &k_at),
                "response" => self.node(h, l, &k_at),
                "errors" => self.errors(h, l, &k_at),
                "sample" => self.sample(h, l, &k_at),
                _ => self.leaf(key, h, l, &k_at, None, None),
            };
            out.insert(key.clone(), merged);
        }
        if self.layer.is_some() {
            self.defaults(&mut out, &at);
            self.derive_parameters(&mut out, &at);
            if let Some(data) = out
                .get_mut("response")
                .and_then(|r| r.get_mut("data"))
                .and_then(Value::as_object_mut)
            {
                self.derive_field(data, &format!("{at}/response/data"));
            }
        }
        Value::Object(out)
    }

    /// What an operation no page documents gets until the hand-written spec says more.
    fn defaults(&mut self, op: &mut Object, at: &str) {
        if !op.contains_key("lastUpdated") {
            op.insert("lastUpdated".into(), Value::Null);
            self.provenance.record(
                format!("{at}/lastUpdated"),
                Source::Derived {
                    rule: "no page gives a date".into(),
                },
            );
        }
        if let Some(response) = op.get_mut("response").and_then(Value::as_object_mut) {
            for (key, value, rule) in [
                (
                    "source",
                    "metadata",
                    "no page tables the response: the metadata's schema",
                ),
                (
                    "dataStatus",
                    "state",
                    "until a decision says Data.Status reports the outcome, any value is an answer",
                ),
            ] {
                if !response.contains_key(key) {
                    response.insert(key.into(), Value::String(value.into()));
                    self.provenance.record(
                        format!("{at}/response/{key}"),
                        Source::Derived { rule: rule.into() },
                    );
                }
            }
        }
    }

    /// The source of a hand-written key of an entry whose decision (if any) is at `decision`.
    fn hand_source(&self, key: &str, at: &str, decision: Option<&str>) -> Source {
        match (key, decision) {
            ("decision", _) => Source::Decision {
                reason: at.to_owned(),
            },
            // A role is read off what the entry's description says it is (the workspace, the
            // process ID, …): the description is its reason.
            ("role", _) => Source::Decision {
                reason: format!("{}/description", at.strip_suffix("/role").unwrap_or(at)),
            },
            (k, Some(reason)) if !PROSE.contains(&k) => Source::Decision {
                reason: reason.to_owned(),
            },
            _ => self.page(),
        }
    }

    /// What the hand-written spec states as a page prints it; for an operation no page
    /// documents (`"page": false`), what it reads from the metadata's prose.
    fn page(&self) -> Source {
        if self.pageless {
            Source::Derived {
                rule: PAGELESS.into(),
            }
        } else {
            Source::Page
        }
    }

    /// One key of an entry: the hand-written value wins; a different metadata value is a
    /// disagreement unless the entry has a decision.
    fn leaf(
        &mut self,
        key: &str,
        hand: Option<&Value>,
        layer: Option<&Value>,
        at: &str,
        decision: Option<&str>,
        entry: Option<(&Object, &Object)>,
    ) -> Value {
        match (hand, layer) {
            (Some(h), Some(l)) => {
                self.provenance
                    .record(at.to_owned(), self.hand_source(key, at, decision));
                if !PROSE.contains(&key) && decision.is_none() && !agree(key, h, l, entry) {
                    self.disagree(at.to_owned(), Some(h), Some(l));
                }
                h.clone()
            }
            (Some(h), None) => {
                self.provenance
                    .record(at.to_owned(), self.hand_source(key, at, decision));
                h.clone()
            }
            (None, Some(l)) => {
                self.provenance.record(at.to_owned(), self.metadata());
                l.clone()
            }
            (None, None) => Value::Null,
        }
    }

    /// Parameters or fields by name: the layer's in its order, then hand-written ones that
    /// declare themselves in full.
    fn named(&mut self, hand: Option<&Value>, layer: Option<&Value>, at: &str) -> Value {
        let (h, l) = (
            hand.and_then(Value::as_object),
            layer.and_then(Value::as_object),
        );
        if (hand.is_some() && h.is_none()) || (layer.is_some() && l.is_none()) {
            // Not objects: the format check reports them.
            return hand.or(layer).cloned().unwrap_or(Value::Null);
        }
        let mut out = Map::new();
        for name in keys(h, l) {
            let n_at = format!("{at}/{}", escape_token(name));
            let (hn, ln) = (h.and_then(|h| h.get(name)), l.and_then(|l| l.get(name)));
            if ln.is_none() && self.layer.is_some() && hn.is_some_and(|n| n.get("type").is_none()) {
                self.drop_entry(
                    n_at,
                    format!(
                        "`{name}` refines a fact Alibaba's metadata does not state (it gives no `type` of its own), so it is not in the effective spec; remove it, or declare it in full"
                    ),
                );
                continue;
            }
            if let Some(message) = stale_refinement(name, hn, ln) {
                // The page's refinement no longer fits the metadata's type: the metadata's
                // entry stands alone until the hand-written one is rewritten or decided.
                self.drop_entry(n_at.clone(), message);
                out.insert(name.clone(), self.node(None, ln, &n_at));
                continue;
            }
            out.insert(name.clone(), self.node(hn, ln, &n_at));
        }
        Value::Object(out)
    }

    /// An entry (parameter, field, response, error code): key by key.
    fn node(&mut self, hand: Option<&Value>, layer: Option<&Value>, at: &str) -> Value {
        let (h, l) = (
            hand.and_then(Value::as_object),
            layer.and_then(Value::as_object),
        );
        if (hand.is_some() && h.is_none()) || (layer.is_some() && l.is_none()) {
            return hand.or(layer).cloned().unwrap_or(Value::Null);
        }
        let decision = h
            .filter(|h| h.contains_key("decision"))
            .map(|_| format!("{at}/decision"));
        let mut out = Map::new();
        for key in keys(h, l) {
            let k_at = format!("{at}/{key}");
            let (hv, lv) = (h.and_then(|h| h.get(key)), l.and_then(|l| l.get(key)));
            let merged = match key.as_str() {
                "fields" => self.named(hv, lv, &k_at),
                "items" | "data" => self.node(hv, lv, &k_at),
                "stated" => self.stated(hv, lv, &k_at),
                _ => self.leaf(key, hv, lv, &k_at, decision.as_deref(), h.zip(l)),
            };
            out.insert(key.clone(), merged);
        }
        Value::Object(out)
    }

    /// What the sources literally state: the pages' and design notes' (hand-written) beside the
    /// metadata's (from the layer only, where the operation is imported).
    fn stated(&mut self, hand: Option<&Value>, layer: Option<&Value>, at: &str) -> Value {
        let (h, l) = (
            hand.and_then(Value::as_object),
            layer.and_then(Value::as_object),
        );
        if (hand.is_some() && h.is_none()) || (layer.is_some() && l.is_none()) {
            return hand.or(layer).cloned().unwrap_or(Value::Null);
        }
        let mut out = Map::new();
        for key in keys(h, l) {
            let k_at = format!("{at}/{key}");
            let metadata_key = METADATA_STATEMENTS.contains(&key.as_str());
            let (hv, lv) = (h.and_then(|h| h.get(key)), l.and_then(|l| l.get(key)));
            if let Some(hv) = hv {
                if metadata_key && self.layer.is_some() {
                    self.problem(
                        Origin::Hand,
                        k_at,
                        format!(
                            "`{key}` records what Alibaba's metadata states, which comes from the imported layer; remove it here"
                        ),
                    );
                    continue;
                }
                let source = match key.as_str() {
                    "designRange" => Source::DesignNotes,
                    _ if metadata_key => self.metadata(),
                    _ => self.page(),
                };
                self.provenance.record(k_at, source);
                out.insert(key.clone(), hv.clone());
            } else if let Some(lv) = lv {
                self.provenance.record(k_at, self.metadata());
                out.insert(key.clone(), lv.clone());
            }
        }
        Value::Object(out)
    }

    /// Error codes by code: the layer's in its order, then hand-written ones in full.
    fn errors(&mut self, hand: Option<&Value>, layer: Option<&Value>, at: &str) -> Value {
        let (h, l) = (
            hand.and_then(Value::as_array),
            layer.and_then(Value::as_array),
        );
        if (hand.is_some() && h.is_none()) || (layer.is_some() && l.is_none()) {
            return hand.or(layer).cloned().unwrap_or(Value::Null);
        }
        let code = |e: &Value| e.get("code").and_then(Value::as_str).map(str::to_owned);
        let mut out = Vec::new();
        for le in l.into_iter().flatten() {
            let he = h
                .into_iter()
                .flatten()
                .find(|he| code(he).is_some() && code(he) == code(le));
            let e_at = format!("{at}/{}", out.len());
            out.push(self.node(he, Some(le), &e_at));
            // The code is how the hand-written entry finds the metadata's: the metadata's.
            self.provenance
                .record(format!("{e_at}/code"), self.metadata());
        }
        for (i, he) in h.into_iter().flatten().enumerate() {
            if l.into_iter()
                .flatten()
                .any(|le| code(le).is_some() && code(le) == code(he))
            {
                continue;
            }
            let complete = he.get("status").is_some() && he.get("message").is_some();
            if self.layer.is_some() && !complete {
                self.drop_entry(
                    format!("{at}/{i}"),
                    format!(
                        "error code `{}` refines a code Alibaba's metadata does not list (it gives no `status` and `message` of its own), so it is not in the effective spec; remove it, or declare it in full",
                        code(he).unwrap_or_default()
                    ),
                );
                continue;
            }
            let e_at = format!("{at}/{}", out.len());
            out.push(self.node(Some(he), None, &e_at));
        }
        Value::Array(out)
    }

    /// The sample: the page's in full, or the metadata's demo with the page's differences.
    fn sample(&mut self, hand: Option<&Value>, layer: Option<&Value>, at: &str) -> Value {
        let (h, l) = match (
            hand.and_then(Value::as_object),
            layer.and_then(Value::as_object),
        ) {
            (Some(h), Some(l)) => (h, l),
            _ => return self.node(hand, layer, at),
        };
        let mut out = Map::new();
        let title = self.leaf(
            "title",
            h.get("title"),
            l.get("title"),
            &format!("{at}/title"),
            None,
            None,
        );
        out.insert("title".into(), title);
        let b_at = format!("{at}/body");
        let layer_body = l.get("body").cloned().unwrap_or(Value::Null);
        if let Some(body) = h.get("body") {
            self.provenance.record(b_at.clone(), self.page());
            self.compare_bodies(Some(body), Some(&layer_body), &b_at);
            out.insert("body".into(), body.clone());
        } else {
            self.provenance.record(b_at.clone(), self.metadata());
            let mut body = layer_body.clone();
            let mut kept = Map::new();
            let diffs = h.get("pageDiffers").and_then(Value::as_object);
            for (pointer, value) in diffs.into_iter().flatten() {
                let d_at = format!("{at}/pageDiffers/{}", escape_token(pointer));
                if !pointer.starts_with('/') {
                    self.problem(
                        Origin::Hand,
                        d_at,
                        format!("`{pointer}` is not a JSON pointer into the body; expected one starting with `/`"),
                    );
                    continue;
                }
                if !set_pointer(&mut body, pointer, value.clone()) {
                    self.drop_entry(
                        d_at,
                        format!(
                            "the page's sample differs at `{pointer}`, which the metadata's demo no longer has, so the difference is not in the effective spec; remove it"
                        ),
                    );
                    continue;
                }
                let p_at = format!("{b_at}{pointer}");
                self.provenance.record(p_at.clone(), self.page());
                let metadata = layer_body.pointer(pointer);
                if metadata != Some(value) {
                    self.disagree(p_at, Some(value), metadata);
                }
                kept.insert(pointer.clone(), value.clone());
            }
            out.insert("body".into(), body);
            if !kept.is_empty() {
                self.provenance
                    .record(format!("{at}/pageDiffers"), self.page());
                out.insert("pageDiffers".into(), Value::Object(kept));
            }
        }
        for (key, value) in h {
            if !matches!(key.as_str(), "title" | "body" | "pageDiffers") {
                // Unknown keys go through for the format check to report.
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// A full page sample against the metadata's demo, value by value.
    fn compare_bodies(&mut self, page: Option<&Value>, metadata: Option<&Value>, at: &str) {
        match (page, metadata) {
            (Some(Value::Object(p)), Some(Value::Object(m))) => {
                for key in keys(Some(p), Some(m)) {
                    let k_at = format!("{at}/{}", escape_token(key));
                    self.compare_bodies(p.get(key), m.get(key), &k_at);
                }
            }
            (Some(Value::Array(p)), Some(Value::Array(m))) => {
                for i in 0..p.len().max(m.len()) {
                    self.compare_bodies(p.get(i), m.get(i), &format!("{at}/{i}"));
                }
            }
            (p, m) if p != m => self.disagree(at.to_owned(), p, m),
            _ => {}
        }
    }

    /// Parameters of an imported operation: enum types, accepted values, ranges and example
    /// origins that follow from the metadata's statements.
    fn derive_parameters(&mut self, op: &mut Object, at: &str) {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, p) in params.iter_mut() {
            let Some(p) = p.as_object_mut() else { continue };
            let p_at = format!("{at}/parameters/{}", escape_token(name));
            self.example_origin(p, &p_at);
            let stated = p.get("stated").cloned().unwrap_or(Value::Null);
            let metadata_enum = strings(stated.get("metadataEnum"));
            let ty = p
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if ty == "string"
                && let Some(values) = &metadata_enum
                && matches!(
                    self.provenance.at(&format!("{p_at}/type")),
                    Some(Source::Metadata { .. })
                )
            {
                let enum_name = p
                    .get("enum")
                    .and_then(Value::as_str)
                    .unwrap_or(name)
                    .to_owned();
                p.insert("type".into(), Value::String("enum".into()));
                p.insert("enum".into(), Value::String(enum_name.clone()));
                let rule = Source::Derived {
                    rule: "the metadata enumerates the values (stated.metadataEnum)".into(),
                };
                self.provenance.record(format!("{p_at}/type"), rule.clone());
                self.provenance.record(format!("{p_at}/enum"), rule);
                self.listed.push((enum_name, values.clone(), p_at.clone()));
            } else if ty == "enum"
                && let (Some(values), Some(enum_name)) =
                    (&metadata_enum, p.get("enum").and_then(Value::as_str))
            {
                self.listed
                    .push((enum_name.to_owned(), values.clone(), p_at.clone()));
            }
            let ty = p
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let excludes = strings(p.get("excludes"));
            if p.contains_key("accepts") {
                if excludes.is_some() {
                    self.problem(
                        Origin::Hand,
                        format!("{p_at}/excludes"),
                        "give `accepts` (every accepted value) or `excludes` (values refused from the sources' list), not both".into(),
                    );
                }
            } else if ty == "enum" {
                let page_list = page_list(&stated);
                let base = match (&metadata_enum, page_list) {
                    (Some(values), _) => Some((values.clone(), "the metadata's enum")),
                    (None, Some(values)) => Some((values, "the page's valid-value list")),
                    (None, None) => None,
                };
                match base {
                    Some((values, from)) => {
                        let refused = excludes.clone().unwrap_or_default();
                        let accepts: Vec<Value> = values
                            .into_iter()
                            .filter(|v| !refused.contains(v))
                            .map(Value::String)
                            .collect();
                        p.insert("accepts".into(), Value::Array(accepts));
                        let rule = if refused.is_empty() {
                            from.to_owned()
                        } else {
                            format!("{from} less `excludes` ({})", refused.join(", "))
                        };
                        self.provenance
                            .record(format!("{p_at}/accepts"), Source::Derived { rule });
                    }
                    None if excludes.is_some() => self.problem(
                        Origin::Hand,
                        format!("{p_at}/excludes"),
                        "`excludes` needs a list to refuse values from: the metadata's enum or one valid-value list of the page".into(),
                    ),
                    None => {}
                }
            }
            if ty == "int64" && !p.contains_key("range") {
                for (key, from) in [
                    ("metadataRange", "the metadata's range"),
                    ("designRange", "the design notes' range"),
                ] {
                    if let Some(range) = stated.get(key) {
                        p.insert("range".into(), range.clone());
                        self.provenance.record(
                            format!("{p_at}/range"),
                            Source::Derived { rule: from.into() },
                        );
                        break;
                    }
                }
            }
        }
    }

    /// Response fields of an imported operation: example origins, and enum values the metadata
    /// lists for a field whose enumeration the hand-written spec names.
    fn derive_field(&mut self, field: &mut Object, at: &str) {
        self.example_origin(field, at);
        if let (Some(values), Some(enum_name)) = (
            strings(field.get("stated").and_then(|s| s.get("metadataEnum"))),
            field.get("enum").and_then(Value::as_str),
        ) {
            self.listed
                .push((enum_name.to_owned(), values, at.to_owned()));
        }
        if let Some(fields) = field.get_mut("fields").and_then(Value::as_object_mut) {
            for (name, f) in fields.iter_mut() {
                if let Some(f) = f.as_object_mut() {
                    self.derive_field(f, &format!("{at}/fields/{}", escape_token(name)));
                }
            }
        }
        if let Some(items) = field.get_mut("items").and_then(Value::as_object_mut) {
            self.derive_field(items, &format!("{at}/items"));
        }
    }

    /// An example only the metadata gives is the metadata's: its defects are findings.
    fn example_origin(&mut self, entry: &mut Object, at: &str) {
        if entry.contains_key("example")
            && !entry.contains_key("exampleOrigin")
            && matches!(
                self.provenance.at(&format!("{at}/example")),
                Some(Source::Metadata { .. })
            )
        {
            entry.insert("exampleOrigin".into(), Value::String("metadata".into()));
            self.provenance.record(
                format!("{at}/exampleOrigin"),
                Source::Derived {
                    rule: "the example is the metadata's".into(),
                },
            );
        }
    }

    /// Adds every value the metadata lists to its shared enumeration.
    fn enum_values(&mut self, root: &mut Object) {
        let listed = std::mem::take(&mut self.listed);
        if listed.is_empty() {
            return;
        }
        let enums = root
            .entry("enums")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(enums) = enums.as_object_mut() else {
            return;
        };
        for (name, values, from) in listed {
            let def = enums.entry(name.clone()).or_insert_with(|| {
                self.provenance.record(
                    format!("/enums/{}", escape_token(&name)),
                    Source::Derived {
                        rule: format!("the metadata enumerates {from}"),
                    },
                );
                serde_json::json!({
                    "description": format!("The values Alibaba's metadata lists for {from}."),
                    "values": {}
                })
            });
            let Some(known) = def.get_mut("values").and_then(Value::as_object_mut) else {
                continue;
            };
            for value in values {
                if known.contains_key(&value) {
                    continue;
                }
                self.provenance.record(
                    format!(
                        "/enums/{}/values/{}",
                        escape_token(&name),
                        escape_token(&value)
                    ),
                    Source::Derived {
                        rule: format!("the metadata lists it at {from}"),
                    },
                );
                known.insert(
                    value,
                    serde_json::json!({
                        "description": format!("Listed by Alibaba's metadata at {from}; no page describes it.")
                    }),
                );
            }
        }
    }
}

/// The page's valid values when it prints them unconditionally and all its lists agree.
fn page_list(stated: &Value) -> Option<Vec<String>> {
    let lists = stated.get("validValues")?.as_array()?;
    let mut found: Option<Vec<String>> = None;
    for list in lists {
        if list.get("when").is_some() {
            return None;
        }
        let values = strings(list.get("values"))?;
        if values.is_empty() {
            continue;
        }
        match &found {
            None => found = Some(values),
            Some(first) => {
                let mut a = first.clone();
                let mut b = values.clone();
                a.sort();
                b.sort();
                if a != b {
                    return None;
                }
            }
        }
    }
    found
}

/// Why a hand-written entry that refines the metadata's `string` (as an `enum` or a
/// `jsonString`) no longer applies: the metadata now gives the entry another type, and no
/// `decision` on the entry keeps the page's. `None` when it still applies.
fn stale_refinement(name: &str, hand: Option<&Value>, layer: Option<&Value>) -> Option<String> {
    let (hand, layer) = (hand?.as_object()?, layer?.as_object()?);
    let refined = hand.get("type")?.as_str()?;
    let now = layer.get("type")?.as_str()?;
    let refines_text = matches!(refined, "enum" | "jsonString");
    (refines_text && now != "string" && !hand.contains_key("decision")).then(|| {
        format!(
            "`{name}` refines Alibaba's metadata's `string` as `{refined}`, but the metadata now gives `{now}`, so it is not in the effective spec; remove it, or rewrite it for `{now}` (a `decision` keeps the page's type)"
        )
    })
}

/// Whether a hand-written value says what the metadata's says. `entry` holds both entries,
/// for what the comparison depends on (a JSON document compares as JSON).
fn agree(key: &str, hand: &Value, layer: &Value, entry: Option<(&Object, &Object)>) -> bool {
    if hand == layer {
        return true;
    }
    match key {
        // enum and jsonString are what the page and the spec make of the metadata's string.
        "type" => layer == "string" && (hand == "enum" || hand == "jsonString"),
        "example" => {
            let document = entry.is_some_and(|(h, _)| h.get("type") == Some(&"jsonString".into()));
            match (document, hand.as_str(), layer.as_str()) {
                (true, Some(h), Some(l)) => {
                    match (
                        serde_json::from_str::<Value>(h),
                        serde_json::from_str::<Value>(l),
                    ) {
                        (Ok(h), Ok(l)) => h == l,
                        _ => false,
                    }
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Sets the value at `pointer` inside `root`, whose parent must exist (an object gains the
/// member; an array's existing item is replaced). False when there is no such place.
fn set_pointer(root: &mut Value, pointer: &str, value: Value) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let token = last.replace("~1", "/").replace("~0", "~");
    match root.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(token, value);
            true
        }
        Some(Value::Array(items)) => match token.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items[i] = value;
                true
            }
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn header() -> ImportedFrom {
        ImportedFrom {
            file: "m.json".into(),
            sha256: String::new(),
            style: "RPC".into(),
            product: "p".into(),
            api_version: "v".into(),
            operations: vec!["Op".into()],
            not_imported: Vec::new(),
        }
    }

    fn run(hand: Value, layer: Value) -> Merged {
        let h = header();
        let layer = json!({ "importedFrom": {}, "operations": { "Op": layer } });
        merge(
            &hand,
            &[LayerInput {
                header: &h,
                value: &layer,
            }],
        )
    }

    fn hand(op: Value) -> Value {
        json!({ "product": "p", "apiVersion": "v", "imports": ["l.json"],
                "enums": { "Kind": { "description": "k", "values": { "A": { "description": "a" } } } },
                "operations": { "Op": op } })
    }

    fn layer() -> Value {
        json!({
            "summary": "概要",
            "methods": ["POST"],
            "parameters": {
                "Id": { "description": "编号", "type": "int64", "required": true,
                        "stated": { "metadataRange": { "minimum": 0, "maximum": 9 } }, "example": 1 },
                "Kind": { "description": "种类", "type": "string", "required": true,
                          "stated": { "metadataEnum": ["A", "B", "C"] }, "example": "A" }
            },
            "response": { "data": { "description": "数据", "type": "object", "fields": {
                "Name": { "description": "名称", "type": "string", "example": "n" },
                "Gone": { "description": "旧", "type": "string" }
            } } },
            "errors": [{ "status": 400, "code": "E.Bad", "message": "Bad." }],
            "sample": { "title": "demo", "body": { "Data": { "Name": "n", "List": [1, 2] } } }
        })
    }

    #[test]
    fn hand_written_facts_win_and_imported_ones_flow_into_decisions() {
        let m = run(
            hand(json!({
                "summary": "Gets.",
                "parameters": {
                    "Id": { "description": "The id.", "range": { "minimum": 1, "maximum": 9 },
                            "decision": "0 names nothing." },
                    "Kind": { "description": "The kind.", "enum": "Kind", "type": "enum",
                              "excludes": ["C"], "decision": "C is batch only." }
                },
                "response": { "dataStatus": "state", "data": { "fields": {
                    "Name": { "description": "The name." }
                } } },
                "errors": [{ "code": "E.Bad", "description": "Bad value." }],
                "sample": { "title": "Sample", "pageDiffers": { "/Data/List/1": 3 } }
            })),
            layer(),
        );
        assert_eq!(m.problems, Vec::new());
        let op = &m.value["operations"]["Op"];
        assert!(m.value.get("imports").is_none());
        assert_eq!(op["summary"], "Gets.");
        assert_eq!(op["methods"], json!(["POST"]));
        assert_eq!(op["lastUpdated"], Value::Null);
        assert_eq!(
            op["parameters"]["Id"]["range"],
            json!({ "minimum": 1, "maximum": 9 })
        );
        assert_eq!(op["parameters"]["Id"]["required"], true);
        assert_eq!(op["parameters"]["Id"]["exampleOrigin"], "metadata");
        assert_eq!(op["parameters"]["Kind"]["accepts"], json!(["A", "B"]));
        assert_eq!(
            m.value["enums"]["Kind"]["values"]
                .as_object()
                .map(|v| v.keys().cloned().collect::<Vec<_>>()),
            Some(vec!["A".to_owned(), "B".to_owned(), "C".to_owned()])
        );
        assert_eq!(op["response"]["source"], "metadata");
        assert_eq!(
            op["response"]["data"]["fields"]["Name"]["description"],
            "The name."
        );
        assert_eq!(op["response"]["data"]["fields"]["Name"]["type"], "string");
        assert_eq!(op["errors"][0]["description"], "Bad value.");
        assert_eq!(op["errors"][0]["message"], "Bad.");
        assert_eq!(op["sample"]["title"], "Sample");
        assert_eq!(op["sample"]["body"]["Data"]["List"], json!([1, 3]));
        // The sample's difference is the one disagreement; the range is a decision.
        assert_eq!(m.disagreements.len(), 1, "{:#?}", m.disagreements);
        assert_eq!(
            m.disagreements[0].pointer,
            "/operations/Op/sample/body/Data/List/1"
        );
        let p = &m.provenance;
        assert_eq!(
            p.of("/operations/Op/parameters/Id/required")
                .map(Source::kind),
            Some("metadata")
        );
        assert_eq!(
            p.of("/operations/Op/parameters/Id/range").map(Source::kind),
            Some("decision")
        );
        assert_eq!(
            p.of("/operations/Op/parameters/Kind/accepts")
                .map(Source::kind),
            Some("derived")
        );
        assert_eq!(
            p.of("/operations/Op/parameters/Kind/description")
                .map(Source::kind),
            Some("page")
        );
        assert_eq!(
            p.of("/operations/Op/sample/body/Data/List/1")
                .map(Source::kind),
            Some("page")
        );
        assert_eq!(
            p.of("/operations/Op/sample/body/Data/List/0")
                .map(Source::kind),
            Some("metadata")
        );
    }

    #[test]
    fn an_operation_no_page_documents_reads_its_hand_written_facts_from_the_metadata() {
        let m = run(
            hand(json!({
                "page": false,
                "summary": "Gets.",
                "parameters": {
                    "Kind": { "description": "The kind.", "type": "enum", "enum": "Kind" },
                    "Id": { "description": "The id.", "range": { "minimum": 1, "maximum": 9 },
                            "decision": "0 names nothing." }
                }
            })),
            layer(),
        );
        assert_eq!(m.problems, Vec::new());
        let p = &m.provenance;
        for at in [
            "/operations/Op/summary",
            "/operations/Op/parameters/Kind/description",
            "/operations/Op/parameters/Kind/type",
        ] {
            assert_eq!(
                p.of(at).map(ToString::to_string).as_deref(),
                Some("derived: read from the metadata's prose; no page documents the operation"),
                "{at}"
            );
        }
        assert_eq!(
            p.of("/operations/Op/parameters/Id/range").map(Source::kind),
            Some("decision")
        );
    }

    #[test]
    fn the_page_against_the_metadata_is_a_disagreement_unless_decided() {
        let m = run(
            hand(json!({ "parameters": {
                "Id": { "required": false },
                "Kind": { "type": "enum", "enum": "Kind", "example": "B" }
            } })),
            layer(),
        );
        let at: Vec<&str> = m.disagreements.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            at,
            vec![
                "/operations/Op/parameters/Id/required",
                "/operations/Op/parameters/Kind/example"
            ]
        );
    }

    #[test]
    fn refinements_of_facts_the_metadata_dropped_are_reported_not_kept() {
        let m = run(
            hand(json!({
                "parameters": { "Old": { "description": "Gone." },
                                "Own": { "description": "Mine.", "type": "string", "required": false,
                                         "decision": "The page documents it." } },
                "response": { "data": { "fields": { "Lost": { "description": "Lost." } } } },
                "errors": [{ "code": "E.Old", "description": "Old." }],
                "sample": { "title": "S", "pageDiffers": { "/Data/Missing/x": 1 } }
            })),
            layer(),
        );
        let dropped: Vec<&str> = m.dropped.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            dropped,
            vec![
                "/operations/Op/parameters/Old",
                "/operations/Op/response/data/fields/Lost",
                "/operations/Op/errors/0",
                "/operations/Op/sample/pageDiffers/~1Data~1Missing~1x"
            ]
        );
        let op = &m.value["operations"]["Op"];
        assert!(op["parameters"].get("Old").is_none());
        assert_eq!(op["parameters"]["Own"]["type"], "string");
    }

    #[test]
    fn a_refinement_of_text_the_metadata_retyped_is_reported_not_kept() {
        let mut retyped = layer();
        retyped["parameters"]["Kind"] =
            json!({ "description": "种类", "type": "int64", "required": true, "example": 1 });
        let entry =
            json!({ "description": "A document.", "type": "jsonString", "document": "Doc" });
        let m = run(
            hand(json!({ "parameters": { "Kind": entry.clone() } })),
            retyped.clone(),
        );
        let dropped: Vec<&str> = m.dropped.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(dropped, vec!["/operations/Op/parameters/Kind"]);
        let p = &m.value["operations"]["Op"]["parameters"]["Kind"];
        assert_eq!(p["type"], "int64");
        assert!(p.get("document").is_none(), "{p}");
        assert!(m.disagreements.is_empty(), "{:?}", m.disagreements);
        // A decision keeps the page's type: then it is the hand-written fact that wins.
        let mut decided = entry;
        decided["decision"] = json!("The page's type stands.");
        let m = run(hand(json!({ "parameters": { "Kind": decided } })), retyped);
        assert!(m.dropped.is_empty(), "{:?}", m.dropped);
        assert_eq!(
            m.value["operations"]["Op"]["parameters"]["Kind"]["type"],
            "jsonString"
        );
    }

    #[test]
    fn the_metadatas_statements_come_from_the_layer_only() {
        let m = run(
            hand(
                json!({ "parameters": { "Id": { "stated": { "metadataRange": { "minimum": 1, "maximum": 2 } } } } }),
            ),
            layer(),
        );
        assert_eq!(m.problems.len(), 1);
        assert_eq!(m.problems[0].origin, Origin::Hand);
        assert_eq!(
            m.problems[0].pointer,
            "/operations/Op/parameters/Id/stated/metadataRange"
        );
    }

    #[test]
    fn a_metadata_enumeration_makes_an_enum_and_a_new_shared_enum() {
        let mut l = layer();
        l["parameters"]["Mode"] = json!({ "type": "string", "required": false,
                                          "stated": { "metadataEnum": ["X", "Y"] } });
        let m = run(hand(json!({})), l);
        let op = &m.value["operations"]["Op"];
        assert_eq!(op["parameters"]["Mode"]["type"], "enum");
        assert_eq!(op["parameters"]["Mode"]["enum"], "Mode");
        assert_eq!(op["parameters"]["Mode"]["accepts"], json!(["X", "Y"]));
        assert!(m.value["enums"]["Mode"]["values"]["Y"].is_object());
        // Kind is a string the metadata enumerates too: without a hand-written enum name it
        // names its own enumeration.
        assert_eq!(op["parameters"]["Kind"]["enum"], "Kind");
    }
}
