//! The generator engine: a loaded spec → Rust tokens, as a tree of modules → formatted text.
//!
//! One engine serves three front-ends with one [`Settings`] type: the `dwdi-codegen` command
//! (writes `generated/`, one file per module as aws-sdk-rust does), the `generate!`
//! proc-macro and build scripts ([`generate_to`]), which get the same modules inline. The
//! output is deterministic: items are emitted sorted by name, every name comes from the
//! [`NamePlan`](crate::naming::NamePlan), and every path is fully qualified (`::std::option::Option`) or relative
//! to the generated root (`super::types::TaskType`), so that names from the spec cannot shadow
//! the prelude and the items work wherever they are expanded.
//!
//! The generated crate, as a user reads it:
//! - the root: `Client` (and the crate docs, in the file form);
//! - `operation::<op>`: the operation's fluent builder, `Output` and `Error`;
//! - `types`: the enums and the types of answers' `Data`;
//! - `documents`: the typed JSON documents carried in strings and their JSON Schemas;
//! - `error`: the shared gateway error and the runtime's error types;
//! - `config`: the runtime's configuration types;
//! - `meta` (hidden): the tables (operations, gateway codes, region map), the document
//!   checks and the dynamic entries tools reach operations by name with.

mod client;
mod config;
mod documents;
mod enums;
mod errors;
mod example_data;
mod examples;
mod meta;
mod ops;
mod types;
mod waiters;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::load::{LoadError, LoadedSpec, load_named, load_path};
// The naming plan is the engine's; it sits beside the engine so that the spec's consistency
// check can read it without depending on the engine (which depends on the loader).
use crate::naming::{self as plan, NamePlan};

/// The generator's version, named in every generated file's header.
pub const GENERATOR_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Settings shared by every front-end.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Path of the runtime crate as the generated code names it.
    pub runtime_crate: String,
    /// Path of the document validator crate as the generated code names it.
    pub validate_crate: String,
    /// The crate name users reach the generated items by (`dataworks_di`), which the doc
    /// examples name. With it the examples are compiled doctests (`no_run`); without it (a
    /// macro or build-script user whose items live anywhere) they are shown, not compiled.
    pub doc_crate: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            runtime_crate: "::dwdi_runtime".to_owned(),
            validate_crate: "::dwdi_validate".to_owned(),
            doc_crate: None,
        }
    }
}

impl Settings {
    /// The settings of the checked-in `dataworks-di` crate: doc examples compiled against it.
    pub fn generated_crate() -> Self {
        Settings {
            doc_crate: Some("dataworks_di".to_owned()),
            ..Settings::default()
        }
    }

    fn runtime(&self) -> syn::Path {
        syn::parse_str(&self.runtime_crate).unwrap_or_else(|_| syn::parse_quote!(::dwdi_runtime))
    }

    fn validate(&self) -> syn::Path {
        syn::parse_str(&self.validate_crate).unwrap_or_else(|_| syn::parse_quote!(::dwdi_validate))
    }
}

/// How a module is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// `pub mod`.
    Public,
    /// `#[doc(hidden)] pub mod`: reachable by tools, out of the user's way.
    Hidden,
    /// `mod`: its items reach users through re-exports.
    Private,
}

/// A module of the generated crate: its docs, its items and its child modules.
#[derive(Debug, Clone)]
pub struct Module {
    /// Its name (a Rust identifier, possibly raw); empty for the root.
    pub name: String,
    /// How it is declared.
    pub visibility: Visibility,
    /// Its docs (inner doc comments).
    pub docs: String,
    /// Its items.
    pub items: TokenStream,
    /// Its child modules, sorted by name.
    pub children: Vec<Module>,
}

impl Module {
    fn new(name: &str, visibility: Visibility, docs: String, items: TokenStream) -> Module {
        Module {
            name: name.to_owned(),
            visibility,
            docs,
            items,
            children: Vec::new(),
        }
    }

