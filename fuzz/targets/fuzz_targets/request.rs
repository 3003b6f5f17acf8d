#![no_main]
//! The `request` target: see `dwdi_fuzz_harness::request::run`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| dwdi_fuzz_harness::request::run(data));
