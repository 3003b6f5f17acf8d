//! The dwdi generator as a proc-macro: `generate!("path/to/spec.json")` expands, in place, to
//! the modules the `dwdi-codegen` command writes into `generated/src/` (one file per module
//! there): `Client`, `operation`, `types`, `documents`, `error`, `config` and the hidden
//! `meta`, inline.
//!
//! ```ignore
//! // At a crate root or in a module; the crate needs dwdi-runtime, dwdi-validate, schemars,
//! // serde and serde_json.
//! dwdi_codegen_macro::generate!("spec/dataworks-di.json");
//! // The runtime under another path:
//! dwdi_codegen_macro::generate!("spec/dataworks-di.json", runtime_crate = "::my_runtime");
//! // Doc examples compiled as doctests against the crate the items are reached by:
//! dwdi_codegen_macro::generate!("spec/dataworks-di.json", doc_crate = "my_crate");
//! ```
//!
//! The path is relative to the calling crate's `CARGO_MANIFEST_DIR`. A spec that is missing or
//! invalid is a compile error at the path literal, listing every problem with its
//! line:column; the expansion includes the spec with `include_str!`, so cargo rebuilds the
//! crate when the spec changes. All the work happens in [`dwdi_codegen::engine::expand`],
//! which tests call directly.

use std::path::PathBuf;

use dwdi_codegen::engine::{Settings, expand};
use proc_macro::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token, parse_macro_input};

/// Read before `CARGO_MANIFEST_DIR` when set. Only for tests: trybuild compiles its cases in a
/// crate under `target/`, whose manifest directory is not the one the case's paths are
/// relative to (the recipe trybuild's maintainer recommends, dtolnay/trybuild#202).
const MANIFEST_DIR_OVERRIDE: &str = "DWDI_MANIFEST_DIR_OVERRIDE";

/// Generates the typed client from a spec file (path relative to the calling crate's
/// `CARGO_MANIFEST_DIR`): `generate!("spec.json")`, with optional settings
/// `runtime_crate = "::dwdi_runtime"` and `doc_crate = "my_crate"`.
#[proc_macro]
pub fn generate(input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(input as Args);
    let Some(manifest_dir) = std::env::var_os(MANIFEST_DIR_OVERRIDE)
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
    else {
        return syn::Error::new(
            args.spec.span(),
            "CARGO_MANIFEST_DIR is not set: generate! resolves the spec's path against it, so \
             it must be expanded by cargo",
        )
        .to_compile_error()
        .into();
    };
    match expand(&args.spec.value(), &manifest_dir, &args.settings) {
        Ok(expansion) => {
            let (items, rebuild) = (expansion.items, expansion.rebuild);
            quote!(#rebuild #items).into()
        }
        Err(message) => syn::Error::new(args.spec.span(), message)
            .to_compile_error()
            .into(),
    }
}

/// The macro's arguments: the spec path, then optional `key = "value"` settings.
struct Args {
    spec: LitStr,
    settings: Settings,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let spec: LitStr = input.parse()?;
        let mut settings = Settings::default();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let value: LitStr = input.parse()?;
            if key == "runtime_crate" {
                // The engine falls back to the default path on a bad one; a user who wrote
                // one wants to hear that it does not parse.
                value.parse::<syn::Path>().map_err(|e| {
                    syn::Error::new(
                        value.span(),
                        format!(
                            "runtime_crate must be a Rust path such as \"::dwdi_runtime\": {e}"
                        ),
                    )
                })?;
                settings.runtime_crate = value.value();
            } else if key == "doc_crate" {
                value.parse::<Ident>().map_err(|e| {
                    syn::Error::new(
                        value.span(),
                        format!("doc_crate must be a crate name such as \"my_crate\": {e}"),
                    )
                })?;
                settings.doc_crate = Some(value.value());
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown setting `{key}`; expected `runtime_crate` or `doc_crate`"),
                ));
            }
        }
        Ok(Args { spec, settings })
    }
}
