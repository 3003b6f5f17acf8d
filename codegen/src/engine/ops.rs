//! Operations: a description each (what the dynamic path and the builders validate against),
//! a request builder in the style of aws-sdk-rust, an output type, a typed error, and the
//! `Client` that hands out the builders.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::data_type;
use super::{Cx, docs, ident};
use crate::conform::enum_values;
use crate::model::{Operation, Param, ValueType};
use crate::names::{pascal, snake};

/// All operations, sorted by name, then the client and the description table.
pub(crate) fn all(cx: &Cx<'_>) -> TokenStream {
    let mut names: Vec<&String> = cx.spec.operations.keys().collect();
    names.sort();
    let rt = &cx.rt;
    let per_op: TokenStream = names
        .iter()
        .map(|n| operation(cx, n, &cx.spec.operations[*n]))
        .collect();
    let descs = names.iter().map(|n| desc_ident(n));
    let methods = names.iter().map(|n| {
        let op = &cx.spec.operations[*n];
        let method = ident(&snake(n));
        let request = request_type(n);
        let doc = docs(&op.summary);
        quote! {
            #doc
            pub fn #method(&self) -> #request<'_> {
                #request::new(self)
            }
        }
    });
    quote! {
        #per_op

        /// What every operation accepts, sorted by action name: the table the dynamic path
        /// (`dwdi call`) validates against, as the typed builders do.
        pub static OPERATIONS: &[&#rt::describe::OperationDesc] = &[#(&#descs),*];

        /// The description of an operation, by action name.
        pub fn operation(action: &str) -> ::std::option::Option<&'static #rt::describe::OperationDesc> {
            OPERATIONS.iter().copied().find(|op| op.action == action)
        }

        /// A client for every operation; cheap to clone.
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct Client {
            runtime: ::std::sync::Arc<#rt::Runtime>,
        }

        impl Client {
            /// A client over a configured runtime.
            pub fn new(runtime: #rt::Runtime) -> Self {
                Client { runtime: ::std::sync::Arc::new(runtime) }
            }

            /// A runtime builder that already knows this API's region map.
            pub fn runtime_builder() -> #rt::RuntimeBuilder {
                #rt::Runtime::builder().region_map(REGION_MAP)
            }

            /// A client configured from the environment and the Alibaba Cloud CLI profile.
            pub fn from_env() -> ::std::result::Result<Self, #rt::Error> {
                ::std::result::Result::Ok(Self::new(Self::runtime_builder().build()?))
            }

            /// The runtime the client calls through.
            pub fn runtime(&self) -> &#rt::Runtime {
                &self.runtime
            }

            #(#methods)*
        }
    }
}

fn desc_ident(op_name: &str) -> syn::Ident {
    // Upper case is never a keyword: drop a raw prefix (`r#match` → `MATCH`, not `R#MATCH`).
    ident(&snake(op_name).trim_start_matches("r#").to_uppercase())
}

fn request_type(op_name: &str) -> syn::Ident {
    ident(&format!("{}Request", pascal(op_name)))
}

fn output_type(op_name: &str) -> syn::Ident {
    ident(&format!("{}Output", pascal(op_name)))
}

fn error_type(op_name: &str) -> syn::Ident {
    ident(&format!("{}Error", pascal(op_name)))
}

