#![no_main]
//! The `response` target: see `dwdi_fuzz_harness::response::run`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| dwdi_fuzz_harness::response::run(data));
