//! Problems found in review files, each located by file, line and column, with all wording in
//! one place.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::model::Location;

/// How serious a problem is: errors stop the build, warnings do not.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The review cannot be built.
    Error,
    /// The review builds, but something looks wrong.
    Warning,
}

/// One problem in one file. Serialisable, so that an output folder's marker can keep the
/// warnings of a review it carries over (`site::marker`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// Where each line starts, built on the first diagnostic: a file with thousands of problems
    /// is scanned once, not once per problem.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// A source file from its path and text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    /// The text of 1-based line `line`, without its line end (as `str::lines` gives it).
    pub fn line(&self, line: usize) -> Option<&str> {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let start = *starts.get(line.checked_sub(1)?)?;
        if start == self.text.len() {
            // After the text's last line break (or an empty text) there is no line.
            return None;
        }
        let end = starts.get(line).copied().unwrap_or(self.text.len());
        let text = &self.text[start..end];
        Some(match text.strip_suffix('\n') {
            Some(text) => text.strip_suffix('\r').unwrap_or(text),
            None => text,
        })
    }

    /// An error at a 1-based line and column of this file.
    pub fn error(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Severity::Error, line, column, message)
    }

    /// An error at a place in this file.
    pub fn error_at(&self, at: Location, message: impl Into<String>) -> Diagnostic {
        self.error(at.line() as usize, at.column() as usize, message)
    }

    /// A warning at a place in this file.
    pub fn warning_at(&self, at: Location, message: impl Into<String>) -> Diagnostic {
        self.warning(at.line() as usize, at.column() as usize, message)
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
        let source_line = self.line(line).map(str::to_string);
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

    /// [`Diagnostic::suggest`] when `hint` says so: only the first few problems of a kind
    /// compare their word with every candidate.
    pub fn suggest_if<'a>(
        self,
        hint: Hint,
        got: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        if hint.0 {
            self.suggest(got, candidates)
        } else {
            self
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
        // Data reach the terminal only escaped: a control character in a study's name must
        // not set the window title or move the cursor.
        let file = escape_controls(&self.file.display().to_string()).into_owned();
        let message = escape_controls(&self.message);
        if self.line == 0 {
            write!(f, "{file}: {severity}: {message}")?;
        } else {
            write!(
                f,
                "{file}:{}:{}: {severity}: {message}",
                self.line, self.column
            )?;
        }
        if let Some(source) = &self.source_line {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let (source, column) = excerpt(&source.replace('\t', " "), self.column);
            let before: String = source.chars().take(column - 1).collect();
            let rest: String = source.chars().skip(column - 1).collect();
            let (before, rest) = (escape_controls(&before), escape_controls(&rest));
            let width = token_width(rest.chars());
            write!(f, "\n {pad} |\n {number} | {before}{rest}\n {pad} | ")?;
            write!(
                f,
                "{}{}",
                " ".repeat(before.chars().count()),
                "^".repeat(width)
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {}", escape_controls(help))?;
        }
        Ok(())
    }
}

/// `text` with every control character but tab written as `\u{..}`.
fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
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

/// The candidate nearest to `got` by edit distance, if it is near enough to be a typo; of
/// equally near candidates the first.
pub fn closest<'a>(got: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let got_lower = got.to_lowercase();
    let got_length = got.chars().count();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&got_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| {
            // A third of the length, and at least a swapped pair of letters in longer words.
            let longest = c.chars().count().max(got_length);
            *d <= (longest / 3).max(if longest >= 5 { 2 } else { 1 })
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Most problems of one kind shown per file; the rest are counted in one line. A file with
/// thousands of the same mistake (a misspelt study in every row) needs the first few, not all.
pub const MAX_SHOWN: usize = 100;

/// Most problems of one kind per file that get a "did you mean" hint: each compares the word
/// with every candidate, so hints for thousands of problems would be quadratic.
pub const MAX_SUGGESTED: usize = 10;

/// A rule that problems are reported under, so that they can be capped by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Kind {
    /// What the problems have in common, in the "more like this" line.
    pub name: &'static str,
    /// Error or warning.
    pub severity: Severity,
}

impl Kind {
    /// A kind of error.
    pub const fn error(name: &'static str) -> Kind {
        Kind {
            name,
            severity: Severity::Error,
        }
    }

    /// A kind of warning.
    pub const fn warning(name: &'static str) -> Kind {
        Kind {
            name,
            severity: Severity::Warning,
        }
    }
}

/// The problems found in one review, in the order found: at most [`MAX_SHOWN`] of each kind
/// per file, then one line that counts the rest.
#[derive(Debug, Default)]
pub struct Problems {
    list: Vec<Diagnostic>,
    kinds: HashMap<(PathBuf, Kind), KindCount>,
    errors: usize,
}

/// How many problems of one kind one file has, and where their "more like this" line is.
#[derive(Debug)]
struct KindCount {
    seen: usize,
    summary: Option<usize>,
}

/// Whether a problem being built should compute its "did you mean" hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint(pub bool);

impl Problems {
    /// No problems yet.
    pub fn new() -> Self {
        Problems::default()
    }

    /// Adds a problem of `kind` in `file`, built by `make` only when it will be shown. `make`
    /// is told whether to add a "did you mean" hint (only the first few of a kind get one).
    pub fn add(&mut self, file: &Path, kind: Kind, make: impl FnOnce(Hint) -> Diagnostic) {
        if kind.severity == Severity::Error {
            self.errors += 1;
        }
        let count = self
            .kinds
            .entry((file.to_path_buf(), kind))
            .or_insert(KindCount {
                seen: 0,
                summary: None,
            });
        count.seen += 1;
        if count.seen <= MAX_SHOWN {
            let diagnostic = make(Hint(count.seen <= MAX_SUGGESTED));
            self.list.push(diagnostic);
        } else if count.summary.is_none() {
            // A placeholder where the first hidden problem would have been; its count is
            // written in `into_vec`.
            count.summary = Some(self.list.len());
            self.list.push(Diagnostic {
                severity: kind.severity,
                ..Diagnostic::file_error(file, String::new())
            });
        }
    }

    /// Adds a problem that is reported at most a few times (no cap applies).
    pub fn push(&mut self, diagnostic: Diagnostic) {
        if diagnostic.is_error() {
            self.errors += 1;
        }
        self.list.push(diagnostic);
    }

    /// Adds problems that are reported at most a few times (no cap applies).
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        for d in diagnostics {
            self.push(d);
        }
    }

    /// How many errors were added so far, shown or not: a check compares the count before and
    /// after to learn whether its part had errors.
    pub fn errors(&self) -> usize {
        self.errors
    }

    /// Whether any error was added.
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Whether nothing at all was added, error or warning.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The problems, each kind's hidden ones counted in one line after its last shown one.
    pub fn into_vec(mut self) -> Vec<Diagnostic> {
        for ((_, kind), count) in &self.kinds {
            if let Some(at) = count.summary {
                let hidden = count.seen - MAX_SHOWN;
                let what = match kind.severity {
                    Severity::Error if hidden == 1 => "error",
                    Severity::Error => "errors",
                    Severity::Warning if hidden == 1 => "warning",
                    Severity::Warning => "warnings",
                };
                self.list[at].message = format!(
                    "and {hidden} more {what} like this ({}), not shown: the first {MAX_SHOWN} are above",
                    kind.name
                );
            }
        }
        self.list
    }
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

    // A long source line is quoted as a window of MAX_QUOTED characters around the column,
    // the caret still under the place.
    #[test]
    fn long_lines_are_quoted_around_the_column() {
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let file = SourceFile::new("r/review.yaml", line);
        let shown = file.error(1, 5001, "here").to_string();
        let quoted = shown.lines().nth(2).unwrap();
        let text = quoted.split(" | ").nth(1).unwrap();
        assert_eq!(text.chars().count(), MAX_QUOTED + 2, "{text}");
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        let caret = shown.lines().nth(3).unwrap();
        let quoted_x = quoted.chars().position(|c| c == 'X').unwrap();
        assert_eq!(
            caret.chars().position(|c| c == '^'),
            Some(quoted_x),
            "{shown}"
        );
    }

    #[test]
    fn line_index_gives_the_lines_that_str_lines_gives() {
        for text in ["", "a", "a\n", "a\r\nb", "a\n\nb\n", "a\rb\r\n", "x\r"] {
            let file = SourceFile::new("f", text);
            for n in 1..=5 {
                assert_eq!(file.line(n), text.lines().nth(n - 1), "{text:?} line {n}");
            }
            assert_eq!(file.line(0), None);
        }
    }

    #[test]
    fn problems_of_one_kind_are_capped_and_counted() {
        const TYPO: Kind = Kind::error("a typo");
        let file = SourceFile::new("r/analyses.yaml", "study: Jonse\n");
        let mut problems = Problems::new();
        let mut hinted = 0;
        for _ in 0..MAX_SHOWN + 150 {
            problems.add(&file.path, TYPO, |hint| {
                hinted += usize::from(hint.0);
                file.error(1, 8, "unknown study")
                    .suggest_if(hint, "Jonse", ["Jones"])
            });
        }
        problems.push(file.warning(1, 1, "another kind"));
        assert_eq!(problems.errors(), MAX_SHOWN + 150);
        assert_eq!(hinted, MAX_SUGGESTED);
        let list = problems.into_vec();
        assert_eq!(list.len(), MAX_SHOWN + 2);
        assert_eq!(
            list.iter().filter(|d| d.help.is_some()).count(),
            MAX_SUGGESTED
        );
        let summary = &list[MAX_SHOWN];
        assert!(summary.is_error());
        assert_eq!(
            summary.to_string(),
            format!(
                "r/analyses.yaml: error: and 150 more errors like this (a typo), not shown: the first {MAX_SHOWN} are above"
            )
        );
        assert_eq!(list[MAX_SHOWN + 1].message, "another kind");
    }

    #[test]
    fn control_characters_are_printed_escaped() {
        let file = SourceFile::new("r/studies.yaml", "  - id: A\u{1b}]0;pwned\u{7}B\n");
        let d = file.error(1, 9, "study `A\u{1b}]0;pwned\u{7}B`: bad");
        let text = d.to_string();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(
            text.contains("study `A\\u{1b}]0;pwned\\u{7}B`: bad"),
            "{text}"
        );
        assert!(
            text.contains(" 1 |   - id: A\\u{1b}]0;pwned\\u{7}B\n"),
            "{text}"
        );
    }
}
