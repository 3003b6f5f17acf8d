//! The `operation::<op>` modules: per operation, a fluent builder in the style of
//! aws-sdk-rust, its output, its error (documented codes, one shared gateway variant,
//! `Unknown`, and the failures before or around the call) and its waiters.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, Module, Visibility, docs, ident, root, waiters};
use crate::model::{Field, Operation, Param, ValueType};
use crate::naming::{
    FAILED_VARIANT, GATEWAY_ERROR, GATEWAY_VARIANT, INVALID_VARIANT, OperationNames,
    RUNTIME_VARIANT, UNKNOWN_VARIANT,
};
use crate::position::escape_token;

/// The path from an operation module to the generated root.
const DEPTH: usize = 2;

/// One module per operation, sorted by module name.
pub(crate) fn modules(cx: &Cx<'_>) -> Vec<Module> {
    let mut modules: Vec<Module> = cx
        .spec
        .operations
        .iter()
        .filter_map(|(action, op)| {
            let names = cx.plan.operation(action)?;
            let mut text = format!("{}\n", op.summary);
            if let Some(description) = &op.description {
                text.push_str(&format!("\n{description}\n"));
            }
            text.push_str(&format!(
                "\nStart a call with [`Client::{m}`](super::super::Client::{m}), set its\n\
                 parameters on the [`{b}`] it returns, then `send()` it: the answer\n\
                 decodes into a [`{o}`], or the call fails with a [`{e}`].",
                m = names.method.trim_start_matches("r#"),
                b = names.builder,
                o = names.output,
                e = names.error,
            ));
            Some(Module::new(
                &names.module,
                Visibility::Public,
                text,
                operation(cx, action, op, names),
            ))
        })
        .collect();
    modules.sort_by(|a, b| {
        a.name
            .trim_start_matches("r#")
            .cmp(b.name.trim_start_matches("r#"))
    });
    modules
}

