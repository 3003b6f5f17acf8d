//! An answer's `Data`, built without naming a member.
//!
//! It starts as the operation's example `Data` (the spec's examples and sample, carried by the
//! generated table as `OperationDesc::example_data`). The behaviours set only the members the
//! tables point at: the outcome's field and message, a waiter's watched field, result and
//! message, and the member playing a role (the process ID). Then the documented nulls are
//! applied, the whole is read through the operation's generated `Data` type (so names, types
//! and enum values are the spec's), and every documented member the type leaves out because
//! it is null is written back as `null`. A member added, renamed or removed in the spec thus
//! reaches the answers by regenerating the client, and none is ever silently missing.

use serde_json::{Map, Value};

use dataworks_di::meta;
use dwdi_runtime::describe::{FieldDesc, FieldKind, OperationDesc, Outcome, Role, WaiterKind};

use crate::errors::Failure;
use crate::params::Params;

/// A `Data` under construction.
#[derive(Debug, Clone)]
pub struct Data {
    desc: &'static OperationDesc,
    members: Map<String, Value>,
    outcome: Outcome,
}

/// The error for a fact the mock needs and the tables do not give (a spec without the role,
/// outcome or waiter a behaviour acts on).
pub fn missing(desc: &OperationDesc, what: &str) -> Failure {
    Failure::documented(
        desc,
        500,
        &format!("(mock) the spec gives {} no {what}", desc.action),
    )
}

impl Data {
    /// The operation's example `Data`, a successful answer.
    pub fn example(desc: &'static OperationDesc) -> Result<Data, Failure> {
        match serde_json::from_str(desc.example_data) {
            Ok(Value::Object(members)) => Ok(Data {
                desc,
                members,
                outcome: Outcome::Success,
            }),
            _ => Err(missing(desc, "example Data object")),
        }
    }

    /// The answer of a call whose `Data` reports its outcome: `Ok` sets the outcome field to
    /// its first documented value other than the failure value; `Err` sets the failure value
    /// and the message.
    pub fn outcome(
        desc: &'static OperationDesc,
        result: Result<(), String>,
    ) -> Result<Data, Failure> {
        let o = desc.outcome.ok_or_else(|| missing(desc, "outcome"))?;
        let mut data = Data::example(desc)?;
        match result {
            Ok(()) => {
                let success = match desc.field(o.field).map(|f| f.kind) {
                    Some(FieldKind::Enum { values }) => {
                        values.iter().find(|v| **v != o.failure).copied()
                    }
                    _ => None,
                }
                .ok_or_else(|| missing(desc, "success value of its outcome field"))?;
                data.set(o.field, success);
                data.set(o.message, Value::Null);
            }
            Err(message) => {
                data.set(o.field, o.failure);
                data.set(o.message, message);
                data.outcome = Outcome::Failure;
            }
        }
        Ok(data)
    }

    /// The answer of a read of an object's state: the member the operation's `untilValue`
    /// waiter watches is `state`.
    pub fn state(desc: &'static OperationDesc, state: &str) -> Result<Data, Failure> {
        let waiter = desc
            .waiter(WaiterKind::UntilValue)
            .ok_or_else(|| missing(desc, "waiter on a state"))?;
        let mut data = Data::example(desc)?;
        data.set(waiter.field, state);
        Ok(data)
    }

    /// The answer of a poll of something that finishes (the operation's `terminal` waiter):
    /// its watched member is `status`; the result member holds `result` (null until there is
    /// one) and the message member `message`. A failure value of the waiter is a failed call.
    pub fn progress(
        desc: &'static OperationDesc,
        status: &str,
        result: Option<&str>,
        message: Option<&str>,
    ) -> Result<Data, Failure> {
        let waiter = desc
            .waiter(WaiterKind::Terminal)
            .ok_or_else(|| missing(desc, "waiter on a process"))?;
        let mut data = Data::example(desc)?;
        data.set(waiter.field, status);
        if let Some(member) = waiter.result {
            data.set(member, result.map_or(Value::Null, Value::from));
        }
        if let Some(member) = waiter.message {
            data.set(member, message.map_or(Value::Null, Value::from));
        }
        if waiter.failure.contains(&status) {
            data.outcome = Outcome::Failure;
        }
        Ok(data)
    }

    /// Sets the member playing `role` (the member must exist: the caller needs it).
    pub fn set_role(&mut self, role: Role, value: impl Into<Value>) -> Result<(), Failure> {
        let field = self
            .desc
            .field_with(role)
            .ok_or_else(|| missing(self.desc, &format!("{role:?} member of Data")))?;
        self.set(field.name, value);
        Ok(())
    }

    fn set(&mut self, member: &str, value: impl Into<Value>) {
        self.members.insert(member.to_owned(), value.into());
    }

    /// The finished `Data`: the documented nulls applied for the call's outcome and
    /// parameters, read through the generated `Data` type, every documented member present.
    pub fn finish(self, params: &Params) -> Result<Value, Failure> {
        let Data {
            desc,
            mut members,
            outcome,
        } = self;
        apply_nulls(desc.fields, &mut members, outcome, params);
        let typed =
            meta::dispatch(desc.action).ok_or_else(|| missing(desc, "generated Data type"))?;
        let mut value = (typed.decode_data)(&Value::Object(members))
            .map_err(|e| {
                Failure::documented(
                    desc,
                    500,
                    &format!("(mock) its answer does not fit the generated Data type: {e}"),
                )
            })?
            .json;
        if let Value::Object(m) = &mut value {
            restore_nulls(desc.fields, m);
        }
        Ok(value)
    }
}

/// Sets to `null` every member whose `nullWhen` holds, at any depth.
fn apply_nulls(
    fields: &[FieldDesc],
    members: &mut Map<String, Value>,
    outcome: Outcome,
    params: &Params,
) {
    for f in fields {
        let Some(value) = members.get_mut(f.name) else {
            continue;
        };
        if f.null_when
            .is_some_and(|n| n.holds(outcome, params.pairs()))
        {
            *value = Value::Null;
        } else {
            nested(&f.kind, value, &mut |fields, m| {
                apply_nulls(fields, m, outcome, params)
            });
        }
    }
}

/// Writes `null` for every documented member missing from `members` (the generated types
/// leave a null member out), at any depth.
fn restore_nulls(fields: &[FieldDesc], members: &mut Map<String, Value>) {
    for f in fields {
        match members.get_mut(f.name) {
            None => {
                members.insert(f.name.to_owned(), Value::Null);
            }
            Some(value) => nested(&f.kind, value, &mut |fields, m| restore_nulls(fields, m)),
        }
    }
}

/// What runs on each object inside a member: its documented members and its value.
type EachObject<'a> = dyn FnMut(&[FieldDesc], &mut Map<String, Value>) + 'a;

/// Runs `each` on the objects inside `value` that `kind` describes.
fn nested(kind: &FieldKind, value: &mut Value, each: &mut EachObject<'_>) {
    match (kind, value) {
        (FieldKind::Object { fields }, Value::Object(m)) => each(fields, m),
        (FieldKind::Array { items }, Value::Array(list)) => {
            for item in list {
                nested(items, item, each);
            }
        }
        _ => {}
    }
}
