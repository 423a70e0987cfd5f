//! Property tests with a tiny deterministic PRNG: random valid reviews (random counts, zero
//! cells, double zeros, subgroups, unicode names) build, their results.json holds only finite
//! numbers, weights sum to 100, every interval contains its estimate and nothing depends on the
//! order of the rows; random byte mutations of the example files never crash `revmark check`.

use crate::common::*;
use crate::hostile_support::*;

use serde_json::Value;
use std::path::Path;

/// Random reviews built per run of the test.
const REVIEWS: u64 = 60;
/// Mutated copies of the example reviews checked per run, and how many go to one process.
const MUTANTS: usize = 240;
const MUTANTS_PER_PROCESS: usize = 24;

/// Pieces of names: ASCII, accents, CJK, RTL, combining marks, emoji and markup characters.
const NAME_PARTS: &[&str] = &[
    "Smith", "García", "Øster", "Müller", "李", "ש", "Ωmega", "e\u{301}", "🙂", "O'Brien", "\"Q\"",
    "<b>", "a&b", "x|y", "*z*", "[r]", "{{v}}", "#h", "\\", "Ça", "ﬁ", "\u{200b}",
];

/// A random study name, unique by its index.
fn name(rng: &mut Rng, index: usize) -> String {
    let mut s = String::new();
    for _ in 0..rng.range(1, 3) {
        let part: &&str = rng.pick(NAME_PARTS);
        s.push_str(part);
        s.push(' ');
    }
    format!("{s}{}", 1950 + index)
}

