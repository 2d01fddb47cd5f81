//! One file of an otherwise valid export replaced by the fuzzer's bytes; the first byte picks
//! the file. Loading must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    hmis::ingest::fuzzing::load_with_file(data);
});
