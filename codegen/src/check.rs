//! Consistency of a spec with itself: references resolve, names stay distinct once they are
//! Rust identifiers, each type carries the keys it needs, errata point at something, and the
//! examples the spec wrote itself fit their declarations.
//!
//! Defects of the documentation are not checked here: the lint reports those.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::Value;

use crate::conform::Scalar;
use crate::model::{
    Condition, DataStatus, DocField, DocType, ExampleOrigin, Field, Operation, ParamCondition,
    ParamFrom, Role, Spec, ValueType, WaitAfter, Waiter, WaiterKind,
};
use crate::names::{pascal, snake};
use crate::naming::{self as plan, NamePlan, Scope};
use crate::position::escape_token;

type Problems = Vec<(String, String)>;

/// Every inconsistency of `spec`, as (JSON pointer, message).
pub fn consistency(spec: &Spec, value: &Value) -> Problems {
    let mut out = Problems::new();
    for (name, def) in &spec.enums {
        let at = format!("/enums/{}", escape_token(name));
        if def.values.is_empty() {
            out.push((
                format!("{at}/values"),
                "an enumeration needs at least one value".into(),
            ));
        }
        collisions(
            def.values.keys(),
            pascal,
            &format!("{at}/values"),
            "enum variant",
            &mut out,
        );
    }
    if !spec.endpoints.default.contains("{regionId}") {
        out.push((
            "/endpoints/default".into(),
            "the default endpoint must contain the placeholder `{regionId}`".into(),
        ));
    }
    duplicate_codes(
        spec.gateway_errors.iter().map(|e| e.code.as_str()),
        "/gatewayErrors",
        &mut out,
    );
    collisions(
        spec.operations.keys(),
        snake,
        "/operations",
        "method",
        &mut out,
    );
    for (name, op) in &spec.operations {
        check_operation(spec, name, op, &mut out);
        out.extend(crate::cases::check(spec, name, op));
    }
    for (name, doc) in &spec.documents {
        let at = format!("/documents/{}", escape_token(name));
        if let Some(root) = &doc.root {
            check_doc_field(spec, root, &format!("{at}/root"), &mut out);
        }
        for (i, rule) in doc.rules.iter().enumerate() {
            for (key, path) in rule.paths() {
                if !path.starts_with('/') {
                    out.push((
                        format!("{at}/rules/{i}/{key}"),
                        format!("`{path}` is not a path; expected a JSON pointer such as `/steps/*/name`"),
                    ));
                }
            }
        }
    }
    for (name, shape) in &spec.shapes {
        check_doc_field(
            spec,
            shape,
            &format!("/shapes/{}", escape_token(name)),
            &mut out,
        );
    }
    for (name, waiter) in &spec.waiters {
        check_waiter(spec, name, waiter, &mut out);
    }
    check_generated_names(spec, &mut out);
    check_errata(spec, value, &mut out);
    out
}

