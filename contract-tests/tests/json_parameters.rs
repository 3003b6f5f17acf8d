//! The JSON documents parameters carry in a string, for every operation: each document
//! belongs to its operation (GenerateDISyncTaskConfigForCreating's TaskParam is not
//! CreateDISyncTask's), and where another parameter chooses it (a batch or a real-time job by
//! `TaskType`) the builders check the one chosen. Nothing here names an operation or a
//! parameter: they come from the spec, its examples and the official SDK's captured inputs.

use dataworks_di::meta;
use dwdi_codegen::model::ValueType;
use dwdi_contract_tests::harness::wire_text;
use dwdi_contract_tests::{sdk, spec};
use dwdi_runtime::describe::{OperationDesc, ParamKind};

/// An operation's parameters as their examples give them, in wire form.
fn example_call(op: &dwdi_codegen::model::Operation) -> Vec<(String, String)> {
    op.parameters
        .iter()
        .filter_map(|(name, p)| Some((name.clone(), wire_text(p.example.as_ref()?))))
        .collect()
}

/// The validator's errors for `text` as the document `document`.
fn errors(document: &str, text: &str) -> Vec<String> {
    let validator =
        meta::document_validator(document).unwrap_or_else(|| panic!("{document} has a validator"));
    validator
        .validate(text, false)
        .into_iter()
        .filter(|p| p.severity == dwdi_validate::Severity::Error)
        .map(|p| format!("{}: {}", p.pointer, p.message))
        .collect()
}

fn borrowed(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn every_example_of_a_json_parameter_is_a_valid_document_of_its_operations_kind() {
    let spec = &spec::loaded().spec;
    let mut checked = 0;
    for (action, op) in &spec.operations {
        let desc = meta::operation(action).expect("generated");
        let call = example_call(op);
        for (name, param) in &op.parameters {
            if param.ty != ValueType::JsonString {
                continue;
            }
            let Some(example) = param.example.as_ref().and_then(|e| e.as_str()) else {
                continue;
            };
            let document = desc
                .param(name)
                .and_then(|p| p.document(borrowed(&call)))
                .expect("a JSON parameter has a document");
            let found = errors(document, example);
            assert!(
                found.is_empty(),
                "{action}.{name}'s example is not a valid {document}:\n{}",
                found.join("\n")
            );
            checked += 1;
        }
        // The builders run the same check on the whole call.
        meta::check_documents(desc, &borrowed(&call))
            .unwrap_or_else(|e| panic!("{action}: the example call is refused: {e}"));
    }
    assert!(checked > 0, "the spec has JSON parameters with examples");
}

#[test]
fn the_official_sdks_inputs_are_valid_documents_of_their_operations_kinds() {
    for f in sdk::load_all() {
        let desc = meta::operation(&f.operation).expect("in the spec");
        let inputs = f.wire_inputs();
        meta::check_documents(desc, &borrowed(&inputs))
            .unwrap_or_else(|e| panic!("{}: {e}", f.name()));
    }
}

/// The operations with a JSON parameter whose document another parameter chooses, with that
/// parameter's description.
fn chosen_documents() -> Vec<(
    &'static OperationDesc,
    &'static dwdi_runtime::describe::ParamDesc,
)> {
    meta::OPERATIONS
        .iter()
        .flat_map(|op| op.params.iter().map(move |p| (*op, p)))
        .filter(|(_, p)| p.document_by.is_some())
        .collect()
}

#[test]
fn where_another_parameter_chooses_the_document_the_chosen_one_is_checked() {
    let chosen = chosen_documents();
    assert!(
        !chosen.is_empty(),
        "the spec chooses some document by value"
    );
    for (desc, param) in chosen {
        let by = param.document_by.expect("chosen");
        let ParamKind::JsonString { document: default } = param.kind else {
            panic!("{}.{} is a JSON parameter", desc.action, param.name);
        };
        let chooser = desc.param(by.param).expect("the choosing parameter");
        let ParamKind::Enum { accepts, .. } = chooser.kind else {
            panic!("{}.{} is an enum", desc.action, by.param);
        };
        for value in accepts {
            let expected = by
                .cases
                .iter()
                .find(|(v, _)| v == value)
                .map_or(default, |(_, d)| *d);
            assert_eq!(
                param.document([(by.param, *value)]),
                Some(expected),
                "{}.{} for {}={value}",
                desc.action,
                param.name,
                by.param
            );
        }
    }
}

#[test]
fn a_document_valid_for_one_choice_is_refused_for_the_other_before_sending() {
    // A batch job whose reader is a kind no real-time job reads: valid as the batch document,
    // refused as the real-time one (StepType), whichever operation takes them.
    let spec = &spec::loaded().spec;
    for (desc, param) in chosen_documents() {
        let by = param.document_by.expect("chosen");
        let ParamKind::JsonString { document: default } = param.kind else {
            continue;
        };
        let op = &spec.operations[desc.action];
        for (value, document) in by.cases {
            let example = op.parameters[param.name]
                .example
                .as_ref()
                .and_then(|e| e.as_str())
                .expect("an example of the chosen document");
            let mut job: serde_json::Value = serde_json::from_str(example).expect("JSON");
            job["steps"][0]["stepType"] = "postgresql".into();
            let text = job.to_string();
            assert!(errors(document, &text).is_empty(), "{}", desc.action);
            assert!(!errors(default, &text).is_empty(), "{}", desc.action);
            // The builder's check follows the choosing parameter.
            let other = desc
                .param(by.param)
                .and_then(|p| match p.kind {
                    ParamKind::Enum { accepts, .. } => accepts
                        .iter()
                        .find(|v| !by.cases.iter().any(|(c, _)| c == *v)),
                    _ => None,
                })
                .expect("a value that takes the default document");
            assert!(
                meta::check_documents(desc, &[(by.param, value), (param.name, &text)]).is_ok(),
                "{}",
                desc.action
            );
            let refused = meta::check_documents(desc, &[(by.param, other), (param.name, &text)])
                .expect_err("refused as the default document");
            assert!(
                refused.to_string().contains(default),
                "{}: {refused}",
                desc.action
            );
        }
    }
}
