//! `application/x-www-form-urlencoded` decoding, for a query string or a form body.
//!
//! Form-style, as servers decode: pairs split on `&` (empty ones skipped), name and value on
//! the first `=` (a pair without one has an empty value), `+` is a space, `%XX` a byte (either
//! hex case), a `%` not followed by two hex digits is kept as text. The bytes must then be
//! UTF-8. So `a+b` and `a%20b` decode alike: the official Python SDK sends the first and
//! signs the second.

use percent_encoding::percent_decode;

use crate::error::{VerifyError, preview};

/// Decodes `text` into (name, value) pairs, in order. `what` names it in errors (`query`,
/// `form body`).
pub fn decode(text: &str, what: &'static str) -> Result<Vec<(String, String)>, VerifyError> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((component(name, what)?, component(value, what)?))
        })
        .collect()
}

/// Decodes one name or value form-style.
pub fn component(s: &str, what: &'static str) -> Result<String, VerifyError> {
    let plus_is_space: Vec<u8> = s
        .bytes()
        .map(|b| if b == b'+' { b' ' } else { b })
        .collect();
    String::from_utf8(percent_decode(&plus_is_space).collect()).map_err(|_| {
        VerifyError::Undecodable {
            what,
            preview: preview(s),
        }
    })
}

/// Decodes one name or value of a canonical query: no `+` (a canonical query writes a space
/// as `%20` and a plus as `%2B`) and every `%` followed by two hex digits.
pub fn component_strict(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    if let Some(i) = bytes.iter().position(|&b| b == b'+') {
        return Err(format!(
            "{s:?} holds a bare `+` at byte {i}; expected %20 for a space, %2B for a plus"
        ));
    }
    for (i, _) in bytes.iter().enumerate().filter(|(_, b)| **b == b'%') {
        let hex = bytes.get(i + 1..i + 3);
        if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
            return Err(format!(
                "{s:?} has a malformed escape at byte {i}; expected %XX"
            ));
        }
    }
    String::from_utf8(percent_decode(bytes).collect())
        .map_err(|_| format!("{s:?} does not decode to UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn plus_and_percent_20_are_both_a_space() {
        assert_eq!(
            decode("a=x+y&b=x%20y&c=%2A~&d=%e4%b8%ad", "query").unwrap(),
            pairs(&[("a", "x y"), ("b", "x y"), ("c", "*~"), ("d", "中")])
        );
    }

    #[test]
    fn lenient_like_a_server() {
        assert_eq!(
            decode("a&&b=&c=%zz&d=1=2", "query").unwrap(),
            pairs(&[("a", ""), ("b", ""), ("c", "%zz"), ("d", "1=2")])
        );
        assert!(decode("", "query").unwrap().is_empty());
        let e = decode("a=%FF", "form body").unwrap_err();
        assert!(e.to_string().contains("form body"), "{e}");
    }

    #[test]
    fn strict_components_refuse_what_a_canonical_query_never_holds() {
        assert_eq!(component_strict("x%20y%2B").unwrap(), "x y+");
        assert!(component_strict("x+y").unwrap_err().contains("bare `+`"));
        assert!(component_strict("x%2").unwrap_err().contains("malformed"));
        assert!(component_strict("%FF").is_err());
    }
}
