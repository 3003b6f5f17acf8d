//! Enumerations: one Rust enum per spec enum, plus one per response field whose enumeration a
//! request parameter chooses. Every enum keeps values it does not know (`Unknown`), so a new
//! value from the service never breaks decoding.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, docs, ident};
use crate::names::pascal;

/// One enum to emit: its name, docs and (wire value, docs) pairs.
pub(crate) struct EnumSpec {
    pub name: String,
    pub doc: String,
    pub values: Vec<(String, String)>,
}

/// The shared enums, sorted by name.
pub(crate) fn all(cx: &Cx<'_>) -> TokenStream {
    let mut specs: Vec<EnumSpec> = cx
        .spec
        .enums
        .iter()
        .map(|(name, def)| EnumSpec {
            name: pascal(name),
            doc: def.description.clone(),
            values: def
                .values
                .iter()
                .map(|(v, d)| (v.clone(), d.description.clone()))
                .collect(),
        })
        .collect();
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    specs.iter().map(|s| emit(cx, s)).collect()
}

/// Emits one enum with its conversions and serde impls.
pub(crate) fn emit(_cx: &Cx<'_>, spec: &EnumSpec) -> TokenStream {
    let name = ident(&spec.name);
    let doc = docs(&spec.doc);
    let variants: Vec<_> = spec.values.iter().map(|(v, _)| ident(&pascal(v))).collect();
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
            /// A value this client does not know, kept as the service sent it.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value this client knows, as sent on the wire.
            pub const KNOWN: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
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