/// The plan's names must be distinct within each scope the generated code puts them in,
/// and must not take names the generated code uses itself: refused here, with a place,
/// instead of failing to compile later. (Operation methods and parameter setters that
/// collide with each other are reported by [`collisions`].)
fn check_generated_names(spec: &Spec, out: &mut Problems) {
    let plan = NamePlan::of(spec);
    let mut seen: HashMap<(&Scope, &str), &str> = HashMap::new();
    for p in &plan.planned {
        let what = match &p.scope {
            Scope::ClientMethods | Scope::OperationModules | Scope::Descriptors => continue,
            Scope::BuilderMethods(_) if !p.at.starts_with("/waiters/") => continue,
            Scope::Types | Scope::Error | Scope::Root => "types".to_owned(),
            Scope::SchemaConsts => "constants".to_owned(),
            Scope::GatewayCodes => format!("variants of `{}`", plan::GATEWAY_CODE),
            Scope::BuilderMethods(action) => format!("methods of {action}'s builder"),
            Scope::ErrorVariants(action) => format!("variants of {action}'s error"),
        };
        match seen.get(&(&p.scope, p.name.as_str())) {
            Some(&"") => out.push((
                p.at.clone(),
                format!(
                    "this would be named `{}`, a name the generated code uses itself; rename it",
                    p.name
                ),
            )),
            Some(first) => out.push((
                p.at.clone(),
                format!(
                    "the generator would name two {what} `{}` (the other comes from `{first}`); rename one of them",
                    p.name
                ),
            )),
            None => {
                seen.insert((&p.scope, &p.name), &p.at);
            }
        }
    }
    for p in &plan.planned {
        let (reserved, message) = match &p.scope {
            Scope::ClientMethods => (
                plan::CLIENT_METHODS,
                format!(
                    "operation `{}` would get the client method `{}`, a name the client already uses; rename it",
                    p.source, p.name
                ),
            ),
            Scope::BuilderMethods(_) if !p.at.starts_with("/waiters/") => (
                plan::BUILDER_METHODS,
                format!(
                    "parameter `{}` would get the setter `{}`, a name the request builder already uses; rename it",
                    p.source, p.name
                ),
            ),
            Scope::ErrorVariants(_) => (
                plan::RESERVED_ERROR_VARIANTS,
                format!(
                    "error code `{}` would become the variant `{}`, which every operation's error keeps for itself; rename it",
                    p.source, p.name
                ),
            ),
            _ => continue,
        };
        let waiter_like =
            matches!(p.scope, Scope::BuilderMethods(_)) && p.name.starts_with("wait_");
        if reserved.contains(&p.name.as_str()) || waiter_like {
            out.push((p.at.clone(), message));
        }
    }
    for (name, def) in &spec.enums {
        for value in def.values.keys() {
            if pascal(value) == plan::UNKNOWN_VARIANT {
                out.push((
                    format!("/enums/{}/values/{}", escape_token(name), escape_token(value)),
                    format!("`{value}` becomes the variant `Unknown`, which every generated enum keeps for values it does not know; rename it"),
                ));
            }
        }
    }
}

/// A document member carries the keys its type needs, and its references resolve.
fn check_doc_field(spec: &Spec, field: &DocField, at: &str, out: &mut Problems) {
    let ty = field.ty;
    let mut need = |key: &str, present: bool, wanted: bool| {
        if present != wanted {
            out.push((
                if present {
                    format!("{at}/{key}")
                } else {
                    at.to_owned()
                },
                if present {
                    format!("`{key}` does not apply to this member's type")
                } else {
                    format!("this member's type needs `{key}`")
                },
            ));
        }
    };
    need("enum", field.enum_name.is_some(), ty == DocType::Enum);
    need("items", field.items.is_some(), ty == DocType::Array);
    need("values", field.values.is_some(), ty == DocType::Map);
    need("shape", field.shape.is_some(), ty == DocType::Shape);
    need(
        "variants",
        field.variants.is_some(),
        ty == DocType::Variants,
    );
    need("by", field.by.is_some(), ty == DocType::Variants);
    need(
        "minItems",
        field.min_items.is_some(),
        field.min_items.is_some() && ty == DocType::Array,
    );
    need(
        "contains",
        field.contains.is_some(),
        field.contains.is_some() && ty == DocType::Array,
    );
    need(
        "requireAnyOf",
        field.require_any_of.is_some(),
        field.require_any_of.is_some() && ty == DocType::Object,
    );
    for (value, shape) in field.variants.iter().flatten() {
        if !spec.shapes.contains_key(shape) {
            out.push((
                format!("{at}/variants/{}", escape_token(value)),
                format!(
                    "shape `{shape}` is not declared; declared shapes: {}",
                    keys(&spec.shapes)
                ),
            ));
        }
    }
    for key in field.require_any_of.iter().flatten() {
        if !field.fields.as_ref().is_some_and(|f| f.contains_key(key)) {
            out.push((
                format!("{at}/requireAnyOf"),
                format!("`{key}` is not a member of this object"),
            ));
        }
    }
    for (key, name) in [("enum", &field.enum_name), ("keys", &field.keys)] {
        if let Some(name) = name
            && !spec.enums.contains_key(name)
        {
            out.push((
                format!("{at}/{key}"),
                format!(
                    "enum `{name}` is not declared; declared enums: {}",
                    keys(&spec.enums)
                ),
            ));
        }
    }
    if let Some(shape) = &field.shape
        && !spec.shapes.contains_key(shape)
    {
        out.push((
            format!("{at}/shape"),
            format!(
                "shape `{shape}` is not declared; declared shapes: {}",
                keys(&spec.shapes)
            ),
        ));
    }
    for (name, child) in field.fields.iter().flatten() {
        check_doc_field(
            spec,
            child,
            &format!("{at}/fields/{}", escape_token(name)),
            out,
        );
    }
    if let Some(items) = &field.items {
        check_doc_field(spec, items, &format!("{at}/items"), out);
    }
    if let Some(values) = &field.values {
        check_doc_field(spec, values, &format!("{at}/values"), out);
    }
}

