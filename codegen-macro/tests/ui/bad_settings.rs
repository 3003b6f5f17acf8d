// Settings the macro does not know, or a runtime path that is not a path.
mod unknown_key {
    dwdi_codegen_macro::generate!("../spec/dataworks-di.json", runtime = "::x");
}

mod not_a_path {
    dwdi_codegen_macro::generate!("../spec/dataworks-di.json", runtime_crate = "not a path");
}

fn main() {}
