//! The typed dispatch generated from the spec by `build.rs`: one arm per operation.

use serde::Serialize;
use serde::de::DeserializeOwned;

include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));

/// Decodes `data` into `T`; gives the typed value serialised back to JSON, and its `Debug`
/// text (which tells `Unknown("true")` from a known value).
fn typed_data<T: DeserializeOwned + Serialize + std::fmt::Debug>(
    data: &::serde_json::Value,
) -> Result<(::serde_json::Value, String), String> {
    let typed: T = serde_json::from_value(data.clone()).map_err(|e| format!("decode: {e}"))?;
    let json = serde_json::to_value(&typed).map_err(|e| format!("encode: {e}"))?;
    Ok((json, format!("{typed:#?}")))
}

/// The variant name of a generated error enum value, from its `Debug` text (`Name(..)`),
/// and its `Display` text.
fn describe_error(error: &(impl std::fmt::Debug + std::fmt::Display)) -> (String, String) {
    let text = format!("{error:?}");
    let variant = text
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .to_owned();
    (variant, error.to_string())
}
