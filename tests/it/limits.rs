//! Hostile sizes and bytes: alias bombs, huge files, deep nesting, very many studies, NaN and
//! infinities, empty files, byte-order marks, CRLF and invalid UTF-8. Each either works or fails
//! with a located error; never a panic, a hang or unbounded memory (every run has a time limit
//! and a 4 GB address-space limit).

use crate::common::*;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Longest any single run may take (debug build, shared machine).
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Runs `revmark ARGS` in `cwd` under an address-space limit and a time limit; a hang fails
/// the test.
fn run_limited(cwd: &Path, args: &[&str]) -> Run {
    let child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_revmark"))
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // The output is read while the child runs (a full pipe would block it).
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(child.wait_with_output()));
    let out = if let Ok(out) = receive.recv_timeout(TIME_LIMIT) {
        out.unwrap()
    } else {
        let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        panic!("revmark {args:?} did not finish within {TIME_LIMIT:?}");
    };
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `revmark check` on the review: exits 0, or 1 with an error located in `file` (which must
/// then name a line and column when `located`). Never a panic (101) or a signal (-1).
fn check_outcome(scratch: &Scratch, dir: &Path, file: &str, located: bool) -> Run {
    let run = run_limited(&scratch.0, &["check", dir.to_str().unwrap()]);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    if run.code == 1 {
        let needle = if located {
            format!("{file}:")
        } else {
            file.to_string()
        };
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains(&needle) && l.contains("error"))
            .unwrap_or_else(|| panic!("no error in {file}:\n{}", run.stderr));
        if located {
            let after = &line[line.find(&needle).unwrap() + needle.len()..];
            let mut parts = after.splitn(3, ':');
            let line_no = parts.next().unwrap_or("");
            let column = parts.next().unwrap_or("");
            assert!(
                line_no.parse::<usize>().is_ok() && column.parse::<usize>().is_ok(),
                "not located: {line}"
            );
        }
    }
    run
}

/// Asserts the run failed.
fn fails(run: &Run, message: &str) {
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(message), "{}", run.stderr);
}

// Nested aliases ("billion laughs") are stopped by the alias budget.
#[test]
fn alias_bomb_is_refused() {
    let scratch = Scratch::new("laughs");
    let dir = example(&scratch, "mmn-lactation");
    let mut bomb = String::from(
        "title: x\nauthors: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for level in 1..10 {
        let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
        bomb.push_str(&format!("population{level}: &a{level} [{aliases}]\n"));
    }
    bomb.push_str("outcomes: []\nbackground: *a9\n");
    std::fs::write(dir.join("review.yaml"), bomb).unwrap();
    let run = check_outcome(&scratch, &dir, "review.yaml", true);
    assert_eq!(run.code, 1);
}

// A bomb made only of aliases under known fields is refused by the budget itself.
#[test]
fn alias_replay_budget_is_enforced() {
    let scratch = Scratch::new("replay");
    let dir = example(&scratch, "mmn-lactation");
    let text = std::fs::read_to_string(dir.join("studies.yaml")).unwrap();
    // 2,000 aliases of one anchor: over the anchor/alias limit of 1,000.
    let mut extra = String::from("excluded:\n  - &x {id: X, reason: r}\n");
    for _ in 0..2000 {
        extra.push_str("  - *x\n");
    }
    let text = text.replace("excluded: []\n", &extra);
    std::fs::write(dir.join("studies.yaml"), text).unwrap();
    let run = check_outcome(&scratch, &dir, "studies.yaml", true);
    fails(&run, "alias");
}

// A 100 MB file is refused by size before it is read.
#[test]
fn huge_file_is_refused() {
    let scratch = Scratch::new("huge");
    let dir = example(&scratch, "diuretics-pregnancy");
    let line = format!("# {}\n", "x".repeat(1022));
    let big = line.repeat(100 * 1024);
    std::fs::write(dir.join("studies.yaml"), &big).unwrap();
    let run = check_outcome(&scratch, &dir, "studies.yaml", false);
    fails(&run, "revmark reads files of at most");
    std::fs::copy(
        root().join("reviews/diuretics-pregnancy/studies.yaml"),
        dir.join("studies.yaml"),
    )
    .unwrap();
    std::fs::write(dir.join("data/stillbirth.csv"), &big).unwrap();
    let run = check_outcome(&scratch, &dir, "analyses.yaml", true);
    fails(&run, "data/stillbirth.csv: the file is 104960000 bytes");
}

