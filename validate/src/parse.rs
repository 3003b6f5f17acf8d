//! Parsing a document into a [`Value`] while noticing what a parsed `Value` hides: a member
//! that occurs twice in one object (the later one wins, as with `serde_json::from_str`).

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses `text` exactly as `serde_json::from_str::<Value>` does (same value, same errors), and
/// tells whether some object repeated a member.
pub(crate) fn parse(text: &str) -> Result<(Value, bool), serde_json::Error> {
    let repeated = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed(&repeated).deserialize(&mut de)?;
    de.end()?;
    Ok((value, repeated.get()))
}

#[derive(Clone, Copy)]
struct Seed<'a>(&'a Cell<bool>);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            if members.insert(key, value).is_some() {
                self.0.set(true);
            }
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_as_serde_json_does_and_notices_repeats() {
        for text in [
            r#"{"a": [1, -2, 3.5, 1e300, true, null, "x\u0041"], "b": {"c": {}}}"#,
            r#"{"a": 1, "b": {"c": 2}, "a": 3}"#,
            r#"[{"k": 1, "k": 2}]"#,
            "  7 ",
        ] {
            let ours = parse(text).expect("parses").0;
            let theirs: serde_json::Value = serde_json::from_str(text).expect("parses");
            assert_eq!(ours, theirs, "{text}");
        }
        assert!(
            !parse(r#"{"a": {"a": 1}, "b": [{"a": 2}]}"#)
                .expect("parses")
                .1
        );
        assert!(parse(r#"{"x": [{"k": 1, "k": 2}]}"#).expect("parses").1);
        assert!(parse(r#"{"ab": 1, "a\u0062": 2}"#).expect("parses").1);
        for bad in [
            "{",
            "[1e400]",
            "[1,]",
            "{} x",
            &("[".repeat(200) + &"]".repeat(200)),
        ] {
            assert_eq!(
                parse(bad).expect_err("fails").to_string(),
                serde_json::from_str::<serde_json::Value>(bad)
                    .expect_err("fails")
                    .to_string()
            );
        }
    }
}
