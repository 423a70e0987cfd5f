//! The round trip of real Review Manager files: each file is imported, built, and every
//! number Review Manager stored is compared with what revmark computed: each analysis's and
//! subgroup's pooled estimate, confidence interval, z and p, heterogeneity (Q, df, p, I², τ²),
//! the test for subgroup differences, the study count and participants, and each study row's
//! estimate, confidence interval and weight.
//!
//! ```sh
//! cargo run --example revman_roundtrip -- FILE.rm5 [FILE.rm5 | FILE_CR.csv | PACKAGE.zip ...]
//! ```
//!
//! It prints a table per file (analyses in the file, imported, matching to 1e-6, differing)
//! and, for every analysis that differs, the values that differ and why. A difference is
//! classified when its cause is known: totals that Review Manager does not pool (TOTALS SUB or
//! NO), its study count (non-estimable studies included), rows not imported. The integration
//! tests include this file as a module (`#[path]`) and run it on excerpts of real files.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use revmark::import::document::{DataRow, Document, Outcome, Stored, Totals};
use serde_json::Value;

/// Review Manager 5 writes full doubles; agreement is checked to this relative tolerance, or
/// (CSV exports and data packages round) to half a unit in the last decimal they write.
pub const TOLERANCE: f64 = 1e-6;

/// Half a unit in the last decimal a source writes: Review Manager 5's CSV export rounds to 8
/// decimals, RevMan Web's data packages to 6; .rm5 files hold full doubles.
pub fn rounding(path: &Path) -> f64 {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if path.is_dir() || extension.as_deref() == Some("zip") {
        5e-7
    } else if extension.as_deref() == Some("csv") {
        5e-9
    } else {
        0.0
    }
}

/// Why an analysis differs from what Review Manager stored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// TOTALS="SUB" or "NO": Review Manager pools no overall total, revmark does (its overall
    /// result and the row weights differ).
    Totals,
    /// Review Manager counts every study with a row; revmark counts estimable studies.
    StudyCount,
    /// Review Manager's χ² p-values are an approximation (about 1e-6 relative); revmark's are
    /// the exact upper tail (R's `pchisq` gives the same).
    ChiSquaredP,
    /// Some rows were not imported (invalid or no data).
    RowsNotImported,
    /// The analysis was not imported.
    NotImported,
    /// The source states no result for the analysis (every result 0: a RevMan Web package
    /// whose analysis was not calculated).
    NoResultsStated,
    /// No known cause.
    Unexplained,
}

impl Reason {
    /// A short label for the table.
    pub fn label(&self) -> &'static str {
        match self {
            Reason::Totals => "TOTALS SUB/NO",
            Reason::StudyCount => "study count",
            Reason::ChiSquaredP => "RevMan's χ² p approximation",
            Reason::RowsNotImported => "rows not imported",
            Reason::NotImported => "not imported",
            Reason::NoResultsStated => "source states no results",
            Reason::Unexplained => "UNEXPLAINED",
        }
    }
}

/// What a compared value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A pooled estimate, its CI, z, p, or whether anything was pooled.
    Pooled,
    /// Q, df, I², τ² or the test for subgroup differences.
    Heterogeneity,
    /// A χ² p-value (heterogeneity or subgroup differences).
    ChiSquaredP,
    /// A study row's estimate or CI.
    RowEffect,
    /// A study row's weight.
    RowWeight,
    /// The number of studies.
    Studies,
    /// The number of participants.
    Participants,
}

/// A value that differs.
#[derive(Debug, Clone)]
pub struct Difference {
    /// What it is, for people ("subgroup 2 Kabir 1996 weight").
    pub what: String,
    /// Whether it belongs to the overall result (else to a subgroup).
    pub overall: bool,
    /// Its kind.
    pub kind: Kind,
    /// revmark's value (None: revmark has none).
    pub ours: Option<f64>,
    /// Review Manager's.
    pub theirs: f64,
}

/// The comparison of one analysis.
#[derive(Debug, Clone)]
pub struct Check {
    /// "1.16".
    pub number: String,
    /// Its name.
    pub name: String,
    /// Values compared.
    pub compared: usize,
    /// Values that differ.
    pub differences: Vec<Difference>,
    /// Why it differs (empty when it matches).
    pub reasons: Vec<Reason>,
}

