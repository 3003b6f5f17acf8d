//! Property: a call with one defect — a missing required parameter, a value outside the
//! operation's enum, an out-of-range integer, a malformed JSON-string parameter — is refused
//! by the generated client's typed builder before a request exists, naming the parameter.

use std::sync::OnceLock;

use dataworks_di::Client;
use dwdi_contract_tests::spec;
use dwdi_contract_tests::strategies::{self, Defect};
use dwdi_runtime::describe::Problem;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// A client that never sends: the builders refuse before a request exists.
fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let runtime = Client::runtime_builder()
            .endpoint("http://127.0.0.1:9")
            .credentials(dwdi_runtime::Credentials::new("test-id", "test-secret"))
            .build()
            .expect("runtime");
        Client::new(runtime)
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 3000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/invalid.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn one_defect_is_refused_naming_the_parameter(
        call in strategies::invalid_call(&spec::loaded().spec),
    ) {
        let entry = dataworks_di::meta::dispatch(&call.action)
            .ok_or_else(|| TestCaseError::fail(format!("{} is not generated", call.action)))?;
        // Documents unchecked: the other parameters' JSON is arbitrary, not a document.
        let result = (entry.to_request)(client(), &call.params, false);
        let Err(error) = result else {
            return Err(TestCaseError::fail(format!("{call:?} was accepted")));
        };
        let error = error
            .invalid
            .ok_or_else(|| TestCaseError::fail(format!("{call:?}: not a validation error")))?;
        prop_assert_eq!(&error.parameter, &call.parameter, "{}", error);
        prop_assert!(error.to_string().contains(&call.parameter));
        match (call.defect, &error.problem) {
            (Defect::Missing, Problem::Missing { .. }) => {}
            (Defect::OutsideEnum | Defect::OutOfRange | Defect::MalformedJson, Problem::Invalid { expected, .. }) => {
                prop_assert!(!expected.is_empty());
                prop_assert!(error.to_string().contains("expected"));
            }
            (defect, problem) => {
                return Err(TestCaseError::fail(format!("{defect:?} reported as {problem:?}")));
            }
        }
    }
}