fn check_waiter(spec: &Spec, name: &str, waiter: &Waiter, out: &mut Problems) {
    let at = format!("/waiters/{}", escape_token(name));
    let Some(op) = spec.operations.get(&waiter.operation) else {
        out.push((
            format!("{at}/operation"),
            format!(
                "`{}` is not an operation of the spec; expected one of {}",
                waiter.operation,
                keys(&spec.operations)
            ),
        ));
        return;
    };
    let fields = op.response.data.fields.as_ref();
    let field = |key: &str, name: &str, out: &mut Problems| {
        let found = fields.and_then(|f| f.get(name));
        if found.is_none() {
            out.push((
                format!("{at}/{key}"),
                format!(
                    "`{name}` is not a field of {}'s `Data`; expected one of {}",
                    waiter.operation,
                    fields.map(keys).unwrap_or_else(|| "(none)".into())
                ),
            ));
        }
        found
    };
    if let Some(watched) = field("field", &waiter.field, out) {
        let allowed = Scalar::of_field(spec, watched).allowed;
        if let Some(allowed) = allowed {
            for (key, values) in [("success", &waiter.success), ("failure", &waiter.failure)] {
                for (i, v) in values.iter().enumerate() {
                    if !allowed.contains(v) {
                        out.push((
                            format!("{at}/{key}/{i}"),
                            format!(
                                "`{v}` is not a value of `{}`; expected one of {}",
                                waiter.field,
                                allowed.join(", ")
                            ),
                        ));
                    }
                }
            }
        }
    }
    if let Some(result) = &waiter.result {
        field("result", result, out);
    }
    if let Some(message) = &waiter.message {
        field("message", message, out);
    }
    if waiter.kind == WaiterKind::Terminal && (waiter.success.is_empty() || waiter.result.is_none())
    {
        out.push((
            at.clone(),
            "a `terminal` waiter needs `success` values and a `result` field".into(),
        ));
    }
    let allowed = fields
        .and_then(|f| f.get(&waiter.field))
        .and_then(|watched| Scalar::of_field(spec, watched).allowed);
    for (action, after) in &waiter.after {
        check_wait_after(
            spec,
            waiter,
            op,
            allowed.as_deref(),
            (&at, action, after),
            out,
        );
    }
}

