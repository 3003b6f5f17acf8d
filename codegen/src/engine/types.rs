//! Response types: one struct per documented object, named after the operation and the path of
//! field names that leads to it (`GetDiSyncInstanceInfoSolutionInfo`), so names never clash.
//! Fields the page documents as null in some situation are `Option`; unknown fields are ignored.

use proc_macro2::TokenStream;
use quote::quote;

use super::enums::{self, EnumSpec};
use super::{Cx, docs, ident};
use crate::conform::enum_values;
use crate::model::{Field, ValueType};
use crate::names::{pascal, snake};

/// Every operation's response types, sorted by name.
pub(crate) fn all(cx: &Cx<'_>) -> TokenStream {
    let mut items: Vec<(String, TokenStream)> = Vec::new();
    for (op_name, op) in &cx.spec.operations {
        let op_type = pascal(op_name);
        collect(
            cx,
            &format!("{op_type}Data"),
            &op_type,
            &op.response.data,
            &mut items,
        );
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items.into_iter().map(|(_, tokens)| tokens).collect()
}

/// The Rust type name of the `Data` struct of an operation.
pub(crate) fn data_type(op_name: &str) -> syn::Ident {
    ident(&format!("{}Data", pascal(op_name)))
}

/// Emits the struct for an object field and, recursively, the types its fields need.
/// `prefix` names the types of its children.
fn collect(
    cx: &Cx<'_>,
    name: &str,
    prefix: &str,
    field: &Field,
    items: &mut Vec<(String, TokenStream)>,
) {
    let struct_ident = ident(name);
    let doc = docs(&field.description);
    let mut members = Vec::new();
    for (wire, child) in field.fields.iter().flatten() {
        let child_prefix = format!("{prefix}{}", pascal(wire));
        let ty = field_type(cx, &child_prefix, child, items);
        let member = ident(&snake(wire));
        let member_doc = docs(&child.description);
        if child.null_when.is_some() {
            members.push(quote! {
                #member_doc
                #[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #member: ::std::option::Option<#ty>,
            });
        } else {
            members.push(quote! {
                #member_doc
                #[serde(rename = #wire)]
                pub #member: #ty,
            });
        }
    }
    let tokens = quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #struct_ident {
            #(#members)*
        }
    };
    items.push((name.to_owned(), tokens));
}

/// The Rust type of a field, emitting the types it needs.
fn field_type(
    cx: &Cx<'_>,
    name: &str,
    field: &Field,
    items: &mut Vec<(String, TokenStream)>,
) -> TokenStream {
    match field.ty {
        ValueType::Int64 => quote!(i64),
        ValueType::Boolean => quote!(bool),
        ValueType::String | ValueType::JsonString => quote!(::std::string::String),
        ValueType::Enum => match (&field.enum_name, &field.enum_by) {
            (Some(e), _) => {
                let e = ident(&pascal(e));
                quote!(#e)
            }
            (None, Some(by)) => {
                let mut values: Vec<(String, String)> = Vec::new();
                for (case, enum_name) in &by.cases {
                    for v in enum_values(cx.spec, Some(enum_name)) {
                        if !values.iter().any(|(known, _)| *known == v) {
                            values.push((
                                v,
                                format!("a {enum_name} value (when {} is {case}).", by.param),
                            ));
                        }
                    }
                }
                let spec = EnumSpec {
                    name: name.to_owned(),
                    doc: format!(
                        "{}\n\nThe values of {}, chosen by the request's {}.",
                        field.description,
                        by.cases.values().cloned().collect::<Vec<_>>().join(" or "),
                        by.param
                    ),
                    values,
                };
                items.push((name.to_owned(), enums::emit(cx, &spec)));
                let e = ident(name);
                quote!(#e)
            }
            (None, None) => quote!(::std::string::String),
        },
        ValueType::Object => match &field.fields {
            Some(_) => {
                collect(cx, name, name, field, items);
                let e = ident(name);
                quote!(#e)
            }
            None => quote!(::serde_json::Value),
        },
        ValueType::Array => match &field.items {
            Some(item) => {
                let inner = field_type(cx, name, item, items);
                quote!(::std::vec::Vec<#inner>)
            }
            None => quote!(::std::vec::Vec<::serde_json::Value>),
        },
    }
}

/// The Rust type of a field directly under an operation's `Data`, as [`all`] names it.
pub(crate) fn data_field_type(
    cx: &Cx<'_>,
    op_name: &str,
    field_name: &str,
    field: &Field,
) -> TokenStream {
    let mut scratch = Vec::new();
    field_type(
        cx,
        &format!("{}{}", pascal(op_name), pascal(field_name)),
        field,
        &mut scratch,
    )
}
