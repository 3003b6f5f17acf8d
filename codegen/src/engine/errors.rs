//! The `error` module: the gateway errors as one shared type ([`GATEWAY_ERROR`] with a
//! [`GATEWAY_CODE`] enum), which every operation's error carries in one variant, and the
//! runtime's error types a caller meets, re-exported.
//!
//! Each operation's own error enum lives in its `operation::<op>` module (see
//! [`super::ops`]).

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, docs, ident, root};
use crate::naming::{GATEWAY_CODE, GATEWAY_ERROR};

/// The module's docs.
pub(crate) fn module_docs() -> String {
    "Errors shared by every operation.\n\n\
     Each operation's error (e.g. in `operation::<op>`) has a variant per error code its\n\
     page documents, one [`GatewayError`] variant for the codes any call can meet (throttling,\n\
     signature, access key, timestamp, …), `Unknown` for a code nobody documents, `Failed`\n\
     where `Data` reports that the call failed, `Invalid` for a request refused before\n\
     sending and `Runtime` for a failure without a usable answer. Service errors keep the\n\
     HTTP status, request id, code, message, recommend and raw body."
        .to_owned()
}

/// The gateway code enum, the gateway error and the re-exports.
pub(crate) fn items(cx: &Cx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let meta = root(1);
    let code_ty = ident(GATEWAY_CODE);
    let error_ty = ident(GATEWAY_ERROR);
    let rows: Vec<(syn::Ident, TokenStream, usize)> = cx
        .spec
        .gateway_errors
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let variant = ident(cx.plan.gateway.get(&g.code)?);
            let doc = docs(&format!(
                "HTTP {} `{}` ({}): {}",
                g.status,
                g.code,
                class_name(g),
                g.when
            ));
            Some((variant, doc, i))
        })
        .collect();
    let variants = rows.iter().map(|(v, doc, _)| quote!(#doc #v,));
    let all = rows.iter().map(|(v, _, _)| v);
    let row_arms = rows
        .iter()
        .map(|(v, _, i)| quote!(Self::#v => &#meta::meta::GATEWAY_ERRORS[#i],));
    // The code itself is also a literal here, so that `as_str` is a `const fn`: code that has
    // behaviour for a gateway code (the mock) names it by variant, even in a constant.
    let code_arms = rows.iter().map(|(v, _, i)| {
        let code = &cx.spec.gateway_errors[*i].code;
        quote!(Self::#v => #code,)
    });
    quote! {
        pub use #rt::describe::{Problem, ValidationError};
        pub use #rt::{
            ConfigError, CredentialsError, Error as RuntimeError, ErrorKind, OperationFailed,
            ServiceError, TransportError, WaitError, WaiterFailure,
        };

        /// A code the gateway can answer any call with. Its status, class and meaning are the
        /// spec's, read from the table the client hands the runtime.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::marker::Copy, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #code_ty {
            #(#variants)*
        }

        impl #code_ty {
            /// Every gateway code, in the spec's order.
            pub const ALL: &'static [#code_ty] = &[#(Self::#all),*];

            /// The code's row of the gateway table, where its facts are.
            fn row(self) -> &'static #rt::GatewayErrorDesc {
                match self {
                    #(#row_arms)*
                }
            }

            /// The code for `code`, if it is a gateway code.
            pub fn from_code(code: &str) -> ::std::option::Option<Self> {
                Self::ALL.iter().copied().find(|c| c.as_str() == code)
            }

            /// The code as the service sends it, e.g. `Throttling.User`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(#code_arms)*
                }
            }

            /// The HTTP status the gateway answers it with.
            pub fn status(self) -> u16 {
                self.row().status
            }

            /// Whether retrying can help: throttling, transient, server or client.
            pub fn class(self) -> ErrorKind {
                self.row().class
            }

            /// When the gateway answers it.
            pub fn description(self) -> &'static str {
                self.row().message
            }
        }

        impl ::std::fmt::Display for #code_ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// An error answer with one of the gateway's codes, which any operation can meet.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        pub struct #error_ty {
            code: #code_ty,
            error: ::std::boxed::Box<ServiceError>,
        }

        impl #error_ty {
            /// The gateway error an answer is, if its code is a gateway code; else the answer
            /// back.
            pub fn from_service_error(
                error: ::std::boxed::Box<ServiceError>,
            ) -> ::std::result::Result<Self, ::std::boxed::Box<ServiceError>> {
                match error.code().and_then(#code_ty::from_code) {
                    ::std::option::Option::Some(code) => ::std::result::Result::Ok(#error_ty { code, error }),
                    ::std::option::Option::None => ::std::result::Result::Err(error),
                }
            }

            /// The gateway code.
            pub fn code(&self) -> #code_ty {
                self.code
            }

            /// Whether retrying can help (the runtime already retried what it could).
            pub fn class(&self) -> ErrorKind {
                self.code.class()
            }

            /// The answer: status, request id, message, recommend and raw body.
            pub fn service_error(&self) -> &ServiceError {
                &self.error
            }

            /// The service's message.
            pub fn message(&self) -> ::std::option::Option<&str> {
                self.error.message()
            }

            /// The request ID, for Alibaba Cloud support.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                self.error.request_id()
            }

            /// The HTTP status.
            pub fn status(&self) -> u16 {
                self.error.status()
            }
        }

        impl ::std::fmt::Display for #error_ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.error, f)
            }
        }

        impl ::std::error::Error for #error_ty {
            /// Transparent: the answer's own message is this error's.
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                ::std::error::Error::source(&*self.error)
            }
        }
    }
}

/// The class as the table states it, for docs.
fn class_name(g: &crate::model::GatewayError) -> &'static str {
    use crate::model::ErrorClass;
    match g.class {
        ErrorClass::Throttling => "throttling",
        ErrorClass::Transient => "transient",
        ErrorClass::Server => "server",
        ErrorClass::Client => "client",
    }
}
