//! Maps arbitrary grids of cells as every table kind.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wujin_xlsx::map::fuzz_row_mapper(data);
});
