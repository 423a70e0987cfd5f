//! Reading review files from disk, confined to the review folder.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Diagnostic, Kind, Problems, SourceFile};

const CONTROL_CHARACTER: Kind = Kind::error("a control character");

/// Largest review file revmark reads; larger ones are refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The review folders named by `paths`: each path is a review folder (it holds review.yaml)
/// or a folder of review folders. Sorted, so builds are reproducible.
pub fn find_reviews(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.join("review.yaml").is_file() {
            found.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read review folder {}: {e}", path.display()))?;
        let mut children: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("review.yaml").is_file())
            .collect();
        if children.is_empty() {
            return Err(format!(
                "{} is neither a review folder (no review.yaml) nor a folder of reviews",
                path.display()
            ));
        }
        children.sort();
        found.extend(children);
    }
    Ok(found)
}

/// Reads `dir/name`, reporting a missing file as a problem.
pub fn read_required(dir: &Path, name: &str, problems: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    let path = dir.join(name);
    if !path.exists() {
        problems.push(Diagnostic::file_error(
            &path,
            format!("{name} is required in a review folder"),
        ));
        return None;
    }
    read_inside(dir, &path).map_err(|d| problems.push(d)).ok()
}

/// Reads `dir/name` if it exists.
pub fn read_optional(dir: &Path, name: &str, problems: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    let path = dir.join(name);
    if !path.exists() {
        return None;
    }
    read_inside(dir, &path).map_err(|d| problems.push(d)).ok()
}

/// Reads `path` after checking that, symbolic links resolved, it lies inside `dir`: a review
/// file that is a link to a file elsewhere is refused before a byte of it is read, so that
/// nothing outside the review folder can be quoted in an error message.
fn read_inside(dir: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let (Ok(root), Ok(real)) = (dir.canonicalize(), path.canonicalize()) else {
        return Err(Diagnostic::file_error(
            path,
            "cannot resolve the file's path",
        ));
    };
    if !real.starts_with(&root) {
        return Err(Diagnostic::file_error(
            path,
            "the file points outside the review folder (through a symbolic link)",
        ));
    }
    read(path)
}

/// Whose templates a folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TemplateScope {
    /// A review's `templates/`: every built-in template but the list of reviews.
    Review,
    /// The site's templates folder: every built-in template, the list of reviews included.
    Site,
}

/// Reads the review's own templates (`templates/NAME.tera`), keyed by NAME. Only the names of
/// built-in templates are accepted, so a typo is reported rather than silently ignored.
pub fn read_templates(
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
) -> std::collections::BTreeMap<String, String> {
    read_template_folder(&dir.join("templates"), dir, TemplateScope::Review, problems)
}

/// Reads the site's templates folder (`revmark build --templates DIR`), keyed by NAME, with the
/// same rules as a review's: only the built-in templates' names, regular files inside `folder`.
pub fn read_site_templates(
    folder: &Path,
    problems: &mut Vec<Diagnostic>,
) -> std::collections::BTreeMap<String, String> {
    read_template_folder(folder, folder, TemplateScope::Site, problems)
}

/// Reads every `NAME.tera` of `folder` that lies inside `root`; any other file is reported,
/// naming the templates the folder may hold.
fn read_template_folder(
    folder: &Path,
    root: &Path,
    scope: TemplateScope,
    problems: &mut Vec<Diagnostic>,
) -> std::collections::BTreeMap<String, String> {
    let mut templates = std::collections::BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return templates;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    // The index lists every review of a site: it is built from the site's templates, not a
    // review's.
    let known: Vec<&str> = crate::report::BUILTIN
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| scope == TemplateScope::Site || *n != "index.html")
        .collect();
    let whose = match scope {
        TemplateScope::Review => "a review's templates are",
        TemplateScope::Site => "the site's templates are",
    };
    let used = known
        .iter()
        .map(|k| format!("{k}.tera"))
        .collect::<Vec<_>>()
        .join(", ");
    for path in paths {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let unused = |why: &str| {
            let mut d = Diagnostic::file_error(
                &path,
                format!("`{file_name}` is not used: {why}; {whose} {used}"),
            );
            d.severity = crate::diagnostic::Severity::Warning;
            d
        };
        let Some(name) = file_name.strip_suffix(".tera") else {
            problems.push(unused("templates end in `.tera`"));
            continue;
        };
        if name == "index.html" && scope == TemplateScope::Review {
            problems.push(unused(
                "the list of reviews (index.html) belongs to the whole site: put it in the site's templates folder (`revmark build --templates DIR`, by default `templates/` in the current folder)",
            ));
            continue;
        }
        if !known.contains(&name) {
            problems.push(
                Diagnostic::file_error(
                    &path,
                    format!("`{file_name}` overrides no template: {whose} {used}"),
                )
                .suggest(name, known.iter().copied()),
            );
            continue;
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            problems.push(Diagnostic::file_error(
                &path,
                "templates may not be symbolic links",
            ));
            continue;
        }
        if let Ok(source) = read_inside(root, &path).map_err(|d| problems.push(d)) {
            templates.insert(name.to_string(), source.text);
        }
    }
    templates
}