/// A waiter's `after` entry: the starting operation exists, `until` fits the waiter's kind and
/// field, and every parameter of the polled operation comes from a parameter or `Data` member
/// of the starting one.
fn check_wait_after(
    spec: &Spec,
    waiter: &Waiter,
    polled: &Operation,
    allowed: Option<&[String]>,
    (at, action, after): (&str, &str, &WaitAfter),
    out: &mut Problems,
) {
    let at = format!("{at}/after/{}", escape_token(action));
    let Some(starting) = spec.operations.get(action) else {
        out.push((
            at,
            format!(
                "`{action}` is not an operation of the spec; expected one of {}",
                keys(&spec.operations)
            ),
        ));
        return;
    };
    match waiter.kind {
        WaiterKind::Terminal if !after.until.is_empty() => out.push((
            format!("{at}/until"),
            "a `terminal` waiter ends on its own `success` values; expected no `until`".into(),
        )),
        WaiterKind::UntilValue if after.until.is_empty() => out.push((
            at.clone(),
            "an `untilValue` waiter needs the `until` values that end the wait".into(),
        )),
        _ => {}
    }
    if let Some(allowed) = allowed {
        for (key, values) in [("until", &after.until), ("failure", &after.failure)] {
            for (i, v) in values.iter().enumerate() {
                if !allowed.contains(v) {
                    out.push((
                        format!("{at}/{key}/{i}"),
                        format!(
                            "`{v}` is not a value of `{}`; expected one of {}",
                            waiter.field,
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    for (name, from) in &after.params {
        let p_at = format!("{at}/params/{}", escape_token(name));
        if !polled.parameters.contains_key(name) {
            out.push((
                p_at.clone(),
                format!(
                    "`{name}` is not a parameter of {}; expected one of {}",
                    waiter.operation,
                    keys(&polled.parameters)
                ),
            ));
        }
        let (found, what, known) = match from {
            ParamFrom::Param(p) => (
                starting.parameters.contains_key(p),
                p,
                keys(&starting.parameters),
            ),
            ParamFrom::Data(d) => {
                let fields = starting.response.data.fields.as_ref();
                (
                    fields.is_some_and(|f| f.contains_key(d)),
                    d,
                    fields.map(keys).unwrap_or_else(|| "(none)".into()),
                )
            }
        };
        if !found {
            out.push((
                p_at,
                format!("`{what}` is not in {action}'s request or answer as named; expected one of {known}"),
            ));
        }
    }
    for (name, param) in &polled.parameters {
        if param.required && !after.params.contains_key(name) {
            out.push((
                format!("{at}/params"),
                format!(
                    "the required parameter `{name}` of {} has no source; add where its value comes from",
                    waiter.operation
                ),
            ));
        }
    }
}

/// Reports names that turn into the same Rust identifier.
fn collisions<'a>(
    names: impl Iterator<Item = &'a String>,
    to_ident: fn(&str) -> String,
    at: &str,
    what: &str,
    out: &mut Problems,
) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for name in names {
        let ident = to_ident(name);
        if let Some(first) = seen.get(&ident) {
            out.push((
                format!("{at}/{}", escape_token(name)),
                format!(
                    "`{name}` and `{first}` both become the Rust {what} `{ident}`; rename one of them"
                ),
            ));
        } else {
            seen.insert(ident, name);
        }
    }
}

fn duplicate_codes<'a>(codes: impl Iterator<Item = &'a str>, at: &str, out: &mut Problems) {
    let mut seen = Vec::new();
    for (i, code) in codes.enumerate() {
        if seen.contains(&code) {
            out.push((
                format!("{at}/{i}/code"),
                format!("error code `{code}` is listed twice; each code may appear once"),
            ));
        }
        seen.push(code);
    }
}

fn check_operation(spec: &Spec, name: &str, op: &Operation, out: &mut Problems) {
    let at = format!("/operations/{}", escape_token(name));
    collisions(
        op.parameters.keys(),
        snake,
        &format!("{at}/parameters"),
        "parameter name",
        out,
    );
    for (pname, param) in &op.parameters {
        let p_at = format!("{at}/parameters/{}", escape_token(pname));
        if matches!(param.ty, ValueType::Object | ValueType::Array) {
            out.push((
                format!("{p_at}/type"),
                format!(
                    "a query parameter cannot be `{}`; expected int64, string, boolean, enum or jsonString",
                    param.ty.as_str()
                ),
            ));
            continue;
        }
        let shape = Shape {
            ty: param.ty,
            enum_name: param.enum_name.as_deref(),
            has_enum_by: false,
            document: param.document.as_deref(),
            has_fields: false,
            has_items: false,
        };
        shape.check(spec, &p_at, out);
        if let Some(by) = &param.document_by {
            check_document_by(spec, op, param, by, &format!("{p_at}/documentBy"), out);
        }
        if param.idempotency_token && (param.ty != ValueType::String || param.required) {
            out.push((
                format!("{p_at}/idempotencyToken"),
                "an idempotency token must be an optional string parameter".into(),
            ));
        }
        if let Some(accepts) = &param.accepts {
            if param.ty != ValueType::Enum {
                out.push((
                    format!("{p_at}/accepts"),
                    "`accepts` applies to enum parameters only".into(),
                ));
            } else if let Some(def) = param.enum_name.as_deref().and_then(|n| spec.enums.get(n)) {
                for (i, v) in accepts.iter().enumerate() {
                    if !def.values.contains_key(v) {
                        out.push((
                            format!("{p_at}/accepts/{i}"),
                            format!(
                                "`{v}` is not a value of enum `{}`; expected one of {}",
                                param.enum_name.as_deref().unwrap_or_default(),
                                keys(&def.values)
                            ),
                        ));
                    }
                }
            }
        }
        if let Some(range) = &param.range {
            if param.ty != ValueType::Int64 {
                out.push((
                    format!("{p_at}/range"),
                    "`range` applies to int64 parameters only".into(),
                ));
            }
            if range.minimum > range.maximum {
                out.push((
                    format!("{p_at}/range"),
                    format!(
                        "minimum {} is above maximum {}",
                        range.minimum, range.maximum
                    ),
                ));
            }
        }
        if let Some(stated) = &param.stated {
            for (i, list) in stated.valid_values.iter().flatten().enumerate() {
                if let Some(when) = &list.when {
                    check_condition(
                        spec,
                        op,
                        when,
                        &format!("{p_at}/stated/validValues/{i}/when"),
                        out,
                    );
                }
            }
        }
        if param.example_origin == Some(ExampleOrigin::Spec) {
            match &param.example {
                None => out.push((
                    format!("{p_at}/exampleOrigin"),
                    "`exampleOrigin` is `spec` but there is no `example`".into(),
                )),
                Some(example) => {
                    if let Some(misfit) = Scalar::of_param(spec, param).check(example) {
                        out.push((
                            format!("{p_at}/example"),
                            format!(
                                "the spec's own example breaks the parameter's declaration: {misfit}"
                            ),
                        ));
                    }
                }
            }
        }
    }
    check_field(
        spec,
        op,
        &op.response.data,
        &format!("{at}/response/data"),
        out,
    );
    if op.response.data.ty != ValueType::Object {
        out.push((
            format!("{at}/response/data/type"),
            "`Data` must be an object".into(),
        ));
    }
    check_outcome(op, &format!("{at}/response"), out);
    check_roles(op, &at, out);
    duplicate_codes(
        op.errors.iter().map(|e| e.code.as_str()),
        &format!("{at}/errors"),
        out,
    );
    if let Some(date) = &op.last_updated
        && !is_iso_date(date)
    {
        out.push((
            format!("{at}/lastUpdated"),
            format!("`{date}` is not a date; expected YYYY-MM-DD"),
        ));
    }
}

/// `documentBy` applies to a JSON document parameter, is chosen by an enum parameter of the
/// same operation, and maps values of that enum to declared documents.
fn check_document_by(
    spec: &Spec,
    op: &Operation,
    param: &crate::model::Param,
    by: &crate::model::DocumentBy,
    at: &str,
    out: &mut Problems,
) {
    if param.ty != ValueType::JsonString {
        out.push((
            at.to_owned(),
            format!(
                "`documentBy` applies to jsonString parameters only; this one is {}",
                param.ty.as_str()
            ),
        ));
        return;
    }
    let condition = crate::model::ParamCondition {
        param: by.param.clone(),
        values: by.cases.keys().cloned().collect(),
    };
    check_condition(spec, op, &condition, at, out);
    for (value, document) in &by.cases {
        if !spec.documents.contains_key(document) {
            out.push((
                format!("{at}/cases/{}", escape_token(value)),
                format!(
                    "document `{document}` is not declared; declared documents: {}",
                    keys(&spec.documents)
                ),
            ));
        }
    }
}

/// `outcome` is declared exactly for operations whose `Data.Status` reports the outcome, and
/// names fields of `Data`.
fn check_outcome(op: &Operation, at: &str, out: &mut Problems) {
    let fields = op.response.data.fields.as_ref();
    match (&op.response.outcome, op.response.data_status) {
        (None, DataStatus::Outcome) => out.push((
            format!("{at}/dataStatus"),
            "`dataStatus: outcome` needs `outcome` (the field, its failure value and the message field)".into(),
        )),
        (Some(_), DataStatus::State) => out.push((
            format!("{at}/outcome"),
            "`outcome` applies to `dataStatus: outcome` only".into(),
        )),
        (Some(o), DataStatus::Outcome) => {
            for (key, name) in [("field", &o.field), ("message", &o.message)] {
                if !fields.is_some_and(|f| f.contains_key(name)) {
                    out.push((
                        format!("{at}/outcome/{key}"),
                        format!("`{name}` is not a field of `Data`; expected one of its fields"),
                    ));
                }
            }
        }
        (None, DataStatus::State) => {}
    }
}

/// The type a role's parameter or field has, and where a role may be used: a tool acting as
/// the service reads the value as that type, and finds each role's one parameter or field.
fn role_type(role: Role) -> ValueType {
    match role {
        Role::Workspace | Role::Task | Role::Process => ValueType::Int64,
        Role::ObjectKind => ValueType::Enum,
        Role::ProcessInput | Role::RunSettings | Role::TaskConfig => ValueType::JsonString,
        Role::TaskName => ValueType::String,
    }
}

/// Each role is played by at most one parameter and one member of `Data` (nested members have
/// none: a tool looks roles up among `Data`'s own), of the role's type.
fn check_roles(op: &Operation, at: &str, out: &mut Problems) {
    let mut seen = Vec::new();
    for (name, p) in &op.parameters {
        if let Some(role) = p.role {
            let place = format!("{at}/parameters/{}/role", escape_token(name));
            check_role("parameter", role, p.ty, &place, &mut seen, out);
        }
    }
    let mut seen = Vec::new();
    let data = &op.response.data;
    for (name, f) in data.fields.iter().flatten() {
        let place = format!("{at}/response/data/fields/{}", escape_token(name));
        if let Some(role) = f.role {
            check_role(
                "field",
                role,
                f.ty,
                &format!("{place}/role"),
                &mut seen,
                out,
            );
        }
        nested_roles(f, &place, out);
    }
    if data.role.is_some() {
        out.push((
            format!("{at}/response/data/role"),
            "`Data` itself plays no role; give it to one of its members".into(),
        ));
    }
}

fn check_role(
    kind: &str,
    role: Role,
    ty: ValueType,
    at: &str,
    seen: &mut Vec<Role>,
    out: &mut Problems,
) {
    if seen.contains(&role) {
        out.push((
            at.to_owned(),
            format!(
                "another {kind} of the operation already plays role `{}`; each role is played once",
                role.as_str()
            ),
        ));
    }
    seen.push(role);
    if ty != role_type(role) {
        out.push((
            at.to_owned(),
            format!(
                "role `{}` is played by a {kind} of type `{}`; this one is `{}`",
                role.as_str(),
                role_type(role).as_str(),
                ty.as_str()
            ),
        ));
    }
}

fn nested_roles(field: &Field, at: &str, out: &mut Problems) {
    for (name, f) in field.fields.iter().flatten() {
        let place = format!("{at}/fields/{}", escape_token(name));
        if f.role.is_some() {
            out.push((
                format!("{place}/role"),
                "a role belongs to a member of `Data` itself, not to a nested one".into(),
            ));
        }
        nested_roles(f, &place, out);
    }
    if let Some(items) = &field.items {
        let place = format!("{at}/items");
        if items.role.is_some() {
            out.push((
                format!("{place}/role"),
                "a role belongs to a member of `Data` itself, not to a nested one".into(),
            ));
        }
        nested_roles(items, &place, out);
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn check_field(spec: &Spec, op: &Operation, field: &Field, at: &str, out: &mut Problems) {
    let shape = Shape {
        ty: field.ty,
        enum_name: field.enum_name.as_deref(),
        has_enum_by: field.enum_by.is_some(),
        document: field.document.as_deref(),
        has_fields: field.fields.is_some(),
        has_items: field.items.is_some(),
    };
    shape.check(spec, at, out);
    if let Some(by) = &field.enum_by {
        check_condition(
            spec,
            op,
            &ParamCondition {
                param: by.param.clone(),
                values: by.cases.keys().cloned().collect(),
            },
            &format!("{at}/enumBy"),
            out,
        );
        for (case, enum_name) in &by.cases {
            if !spec.enums.contains_key(enum_name) {
                out.push((
                    format!("{at}/enumBy/cases/{}", escape_token(case)),
                    format!(
                        "enum `{enum_name}` is not declared; declared enums: {}",
                        keys(&spec.enums)
                    ),
                ));
            }
        }
    }
    if let Some(Condition::Param(cond)) = &field.null_when {
        check_condition(spec, op, cond, &format!("{at}/nullWhen"), out);
    }
    if field.example_origin == Some(ExampleOrigin::Spec)
        && let Some(example) = &field.example
        && let Some(misfit) = Scalar::of_field(spec, field).check(example)
    {
        out.push((
            format!("{at}/example"),
            format!("the spec's own example breaks the field's declaration: {misfit}"),
        ));
    }
    if let Some(fields) = &field.fields {
        collisions(
            fields.keys(),
            snake,
            &format!("{at}/fields"),
            "field name",
            out,
        );
        for (name, child) in fields {
            check_field(
                spec,
                op,
                child,
                &format!("{at}/fields/{}", escape_token(name)),
                out,
            );
        }
    }
    if let Some(items) = &field.items {
        check_field(spec, op, items, &format!("{at}/items"), out);
    }
}

/// A condition must name an enum parameter of the operation and values of its enum.
fn check_condition(
    spec: &Spec,
    op: &Operation,
    cond: &ParamCondition,
    at: &str,
    out: &mut Problems,
) {
    let Some(param) = op.parameters.get(&cond.param) else {
        out.push((
            format!("{at}/param"),
            format!(
                "`{}` is not a parameter of this operation; expected one of {}",
                cond.param,
                keys(&op.parameters)
            ),
        ));
        return;
    };
    if param.ty != ValueType::Enum {
        out.push((
            format!("{at}/param"),
            format!(
                "a condition needs an enum parameter; `{}` is {}",
                cond.param,
                param.ty.as_str()
            ),
        ));
        return;
    }
    // An undeclared enum is reported where the parameter names it.
    let Some(def) = param.enum_name.as_deref().and_then(|n| spec.enums.get(n)) else {
        return;
    };
    for v in &cond.values {
        if !def.values.contains_key(v) {
            out.push((
                at.to_owned(),
                format!(
                    "`{v}` is not a value of `{}`; expected one of {}",
                    cond.param,
                    keys(&def.values)
                ),
            ));
        }
    }
}

/// The keys a declaration carries, checked against the keys its type needs.
struct Shape<'a> {
    ty: ValueType,
    enum_name: Option<&'a str>,
    has_enum_by: bool,
    document: Option<&'a str>,
    has_fields: bool,
    has_items: bool,
}

impl Shape<'_> {
    fn check(&self, spec: &Spec, at: &str, out: &mut Problems) {
        let ty = self.ty.as_str();
        let mut stray = |key: &str, present: bool, allowed: bool| {
            if present && !allowed {
                out.push((
                    format!("{at}/{key}"),
                    format!("`{key}` does not apply to type `{ty}`"),
                ));
            }
        };
        stray("enum", self.enum_name.is_some(), self.ty == ValueType::Enum);
        stray("enumBy", self.has_enum_by, self.ty == ValueType::Enum);
        stray(
            "document",
            self.document.is_some(),
            self.ty == ValueType::JsonString,
        );
        stray("fields", self.has_fields, self.ty == ValueType::Object);
        stray("items", self.has_items, self.ty == ValueType::Array);
        match self.ty {
            ValueType::Enum => match (self.enum_name, self.has_enum_by) {
                (Some(name), false) => {
                    if !spec.enums.contains_key(name) {
                        out.push((
                            format!("{at}/enum"),
                            format!(
                                "enum `{name}` is not declared; declared enums: {}",
                                keys(&spec.enums)
                            ),
                        ));
                    }
                }
                (None, true) => {}
                _ => out.push((
                    at.to_owned(),
                    "type `enum` needs exactly one of `enum` (a declared enum) or `enumBy`".into(),
                )),
            },
            ValueType::JsonString => match self.document {
                Some(name) if !spec.documents.contains_key(name) => out.push((
                    format!("{at}/document"),
                    format!(
                        "document `{name}` is not declared; declared documents: {}",
                        keys(&spec.documents)
                    ),
                )),
                Some(_) => {}
                None => out.push((
                    at.to_owned(),
                    "type `jsonString` needs `document`, naming a declared document".into(),
                )),
            },
            ValueType::Array if !self.has_items => {
                out.push((at.to_owned(), "type `array` needs `items`".into()))
            }
            _ => {}
        }
    }
}

fn check_errata(spec: &Spec, value: &Value, out: &mut Problems) {
    let repeated = repeats(spec.errata.iter().map(|e| e.id.as_str()));
    for (i, erratum) in spec.errata.iter().enumerate() {
        let at = format!("/errata/{i}");
        if repeated.get(i).copied().unwrap_or(false) {
            out.push((
                format!("{at}/id"),
                format!(
                    "erratum id `{}` is used twice; ids must be unique",
                    erratum.id
                ),
            ));
        }
        if !spec.operations.contains_key(&erratum.operation) {
            out.push((
                format!("{at}/operation"),
                format!(
                    "`{}` is not an operation of the spec; expected one of {}",
                    erratum.operation,
                    keys(&spec.operations)
                ),
            ));
            continue;
        }
        let prefix = format!("/operations/{}", escape_token(&erratum.operation));
        if value.pointer(&erratum.pointer).is_none() {
            out.push((
                format!("{at}/pointer"),
                format!(
                    "`{}` points at nothing in the spec; expected a JSON pointer to an existing value",
                    erratum.pointer
                ),
            ));
        } else if erratum.pointer != prefix && !erratum.pointer.starts_with(&format!("{prefix}/")) {
            out.push((
                format!("{at}/pointer"),
                format!(
                    "`{}` is outside operation `{}`; expected a pointer under `{prefix}`",
                    erratum.pointer, erratum.operation
                ),
            ));
        }
    }
}

/// For each item, whether an earlier one equals it. Hash-based, so linear in the items: a
/// spec with 100,000 errata loads in time proportional to them (a list searched for each id
/// made that quadratic: 24 s).
fn repeats<T: std::hash::Hash + Eq>(items: impl Iterator<Item = T>) -> Vec<bool> {
    let mut seen = std::collections::HashSet::new();
    items.map(|item| !seen.insert(item)).collect()
}

fn keys<V>(map: &IndexMap<String, V>) -> String {
    if map.is_empty() {
        return "(none)".into();
    }
    map.keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::repeats;
    use std::cell::Cell;
    use std::hash::{Hash, Hasher};

    thread_local! {
        static COMPARISONS: Cell<u64> = const { Cell::new(0) };
    }

    /// An id that counts how often it is compared.
    struct Counted(String);

    impl PartialEq for Counted {
        fn eq(&self, other: &Self) -> bool {
            COMPARISONS.with(|c| c.set(c.get() + 1));
            self.0 == other.0
        }
    }
    impl Eq for Counted {}
    impl Hash for Counted {
        fn hash<H: Hasher>(&self, state: &mut H) {
            self.0.hash(state);
        }
    }

    #[test]
    fn repeated_ids_are_found_with_comparisons_linear_in_the_ids() {
        let n = 100_000u64;
        let mut ids: Vec<Counted> = (0..n).map(|i| Counted(format!("E-{i}"))).collect();
        ids.push(Counted("E-7".into()));
        ids.push(Counted("E-99999".into()));
        COMPARISONS.with(|c| c.set(0));
        let repeated = repeats(ids.into_iter());
        let comparisons = COMPARISONS.with(Cell::get);
        let flagged: Vec<usize> = (0..repeated.len()).filter(|&i| repeated[i]).collect();
        assert_eq!(flagged, [100_000, 100_001]);
        // A list searched for each id makes n²/2 = 5·10⁹ comparisons; a hash set about one per
        // repeat (plus the odd collision).
        assert!(
            comparisons <= 2 * n,
            "{comparisons} comparisons for {n} ids"
        );
    }
}
