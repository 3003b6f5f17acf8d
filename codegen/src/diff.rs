//! Compatibility between two versions of the spec: every change to what callers send or
//! receive, classified as breaking or not.
//!
//! Breaking: a removed operation, HTTP method, parameter, field or error code; a changed type or
//! enumeration; a parameter that becomes required; a new required parameter; a value a
//! request parameter no longer accepts; a narrower integer range; a response field that
//! becomes nullable; a response enumeration value removed (the generated enum loses a
//! variant). Not breaking: a new operation, HTTP method, optional parameter, response field, accepted
//! value, response enumeration value (callers have `Unknown`) or error code; a parameter
//! that becomes optional; a wider range; a field that stops being nullable; changed prose,
//! examples, samples, cases or errata.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::{Field, Operation, Param, Range, Spec};
use crate::position::escape_token;

/// One change between two specs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// Whether callers built against the old spec can break.
    pub breaking: bool,
    /// JSON pointer into the new spec (into the old one for removals).
    pub pointer: String,
    /// A stable kebab-case name of the kind of change.
    pub kind: &'static str,
    /// What changed, old → new.
    pub detail: String,
}

/// Every change from `old` to `new`, sorted by pointer then kind.
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut out = Changes::default();
    if old.api_version != new.api_version {
        out.push(
            true,
            "/apiVersion".into(),
            "api-version-changed",
            format!("{} → {}", old.api_version, new.api_version),
        );
    }
    for (name, old_op) in &old.operations {
        let at = format!("/operations/{}", escape_token(name));
        match new.operations.get(name) {
            None => out.push(true, at, "operation-removed", format!("{name} is gone")),
            Some(new_op) => operation(old, new, old_op, new_op, &at, &mut out),
        }
    }
    for name in new.operations.keys() {
        if !old.operations.contains_key(name) {
            let at = format!("/operations/{}", escape_token(name));
            out.push(false, at, "operation-added", format!("{name} is new"));
        }
    }
    let old_gw: BTreeSet<&str> = old.gateway_errors.iter().map(|e| e.code.as_str()).collect();
    let new_gw: BTreeSet<&str> = new.gateway_errors.iter().map(|e| e.code.as_str()).collect();
    for code in old_gw.difference(&new_gw) {
        let detail = format!("gateway code {code} is gone");
        out.push(true, "/gatewayErrors".into(), "error-code-removed", detail);
    }
    for code in new_gw.difference(&old_gw) {
        let detail = format!("gateway code {code} is new");
        out.push(false, "/gatewayErrors".into(), "error-code-added", detail);
    }
    if old.errata != new.errata {
        let detail = "the recorded documentation defects changed".into();
        out.push(false, "/errata".into(), "errata-changed", detail);
    }
    let mut changes = out.0;
    changes.sort_by(|a, b| (&a.pointer, a.kind, &a.detail).cmp(&(&b.pointer, b.kind, &b.detail)));
    changes
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, breaking: bool, pointer: String, kind: &'static str, detail: String) {
        self.0.push(Change {
            breaking,
            pointer,
            kind,
            detail,
        });
    }
}

