//! An OpenAPI 3.1 description of the operations (`generated/openapi.json`), emitted from the
//! loaded spec with the rest of `generated/`, for the tools people already use: Schemathesis,
//! Prism, Postman, code generators.
//!
//! - [`protocol`]: what every RPC call carries (the action and version headers, the
//!   signature, the path trick: one path `/#<Action>` per action);
//! - [`requests`]: each operation's parameters, strict as the client is;
//! - [`answers`]: the success envelope with the typed `Data`, and one response per error
//!   status with its documented and gateway codes;
//! - [`schema`]: the schemas of parameters, answers and documents.
//!
//! Names of component schemas come from the naming plan, so the description and the
//! generated crate call each type the same.

mod answers;
mod protocol;
mod requests;
mod schema;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::engine::GENERATOR_VERSION;
use crate::load::LoadedSpec;
use crate::model::Spec;
use crate::naming::NamePlan;

pub use answers::ERROR_ENVELOPE;
pub use protocol::{ACTION_HEADER, RETRY_AFTER_HEADER, SECURITY_SCHEME, VERSION_HEADER, path};
pub use requests::location;

/// The description, relative to the workspace root.
pub const OPENAPI: &str = "generated/openapi.json";

/// The OpenAPI version the description follows.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The description of `loaded`'s operations.
pub fn description(loaded: &LoadedSpec) -> Value {
    let spec = &loaded.spec;
    let plan = NamePlan::of(spec);
    let mut schemas = Map::new();
    schema::document_components(spec, &plan, &mut schemas);
    schemas.insert(
        ERROR_ENVELOPE.to_owned(),
        answers::error_envelope(spec, &plan),
    );
    let mut paths = Map::new();
    for (action, op) in &spec.operations {
        let Some(names) = plan.operation(action) else {
            continue;
        };
        schemas.insert(
            names.data.clone(),
            schema::answer_schema(spec, &plan, &op.response.data),
        );
        let request = requests::request(spec, &plan, action, op);
        let method = if op.methods.contains(&spec.http.method) {
            spec.http.method
        } else {
            op.methods.first().copied().unwrap_or(spec.http.method)
        };
        let others: Vec<&str> = op
            .methods
            .iter()
            .filter(|m| **m != method)
            .map(|m| m.as_str())
            .collect();
        let mut description = op.description.clone().unwrap_or_else(|| op.summary.clone());
        if !others.is_empty() {
            description.push_str(&format!(
                "\n\nThe service also accepts {} for this action, with the same parameters \
                 in the query.",
                others.join(" and ")
            ));
        }
        if let Some(date) = &op.last_updated {
            description.push_str(&format!("\n\nDocumentation last updated {date}."));
        }
        let mut operation = Map::new();
        operation.insert("operationId".into(), json!(action));
        operation.insert("summary".into(), json!(op.summary));
        operation.insert("description".into(), json!(description));
        operation.insert("parameters".into(), Value::Array(request.parameters));
        if let Some(body) = request.body {
            operation.insert("requestBody".into(), body);
        }
        operation.insert(
            "responses".into(),
            Value::Object(answers::responses(spec, &plan, op, &names.data)),
        );
        paths.insert(
            protocol::path(spec, action),
            json!({ method.as_str().to_lowercase(): operation }),
        );
    }
    let schemas: BTreeMap<String, Value> = schemas.into_iter().collect();
    json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": format!("DataWorks Data Integration ({} {})", spec.product, spec.api_version),
            "version": spec.api_version,
            "description": info_description(spec),
            "x-dwdi-generated": format!(
                "dwdi-codegen {GENERATOR_VERSION} from spec sha256 {}; do not edit by hand: \
                 edit the spec and run `cargo run -p dwdi-codegen`",
                loaded.sha256
            ),
        },
        "servers": servers(spec),
        "security": [{ protocol::SECURITY_SCHEME: [] }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { protocol::SECURITY_SCHEME: protocol::security_scheme(spec) },
        },
    })
}

