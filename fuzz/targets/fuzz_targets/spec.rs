#![no_main]
//! The `spec` target: see `dwdi_fuzz_harness::spec::run`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| dwdi_fuzz_harness::spec::run(data));