    /// The module's own items followed by its children, inline (`mod x { … }`).
    fn inline_items(&self) -> TokenStream {
        let items = &self.items;
        let children = self.children.iter().map(|child| {
            let decl = child.declaration();
            let docs = inner_docs(&child.docs);
            let body = child.inline_items();
            quote! { #decl { #docs #body } }
        });
        quote! { #items #(#children)* }
    }

    /// `pub mod name` with its attributes, without the body.
    fn declaration(&self) -> TokenStream {
        let name = ident(&self.name);
        match self.visibility {
            Visibility::Public => quote!(pub mod #name),
            Visibility::Hidden => quote!(#[doc(hidden)] pub mod #name),
            Visibility::Private => quote!(mod #name),
        }
    }

    /// The file name of the module (`match.rs` for `r#match`).
    fn file_stem(&self) -> &str {
        self.name.trim_start_matches("r#")
    }
}

/// The generated crate as a tree of modules, the root first.
pub fn modules(loaded: &LoadedSpec, settings: &Settings) -> Module {
    let cx = Cx::new(loaded, settings);
    let mut root = Module::new(
        "",
        Visibility::Public,
        examples::crate_docs(&cx),
        quote! {
            pub use client::Client;
        },
    );
    let mut operation = Module::new(
        plan::OPERATION,
        Visibility::Public,
        "One module per operation: its fluent builder (from the matching [`Client`](super::Client)\nmethod), its output and its error.".to_owned(),
        TokenStream::new(),
    );
    operation.children = ops::modules(&cx);
    root.children = vec![
        Module::new(
            "client",
            Visibility::Private,
            "The client: one method per operation.".to_owned(),
            client::items(&cx),
        ),
        Module::new(
            "config",
            Visibility::Public,
            config::module_docs(),
            config::items(&cx),
        ),
        Module::new(
            plan::DOCUMENTS,
            Visibility::Public,
            documents::module_docs(&cx),
            documents::items(&cx),
        ),
        Module::new(
            plan::ERROR,
            Visibility::Public,
            errors::module_docs(),
            errors::items(&cx),
        ),
        Module::new(
            plan::META,
            Visibility::Hidden,
            meta::module_docs(),
            meta::items(&cx, loaded),
        ),
        operation,
        Module::new(
            plan::TYPES,
            Visibility::Public,
            "The enumerations of the API and the types of its answers' `Data`.\n\nEvery enum keeps a value it does not know in `Unknown`, so a value the service adds never\nbreaks decoding; every struct ignores members it does not know.".to_owned(),
            types::items(&cx),
        ),
    ];
    root
}

/// The engine's output as tokens: the root's items and every module inline, valid wherever
/// items are (a crate root, a module, a macro expansion).
pub fn generate(loaded: &LoadedSpec, settings: &Settings) -> TokenStream {
    modules(loaded, settings).inline_items()
}

/// The header every generated file starts with.
pub fn header(loaded: &LoadedSpec) -> String {
    format!(
        "// @generated by dwdi-codegen {GENERATOR_VERSION} from spec sha256 {}.\n\
         // Do not edit by hand: edit the spec and run `cargo run -p dwdi-codegen`.\n\n",
        loaded.sha256
    )
}

/// Formats the engine's items, modules inline, as one file: what the macro expands to and
/// what a build script writes.
pub fn render_items(loaded: &LoadedSpec, settings: &Settings) -> String {
    format_file(&header(loaded), generate(loaded, settings))
}

/// The generated crate's source files, one per module as aws-sdk-rust lays them out:
/// (path relative to `src/`, content), the crate root `lib.rs` first. Each module is
/// declared `#[rustfmt::skip]`: the files are prettyplease's output, and `cargo fmt` must not
/// make them differ from what the generator writes.
pub fn render_files(loaded: &LoadedSpec, settings: &Settings) -> Vec<(String, String)> {
    let root = modules(loaded, settings);
    let mut files = Vec::new();
    let header = header(loaded);
    file(&header, &root, "lib.rs", "", &mut files);
    files
}

fn file(header: &str, module: &Module, path: &str, dir: &str, out: &mut Vec<(String, String)>) {
    let docs = inner_docs(&module.docs);
    let items = &module.items;
    let decls = module.children.iter().map(|child| {
        let decl = child.declaration();
        quote! { #[rustfmt::skip] #decl; }
    });
    out.push((
        path.to_owned(),
        format_file(header, quote! { #docs #items #(#decls)* }),
    ));
    for child in &module.children {
        let child_path = format!("{dir}{}.rs", child.file_stem());
        let child_dir = format!("{dir}{}/", child.file_stem());
        file(header, child, &child_path, &child_dir, out);
    }
}

/// Formats tokens as a file with prettyplease, after `header`.
pub fn format_file(header: &str, tokens: TokenStream) -> String {
    let file: syn::File = match syn::parse2(tokens) {
        Ok(file) => file,
        // The engine's own output always parses; show the tokens if it ever does not.
        Err(e) => panic!("generated tokens do not parse: {e}"),
    };
    format!("{header}{}", prettyplease::unparse(&file))
}

/// Why [`generate_to`] failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The output could not be written.
    #[error("{}: cannot write generated code: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// For build scripts: generates the client from `spec` into `out_dir/<file_name>`, modules
/// inline, returning the written path. Include it with
/// `include!(concat!(env!("OUT_DIR"), "/dataworks_di.rs"))`.
pub fn generate_to(
    spec: &Path,
    out_dir: &Path,
    file_name: &str,
    settings: &Settings,
) -> Result<PathBuf, GenerateError> {
    let loaded = load_path(spec)?;
    let text = render_items(&loaded, settings);
    let path = out_dir.join(file_name);
    std::fs::write(&path, text).map_err(|source| GenerateError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// What the `generate!` proc-macro expands to, kept apart so tests can compare `items` with
/// what the command writes into `generated/`.
#[derive(Debug, Clone)]
pub struct Expansion {
    /// The engine's items, exactly as [`generate`] returns them.
    pub items: TokenStream,
    /// `const _: &str = include_str!("<absolute spec path>");`, and the same for each layer
    /// the spec imports: cargo only rebuilds a crate when a file the compiler read changes,
    /// and a proc-macro's own reads are invisible to it.
    pub rebuild: TokenStream,
}

/// The proc-macro front-end without the proc-macro: resolves `spec_literal` against
/// `manifest_dir` (the calling crate's `CARGO_MANIFEST_DIR`), loads the spec and generates.
///
/// Messages name the spec as the caller wrote it (`../spec/dataworks-di.json:12:5: ...`),
/// so that they read the same on every machine; only an unreadable file also names the
/// resolved path, which is what the caller needs to see then.
pub fn expand(
    spec_literal: &str,
    manifest_dir: &Path,
    settings: &Settings,
) -> Result<Expansion, String> {
    let path = manifest_dir.join(spec_literal);
    let loaded = load_named(&path, Path::new(spec_literal)).map_err(|e| match e {
        LoadError::Read { source, .. } => format!(
            "{spec_literal}: cannot read the spec at {} (paths are relative to the crate's \
             CARGO_MANIFEST_DIR): {source}",
            path.display()
        ),
        invalid => invalid.to_string(),
    })?;
    let mut files = vec![path];
    files.extend(loaded.layers.iter().map(|l| l.path.clone()));
    let mut rebuild = TokenStream::new();
    for file in files {
        let absolute = file
            .canonicalize()
            .unwrap_or(file)
            .to_str()
            .ok_or_else(|| format!("{spec_literal}: the spec's path is not UTF-8"))?
            .to_owned();
        rebuild.extend(quote! { const _: &str = include_str!(#absolute); });
    }
    Ok(Expansion {
        items: generate(&loaded, settings),
        rebuild,
    })
}

/// What every emitter needs.
pub(crate) struct Cx<'a> {
    pub spec: &'a crate::model::Spec,
    pub plan: NamePlan,
    pub rt: syn::Path,
    pub validate: syn::Path,
    pub doc_crate: Option<String>,
}

impl<'a> Cx<'a> {
    fn new(loaded: &'a LoadedSpec, settings: &Settings) -> Self {
        Cx {
            spec: &loaded.spec,
            plan: NamePlan::of(&loaded.spec),
            rt: settings.runtime(),
            validate: settings.validate(),
            doc_crate: settings.doc_crate.clone(),
        }
    }
}

/// The path from a module `depth` levels below the generated root back to it (`super`,
/// `super::super`).
pub(crate) fn root(depth: usize) -> TokenStream {
    let supers = (0..depth).map(|_| quote!(super));
    quote!(#(#supers)::*)
}

/// An identifier from a Rust name that may be raw (`r#type`).
pub(crate) fn ident(name: &str) -> syn::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => format_ident!("r#{}", raw),
        None => format_ident!("{}", name),
    }
}

/// Doc attributes for prose, one per line, each starting with a space as `///` would, without
/// trailing spaces: prettyplease trims them when it prints `///`, and the macro's tokens must
/// equal what the command's formatted file parses back to.
pub(crate) fn docs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #(#[doc = #lines])* }
}

/// Inner doc attributes (`//!`) for prose.
pub(crate) fn inner_docs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #(#![doc = #lines])* }
}

fn doc_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| format!(" {l}").trim_end_matches(' ').to_owned())
        .collect()
}
