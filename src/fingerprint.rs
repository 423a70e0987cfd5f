//! Fingerprints of what an output was made from: two independent 64-bit hashes (SipHash with
//! different starting states), so that a collision, which would keep a stale output, is out
//! of reach. Used to keep unchanged figures between `serve` builds and to carry unchanged
//! reviews over from the output a build replaces.

use std::fmt;
use std::hash::{DefaultHasher, Hasher};

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
#[derive(Debug, Clone)]
pub struct Fingerprinter {
    first: DefaultHasher,
    second: DefaultHasher,
}

impl Default for Fingerprinter {
    fn default() -> Fingerprinter {
        Fingerprinter::new()
    }
}

impl Fingerprinter {
    /// A new fingerprint of nothing yet.
    pub fn new() -> Fingerprinter {
        let mut second = DefaultHasher::new();
        second.write_u64(0x9e37_79b9_7f4a_7c15);
        Fingerprinter {
            first: DefaultHasher::new(),
            second,
        }
    }

    /// Adds `bytes` as they are.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.first.write(bytes);
        self.second.write(bytes);
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
        Fingerprint(self.first.finish(), self.second.finish())
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
        assert_ne!(of(&["ab"]).0, of(&["ab"]).1, "the two hashes differ");
        let text = of(&["x"]).to_string();
        assert_eq!(text.len(), 32);
        assert!(text.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
