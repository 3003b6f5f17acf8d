//! Waiters: polling loops over one operation, as methods of its fluent builder (named by the
//! plan), built on the runtime's waiter loop. `terminal` waiters (`wait_for_<name>`) end on a
//! success or failure value and return a result field; `untilValue` waiters
//! (`wait_until_<name>`) end when the watched field equals the caller's value and return the
//! last answer. Values are matched as enum variants where the field is an enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::ops::{member_is, member_option, member_str};
use super::{Cx, docs, ident, root};
use crate::model::{Field, Waiter, WaiterKind};
use crate::names::snake;
use crate::position::escape_token;

/// The waiters are emitted in their operation's module.
const DEPTH: usize = 2;

/// The waiters polling `action`, sorted by name.
pub(crate) fn for_operation(cx: &Cx<'_>, action: &str) -> TokenStream {
    let mut names: Vec<&String> = cx
        .spec
        .waiters
        .iter()
        .filter(|(_, w)| w.operation == action)
        .map(|(n, _)| n)
        .collect();
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

fn waiter(cx: &Cx<'_>, name: &str, waiter: &Waiter) -> TokenStream {
    let rt = &cx.rt;
    let action = &waiter.operation;
    let (Some(names), Some(watched)) = (
        cx.plan.operation(action),
        data_field(cx, waiter, &waiter.field),
    ) else {
        return quote!();
    };
    let Some(method) = names.waiters.get(name) else {
        return quote!();
    };
    let method = ident(method);
    let builder = ident(&names.builder);
    let output = ident(&names.output);
    let error = ident(&names.error);
    let field = ident(&snake(&waiter.field));
    let status = member_str(watched, quote!(output.data.#field));
    let is = |values: &[String]| {
        member_is(
            cx,
            action,
            &waiter.field,
            watched,
            values,
            quote!(output.data.#field),
            DEPTH,
        )
    };
    let failed = is(&waiter.failure);
    let message = match waiter
        .message
        .as_deref()
        .and_then(|m| data_field(cx, waiter, m))
    {
        Some(m) => {
            let member = ident(&snake(waiter.message.as_deref().unwrap_or_default()));
            member_option(m, quote!(output.data.#member))
        }
        None => quote!(::std::option::Option::None),
    };
    let fail_state = quote! {
        if #failed {
            return #rt::Poll::Failed(#rt::WaiterFailure::State(::std::boxed::Box::new(
                #rt::OperationFailed::from_parts(
                    #action,
                    output.request_id.clone(),
                    #status,
                    #message,
                    ::serde_json::to_string(&output.data).unwrap_or_default(),
                ),
            )));
        }
    };
    let doc = docs(&waiter.description);
    match waiter.kind {
        WaiterKind::Terminal => {
            let succeeded = is(&waiter.success);
            let Some(result_field) = waiter
                .result
                .as_deref()
                .and_then(|r| data_field(cx, waiter, r))
            else {
                return quote!();
            };
            let result = ident(&snake(waiter.result.as_deref().unwrap_or_default()));
            let result_value = member_option(result_field, quote!(output.data.#result));
            let missing = format!(
                "{} reports success but returns no {}",
                waiter.operation,
                waiter.result.as_deref().unwrap_or_default()
            );
            quote! {
                impl #builder<'_> {
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
                                #fail_state
                                if #succeeded {
                                    return match #result_value {
                                        ::std::option::Option::Some(value) => #rt::Poll::Done(value),
                                        ::std::option::Option::None => #rt::Poll::Failed(#rt::WaiterFailure::State(::std::boxed::Box::new(
                                            #rt::OperationFailed::from_parts(
                                                #action,
                                                output.request_id.clone(),
                                                #status,
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
            let field_at = format!(
                "/operations/{}/response/data/fields/{}",
                escape_token(action),
                escape_token(&waiter.field)
            );
            let r = root(DEPTH);
            let ty = super::types::type_ref(cx, watched, &field_at, &quote!(#r::types::));
            let reached = if watched.null_when.is_some() {
                quote!(output.data.#field.as_ref() == ::std::option::Option::Some(&wanted))
            } else {
                quote!(output.data.#field == wanted)
            };
            quote! {
                impl #builder<'_> {
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