/// One data row: the study's index and its named cells.
type RandomRow = (usize, Vec<(&'static str, String)>);

/// One outcome's rows by group, and the type's YAML settings.
struct OutcomeSpec {
    settings: String,
    groups: Vec<Vec<RandomRow>>,
}

fn random_outcome(rng: &mut Rng, studies: usize) -> OutcomeSpec {
    let kind = rng.below(3);
    let settings = match kind {
        0 => {
            let method = *rng.pick(&["MH", "IV", "Peto"]);
            let measure = if method == "Peto" {
                "OR"
            } else {
                *rng.pick(&["RR", "OR", "RD"])
            };
            format!("type: dichotomous\n        measure: {measure}\n        method: {method}")
        }
        1 => format!(
            "type: continuous\n        measure: {}",
            rng.pick(&["MD", "SMD"])
        ),
        _ => format!(
            "type: generic\n        measure: {}\n        scale: {}",
            rng.pick(&["HR", "MD"]),
            rng.pick(&["ratio", "difference"])
        ),
    };
    let model = if rng.chance(0.5) {
        format!(
            "\n        model: random\n        tau2: {}\n        hksj: {}",
            rng.pick(&["DL", "REML", "PM"]),
            rng.chance(0.3)
        )
    } else {
        "\n        model: fixed".to_string()
    };
    let mut order: Vec<usize> = (0..studies).collect();
    rng.shuffle(&mut order);
    order.truncate(rng.range(1, studies as i64) as usize);
    let rows: Vec<RandomRow> = order
        .into_iter()
        .map(|study| (study, random_row(rng, kind)))
        .collect();
    let groups = if rows.len() > 1 && rng.chance(0.3) {
        let cut = rng.range(1, rows.len() as i64 - 1) as usize;
        vec![rows[..cut].to_vec(), rows[cut..].to_vec()]
    } else {
        vec![rows]
    };
    OutcomeSpec {
        settings: settings + &model,
        groups,
    }
}

/// A row's cells for the type: zero cells, double zeros and all-event arms turn up often.
fn random_row(rng: &mut Rng, kind: u64) -> Vec<(&'static str, String)> {
    match kind {
        0 => {
            let arm = |rng: &mut Rng| {
                let total = rng.range(1, 300);
                let events = match rng.below(5) {
                    0 => 0,
                    1 => total,
                    _ => rng.range(0, total),
                };
                (events, total)
            };
            let (e, et) = arm(rng);
            let (c, ct) = if rng.chance(0.15) {
                (0, rng.range(1, 300))
            } else {
                arm(rng)
            };
            vec![
                ("e_events", e.to_string()),
                ("e_total", et.to_string()),
                ("c_events", c.to_string()),
                ("c_total", ct.to_string()),
            ]
        }
        1 => {
            let value = |rng: &mut Rng, lo: i64, hi: i64| {
                format!("{}.{}", rng.range(lo, hi), rng.below(100))
            };
            vec![
                ("e_mean", value(rng, -50, 50)),
                ("e_sd", value(rng, 0, 20).replace("0.0", "0.5")),
                ("e_n", rng.range(2, 200).to_string()),
                ("c_mean", value(rng, -50, 50)),
                ("c_sd", value(rng, 0, 20).replace("0.0", "0.5")),
                ("c_n", rng.range(2, 200).to_string()),
            ]
        }
        _ => vec![
            (
                "estimate",
                format!("{}.{:03}", rng.range(-3, 2), rng.below(1000)),
            ),
            ("se", format!("0.{:03}", rng.range(5, 999))),
        ],
    }
}

/// The whole random review: study names, and outcomes with their rows.
struct Spec {
    names: Vec<String>,
    outcomes: Vec<OutcomeSpec>,
    csv: Vec<bool>,
}

fn random_spec(rng: &mut Rng) -> Spec {
    let studies = rng.range(1, 9) as usize;
    let names = (0..studies).map(|i| name(rng, i)).collect();
    let outcomes: Vec<OutcomeSpec> = (0..rng.range(1, 3))
        .map(|_| random_outcome(rng, studies))
        .collect();
    let csv = outcomes.iter().map(|_| rng.chance(0.4)).collect();
    Spec {
        names,
        outcomes,
        csv,
    }
}

/// Writes the review, with the rows of every group and the included studies in `order`
/// (a permutation of study indices) or as generated.
fn write_spec(dir: &Path, spec: &Spec, order: Option<&[usize]>) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let position =
        |study: usize| order.map_or(study, |o| o.iter().position(|&s| s == study).unwrap());
    let mut review = format!("title: {}\noutcomes:\n", q(&spec.names.join(" / ")));
    for i in 0..spec.outcomes.len() {
        review.push_str(&format!(
            "  - {{id: o{i}, name: {}}}\n",
            q(&spec.names[i % spec.names.len()])
        ));
    }
    std::fs::write(dir.join("review.yaml"), review).unwrap();
    let mut included: Vec<usize> = (0..spec.names.len()).collect();
    included.sort_by_key(|&s| position(s));
    let studies: String = included
        .iter()
        .map(|&s| format!("  - id: {}\n", q(&spec.names[s])))
        .collect();
    std::fs::write(dir.join("studies.yaml"), format!("included:\n{studies}")).unwrap();
    let mut analyses =
        String::from("comparisons:\n  - id: c\n    name: A versus B\n    outcomes:\n");
    for (i, outcome) in spec.outcomes.iter().enumerate() {
        analyses.push_str(&format!(
            "      - outcome: o{i}\n        {}\n",
            outcome.settings
        ));
        let mut groups = outcome.groups.clone();
        for rows in &mut groups {
            rows.sort_by_key(|(s, _)| position(*s));
        }
        let subgroups = groups.len() > 1;
        if subgroups {
            analyses.push_str("        subgroups:\n");
        }
        for (g, rows) in groups.iter().enumerate() {
            let indent = if subgroups {
                "            "
            } else {
                "        "
            };
            if subgroups {
                analyses.push_str(&format!(
                    "          - name: {}\n",
                    q(&format!("Group ✓ {g}"))
                ));
            }
            if spec.csv[i] {
                let file = format!("data/o{i}-{g}.csv");
                let header: Vec<&str> = rows[0].1.iter().map(|(k, _)| *k).collect();
                let mut csv = format!("study,{}\n", header.join(","));
                for (s, cells) in rows {
                    let values: Vec<&str> = cells.iter().map(|(_, v)| v.as_str()).collect();
                    csv.push_str(&format!(
                        "{},{}\n",
                        csv_cell(&spec.names[*s]),
                        values.join(",")
                    ));
                }
                std::fs::write(dir.join(&file), csv).unwrap();
                analyses.push_str(&format!("{indent}data: {file}\n"));
            } else {
                analyses.push_str(&format!("{indent}studies:\n"));
                for (s, cells) in rows {
                    let cells: Vec<String> =
                        cells.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    analyses.push_str(&format!(
                        "{indent}  - {{study: {}, {}}}\n",
                        q(&spec.names[*s]),
                        cells.join(", ")
                    ));
                }
            }
        }
    }
    std::fs::write(dir.join("analyses.yaml"), analyses).unwrap();
}

/// Loads, analyses and renders a review in-process; returns results.json.
fn results(dir: &Path) -> Value {
    let loaded = revmark::load::load_review(dir).unwrap_or_else(|problems| {
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        panic!("a valid random review was refused:\n{}", text.join("\n"))
    });
    let results = std::sync::Arc::new(revmark::results::analyse(&loaded.review));
    // Figures too: the forest plots draw every random outcome.
    let figures = revmark::plot::figures(&loaded.review, &results);
    let (_, files) =
        revmark::report::render_review(&loaded.review, &Default::default(), results, figures, None)
            .unwrap_or_else(|p| panic!("render failed: {p:?}"));
    let json = String::from_utf8(files["results.json"].clone()).unwrap();
    assert!(
        !json.contains("NaN") && !json.contains("Infinity"),
        "{json}"
    );
    serde_json::from_str(&json).unwrap()
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

/// Every study row of an outcome (from its subgroups when it has them), with its group.
fn rows(outcome: &Value) -> Vec<(String, &Value)> {
    let subgroups = outcome["subgroups"].as_array().unwrap();
    if subgroups.is_empty() {
        outcome["study_results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (String::new(), r))
            .collect()
    } else {
        subgroups
            .iter()
            .flat_map(|g| {
                let name = g["name"].as_str().unwrap().to_string();
                g["study_results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |r| (name.clone(), r))
            })
            .collect()
    }
}

/// An estimate lies in its interval (to rounding).
fn contains(what: &str, v: &Value, low: &str, high: &str) {
    let (Some(x), Some(lo), Some(hi)) = (num(v, "estimate"), num(v, low), num(v, high)) else {
        panic!("{what}: missing numbers in {v}");
    };
    let slack = 1e-9 * x.abs().max(1.0);
    assert!(
        lo - slack <= x && x <= hi + slack,
        "{what}: {x} outside [{lo}, {hi}]"
    );
}

/// The properties of one results.json.
fn check_properties(json: &Value) {
    for comparison in json["comparisons"].as_array().unwrap() {
        for outcome in comparison["outcomes"].as_array().unwrap() {
            let id = outcome["id"].as_str().unwrap();
            let rows = rows(outcome);
            for (_, row) in &rows {
                if row["estimable"] == Value::Bool(true) {
                    contains(id, row, "ci_low", "ci_high");
                    assert!(num(row, "weight").is_some(), "{id}: no weight in {row}");
                }
            }
            let pooled = &outcome["pooled"];
            if pooled.is_null() {
                continue;
            }
            contains(id, pooled, "ci_low", "ci_high");
            for key in ["se", "z", "p"] {
                assert!(num(pooled, key).is_some(), "{id}: pooled {key} in {pooled}");
            }
            let total: f64 = rows.iter().filter_map(|(_, r)| num(r, "weight")).sum();
            assert!((total - 100.0).abs() < 1e-6, "{id}: weights sum to {total}");
            for sub in outcome["subgroups"].as_array().unwrap() {
                if !sub["pooled"].is_null() {
                    contains(id, &sub["pooled"], "ci_low", "ci_high");
                }
            }
        }
    }
}

/// Numbers of two results.json files agree (to floating-point reordering) per study.
fn same_numbers(a: &Value, b: &Value) -> Result<(), String> {
    let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-7 * x.abs().max(y.abs()).max(1e-6),
        (None, None) => true,
        _ => false,
    };
    let outcomes =
        |v: &Value| -> Vec<Value> { v["comparisons"][0]["outcomes"].as_array().unwrap().clone() };
    for (oa, ob) in outcomes(a).iter().zip(outcomes(b).iter()) {
        let id = oa["id"].as_str().unwrap();
        for key in ["estimate", "ci_low", "ci_high", "se", "z", "p"] {
            if !close(num(&oa["pooled"], key), num(&ob["pooled"], key)) {
                return Err(format!(
                    "{id}: pooled {key} {} vs {}",
                    oa["pooled"], ob["pooled"]
                ));
            }
        }
        for key in ["q", "i2", "tau2"] {
            if !close(
                num(&oa["heterogeneity"], key),
                num(&ob["heterogeneity"], key),
            ) {
                return Err(format!("{id}: heterogeneity {key}"));
            }
        }
        let mut ra: Vec<(String, String, &Value)> = rows(oa)
            .into_iter()
            .map(|(g, r)| (g, r["study"].as_str().unwrap().to_string(), r))
            .collect();
        let mut rb: Vec<(String, String, &Value)> = rows(ob)
            .into_iter()
            .map(|(g, r)| (g, r["study"].as_str().unwrap().to_string(), r))
            .collect();
        ra.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
        rb.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
        if ra.len() != rb.len() {
            return Err(format!("{id}: {} rows vs {}", ra.len(), rb.len()));
        }
        for ((g, s, x), (_, t, y)) in ra.iter().zip(&rb) {
            if s != t {
                return Err(format!("{id}: study {s} vs {t}"));
            }
            for key in ["estimate", "ci_low", "ci_high", "weight"] {
                if !close(num(x, key), num(y, key)) {
                    return Err(format!("{id}/{g}/{s}: {key} {x} vs {y}"));
                }
            }
        }
    }
    Ok(())
}

// Random valid reviews load, analyse and render; results.json holds finite numbers, weights
// sum to 100, intervals contain their estimates, and permuting the rows and studies changes no
// study's numbers.
#[test]
fn random_reviews_hold_the_properties() {
    let mut rng = Rng(0x5EED_0001);
    let scratch = Scratch::new("props");
    let mut pooled = 0;
    for case in 0..REVIEWS {
        let spec = random_spec(&mut rng);
        let dir = scratch.path(&format!("r{case}/review"));
        write_spec(&dir, &spec, None);
        let first = results(&dir);
        check_properties(&first);
        let mut order: Vec<usize> = (0..spec.names.len()).collect();
        rng.shuffle(&mut order);
        let permuted_dir = scratch.path(&format!("r{case}p/review"));
        write_spec(&permuted_dir, &spec, Some(&order));
        let second = results(&permuted_dir);
        if let Err(e) = same_numbers(&first, &second) {
            panic!("case {case}: the order of the rows changed the results: {e}");
        }
        pooled += first["comparisons"][0]["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| !o["pooled"].is_null())
            .count();
    }
    // The generator must produce poolable outcomes, or the properties above test nothing.
    assert!(pooled as u64 > REVIEWS, "only {pooled} pooled outcomes");
}

// A whole random review also builds through the binary (a panic would exit 101).
#[test]
fn a_random_review_builds_through_the_binary() {
    let mut rng = Rng(0x5EED_0002);
    let scratch = Scratch::new("props-bin");
    for case in 0..3 {
        write_spec(
            &scratch.path(&format!("reviews/r{case}")),
            &random_spec(&mut rng),
            None,
        );
    }
    build(&scratch);
}

/// Tokens that stress a YAML or CSV parser when spliced in.
const TOKENS: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\xc3",
    b":",
    b": ",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b"&a ",
    b"*a",
    b"!!binary ",
    b"!x ",
    b"? ",
    b"<<: *a\n",
    b"---\n",
    b"...\n",
    b"\t",
    b"\r",
    b"\n",
    b"\"",
    b"'",
    b"#",
    b"|",
    b">",
    b",",
    b".nan",
    b".inf",
    b"-.inf",
    b"1e308",
    b"-1",
    b"99999999999999999999",
    b"0x1F",
    b"~",
    b"null",
    b"%YAML 1.2\n",
    b"\xef\xbb\xbf",
    b"\\u0000",
    b"   ",
    b"{{",
    b"{%",
];

/// Applies one to four random mutations to `bytes`.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    for _ in 0..rng.range(1, 4) {
        let at = rng.below(bytes.len() as u64 + 1) as usize;
        match rng.below(4) {
            0 if at < bytes.len() => bytes[at] = rng.below(256) as u8,
            1 => {
                let token = rng.pick(TOKENS);
                bytes.splice(at..at, token.iter().copied());
            }
            2 if at < bytes.len() => {
                let end = (at + rng.range(1, 40) as usize).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let end = (at + rng.range(1, 60) as usize).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len() as u64 + 1) as usize;
                bytes.splice(to..to, copy);
            }
        }
    }
}

