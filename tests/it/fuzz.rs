//! Structured mutations of the example reviews, built through the binary: wrong types,
//! duplicates, control characters, huge and non-finite numbers, CRLF and byte-order marks,
//! nested structures, template syntax and markup in prose and data, broken CSV. Whatever the
//! mutation, `revmark build` exits 0 or 1 (no panic, no abort, no hang); every error it prints
//! is located (`FILE:LINE:COL: error:` or `FILE: error:`, the file inside the review); and
//! what a successful build writes is well-formed: every SVG parses as XML, every JSON file as
//! JSON, every HTML page tokenizes as a browser reads it without a parse error or an unclosed
//! element, and no output holds executable markup.
//!
//! The default run tries a few hundred cases; for a campaign:
//! `FUZZ_CASES=10000 FUZZ_SEED=1 cargo test --test it fuzz::campaign -- --ignored --nocapture`.
//! A failing case is kept under the system's temporary folder, and its number and seed are
//! printed so that it can be run again.

use crate::common::*;
use crate::hostile_support::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Cases in the default test run.
const DEFAULT_CASES: u64 = 300;
/// A build taking longer than this is a hang (the prose budget stops templates at 5 s).
const HANG: Duration = Duration::from_secs(60);

/// Values that replace a scalar: other types, odd numbers, odd texts, deep nesting, YAML
/// features revmark refuses.
const VALUES: &[&str] = &[
    "sixteen",
    "16.5",
    "-3",
    "0",
    "-0",
    "1e308",
    "-1e308",
    "1e400",
    "99999999999999999999999",
    "0x1F",
    "007",
    ".nan",
    ".inf",
    "-.inf",
    "NaN",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "{a: {b: {c: [1, [2, [3]]]}}}",
    "null",
    "~",
    "true",
    "yes",
    "''",
    "\"\"",
    "2020-13-45",
    "\"<script>alert(1)</script>\"",
    "\"{{ 7 * 7 }}\"",
    "\"{% if true %}x{% endif %}\"",
    "\"a | b | c\"",
    "\"[x](javascript:alert(1))\"",
    "\"![p](https://tracker.example/p.png)\"",
    "\"# heading\"",
    "&a anchored",
    "*undefined_alias",
    "!!binary aGVsbG8=",
    "!custom tag",
    "\"\\u202eevil\"",
    "\"\\u0000\"",
    "\"\\t tab\"",
    "|\n  block\n  text",
    ">-\n  folded",
];

/// Characters planted anywhere: C0 controls, DEL, C1, separators, bidi and zero-width marks,
/// a byte-order mark.
const CHARACTERS: &[char] = &[
    '\u{0}', '\u{1}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{1f}', '\u{7f}', '\u{85}',
    '\u{9b}', '\u{2028}', '\u{2029}', '\u{202e}', '\u{200b}', '\u{feff}', '\u{fffe}', '\t', '\r',
];

/// Snippets for prose: template syntax (errors, loops, a runaway now and then), markup,
/// Markdown that tries to reach the network or run script.
const PROSE: &[&str] = &[
    "{{ effect(outcome=\"pre-eclampsia\") }}",
    "{{ effect(outcome=\"nosuch\") }}",
    "{{ studies(outcome=\"stillbirth\") | words }}",
    "{{ nosuch() }}",
    "{{ 1 / 0 }}",
    "{{ undefined_variable }}",
    "{% if %}",
    "{% for i in range(end=3) %}{{ i }}{% endfor %}",
    "{% for i in range(end=1000000) %}{% endfor %}",
    "{% raw %}",
    "{# unclosed comment",
    "{{ \"x\" | nofilter }}",
    "{{ throw(message=\"boom\") }}",
    "<script>alert(1)</script>",
    "<img src=\"x.png\"/onerror=alert(2)>",
    "</div></div>",
    "<a href=\"#x\">open",
    "<span id=\"revmark-error\">e</span>",
    "![p](https://tracker.example/p.png)",
    "[f](file:///etc/passwd)",
    "[j][k]\n\n[k]: javascript:alert(3)\n",
    "## heading {onclick=alert(4) .generated #revmark-x}",
    "```\n<script>alert(5)</script>\n```",
    "| a | b |\n|---|---|\n| 1 |",
    "[^1]\n\n[^1]: a footnote",
];

