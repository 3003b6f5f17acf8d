#![no_main]
//! The `document` target: see `dwdi_fuzz_harness::document::run`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| dwdi_fuzz_harness::document::run(data));