/// The YAML and CSV files of a review folder, relative to it.
fn review_files(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".yaml") || p.ends_with(".csv"))
        .collect()
}

// Random byte mutations of the example reviews' YAML and CSV files never make `revmark check`
// panic or die of a signal: it exits 0 or 1.
#[test]
fn mutated_examples_never_crash_the_loader() {
    let mut rng = Rng(0x5EED_0003);
    let scratch = Scratch::new("fuzz");
    let examples = ["mmn-lactation", "diuretics-pregnancy"];
    let mut invalid = 0;
    for batch in 0..MUTANTS / MUTANTS_PER_PROCESS {
        let folder = scratch.path(&format!("batch{batch}"));
        let mut mutations = Vec::new();
        for i in 0..MUTANTS_PER_PROCESS {
            let example = rng.pick(&examples);
            let dir = folder.join(format!("m{i}"));
            copy_dir(&root().join("reviews").join(example), &dir);
            let candidates = review_files(&dir);
            let file = rng.pick(&candidates).clone();
            let mut bytes = std::fs::read(dir.join(&file)).unwrap();
            mutate(&mut rng, &mut bytes);
            std::fs::write(dir.join(&file), &bytes).unwrap();
            mutations.push((dir, format!("{example}/{file}")));
        }
        let run = revmark(&scratch.0, &["check", folder.to_str().unwrap()]);
        if run.code != 0 && run.code != 1 {
            // Find the culprit: check each mutant alone.
            for (dir, what) in &mutations {
                let alone = revmark(&scratch.0, &["check", dir.to_str().unwrap()]);
                assert!(
                    alone.code == 0 || alone.code == 1,
                    "mutated {what} ({}): exit {}\n{}",
                    dir.display(),
                    alone.code,
                    alone.stderr
                );
            }
            panic!("batch {batch} exited {}: {}", run.code, run.stderr);
        }
        invalid += run.stderr.matches(": error: ").count().min(1);
    }
    // Mutations must actually break files, or the test shows nothing.
    assert!(invalid > 0, "no mutation was ever reported as invalid");
}
