//! A request as a server receives it, borrowed from whatever holds it (a server's parsed
//! request, a test server's record, a dry-run's JSON, a captured fixture).

/// A request as received.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `POST`, `GET`, ...
    pub method: &'a str,
    /// The path (`/` for RPC); empty is taken as `/`.
    pub path: &'a str,
    /// The raw query string (after `?`), as sent.
    pub query: &'a str,
    /// The headers, names in any case, in the order received; a name may repeat.
    pub headers: &'a [(String, String)],
    /// The body, as received.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.header_values(name).next()
    }

    /// Every value of a header, in order (name matched case-insensitively).
    pub fn header_values(&self, name: &str) -> impl Iterator<Item = &'a str> {
        let name = name.to_owned();
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(&name))
            .map(|(_, v)| v.as_str())
    }

    /// True when the body is `application/x-www-form-urlencoded` (it then carries parameters).
    pub fn has_form_body(&self) -> bool {
        !self.body.is_empty()
            && self.header("content-type").is_some_and(|c| {
                c.trim()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            })
    }

    /// The canonical URI: the path, `/` when empty.
    pub fn canonical_uri(&self) -> &'a str {
        if self.path.is_empty() { "/" } else { self.path }
    }
}

/// Splits a URL (`scheme://host[:port]/path?query`) or a request target (`/path?query`) into
/// its path (`/` when there is none) and its raw query (empty when there is none).
pub fn split_target(url: &str) -> (&str, &str) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (before_query, query) = after_scheme.split_once('?').unwrap_or((after_scheme, ""));
    let path = if url.contains("://") {
        before_query.find('/').map_or("/", |i| &before_query[i..])
    } else if before_query.is_empty() {
        "/"
    } else {
        before_query
    };
    (path, query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls_and_targets() {
        assert_eq!(split_target("https://h.example/?a=1"), ("/", "a=1"));
        assert_eq!(split_target("https://h.example?a=1"), ("/", "a=1"));
        assert_eq!(split_target("http://127.0.0.1:9/x/y?a"), ("/x/y", "a"));
        assert_eq!(split_target("https://h.example"), ("/", ""));
        assert_eq!(split_target("/?a=b"), ("/", "a=b"));
        assert_eq!(split_target("/x"), ("/x", ""));
        assert_eq!(split_target("?a=b"), ("/", "a=b"));
    }

    #[test]
    fn headers_match_any_case_and_keep_repeats() {
        let headers = vec![
            (
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            ),
            ("x-a".to_owned(), "1".to_owned()),
            ("X-A".to_owned(), "2".to_owned()),
        ];
        let r = Request {
            method: "POST",
            path: "",
            query: "",
            headers: &headers,
            body: b"a=1",
        };
        assert_eq!(r.header_values("x-a").collect::<Vec<_>>(), ["1", "2"]);
        assert!(r.has_form_body());
        assert_eq!(r.canonical_uri(), "/");
        assert!(!Request { body: b"", ..r }.has_form_body());
    }
}