/// The Rust type a setter takes and how the stored value becomes wire text.
fn param_rust(cx: &Cx<'_>, param: &Param) -> (TokenStream, TokenStream, TokenStream) {
    let rt = &cx.rt;
    let r = root(DEPTH);
    // (stored type, setter argument type, conversion of `value` in the setter)
    match param.ty {
        ValueType::Int64 => (quote!(i64), quote!(i64), quote!(value)),
        ValueType::Boolean => (quote!(bool), quote!(bool), quote!(value)),
        ValueType::Enum => match param
            .enum_name
            .as_deref()
            .and_then(|e| cx.plan.enum_type(e))
        {
            Some(e) => {
                let e = ident(e);
                (quote!(#r::types::#e), quote!(#r::types::#e), quote!(value))
            }
            None => string_param(),
        },
        ValueType::JsonString => (
            quote!(::std::string::String),
            quote!(impl #rt::JsonText),
            // The user's text is sent as given, less a root `"$schema"` member (for editors).
            {
                let v = &cx.validate;
                quote!(#v::remove_schema_member(#rt::JsonText::into_json_text(value)))
            },
        ),
        ValueType::String | ValueType::Object | ValueType::Array => string_param(),
    }
}

fn string_param() -> (TokenStream, TokenStream, TokenStream) {
    (
        quote!(::std::string::String),
        quote!(impl ::std::convert::Into<::std::string::String>),
        quote!(value.into()),
    )
}

/// A pattern matching the values `values` of the `Data` member `field` of `action`, when the
/// member is an enum (`types::ProcessStatus::Fail`, in `Some(..)` when it is nullable); `None`
/// for a text member, which is compared as text.
pub(crate) fn value_pattern(
    cx: &Cx<'_>,
    action: &str,
    name: &str,
    field: &Field,
    values: &[String],
    depth: usize,
) -> Option<TokenStream> {
    if field.ty != ValueType::Enum {
        return None;
    }
    let ty = match &field.enum_name {
        Some(e) => cx.plan.enum_type(e)?,
        None => cx.plan.types.get(&format!(
            "/operations/{}/response/data/fields/{}",
            escape_token(action),
            escape_token(name)
        ))?,
    };
    let r = root(depth);
    let ty_ident = ident(ty);
    let variants: Vec<TokenStream> = values
        .iter()
        .map(|v| {
            let variant = ident(cx.plan.variant(ty, v)?);
            Some(quote!(#r::types::#ty_ident::#variant))
        })
        .collect::<Option<_>>()?;
    // No value at all can match nothing: an empty pattern is not Rust.
    if variants.is_empty() {
        return Some(quote!(_ if false));
    }
    Some(if field.null_when.is_some() {
        quote!(::std::option::Option::Some(#(#variants)|*))
    } else {
        quote!(#(#variants)|*)
    })
}

/// `value` (a `Data` member) as `&str`, whether it is an `Option` or not, an enum or text.
pub(crate) fn member_str(field: &Field, value: TokenStream) -> TokenStream {
    if field.null_when.is_some() {
        quote!(#value.as_ref().map(|v| v.as_str()).unwrap_or_default())
    } else {
        quote!(#value.as_str())
    }
}

/// `value` (a `Data` member) as `Option<String>`, whether it is an `Option` or not.
pub(crate) fn member_option(field: &Field, value: TokenStream) -> TokenStream {
    if field.null_when.is_some() {
        quote!(::std::clone::Clone::clone(&#value))
    } else {
        quote!(::std::option::Option::Some(::std::clone::Clone::clone(&#value)))
    }
}

/// Whether `member` (a `Data` member) holds one of `values`: by variant for an enum, as text
/// otherwise.
pub(crate) fn member_is(
    cx: &Cx<'_>,
    action: &str,
    name: &str,
    field: &Field,
    values: &[String],
    member: TokenStream,
    depth: usize,
) -> TokenStream {
    match value_pattern(cx, action, name, field, values, depth) {
        Some(pattern) => quote!(::std::matches!(#member, #pattern)),
        None => {
            let text = member_str(field, member);
            quote!([#(#values),*].contains(&#text))
        }
    }
}

fn operation(cx: &Cx<'_>, action: &str, op: &Operation, names: &OperationNames) -> TokenStream {
    let rt = &cx.rt;
    let r = root(DEPTH);
    let desc = ident(&names.desc);
    let builder = ident(&names.builder);
    let output = ident(&names.output);
    let error = ident(&names.error);
    let data = ident(&names.data);
    let member = |wire: &str| ident(names.params.get(wire).map_or(wire, String::as_str));

    let fields = op.parameters.iter().map(|(wire, p)| {
        let m = member(wire);
        let (stored, _, _) = param_rust(cx, p);
        quote!(#m: ::std::option::Option<#stored>,)
    });
    let nones = op.parameters.keys().map(|wire| {
        let m = member(wire);
        quote!(#m: ::std::option::Option::None,)
    });
    let setters = op.parameters.iter().map(|(wire, p)| {
        let m = member(wire);
        let (_, arg, conv) = param_rust(cx, p);
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
            pub fn #m(mut self, value: #arg) -> Self {
                self.#m = ::std::option::Option::Some(#conv);
                self
            }
        }
    });
    let from_wire = op.parameters.iter().map(|(wire, p)| {
        let m = member(wire);
        let value = match p.ty {
            ValueType::Int64 => quote!(
                value
                    .parse::<i64>()
                    .map_err(|_| desc.invalid_value(name, value))?
            ),
            ValueType::Boolean => quote!(
                value
                    .parse::<bool>()
                    .map_err(|_| desc.invalid_value(name, value))?
            ),
            ValueType::Enum
                if p.enum_name
                    .as_deref()
                    .and_then(|e| cx.plan.enum_type(e))
                    .is_some() =>
            {
                let (stored, _, _) = param_rust(cx, p);
                quote!(<#stored>::from(value.as_str()))
            }
            _ => quote!(::std::clone::Clone::clone(value)),
        };
        quote!(#wire => builder.#m = ::std::option::Option::Some(#value),)
    });
    let pushes = op.parameters.iter().map(|(wire, p)| {
        let m = member(wire);
        let text = match p.ty {
            ValueType::Int64 | ValueType::Boolean => {
                quote!(::std::string::ToString::to_string(value))
            }
            ValueType::Enum
                if p.enum_name
                    .as_deref()
                    .and_then(|e| cx.plan.enum_type(e))
                    .is_some() =>
            {
                quote!(::std::borrow::ToOwned::to_owned(value.as_str()))
            }
            _ => quote!(::std::clone::Clone::clone(value)),
        };
        quote! {
            if let ::std::option::Option::Some(value) = &self.#m {
                params.push((#wire, #text));
            }
        }
    });

    let data_fields = op.response.data.fields.as_ref();
    let outcome_check = op.response.outcome.as_ref().and_then(|o| {
        let status_field = data_fields?.get(&o.field)?;
        let message_field = data_fields?.get(&o.message)?;
        let status = ident(&crate::names::snake(&o.field));
        let message = ident(&crate::names::snake(&o.message));
        let failed = member_is(
            cx,
            action,
            &o.field,
            status_field,
            std::slice::from_ref(&o.failure),
            quote!(data.#status),
            DEPTH,
        );
        let status_text = member_str(status_field, quote!(data.#status));
        let message = member_option(message_field, quote!(data.#message));
        let failed_variant = ident(FAILED_VARIANT);
        Some(quote! {
            if #failed {
                return ::std::result::Result::Err(#error::#failed_variant(::std::boxed::Box::new(
                    #rt::OperationFailed::new(&response, #status_text, #message),
                )));
            }
        })
    });

    // Generated once per send, before the runtime's retries, so every attempt carries it.
    let token = op
        .parameters
        .iter()
        .find(|(_, p)| p.idempotency_token)
        .map(|(wire, _)| {
            let m = member(wire);
            quote! {
                if self.#m.is_none() {
                    self.#m = ::std::option::Option::Some(#rt::client_token());
                }
            }
        });
    let receiver = if token.is_some() {
        quote!(mut self)
    } else {
        quote!(self)
    };
    let invalid = ident(INVALID_VARIANT);
    let runtime = ident(RUNTIME_VARIANT);
    let error_enum = error_enum(cx, action, op, names);
    let waiters = waiters::for_operation(cx, action);
    let output_doc = docs(&format!(
        "The answer of {action}: its request ID and its `Data`, typed."
    ));
    let request_doc = docs(&format!(
        "A {action} call: set its parameters, then `send` it.\n\n{}",
        op.summary
    ));
    quote! {
        #request_doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        #[must_use = "a request does nothing until `send` is awaited"]
        pub struct #builder<'c> {
            client: &'c #r::Client,
            check_documents: bool,
            #(#fields)*
        }

        impl<'c> #builder<'c> {
            pub(crate) fn new(client: &'c #r::Client) -> Self {
                #builder { client, check_documents: true, #(#nones)* }
            }

            /// A builder with wire-form parameters (name, text) set, after the same checks
            /// `send` runs: the dynamic path tools take (`meta`).
            pub(crate) fn from_wire(
                client: &'c #r::Client,
                params: &[(::std::string::String, ::std::string::String)],
            ) -> ::std::result::Result<Self, #rt::describe::ValidationError> {
                let desc = &#r::meta::#desc;
                desc.validate(params.iter().map(|(name, value)| (name.as_str(), value.as_str())))?;
                let mut builder = Self::new(client);
                for (name, value) in params {
                    let name = name.as_str();
                    match name {
                        #(#from_wire)*
                        // `validate` refused every other name.
                        _ => {}
                    }
                }
                ::std::result::Result::Ok(builder)
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
                let desc = &#r::meta::#desc;
                let params = self.to_params();
                desc.validate(params.iter().map(|(name, value)| (*name, value.as_str())))?;
                if self.check_documents {
                    let wire: ::std::vec::Vec<(&str, &str)> =
                        params.iter().map(|(name, value)| (*name, value.as_str())).collect();
                    #r::meta::check_documents(desc, &wire)?;
                }
                // Each parameter where the table says it travels: the query or the form body.
                ::std::result::Result::Ok(desc.request(#r::meta::API_VERSION, params))
            }

            /// Checks the parameters, sends the call (with the runtime's retries) and decodes
            /// the answer.
            pub async fn send(#receiver) -> ::std::result::Result<#output, #error> {
                #token
                let request = self.to_request().map_err(#error::#invalid)?;
                let response = self.client.runtime().call(request).await.map_err(#error::from)?;
                let data: #r::types::#data = response.decode_data().map_err(#error::#runtime)?;
                #outcome_check
                ::std::result::Result::Ok(#output { request_id: response.request_id.clone(), data })
            }
        }

        #output_doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        pub struct #output {
            /// The request ID, for Alibaba Cloud support.
            pub request_id: ::std::option::Option<::std::string::String>,
            /// The answer's `Data`.
            pub data: #r::types::#data,
        }

        #error_enum

        #waiters
    }
}

/// The typed error of one operation: its documented codes, the shared gateway error, an
/// unknown code, and the failures before or around the call.
fn error_enum(cx: &Cx<'_>, action: &str, op: &Operation, names: &OperationNames) -> TokenStream {
    let rt = &cx.rt;
    let r = root(DEPTH);
    let error = ident(&names.error);
    let documented: Vec<(syn::Ident, &str, TokenStream)> = op
        .errors
        .iter()
        .filter_map(|e| {
            let variant = ident(names.errors.get(&e.code)?);
            let doc = docs(&format!("HTTP {} `{}`: {}", e.status, e.code, e.message));
            Some((variant, e.code.as_str(), doc))
        })
        .collect();
    let variants: Vec<&syn::Ident> = documented.iter().map(|(v, _, _)| v).collect();
    let variant_names: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
    let wires: Vec<&str> = documented.iter().map(|(_, c, _)| *c).collect();
    let variant_docs = documented.iter().map(|(_, _, d)| d);
    let gateway = ident(GATEWAY_VARIANT);
    let gateway_ty = ident(GATEWAY_ERROR);
    let unknown = ident(UNKNOWN_VARIANT);
    let failed = ident(FAILED_VARIANT);
    let invalid = ident(INVALID_VARIANT);
    let runtime = ident(RUNTIME_VARIANT);
    let (gateway_name, unknown_name, failed_name, invalid_name, runtime_name) = (
        GATEWAY_VARIANT,
        UNKNOWN_VARIANT,
        FAILED_VARIANT,
        INVALID_VARIANT,
        RUNTIME_VARIANT,
    );
    let outcome = op.response.outcome.is_some();
    let failed_variant = outcome.then(|| {
        quote! {
            /// The service took the call but reports that it failed (`Data.Status`), with
            /// `Data.Message` saying why.
            #failed(::std::boxed::Box<#rt::OperationFailed>),
        }
    });
    let failed_arm = |body: TokenStream| outcome.then(|| quote!(Self::#failed(e) => #body,));
    let failed_name_arm = outcome.then(|| quote!(Self::#failed(_) => #failed_name,));
    let failed_display = failed_arm(quote!(::std::fmt::Display::fmt(e, f)));
    let failed_source = failed_arm(quote!(::std::error::Error::source(&**e)));
    // Without a `Failed` variant these are plain expressions: a match with one arm is noise.
    let failed_get = if outcome {
        quote! {
            match self {
                Self::#failed(e) => ::std::option::Option::Some(e),
                _ => ::std::option::Option::None,
            }
        }
    } else {
        quote!(::std::option::Option::None)
    };
    let failed_message = if outcome {
        quote! {
            match self {
                Self::#failed(e) => e.message.as_deref(),
                _ => self.service_error().and_then(|e| e.message()),
            }
        }
    } else {
        quote!(self.service_error().and_then(|e| e.message()))
    };
    let failed_request_id = failed_arm(quote!(e.request_id.as_deref()));
    let failed_status = failed_arm(quote!(::std::option::Option::Some(e.status)));
    let doc = docs(&format!(
        "Why {action} failed.\n\nMatch a documented code by its variant, any gateway code through\n[`{GATEWAY_ERROR}`](super::super::error::{GATEWAY_ERROR}), or read [`code`](Self::code) and\n[`message`](Self::message) whatever the variant.",
    ));
    quote! {
        #doc
        #[derive(::std::fmt::Debug)]
        #[non_exhaustive]
        pub enum #error {
            #(#variant_docs #variants(::std::boxed::Box<#rt::ServiceError>),)*
            /// A code the gateway answers any call with (throttling, signature, access key,
            /// timestamp, …).
            #gateway(#r::error::#gateway_ty),
            /// The service answered with a code this client does not know.
            #unknown(::std::boxed::Box<#rt::ServiceError>),
            #failed_variant
            /// A parameter was refused before anything was sent.
            #invalid(#rt::describe::ValidationError),
            /// No usable answer: configuration, credentials, transport, retries exhausted or an
            /// answer that cannot be decoded.
            #runtime(#rt::Error),
        }

        impl #error {
            /// The variant's name (`ParamInvalid`, `Gateway`, …), for logs and tools.
            pub fn variant_name(&self) -> &'static str {
                match self {
                    #(Self::#variants(_) => #variant_names,)*
                    Self::#gateway(_) => #gateway_name,
                    Self::#unknown(_) => #unknown_name,
                    #failed_name_arm
                    Self::#invalid(_) => #invalid_name,
                    Self::#runtime(_) => #runtime_name,
                }
            }

            /// The service's error answer, when there was one.
            pub fn service_error(&self) -> ::std::option::Option<&#rt::ServiceError> {
                match self {
                    #(Self::#variants(e))|* | Self::#unknown(e) => ::std::option::Option::Some(e),
                    Self::#gateway(e) => ::std::option::Option::Some(e.service_error()),
                    _ => ::std::option::Option::None,
                }
            }

            /// The gateway error, when the answer has a gateway code.
            pub fn gateway_error(&self) -> ::std::option::Option<&#r::error::#gateway_ty> {
                match self {
                    Self::#gateway(e) => ::std::option::Option::Some(e),
                    _ => ::std::option::Option::None,
                }
            }

            /// The failed outcome a successful answer reported, when it did.
            pub fn failed(&self) -> ::std::option::Option<&#rt::OperationFailed> {
                #failed_get
            }

            /// Why the request was refused before sending, when it was.
            pub fn validation_error(&self) -> ::std::option::Option<&#rt::describe::ValidationError> {
                match self {
                    Self::#invalid(e) => ::std::option::Option::Some(e),
                    _ => ::std::option::Option::None,
                }
            }

            /// The service's error code, when there was one.
            pub fn code(&self) -> ::std::option::Option<&str> {
                self.service_error().and_then(|e| e.code())
            }

            /// The service's message: an error answer's, or the `Data` message of a failed
            /// outcome.
            pub fn message(&self) -> ::std::option::Option<&str> {
                #failed_message
            }

            /// The request ID, when the service answered.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                match self {
                    #failed_request_id
                    Self::#runtime(e) => e.request_id(),
                    _ => self.service_error().and_then(|e| e.request_id()),
                }
            }

            /// The HTTP status, when the service answered.
            pub fn status(&self) -> ::std::option::Option<u16> {
                match self {
                    #failed_status
                    Self::#runtime(e) => e.status(),
                    _ => self.service_error().map(|e| e.status()),
                }
            }
        }

        impl ::std::convert::From<#rt::Error> for #error {
            fn from(error: #rt::Error) -> Self {
                match error {
                    #rt::Error::Service(e) => match e.code() {
                        #(::std::option::Option::Some(#wires) => Self::#variants(e),)*
                        _ => match #r::error::#gateway_ty::from_service_error(e) {
                            ::std::result::Result::Ok(gateway) => Self::#gateway(gateway),
                            ::std::result::Result::Err(e) => Self::#unknown(e),
                        },
                    },
                    other => Self::#runtime(other),
                }
            }
        }

        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(Self::#variants(e))|* | Self::#unknown(e) => ::std::fmt::Display::fmt(e, f),
                    Self::#gateway(e) => ::std::fmt::Display::fmt(e, f),
                    #failed_display
                    Self::#invalid(e) => ::std::fmt::Display::fmt(e, f),
                    Self::#runtime(e) => ::std::fmt::Display::fmt(e, f),
                }
            }
        }

        impl ::std::error::Error for #error {
            /// Transparent: each variant's message is this error's, and its cause is the
            /// variant's cause (a transport failure's I/O error, for one).
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    #(Self::#variants(e))|* | Self::#unknown(e) => ::std::error::Error::source(&**e),
                    Self::#gateway(e) => ::std::error::Error::source(e),
                    #failed_source
                    Self::#invalid(e) => ::std::error::Error::source(e),
                    Self::#runtime(e) => ::std::error::Error::source(e),
                }
            }
        }
    }
}
