//! Enumerations (in `types`): one Rust enum per spec enum, plus one per response field whose
//! enumeration a request parameter chooses. Every enum keeps a value it does not know in
//! `Unknown(UnknownValue)`; `UnknownValue` can only be made by converting text that is not a
//! known value, so `Unknown` never holds a known one and matching a variant is exact.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, docs, ident};
use crate::naming::{UNKNOWN_VALUE, UNKNOWN_VARIANT};

/// One enum to emit: its type name, docs and (wire value, docs) pairs; the variants come from
/// the plan.
pub(crate) struct EnumSpec {
    pub name: String,
    pub doc: String,
    pub values: Vec<(String, String)>,
}

/// The shared enums, with their names from the plan, as (name, tokens).
pub(crate) fn shared(cx: &Cx<'_>) -> Vec<(String, TokenStream)> {
    cx.spec
        .enums
        .iter()
        .filter_map(|(name, def)| {
            let ty = cx.plan.enum_type(name)?.to_owned();
            let spec = EnumSpec {
                name: ty.clone(),
                doc: def.description.clone(),
                values: def
                    .values
                    .iter()
                    .map(|(v, d)| (v.clone(), d.description.clone()))
                    .collect(),
            };
            Some((ty, emit(cx, &spec)))
        })
        .collect()
}

/// The value an `Unknown` variant holds, emitted once in `types`.
pub(crate) fn unknown_value() -> (String, TokenStream) {
    let ty = ident(UNKNOWN_VALUE);
    let tokens = quote! {
        /// A value an enum of this crate does not know, kept as the service sent it.
        ///
        /// Only converting text into an enum makes one, and only for text that is not one of
        /// the enum's known values: an enum's `Unknown` variant never holds a known value, so
        /// matching the known variants is exact.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        pub struct #ty(::std::string::String);

        impl #ty {
            /// The value as the service sent it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for #ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
    (UNKNOWN_VALUE.to_owned(), tokens)
}

/// Emits one enum with its conversions and serde impls.
pub(crate) fn emit(cx: &Cx<'_>, spec: &EnumSpec) -> TokenStream {
    let name = ident(&spec.name);
    let unknown = ident(UNKNOWN_VARIANT);
    let unknown_value = ident(UNKNOWN_VALUE);
    let doc = docs(&spec.doc);
    let variants: Vec<_> = spec
        .values
        .iter()
        .map(|(v, _)| ident(cx.plan.variant(&spec.name, v).unwrap_or(v)))
        .collect();
    let variant_docs = spec
        .values
        .iter()
        .map(|(v, d)| docs(&format!("`{v}`: {d}")));
    let wires: Vec<&str> = spec.values.iter().map(|(v, _)| v.as_str()).collect();
    let name_str = &spec.name;
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this client does not know, kept as the service sent it (never a known
            /// value).
            #unknown(#unknown_value),
        }

        impl #name {
            /// Every value this client knows, as sent on the wire.
            pub const KNOWN: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::#unknown(#unknown_value(::std::borrow::ToOwned::to_owned(other))),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name_str)
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "string", "examples": [#(#wires),*] })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }
    }
}
