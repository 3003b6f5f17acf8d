//! The operations that create and change tasks (every operation whose parameters include a
//! document), through `dwdi call --dry-run` and `dwdi validate`: each parameter travels where
//! the generated tables say (a body parameter in the signed form body, never the URL), the
//! document a parameter takes is the one its operation (and, where the spec says, another
//! parameter) chooses, and each document kind the spec declares is one `dwdi validate` knows.
//! The examples come from the effective spec (generated/spec.json), not from this file.

mod common;

use common::*;
use dataworks_di::meta;
use dwdi_runtime::describe::{ParamKind, ParamLocation};
use serde_json::Value;

/// The effective spec the client was generated from.
fn spec() -> Value {
    serde_json::from_str(include_str!("../../generated/spec.json")).expect("the generated spec")
}

/// A parameter's example in wire form.
fn wire(example: &Value) -> String {
    match example {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every operation with a body parameter, with every parameter it has an example for.
fn body_operations() -> Vec<(String, Vec<(String, String)>)> {
    let spec = spec();
    let mut out = Vec::new();
    for op in meta::OPERATIONS {
        if !op.params.iter().any(|p| p.location == ParamLocation::Body) {
            continue;
        }
        let params = &spec["operations"][op.action]["parameters"];
        let call = op
            .params
            .iter()
            .filter_map(|p| Some((p.name.to_owned(), wire(params[p.name].get("example")?))))
            .collect();
        out.push((op.action.to_owned(), call));
    }
    out
}

fn dry_run(op: &str, params: &[(String, String)]) -> Run {
    let mut args: Vec<String> = vec!["call".into(), op.into()];
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    args.extend(param_args(&pairs));
    args.extend(
        [
            "--dry-run",
            "--region",
            "cn-hangzhou",
            "--signature-date",
            DATE,
            "--signature-nonce",
            NONCE,
        ]
        .map(String::from),
    );
    dwdi(Creds::Keys, &args)
}

/// `a=b&c=d` decoded.
fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                dwdi_test_support::form_decode(k),
                dwdi_test_support::form_decode(v),
            )
        })
        .collect()
}

#[test]
fn a_body_parameter_is_shown_in_the_dry_runs_signed_body() {
    let ops = body_operations();
    assert!(!ops.is_empty(), "the spec puts some parameter in the body");
    for (op, params) in ops {
        let run = dry_run(&op, &params);
        assert_eq!(run.code, 0, "{op}: {run:?}");
        run.assert_no_secrets(false);
        let json: Value = serde_json::from_str(&run.stdout).expect("one JSON object");
        let text = |v: &Value| v.as_str().expect("a string").to_owned();
        let url = text(&json["url"]);
        let (path, query) = dwdi_wire_verify::split_target(&url);
        let body = text(&json["body"]);
        assert_eq!(
            json["headers"]["content-type"], "application/x-www-form-urlencoded",
            "{op}"
        );
        let desc = meta::operation(&op).expect("generated");
        let in_query = pairs(query);
        let in_body = pairs(&body);
        for (name, value) in &params {
            let location = desc.param(name).expect("known").location;
            let (here, there) = match location {
                ParamLocation::Body => (&in_body, &in_query),
                ParamLocation::Query => (&in_query, &in_body),
            };
            assert!(
                here.contains(&(name.clone(), value.clone())),
                "{op}: {name}"
            );
            assert!(there.iter().all(|(n, _)| n != name), "{op}: {name} twice");
        }
        // The signature covers the body: it verifies as shown, and not with a changed body.
        let headers: Vec<(String, String)> = json["headers"]
            .as_object()
            .expect("headers")
            .iter()
            .map(|(name, value)| (name.clone(), text(value)))
            .collect();
        let verify = |body: &[u8]| {
            dwdi_wire_verify::verify(
                dwdi_wire_verify::Request {
                    method: "POST",
                    path,
                    query,
                    headers: &headers,
                    body,
                },
                ACCESS_KEY_SECRET,
            )
            .map(|_| ())
        };
        verify(body.as_bytes()).unwrap_or_else(|e| panic!("{op}: {e}"));
        assert!(
            verify(body.replacen("job", "jab", 1).as_bytes()).is_err(),
            "{op}"
        );
    }
}

#[test]
fn each_document_parameter_takes_its_operations_document() {
    // A document parameter given a document of another kind is refused before anything is
    // sent, naming the parameter; the kind it takes is the one the tables name for it.
    let spec = spec();
    let mut refused = 0;
    for op in meta::OPERATIONS {
        let params = &spec["operations"][op.action]["parameters"];
        for param in op.params {
            let ParamKind::JsonString { document } = param.kind else {
                continue;
            };
            // The document of another kind whose example is at hand: another parameter's.
            let Some(other) = op.params.iter().find_map(|p| match p.kind {
                ParamKind::JsonString { document: d } if p.name != param.name && d != document => {
                    params[p.name].get("example").map(wire)
                }
                _ => None,
            }) else {
                continue;
            };
            let call: Vec<(String, String)> = op
                .params
                .iter()
                .filter_map(|p| {
                    let value = if p.name == param.name {
                        other.clone()
                    } else {
                        wire(params[p.name].get("example")?)
                    };
                    Some((p.name.to_owned(), value))
                })
                .collect();
            let run = dry_run(op.action, &call);
            assert_ne!(
                run.code, 0,
                "{}: {} took another document",
                op.action, param.name
            );
            assert!(
                run.stderr.contains(param.name),
                "{}: {}",
                op.action,
                run.stderr
            );
            assert_eq!(run.stdout, "", "{}: nothing is printed", op.action);
            refused += 1;
        }
    }
    assert!(refused > 0, "some operation takes two documents");
}

#[test]
fn every_document_kind_of_the_spec_is_a_validate_kind_and_its_examples_pass() {
    let spec = spec();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut checked = 0;
    for (kind, name, _) in meta::DOCUMENT_KINDS {
        // `dwdi schema` prints the kind's schema.
        let run = dwdi(Creds::None, &["schema", kind]);
        assert_eq!(run.code, 0, "{kind}: {run:?}");
        let schema: Value = serde_json::from_str(&run.stdout).expect("a JSON schema");
        assert!(schema["$id"].as_str().is_some_and(|id| id.ends_with(kind)));
        // Every example of a parameter whose document is this one (and no other parameter
        // chooses it otherwise) validates as this kind.
        for op in meta::OPERATIONS {
            for param in op.params {
                let ParamKind::JsonString { document } = param.kind else {
                    continue;
                };
                if document != *name || param.document_by.is_some() {
                    continue;
                }
                let params = &spec["operations"][op.action]["parameters"];
                let Some(example) = params[param.name].get("example").map(wire) else {
                    continue;
                };
                let file = dir
                    .path()
                    .join(format!("{}.{}.json", op.action, param.name));
                std::fs::write(&file, example).expect("written");
                let run = dwdi(
                    Creds::None,
                    &["validate", kind, file.to_str().expect("utf-8")],
                );
                assert_eq!(
                    run.code, 0,
                    "{}.{} as {kind}: {run:?}",
                    op.action, param.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
    // A kind the spec does not declare is refused with the accepted ones listed.
    let run = dwdi(Creds::None, &["validate", "no-such-kind", "-"]);
    assert_ne!(run.code, 0);
    for (kind, _, _) in meta::DOCUMENT_KINDS {
        assert!(
            run.stderr.contains(kind),
            "{kind} is not listed: {}",
            run.stderr
        );
    }
}
