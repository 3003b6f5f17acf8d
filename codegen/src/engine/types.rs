//! The `types` module: the enums, and one struct per documented object of an answer, named by
//! the plan after the operation and the path of members that leads to it
//! (`GetDiSyncInstanceInfoSolutionInfo`), so names never clash. Fields the page documents as
//! null in some situation are `Option`; unknown fields are ignored.

use proc_macro2::TokenStream;
use quote::quote;

use super::enums::{self, EnumSpec};
use super::{Cx, docs, ident};
use crate::model::{Field, ValueType};
use crate::position::escape_token;

/// Every item of `types`, sorted by name.
pub(crate) fn items(cx: &Cx<'_>) -> TokenStream {
    let mut items: Vec<(String, TokenStream)> = enums::shared(cx);
    items.push(enums::unknown_value());
    for (action, op) in &cx.spec.operations {
        let at = format!("/operations/{}/response/data", escape_token(action));
        collect(cx, &op.response.data, &at, &mut items);
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items.into_iter().map(|(_, tokens)| tokens).collect()
}

/// The Rust type of an answer's member at `at` (a JSON pointer into the spec), its named types
/// reached through `qual` (empty inside `types`, `super::super::types::` from an operation).
pub(crate) fn type_ref(cx: &Cx<'_>, field: &Field, at: &str, qual: &TokenStream) -> TokenStream {
    let named = |name: Option<&str>| match name {
        Some(name) => {
            let ty = ident(name);
            quote!(#qual #ty)
        }
        None => quote!(::std::string::String),
    };
    match field.ty {
        ValueType::Int64 => quote!(i64),
        ValueType::Boolean => quote!(bool),
        ValueType::String | ValueType::JsonString => quote!(::std::string::String),
        ValueType::Enum => match &field.enum_name {
            Some(e) => named(cx.plan.enum_type(e)),
            None => named(cx.plan.types.get(at).map(String::as_str)),
        },
        ValueType::Object => match cx.plan.types.get(at) {
            Some(name) => named(Some(name)),
            None => quote!(::serde_json::Value),
        },
        ValueType::Array => match &field.items {
            Some(item) => {
                let inner = type_ref(cx, item, &format!("{at}/items"), qual);
                quote!(::std::vec::Vec<#inner>)
            }
            None => quote!(::std::vec::Vec<::serde_json::Value>),
        },
    }
}

/// Emits the types the member at `at` needs (its struct or `enumBy` enum, and those of its
/// members), as (name, tokens).
fn collect(cx: &Cx<'_>, field: &Field, at: &str, items: &mut Vec<(String, TokenStream)>) {
    match field.ty {
        ValueType::Object => {
            // The plan names every object with documented members, and each answer's `Data`
            // even without them.
            if let Some(name) = cx.plan.types.get(at) {
                let mut members = Vec::new();
                for (wire, child) in field.fields.iter().flatten() {
                    let child_at = format!("{at}/fields/{}", escape_token(wire));
                    collect(cx, child, &child_at, items);
                    let ty = type_ref(cx, child, &child_at, &TokenStream::new());
                    let member = ident(&crate::names::snake(wire));
                    let member_doc = docs(&child.description);
                    members.push(if child.null_when.is_some() {
                        quote! {
                            #member_doc
                            #[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")]
                            pub #member: ::std::option::Option<#ty>,
                        }
                    } else {
                        quote! {
                            #member_doc
                            #[serde(rename = #wire)]
                            pub #member: #ty,
                        }
                    });
                }
                let struct_ident = ident(name);
                let doc = docs(&field.description);
                items.push((
                    name.clone(),
                    quote! {
                        #doc
                        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                        #[non_exhaustive]
                        pub struct #struct_ident {
                            #(#members)*
                        }
                    },
                ));
            }
        }
        ValueType::Array => {
            if let Some(item) = &field.items {
                collect(cx, item, &format!("{at}/items"), items);
            }
        }
        ValueType::Enum => {
            if let (None, Some(by), Some(name)) =
                (&field.enum_name, &field.enum_by, cx.plan.types.get(at))
            {
                let mut values: Vec<(String, String)> = Vec::new();
                for (case, enum_name) in &by.cases {
                    let def = cx.spec.enums.get(enum_name);
                    for value in def.into_iter().flat_map(|d| d.values.keys()) {
                        if !values.iter().any(|(known, _)| known == value) {
                            values.push((
                                value.clone(),
                                format!("a {enum_name} value (when {} is {case}).", by.param),
                            ));
                        }
                    }
                }
                let spec = EnumSpec {
                    name: name.clone(),
                    doc: format!(
                        "{}\n\nThe values of {}, chosen by the request's {}.",
                        field.description,
                        by.cases.values().cloned().collect::<Vec<_>>().join(" or "),
                        by.param
                    ),
                    values,
                };
                items.push((name.clone(), enums::emit(cx, &spec)));
            }
        }
        _ => {}
    }
}
