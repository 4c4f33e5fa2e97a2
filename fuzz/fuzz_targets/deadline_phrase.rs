//! Parses arbitrary text as a deadline phrase (完成时限) under a plan year taken from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wujin_domain::supervision::fuzz_deadline_phrase(data);
});
