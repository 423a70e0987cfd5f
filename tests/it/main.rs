//! The integration tests, one crate: each module tests one feature through the built binary or
//! the library. One crate links once, where one binary per file linked 23 times.

// Test inputs are built with format! over iterators, and the files compared are revmark's own,
// whose names it writes in lower case.
#![allow(
    clippy::format_collect,
    clippy::case_sensitive_file_extension_comparisons
)]

// Helpers shared by the test modules (not every module uses every helper).
#[allow(dead_code)]
mod common;
#[allow(dead_code)]
mod hostile_support;
// The synthetic review generator of the benchmarks, shared with examples/ (it allows its own
// dead code).
#[path = "../../examples/synth.rs"]
mod synth_reviews;
// The round-trip check of real Review Manager files, shared with examples/.
#[path = "../../examples/revman_roundtrip.rs"]
mod revman_roundtrip;

mod abstract_text;
mod bias_reference;
mod browser;
mod build;
mod carry_over;
mod changes;
mod confinement;
mod counts;
mod crash_safe;
mod escaping;
mod example_reference;
mod export;
mod figures;
mod full_review;
mod fuzz;
mod grade;
mod grade_assistant;
mod hostile_escaping;
mod import;
mod incremental;
mod jobs;
mod limits;
mod new;
mod output_folder;
mod proofread;
mod properties;
mod prose;
mod prose_templates;
mod reference;
mod references;
mod revman;
mod roundtrip;
mod semantics;
mod sensitivity;
mod sensitivity_analyses;
mod serve;
mod synth;
mod templates;
mod validation;
mod whole_text;