fn operation(old: &Spec, new: &Spec, o: &Operation, n: &Operation, at: &str, out: &mut Changes) {
    if o.summary != n.summary || o.description != n.description {
        let detail = "summary or description".into();
        out.push(false, at.to_owned(), "description-changed", detail);
    }
    for m in o.methods.iter().filter(|m| !n.methods.contains(m)) {
        let detail = format!("{} is no longer allowed", m.as_str());
        out.push(true, format!("{at}/methods"), "method-removed", detail);
    }
    for m in n.methods.iter().filter(|m| !o.methods.contains(m)) {
        let detail = format!("{} is now allowed", m.as_str());
        out.push(false, format!("{at}/methods"), "method-added", detail);
    }
    for (name, op) in &o.parameters {
        let p_at = format!("{at}/parameters/{}", escape_token(name));
        match n.parameters.get(name) {
            None => out.push(true, p_at, "parameter-removed", format!("{name} is gone")),
            Some(np) => parameter(old, new, op, np, &p_at, out),
        }
    }
    for (name, np) in &n.parameters {
        if !o.parameters.contains_key(name) {
            let p_at = format!("{at}/parameters/{}", escape_token(name));
            if np.required {
                let detail = format!("{name} is new and required");
                out.push(true, p_at, "required-parameter-added", detail);
            } else {
                let detail = format!("{name} is new and optional");
                out.push(false, p_at, "optional-parameter-added", detail);
            }
        }
    }
    field(
        old,
        new,
        &o.response.data,
        &n.response.data,
        &format!("{at}/response/data"),
        out,
    );
    let old_codes: BTreeSet<&str> = o.errors.iter().map(|e| e.code.as_str()).collect();
    let new_codes: BTreeSet<&str> = n.errors.iter().map(|e| e.code.as_str()).collect();
    for code in old_codes.difference(&new_codes) {
        let detail = format!("{code} is gone (its error variant with it)");
        out.push(true, format!("{at}/errors"), "error-code-removed", detail);
    }
    for code in new_codes.difference(&old_codes) {
        let detail = format!("{code} is new");
        out.push(false, format!("{at}/errors"), "error-code-added", detail);
    }
    if o.sample != n.sample {
        let detail = "the documented sample response".into();
        out.push(false, format!("{at}/sample"), "sample-changed", detail);
    }
    if o.cases != n.cases {
        let detail = "the contract cases".into();
        out.push(false, format!("{at}/cases"), "cases-changed", detail);
    }
}

fn parameter(old: &Spec, new: &Spec, o: &Param, n: &Param, at: &str, out: &mut Changes) {
    if o.ty != n.ty
        || o.enum_name != n.enum_name
        || o.document != n.document
        || o.document_by != n.document_by
    {
        let detail = format!("{} → {}", param_type(o), param_type(n));
        out.push(true, format!("{at}/type"), "type-changed", detail);
        return;
    }
    let (lo, ln) = (
        o.location.unwrap_or(old.http.parameter_location),
        n.location.unwrap_or(new.http.parameter_location),
    );
    if lo != ln {
        // A client built for the old place sends the parameter where the service no longer
        // reads it.
        let detail = format!("{} → {}", lo.as_str(), ln.as_str());
        out.push(true, format!("{at}/location"), "location-changed", detail);
    }
    match (o.required, n.required) {
        (false, true) => {
            let detail = "optional → required".into();
            out.push(
                true,
                format!("{at}/required"),
                "parameter-became-required",
                detail,
            );
        }
        (true, false) => {
            let detail = "required → optional".into();
            out.push(
                false,
                format!("{at}/required"),
                "parameter-became-optional",
                detail,
            );
        }
        _ => {}
    }
    if let (Some(enum_old), Some(enum_new)) = (accepted(old, o), accepted(new, n)) {
        let accepts_at = format!("{at}/accepts");
        for v in enum_old.iter().filter(|v| !enum_new.contains(v)) {
            let detail = format!("{v} is no longer accepted");
            out.push(
                true,
                accepts_at.clone(),
                "request-enum-value-removed",
                detail,
            );
        }
        for v in enum_new.iter().filter(|v| !enum_old.contains(v)) {
            let detail = format!("{v} is now accepted");
            out.push(
                false,
                accepts_at.clone(),
                "request-enum-value-added",
                detail,
            );
        }
    }
    range(o.range, n.range, &format!("{at}/range"), out);
    if o.description != n.description {
        let detail = "the parameter's description".into();
        out.push(
            false,
            format!("{at}/description"),
            "description-changed",
            detail,
        );
    }
}

fn param_type(p: &Param) -> String {
    let of = p.enum_name.as_deref().or(p.document.as_deref());
    let mut text = match of {
        Some(name) => format!("{} {name}", p.ty.as_str()),
        None => p.ty.as_str().to_owned(),
    };
    if let Some(by) = &p.document_by {
        let cases: Vec<String> = by.cases.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        text.push_str(&format!(" (by {}: {})", by.param, cases.join(", ")));
    }
    text
}

