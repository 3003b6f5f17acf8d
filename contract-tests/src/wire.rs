//! An independent reading of the wire: a form-style query decoder and a canonical-query check,
//! written apart from the runtime's encoder so that the encoder is not tested against itself.

/// Splits a query string into decoded (name, value) pairs, in order. Decoding is form-style:
/// `+` is a space and `%XX` (either case) is a byte; the bytes must be UTF-8.
pub fn decode_query(query: &str) -> Result<Vec<(String, String)>, String> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("query pair {pair:?} has no `=`; expected name=value"))?;
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

fn decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("bad escape at byte {i} of {s:?}; expected %XX"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|e| format!("{s:?} does not decode to UTF-8: {e}"))
}

/// RFC 3986 encoding as the V3 signature defines it: `A-Za-z0-9-_.~` kept, every other byte
/// `%XX` in upper case.
pub fn rfc3986(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Checks that `query` is canonical: every name and value RFC 3986-encoded (so it re-encodes
/// to itself), and the pairs sorted by encoded name in byte order.
pub fn check_canonical(query: &str) -> Result<(), String> {
    let mut previous: Option<&str> = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        for part in [name, value] {
            let again = rfc3986(&decode_strict(part)?);
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
                "{name:?} comes after {prev:?}; expected names sorted by byte order"
            ));
        }
        previous = Some(name);
    }
    Ok(())
}

/// Percent-decoding without the form-style `+`: a canonical query never holds a bare `+`.
fn decode_strict(s: &str) -> Result<String, String> {
    if s.contains('+') {
        return Err(format!("{s:?} holds a bare `+`; expected %2B or %20"));
    }
    decode(s)
}

/// The path of a URL (`scheme://host/path?query` → `/path`).
pub fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let without_query = after_scheme
        .split_once('?')
        .map_or(after_scheme, |(p, _)| p);
    without_query.find('/').map_or("/", |i| &without_query[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_style_and_checks_canonical_form() {
        assert_eq!(
            decode_query("a=x+y%2Az&b=%E4%B8%AD").unwrap(),
            vec![("a".into(), "x y*z".into()), ("b".into(), "中".into())]
        );
        assert!(check_canonical("A=1&B=x%20y~").is_ok());
        assert!(check_canonical("B=1&A=2").unwrap_err().contains("sorted"));
        assert!(check_canonical("A=x*y").unwrap_err().contains("%2A"));
        assert!(check_canonical("A=%2a").is_err());
        assert_eq!(path_of("https://h.example/?a=1"), "/");
        assert_eq!(path_of("http://127.0.0.1:9/x/y?a"), "/x/y");
    }
}
