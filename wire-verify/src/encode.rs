//! RFC 3986 percent-encoding, as both signatures define it: the unreserved characters
//! `A-Z a-z 0-9 - _ . ~` stay, every other byte of the UTF-8 text becomes `%XX` with
//! upper-case hex. So a space is `%20` (never `+`), `*` is `%2A`, `/` is `%2F`, `~` stays.

/// True for the bytes RFC 3986 leaves unescaped.
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Appends the RFC 3986 encoding of `s` to `out`.
pub fn rfc3986_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// The RFC 3986 encoding of `s`.
pub fn rfc3986(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    rfc3986_into(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_but_the_unreserved_set() {
        assert_eq!(rfc3986("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(rfc3986("a b*c/d+e&f=g"), "a%20b%2Ac%2Fd%2Be%26f%3Dg");
        assert_eq!(rfc3986("数 é"), "%E6%95%B0%20%C3%A9");
        assert_eq!(rfc3986("%"), "%25");
        assert_eq!(rfc3986(""), "");
    }
}