/// The Rust type a setter takes and how the stored value becomes wire text.
fn param_rust(rt: &syn::Path, param: &Param) -> (TokenStream, TokenStream, TokenStream) {
    // (stored type, setter argument type, conversion of `value` in the setter)
    match param.ty {
        ValueType::Int64 => (quote!(i64), quote!(i64), quote!(value)),
        ValueType::Boolean => (quote!(bool), quote!(bool), quote!(value)),
        ValueType::Enum => {
            let e = ident(&pascal(param.enum_name.as_deref().unwrap_or("String")));
            (quote!(#e), quote!(#e), quote!(value))
        }
        ValueType::JsonString => (
            quote!(::std::string::String),
            quote!(impl #rt::JsonText),
            quote!(#rt::JsonText::into_json_text(value)),
        ),
        ValueType::String | ValueType::Object | ValueType::Array => (
            quote!(::std::string::String),
            quote!(impl ::std::convert::Into<::std::string::String>),
            quote!(value.into()),
        ),
    }
}

fn operation(cx: &Cx<'_>, op_name: &str, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let desc = desc_ident(op_name);
    let request = request_type(op_name);
    let output = output_type(op_name);
    let error = error_type(op_name);
    let data = data_type(op_name);
    let summary = &op.summary;

    let param_descs = op.parameters.iter().map(|(wire, p)| {
        let required = p.required;
        let description = &p.description;
        let kind = match p.ty {
            ValueType::Int64 => {
                let (min, max) = p
                    .range
                    .map(|r| (r.minimum, r.maximum))
                    .unwrap_or((i64::MIN, i64::MAX));
                quote!(#rt::describe::ParamKind::Int64 { min: #min, max: #max })
            }
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
            _ => quote!(#rt::describe::ParamKind::String),
        };
        quote! {
            #rt::describe::ParamDesc { name: #wire, required: #required, kind: #kind, description: #description }
        }
    });

    let fields = op.parameters.iter().map(|(wire, p)| {
        let member = ident(&snake(wire));
        let (stored, _, _) = param_rust(rt, p);
        quote!(#member: ::std::option::Option<#stored>,)
    });
    let nones = op.parameters.keys().map(|wire| {
        let member = ident(&snake(wire));
        quote!(#member: ::std::option::Option::None,)
    });
    let setters = op.parameters.iter().map(|(wire, p)| {
        let member = ident(&snake(wire));
        let (_, arg, conv) = param_rust(rt, p);
        let mut text = format!("Sets `{wire}`: {}", p.description);
        if let Some(r) = p.range {
            text.push_str(&format!("\n\nAccepted: {}..={}.", r.minimum, r.maximum));
        }
        if let Some(a) = &p.accepts {
            text.push_str(&format!("\n\nThis operation accepts: {}.", a.join(", ")));
        }
        text.push_str(if p.required {
            "\n\nRequired."
        } else {
            "\n\nOptional."
        });
        let doc = docs(&text);
        quote! {
            #doc
            pub fn #member(mut self, value: #arg) -> Self {
                self.#member = ::std::option::Option::Some(#conv);
                self
            }
        }
    });
    let pushes = op.parameters.iter().map(|(wire, p)| {
        let member = ident(&snake(wire));
        let text = match p.ty {
            ValueType::Int64 | ValueType::Boolean => {
                quote!(::std::string::ToString::to_string(value))
            }
            ValueType::Enum => quote!(::std::borrow::ToOwned::to_owned(value.as_str())),
            _ => quote!(::std::clone::Clone::clone(value)),
        };
        quote! {
            if let ::std::option::Option::Some(value) = &self.#member {
                params.push((#wire, #text));
            }
        }
    });

    let outcome_check = match &op.response.outcome {
        Some(o) => {
            let failure = &o.failure;
            let status = ident(&snake(&o.field));
            let message = ident(&snake(&o.message));
            let nullable = op
                .response
                .data
                .fields
                .as_ref()
                .and_then(|f| f.get(&o.message))
                .is_some_and(|f| f.null_when.is_some());
            let message = if nullable {
                quote!(data.#message.clone())
            } else {
                quote!(::std::option::Option::Some(data.#message.clone()))
            };
            quote! {
                if data.#status.as_str() == #failure {
                    return ::std::result::Result::Err(#error::Failed(::std::boxed::Box::new(
                        #rt::OperationFailed::new(&response, data.#status.as_str(), #message),
                    )));
                }
            }
        }
        None => quote!(),
    };

    // Generated once per send, before the runtime's retries, so every attempt carries it.
    let token = op
        .parameters
        .iter()
        .find(|(_, p)| p.idempotency_token)
        .map(|(wire, _)| {
            let member = ident(&snake(wire));
            quote! {
                if self.#member.is_none() {
                    self.#member = ::std::option::Option::Some(#rt::client_token());
                }
            }
        });
    let receiver = if token.is_some() {
        quote!(mut self)
    } else {
        quote!(self)
    };
    let outcome_desc = match &op.response.outcome {
        Some(o) => {
            let (field, failure, message) = (&o.field, &o.failure, &o.message);
            quote!(::std::option::Option::Some(#rt::describe::OutcomeDesc { field: #field, failure: #failure, message: #message }))
        }
        None => quote!(::std::option::Option::None),
    };
    let error_enum = error_enum(cx, op_name, op);
    let output_doc = format!("The answer of {op_name}.");
    let request_doc = format!("A {op_name} call: set its parameters, then `send` it.\n\n{summary}");
    let request_doc = docs(&request_doc);
    quote! {
        #[doc = #summary]
        pub static #desc: #rt::describe::OperationDesc = #rt::describe::OperationDesc {
            action: #op_name,
            summary: #summary,
            params: &[#(#param_descs),*],
            outcome: #outcome_desc,
        };

        #request_doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        #[must_use = "a request does nothing until `send` is awaited"]
        pub struct #request<'c> {
            client: &'c Client,
            check_documents: bool,
            #(#fields)*
        }

        impl<'c> #request<'c> {
            fn new(client: &'c Client) -> Self {
                #request { client, check_documents: true, #(#nones)* }
            }

            /// Sends JSON-in-a-string parameters without validating their documents first
            /// (they are still checked to be JSON). For this call only.
            pub fn skip_document_validation(mut self) -> Self {
                self.check_documents = false;
                self
            }

            #(#setters)*

            /// The parameters set so far, in wire form and documentation order.
            pub fn to_params(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                let mut params = ::std::vec::Vec::new();
                #(#pushes)*
                params
            }

            /// The request as the runtime sends it, after checking every parameter; nothing
            /// is sent.
            pub fn to_request(&self) -> ::std::result::Result<#rt::RpcRequest, #rt::describe::ValidationError> {
                let params = self.to_params();
                #desc.validate(params.iter().map(|(name, value)| (*name, value.as_str())))?;
                if self.check_documents {
                    let wire: ::std::vec::Vec<(&str, &str)> =
                        params.iter().map(|(name, value)| (*name, value.as_str())).collect();
                    check_documents(&#desc, &wire)?;
                }
                let mut request = #rt::RpcRequest::new(#desc.action, API_VERSION);
                for (name, value) in params {
                    request = request.param(name, value);
                }
                ::std::result::Result::Ok(request)
            }

            /// Checks the parameters, sends the call (with the runtime's retries) and decodes
            /// the answer.
            pub async fn send(#receiver) -> ::std::result::Result<#output, #error> {
                #token
                let request = self.to_request().map_err(#error::Invalid)?;
                let response = self.client.runtime.call(request).await.map_err(#error::from)?;
                let data: #data = response.decode_data().map_err(#error::Runtime)?;
                #outcome_check
                ::std::result::Result::Ok(#output { request_id: response.request_id.clone(), data })
            }
        }

        #[doc = #output_doc]
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        pub struct #output {
            /// The request ID, for Alibaba Cloud support.
            pub request_id: ::std::option::Option<::std::string::String>,
            /// The answer's `Data`.
            pub data: #data,
        }

        #error_enum
    }
}

/// The typed error of one operation: its documented codes, the gateway codes any call can
/// meet, an unknown code, and the failures before or around the call.
fn error_enum(cx: &Cx<'_>, op_name: &str, op: &Operation) -> TokenStream {
    let rt = &cx.rt;
    let error = error_type(op_name);
    let mut codes: Vec<(String, String)> = op
        .errors
        .iter()
        .map(|e| {
            (
                e.code.clone(),
                format!("HTTP {} `{}`: {}", e.status, e.code, e.message),
            )
        })
        .collect();
    for g in &cx.spec.gateway_errors {
        if !codes.iter().any(|(c, _)| *c == g.code) {
            codes.push((
                g.code.clone(),
                format!("HTTP {} `{}` (gateway): {}", g.status, g.code, g.when),
            ));
        }
    }
    let variants: Vec<syn::Ident> = codes.iter().map(|(c, _)| ident(&pascal(c))).collect();
    let wires: Vec<&str> = codes.iter().map(|(c, _)| c.as_str()).collect();
    let variant_docs = codes.iter().map(|(_, d)| docs(d));
    let outcome = op.response.outcome.is_some();
    let failed_variant = outcome.then(|| {
        quote! {
            /// The service took the call but reports that it failed (`Data.Status`), with
            /// `Data.Message` saying why.
            Failed(::std::boxed::Box<#rt::OperationFailed>),
        }
    });
    let failed_display =
        outcome.then(|| quote!(Self::Failed(e) => ::std::fmt::Display::fmt(e, f),));
    let doc = format!("Why {op_name} failed.");
    quote! {
        #[doc = #doc]
        #[derive(::std::fmt::Debug)]
        #[non_exhaustive]
        pub enum #error {
            #(#variant_docs #variants(::std::boxed::Box<#rt::ServiceError>),)*
            /// The service answered with a code this client does not know.
            Unknown(::std::boxed::Box<#rt::ServiceError>),
            #failed_variant
            /// A parameter was refused before anything was sent.
            Invalid(#rt::describe::ValidationError),
            /// No usable answer: configuration, credentials, transport, retries exhausted or an
            /// answer that cannot be decoded.
            Runtime(#rt::Error),
        }

        impl #error {
            /// The service's error answer, when there was one.
            pub fn service_error(&self) -> ::std::option::Option<&#rt::ServiceError> {
                match self {
                    #(Self::#variants(e))|* | Self::Unknown(e) => ::std::option::Option::Some(e),
                    _ => ::std::option::Option::None,
                }
            }

            /// The service's error code, when there was one.
            pub fn code(&self) -> ::std::option::Option<&str> {
                self.service_error().and_then(|e| e.code.as_deref())
            }
        }

        impl ::std::convert::From<#rt::Error> for #error {
            fn from(error: #rt::Error) -> Self {
                match error {
                    #rt::Error::Service(e) => match e.code.as_deref() {
                        #(::std::option::Option::Some(#wires) => Self::#variants(e),)*
                        _ => Self::Unknown(e),
                    },
                    other => Self::Runtime(other),
                }
            }
        }

        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(Self::#variants(e))|* | Self::Unknown(e) => ::std::fmt::Display::fmt(e, f),
                    #failed_display
                    Self::Invalid(e) => ::std::fmt::Display::fmt(e, f),
                    Self::Runtime(e) => ::std::fmt::Display::fmt(e, f),
                }
            }
        }

        impl ::std::error::Error for #error {}
    }
}
