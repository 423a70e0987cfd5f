//! revmark: a systematic review kept as plain text, rendered into the finished Cochrane-style review.

pub mod stats;
