//! Property: a call with one defect — a missing required parameter, a value outside the
//! operation's enum, an out-of-range integer, a malformed JSON-string parameter — is refused
//! before anything is sent, on the dynamic path `dwdi call` uses, naming the parameter.

use dwdi_contract_tests::spec;
use dwdi_contract_tests::strategies::{self, Defect};
use dwdi_runtime::describe::Problem;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

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
        let desc = dataworks_di::meta::operation(&call.action)
            .ok_or_else(|| TestCaseError::fail(format!("{} is not generated", call.action)))?;
        let result = desc.validate(call.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let Err(error) = result else {
            return Err(TestCaseError::fail(format!("{call:?} was accepted")));
        };
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
