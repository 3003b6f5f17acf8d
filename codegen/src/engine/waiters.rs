//! Waiters: polling loops over one operation, as methods of its request builder, built on the
//! runtime's waiter loop. `terminal` waiters (`wait_for_<name>`) end on a success or failure
//! value and return a result field; `untilValue` waiters (`wait_until_<name>`) end when the
//! watched field equals the caller's value and return the last answer.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, docs, ident};
use crate::model::{Field, Waiter, WaiterKind};
use crate::names::{pascal, snake};

/// Every waiter, sorted by name.
pub(crate) fn all(cx: &Cx<'_>) -> TokenStream {
    let mut names: Vec<&String> = cx.spec.waiters.keys().collect();
    names.sort();
    names
        .into_iter()
        .map(|name| waiter(cx, name, &cx.spec.waiters[name]))
        .collect()
}

fn data_field<'a>(cx: &'a Cx<'_>, waiter: &Waiter, name: &str) -> Option<&'a Field> {
    cx.spec
        .operations
        .get(&waiter.operation)?
        .response
        .data
        .fields
        .as_ref()?
        .get(name)
}

/// `value` as `&str`, whether the field is an `Option` or not.
fn as_str(field: &Field, value: TokenStream) -> TokenStream {
    if field.null_when.is_some() {
        quote!(#value.as_ref().map(|v| v.as_str()).unwrap_or_default())
    } else {
        quote!(#value.as_str())
    }
}

/// `value` as `Option<String>`, whether the field is an `Option` or not.
fn as_option(field: &Field, value: TokenStream) -> TokenStream {
    if field.null_when.is_some() {
        quote!(#value.clone())
    } else {
        quote!(::std::option::Option::Some(#value.clone()))
    }
}

fn waiter(cx: &Cx<'_>, name: &str, waiter: &Waiter) -> TokenStream {
    let rt = &cx.rt;
    let op_type = pascal(&waiter.operation);
    let request = ident(&format!("{op_type}Request"));
    let output = ident(&format!("{op_type}Output"));
    let error = ident(&format!("{op_type}Error"));
    let action = &waiter.operation;
    let Some(watched) = data_field(cx, waiter, &waiter.field) else {
        return quote!();
    };
    let field = ident(&snake(&waiter.field));
    let status = as_str(watched, quote!(output.data.#field));
    let failure = &waiter.failure;
    let message = match waiter
        .message
        .as_deref()
        .and_then(|m| data_field(cx, waiter, m))
    {
        Some(m) => {
            let member = ident(&snake(waiter.message.as_deref().unwrap_or_default()));
            as_option(m, quote!(output.data.#member))
        }
        None => quote!(::std::option::Option::None),
    };
    let fail_state = quote! {
        if [#(#failure),*].contains(&status) {
            return #rt::Poll::Failed(#rt::WaiterFailure::State(::std::boxed::Box::new(
                #rt::OperationFailed::from_parts(
                    #action,
                    output.request_id.clone(),
                    status,
                    #message,
                    ::serde_json::to_string(&output.data).unwrap_or_default(),
                ),
            )));
        }
    };
    let doc = docs(&waiter.description);
    match waiter.kind {
        WaiterKind::Terminal => {
            let method = ident(&format!("wait_for_{}", snake(name)));
            let success = &waiter.success;
            let Some(result_field) = waiter
                .result
                .as_deref()
                .and_then(|r| data_field(cx, waiter, r))
            else {
                return quote!();
            };
            let result = ident(&snake(waiter.result.as_deref().unwrap_or_default()));
            let result_value = as_option(result_field, quote!(output.data.#result));
            let missing = format!(
                "{} reports success but returns no {}",
                waiter.operation,
                waiter.result.as_deref().unwrap_or_default()
            );
            quote! {
                impl #request<'_> {
                    #doc
                    pub async fn #method(
                        self,
                        config: &#rt::WaiterConfig,
                    ) -> ::std::result::Result<::std::string::String, #rt::WaitError<#rt::WaiterFailure<#error>>> {
                        #rt::wait(config, |_| {
                            let request = ::std::clone::Clone::clone(&self);
                            async move {
                                let output = match request.send().await {
                                    ::std::result::Result::Ok(output) => output,
                                    ::std::result::Result::Err(e) => return #rt::Poll::Failed(#rt::WaiterFailure::Call(e)),
                                };
                                let status = #status;
                                #fail_state
                                if [#(#success),*].contains(&status) {
                                    return match #result_value {
                                        ::std::option::Option::Some(value) => #rt::Poll::Done(value),
                                        ::std::option::Option::None => #rt::Poll::Failed(#rt::WaiterFailure::State(::std::boxed::Box::new(
                                            #rt::OperationFailed::from_parts(
                                                #action,
                                                output.request_id.clone(),
                                                status,
                                                ::std::option::Option::Some(::std::borrow::ToOwned::to_owned(#missing)),
                                                ::serde_json::to_string(&output.data).unwrap_or_default(),
                                            ),
                                        ))),
                                    };
                                }
                                #rt::Poll::Pending
                            }
                        })
                        .await
                    }
                }
            }
        }
        WaiterKind::UntilValue => {
            let method = ident(&format!("wait_until_{}", snake(name)));
            let ty = super::types::data_field_type(cx, &waiter.operation, &waiter.field, watched);
            let reached = if watched.null_when.is_some() {
                quote!(output.data.#field.as_ref() == ::std::option::Option::Some(&wanted))
            } else {
                quote!(output.data.#field == wanted)
            };
            quote! {
                impl #request<'_> {
                    #doc
                    pub async fn #method(
                        self,
                        wanted: #ty,
                        config: &#rt::WaiterConfig,
                    ) -> ::std::result::Result<#output, #rt::WaitError<#rt::WaiterFailure<#error>>> {
                        #rt::wait(config, |_| {
                            let request = ::std::clone::Clone::clone(&self);
                            let wanted = ::std::clone::Clone::clone(&wanted);
                            async move {
                                let output = match request.send().await {
                                    ::std::result::Result::Ok(output) => output,
                                    ::std::result::Result::Err(e) => return #rt::Poll::Failed(#rt::WaiterFailure::Call(e)),
                                };
                                if #reached {
                                    return #rt::Poll::Done(output);
                                }
                                let status = #status;
                                #fail_state
                                #rt::Poll::Pending
                            }
                        })
                        .await
                    }
                }
            }
        }
    }
}