/// The values an enum parameter accepts: its `accepts`, else every value of its enumeration.
fn accepted(spec: &Spec, p: &Param) -> Option<Vec<String>> {
    if let Some(accepts) = &p.accepts {
        return Some(accepts.clone());
    }
    let def = spec.enums.get(p.enum_name.as_deref()?)?;
    Some(def.values.keys().cloned().collect())
}

fn range(o: Option<Range>, n: Option<Range>, at: &str, out: &mut Changes) {
    let full = Range {
        minimum: i64::MIN,
        maximum: i64::MAX,
    };
    let (o, n) = (o.unwrap_or(full), n.unwrap_or(full));
    if o == n {
        return;
    }
    let show = |r: Range| format!("{}..={}", r.minimum, r.maximum);
    let detail = format!("{} → {}", show(o), show(n));
    if n.minimum > o.minimum || n.maximum < o.maximum {
        out.push(true, at.to_owned(), "range-narrowed", detail);
    } else {
        out.push(false, at.to_owned(), "range-widened", detail);
    }
}

fn field(old: &Spec, new: &Spec, o: &Field, n: &Field, at: &str, out: &mut Changes) {
    if o.ty != n.ty || o.document != n.document {
        let detail = format!("{} → {}", o.ty.as_str(), n.ty.as_str());
        out.push(true, format!("{at}/type"), "type-changed", detail);
        return;
    }
    match (&o.null_when, &n.null_when) {
        (None, Some(_)) => {
            let detail = "the field can now be null".into();
            out.push(
                true,
                format!("{at}/nullWhen"),
                "field-became-nullable",
                detail,
            );
        }
        (Some(_), None) => {
            let detail = "the field is no longer null".into();
            out.push(
                false,
                format!("{at}/nullWhen"),
                "field-no-longer-nullable",
                detail,
            );
        }
        _ => {}
    }
    let (vo, vn) = (field_values(old, o), field_values(new, n));
    for v in vo.iter().filter(|v| !vn.contains(v)) {
        let detail = format!("{v} is gone (its enum variant with it)");
        out.push(true, at.to_owned(), "response-enum-value-removed", detail);
    }
    for v in vn.iter().filter(|v| !vo.contains(v)) {
        let detail = format!("{v} is new (older clients decode it as Unknown)");
        out.push(false, at.to_owned(), "response-enum-value-added", detail);
    }
    if o.description != n.description {
        let detail = "the field's description".into();
        out.push(
            false,
            format!("{at}/description"),
            "description-changed",
            detail,
        );
    }
    let empty = IndexMap::new();
    let fo = o.fields.as_ref().unwrap_or(&empty);
    let fn_ = n.fields.as_ref().unwrap_or(&empty);
    for (name, of) in fo {
        let f_at = format!("{at}/fields/{}", escape_token(name));
        match fn_.get(name) {
            None => out.push(true, f_at, "field-removed", format!("{name} is gone")),
            Some(nf) => field(old, new, of, nf, &f_at, out),
        }
    }
    for name in fn_.keys() {
        if !fo.contains_key(name) {
            let f_at = format!("{at}/fields/{}", escape_token(name));
            out.push(false, f_at, "field-added", format!("{name} is new"));
        }
    }
    if let (Some(oi), Some(ni)) = (&o.items, &n.items) {
        field(old, new, oi, ni, &format!("{at}/items"), out);
    }
}

