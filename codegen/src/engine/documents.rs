//! The `documents` module: the JSON documents carried in strings (TaskParam, TaskContent,
//! StartParam) as typed models (serde + schemars) that keep undocumented members, their JSON
//! Schemas as text, and the conversion that lets a builder take a typed document where it
//! takes JSON text. The validators built from the schemas are plumbing, in `meta`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, docs, ident, root};
use crate::model::{DocField, DocType};
use crate::position::escape_token;
use crate::schemas::{document_rules_text, document_schema_text, schema_stem};

/// The module's docs.
pub(crate) fn module_docs(cx: &Cx<'_>) -> String {
    let names: Vec<String> = cx.spec.documents.keys().map(|n| format!("`{n}`")).collect();
    let listed = if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    };
    format!(
        "The JSON documents some parameters carry in a string{listed}, as typed models.\n\n\
         A builder takes a typed document, or its JSON text, wherever the parameter takes one;\n\
         either way the document is validated before anything is sent. Members the\n\
         documentation does not describe are kept in `extra`. Each document's JSON Schema\n\
         (draft 2020-12) is here as text, as `dwdi schema` prints it."
    )
}

/// Every item of `documents`, sorted: the types of each shape and document, each document's
/// schema constant and conversions.
pub(crate) fn items(cx: &Cx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let mut items: Vec<(String, TokenStream)> = Vec::new();
    for (name, shape) in &cx.spec.shapes {
        object(
            cx,
            shape,
            &format!("/shapes/{}", escape_token(name)),
            false,
            &mut items,
        );
    }
    for (name, doc) in &cx.spec.documents {
        let at = format!("/documents/{}/root", escape_token(name));
        let Some(type_name) = cx.plan.documents.get(&at) else {
            continue;
        };
        let ty = ident(type_name);
        // A document with no documented object shape is any JSON value.
        let typed = doc.root.as_ref().filter(|r| r.ty == DocType::Object);
        match typed {
            Some(root) => object(cx, root, &at, true, &mut items),
            None => {
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
        let Some(schema_name) = cx.plan.schemas.get(name) else {
            continue;
        };
        let schema_const = ident(schema_name);
        let text = document_schema_text(cx.spec, name, doc);
        let rules_const = ident(cx.plan.rules.get(name).map_or("RULES", String::as_str));
        let rules_text = document_rules_text(cx.spec, name, doc);
        let rules_doc = format!(
            "What dwdi checks in {name} beyond its JSON Schema, as written to `generated/schemas/{}.rules.json`.",
            schema_stem(name)
        );
        let schema_doc = format!(
            "The JSON Schema (draft 2020-12) of {name}, as written to `generated/schemas/{}.schema.json`.",
            schema_stem(name)
        );
        // A typed document converts to JSON text; an untyped one is a `serde_json::Value`,
        // which callers pass as text.
        let conversions = typed.is_some().then(|| {
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
                #[doc = #rules_doc]
                pub const #rules_const: &str = #rules_text;
                #conversions
            },
        ));
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let tokens = items.into_iter().map(|(_, t)| t);
    quote! {
        pub use #rt::JsonText;
        #(#tokens)*
    }
}

/// Emits the struct for an object member at `at` (and, recursively, the structs it needs),
/// named by the plan.
fn object(
    cx: &Cx<'_>,
    field: &DocField,
    at: &str,
    root: bool,
    items: &mut Vec<(String, TokenStream)>,
) {
    let Some(type_name) = cx.plan.documents.get(at) else {
        return;
    };
    let doc = docs(&field.description);
    let ty = ident(type_name);
    let mut members = Vec::new();
    for (wire, child) in field.fields.iter().flatten() {
        let child_at = format!("{at}/fields/{}", escape_token(wire));
        let member = ident(&crate::names::snake(wire));
        let member_doc = docs(&child.description);
        let child_ty = member_type(cx, child, &child_at, items);
        members.push(if child.required {
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
        });
    }
    // A document's root drops the `"$schema"` member editors add: it is never sent.
    let extra_attr = if root {
        let v = &cx.validate;
        let with = quote!(#v::members_without_schema)
            .to_string()
            .replace(' ', "");
        quote!(#[serde(flatten, deserialize_with = #with)])
    } else {
        quote!(#[serde(flatten)])
    };
    items.push((
        type_name.clone(),
        quote! {
            #doc
            #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
            pub struct #ty {
                #(#members)*
                /// Members the documentation does not describe, kept as they are.
                #extra_attr
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
        },
    ));
}

/// The Rust type of a document member at `at`, emitting the types it needs.
fn member_type(
    cx: &Cx<'_>,
    field: &DocField,
    at: &str,
    items: &mut Vec<(String, TokenStream)>,
) -> TokenStream {
    let named = |name: Option<&String>| match name {
        Some(name) => {
            let ty = ident(name);
            quote!(#ty)
        }
        None => quote!(::serde_json::Value),
    };
    match field.ty {
        DocType::Object => {
            object(cx, field, at, false, items);
            named(cx.plan.documents.get(at))
        }
        // One struct with the members of every variant, each optional: which ones a value
        // has depends on a sibling member, which the validator checks.
        DocType::Variants => {
            let mut union = field.clone();
            union.ty = DocType::Object;
            let mut fields = indexmap::IndexMap::new();
            for shape in field.variants.iter().flat_map(|v| v.values()) {
                let shape_at = format!("/shapes/{}", escape_token(shape));
                for (key, member) in cx
                    .spec
                    .shapes
                    .get(shape)
                    .and_then(|s| s.fields.as_ref())
                    .into_iter()
                    .flatten()
                {
                    fields.entry(key.clone()).or_insert_with(|| {
                        let mut member = member.clone();
                        member.required = false;
                        // Its types are the shape's, named there.
                        (member, format!("{shape_at}/fields/{}", escape_token(key)))
                    });
                }
            }
            let mut members_at = Vec::new();
            union.fields = Some(
                fields
                    .into_iter()
                    .map(|(k, (m, a))| {
                        members_at.push(a);
                        (k, m)
                    })
                    .collect(),
            );
            variant_union(cx, &union, at, &members_at, items);
            named(cx.plan.documents.get(at))
        }
        DocType::Array => {
            let inner = match &field.items {
                Some(item) => member_type(cx, item, &format!("{at}/items"), items),
                None => quote!(::serde_json::Value),
            };
            quote!(::std::vec::Vec<#inner>)
        }
        DocType::String => quote!(::std::string::String),
        DocType::Integer => quote!(i64),
        DocType::Number => quote!(f64),
        DocType::Boolean => quote!(bool),
        DocType::Enum => {
            let types = root(1);
            match field
                .enum_name
                .as_deref()
                .and_then(|e| cx.plan.enum_type(e))
            {
                Some(e) => {
                    let e = ident(e);
                    quote!(#types::types::#e)
                }
                None => quote!(::std::string::String),
            }
        }
        DocType::Map => {
            let values = match &field.values {
                Some(v) => member_type(cx, v, &format!("{at}/values"), items),
                None => quote!(::serde_json::Value),
            };
            quote!(::std::collections::BTreeMap<::std::string::String, #values>)
        }
        DocType::Any => quote!(::serde_json::Value),
        DocType::Shape => named(field.shape.as_ref().and_then(|s| {
            cx.plan
                .documents
                .get(&format!("/shapes/{}", escape_token(s)))
        })),
    }
}

/// Emits the struct of a member whose shape a sibling picks: the members of every variant,
/// each optional, typed as in its shape (`members_at`: where each member is in its shape, so
/// that the types inside are the shape's, emitted with it).
fn variant_union(
    cx: &Cx<'_>,
    union: &DocField,
    at: &str,
    members_at: &[String],
    items: &mut Vec<(String, TokenStream)>,
) {
    let Some(type_name) = cx.plan.documents.get(at) else {
        return;
    };
    let doc = docs(&union.description);
    let ty = ident(type_name);
    let mut members = Vec::new();
    for ((wire, member), member_at) in union.fields.iter().flatten().zip(members_at) {
        let name = ident(&crate::names::snake(wire));
        let member_doc = docs(&member.description);
        // The shapes emit their own types: only the name is wanted here.
        let member_ty = member_type(cx, member, member_at, &mut Vec::new());
        members.push(quote! {
            #member_doc
            #[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")]
            pub #name: ::std::option::Option<#member_ty>,
        });
    }
    items.push((
        type_name.clone(),
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
