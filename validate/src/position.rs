//! Where each value of a JSON text sits: JSON pointer → line:column.
//!
//! serde_json tells the position of a syntax error but forgets positions once a text parsed.
//! Loading errors and lint findings must name a line and column, so this module walks a text
//! that is already known to be valid JSON once, recording where every value starts. The walk
//! also sees what a parsed `Value` hides: keys that occur twice in one object.

use std::collections::HashMap;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A key that occurs more than once in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// Pointer to the object holding the key.
    pub object: String,
    /// The key.
    pub key: String,
    /// Where the repeated occurrence starts.
    pub pos: Pos,
}

/// Positions of every value in a JSON text.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    values: HashMap<String, Pos>,
    keys: HashMap<String, Pos>,
    duplicates: Vec<DuplicateKey>,
}

impl Positions {
    /// Indexes `text`, which must be valid JSON (parse it with serde_json first); an invalid
    /// text yields a partial index rather than a panic.
    pub fn index(text: &str) -> Self {
        let mut walker = Walker {
            chars: text.chars().peekable(),
            pos: Pos { line: 1, column: 1 },
            out: Positions::default(),
        };
        let mut pointer = String::new();
        walker.skip_ws();
        walker.value(&mut pointer);
        walker.out
    }

    /// Where the value at `pointer` starts, if it exists.
    pub fn get(&self, pointer: &str) -> Option<Pos> {
        self.values.get(pointer).copied()
    }

    /// Where the member name of the value at `pointer` starts (for object members), else where
    /// the value or its nearest existing ancestor starts.
    pub fn key_or_value(&self, pointer: &str) -> Pos {
        self.keys
            .get(pointer)
            .copied()
            .unwrap_or_else(|| self.nearest(pointer))
    }

    /// Where the value at `pointer` starts or, failing that, its nearest existing ancestor.
    pub fn nearest(&self, pointer: &str) -> Pos {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.values.get(p) {
                return *pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Pos { line: 1, column: 1 },
            }
        }
    }

    /// Keys that occur more than once in one object, in text order.
    pub fn duplicates(&self) -> &[DuplicateKey] {
        &self.duplicates
    }
}

