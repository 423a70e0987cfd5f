//! The numbers of comparisons, analyses and subgroups ("Comparison 1", "Analysis 1.16",
//! "1.16.3"): kept as given, gaps included, so that "Analysis 1.16" in the authors' text still
//! names its analysis after an import; a number not given is one more than the one before.
//! Numbers name figure files and links, so one given twice in the same place is an error.

use std::collections::HashMap;

use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{Located, Location};

const BAD_NUMBER: Kind = Kind::error("a number that is not a whole number in its place");
const DUPLICATE_NUMBER: Kind = Kind::error("a number given twice in one place");

/// Numbers the items of one place: the comparisons of analyses.yaml, the analyses of a
/// comparison, or the subgroups of an analysis.
pub(crate) struct Numbering<'a> {
    file: &'a SourceFile,
    /// The numbers of the enclosing items (none for comparisons; the comparison's for its
    /// analyses; the comparison's and the analysis's for subgroups).
    parents: Vec<usize>,
    /// The last number handed out (0 before the first).
    previous: usize,
    /// Each number handed out, with who has it and the line it was given or defaulted at.
    taken: HashMap<usize, (String, u64)>,
}

impl<'a> Numbering<'a> {
    /// Numbering for the items under `parents`.
    pub fn new(file: &'a SourceFile, parents: Vec<usize>) -> Self {
        Numbering {
            file,
            parents,
            previous: 0,
            taken: HashMap::new(),
        }
    }

    /// The full number of `n` in this place ("1.16").
    pub fn full(&self, n: usize) -> String {
        let mut parts: Vec<String> = self.parents.iter().map(usize::to_string).collect();
        parts.push(n.to_string());
        parts.join(".")
    }

    /// The number of the next item: `given` (its own number, "16", or the full one, "1.16"),
    /// or one more than the last. `who` names the item in messages ("comparison `x`, outcome
    /// `y`") and `at` is where it is written. A number that cannot be read, or that another
    /// item here has, is reported; the item still gets a number, so that checking goes on.
    pub fn next(
        &mut self,
        given: Option<&Located<String>>,
        who: &str,
        at: Location,
        problems: &mut Problems,
    ) -> usize {
        let file = self.file;
        let default = self.previous + 1;
        let (number, at) = match given {
            Some(text) => {
                if let Some(n) = own_number(&text.value, &self.parents) {
                    (n, text.referenced)
                } else {
                    let example = self.full(default);
                    let own = default.to_string();
                    let full = if self.parents.is_empty() {
                        String::new()
                    } else {
                        format!(" or the full number (\"{example}\")")
                    };
                    problems.add(&file.path, BAD_NUMBER, |_| {
                    file.error_at(
                        text.referenced,
                        format!(
                            "{who}: `number` must be a whole number above 0 ({own}){full}, got `{}`",
                            text.value
                        ),
                    )
                });
                    (default, text.referenced)
                }
            }
            None => (default, at),
        };
        match self.taken.get(&number) {
            Some((first, line)) => {
                let full = self.full(number);
                problems.add(&file.path, DUPLICATE_NUMBER, |_| {
                    file.error_at(
                        at,
                        format!(
                            "{who}: number {full} is already {first}'s (line {line}); give each its own `number`"
                        ),
                    )
                });
            }
            None => {
                self.taken.insert(number, (who.to_string(), at.line()));
            }
        }
        self.previous = number;
        number
    }
}

/// The item's own number in `text`: "16", or "1.16" whose first parts are the `parents`'
/// numbers; None for anything else (a part that is not a whole number above 0, other
/// parents).
fn own_number(text: &str, parents: &[usize]) -> Option<usize> {
    let parts: Option<Vec<usize>> = text
        .trim()
        .split('.')
        .map(|part| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<usize>().ok())
                .flatten()
                .filter(|&n| n > 0)
        })
        .collect();
    match parts?.as_slice() {
        [own] => Some(*own),
        [given_parents @ .., own] if given_parents == parents => Some(*own),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_and_full_numbers() {
        assert_eq!(own_number("16", &[1]), Some(16));
        assert_eq!(own_number("1.16", &[1]), Some(16));
        assert_eq!(own_number(" 1.16.3 ", &[1, 16]), Some(3));
        // YAML writes `number: 1.10` as the text "1.10": the tenth, not the first.
        assert_eq!(own_number("1.10", &[1]), Some(10));
        for bad in ["2.16", "0", "-1", "+1", "1.", "x", "1.16.3", ""] {
            assert_eq!(own_number(bad, &[1]), None, "{bad}");
        }
    }

    #[test]
    fn defaults_follow_the_number_before_and_repeats_are_errors() {
        let file = SourceFile::new("analyses.yaml", String::new());
        let mut problems = Problems::new();
        let mut numbering = Numbering::new(&file, vec![1]);
        let at = Location::new(3, 5);
        let given = Located::new("1.16".to_string(), at);
        let numbers = [
            numbering.next(None, "a", at, &mut problems),
            numbering.next(Some(&given), "b", at, &mut problems),
            numbering.next(None, "c", at, &mut problems),
        ];
        assert_eq!(numbers, [1, 16, 17]);
        assert_eq!(problems.errors(), 0);
        let again = Located::new("17".to_string(), Location::new(9, 5));
        assert_eq!(numbering.next(Some(&again), "d", at, &mut problems), 17);
        let messages = problems.into_vec();
        assert_eq!(messages.len(), 1);
        assert!(
            messages[0].message.contains("number 1.17 is already c's"),
            "{}",
            messages[0].message
        );
    }
}