/// The runaway template: it needs more memory than a prose field may have.
const RUNAWAY: &str = "{% set_global s = \"ab\" %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s }}";

/// Prose fields whose value a mutation may extend.
const PROSE_KEYS: &[&str] = &[
    "background:",
    "objectives:",
    "discussion:",
    "methods:",
    "notes:",
    "plain_language_summary:",
    "selection_criteria:",
    "data_collection:",
    "practice:",
    "research:",
];

/// Texts that are data (shown as text everywhere), whose value a mutation may extend.
const DATA_KEYS: &[&str] = &[
    "title:",
    "name:",
    "setting:",
    "country:",
    "participants_label:",
    "reason:",
    "population:",
    "experimental:",
    "control:",
    "detail:",
];

/// CSV cells.
const CELLS: &[&str] = &[
    "",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "1.5",
    "1e400",
    "99999999999999999999",
    "abc",
    "\"a,b\"",
    "\"unclosed",
    "=1+1",
    "@SUM(A1)",
    "007",
    " 3 ",
    "\"\"\"\"",
];

/// One mutation of a review folder's files; returns what it did.
fn mutate(rng: &mut Rng, dir: &Path) -> String {
    let files: Vec<String> = files(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    let file = rng.pick(&files).clone();
    let path = dir.join(&file);
    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    let is_csv = file.ends_with(".csv");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    let line = rng.below(n as u64) as usize;
    let (what, new) = match rng.below(14) {
        // A scalar of another type, or an odd value.
        0 | 1 if !is_csv => {
            let value = *rng.pick(VALUES);
            match lines[line].split_once(": ") {
                Some((key, _)) => lines[line] = format!("{key}: {value}"),
                None => lines[line].push_str(&format!(" {value}")),
            }
            ("value", lines.join("\n"))
        }
        // A CSV cell.
        0 | 1 => {
            let mut cells: Vec<String> = lines[line].split(',').map(str::to_string).collect();
            let at = rng.below(cells.len() as u64) as usize;
            cells[at] = rng.pick(CELLS).to_string();
            lines[line] = cells.join(",");
            ("cell", lines.join("\n"))
        }
        // A line twice (a duplicate key, study, row or list item).
        2 => {
            let copy = lines[line].clone();
            lines.insert(line, copy);
            ("duplicate line", lines.join("\n"))
        }
        // A block twice: the line and the more indented ones after it.
        3 => {
            let indent = lines[line].len() - lines[line].trim_start().len();
            let end = (line + 1..n)
                .find(|&i| {
                    let l = &lines[i];
                    !l.trim().is_empty() && l.len() - l.trim_start().len() <= indent
                })
                .unwrap_or(n);
            let block = lines[line..end].to_vec();
            lines.splice(end..end, block);
            ("duplicate block", lines.join("\n"))
        }
        // A line gone.
        4 => {
            lines.remove(line);
            ("delete line", lines.join("\n"))
        }
        // A character planted.
        5 => {
            let c = *rng.pick(CHARACTERS);
            let chars: Vec<char> = text.chars().collect();
            let at = rng.below(chars.len() as u64 + 1) as usize;
            let mut out: String = chars[..at].iter().collect();
            out.push(c);
            out.extend(&chars[at..]);
            ("character", out)
        }
        // Line ends and byte-order marks.
        6 => match rng.below(3) {
            0 => ("CRLF", text.replace('\n', "\r\n")),
            1 => ("BOM", format!("\u{feff}{text}")),
            _ => {
                lines[line].push('\r');
                ("one CR", lines.join("\n"))
            }
        },
        // A value nested in lists and mappings.
        7 if !is_csv => {
            let depth = if rng.chance(0.2) { 70 } else { 4 };
            let (open, close) = if rng.chance(0.5) {
                ("[".repeat(depth), "]".repeat(depth))
            } else {
                ("{a: ".repeat(depth), "}".repeat(depth))
            };
            match lines[line].split_once(": ") {
                Some((key, value)) => lines[line] = format!("{key}: {open}{value}{close}"),
                None => lines[line] = format!("{open}{}{close}", lines[line]),
            }
            ("nest", lines.join("\n"))
        }
        // Template syntax and markup in a prose field.
        8..=10 if !is_csv => {
            let snippet = if rng.chance(0.02) {
                RUNAWAY
            } else {
                rng.pick(PROSE)
            };
            let prose = lines.iter().position(|l| {
                PROSE_KEYS
                    .iter()
                    .any(|k| l.trim_start().trim_start_matches("- ").starts_with(k))
            });
            match prose {
                Some(i) => {
                    let (key, _) = lines[i].split_once(':').unwrap();
                    lines[i] = format!("{key}: {}", q(snippet));
                }
                None => lines.push(format!("background: {}", q(snippet))),
            }
            ("prose", lines.join("\n"))
        }
        // Markup, Markdown and template syntax in a text that is data.
        11 | 12 if !is_csv => {
            let snippet = rng.pick(PROSE);
            let text = lines.iter().position(|l| {
                DATA_KEYS
                    .iter()
                    .any(|k| l.trim_start().trim_start_matches("- ").starts_with(k))
            });
            match text {
                Some(i) => {
                    let (key, value) = lines[i].split_once(": ").unwrap_or((&lines[i], ""));
                    lines[i] = format!("{key}: {}", q(&format!("{value} {snippet}")));
                }
                None => lines[line].push_str(snippet),
            }
            ("data text", lines.join("\n"))
        }
        // Markup and Markdown in any CSV line.
        8..=12 => {
            let snippet = rng.pick(PROSE).replace(['\n', ','], " ");
            lines[line].push_str(&snippet);
            ("markup", lines.join("\n"))
        }
        // A CSV column more or less.
        13 if is_csv => {
            if rng.chance(0.5) {
                lines[line].push_str(",extra");
            } else if let Some((rest, _)) = lines[line].rsplit_once(',') {
                lines[line] = rest.to_string();
            }
            ("column", lines.join("\n"))
        }
        // The file cut short.
        _ => {
            let chars: Vec<char> = text.chars().collect();
            let at = rng.below(chars.len() as u64 + 1) as usize;
            ("truncate", chars[..at].iter().collect())
        }
    };
    std::fs::write(&path, new).unwrap();
    format!("{what} in {file} (line {})", line + 1)
}

/// What one case found wrong; empty if nothing.
fn check_case(review: &Path, out: &Path) -> Vec<String> {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_revmark"))
        .args([
            "build",
            review.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).ok();
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = reader.join().unwrap();
    let mut problems = Vec::new();
    let code = match status {
        None => return vec![format!("no answer after {HANG:?}")],
        Some(status) => status.code(),
    };
    match code {
        Some(0) => problems.extend(output_problems(out)),
        Some(1) => {}
        other => problems.push(format!("exit {other:?}")),
    }
    problems.extend(unlocated_errors(review, &stderr));
    if !problems.is_empty() {
        problems.push(format!("stderr:\n{stderr}"));
    }
    problems
}

/// The lines of `stderr` that report an error without a place in a file of the review.
fn unlocated_errors(review: &Path, stderr: &str) -> Vec<String> {
    let review = review.to_string_lossy();
    stderr
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains("error: "))
        .filter(|l| {
            // The summary of a failed build, after its located errors.
            let summary = l
                .strip_prefix("error: ")
                .and_then(|s| {
                    s.split_once(" reviews are invalid")
                        .or(s.split_once(" review is invalid"))
                })
                .is_some_and(|(counts, rest)| {
                    rest.is_empty() && counts.split(" of ").all(|n| n.parse::<u64>().is_ok())
                });
            let failed = l
                .strip_prefix("error: the build failed; ")
                .is_some_and(|rest| rest.ends_with(" is unchanged"));
            if summary || failed {
                return false;
            }
            let Some(rest) = l.strip_prefix(review.as_ref()) else {
                return true;
            };
            let Some((place, _)) = rest.split_once(" error: ") else {
                return true;
            };
            // `/FILE:` or `/FILE:LINE:COL:`, with a line and column from 1.
            let place = place.trim_end_matches(':');
            let numbers: Vec<&str> = place.rsplitn(3, ':').collect();
            let located = match numbers.as_slice() {
                [column, line, _file] => [line, column]
                    .iter()
                    .all(|n| n.parse::<u64>().is_ok_and(|n| n >= 1)),
                _ => true,
            };
            !(rest.starts_with('/') || rest.starts_with(':')) || !located
        })
        .map(|l| format!("an error without its place: {l}"))
        .collect()
}

/// What is wrong with a successful build's files.
fn output_problems(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for path in files(out) {
        let name = path.strip_prefix(out).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(&path) else {
            problems.push(format!("{name}: not UTF-8"));
            continue;
        };
        let mut found: Vec<String> = Vec::new();
        match path.extension().and_then(|e| e.to_str()) {
            Some("svg") => {
                if let Err(e) = roxmltree::Document::parse(&text) {
                    found.push(format!("not well-formed XML: {e}"));
                }
                found.extend(executable_markup(&text));
            }
            Some("json") => {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                    found.push(format!("not JSON: {e}"));
                }
            }
            Some("html") => {
                found.extend(html_problems(&text));
                found.extend(executable_markup(&text));
            }
            Some("md") => found.extend(executable_markup(&permissive_html(&text))),
            _ => {}
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        {
            found.push("a control character".into());
        }
        problems.extend(found.into_iter().map(|p| format!("{name}: {p}")));
    }
    problems
}

/// Runs `cases` cases from `seed` on two threads; returns the failures, each with how to run
/// it again, and prints a summary.
fn fuzz(cases: u64, seed: u64) -> Vec<String> {
    let scratch = Scratch::new("fuzz-structured");
    let examples = ["mmn-lactation", "diuretics-pregnancy"];
    let keep = std::env::temp_dir().join("revmark-fuzz-failures");
    let threads = 2;
    let results: Vec<(u64, u64, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let scratch = &scratch;
                let keep = &keep;
                s.spawn(move || {
                    let (mut built, mut refused) = (0, 0);
                    let mut failures = Vec::new();
                    for case in (t..cases).step_by(threads as usize) {
                        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9).wrapping_add(case));
                        let example = *rng.pick(&examples);
                        let folder = scratch.path(&format!("case{case}"));
                        let review = folder.join(example);
                        copy_dir(&root().join("reviews").join(example), &review);
                        let mut done = Vec::new();
                        for _ in 0..rng.range(1, 2) {
                            done.push(mutate(&mut rng, &review));
                        }
                        let out = folder.join("out");
                        let problems = check_case(&review, &out);
                        if out.join("index.html").exists() {
                            built += 1;
                        } else {
                            refused += 1;
                        }
                        if problems.is_empty() {
                            let _ = std::fs::remove_dir_all(&folder);
                        } else {
                            let kept: PathBuf = keep.join(format!("seed{seed}-case{case}"));
                            let _ = std::fs::remove_dir_all(&kept);
                            copy_dir(&review, &kept);
                            failures.push(format!(
                                "case {case} (seed {seed}; kept in {}): {}\n{}",
                                kept.display(),
                                done.join("; "),
                                problems.join("\n")
                            ));
                        }
                    }
                    (built, refused, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let built: u64 = results.iter().map(|r| r.0).sum();
    let refused: u64 = results.iter().map(|r| r.1).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.2).collect();
    eprintln!(
        "fuzz: {cases} cases from seed {seed}: {built} built, {refused} refused with located errors, {} failures",
        failures.len()
    );
    // Mutations must both break reviews and leave some buildable, or the run shows little.
    assert!(refused > 0 && built > 0, "{built} built, {refused} refused");
    failures
}

// A few hundred mutated reviews fail cleanly or build well-formed output.
#[test]
fn mutated_reviews_fail_cleanly_or_build_well_formed_output() {
    let failures = fuzz(DEFAULT_CASES, 1);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// The same for as many cases as FUZZ_CASES says (default 10,000), from FUZZ_SEED.
#[test]
#[ignore = "a campaign: run by hand"]
fn campaign() {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let failures = fuzz(number("FUZZ_CASES", 10_000), number("FUZZ_SEED", 1));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
