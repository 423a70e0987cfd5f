//! criterion benchmarks of `revmark import`: reading a .rm5 file into the typed document and
//! writing the review folder's files, on an excerpt of a real review and on files built to
//! find quadratic paths (thousands of studies with one name and year; many rows).
//!
//! Run with `cargo bench --bench import`.

use criterion::{Criterion, criterion_group, criterion_main};
use revmark::import::{review_files, rm5};
use std::hint::black_box;

/// A review of `n` studies with the same name and year, each with one row in one analysis.
fn same_name_studies(n: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><COCHRANE_REVIEW TYPE=\"INTERVENTION\"><COVER_SHEET><TITLE>T</TITLE></COVER_SHEET><STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>",
    );
    for i in 0..n {
        s.push_str(&format!(
            "<STUDY ID=\"STD-{i}\" NAME=\"Smith\" YEAR=\"2001\"/>"
        ));
    }
    s.push_str("</INCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES><ANALYSES_AND_DATA><COMPARISON ID=\"CMP-001\" NO=\"1\"><NAME>A</NAME><DICH_OUTCOME ID=\"CMP-001.01\" NO=\"1\" EFFECT_MEASURE=\"RR\" METHOD=\"MH\"><NAME>D</NAME>");
    for i in 0..n {
        s.push_str(&format!(
            "<DICH_DATA STUDY_ID=\"STD-{i}\" EVENTS_1=\"1\" TOTAL_1=\"10\" EVENTS_2=\"2\" TOTAL_2=\"10\"/>"
        ));
    }
    s.push_str("</DICH_OUTCOME></COMPARISON></ANALYSES_AND_DATA></COCHRANE_REVIEW>");
    s
}

fn import(c: &mut Criterion) {
    let excerpt = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/revman/benzodiazepines-pregabalin-gad-excerpt.rm5"
    ))
    .expect("the fixture");
    c.bench_function("import/gad-excerpt", |b| {
        b.iter(|| {
            let doc = rm5::read(black_box(&excerpt), "gad.rm5").expect("it imports");
            review_files(&doc).len()
        });
    });
    for n in [1_000, 4_000] {
        let file = same_name_studies(n);
        c.bench_function(&format!("import/same-name-studies-{n}"), |b| {
            b.iter(|| {
                let doc = rm5::read(black_box(file.as_bytes()), "same.rm5").expect("it imports");
                review_files(&doc).len()
            });
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = import
}
criterion_main!(benches);
