//! dwdi against an independent JSON Schema implementation (boon; not the jsonschema crate,
//! which dwdi's own diagnostic path uses), over the committed generator's realistic TaskParam
//! documents and their single-mistake mutants. Where the two verdicts differ, the mutant names
//! the cause (a rule only dwdi checks, a near-miss or repeated member, strict mode, a BOM, an
//! escaped document); every other verdict must be the same. The valid documents also show the
//! schema alone accepts what dwdi accepts, and the mutants that JSON Schema can state are
//! refused by it too: the schema under-checks nothing it could state.

#[path = "support/corpus.rs"]
mod corpus;

use corpus::Cause;
use dwdi_validate::DocumentValidator;

/// How many generated documents (each with about 17 mutants).
const DOCUMENTS: u64 = 150;

struct Boon {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Boon {
    fn new(schema_text: &str) -> Boon {
        let schema: serde_json::Value = serde_json::from_str(schema_text).expect("JSON");
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource("file:///task-param.schema.json", schema)
            .expect("boon takes the schema");
        let index = compiler
            .compile("file:///task-param.schema.json", &mut schemas)
            .unwrap_or_else(|e| panic!("boon compiles the schema: {e:#}"));
        Boon { schemas, index }
    }

    /// boon's verdict on a text as a JSON Schema tool reads it: a text that does not parse as
    /// JSON (a BOM) is not valid.
    fn valid(&self, text: &str) -> bool {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => self.schemas.validate(&v, self.index).is_ok(),
            Err(_) => false,
        }
    }
}

#[test]
fn dwdi_and_an_independent_json_schema_implementation_agree_but_for_named_causes() {
    let dwdi = DocumentValidator::new(
        dataworks_di::documents::TASK_PARAM_SCHEMA,
        dataworks_di::documents::TASK_PARAM_RULES,
    )
    .expect("schema");
    let boon = Boon::new(dataworks_di::documents::TASK_PARAM_SCHEMA);
    let mut judged = 0;
    let mut causes: Vec<(Cause, usize)> = Vec::new();
    let mut sizes = (usize::MAX, 0);
    for seed in 0..DOCUMENTS {
        let (doc, text) = corpus::task_param(seed);
        sizes = (sizes.0.min(text.len()), sizes.1.max(text.len()));
        let report = dwdi.check(&text, true);
        assert!(
            report.problems.is_empty(),
            "seed {seed}: {:?}",
            report.problems
        );
        assert!(
            boon.valid(&text),
            "seed {seed}: boon refuses a valid document"
        );
        judged += 1;
        for m in corpus::mutants(&doc, &text) {
            let ours = dwdi.check(&m.text, m.strict).is_valid();
            let theirs = boon.valid(&m.text);
            judged += 1;
            assert_eq!(
                ours, !m.dwdi_invalid,
                "seed {seed}, {}: dwdi says valid={ours}",
                m.what
            );
            match m.cause {
                None => assert_eq!(
                    ours, theirs,
                    "seed {seed}, {}: dwdi {ours}, boon {theirs}, with no cause named",
                    m.what
                ),
                Some(cause) => {
                    assert_ne!(
                        ours, theirs,
                        "seed {seed}, {}: the named cause {cause:?} made no difference",
                        m.what
                    );
                    match causes.iter_mut().find(|(c, _)| *c == cause) {
                        Some((_, n)) => *n += 1,
                        None => causes.push((cause, 1)),
                    }
                }
            }
        }
    }
    // The generator covers the sizes it promises, and every named cause was met.
    assert!(
        sizes.0 >= corpus::MIN_BYTES && sizes.1 <= corpus::MAX_BYTES,
        "{sizes:?}"
    );
    for cause in [
        Cause::DwdiRule,
        Cause::NearMiss,
        Cause::DuplicateMember,
        Cause::Strict,
        Cause::Bom,
        Cause::Escaped,
    ] {
        assert!(
            causes.iter().any(|(c, _)| *c == cause),
            "{cause:?} never met"
        );
    }
    assert!(judged > 2000, "{judged}");
}
