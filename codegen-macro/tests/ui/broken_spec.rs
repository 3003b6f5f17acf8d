// A spec with several problems: the error lists each with its line:column, at the literal.
dwdi_codegen_macro::generate!("tests/ui/broken_spec.json");

fn main() {}