impl Check {
    /// Whether every compared value agrees.
    pub fn matches(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Reads a Review Manager file of any kind revmark imports.
pub fn import(path: &Path) -> Result<Document, String> {
    let name = path.display().to_string();
    if path.is_dir() {
        return revmark::import::package::read_dir(path);
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => revmark::import::revman_csv::read(&bytes, &name),
        Some("zip") => revmark::import::package::read_zip(&bytes, &name),
        _ => revmark::import::rm5::read(&bytes, &name),
    }
}

/// Imports `path` into `work/reviews/review`, builds it into `work/out`, and compares; `work`
/// is a new folder (nothing in it is replaced).
pub fn round_trip(path: &Path, work: &Path) -> Result<(Document, Vec<Check>), String> {
    let doc = import(path)?;
    let folder = work.join("reviews/review");
    if folder.exists() {
        return Err(format!("{} exists already", folder.display()));
    }
    for (rel, text) in revmark::import::review_files(&doc) {
        let file = folder.join(rel);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&file, text).map_err(|e| e.to_string())?;
    }
    let out = work.join("out");
    let code = revmark::run([
        "revmark",
        "build",
        &folder.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    if code != std::process::ExitCode::SUCCESS {
        return Err(format!(
            "{}: the imported review does not build ({code:?})",
            path.display()
        ));
    }
    let results: Value = std::fs::read_to_string(out.join("review/results.json"))
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))?;
    Ok((doc.clone(), compare(&doc, &results, rounding(path))))
}

fn close(ours: f64, theirs: f64, rounding: f64) -> bool {
    let diff = (ours - theirs).abs();
    diff <= TOLERANCE * theirs.abs().max(ours.abs())
        || diff <= 1e-12
        || diff <= rounding * (1.0 + 1e-9)
}

/// Collects the comparisons of one analysis, in one scope (overall or a subgroup).
struct Comparer<'a> {
    check: &'a mut Check,
    overall: bool,
    scope: String,
    rounding: f64,
}

