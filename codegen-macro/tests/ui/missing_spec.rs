// A path that names no file: the error says where the macro looked.
dwdi_codegen_macro::generate!("tests/ui/no_such_spec.json");

fn main() {}
