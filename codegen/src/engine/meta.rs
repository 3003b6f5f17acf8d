//! The hidden `meta` module: the plumbing tools use and users need not see.
//!
//! - the API's identity (product, version, the spec's SHA-256) and its region map;
//! - the tables (see `dwdi_runtime::describe`): every operation's descriptor (methods,
//!   parameters, `Data` fields with their nullability, documented errors, outcome) and the
//!   gateway codes with their status and class, which the client hands the runtime;
//! - the document validators and the check the builders run before sending;
//! - the dynamic entries: per operation, decode `Data` into the typed value, turn a runtime
//!   error into the typed error, and send by wire-form parameters through the typed builder.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, ident, root};
use crate::conform::enum_values;
use crate::load::LoadedSpec;
use crate::model::{
    Condition, ErrorClass, Field, HttpMethod, Location, Operation, Outcome, ParamFrom, Role,
    ValueType, Waiter, WaiterKind,
};
use crate::naming::CLIENT;
use crate::schemas::schema_stem;

/// The module's docs.
pub(crate) fn module_docs() -> String {
    "Plumbing: the tables of the API's facts, the document checks and the dynamic entries\n\
     that reach operations by action name. Used by the generated code and by tools; not part\n\
     of the API users program against."
        .to_owned()
}

/// Every item of `meta`.
pub(crate) fn items(cx: &Cx<'_>, loaded: &LoadedSpec) -> TokenStream {
    let rt = &cx.rt;
    let product = &cx.spec.product;
    let api_version = &cx.spec.api_version;
    let sha = &loaded.sha256;
    let regions = cx
        .spec
        .endpoints
        .regions
        .iter()
        .map(|(r, h)| quote!((#r, #h)));
    let default_endpoint = &cx.spec.endpoints.default;
    let gateway = cx.spec.gateway_errors.iter().map(|g| {
        let (code, status, message) = (&g.code, g.status, &g.when);
        let class = match g.class {
            ErrorClass::Throttling => quote!(Throttling),
            ErrorClass::Transient => quote!(Transient),
            ErrorClass::Server => quote!(Server),
            ErrorClass::Client => quote!(Client),
        };
        quote! {
            #rt::GatewayErrorDesc { code: #code, status: #status, class: #rt::ErrorKind::#class, message: #message }
        }
    });
    let mut actions: Vec<&String> = cx.spec.operations.keys().collect();
    actions.sort();
    let descs: TokenStream = actions
        .iter()
        .map(|a| descriptor(cx, a, &cx.spec.operations[*a]))
        .collect();
    let desc_idents: Vec<syn::Ident> = actions
        .iter()
        .filter_map(|a| cx.plan.operation(a))
        .map(|n| ident(&n.desc))
        .collect();
    let dynamic: TokenStream = actions.iter().map(|a| dynamic_module(cx, a)).collect();
    let dispatch = actions.iter().filter_map(|a| {
        let names = cx.plan.operation(a)?;
        let desc = ident(&names.desc);
        let module = ident(&names.module);
        Some(quote! {
            #rt::dynamic::DynOperation {
                desc: &#desc,
                decode_data: #module::decode_data,
                typed_error: #module::typed_error,
                send: #module::send,
                to_request: #module::to_request,
            }
        })
    });
    let client = ident(CLIENT);
    let documents = document_checks(cx);
    let waiters = waiter_table(cx);
    quote! {
        /// The Alibaba Cloud product these operations belong to.
        pub const PRODUCT: &str = #product;
        /// The API version every call sends.
        pub const API_VERSION: &str = #api_version;
        /// SHA-256 of the spec this code was generated from.
        pub const SPEC_SHA256: &str = #sha;
        /// Endpoint host per region; unlisted regions use the default pattern.
        pub const REGION_MAP: #rt::RegionMap = #rt::RegionMap::new(&[#(#regions),*], #default_endpoint);

        /// The codes the gateway can answer any call with: HTTP status, class (which decides
        /// retries) and meaning. The client hands this table to the runtime.
        pub static GATEWAY_ERRORS: &[#rt::GatewayErrorDesc] = &[#(#gateway),*];

        #descs

        /// What every operation accepts, answers and fails with, sorted by action name: the
        /// table the dynamic path (`dwdi call`) validates against, as the typed builders do.
        pub static OPERATIONS: &[&#rt::describe::OperationDesc] = &[#(&#desc_idents),*];

        /// The description of an operation, by action name.
        pub fn operation(action: &str) -> ::std::option::Option<&'static #rt::describe::OperationDesc> {
            OPERATIONS.iter().copied().find(|op| op.action == action)
        }

        #waiters

        /// Every operation by action name, sorted: decode its `Data`, type its errors, send it
        /// with wire-form parameters through the typed builder.
        pub static DISPATCH: &[#rt::dynamic::DynOperation<super::#client>] = &[#(#dispatch),*];

        /// The dynamic entry of an operation, by action name.
        pub fn dispatch(action: &str) -> ::std::option::Option<&'static #rt::dynamic::DynOperation<super::#client>> {
            DISPATCH.iter().find(|op| op.desc.action == action)
        }

        /// A typed value seen back as JSON, with its `Debug` text.
        fn typed<T: ::serde::Serialize + ::std::fmt::Debug>(value: &T) -> #rt::dynamic::TypedData {
            #rt::dynamic::TypedData {
                // The generated types have string keys only: serialising them cannot fail.
                json: ::serde_json::to_value(value)
                    .unwrap_or_else(|e| ::serde_json::Value::String(::std::format!("cannot encode: {e}"))),
                debug: ::std::format!("{value:#?}"),
            }
        }

        #dynamic

        #documents
    }
}

/// `WAITERS`: the spec's waiters as data, sorted by name, and the lookups tools use
/// (`dwdi wait NAME`, and `--wait` on the operations in a waiter's `after`).
fn waiter_table(cx: &Cx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let mut names: Vec<&String> = cx.spec.waiters.keys().collect();
    names.sort();
    let rows = names
        .iter()
        .map(|name| waiter_desc(cx, name, &cx.spec.waiters[*name]));
    quote! {
        /// The waiters (polling loops over one operation) as data, sorted by name: what the
        /// builders' `wait_…` methods do, for tools that wait by name.
        pub static WAITERS: &[#rt::describe::WaiterDesc] = &[#(#rows),*];

        /// The waiter of this name.
        pub fn waiter(name: &str) -> ::std::option::Option<&'static #rt::describe::WaiterDesc> {
            WAITERS.iter().find(|w| w.name == name)
        }

        /// The waiter that follows a call of `action` (it starts what the waiter waits for), and how.
        pub fn waiter_after(
            action: &str,
        ) -> ::std::option::Option<(&'static #rt::describe::WaiterDesc, &'static #rt::describe::WaitAfterDesc)> {
            WAITERS.iter().find_map(|w| w.after(action).map(|a| (w, a)))
        }
    }
}

fn descriptor(cx: &Cx<'_>, action: &str, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let Some(names) = cx.plan.operation(action) else {
        return quote!();
    };
    let desc = ident(&names.desc);
    let summary = &op.summary;
    let methods = op.methods.iter().map(|m| match m {
        HttpMethod::Post => quote!(#rt::HttpMethod::Post),
        HttpMethod::Get => quote!(#rt::HttpMethod::Get),
    });
    let params = op.parameters.iter().map(|(wire, p)| {
        let required = p.required;
        let description = &p.description;
        let idempotency_token = p.idempotency_token;
        let kind = match p.ty {
            ValueType::Int64 => {
                let (min, max) = p
                    .range
                    .map(|r| (r.minimum, r.maximum))
                    .unwrap_or((i64::MIN, i64::MAX));
                quote!(#rt::describe::ParamKind::Int64 { min: #min, max: #max })
            }
            ValueType::Boolean => quote!(#rt::describe::ParamKind::Boolean),
            ValueType::Enum => {
                let name = p.enum_name.as_deref().unwrap_or_default();
                let accepts = p
                    .accepts
                    .clone()
                    .unwrap_or_else(|| enum_values(cx.spec, Some(name)));
                quote!(#rt::describe::ParamKind::Enum { name: #name, accepts: &[#(#accepts),*] })
            }
            ValueType::JsonString => {
                let document = p.document.as_deref().unwrap_or_default();
                quote!(#rt::describe::ParamKind::JsonString { document: #document })
            }
            ValueType::String | ValueType::Object | ValueType::Array => {
                quote!(#rt::describe::ParamKind::String)
            }
        };
        let role = role(cx, p.role);
        let example = match p.example.as_ref().map(wire_text) {
            Some(text) => quote!(::std::option::Option::Some(#text)),
            None => quote!(::std::option::Option::None),
        };
        let location = match p.location.unwrap_or(cx.spec.http.parameter_location) {
            Location::Query => quote!(#rt::describe::ParamLocation::Query),
            Location::Body => quote!(#rt::describe::ParamLocation::Body),
        };
        let document_by = match &p.document_by {
            Some(by) => {
                let param = &by.param;
                let cases = by.cases.iter().map(|(value, document)| quote!((#value, #document)));
                quote!(::std::option::Option::Some(#rt::describe::DocumentBy { param: #param, cases: &[#(#cases),*] }))
            }
            None => quote!(::std::option::Option::None),
        };
        quote! {
            #rt::describe::ParamDesc {
                name: #wire,
                required: #required,
                kind: #kind,
                location: #location,
                document_by: #document_by,
                description: #description,
                idempotency_token: #idempotency_token,
                role: #role,
                example: #example,
            }
        }
    });
    let fields = op
        .response
        .data
        .fields
        .iter()
        .flatten()
        .map(|(wire, f)| field_desc(cx, wire, f));
    let errors = op.errors.iter().map(|e| {
        let (code, status, message) = (&e.code, e.status, &e.message);
        quote!(#rt::describe::ErrorDesc { code: #code, status: #status, message: #message })
    });
    let outcome = match &op.response.outcome {
        Some(o) => {
            let (field, failure, message) = (&o.field, &o.failure, &o.message);
            quote!(::std::option::Option::Some(#rt::describe::OutcomeDesc { field: #field, failure: #failure, message: #message }))
        }
        None => quote!(::std::option::Option::None),
    };
    let mut waiter_names: Vec<&String> = cx
        .spec
        .waiters
        .iter()
        .filter(|(_, w)| w.operation == action)
        .map(|(n, _)| n)
        .collect();
    waiter_names.sort();
    let waiters = waiter_names
        .into_iter()
        .map(|name| waiter_desc(cx, name, &cx.spec.waiters[name]));
    let example_data = super::example_data::example_data(cx.spec, op);
    quote! {
        #[doc = #summary]
        pub static #desc: #rt::describe::OperationDesc = #rt::describe::OperationDesc {
            action: #action,
            summary: #summary,
            methods: &[#(#methods),*],
            params: &[#(#params),*],
            fields: &[#(#fields),*],
            errors: &[#(#errors),*],
            outcome: #outcome,
            waiters: &[#(#waiters),*],
            example_data: #example_data,
        };
    }
}

/// A `WaiterDesc` for the waiter `name`: one form for the `WAITERS` table and for the
/// polled operation's own `waiters`.
fn waiter_desc(cx: &Cx<'_>, name: &str, w: &Waiter) -> TokenStream {
    let rt = &cx.rt;
    let kind = match w.kind {
        WaiterKind::Terminal => quote!(Terminal),
        WaiterKind::UntilValue => quote!(UntilValue),
    };
    let (description, operation, field) = (&w.description, &w.operation, &w.field);
    let (success, failure) = (&w.success, &w.failure);
    let option = |v: &Option<String>| match v {
        Some(text) => quote!(::std::option::Option::Some(#text)),
        None => quote!(::std::option::Option::None),
    };
    let (result, message) = (option(&w.result), option(&w.message));
    let after = w.after.iter().map(|(action, a)| {
        let (until, failure) = (&a.until, &a.failure);
        let params = a.params.iter().map(|(name, from)| {
            let from = match from {
                ParamFrom::Param(p) => quote!(#rt::describe::ParamFrom::Param(#p)),
                ParamFrom::Data(d) => quote!(#rt::describe::ParamFrom::Data(#d)),
            };
            quote!((#name, #from))
        });
        quote! {
            #rt::describe::WaitAfterDesc {
                operation: #action,
                until: &[#(#until),*],
                failure: &[#(#failure),*],
                params: &[#(#params),*],
            }
        }
    });
    quote! {
        #rt::describe::WaiterDesc {
            name: #name,
            description: #description,
            operation: #operation,
            kind: #rt::describe::WaiterKind::#kind,
            field: #field,
            success: &[#(#success),*],
            failure: &[#(#failure),*],
            result: #result,
            message: #message,
            after: &[#(#after),*],
        }
    }
}

/// A role, as the tables name it.
fn role(cx: &Cx<'_>, role: Option<Role>) -> TokenStream {
    let rt = &cx.rt;
    let variant = match role {
        None => return quote!(::std::option::Option::None),
        Some(Role::Workspace) => quote!(Workspace),
        Some(Role::ObjectKind) => quote!(ObjectKind),
        Some(Role::Task) => quote!(Task),
        Some(Role::Process) => quote!(Process),
        Some(Role::ProcessInput) => quote!(ProcessInput),
        Some(Role::RunSettings) => quote!(RunSettings),
        Some(Role::TaskConfig) => quote!(TaskConfig),
        Some(Role::TaskName) => quote!(TaskName),
    };
    quote!(::std::option::Option::Some(#rt::describe::Role::#variant))
}

/// An example value as the text sent on the wire: strings as they are, numbers and booleans
/// in their JSON spelling.
fn wire_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A `FieldDesc` for the member `wire` of an answer.
fn field_desc(cx: &Cx<'_>, wire: &str, field: &Field) -> TokenStream {
    let rt = &cx.rt;
    let kind = field_kind(cx, field);
    let description = &field.description;
    let null_when = match &field.null_when {
        None => quote!(::std::option::Option::None),
        Some(Condition::Outcome(o)) => {
            let outcome = match o.outcome {
                Outcome::Success => quote!(Success),
                Outcome::Failure => quote!(Failure),
            };
            quote!(::std::option::Option::Some(#rt::describe::NullWhen::Outcome(#rt::describe::Outcome::#outcome)))
        }
        Some(Condition::Param(p)) => {
            let (param, values) = (&p.param, &p.values);
            quote!(::std::option::Option::Some(#rt::describe::NullWhen::Param { param: #param, values: &[#(#values),*] }))
        }
    };
    let role = role(cx, field.role);
    quote! {
        #rt::describe::FieldDesc { name: #wire, kind: #kind, null_when: #null_when, description: #description, role: #role }
    }
}

fn field_kind(cx: &Cx<'_>, field: &Field) -> TokenStream {
    let rt = &cx.rt;
    match field.ty {
        ValueType::Int64 => quote!(#rt::describe::FieldKind::Int64),
        ValueType::String => quote!(#rt::describe::FieldKind::String),
        ValueType::Boolean => quote!(#rt::describe::FieldKind::Boolean),
        ValueType::JsonString => {
            let document = field.document.as_deref().unwrap_or_default();
            quote!(#rt::describe::FieldKind::JsonString { document: #document })
        }
        ValueType::Enum => {
            let mut values: Vec<String> = enum_values(cx.spec, field.enum_name.as_deref());
            for name in field.enum_by.iter().flat_map(|by| by.cases.values()) {
                for v in enum_values(cx.spec, Some(name)) {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
            }
            quote!(#rt::describe::FieldKind::Enum { values: &[#(#values),*] })
        }
        ValueType::Object => match &field.fields {
            Some(fields) => {
                let fields = fields.iter().map(|(w, f)| field_desc(cx, w, f));
                quote!(#rt::describe::FieldKind::Object { fields: &[#(#fields),*] })
            }
            None => quote!(#rt::describe::FieldKind::Any),
        },
        ValueType::Array => {
            let items = match &field.items {
                Some(item) => field_kind(cx, item),
                None => quote!(#rt::describe::FieldKind::Any),
            };
            quote!(#rt::describe::FieldKind::Array { items: &#items })
        }
    }
}

/// The dynamic entry points of one operation, in a private module named after it.
fn dynamic_module(cx: &Cx<'_>, action: &str) -> TokenStream {
    let rt = &cx.rt;
    let r = root(2);
    let Some(names) = cx.plan.operation(action) else {
        return quote!();
    };
    let module = ident(&names.module);
    let builder = ident(&names.builder);
    let error = ident(&names.error);
    let data = ident(&names.data);
    let invalid = ident(crate::naming::INVALID_VARIANT);
    let client = ident(CLIENT);
    quote! {
        mod #module {
            use #r::operation::#module::{#builder, #error};

            pub(super) fn decode_data(
                data: &::serde_json::Value,
            ) -> ::std::result::Result<#rt::dynamic::TypedData, ::std::string::String> {
                let typed: #r::types::#data = ::serde_json::from_value(::std::clone::Clone::clone(data))
                    .map_err(|e| ::std::format!("decode: {e}"))?;
                ::std::result::Result::Ok(super::typed(&typed))
            }

            pub(super) fn typed_error(error: #rt::Error) -> #rt::dynamic::DynError {
                dyn_error(#error::from(error))
            }

            pub(super) fn send<'a>(
                client: &'a #r::#client,
                params: &'a [(::std::string::String, ::std::string::String)],
            ) -> #rt::dynamic::SendFuture<'a> {
                ::std::boxed::Box::pin(async move {
                    let builder = #builder::from_wire(client, params)
                        .map_err(|e| dyn_error(#error::#invalid(e)))?;
                    match builder.send().await {
                        ::std::result::Result::Ok(output) => ::std::result::Result::Ok(#rt::dynamic::DynOutput {
                            request_id: ::std::clone::Clone::clone(&output.request_id),
                            data: super::typed(&output.data),
                        }),
                        ::std::result::Result::Err(e) => ::std::result::Result::Err(dyn_error(e)),
                    }
                })
            }

            pub(super) fn to_request(
                client: &#r::#client,
                params: &[(::std::string::String, ::std::string::String)],
                check_documents: bool,
            ) -> ::std::result::Result<#rt::RpcRequest, ::std::boxed::Box<#rt::dynamic::DynError>> {
                let refused = |e| ::std::boxed::Box::new(dyn_error(#error::#invalid(e)));
                let mut builder = #builder::from_wire(client, params).map_err(refused)?;
                if !check_documents {
                    builder = builder.skip_document_validation();
                }
                builder.to_request().map_err(refused)
            }

            fn dyn_error(error: #error) -> #rt::dynamic::DynError {
                #rt::dynamic::DynError {
                    variant: error.variant_name(),
                    message: ::std::string::ToString::to_string(&error),
                    service: error.service_error().cloned(),
                    failed: error.failed().cloned(),
                    invalid: error.validation_error().cloned(),
                }
            }
        }
    }
}

/// The document validators and the check the builders run.
fn document_checks(cx: &Cx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let v = &cx.validate;
    let mut table: Vec<(&String, syn::Ident, syn::Ident)> = cx
        .spec
        .documents
        .keys()
        .filter_map(|name| {
            Some((
                name,
                ident(cx.plan.schemas.get(name)?),
                ident(cx.plan.rules.get(name)?),
            ))
        })
        .collect();
    table.sort();
    let names: Vec<_> = table.iter().map(|(n, _, _)| n).collect();
    let consts: Vec<_> = table.iter().map(|(_, c, _)| c).collect();
    let rule_consts: Vec<_> = table.iter().map(|(_, _, r)| r).collect();
    // The kinds `dwdi validate` and `dwdi schema` take: each schema file's stem.
    let mut kinds: Vec<(String, &String, &String)> = table
        .iter()
        .filter_map(|(name, _, _)| {
            let doc = cx.spec.documents.get(*name)?;
            Some((schema_stem(name), *name, &doc.description))
        })
        .collect();
    kinds.sort();
    let kinds = kinds
        .iter()
        .map(|(kind, name, description)| quote!((#kind, #name, #description)));
    let arms = table.iter().map(|(name, schema_const, rules_const)| {
        quote! {
            #name => {
                static VALIDATOR: ::std::sync::OnceLock<::std::option::Option<#v::DocumentValidator>> = ::std::sync::OnceLock::new();
                VALIDATOR.get_or_init(|| #v::DocumentValidator::new(super::documents::#schema_const, super::documents::#rules_const).ok()).as_ref()
            }
        }
    });
    quote! {
        /// Every JSON document carried in a string, by name, with its JSON Schema text.
        pub static DOCUMENT_SCHEMAS: &[(&str, &str)] = &[#((#names, super::documents::#consts)),*];

        /// Every JSON document carried in a string, by name, with its rules file's text (what
        /// dwdi checks beyond the schema).
        pub static DOCUMENT_RULES: &[(&str, &str)] = &[#((#names, super::documents::#rule_consts)),*];

        /// Every JSON document as tools name it (`dwdi validate <kind>`, the schema file's
        /// stem), sorted: (kind, document name, what it is).
        pub static DOCUMENT_KINDS: &[(&str, &str, &str)] = &[#(#kinds),*];

        /// The validator of a JSON document carried in a string, by document name: the one
        /// `dwdi validate` and the request builders use. Built once, on first use.
        pub fn document_validator(document: &str) -> ::std::option::Option<&'static #v::DocumentValidator> {
            match document {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }

        /// Checks the JSON-in-a-string parameters of wire-form `params` with their documents'
        /// validators (errors only; warnings pass), as the builders do before sending.
        pub fn check_documents(
            operation: &#rt::describe::OperationDesc,
            params: &[(&str, &str)],
        ) -> ::std::result::Result<(), #rt::describe::ValidationError> {
            for (name, value) in params {
                let ::std::option::Option::Some(param) = operation.param(name) else { continue };
                // The document may depend on another parameter (a batch or a real-time job).
                let ::std::option::Option::Some(document) = param.document(params.iter().copied()) else { continue };
                let ::std::option::Option::Some(validator) = document_validator(document) else { continue };
                let details: ::std::vec::Vec<::std::string::String> = validator
                    .validate(value, false)
                    .into_iter()
                    .filter(|p| p.severity == #v::Severity::Error)
                    .map(|p| ::std::format!("{}:{}: {}: {}", p.line, p.column, p.pointer, p.message))
                    .collect();
                if !details.is_empty() {
                    return ::std::result::Result::Err(#rt::describe::ValidationError::invalid_document(
                        operation.action, param.name, value, document, &details,
                    ));
                }
            }
            ::std::result::Result::Ok(())
        }
    }
}