/// Reads a data file named inside a review file. The name must be relative, must not leave the
/// review folder (no `..`, no symbolic link pointing outside), and must exist.
pub fn read_data(dir: &Path, relative: &str) -> Result<SourceFile, String> {
    let rel = Path::new(relative);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "the path `{relative}` leaves the review folder: data paths are relative to the review folder and may not use `..`"
        ));
    }
    let path = dir.join(rel);
    let (Ok(root), Ok(real)) = (dir.canonicalize(), path.canonicalize()) else {
        return Err(format!("the data file `{relative}` does not exist"));
    };
    if !real.starts_with(&root) {
        return Err(format!(
            "the path `{relative}` points outside the review folder (through a symbolic link)"
        ));
    }
    // The message is shown at the `data:` entry, so it names the data file and, for bad
    // bytes, the line and column in it.
    read(&path).map_err(|d| match d.line {
        0 => format!("{relative}: {}", d.message),
        line => format!("{relative}:{line}:{}: {}", d.column, d.message),
    })
}

/// Reads a UTF-8 text file, dropping a byte-order mark.
fn read(path: &Path) -> Result<SourceFile, Diagnostic> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| Diagnostic::file_error(path, format!("cannot read the file: {e}"));
    // Checked before opening: opening a named pipe blocks, and a device may never end.
    if !std::fs::metadata(path).map_err(cannot)?.is_file() {
        return Err(Diagnostic::file_error(path, "not a regular file"));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    let too_large = |size: u64| {
        Diagnostic::file_error(
            path,
            format!(
                "the file is {size} bytes; revmark reads files of at most {MAX_FILE_BYTES} bytes"
            ),
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The limit holds even if the file grows while it is read.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..offset];
        // Counted once, on an error path: a crate for it would not pay.
        #[allow(clippy::naive_bytecount)]
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        let mut d = Diagnostic::file_error(path, "the file is not valid UTF-8 (save it as UTF-8)");
        d.line = line;
        d.column = column;
        d
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(SourceFile::new(path, text))
}

/// Whether `bytes` hold a control character other than tab and line breaks. Nearly every file
/// has none, and this pass (which the compiler turns into vector instructions) says so in a
/// sixth of the instructions of the pass that finds them and counts lines.
// `|` and `&` on purpose: without branches the loop runs on vectors.
#[allow(clippy::needless_bitwise_bool)]
fn has_control_character(bytes: &[u8]) -> bool {
    // A C1 control is 0xc2 then 0x80-0x9f in UTF-8; 0xc2 also starts U+00A0-U+00BF, so a
    // block with one is looked at byte by byte.
    let c1 = |at: usize| bytes.get(at + 1).is_some_and(|b| (0x80..=0x9f).contains(b));
    let exact = |at: usize, b: u8| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f || (b == 0xc2 && c1(at))
    };
    bytes.chunks(64).enumerate().any(|(block, chunk)| {
        // Without branches, so that it runs on whole vectors.
        let candidate = chunk.iter().fold(false, |any, &b| {
            any | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
                | (b == 0x7f)
                | (b == 0xc2)
        });
        candidate
            && chunk
                .iter()
                .enumerate()
                .any(|(i, &b)| exact(block * 64 + i, b))
    })
}

/// Reports every control character of `file` other than tab and line breaks (C0, DEL and C1):
/// no output may contain them (XML forbids them even escaped, and a terminal obeys them), so
/// they are refused where they are written.
pub(crate) fn refuse_control_characters(file: &SourceFile, problems: &mut Problems) {
    let bytes = file.text.as_bytes();
    if !has_control_character(bytes) {
        return;
    }
    let (mut from, mut line, mut line_start) = (0, 1, 0);
    while let Some(found) = bytes[from..]
        .iter()
        .position(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\r')) || b == 0x7f || b == 0xc2)
    {
        let at = from + found;
        from = at + 1;
        if bytes[at] == b'\n' {
            // Lines are counted on the way, so that many control characters cost one pass.
            line += 1;
            line_start = from;
            continue;
        }
        let c = file.text[at..].chars().next().unwrap_or_default();
        if !c.is_control() {
            // 0xc2 also starts printable characters (U+00A0..U+00BF).
            continue;
        }
        problems.add(&file.path, CONTROL_CHARACTER, |_| {
            let column = file.text[line_start..at].chars().count() + 1;
            file.error(
                line,
                column,
                format!(
                    "a control character (U+{:04X}) is not allowed in a review file: delete it",
                    u32::from(c)
                ),
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::has_control_character;

    // The quick pass finds what the full one reports: C0 but tab and line breaks, DEL, C1 (not
    // the printable characters that share C1's first byte), anywhere in a long file.
    #[test]
    fn the_quick_pass_finds_every_control_character() {
        let long = "a\tb\r\n".repeat(3000);
        for (text, found) in [
            ("plain\ttext\r\n", false),
            ("± 5 °C, 10\u{a0}mg", false),
            ("esc \u{1b}[31m", true),
            ("bell \u{7}", true),
            ("del \u{7f}", true),
            ("next line \u{85}", true),
            ("\u{9f}", true),
        ] {
            assert_eq!(has_control_character(text.as_bytes()), found, "{text:?}");
            let deep = format!("{long}{text}");
            assert_eq!(
                has_control_character(deep.as_bytes()),
                found,
                "{text:?}, late"
            );
        }
    }
}
