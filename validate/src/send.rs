//! What is sent of a document given as text: the user's bytes, without the root `"$schema"`
//! member that editors use for completion (the service does not know it).

use std::borrow::Cow;

/// The member editors add for completion.
const SCHEMA_MEMBER: &str = "$schema";

/// `text` without its root `"$schema"` member(s); every other byte is kept as it is. Text that
/// is not a JSON object, or has no such member, comes back unchanged (borrowed).
///
/// ```
/// use dwdi_validate::without_schema_member;
/// let text = "{\n  \"$schema\": \"./task-param.schema.json\",\n  \"steps\": []\n}";
/// assert_eq!(without_schema_member(text), "{\n  \"steps\": []\n}");
/// assert_eq!(without_schema_member("{\"steps\": [], \"$schema\": \"x\"}"), "{\"steps\": []}");
/// assert_eq!(without_schema_member("[1]"), "[1]");
/// ```
pub fn without_schema_member(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    // Each pass removes one member; a repeated `$schema` takes a pass per occurrence.
    while let Some((start, end)) = schema_member_span(&out) {
        let mut s = out.into_owned();
        s.replace_range(start..end, "");
        out = Cow::Owned(s);
    }
    out
}

/// [`without_schema_member`] for an owned text, as the request builders hold it.
pub fn remove_schema_member(text: String) -> String {
    match without_schema_member(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => s,
    }
}

/// Deserializes a typed document's undocumented members without the root `"$schema"`
/// member, so that the typed models never carry it (generated `deserialize_with`).
pub fn members_without_schema<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<serde_json::Map<String, serde_json::Value>, D::Error> {
    let mut members: serde_json::Map<String, serde_json::Value> =
        serde::Deserialize::deserialize(deserializer)?;
    members.shift_remove(SCHEMA_MEMBER);
    Ok(members)
}

/// The bytes to remove for the first root `"$schema"` member: from its name to the next
/// member's name, or from the previous member's comma to its value's end when it is last.
fn schema_member_span(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = ws(b, b.strip_prefix(b"\xEF\xBB\xBF").map_or(0, |_| 3));
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(b, i + 1);
    // The end of the previous member's value (where its comma starts), if any.
    let mut previous_end: Option<usize> = None;
    while b.get(i) == Some(&b'"') {
        let key_start = i;
        let key_end = string_end(b, i)?;
        let key: String = serde_json::from_str(&text[key_start..key_end]).ok()?;
        i = ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(b, i + 1);
        let value_end = value_end(b, i, 0)?;
        i = ws(b, value_end);
        let last = match b.get(i) {
            Some(b',') => {
                i = ws(b, i + 1);
                false
            }
            Some(b'}') => true,
            _ => return None,
        };
        if key == SCHEMA_MEMBER {
            return Some(match (last, previous_end) {
                (false, _) => (key_start, i),
                (true, Some(prev)) => (prev, value_end),
                (true, None) => (key_start, value_end),
            });
        }
        if last {
            return None;
        }
        previous_end = Some(value_end);
    }
    None
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// `b[i]` is a quote: the index after the closing quote.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

/// The index after the value starting at `b[i]`.
fn value_end(b: &[u8], mut i: usize, depth: usize) -> Option<usize> {
    if depth > 128 {
        return None;
    }
    match b.get(i)? {
        b'"' => string_end(b, i),
        open @ (b'{' | b'[') => {
            let close = if *open == b'{' { b'}' } else { b']' };
            i = ws(b, i + 1);
            if b.get(i) == Some(&close) {
                return Some(i + 1);
            }
            loop {
                if *open == b'{' {
                    i = ws(b, string_end(b, i)?);
                    if b.get(i) != Some(&b':') {
                        return None;
                    }
                    i = ws(b, i + 1);
                }
                i = ws(b, value_end(b, i, depth + 1)?);
                match b.get(i)? {
                    b',' => i = ws(b, i + 1),
                    c if *c == close => return Some(i + 1),
                    _ => return None,
                }
            }
        }
        _ => {
            let start = i;
            while let Some(c) = b.get(i) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_the_root_member_and_keeps_every_other_byte() {
        for (given, sent) in [
            (
                r#"{"$schema":"s","steps":[{"$schema":"inner"}]}"#,
                r#"{"steps":[{"$schema":"inner"}]}"#,
            ),
            (r#"{ "a": 1 , "$schema" : "s" }"#, r#"{ "a": 1 }"#),
            (r#"{ "$schema": {"x": [1, "}"]} }"#, r#"{  }"#),
            (r#"{"\u0024schema": "s", "a": 1}"#, r#"{"a": 1}"#),
            (
                r#"{"a":1,"$schema":"s","b":2,"$schema":"t"}"#,
                r#"{"a":1,"b":2}"#,
            ),
            (
                "\u{FEFF}{\"$schema\": \"s\", \"a\": 1}",
                "\u{FEFF}{\"a\": 1}",
            ),
        ] {
            assert_eq!(without_schema_member(given), sent, "{given}");
        }
        for unchanged in [r#"{"a": 1}"#, r#"["$schema"]"#, "{", r#"{"$schema": }"#, ""] {
            assert!(
                matches!(without_schema_member(unchanged), Cow::Borrowed(_)),
                "{unchanged}"
            );
        }
        assert_eq!(remove_schema_member(r#"{"$schema":"s"}"#.into()), "{}");
    }
}
