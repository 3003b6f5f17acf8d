//! The runtime's modules depend on each other one way only: no cycle among the top-level
//! modules (a directory module such as `sign/` or `provider/` counts as one), and none among
//! `provider/`'s own files. Read from the sources: `crate::a::…` and `super::b::…` paths
//! outside comments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of `text` without `//` comments (doc links name modules without using them).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segments of the paths that follow `prefix` (`crate::` or `super::`), including
/// grouped ones (`crate::{a::X, b}`).
fn targets(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        // Not the tail of a longer path such as `my_crate::`.
        let boundary = rest[..i]
            .chars()
            .last()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'));
        let after = &rest[i + prefix.len()..];
        if boundary {
            if let Some(group) = after.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let id = ident(item);
                    if !id.is_empty() {
                        found.insert(id);
                    }
                }
            } else {
                let id = ident(after);
                if !id.is_empty() && id != "self" {
                    found.insert(id);
                }
            }
        }
        rest = after;
    }
    found
}

/// Edges between `nodes`: `node_of` maps a file to its node, `resolve` a referenced name
/// (seen from a file) to a node.
fn graph(
    files: &[(PathBuf, String)],
    node_of: impl Fn(&Path) -> Option<String>,
    resolve: impl Fn(&Path, &str, &str) -> Option<String>,
) -> Graph {
    let mut g = Graph::new();
    for (path, text) in files {
        let Some(from) = node_of(path) else { continue };
        let code = code(text);
        let edges = g.entry(from.clone()).or_default();
        for prefix in ["crate::", "super::"] {
            for name in targets(&code, prefix) {
                if let Some(to) = resolve(path, prefix, &name) {
                    if to != from {
                        edges.insert(to);
                    }
                }
            }
        }
    }
    g
}

/// A cycle, if the graph has one.
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &Graph,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut c = stack[i..].to_vec();
            c.push(n.to_owned());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_owned());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for n in g.keys() {
        if let Some(c) = visit(n, g, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

fn load() -> (PathBuf, Vec<(PathBuf, String)>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&src, &mut paths);
    let files = paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read source");
            (p.strip_prefix(&src).expect("under src").to_owned(), text)
        })
        .collect();
    (src, files)
}

/// `a.rs` and `a/…` are module `a`.
fn top(path: &Path) -> String {
    let first = path.components().next().expect("component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

#[test]
fn top_level_modules_depend_one_way() {
    let (_, files) = load();
    let modules: BTreeSet<String> = files.iter().map(|(p, _)| top(p)).collect();
    let g = graph(
        &files,
        // The crate root declares and re-exports everything.
        |p| (p != Path::new("lib.rs")).then(|| top(p)),
        |p, prefix, name| match prefix {
            "crate::" => modules.contains(name).then(|| name.to_owned()),
            // `super::` from a directory module's file stays inside that module.
            _ => Some(top(p)),
        },
    );
    // The two cycles this test was written against are gone.
    for (a, b) in [("credentials", "profile"), ("endpoint", "error")] {
        let ab = g.get(a).is_some_and(|s| s.contains(b));
        let ba = g.get(b).is_some_and(|s| s.contains(a));
        assert!(!(ab && ba), "{a} and {b} depend on each other");
    }
    assert_eq!(cycle(&g), None, "module cycle; the graph: {g:#?}");
}

#[test]
fn provider_files_depend_one_way() {
    let (_, files) = load();
    let provider: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter(|(p, _)| p.starts_with("provider"))
        .collect();
    let name_of =
        |p: &Path| -> String { p.file_stem().expect("stem").to_string_lossy().into_owned() };
    let names: BTreeSet<String> = provider.iter().map(|(p, _)| name_of(p)).collect();
    let g = graph(
        &provider,
        // mod.rs only declares and re-exports.
        |p| (name_of(p) != "mod").then(|| name_of(p)),
        |_, prefix, name| (prefix == "super::" && names.contains(name)).then(|| name.to_owned()),
    );
    assert!(g.len() >= 8, "{g:#?}");
    assert_eq!(cycle(&g), None, "provider cycle; the graph: {g:#?}");
}

#[test]
fn the_reference_finder_sees_what_it_should() {
    let t = targets(
        &code(
            "use crate::a::B; use crate::{c::D, e}; x::crate::f; my_crate::g; super::h::I; // crate::z",
        ),
        "crate::",
    );
    assert_eq!(
        t,
        ["a", "c", "e"]
            .into_iter()
            .map(String::from)
            .collect::<BTreeSet<_>>()
    );
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("a".into());
    assert!(cycle(&g).is_some());
}
