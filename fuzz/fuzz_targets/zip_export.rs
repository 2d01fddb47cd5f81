//! The fuzzer's bytes as an export .zip. Loading must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    hmis::ingest::fuzzing::load_zip(data);
});
