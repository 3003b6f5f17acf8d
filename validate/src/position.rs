//! Where each value of a JSON text sits: JSON pointer → line:column.
//!
//! serde_json tells the position of a syntax error but forgets positions once a text parsed.
//! Loading errors and lint findings must name a line and column, so this module walks a text
//! that is already known to be valid JSON once, recording where every value starts. The walk
//! also sees what a parsed `Value` hides: keys that occur twice in one object.

use std::collections::{HashMap, HashSet};

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

/// Positions of the values of a JSON text: every value's ([`Positions::index`]) or only
/// those of some pointers and their ancestors ([`Positions::index_only`]).
#[derive(Debug, Clone, Default)]
pub struct Positions {
    values: HashMap<String, Pos>,
    keys: HashMap<String, Pos>,
    duplicates: Vec<DuplicateKey>,
    duplicates_total: usize,
    steps: u64,
}

/// The most repeated members [`Positions`] keeps (the rest are only counted).
pub const MAX_DUPLICATES: usize = 1001;

impl Positions {
    /// Indexes `text`, which must be valid JSON (parse it with serde_json first); an invalid
    /// text yields a partial index rather than a panic.
    pub fn index(text: &str) -> Self {
        Self::walk(text, None)
    }

    /// Like [`Positions::index`], recording only the values (and member names) at `pointers`
    /// and their ancestors: the work is linear in the text, whatever its shape, and the memory
    /// grows with the pointers asked for, not with the text. Repeated members are found in the
    /// whole text either way.
    pub fn index_only<'p>(text: &str, pointers: impl IntoIterator<Item = &'p str>) -> Self {
        let mut trie = Trie::default();
        trie.nodes.push(HashMap::new());
        for pointer in pointers {
            let mut at = 0;
            for token in pointer.split('/').skip(1) {
                at = match trie.nodes[at].get(token) {
                    Some(next) => *next,
                    None => {
                        trie.nodes.push(HashMap::new());
                        let next = trie.nodes.len() - 1;
                        trie.nodes[at].insert(token.to_owned(), next);
                        next
                    }
                };
            }
        }
        Self::walk(text, Some(trie))
    }

    fn walk(text: &str, trie: Option<Trie>) -> Self {
        let mut walker = Walker {
            chars: text.chars().peekable(),
            pos: Pos { line: 1, column: 1 },
            out: Positions::default(),
            trie,
        };
        let mut pointer = String::new();
        walker.skip_ws();
        walker.value(&mut pointer, Some(0));
        walker.out
    }

    /// Where the value at `pointer` starts, if it exists (and was indexed).
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

    /// Keys that occur more than once in one object, in text order (at most
    /// [`MAX_DUPLICATES`]).
    pub fn duplicates(&self) -> &[DuplicateKey] {
        &self.duplicates
    }

    /// How many repeated members there were in all.
    pub fn duplicates_total(&self) -> usize {
        self.duplicates_total
    }

    /// The work the walk took: one step per character read, per member name looked up among
    /// the object's others and per pointer token looked up. Linear in the text (a test holds
    /// it to a budget).
    pub fn steps(&self) -> u64 {
        self.steps
    }
}

/// The pointers asked for, token by token: node → (token → child).
#[derive(Debug, Default)]
struct Trie {
    nodes: Vec<HashMap<String, usize>>,
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

struct Walker<I: Iterator<Item = char>> {
    chars: std::iter::Peekable<I>,
    pos: Pos,
    out: Positions,
    /// None: every value is recorded.
    trie: Option<Trie>,
}

impl<I: Iterator<Item = char>> Walker<I> {
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        self.out.steps += 1;
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

    /// Whether the value at `pointer` is recorded (`node`: where it is in the trie).
    fn tracked(&self, node: Option<usize>) -> bool {
        self.trie.is_none() || node.is_some()
    }

    /// The trie node of the child `token` of `node`.
    fn child(&mut self, node: Option<usize>, token: &str) -> Option<usize> {
        let trie = self.trie.as_ref()?;
        self.out.steps += 1;
        trie.nodes[node?].get(token).copied()
    }

    fn value(&mut self, pointer: &mut String, node: Option<usize>) {
        if self.tracked(node) {
            self.out.values.insert(pointer.clone(), self.pos);
        }
        match self.chars.peek() {
            Some('{') => self.object(pointer, node),
            Some('[') => self.array(pointer, node),
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

    fn object(&mut self, pointer: &mut String, node: Option<usize>) {
        self.bump(); // {
        // Each member name once: a hash set, so that an object of 80,000 members costs 80,000
        // lookups, not 3.2 billion comparisons.
        let mut seen: HashSet<String> = HashSet::new();
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
            self.out.steps += 1;
            let token = escape_token(&key);
            if seen.contains(&key) {
                self.out.duplicates_total += 1;
                if self.out.duplicates.len() < MAX_DUPLICATES {
                    self.out.duplicates.push(DuplicateKey {
                        object: pointer.clone(),
                        key,
                        pos: key_pos,
                    });
                }
            } else {
                seen.insert(key);
            }
            self.skip_ws();
            if self.bump() != Some(':') {
                return;
            }
            self.skip_ws();
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&token);
            let child = self.child(node, &token);
            if self.tracked(child) {
                self.out.keys.insert(pointer.clone(), key_pos);
            }
            self.value(pointer, child);
            pointer.truncate(len);
            self.skip_ws();
            match self.bump() {
                Some(',') => continue,
                _ => return,
            }
        }
    }

    fn array(&mut self, pointer: &mut String, node: Option<usize>) {
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
            let token = &pointer[len + 1..];
            let child = match (&self.trie, node) {
                (Some(trie), Some(node)) => {
                    self.out.steps += 1;
                    trie.nodes[node].get(token).copied()
                }
                _ => None,
            };
            self.value(pointer, child);
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
