//! The canonical query both signatures cover, and a check that a query is canonical.
//!
//! Canonical: every name and value RFC 3986-encoded, `name=value` pairs sorted by encoded
//! name (then encoded value) in byte order, joined with `&`; an empty value gives `name=`.
//! (Parameter names are ASCII letters and digits, so sorting encoded or raw names is the
//! same for every real request.)

use crate::encode::rfc3986;
use crate::form::component_strict;

/// The canonical query over decoded (name, value) pairs, in any order.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (rfc3986(k.as_ref()), rfc3986(v.as_ref())))
        .collect();
    encoded.sort();
    let mut out = String::new();
    for (i, (k, v)) in encoded.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Checks that `query` (as sent, after `?`) is already canonical: every name and value
/// RFC 3986-encoded (so it re-encodes to itself: no bare `+`, upper-case hex, nothing escaped
/// that need not be) and the pairs sorted by name in byte order. A client that sends its
/// canonical query as the URL's query (as dwdi's runtime does) passes.
pub fn check_canonical(query: &str) -> Result<(), String> {
    let mut previous: Option<&str> = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(format!("pair {pair:?} has no `=`; expected name=value"));
        };
        for part in [name, value] {
            let again = rfc3986(&component_strict(part)?);
            if again != part {
                return Err(format!(
                    "{part:?} is not RFC 3986-canonical; expected {again:?}"
                ));
            }
        }
        if let Some(prev) = previous
            && prev.as_bytes() > name.as_bytes()
        {
            return Err(format!(
                "{name:?} comes after {prev:?}; expected names sorted in byte order"
            ));
        }
        previous = Some(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_query_sorts_encodes_and_keeps_empty_values() {
        let q = canonical_query(&[("b", "x y"), ("a", ""), ("B", "*"), ("a_", "~/")]);
        assert_eq!(q, "B=%2A&a=&a_=~%2F&b=x%20y");
        let none: [(&str, &str); 0] = [];
        assert_eq!(canonical_query(&none), "");
    }

    #[test]
    fn check_canonical_names_what_is_off() {
        assert!(check_canonical("A=1&B=x%20y~").is_ok());
        assert!(check_canonical("").is_ok());
        assert!(check_canonical("B=1&A=2").unwrap_err().contains("sorted"));
        assert!(check_canonical("A=x*y").unwrap_err().contains("%2A"));
        assert!(check_canonical("A=%2a").unwrap_err().contains("%2A"));
        assert!(check_canonical("A=x+y").unwrap_err().contains("bare `+`"));
        assert!(check_canonical("A=%7E").unwrap_err().contains("\"~\""));
        assert!(check_canonical("A").unwrap_err().contains("no `=`"));
    }
}
