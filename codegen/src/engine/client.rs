//! The client (in a private `client` module, re-exported at the root): one method per
//! operation handing out its fluent builder, and the constructors that give the runtime this
//! API's region map and gateway error classes.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, docs, examples, ident};
use crate::naming::CLIENT;

/// The `Client` type.
pub(crate) fn items(cx: &Cx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let client = ident(CLIENT);
    let mut ops: Vec<(&String, &crate::model::Operation)> = cx.spec.operations.iter().collect();
    ops.sort_by(|a, b| a.0.cmp(b.0));
    let methods = ops.into_iter().filter_map(|(action, op)| {
        let names = cx.plan.operation(action)?;
        let method = ident(&names.method);
        let module = ident(&names.module);
        let builder = ident(&names.builder);
        let doc = docs(&format!(
            "{}\n\n{}",
            op.summary,
            examples::operation_example(cx, action)
        ));
        Some(quote! {
            #doc
            pub fn #method(&self) -> super::operation::#module::#builder<'_> {
                super::operation::#module::#builder::new(self)
            }
        })
    });
    let doc = docs(&format!(
        "A client for every operation of {} {}; cheap to clone.\n\n\
         Each method starts a call: set its parameters on the builder it returns, then\n\
         `send()` it.",
        cx.spec.product, cx.spec.api_version
    ));
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct #client {
            runtime: ::std::sync::Arc<#rt::Runtime>,
        }

        impl #client {
            /// A client over a configured runtime. The runtime classifies error codes by this
            /// API's gateway table from then on, however it was built.
            pub fn new(runtime: #rt::Runtime) -> Self {
                #client {
                    runtime: ::std::sync::Arc::new(runtime.with_error_classes(super::meta::GATEWAY_ERRORS)),
                }
            }

            /// A runtime builder that already knows this API's region map and error classes.
            pub fn runtime_builder() -> #rt::RuntimeBuilder {
                #rt::Runtime::builder()
                    .region_map(super::meta::REGION_MAP)
                    .error_classes(super::meta::GATEWAY_ERRORS)
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
