//! Values a parameter must refuse, by its kind in the generated tables: what a data-driven
//! test sends to every parameter of every operation (or of a synthetic operation, for kinds no
//! live operation has yet) to check that each place values enter refuses wrong types.

use dwdi_runtime::describe::ParamKind;

/// Wrongly typed values for a parameter of `kind`; `valid` is a value it accepts (its example),
/// from which the near misses are built (`+10000` and `010000` for `10000`). Text parameters
/// accept anything, so they get none.
pub fn wrong_values(kind: &ParamKind, valid: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    match kind {
        ParamKind::Int64 { min, max } => {
            let v = valid.map_or_else(|| min.max(&1).to_string(), str::to_owned);
            let digits = v.trim_start_matches('-');
            out.push(format!("+{digits}"));
            out.push(format!("0{digits}"));
            out.push(format!(" {v}"));
            for bad in ["", "abc", "1.5", "1e3", "0x10", "-0"] {
                out.push(bad.to_owned());
            }
            if let Some(below) = min.checked_sub(1) {
                out.push(below.to_string());
            }
            if let Some(above) = max.checked_add(1) {
                out.push(above.to_string());
            }
        }
        ParamKind::Boolean => {
            for bad in ["maybe", "True", "FALSE", "1", "0", "yes", ""] {
                out.push(bad.to_owned());
            }
        }
        ParamKind::Enum { accepts, .. } => {
            out.push("NOT_AN_ACCEPTED_VALUE".to_owned());
            out.push(String::new());
            if let Some(first) = accepts.first() {
                for near in [
                    first.to_lowercase(),
                    format!(" {first}"),
                    format!("{first} "),
                ] {
                    if !accepts.contains(&near.as_str()) {
                        out.push(near);
                    }
                }
            }
        }
        ParamKind::JsonString { .. } => {
            for bad in ["{", "{\"a\":", "not json", "{} {}"] {
                out.push(bad.to_owned());
            }
        }
        ParamKind::String => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_built_from_the_valid_value() {
        let values = wrong_values(&ParamKind::Int64 { min: 1, max: 100 }, Some("10"));
        for v in ["+10", "010", " 10", "0", "101", "abc"] {
            assert!(values.iter().any(|x| x == v), "{v} in {values:?}");
        }
        let full = wrong_values(
            &ParamKind::Int64 {
                min: i64::MIN,
                max: i64::MAX,
            },
            None,
        );
        assert!(full.iter().any(|x| x == "+1"));
        assert!(wrong_values(&ParamKind::String, Some("x")).is_empty());
        let e = wrong_values(
            &ParamKind::Enum {
                name: "K",
                accepts: &["A_B"],
            },
            None,
        );
        assert!(e.iter().any(|x| x == "a_b"));
    }
}
