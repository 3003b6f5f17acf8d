//! Rust names derived from wire names: `ProjectId` → `project_id`, `DI_REALTIME` → `DiRealtime`.
//!
//! The loader uses the same functions as the generator to refuse a spec whose names would
//! collide once turned into Rust identifiers.

/// Splits a wire name into lower-case words at `_`, `-`, `.`, spaces and case changes
/// (`HTTPServer` → `http`, `server`; `Step2Name` → `step2`, `name`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && match prev {
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(|n| n.is_lowercase()),
                _ => false,
            };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case`, made a valid identifier (`type` → `r#type`, a leading digit gets `_`).
pub fn snake(name: &str) -> String {
    identifier(words(name).join("_"))
}

/// `PascalCase`, made a valid identifier.
pub fn pascal(name: &str) -> String {
    let joined: String = words(name)
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    identifier(joined)
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

fn identifier(mut ident: String) -> String {
    if ident.is_empty() {
        return "_empty".to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if NOT_RAW.contains(&ident.as_str()) {
        ident.push('_');
    } else if KEYWORDS.contains(&ident.as_str()) {
        ident.insert_str(0, "r#");
    }
    ident
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_rust_names_from_wire_names() {
        assert_eq!(snake("ProjectId"), "project_id");
        assert_eq!(snake("AsyncProcessId"), "async_process_id");
        assert_eq!(snake("HTTPServer"), "http_server");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(pascal("DI_REALTIME"), "DiRealtime");
        assert_eq!(pascal("NORUN"), "Norun");
        assert_eq!(pascal("success"), "Success");
        assert_eq!(pascal("Self"), "Self_");
        assert_eq!(pascal("Invalid.DI.Parameter"), "InvalidDiParameter");
    }
}