// 100,000 opening brackets (flow and block style) are stopped by the depth limit.
#[test]
fn deep_nesting_is_refused() {
    let scratch = Scratch::new("deep");
    let dir = example(&scratch, "mmn-lactation");
    for deep in [
        format!("title: {}\n", "[".repeat(100_000)),
        format!("title: {}\n", "{a: ".repeat(100_000)),
        format!(
            "title: x\noutcomes: []\nbackground:\n{}",
            (0..2000)
                .map(|i| format!("{}- \n", " ".repeat(i * 2)))
                .collect::<String>()
        ),
    ] {
        std::fs::write(dir.join("review.yaml"), deep).unwrap();
        let run = check_outcome(&scratch, &dir, "review.yaml", true);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.len() < 2000,
            "the message quotes too much: {}",
            run.stderr
        );
    }
}

/// A review of `n` studies with one CSV outcome, under `scratch/reviews/many`.
fn many_studies(scratch: &Scratch, n: usize) -> std::path::PathBuf {
    let dir = scratch.path("reviews/many");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("review.yaml"),
        "title: Many\noutcomes:\n  - {id: death, name: death}\n",
    )
    .unwrap();
    let mut studies = String::from("included:\n");
    let mut csv = String::from("study,e_events,e_total,c_events,c_total\n");
    for i in 0..n {
        studies.push_str(&format!("  - id: S{i}\n"));
        csv.push_str(&format!("S{i},{},50,{},50\n", i % 7, (i * 3) % 11));
    }
    std::fs::write(dir.join("studies.yaml"), studies).unwrap();
    std::fs::write(dir.join("data/death.csv"), csv).unwrap();
    std::fs::write(
        dir.join("analyses.yaml"),
        "comparisons:\n  - id: a\n    name: A versus B\n    outcomes:\n      - {outcome: death, type: dichotomous, measure: RR, data: data/death.csv}\n",
    )
    .unwrap();
    dir
}

// 100,000 studies (the limit) load and analyse: the YAML budget leaves room for them, and
// nothing is quadratic in the number of studies. (Rendering them takes about 30 s in a debug
// build, so the full build is tested with 5,000 below; 10^6 studies are refused, see
// SECURITY.md.)
#[test]
fn a_hundred_thousand_studies_load_and_analyse() {
    let scratch = Scratch::new("many");
    let dir = many_studies(&scratch, revmark::load::limits::MAX_STUDIES);
    let loaded = revmark::load::load_review(&dir).unwrap_or_else(|p| panic!("{p:?}"));
    let results = revmark::results::analyse(&loaded.review);
    // Rows with i a multiple of 77 have no events in either arm: not estimable for RR, and
    // counted as studies all the same.
    let n = revmark::load::limits::MAX_STUDIES;
    let outcome = &results.comparisons[0].outcomes[0];
    assert_eq!(outcome.studies, n);
    assert_eq!(outcome.estimable_studies, n - n.div_ceil(77));
}

