//! Where each fact of the effective spec comes from.
//!
//! The loader records, for every fact of every operation it builds (each key of a parameter,
//! response field, error code, the sample, and the operation itself) and for every enum value
//! an imported layer adds, which source gave it. The summary prints it, and tests hold that
//! every fact has one.

use std::collections::BTreeMap;
use std::fmt;

/// The source of one fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The hand-written spec states it as the documentation page prints it.
    Page,
    /// A hand-written decision; its reason is the `decision` text at this pointer.
    Decision {
        /// JSON pointer to the reason.
        reason: String,
    },
    /// Alibaba's metadata states it: an imported layer, as published (or, in a spec without
    /// layers, the hand-written record of it).
    Metadata {
        /// Which of the spec's `imports`; `None` for a hand-written record.
        layer: Option<usize>,
    },
    /// The project's design notes (`wire-protocol.md`) state it.
    DesignNotes,
    /// The loader derived it from the facts above, by the rule named.
    Derived {
        /// The rule, in words.
        rule: String,
    },
}

impl Source {
    /// The name of the kind of source: `page`, `decision`, `metadata`, `design notes` or
    /// `derived`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Page => "page",
            Source::Decision { .. } => "decision",
            Source::Metadata { .. } => "metadata",
            Source::DesignNotes => "design notes",
            Source::Derived { .. } => "derived",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Derived { rule } => write!(f, "derived: {rule}"),
            other => f.write_str(other.kind()),
        }
    }
}

/// JSON pointer into the effective spec → the source of the fact there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance(BTreeMap<String, Source>);

impl Provenance {
    /// Records the source of the fact at `pointer`, replacing an earlier record (a derivation
    /// replaces the record of the value it rewrote).
    pub fn record(&mut self, pointer: String, source: Source) {
        self.0.insert(pointer, source);
    }

    /// The source recorded at `pointer`, or at its nearest recorded ancestor (a fact inside a
    /// sample, an object or a list has its container's source).
    pub fn of(&self, pointer: &str) -> Option<&Source> {
        let mut p = pointer;
        loop {
            if let Some(source) = self.0.get(p) {
                return Some(source);
            }
            p = &p[..p.rfind('/')?];
        }
    }

    /// The source recorded at exactly `pointer`.
    pub fn at(&self, pointer: &str) -> Option<&Source> {
        self.0.get(pointer)
    }

    /// Every record, sorted by pointer.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Source)> {
        self.0.iter()
    }
}
