//! The meta-analysis engine: pure numerics, no files, no serde, no templates.
