//! The description against the workspace spec: references resolve, the inlined documents judge
//! documents as the standalone schemas in `generated/schemas/` do, examples fit their schemas,
//! answers stay open where requests are strict, and every region has a server.

use serde_json::{Value, json};

use super::{ERROR_ENVELOPE, description, path};
use crate::LoadedSpec;
use crate::model::ValueType;
use crate::naming::NamePlan;
use crate::paths::{SPEC, in_workspace};
use crate::schemas::document_schema;

fn loaded() -> LoadedSpec {
    crate::load_path(&in_workspace(SPEC)).expect("the spec loads")
}

/// Every `$ref` under `value`, with where it is.
fn refs(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "$ref"
                    && let Some(target) = v.as_str()
                {
                    out.push((at.to_owned(), target.to_owned()));
                }
                refs(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_reference_resolves_inside_the_description() {
    let d = description(&loaded());
    let mut found = Vec::new();
    refs(&d, "", &mut found);
    assert!(!found.is_empty());
    for (at, target) in found {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{at}: {target} leaves the description"));
        assert!(
            d.pointer(pointer).is_some(),
            "{at}: {target} resolves to nothing"
        );
    }
}

#[test]
fn each_action_has_its_own_path() {
    let loaded = loaded();
    let d = description(&loaded);
    let paths = d["paths"].as_object().unwrap();
    assert_eq!(paths.len(), loaded.spec.operations.len());
    for action in loaded.spec.operations.keys() {
        let item = paths[&path(&loaded.spec, action)].as_object().unwrap();
        assert_eq!(item.len(), 1, "{action}: one operation");
        let op = item.values().next().unwrap();
        assert_eq!(op["operationId"], json!(action));
        // The fragment is never sent: the request still goes to the spec's path.
        let key = path(&loaded.spec, action);
        assert_eq!(key.split('#').next(), Some(loaded.spec.http.path.as_str()));
    }
}

/// A validator of the component `name`, with the description's components around it.
fn component_validator(d: &Value, name: &str) -> jsonschema::Validator {
    let schema = json!({
        "$ref": format!("#/components/schemas/{name}"),
        "components": d["components"],
    });
    jsonschema::draft202012::new(&schema).expect("the component compiles")
}

#[test]
fn inlined_documents_judge_documents_as_the_standalone_schemas_do() {
    let loaded = loaded();
    let spec = &loaded.spec;
    let plan = NamePlan::of(spec);
    let d = description(&loaded);
    for (name, doc) in &spec.documents {
        let standalone = jsonschema::draft202012::new(&document_schema(spec, name, doc))
            .expect("the standalone schema compiles");
        let inlined = component_validator(&d, &super::schema::document_component(&plan, name));
        // The pages' examples of the document, and documents of the wrong shape.
        let mut instances: Vec<Value> = spec
            .operations
            .values()
            .flat_map(|op| op.parameters.values())
            .filter(|p| p.document.as_deref() == Some(name))
            .filter_map(|p| serde_json::from_str(p.example.as_ref()?.as_str()?).ok())
            .collect();
        instances.extend([
            json!([]),
            json!({}),
            json!({"steps": 1}),
            json!({"steps": [{"category": 7}]}),
        ]);
        let verdicts: Vec<bool> = instances.iter().map(|i| standalone.is_valid(i)).collect();
        assert!(verdicts.contains(&false), "{name}: no instance is refused");
        for (instance, verdict) in instances.iter().zip(&verdicts) {
            assert_eq!(inlined.is_valid(instance), *verdict, "{name}: {instance}");
        }
    }
}

#[test]
fn examples_fit_their_schemas() {
    let d = description(&loaded());
    for item in d["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            for p in op["parameters"].as_array().unwrap() {
                let at = format!("{} {}", op["operationId"], p["name"]);
                if let Some(example) = p.get("example") {
                    let schema = json!({ "allOf": [p["schema"]], "components": d["components"] });
                    let v = jsonschema::draft202012::new(&schema).unwrap();
                    assert!(v.is_valid(example), "{at}: {example}");
                }
                for media in p["content"].as_object().into_iter().flatten() {
                    if let Some(example) = media.1.get("example") {
                        let schema = json!({
                            "allOf": [media.1["schema"]],
                            "components": d["components"],
                        });
                        let v = jsonschema::draft202012::new(&schema).unwrap();
                        assert!(v.is_valid(example), "{at}: {example}");
                    }
                }
            }
        }
    }
}

/// The keys of every object under `value`.
fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn answers_are_open_where_requests_are_strict() {
    let loaded = loaded();
    let spec = &loaded.spec;
    let plan = NamePlan::of(spec);
    let d = description(&loaded);
    let schemas = &d["components"]["schemas"];
    for (action, op) in &spec.operations {
        let data = &schemas[&plan.operation(action).unwrap().data];
        let mut found = Vec::new();
        keys(data, &mut found);
        assert!(
            !found.iter().any(|k| k == "enum"),
            "{action}: a closed enum"
        );
        assert!(
            !found.iter().any(|k| k == "additionalProperties"),
            "{action}: closed members"
        );
        // A value no page lists, where an enumeration is answered, is still an answer.
        for (wire, f) in op.response.data.fields.iter().flatten() {
            if f.ty == ValueType::Enum {
                let mut answer = json!({});
                for (other, g) in op.response.data.fields.iter().flatten() {
                    if g.null_when.is_none() {
                        answer[other] = match g.ty {
                            ValueType::Int64 => json!(1),
                            ValueType::Boolean => json!(true),
                            ValueType::Object => json!({}),
                            ValueType::Array => json!([]),
                            _ => json!("x"),
                        };
                    }
                }
                answer[wire] = json!("A_VALUE_NO_PAGE_LISTS");
                let names = plan.operation(action).unwrap();
                assert!(
                    component_validator(&d, &names.data).is_valid(&answer),
                    "{action}.{wire}: {answer}"
                );
            }
        }
        let parameters = d["paths"][path(spec, action)]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["parameters"]
            .clone();
        for (wire, p) in &op.parameters {
            if p.ty == ValueType::Enum {
                let described = parameters
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["name"] == json!(wire))
                    .unwrap();
                assert!(described["schema"]["enum"].is_array(), "{action} {wire}");
            }
        }
    }
    let mut found = Vec::new();
    keys(&schemas[ERROR_ENVELOPE], &mut found);
    assert!(!found.iter().any(|k| k == "required" || k == "enum"));
}

#[test]
fn every_region_reaches_its_endpoint_through_a_server() {
    let loaded = loaded();
    let d = description(&loaded);
    let servers = d["servers"].as_array().unwrap();
    for (region, host) in &loaded.spec.endpoints.regions {
        let reached = servers.iter().any(|s| {
            let url = s["url"].as_str().unwrap();
            match s["variables"].as_object() {
                None => url.ends_with(&format!("://{host}")),
                Some(vars) => vars.iter().any(|(name, var)| {
                    var["enum"].as_array().unwrap().contains(&json!(region))
                        && url.replace(&format!("{{{name}}}"), region).ends_with(host)
                }),
            }
        });
        assert!(reached, "{region} ({host}) has no server");
    }
}
