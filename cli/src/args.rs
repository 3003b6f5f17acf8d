//! The tokens after the operation name: `--Name value` / `--Name=value` parameter pairs,
//! fixed flags (`--dry-run`, `--region x`, …) and `--help`, told apart by name.
//!
//! A fixed flag is recognised by its exact long name (see [`crate::cli::fixed_flag`]); every
//! other `--Name` is a parameter, so a misspelt one (`--projectid`) reaches validation and is
//! reported with the operation's parameter list. The token after `--Name` is its value
//! whatever it looks like (IDs, enum values, JSON, negative numbers), except that a fixed
//! flag is never silently taken as a value: `--ClientToken --dry-run` is refused rather than
//! sending a call the user meant to dry-run.

use std::fmt;

/// The trailing tokens, sorted out.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Split {
    /// Parameters in the order given: (name without `--`, value).
    pub params: Vec<(String, String)>,
    /// Fixed-flag tokens, to be parsed by clap (`--region`, `cn-hangzhou`, `--dry-run`, …).
    pub flags: Vec<String>,
    /// `--help` or `-h` was given.
    pub help: bool,
}

/// Why the trailing tokens cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgsError {
    /// `--Name` is the last token.
    MissingValue { name: String },
    /// `--Name` is followed by a fixed flag rather than a value.
    FlagAsValue { name: String, flag: String },
    /// A token that is neither `--Name`, a value nor a flag.
    Unexpected { token: String },
    /// `--=value` or `--`.
    EmptyName { token: String },
}

impl fmt::Display for ArgsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgsError::MissingValue { name } => write!(
                f,
                "parameter --{name} has no value; expected `--{name} <value>` or `--{name}=<value>`"
            ),
            ArgsError::FlagAsValue { name, flag } => write!(
                f,
                "parameter --{name} has no value: it is followed by the option {flag}; \
                 to pass that text as the value, write `--{name}={flag}`"
            ),
            ArgsError::Unexpected { token } => write!(
                f,
                "unexpected argument {token:?}; parameters are given as `--Name value` or `--Name=value`"
            ),
            ArgsError::EmptyName { token } => write!(
                f,
                "argument {token:?} names no parameter; expected `--Name value` or `--Name=value`"
            ),
        }
    }
}

impl std::error::Error for ArgsError {}

/// Sorts out `tokens` (everything after the operation name). `fixed_flag(name)` says whether
/// `--name` is a fixed flag and whether it takes a value.
pub fn split(
    tokens: &[String],
    fixed_flag: impl Fn(&str) -> Option<bool>,
) -> Result<Split, ArgsError> {
    let is_flag_token = |t: &str| {
        t == "-h"
            || t.strip_prefix("--")
                .map(|n| n.split_once('=').map_or(n, |(n, _)| n))
                .is_some_and(|n| fixed_flag(n).is_some())
    };
    let mut out = Split::default();
    let mut rest = tokens.iter();
    while let Some(token) = rest.next() {
        if token == "-h" || token == "--help" {
            out.help = true;
            continue;
        }
        let Some(body) = token.strip_prefix("--") else {
            return Err(ArgsError::Unexpected {
                token: token.clone(),
            });
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        if name.is_empty() {
            return Err(ArgsError::EmptyName {
                token: token.clone(),
            });
        }
        if let Some(takes_value) = fixed_flag(name) {
            out.flags.push(token.clone());
            if takes_value && inline.is_none() {
                if let Some(value) = rest.next() {
                    out.flags.push(value.clone());
                }
            }
            continue;
        }
        let value = match inline {
            Some(v) => v.to_owned(),
            None => match rest.next() {
                None => {
                    return Err(ArgsError::MissingValue {
                        name: name.to_owned(),
                    });
                }
                Some(v) if is_flag_token(v) => {
                    return Err(ArgsError::FlagAsValue {
                        name: name.to_owned(),
                        flag: v.clone(),
                    });
                }
                Some(v) => v.clone(),
            },
        };
        out.params.push((name.to_owned(), value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(name: &str) -> Option<bool> {
        match name {
            "region" => Some(true),
            "dry-run" | "help" => Some(false),
            _ => None,
        }
    }

    fn run(tokens: &[&str]) -> Result<Split, ArgsError> {
        let tokens: Vec<String> = tokens.iter().map(|t| (*t).to_owned()).collect();
        split(&tokens, flags)
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn reads_pairs_in_both_forms_in_order() {
        let s = run(&["--Count", "10000", "--Kind=SOME_KIND", "--Offset", "-1"]).expect("parsed");
        assert_eq!(
            s.params,
            pairs(&[("Count", "10000"), ("Kind", "SOME_KIND"), ("Offset", "-1")])
        );
        assert!(s.flags.is_empty() && !s.help);
    }

    #[test]
    fn values_keep_equals_signs_and_json() {
        let s = run(&["--A=b=c", "--J", "{\"a\": [1, 2]}", "--E="]).expect("parsed");
        assert_eq!(
            s.params,
            pairs(&[("A", "b=c"), ("J", "{\"a\": [1, 2]}"), ("E", "")])
        );
    }

    #[test]
    fn picks_out_fixed_flags_and_help() {
        let s = run(&[
            "--A",
            "1",
            "--region",
            "cn-x",
            "--dry-run",
            "--region=y",
            "-h",
        ])
        .expect("parsed");
        assert_eq!(s.params, pairs(&[("A", "1")]));
        assert_eq!(s.flags, ["--region", "cn-x", "--dry-run", "--region=y"]);
        assert!(s.help);
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(
            run(&["--A"]),
            Err(ArgsError::MissingValue { name: "A".into() })
        );
        assert_eq!(
            run(&["--A", "--dry-run"]),
            Err(ArgsError::FlagAsValue {
                name: "A".into(),
                flag: "--dry-run".into()
            })
        );
        assert_eq!(
            run(&["--A", "1", "stray"]),
            Err(ArgsError::Unexpected {
                token: "stray".into()
            })
        );
        assert_eq!(
            run(&["--=1"]),
            Err(ArgsError::EmptyName {
                token: "--=1".into()
            })
        );
        let msg = run(&["--A", "--dry-run"]).unwrap_err().to_string();
        assert!(msg.contains("--A=--dry-run"), "{msg}");
    }

    #[test]
    fn a_value_that_looks_like_a_parameter_is_a_value() {
        let s = run(&["--A", "--B"]).expect("parsed");
        assert_eq!(s.params, pairs(&[("A", "--B")]));
    }
}
