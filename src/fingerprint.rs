//! Fingerprints of what an output was made from: a 128-bit hash (XXH3-128), so that a
//! collision, which would keep a stale output, is out of reach. Used to keep unchanged figures
//! between `serve` builds and to carry unchanged reviews over from the output a build replaces.
//!
//! XXH3 rather than the standard library's SipHash: a build hashes every file of every review
//! folder to find what it may carry over, and two SipHash states were a fifth of the
//! instructions of a library's rebuild with nothing changed (docs/benchmarks.md, "Issue 17,
//! tenth session"); XXH3's output is also fixed by its specification, where `DefaultHasher`'s
//! may change between Rust releases.

use std::fmt;
use xxhash_rust::xxh3::Xxh3;

/// A finished fingerprint; printed as 32 hexadecimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub u64, pub u64);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}{:016x}", self.0, self.1)
    }
}

/// A fingerprint being computed. Text written through [`fmt::Write`] is hashed as it is
/// formatted, without building the string.
#[derive(Clone)]
pub struct Fingerprinter {
    hasher: Xxh3,
}

impl Default for Fingerprinter {
    fn default() -> Fingerprinter {
        Fingerprinter::new()
    }
}

impl Fingerprinter {
    /// A new fingerprint of nothing yet.
    pub fn new() -> Fingerprinter {
        Fingerprinter {
            hasher: Xxh3::new(),
        }
    }

    /// Adds `bytes` as they are.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }

    /// Adds one field: its length, then its bytes, so that no two sequences of fields hash
    /// the same bytes ("ab", "c" against "a", "bc").
    pub fn field(&mut self, bytes: &[u8]) {
        let length = (bytes.len() as u64).to_le_bytes();
        self.bytes(&length);
        self.bytes(bytes);
    }

    /// The fingerprint of everything added.
    pub fn finish(&self) -> Fingerprint {
        let digest = self.hasher.digest128();
        Fingerprint((digest >> 64) as u64, digest as u64)
    }
}

impl fmt::Write for Fingerprinter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.bytes(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_delimited_and_the_text_is_32_hex_digits() {
        let of = |fields: &[&str]| {
            let mut f = Fingerprinter::new();
            for field in fields {
                f.field(field.as_bytes());
            }
            f.finish()
        };
        assert_eq!(of(&["ab", "c"]), of(&["ab", "c"]));
        assert_ne!(of(&["ab", "c"]), of(&["a", "bc"]));
        assert_ne!(of(&["ab"]).0, of(&["ab"]).1, "the two halves differ");
        let text = of(&["x"]).to_string();
        assert_eq!(text.len(), 32);
        assert!(text.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
