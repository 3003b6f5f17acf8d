//! The JSON documents carried in strings (TaskParam, TaskContent, StartParam): typed models
//! (serde + schemars) that keep undocumented members, their JSON Schemas as text, and the
//! conversion that lets a builder take a typed document where it takes JSON text.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, docs, ident};
use crate::model::{DocField, DocType};
use crate::names::{pascal, snake};
use crate::schemas::{document_schema_text, schema_stem};

/// Every document's types, schema constant and conversions, plus the shared shapes; sorted.
pub(crate) fn all(cx: &Cx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let mut items: Vec<(String, TokenStream)> = Vec::new();
    for (name, shape) in &cx.spec.shapes {
        object(cx, &pascal(name), name, shape, &mut items);
    }
    let mut table = Vec::new();
    for (name, doc) in &cx.spec.documents {
        let type_name = pascal(name);
        match &doc.root {
            Some(root) if root.ty == DocType::Object => {
                object(cx, &type_name, &type_name, root, &mut items)
            }
            // A document with no documented object shape is any JSON value.
            _ => {
                let ty = ident(&type_name);
                let doc_text = docs(&doc.description);
                items.push((
                    type_name.clone(),
                    quote! {
                        #doc_text
                        pub type #ty = ::serde_json::Value;
                    },
                ));
            }
        }
        let ty = ident(&type_name);
        let schema_const = ident(&format!("{}_SCHEMA", snake(name).to_uppercase()));
        let text = document_schema_text(cx.spec, name, doc);
        let schema_doc = format!(
            "The JSON Schema (draft 2020-12) of {name}, as written to `generated/schemas/{}.schema.json`.",
            schema_stem(name)
        );
        table.push((name.clone(), schema_const.clone()));
        // A typed document converts to JSON text; an untyped one is a `serde_json::Value`,
        // which callers pass as text.
        let typed = doc.root.as_ref().is_some_and(|r| r.ty == DocType::Object);
        let conversions = typed.then(|| {
            quote! {
                impl #rt::JsonText for #ty {
                    fn into_json_text(self) -> ::std::string::String {
                        #rt::JsonText::into_json_text(&self)
                    }
                }

                impl #rt::JsonText for &#ty {
                    fn into_json_text(self) -> ::std::string::String {
                        // Serialising cannot fail: every map key is a string.
                        ::serde_json::to_string(self).unwrap_or_default()
                    }
                }
            }
        });
        items.push((
            format!("{type_name}~json"),
            quote! {
                #[doc = #schema_doc]
                pub const #schema_const: &str = #text;
                #conversions
            },
        ));
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    table.sort();
    let names = table.iter().map(|(n, _)| n);
    let consts = table.iter().map(|(_, c)| c);
    let tokens: TokenStream = items.into_iter().map(|(_, t)| t).collect();
    let v = &cx.validate;
    let cx_rt = &cx.rt;
    let arms = table.iter().map(|(name, schema_const)| {
        quote! {
            #name => {
                static VALIDATOR: ::std::sync::OnceLock<::std::option::Option<#v::DocumentValidator>> = ::std::sync::OnceLock::new();
                VALIDATOR.get_or_init(|| #v::DocumentValidator::new(#schema_const).ok()).as_ref()
            }
        }
    });
    quote! {
        #tokens

        /// Every JSON document carried in a string, by name, with its JSON Schema text.
        pub static DOCUMENT_SCHEMAS: &[(&str, &str)] = &[#((#names, #consts)),*];

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
            operation: &#cx_rt::describe::OperationDesc,
            params: &[(&str, &str)],
        ) -> ::std::result::Result<(), #cx_rt::describe::ValidationError> {
            for (name, value) in params {
                let ::std::option::Option::Some(param) = operation.param(name) else { continue };
                let #cx_rt::describe::ParamKind::JsonString { document } = param.kind else { continue };
                let ::std::option::Option::Some(validator) = document_validator(document) else { continue };
                let details: ::std::vec::Vec<::std::string::String> = validator
                    .validate(value, false)
                    .into_iter()
                    .filter(|p| p.severity == #v::Severity::Error)
                    .map(|p| ::std::format!("{}:{}: {}: {}", p.line, p.column, p.pointer, p.message))
                    .collect();
                if !details.is_empty() {
                    return ::std::result::Result::Err(#cx_rt::describe::ValidationError::invalid_document(
                        operation.action, param.name, value, document, &details,
                    ));
                }
            }
            ::std::result::Result::Ok(())
        }
    }
}

/// Emits the struct for an object member (and, recursively, the structs it needs). Nested
/// objects are named `<document><name>` when the spec names them, else after their path.
fn object(
    cx: &Cx<'_>,
    type_name: &str,
    doc_name: &str,
    field: &DocField,
    items: &mut Vec<(String, TokenStream)>,
) {
    let doc = docs(&field.description);
    let ty = ident(type_name);
    let members = field.fields.iter().flatten().map(|(wire, child)| {
        let member = ident(&snake(wire));
        let member_doc = docs(&child.description);
        let child_ty = member_type(cx, doc_name, type_name, wire, child, items);
        if child.required {
            quote! {
                #member_doc
                #[serde(rename = #wire)]
                pub #member: #child_ty,
            }
        } else {
            quote! {
                #member_doc
                #[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #member: ::std::option::Option<#child_ty>,
            }
        }
    });
    let members: Vec<TokenStream> = members.collect();
    items.push((
        type_name.to_owned(),
        quote! {
            #doc
            #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
            pub struct #ty {
                #(#members)*
                /// Members the documentation does not describe, kept as they are.
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
        },
    ));
}

/// The Rust type of a document member.
fn member_type(
    cx: &Cx<'_>,
    doc_name: &str,
    parent: &str,
    wire: &str,
    field: &DocField,
    items: &mut Vec<(String, TokenStream)>,
) -> TokenStream {
    match field.ty {
        DocType::Object => {
            let name = match &field.name {
                Some(n) => format!("{doc_name}{n}"),
                None => format!("{parent}{}", pascal(wire)),
            };
            object(cx, &name, doc_name, field, items);
            let ty = ident(&name);
            quote!(#ty)
        }
        DocType::Array => {
            let inner = match &field.items {
                Some(item) => member_type(cx, doc_name, parent, wire, item, items),
                None => quote!(::serde_json::Value),
            };
            quote!(::std::vec::Vec<#inner>)
        }
        DocType::String => quote!(::std::string::String),
        DocType::Integer => quote!(i64),
        DocType::Number => quote!(f64),
        DocType::Boolean => quote!(bool),
        DocType::Enum => {
            let ty = ident(&pascal(field.enum_name.as_deref().unwrap_or("String")));
            quote!(#ty)
        }
        DocType::Map => {
            let values = match &field.values {
                Some(v) => member_type(cx, doc_name, parent, wire, v, items),
                None => quote!(::serde_json::Value),
            };
            quote!(::std::collections::BTreeMap<::std::string::String, #values>)
        }
        DocType::Any => quote!(::serde_json::Value),
        DocType::Shape => {
            let ty = ident(&pascal(field.shape.as_deref().unwrap_or("Value")));
            quote!(#ty)
        }
    }
}