/// The text of [`OPENAPI`].
pub fn description_text(loaded: &LoadedSpec) -> String {
    let mut text =
        serde_json::to_string_pretty(&description(loaded)).expect("a description serialises");
    text.push('\n');
    text
}

/// The endpoints: one server with a region variable for the regions whose host follows the
/// default pattern, and one per other host, naming its regions.
fn servers(spec: &Spec) -> Vec<Value> {
    let pattern = &spec.endpoints.default;
    let scheme = protocol::ENDPOINT_SCHEME;
    let variable = pattern
        .split_once('{')
        .and_then(|(_, rest)| rest.split_once('}'))
        .map(|(name, _)| name.to_owned());
    let mut patterned = Vec::new();
    let mut others: Vec<(&str, Vec<&str>)> = Vec::new();
    for (region, host) in &spec.endpoints.regions {
        let follows = variable
            .as_ref()
            .is_some_and(|v| pattern.replace(&format!("{{{v}}}"), region) == *host);
        if follows {
            patterned.push(region.as_str());
        } else if let Some((_, regions)) = others.iter_mut().find(|(h, _)| h == host) {
            regions.push(region);
        } else {
            others.push((host, vec![region]));
        }
    }
    let mut servers = Vec::new();
    if let (Some(variable), Some(first)) = (&variable, patterned.first()) {
        servers.push(json!({
            "url": format!("{scheme}://{pattern}"),
            "description": spec.endpoints.description,
            "variables": { variable: { "default": first, "enum": patterned } },
        }));
    }
    for (host, regions) in others {
        servers.push(json!({
            "url": format!("{scheme}://{host}"),
            "description": format!("The endpoint of {}.", regions.join(", ")),
        }));
    }
    servers
}

/// How to read the description: the RPC path trick, signing, answers and errors.
fn info_description(spec: &Spec) -> String {
    let action = spec
        .operations
        .keys()
        .next()
        .map_or("<Action>", String::as_str);
    format!(
        "The operations of Alibaba Cloud's `{product}` API (version {version}) that dwdi \
         covers, generated from dwdi's spec; the same facts as the generated Rust client \
         `dataworks-di`.\n\n\
         **One path per action.** The API is RPC style: every call is `{method} {root}`, and \
         the `{action_header}` header names the operation. OpenAPI keys operations by path, \
         so each action has the path `{root}#<Action>`: the action in the URL fragment, which \
         HTTP clients never send, so the request still goes to `{root}`. Schemathesis and \
         Postman drop the fragment (Postman keeps it as the URL's hash); Prism routes by the \
         path it receives, so a call to `prism mock` names the fragment percent-encoded: \
         `{method} {root}%23{action}`. Each operation's `operationId` is its action.\n\n\
         **Signing.** Every request carries `{action_header}` and `{version_header}` (declared \
         on each operation) and a signature (the `{scheme}` security scheme says how).\n\n\
         **Parameters** travel in the query (or, where declared, in an \
         `application/x-www-form-urlencoded` body) and are described as strictly as the \
         client checks them: types, ranges, accepted values. A JSON document carried in a \
         string is described by its content (`application/json`) and its schema, the same \
         as `generated/schemas/`.\n\n\
         **Answers** are forward compatible, as the generated client decodes them: members \
         the spec does not name are allowed, and enumerations in answers list their \
         documented values in `x-extensible-enum` without refusing others. A member that may \
         be null says when in `x-dwdi-null-when`.\n\n\
         **Errors** are listed per HTTP status: the codes the operation's page documents and \
         the gateway codes any call can meet, each an example of the error envelope, whose \
         keys the service writes in PascalCase or camelCase.",
        product = spec.product,
        version = spec.api_version,
        method = spec.http.method.as_str(),
        root = spec.http.path,
        action_header = protocol::ACTION_HEADER,
        version_header = protocol::VERSION_HEADER,
        scheme = protocol::SECURITY_SCHEME,
    )
}

#[cfg(test)]
mod tests;
