//! The operations the CLI knows (from the generated `dataworks_di::meta::OPERATIONS` table): lookup
//! with a suggestion for a misspelt name, the listing shown in `--help`, and one operation's
//! parameter help.

use std::fmt;

use dwdi_runtime::describe::{OperationDesc, ParamKind};
use dwdi_validate::edit_distance;

/// The named operation, or an error listing the known ones and suggesting the closest.
pub fn find(name: &str) -> Result<&'static OperationDesc, UnknownOperation> {
    dataworks_di::meta::operation(name).ok_or_else(|| UnknownOperation {
        name: name.to_owned(),
        suggestion: closest(
            name,
            dataworks_di::meta::OPERATIONS.iter().map(|op| op.action),
        ),
    })
}

/// An operation name that is not in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOperation {
    /// The name given.
    pub name: String,
    /// The closest known name, if one is close enough.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown operation {:?}", self.name)?;
        if let Some(s) = self.suggestion {
            write!(f, "; did you mean {s}?")?;
        }
        write!(f, " Known operations: {}", names().join(", "))
    }
}

impl std::error::Error for UnknownOperation {}

/// The known operation names, sorted.
pub fn names() -> Vec<&'static str> {
    dataworks_di::meta::OPERATIONS
        .iter()
        .map(|op| op.action)
        .collect()
}

/// The closest candidate by edit distance (ignoring ASCII case), if it is close enough to
/// be a likely typo, or if the name is a prefix of it (`StopDISync`). The distance is the
/// validator's (`dwdi_validate::edit_distance`), the one home of that helper; how close is
/// close enough for an operation name is decided here.
pub fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let lower = name.to_ascii_lowercase();
    let (best, distance) = candidates
        .map(|c| (c, edit_distance(&lower, &c.to_ascii_lowercase())))
        .min_by_key(|&(_, d)| d)?;
    let close = distance <= (best.len() / 3).max(2);
    let prefix = lower.len() >= 4 && best.to_ascii_lowercase().starts_with(&lower);
    (close || prefix).then_some(best)
}

/// The operations with their summaries, for `--help`.
pub fn listing() -> String {
    let width = names().iter().map(|n| n.len()).max().unwrap_or(0);
    let mut out = format!(
        "Operations ({} {}):\n",
        dataworks_di::meta::PRODUCT,
        dataworks_di::meta::API_VERSION
    );
    for op in dataworks_di::meta::OPERATIONS {
        out.push_str(&format!("  {:width$}  {}\n", op.action, op.summary));
    }
    out
}

/// One operation's parameters, for `dwdi call <Operation> --help`.
pub fn help(op: &OperationDesc) -> String {
    let mut out = format!(
        "{}: {}\n\nUsage: dwdi call {}",
        op.action, op.summary, op.action
    );
    for p in op.params {
        let pair = format!("--{} <{}>", p.name, placeholder(&p.kind));
        if p.required {
            out.push_str(&format!(" {pair}"));
        } else {
            out.push_str(&format!(" [{pair}]"));
        }
    }
    out.push_str(" [OPTIONS]\n\nParameters:\n");
    for p in op.params {
        let need = if p.required { "required" } else { "optional" };
        out.push_str(&format!(
            "  --{} ({need}): {}\n      {}\n",
            p.name,
            p.kind.expected(),
            p.description
        ));
    }
    out.push_str("\nRun `dwdi call --help` for the options (--dry-run, --region, …).");
    out
}

fn placeholder(kind: &ParamKind) -> &'static str {
    match kind {
        ParamKind::Int64 { .. } => "integer",
        ParamKind::String => "text",
        ParamKind::Boolean => "true|false",
        ParamKind::Enum { .. } => "value",
        ParamKind::JsonString { .. } => "json",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_known_operations() {
        for name in names() {
            assert_eq!(find(name).map(|op| op.action), Ok(name));
        }
    }

    #[test]
    fn suggests_the_closest_operation() {
        let e = find("GetDISyncInstanceInf").unwrap_err();
        assert_eq!(e.suggestion, Some("GetDISyncInstanceInfo"));
        let e = find("stopdisyncinstance").unwrap_err();
        assert_eq!(e.suggestion, Some("StopDISyncInstance"));
        let e = find("StopDISync").unwrap_err();
        assert_eq!(e.suggestion, Some("StopDISyncInstance"));
        let e = find("DescribeRegions").unwrap_err();
        assert_eq!(e.suggestion, None);
        let msg = e.to_string();
        for name in names() {
            assert!(msg.contains(name), "{msg}");
        }
    }

    #[test]
    fn help_lists_every_parameter() {
        for op in dataworks_di::meta::OPERATIONS {
            let text = help(op);
            for p in op.params {
                assert!(text.contains(&format!("--{} (", p.name)), "{text}");
                assert!(text.contains(p.description), "{text}");
            }
        }
    }
}
