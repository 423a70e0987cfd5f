//! Problems found in review files, each located by file, line and column, with all wording in
//! one place.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a problem is: errors stop the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The review cannot be built.
    Error,
    /// The review builds, but something looks wrong.
    Warning,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, naming the study and outcome where they apply.
    pub message: String,
    /// A hint such as "did you mean `unclear`?".
    pub help: Option<String>,
    /// The source line, to print under the message with a caret.
    pub source_line: Option<String>,
}

/// A file's text with its name, so that problems can quote the offending line.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user named it.
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
}

impl SourceFile {
    /// A source file from its path and text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// An error at a 1-based line and column of this file.
    pub fn error(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Severity::Error, line, column, message)
    }

    /// A warning at a 1-based line and column of this file.
    pub fn warning(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Severity::Warning, line, column, message)
    }

    fn diagnostic(
        &self,
        severity: Severity,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let source_line = (line > 0)
            .then(|| self.text.lines().nth(line - 1))
            .flatten()
            .map(str::to_string);
        Diagnostic {
            severity,
            file: self.path.clone(),
            line,
            column: column.max(1),
            message: message.into(),
            help: None,
            source_line,
        }
    }
}

impl Diagnostic {
    /// A problem with a whole file (missing, unreadable, not UTF-8).
    pub fn file_error(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean `x`?" when one of `candidates` is close to `got`.
    pub fn suggest<'a>(self, got: &str, candidates: impl IntoIterator<Item = &'a str>) -> Self {
        match closest(got, candidates) {
            Some(best) => self.with_help(format!("did you mean `{best}`?")),
            None => self,
        }
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = self.file.display();
        if self.line == 0 {
            write!(f, "{file}: {severity}: {}", self.message)?;
        } else {
            write!(
                f,
                "{file}:{}:{}: {severity}: {}",
                self.line, self.column, self.message
            )?;
        }
        if let Some(source) = &self.source_line {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let (source, column) = excerpt(&source.replace('\t', " "), self.column);
            let before: String = source.chars().take(column - 1).collect();
            let width = token_width(source.chars().skip(column - 1));
            write!(f, "\n {pad} |\n {number} | {source}\n {pad} | ")?;
            write!(
                f,
                "{}{}",
                " ".repeat(before.chars().count()),
                "^".repeat(width)
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Longest source line quoted whole; longer ones (a 100,000-character line in a hostile file)
/// are cut to a window around the column.
const MAX_QUOTED: usize = 160;

/// The part of a long source line around `column`, with `…` where it was cut, and the column
/// within that part.
fn excerpt(source: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = source.chars().collect();
    if chars.len() <= MAX_QUOTED {
        return (source.to_string(), column);
    }
    let start = column.saturating_sub(1 + MAX_QUOTED / 2).min(chars.len());
    let end = (start + MAX_QUOTED).min(chars.len());
    let mut out = String::new();
    let mut column = column - start;
    if start > 0 {
        out.push('…');
        column += 1;
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    (out, column)
}

/// The width of the token a caret points at: up to the next YAML or CSV separator.
fn token_width(rest: impl Iterator<Item = char>) -> usize {
    let mut width = 0;
    let mut quoted = None;
    for c in rest {
        match quoted {
            Some(q) if c == q => {
                width += 1;
                break;
            }
            Some(_) => {}
            None if width == 0 && (c == '"' || c == '\'') => quoted = Some(c),
            None if matches!(c, ',' | '}' | ']' | '#') => break,
            None if c == ':' => break,
            None => {}
        }
        width += 1;
    }
    // Trailing spaces are not part of the token.
    width.max(1)
}

/// The candidate nearest to `got` by edit distance, if it is near enough to be a typo.
pub fn closest<'a>(got: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let got_lower = got.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&got_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| {
            // A third of the length, and at least a swapped pair of letters in longer words.
            let longest = c.chars().count().max(got.chars().count());
            *d <= (longest / 3).max(if longest >= 5 { 2 } else { 1 })
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(
            closest("unclaer", ["low", "unclear", "high"]),
            Some("unclear")
        );
        assert_eq!(closest("maybe", ["low", "unclear", "high"]), None);
    }

    #[test]
    fn prints_location_snippet_and_caret() {
        let file = SourceFile::new("r/studies.yaml", "a: 1\n  judgement: unclaer\n");
        let d = file
            .error(2, 14, "bad judgement")
            .suggest("unclaer", ["unclear"]);
        assert_eq!(
            d.to_string(),
            "r/studies.yaml:2:14: error: bad judgement\n   |\n 2 |   judgement: unclaer\n   |              ^^^^^^^\n  = help: did you mean `unclear`?"
        );
    }
}
