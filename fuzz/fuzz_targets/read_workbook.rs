//! Reads arbitrary bytes as an upload, as xlsx and as csv, and maps whatever reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wujin_xlsx::{Limits, MapOptions, TableKind, map_sheet, read_workbook};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_rows: 5_000,
        max_cols: 100,
        ..Limits::default()
    };
    for name in ["upload.xlsx", "upload.csv"] {
        if let Ok(wb) = read_workbook(data, name, &limits) {
            for kind in TableKind::ALL {
                let _ = map_sheet(&wb, kind, &MapOptions::default(), &mut |_, _| {});
            }
        }
    }
});