impl Comparer<'_> {
    fn value(&mut self, kind: Kind, what: &str, ours: Option<f64>, theirs: Option<f64>) {
        let Some(theirs) = theirs else {
            return;
        };
        self.check.compared += 1;
        if !ours.is_some_and(|o| close(o, theirs, self.rounding)) {
            self.check.differences.push(Difference {
                what: format!("{} {what}", self.scope),
                overall: self.overall,
                kind,
                ours,
                theirs,
            });
        }
    }

    /// A pooled result (estimate, CI, z, p, heterogeneity) against Review Manager's.
    fn pooled(&mut self, ours: &Value, stored: &Stored, random: bool) {
        let s = |k: &str| stored.get(k);
        if s("ESTIMABLE") == Some(0.0) {
            // Nothing pooled: Review Manager stores zeros.
            let pooled = (!ours["pooled"].is_null()) as u8;
            self.value(Kind::Pooled, "pooled", Some(f64::from(pooled)), Some(0.0));
            return;
        }
        let p = &ours["pooled"];
        self.value(
            Kind::Pooled,
            "estimate",
            num(&p["estimate"]),
            s("EFFECT_SIZE"),
        );
        self.value(Kind::Pooled, "CI start", num(&p["ci_low"]), s("CI_START"));
        self.value(Kind::Pooled, "CI end", num(&p["ci_high"]), s("CI_END"));
        self.value(Kind::Pooled, "|Z|", num(&p["z"]).map(f64::abs), s("Z"));
        self.value(Kind::Pooled, "P(Z)", num(&p["p"]), s("P_Z"));
        let h = &ours["heterogeneity"];
        self.value(Kind::Heterogeneity, "Chi²", num(&h["q"]), s("CHI2"));
        self.value(Kind::Heterogeneity, "df", num(&h["df"]), s("DF"));
        if s("DF").is_some_and(|df| df > 0.0) {
            self.value(Kind::Heterogeneity, "I²", num(&h["i2"]), s("I2"));
            self.value(Kind::ChiSquaredP, "P(Chi²)", num(&h["p"]), s("P_CHI2"));
        }
        if random {
            self.value(Kind::Heterogeneity, "Tau²", num(&h["tau2"]), s("TAU2"));
        }
    }

    /// Studies and participants.
    fn counts(&mut self, ours: &Value, stored: &Stored) {
        self.value(
            Kind::Studies,
            "studies",
            num(&ours["studies"]),
            stored.get("STUDIES"),
        );
        if let (Some(e), Some(n)) = (stored.get("TOTAL_1"), stored.get("TOTAL_2")) {
            self.value(
                Kind::Participants,
                "participants",
                num(&ours["participants"]),
                Some(e + n),
            );
        }
    }

    /// The rows that were written, in order, against revmark's rows; returns whether a row
    /// was not imported.
    fn rows(
        &mut self,
        doc_rows: &[DataRow],
        ours: &[Value],
        next: &mut usize,
        weights: bool,
    ) -> bool {
        let mut skipped = false;
        for row in doc_rows {
            if !(row.known_study && row.values.is_some()) {
                skipped = true;
                continue;
            }
            let mine = ours.get(*next).cloned().unwrap_or(Value::Null);
            *next += 1;
            let s = |k: &str| row.stored.get(k);
            let study = &row.study;
            if s("ESTIMABLE") == Some(0.0) {
                let estimable = (mine["estimable"] == true) as u8;
                self.value(
                    Kind::RowEffect,
                    &format!("{study} estimable"),
                    Some(f64::from(estimable)),
                    Some(0.0),
                );
                continue;
            }
            self.value(
                Kind::RowEffect,
                &format!("{study} estimate"),
                num(&mine["estimate"]),
                s("EFFECT_SIZE"),
            );
            self.value(
                Kind::RowEffect,
                &format!("{study} CI start"),
                num(&mine["ci_low"]),
                s("CI_START"),
            );
            self.value(
                Kind::RowEffect,
                &format!("{study} CI end"),
                num(&mine["ci_high"]),
                s("CI_END"),
            );
            if weights {
                self.value(
                    Kind::RowWeight,
                    &format!("{study} weight"),
                    num(&mine["weight"]),
                    s("WEIGHT"),
                );
            }
        }
        skipped
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Why a value differs, from its kind and the analysis's settings.
fn reason(o: &Outcome, d: &Difference) -> Reason {
    // Under SUB nothing overall is pooled and rows weigh within their subgroup; under NO
    // nothing is pooled at all.
    let by_totals = match o.totals {
        Totals::Overall => false,
        Totals::Subtotals => {
            (d.overall
                && matches!(
                    d.kind,
                    Kind::Pooled | Kind::Heterogeneity | Kind::ChiSquaredP
                ))
                || d.kind == Kind::RowWeight
        }
        Totals::None => matches!(
            d.kind,
            Kind::Pooled | Kind::Heterogeneity | Kind::ChiSquaredP | Kind::RowWeight
        ),
    };
    let chi_squared_approximation = d.kind == Kind::ChiSquaredP
        && d.ours
            .is_some_and(|ours| (ours - d.theirs).abs() <= 1e-4 * d.theirs.abs());
    if by_totals {
        Reason::Totals
    } else if d.kind == Kind::Studies {
        Reason::StudyCount
    } else if chi_squared_approximation {
        Reason::ChiSquaredP
    } else {
        Reason::Unexplained
    }
}

fn compare_outcome(o: &Outcome, ours: &Value, check: &mut Check, rounding: f64) {
    let overall_pooled = o.totals == Totals::Overall;
    let mut c = Comparer {
        check,
        overall: true,
        scope: "overall".into(),
        rounding,
    };
    c.pooled(ours, &o.stored, o.random);
    if o.has_subgroups && !o.no_subgroup_test && o.stored.get("DF").is_some() {
        let d = &ours["subgroup_differences"];
        c.value(
            Kind::Heterogeneity,
            "subgroup differences Chi²",
            num(&d["q"]),
            o.stored.get("Q"),
        );
        c.value(
            Kind::Heterogeneity,
            "subgroup differences I²",
            num(&d["i2"]),
            o.stored.get("I2_Q"),
        );
        c.value(
            Kind::ChiSquaredP,
            "subgroup differences P(Chi²)",
            num(&d["p"]),
            o.stored.get("P_Q"),
        );
    }
    let overall_rows = ours["study_results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut next = 0;
    let mut skipped = false;
    for g in &o.groups {
        skipped |= c.rows(
            &g.rows,
            &overall_rows,
            &mut next,
            overall_pooled || !o.has_subgroups,
        );
    }
    c.counts(ours, &o.stored);
    if o.has_subgroups {
        let subgroups = ours["subgroups"].as_array().cloned().unwrap_or_default();
        for (k, g) in o.groups.iter().enumerate() {
            let mut c = Comparer {
                check: c.check,
                overall: false,
                scope: format!("subgroup {}", k + 1),
                rounding,
            };
            let mine = subgroups.get(k).cloned().unwrap_or(Value::Null);
            c.pooled(&mine, &g.stored, o.random);
            let sub_rows = mine["study_results"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            c.rows(&g.rows, &sub_rows, &mut 0, !overall_pooled);
            c.counts(&mine, &g.stored);
        }
    }
    let s = |k: &str| o.stored.get(k);
    // A package that did not calculate an analysis states 0 for every result, with no
    // ESTIMABLE flag (Review Manager 5 says ESTIMABLE="NO" where nothing is pooled).
    let nothing_stated = s("ESTIMABLE").is_none()
        && [s("EFFECT_SIZE"), s("CI_START"), s("CI_END")]
            .iter()
            .all(|v| *v == Some(0.0));
    let mut reasons: Vec<Reason> = check
        .differences
        .iter()
        .map(|d| {
            if skipped && d.kind == Kind::Participants {
                Reason::RowsNotImported
            } else if nothing_stated && d.theirs == 0.0 {
                Reason::NoResultsStated
            } else {
                reason(o, d)
            }
        })
        .collect();
    if skipped {
        reasons.push(Reason::RowsNotImported);
    }
    reasons.sort();
    reasons.dedup();
    check.reasons = reasons;
}

/// Compares every analysis of the document with the built results, to [`TOLERANCE`] or to
/// `rounding` (absolute).
pub fn compare(doc: &Document, results: &Value, rounding: f64) -> Vec<Check> {
    let mut checks = Vec::new();
    let comparisons = results["comparisons"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (ci, comparison) in doc.comparisons.iter().enumerate() {
        let ours = comparisons
            .get(ci)
            .and_then(|c| c["outcomes"].as_array().cloned())
            .unwrap_or_default();
        let mut next = 0;
        for (oi, o) in comparison.outcomes.iter().enumerate() {
            let mut check = Check {
                number: format!(
                    "{}.{}",
                    comparison.number.clone().unwrap_or((ci + 1).to_string()),
                    o.number.clone().unwrap_or((oi + 1).to_string())
                ),
                name: o.name.clone(),
                compared: 0,
                differences: Vec::new(),
                reasons: Vec::new(),
            };
            match ours.get(next).filter(|r| r["name"] == o.name.as_str()) {
                Some(mine) => {
                    next += 1;
                    compare_outcome(o, mine, &mut check, rounding);
                }
                None => check.reasons.push(Reason::NotImported),
            }
            checks.push(check);
        }
    }
    checks
}

/// One line of the table: analyses, imported, matching, differing by reason.
pub fn summary(checks: &[Check]) -> (usize, usize, usize, BTreeMap<&'static str, usize>) {
    let imported = checks
        .iter()
        .filter(|c| !c.reasons.contains(&Reason::NotImported))
        .count();
    let matching = checks.iter().filter(|c| c.matches()).count();
    let mut why = BTreeMap::new();
    for c in checks.iter().filter(|c| !c.matches()) {
        let label = c
            .reasons
            .iter()
            .map(Reason::label)
            .collect::<Vec<_>>()
            .join(" + ");
        *why.entry(Box::leak(label.into_boxed_str()) as &str)
            .or_insert(0) += 1;
    }
    (checks.len(), imported, matching, why)
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: cargo run --example revman_roundtrip -- FILE.rm5 [FILE ...]");
        std::process::exit(2);
    }
    let work = std::env::temp_dir().join(format!("revman-roundtrip-{}", std::process::id()));
    let mut table = vec![
        "| file | analyses | imported | match (1e-6) | differ: why |".to_string(),
        "|---|---:|---:|---:|---|".to_string(),
    ];
    let mut details = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let path = Path::new(file);
        let name = path
            .file_name()
            .map_or(file.clone(), |n| n.to_string_lossy().into_owned());
        match round_trip(path, &work.join(i.to_string())) {
            Ok((_, checks)) => {
                let (total, imported, matching, why) = summary(&checks);
                let why = why
                    .iter()
                    .map(|(w, n)| format!("{n} {w}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                table.push(format!(
                    "| {name} | {total} | {imported} | {matching} | {why} |"
                ));
                for c in checks.iter().filter(|c| !c.matches()) {
                    let shown: Vec<String> = c
                        .differences
                        .iter()
                        .take(if std::env::var_os("ROUNDTRIP_ALL").is_some() {
                            usize::MAX
                        } else {
                            4
                        })
                        .map(|d| match d.ours {
                            Some(o) => format!("{}: {o:.8} vs {:.8}", d.what, d.theirs),
                            None => format!("{}: missing vs {:.8}", d.what, d.theirs),
                        })
                        .collect();
                    details.push(format!(
                        "{name} {} \"{}\" [{}]: {}{}",
                        c.number,
                        c.name,
                        c.reasons
                            .iter()
                            .map(Reason::label)
                            .collect::<Vec<_>>()
                            .join(", "),
                        shown.join("; "),
                        if c.differences.len() > 4 {
                            format!("; and {} more", c.differences.len() - 4)
                        } else {
                            String::new()
                        }
                    ));
                }
            }
            Err(e) => table.push(format!("| {name} | error: {e} | | | |")),
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    println!("{}", table.join("\n"));
    if !details.is_empty() {
        println!("\nAnalyses that differ (revmark vs Review Manager):\n");
        for d in details {
            println!("- {d}");
        }
    }
}