/// The values an enum field can take: its enumeration's, or every enumeration `enumBy` names.
fn field_values(spec: &Spec, f: &Field) -> Vec<String> {
    let names: Vec<&str> = match (&f.enum_name, &f.enum_by) {
        (Some(name), _) => vec![name.as_str()],
        (None, Some(by)) => by.cases.values().map(String::as_str).collect(),
        (None, None) => Vec::new(),
    };
    let mut values: Vec<String> = Vec::new();
    for name in names {
        for v in spec
            .enums
            .get(name)
            .into_iter()
            .flat_map(|d| d.values.keys())
        {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
    }
    values
}

/// The changes as text: one line per change, then a summary line.
pub fn render_text(changes: &[Change]) -> String {
    let mut text = String::new();
    for c in changes {
        let class = if c.breaking {
            "BREAKING "
        } else {
            "compatible"
        };
        text.push_str(&format!("{class} {} {}: {}\n", c.kind, c.pointer, c.detail));
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    text.push_str(&format!(
        "diff: {} change(s), {breaking} breaking\n",
        changes.len()
    ));
    text
}

/// The changes as JSON: `{"breaking": n, "changes": [...]}`.
pub fn to_json(changes: &[Change]) -> serde_json::Value {
    serde_json::json!({
        "breaking": changes.iter().filter(|c| c.breaking).count(),
        "changes": changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EnumValue, Field, HttpMethod, Param, ValueType};

    const OP: &str = "GetDISyncInstanceInfo";

    /// A fixture spec, never the live one: a documentation change must not break these tests.
    fn base() -> Spec {
        let text = include_str!("../tests/fixtures/diff/old.json");
        crate::load_str(text, std::path::Path::new("old.json"))
            .expect("the fixture loads")
            .spec
    }

    fn changed(edit: impl FnOnce(&mut Spec)) -> Vec<Change> {
        let old = base();
        let mut new = old.clone();
        edit(&mut new);
        diff(&old, &new)
    }

    fn only(changes: &[Change]) -> (&'static str, bool) {
        assert_eq!(changes.len(), 1, "expected one change, found {changes:#?}");
        (changes[0].kind, changes[0].breaking)
    }

    fn param(ty: ValueType, required: bool) -> Param {
        Param {
            description: "New.".into(),
            location: None,
            ty,
            enum_name: None,
            document: None,
            document_by: None,
            required,
            range: None,
            accepts: None,
            excludes: None,
            stated: None,
            decision: None,
            example: None,
            example_origin: None,
            idempotency_token: false,
            role: None,
        }
    }

    fn op(spec: &mut Spec) -> &mut Operation {
        spec.operations.get_mut(OP).expect("the operation")
    }

    fn data_fields(spec: &mut Spec) -> &mut IndexMap<String, Field> {
        op(spec)
            .response
            .data
            .fields
            .as_mut()
            .expect("Data has fields")
    }

    #[test]
    fn identical_specs_have_no_changes() {
        assert_eq!(changed(|_| {}), Vec::new());
    }

    #[test]
    fn removals_are_breaking() {
        assert_eq!(
            only(&changed(|s| {
                s.operations.shift_remove(OP);
            })),
            ("operation-removed", true)
        );
        assert_eq!(
            only(&changed(|s| {
                op(s).parameters.shift_remove("FileId");
            })),
            ("parameter-removed", true)
        );
        assert_eq!(
            only(&changed(|s| {
                data_fields(s).shift_remove("Name");
            })),
            ("field-removed", true)
        );
        assert_eq!(
            only(&changed(|s| {
                op(s).errors.pop();
            })),
            ("error-code-removed", true)
        );
    }

    #[test]
    fn type_changes_are_breaking() {
        assert_eq!(
            only(&changed(|s| {
                let p = op(s).parameters.get_mut("FileId").expect("FileId");
                p.ty = ValueType::String;
                p.range = None;
            })),
            ("type-changed", true)
        );
        assert_eq!(
            only(&changed(|s| data_fields(s)["Name"].ty = ValueType::Int64)),
            ("type-changed", true)
        );
    }

    #[test]
    fn a_parameter_that_moves_or_changes_document_breaks() {
        let moved = changed(|s| {
            op(s).parameters.get_mut("FileId").expect("FileId").location =
                Some(crate::model::Location::Body);
        });
        assert_eq!(only(&moved), ("location-changed", true));
        assert_eq!(moved[0].detail, "query → body");
        let mut old = base();
        op(&mut old).parameters.insert(
            "Doc".into(),
            Param {
                document: Some("Doc".into()),
                ..param(ValueType::JsonString, false)
            },
        );
        let mut new = old.clone();
        op(&mut new).parameters["Doc"].document_by = Some(crate::model::DocumentBy {
            param: "TaskType".into(),
            cases: [("DI_SOLUTION".to_owned(), "Other".to_owned())].into(),
        });
        let changes = diff(&old, &new);
        assert_eq!(only(&changes), ("type-changed", true));
        assert_eq!(
            changes[0].detail,
            "jsonString Doc → jsonString Doc (by TaskType: DI_SOLUTION: Other)"
        );
    }

    #[test]
    fn removed_methods_break_and_added_ones_do_not() {
        assert_eq!(
            only(&changed(|s| op(s)
                .methods
                .retain(|m| *m == HttpMethod::Post))),
            ("method-removed", true)
        );
        let mut old = base();
        op(&mut old).methods.retain(|m| *m == HttpMethod::Post);
        let added = diff(&old, &base());
        assert_eq!(only(&added), ("method-added", false));
        assert_eq!(added[0].detail, "GET is now allowed");
    }

    #[test]
    fn required_parameters_are_breaking_and_optional_ones_are_not() {
        let added = |required| {
            changed(move |s| {
                op(s)
                    .parameters
                    .insert("Extra".into(), param(ValueType::String, required));
            })
        };
        assert_eq!(only(&added(true)), ("required-parameter-added", true));
        assert_eq!(only(&added(false)), ("optional-parameter-added", false));
        let mut old = base();
        op(&mut old).parameters["FileId"].required = false;
        let new = base();
        assert_eq!(only(&diff(&old, &new)), ("parameter-became-required", true));
        assert_eq!(
            only(&diff(&new, &old)),
            ("parameter-became-optional", false)
        );
    }

    #[test]
    fn request_enum_values_removed_break_and_added_ones_do_not() {
        let narrowed = changed(|s| {
            op(s).parameters["TaskType"].accepts = Some(vec!["DI_REALTIME".into()]);
        });
        assert_eq!(only(&narrowed), ("request-enum-value-removed", true));
        let widened = changed(|s| {
            op(s).parameters["TaskType"]
                .accepts
                .as_mut()
                .expect("accepts")
                .push("DI_OFFLINE".into());
        });
        assert_eq!(only(&widened), ("request-enum-value-added", false));
    }

    #[test]
    fn narrower_ranges_break_and_wider_ones_do_not() {
        let set = |min, max| {
            changed(move |s| {
                op(s).parameters["ProjectId"].range = Some(Range {
                    minimum: min,
                    maximum: max,
                });
            })
        };
        assert_eq!(only(&set(1, 100)), ("range-narrowed", true));
        assert_eq!(only(&set(2, 10_000_000_000)), ("range-narrowed", true));
        assert_eq!(only(&set(0, 20_000_000_000)), ("range-widened", false));
    }

    #[test]
    fn response_fields() {
        let mut extra = data_fields(&mut base())["Name"].clone();
        extra.null_when = None;
        assert_eq!(
            only(&changed(|s| {
                data_fields(s).insert("Extra".into(), extra);
            })),
            ("field-added", false)
        );
        // Status is not nullable: making it so breaks callers that read it unconditionally.
        assert_eq!(
            only(&changed(|s| {
                let when = data_fields(s)["Name"].null_when.clone();
                data_fields(s)["Status"].null_when = when;
            })),
            ("field-became-nullable", true)
        );
        assert_eq!(
            only(&changed(|s| data_fields(s)["Name"].null_when = None)),
            ("field-no-longer-nullable", false)
        );
    }

    #[test]
    fn response_enum_values_added_are_compatible() {
        let added = changed(|s| {
            s.enums["RealtimeInstanceStatus"].values.insert(
                "STARTING".into(),
                EnumValue {
                    description: "New.".into(),
                },
            );
        });
        assert_eq!(only(&added), ("response-enum-value-added", false));
        assert!(added[0].detail.contains("STARTING"));
    }

    #[test]
    fn new_error_codes_and_prose_are_compatible() {
        let mut error = op(&mut base()).errors[0].clone();
        error.code = "Brand.New".into();
        assert_eq!(
            only(&changed(|s| op(s).errors.push(error))),
            ("error-code-added", false)
        );
        assert_eq!(
            only(&changed(|s| {
                op(s).parameters["FileId"].description = "Reworded.".into();
            })),
            ("description-changed", false)
        );
        assert_eq!(
            only(&changed(|s| op(s).summary = "Reworded.".into())),
            ("description-changed", false)
        );
    }
}
