//! The typed dispatch: the generated client's own dynamic entries (`dataworks_di::meta`), one
//! per operation, as the suites use them. Names come from the engine's naming plan through the
//! generated code: nothing here parses `Debug` text or formats Rust.

use dataworks_di::meta;
use serde_json::Value;

/// Decodes `data` into the operation's generated `Data` type; gives it serialised back and its
/// `Debug` text (which tells an unknown enum value from a known one); `None` for an action the
/// spec does not have.
pub fn decode_data(action: &str, data: &Value) -> Option<Result<(Value, String), String>> {
    let op = meta::dispatch(action)?;
    Some((op.decode_data)(data).map(|typed| (typed.json, typed.debug)))
}

/// The variant of the operation's generated error enum that `error` converts to, and its
/// message; `None` for an action the spec does not have.
pub fn typed_error(action: &str, error: dwdi_runtime::Error) -> Option<(String, String)> {
    let op = meta::dispatch(action)?;
    let typed = (op.typed_error)(error);
    Some((typed.variant.to_owned(), typed.message))
}