// 5,000 studies build through the binary.
#[test]
fn five_thousand_studies_build() {
    let scratch = Scratch::new("many-build");
    let dir = many_studies(&scratch, 5_000);
    let run = run_limited(
        &scratch.0,
        &["build", dir.to_str().unwrap(), "--out", "out"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// One study over the limit is refused, at the first study beyond it.
#[test]
fn too_many_studies_are_refused() {
    let scratch = Scratch::new("too-many");
    let n = revmark::load::limits::MAX_STUDIES + 1;
    let dir = many_studies(&scratch, n);
    std::fs::remove_file(dir.join("analyses.yaml")).unwrap();
    let problems = revmark::load::load_review(&dir).unwrap_err();
    let message = problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        message.contains(&format!(
            "studies.yaml:{}:9: error: the review has {n} included studies",
            n + 1
        )),
        "{message}"
    );
}

// NaN, infinities and 1e308 in numeric fields, in YAML and CSV: each is refused with a
// located error or computes finite numbers; results.json never holds NaN or Infinity.
#[test]
fn nan_inf_and_huge_numbers() {
    let cases: &[(&str, &str, &str)] = &[
        ("analyses.yaml", "e_mean: 5.1", "e_mean: .nan"),
        ("analyses.yaml", "e_mean: 5.1", "e_mean: .inf"),
        ("analyses.yaml", "e_mean: 5.1", "e_mean: -.inf"),
        ("analyses.yaml", "e_mean: 5.1", "e_mean: 1e308"),
        ("analyses.yaml", "e_sd: 1.2", "e_sd: 1e308"),
        ("analyses.yaml", "e_sd: 1.2", "e_sd: .nan"),
        ("analyses.yaml", "e_n: 20", "e_n: .nan"),
        ("analyses.yaml", "e_n: 20", "e_n: 1e308"),
        ("analyses.yaml", "estimate: -0.2", "estimate: .nan"),
        ("analyses.yaml", "estimate: -0.2", "estimate: 1e308"),
        ("analyses.yaml", "se: 0.1", "se: .inf"),
        ("analyses.yaml", "se: 0.1", "se: 1e-320"),
        ("data.csv", "3,20", "NaN,20"),
        ("data.csv", "3,20", "inf,20"),
        ("data.csv", "3,20", "1e308,20"),
        ("data.csv", "3,20", "3,1e308"),
        ("data.csv", "3,20", "3,-inf"),
    ];
    for (file, from, to) in cases {
        let scratch = Scratch::new("nan");
        let dir = numeric_review(&scratch);
        edit(
            &dir.join(if *file == "data.csv" {
                "data/d.csv"
            } else {
                file
            }),
            from,
            to,
        );
        let name = if *file == "data.csv" { "d.csv" } else { file };
        let run = check_outcome(&scratch, &dir, name, true);
        if run.code == 0 {
            let out = run_limited(
                &scratch.0,
                &["build", dir.to_str().unwrap(), "--out", "out"],
            );
            assert_eq!(out.code, 0, "{to}: {}", out.stderr);
            let json = std::fs::read_to_string(scratch.path("out/numeric/results.json")).unwrap();
            // As words: a sentence of the results may speak of "information".
            let words = json.split(|c: char| !c.is_ascii_alphanumeric());
            assert!(
                !words
                    .into_iter()
                    .any(|w| ["NaN", "Infinity", "inf"].contains(&w)),
                "{to}: {json}"
            );
            serde_json::from_str::<serde_json::Value>(&json).unwrap();
        }
    }
}

/// A review with a continuous, a generic and a CSV dichotomous outcome.
fn numeric_review(scratch: &Scratch) -> std::path::PathBuf {
    let dir = scratch.path("reviews/numeric");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("review.yaml"),
        "title: Numbers\noutcomes:\n  - {id: bp, name: blood pressure}\n  - {id: pain, name: pain}\n  - {id: death, name: death}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("studies.yaml"),
        "included:\n  - {id: A 2001}\n  - {id: B 2002}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("analyses.yaml"),
        "comparisons:
  - id: x
    name: X versus Y
    outcomes:
      - outcome: bp
        type: continuous
        measure: MD
        studies:
          - {study: A 2001, e_mean: 5.1, e_sd: 1.2, e_n: 20, c_mean: 6.0, c_sd: 1.1, c_n: 21}
          - {study: B 2002, e_mean: 4.0, e_sd: 1.5, e_n: 30, c_mean: 4.6, c_sd: 1.4, c_n: 28}
      - outcome: pain
        type: generic
        measure: MD
        scale: difference
        studies:
          - {study: A 2001, estimate: -0.2, se: 0.1}
          - {study: B 2002, estimate: -0.4, se: 0.2}
      - outcome: death
        type: dichotomous
        measure: RR
        data: data/d.csv
",
    )
    .unwrap();
    std::fs::write(
        dir.join("data/d.csv"),
        "study,e_events,e_total,c_events,c_total\nA 2001,3,20,5,21\nB 2002,2,30,4,28\n",
    )
    .unwrap();
    dir
}

// Empty files: a located "missing field" error for the required files, nothing for an empty
// analyses.yaml, an error for an empty CSV.
#[test]
fn empty_files() {
    for (file, name) in [
        ("review.yaml", "review.yaml"),
        ("studies.yaml", "studies.yaml"),
        ("analyses.yaml", "analyses.yaml"),
        ("data/d.csv", "d.csv"),
    ] {
        let scratch = Scratch::new("empty");
        let dir = numeric_review(&scratch);
        std::fs::write(dir.join(file), "").unwrap();
        let run = check_outcome(&scratch, &dir, name, true);
        if file != "analyses.yaml" {
            assert_eq!(run.code, 1, "{file}: {}", run.stderr);
        }
    }
}

// A byte-order mark and CRLF line ends in every file change nothing: the output is
// byte-identical to the plain build.
#[test]
fn bom_and_crlf_build_identically() {
    let scratch = Scratch::new("crlf");
    let dir = example(&scratch, "diuretics-pregnancy");
    let plain = run_limited(&scratch.0, &["build", "--out", "plain"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    for path in hostile_files(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        std::fs::write(&path, crlf).unwrap();
    }
    let crlf = run_limited(&scratch.0, &["build", "--out", "crlf"]);
    assert_eq!(crlf.code, 0, "{}", crlf.stderr);
    assert!(output_files(&scratch.path("plain")) == output_files(&scratch.path("crlf")));
}

/// Every YAML and CSV file of a review.
fn hostile_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(hostile_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "csv") {
            out.push(path);
        }
    }
    out
}

// Invalid UTF-8 is reported at its line and column, in YAML and in CSV.
#[test]
fn invalid_utf8_is_located() {
    let scratch = Scratch::new("utf8");
    let dir = numeric_review(&scratch);
    let mut bytes = std::fs::read(dir.join("studies.yaml")).unwrap();
    let at = bytes.iter().position(|&b| b == b'A').unwrap();
    bytes[at] = 0xFF;
    std::fs::write(dir.join("studies.yaml"), &bytes).unwrap();
    let run = check_outcome(&scratch, &dir, "studies.yaml", true);
    fails(&run, "studies.yaml:2:");
    let scratch = Scratch::new("utf8csv");
    let dir = numeric_review(&scratch);
    std::fs::write(
        dir.join("data/d.csv"),
        b"study,e_events,e_total,c_events,c_total\nA 2001,3,2\xC0,5,21\n",
    )
    .unwrap();
    let run = check_outcome(&scratch, &dir, "d.csv", true);
    fails(&run, "data/d.csv:2:11: the file is not valid UTF-8");
}

// More than 1,000,000 data rows over the analyses are refused, naming analyses.yaml: 1,001
// comparisons that each analyse the same 1,000-row file.
#[test]
fn too_many_data_rows_are_refused() {
    let scratch = Scratch::new("rows");
    let dir = scratch.path("reviews/big");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let studies = 1000;
    std::fs::write(
        dir.join("review.yaml"),
        "title: Big\noutcomes:\n  - id: o\n    name: o\n",
    )
    .unwrap();
    let included: String = (0..studies).map(|i| format!("  - id: s{i}\n")).collect();
    std::fs::write(dir.join("studies.yaml"), format!("included:\n{included}")).unwrap();
    let rows: String = (0..studies).map(|i| format!("s{i},1,10,2,10\n")).collect();
    std::fs::write(
        dir.join("data/d.csv"),
        format!("study,e_events,e_total,c_events,c_total\n{rows}"),
    )
    .unwrap();
    let comparisons: String = (0..1001)
        .map(|j| {
            format!("  - id: c{j}\n    name: c{j}\n    outcomes:\n      - outcome: o\n        type: dichotomous\n        measure: RR\n        data: data/d.csv\n")
        })
        .collect();
    std::fs::write(
        dir.join("analyses.yaml"),
        format!("comparisons:\n{comparisons}"),
    )
    .unwrap();
    let run = run_limited(&scratch.0, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "reviews/big/analyses.yaml: error: the analyses have 1001000 data rows; revmark builds reviews of at most 1000000"
        ),
        "{}",
        run.stderr
    );
}