/// A cheap pre-check for [`Positions::index`]: false when no object in `text` can repeat a
/// member name (no object has two members with the same name), without building pointers.
/// It may answer true for texts that repeat nothing; it never answers false for one that does.
pub fn may_repeat_keys(text: &str) -> bool {
    // The keys of every open object in one fixed list, each object's from where it starts;
    // string contents are compared as raw slices, which is exact for repeats written the same
    // way and errs towards true otherwise. No allocation: past the fixed sizes (deep nesting,
    // many members), comparing would cost more than indexing, so the answer is "maybe".
    const KEYS: usize = 96;
    const DEPTH: usize = 64;
    let bytes = text.as_bytes();
    let mut keys: [&[u8]; KEYS] = [&[]; KEYS];
    let mut key_count = 0;
    let mut starts = [0usize; DEPTH];
    let mut objects: u64 = 0; // bit d: the container at depth d is an object
    let mut depth = 0;
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            open @ (b'{' | b'[') => {
                if depth == DEPTH {
                    return true;
                }
                starts[depth] = key_count;
                if open == b'{' {
                    objects |= 1 << depth;
                } else {
                    objects &= !(1 << depth);
                }
                depth += 1;
                expect_key = open == b'{';
            }
            b'}' | b']' => {
                if depth > 0 {
                    depth -= 1;
                    key_count = starts[depth];
                }
                expect_key = false;
            }
            b',' => expect_key = depth > 0 && objects & (1 << (depth - 1)) != 0,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if expect_key && depth > 0 {
                    let key = &bytes[start..i.min(bytes.len())];
                    let open = &keys[starts[depth - 1]..key_count];
                    if key_count == KEYS || key.contains(&b'\\') || open.contains(&key) {
                        return true;
                    }
                    keys[key_count] = key;
                    key_count += 1;
                }
                expect_key = false;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

struct Walker<I: Iterator<Item = char>> {
    chars: std::iter::Peekable<I>,
    pos: Pos,
    out: Positions,
}

impl<I: Iterator<Item = char>> Walker<I> {
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else {
            self.pos.column += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.chars.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn value(&mut self, pointer: &mut String) {
        self.out.values.insert(pointer.clone(), self.pos);
        match self.chars.peek() {
            Some('{') => self.object(pointer),
            Some('[') => self.array(pointer),
            Some('"') => {
                self.string();
            }
            Some(_) => {
                while matches!(self.chars.peek(), Some(c) if !matches!(c, ',' | '}' | ']' | ' ' | '\t' | '\n' | '\r'))
                {
                    self.bump();
                }
            }
            None => {}
        }
    }

    fn object(&mut self, pointer: &mut String) {
        self.bump(); // {
        let mut seen: Vec<String> = Vec::new();
        loop {
            self.skip_ws();
            match self.chars.peek() {
                Some('"') => {}
                Some('}') => {
                    self.bump();
                    return;
                }
                _ => return,
            }
            let key_pos = self.pos;
            let key = self.string();
            if seen.contains(&key) {
                self.out.duplicates.push(DuplicateKey {
                    object: pointer.clone(),
                    key: key.clone(),
                    pos: key_pos,
                });
            } else {
                seen.push(key.clone());
            }
            self.skip_ws();
            if self.bump() != Some(':') {
                return;
            }
            self.skip_ws();
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&escape_token(&key));
            self.out.keys.insert(pointer.clone(), key_pos);
            self.value(pointer);
            pointer.truncate(len);
            self.skip_ws();
            match self.bump() {
                Some(',') => continue,
                _ => return,
            }
        }
    }

    fn array(&mut self, pointer: &mut String) {
        self.bump(); // [
        let mut index = 0usize;
        loop {
            self.skip_ws();
            if self.chars.peek() == Some(&']') {
                self.bump();
                return;
            }
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&index.to_string());
            self.value(pointer);
            pointer.truncate(len);
            index += 1;
            self.skip_ws();
            match self.bump() {
                Some(',') => continue,
                _ => return,
            }
        }
    }

    /// Reads a string literal and returns its decoded text.
    fn string(&mut self) -> String {
        self.bump(); // opening quote
        let mut raw = String::from("\"");
        while let Some(c) = self.bump() {
            raw.push(c);
            match c {
                '\\' => {
                    if let Some(escaped) = self.bump() {
                        raw.push(escaped);
                    }
                }
                '"' => break,
                _ => {}
            }
        }
        serde_json::from_str(&raw).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_positions_and_duplicates() {
        let text = "{\n  \"a\": [1, {\"b/c\": \"x\"}],\n  \"a\": true\n}";
        let p = Positions::index(text);
        assert_eq!(p.get(""), Some(Pos { line: 1, column: 1 }));
        // As in serde_json, the last occurrence of a repeated key is the value.
        assert_eq!(p.get("/a"), Some(Pos { line: 3, column: 8 }));
        assert_eq!(
            p.get("/a/1/b~1c"),
            Some(Pos {
                line: 2,
                column: 20
            })
        );
        assert_eq!(
            p.nearest("/a/1/b~1c/zz"),
            Pos {
                line: 2,
                column: 20
            }
        );
        assert_eq!(
            p.duplicates(),
            &[DuplicateKey {
                object: String::new(),
                key: "a".into(),
                pos: Pos { line: 3, column: 3 }
            }]
        );
    }

    #[test]
    fn sees_repeated_keys_cheaply() {
        assert!(!may_repeat_keys(
            r#"{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}"#
        ));
        assert!(may_repeat_keys(r#"{"a": 1, "b": {"c": 2}, "a": 3}"#));
        assert!(may_repeat_keys(r#"{"x": [{"k": 1, "k": 2}]}"#));
        assert!(!may_repeat_keys(r#"{"s": "a,\"b\":{", "t": 1}"#));
    }

    #[test]
    fn counts_columns_in_characters() {
        let p = Positions::index("{\"é\": 1, \"k\": 2}");
        assert_eq!(
            p.get("/k"),
            Some(Pos {
                line: 1,
                column: 15
            })
        );
    }
}
