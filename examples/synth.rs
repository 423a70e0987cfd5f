//! Synthetic review generator: writes valid review folders (review.yaml, studies.yaml,
//! analyses.yaml, data/*.csv) of a chosen size, for benchmarks and tests.
//!
//! ```sh
//! cargo run --release --example synth -- --size small|medium|large|library --out DIR --seed N
//! ```
//!
//! `small`, `medium` and `large` write one review folder `DIR/synth-<size>`; `library` writes
//! 500 small reviews `DIR/synth-lib-000` ... `DIR/synth-lib-499`. The same seed gives the same
//! bytes: the generator uses its own PRNG (SplitMix64) and ordered collections only.
//!
//! The data are realistic rather than random noise: each study has arm sizes, each analysed
//! outcome a baseline risk (or mean and SD) and a true effect with between-study spread, so
//! pooled results and heterogeneity look like those of real reviews. Rare outcomes give zero
//! cells and double zeros; some outcomes have subgroups; the data rows live in CSV files, as
//! `revmark new` and the importers write them (`--rows mixed`: half of them inline); every
//! study has risk-of-bias judgements with support, outcomes_reported (with narratives for
//! outcomes without usable data), and analysed outcomes carry GRADE certainty ratings.
//!
//! The integration tests include this file as a module (`#[path]`), so the generator is the
//! public items below and `main` only parses the command line.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// The size of a generated review (or library).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// 20 studies, 5 outcomes.
    Small,
    /// 200 studies, 50 outcomes.
    Medium,
    /// 1,000 studies, 300 outcomes.
    Large,
    /// 500 small reviews in one folder.
    Library,
}

/// Reviews in a library.
pub const LIBRARY_REVIEWS: usize = 500;

/// Where the data rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// Every outcome's and subgroup's rows in a CSV file of data/, as `revmark new` and the
    /// importers write them.
    Csv,
    /// Half the outcomes' rows inline in analyses.yaml, the others in CSV files: the reviews
    /// the benchmarks measured until the fourteenth session of issue 17.
    Mixed,
}

impl Rows {
    /// Parses `csv` or `mixed`.
    pub fn parse(s: &str) -> Option<Rows> {
        match s {
            "csv" => Some(Rows::Csv),
            "mixed" => Some(Rows::Mixed),
            _ => None,
        }
    }
}

impl Size {
    /// Parses `small`, `medium`, `large` or `library`.
    pub fn parse(s: &str) -> Option<Size> {
        match s {
            "small" => Some(Size::Small),
            "medium" => Some(Size::Medium),
            "large" => Some(Size::Large),
            "library" => Some(Size::Library),
            _ => None,
        }
    }

    /// The lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
            Size::Library => "library",
        }
    }

    /// The shape of one review of this size (a library holds small reviews).
    fn shape(self) -> Shape {
        match self {
            Size::Small | Size::Library => Shape {
                studies: 20,
                outcomes: 5,
                comparisons: 2,
            },
            Size::Medium => Shape {
                studies: 200,
                outcomes: 50,
                comparisons: 5,
            },
            Size::Large => Shape {
                studies: 1000,
                outcomes: 300,
                comparisons: 10,
            },
        }
    }
}

/// How many studies, protocol outcomes and comparisons a review has.
#[derive(Debug, Clone, Copy)]
struct Shape {
    studies: usize,
    outcomes: usize,
    comparisons: usize,
}

/// Writes the review folder(s) of `size` under `out` and returns their paths, sorted.
pub fn generate(size: Size, out: &Path, seed: u64, rows: Rows) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out)?;
    if size == Size::Library {
        let mut dirs = Vec::new();
        for i in 0..LIBRARY_REVIEWS {
            let dir = out.join(format!("synth-lib-{i:03}"));
            // Each review gets its own stream, derived from the seed and its number.
            let review_seed = seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            write_review(&dir, size.shape(), review_seed, i, rows)?;
            dirs.push(dir);
        }
        return Ok(dirs);
    }
    let dir = out.join(format!("synth-{}", size.name()));
    write_review(&dir, size.shape(), seed, 0, rows)?;
    Ok(vec![dir])
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Binomial(n, p) draw: exact for small n, normal approximation beyond.
    fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n <= 60 {
            return (0..n).filter(|_| self.chance(p)).count() as u64;
        }
        let mean = n as f64 * p;
        let sd = (mean * (1.0 - p)).sqrt();
        (mean + sd * self.normal()).round().clamp(0.0, n as f64) as u64
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.next() as usize % items.len()]
    }
}

const SURNAMES: &[&str] = &[
    "Adeyemi",
    "Bhutta",
    "Christian",
    "Dewey",
    "Engle",
    "Fawzi",
    "Gupta",
    "Haider",
    "Iannotti",
    "Jiang",
    "Kaestel",
    "Lartey",
    "Mahomed",
    "Nguyen",
    "Okafor",
    "Persson",
    "Quispe",
    "Ramakrishnan",
    "Shankar",
    "Tielsch",
    "Uauy",
    "Villar",
    "West",
    "Xu",
    "Yakoob",
    "Zlotkin",
    "O'Brien",
    "Müller",
    "Smith & Jones",
    "García-López",
];
const COUNTRIES: &[&str] = &[
    "Bangladesh",
    "Brazil",
    "Burkina Faso",
    "China",
    "Ghana",
    "Guinea-Bissau",
    "India",
    "Indonesia",
    "Kenya",
    "Malawi",
    "Mexico",
    "Nepal",
    "Niger",
    "Pakistan",
    "Peru",
    "Tanzania",
    "UK",
    "USA",
    "Viet Nam",
    "Zimbabwe",
];
const CONDITIONS: &[&str] = &[
    "anaemia",
    "pre-eclampsia",
    "preterm birth",
    "low birthweight",
    "postpartum haemorrhage",
    "gestational diabetes",
    "neonatal sepsis",
    "stunting",
];
const INTERVENTIONS: &[&str] = &[
    "iron supplementation",
    "calcium supplementation",
    "zinc supplementation",
    "multiple micronutrients",
    "vitamin A",
    "low-dose aspirin",
    "omega-3 fatty acids",
    "folic acid",
    "vitamin D",
    "probiotics",
];
const OUTCOME_NAMES: &[&str] = &[
    "maternal anaemia",
    "pre-eclampsia",
    "preterm birth",
    "low birthweight",
    "stillbirth",
    "neonatal death",
    "perinatal death",
    "caesarean section",
    "postpartum haemorrhage",
    "maternal infection",
    "birthweight",
    "gestational age at birth",
    "haemoglobin concentration",
    "length of stay",
    "Apgar score",
    "maternal satisfaction",
    "breastfeeding at six months",
    "infant weight gain",
    "side effects",
    "admission to neonatal intensive care",
];
const ROB1: &[&str] = &[
    "sequence_generation",
    "allocation_concealment",
    "blinding_participants",
    "blinding_outcome",
    "incomplete_data",
    "selective_reporting",
    "other_bias",
];
const ROB2: &[&str] = &[
    "randomisation",
    "deviations",
    "missing_data",
    "measurement",
    "selection_of_result",
    "overall",
];
const REASONS: &[&str] = &[
    "imprecision",
    "risk of bias",
    "inconsistency",
    "indirectness",
];

/// One generated study.
struct Study {
    id: String,
    comparison: usize,
    e_n: u64,
    c_n: u64,
    year: u64,
}

/// One analysed outcome: which protocol outcome, in which comparison, with which data.
struct Analysis {
    comparison: usize,
    outcome: usize,
    continuous: bool,
    /// Indexes into the studies, each listed once.
    rows: Vec<usize>,
}

/// Writes one review folder.
fn write_review(dir: &Path, shape: Shape, seed: u64, number: usize, rows: Rows) -> io::Result<()> {
    let mut rng = Rng(seed);
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir.join("data"))?;
    let condition = rng.pick(CONDITIONS);
    let rob2 = rng.chance(0.25);

    // Studies: unique "Author Year" ids, spread over the comparisons.
    let mut ids = BTreeSet::new();
    let mut studies = Vec::new();
    for k in 0..shape.studies {
        let year = rng.range(1985, 2024);
        let base = format!("{} {year}", rng.pick(SURNAMES));
        // A second study of the same author and year gets a letter, as in reference lists.
        let id = std::iter::once(base.clone())
            .chain((b'a'..=b'z').map(|l| format!("{base}{}", l as char)))
            .find(|id| !ids.contains(id))
            .unwrap_or_else(|| format!("{base} ({})", k + 1));
        ids.insert(id.clone());
        let size = if rng.chance(0.2) {
            rng.range(300, 2000)
        } else {
            rng.range(12, 250)
        };
        studies.push(Study {
            id,
            comparison: k % shape.comparisons,
            e_n: size,
            c_n: (size as f64 * (0.85 + 0.3 * rng.unit())).round().max(6.0) as u64,
            year,
        });
    }

    // Analyses: every protocol outcome is analysed in one comparison, some in a second; one in
    // eleven has no usable data (reported only in words) so the text lists it as unreported.
    let mut analyses = Vec::new();
    for j in 0..shape.outcomes {
        if j % 11 == 10 {
            continue;
        }
        let continuous = rng.chance(0.3);
        let mut comparisons = vec![j % shape.comparisons];
        if j % 7 == 3 && shape.comparisons > 1 {
            comparisons.push((j + 1) % shape.comparisons);
        }
        for c in comparisons {
            let pool: Vec<usize> = (0..studies.len())
                .filter(|&s| studies[s].comparison == c)
                .collect();
            let share = 0.2 + 0.5 * rng.unit();
            let mut rows: Vec<usize> = pool.iter().copied().filter(|_| rng.chance(share)).collect();
            if rows.is_empty() {
                rows.push(pool[0]);
            }
            analyses.push(Analysis {
                comparison: c,
                outcome: j,
                continuous,
                rows,
            });
        }
    }

    // Every study gives data for at least one outcome, as an included study does.
    for (s, study) in studies.iter().enumerate() {
        if !analyses.iter().any(|a| a.rows.contains(&s))
            && let Some(a) = analyses
                .iter_mut()
                .find(|a| a.comparison == study.comparison)
        {
            a.rows.push(s);
            a.rows.sort_unstable();
        }
    }

    let review = review_yaml(&mut rng, shape, condition, number, &analyses);
    std::fs::write(dir.join("review.yaml"), review)?;
    let studies_text = studies_yaml(&mut rng, shape, &studies, &analyses, rob2);
    std::fs::write(dir.join("studies.yaml"), studies_text)?;
    let mut csv_files = Vec::new();
    let analyses_text = analyses_yaml(&mut rng, shape, &studies, &analyses, rows, &mut csv_files);
    std::fs::write(dir.join("analyses.yaml"), analyses_text)?;
    for (name, text) in csv_files {
        std::fs::write(dir.join("data").join(name), text)?;
    }
    Ok(())
}

fn outcome_id(j: usize) -> String {
    format!("outcome-{}", j + 1)
}

fn comparison_id(c: usize) -> String {
    format!("comparison-{}", c + 1)
}

/// The text with its first letter in upper case.
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A YAML double-quoted scalar.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML literal block scalar (`|`) at `indent` spaces.
fn block(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::from("|\n");
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{pad}{line}");
        }
    }
    out
}

/// A CSV cell, quoted when it must be.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn review_yaml(
    rng: &mut Rng,
    shape: Shape,
    condition: &str,
    number: usize,
    analyses: &[Analysis],
) -> String {
    let mut y = String::new();
    let intervention = rng.pick(INTERVENTIONS);
    let _ = writeln!(y, "# A synthetic review written by examples/synth.rs.");
    let _ = writeln!(
        y,
        "title: {}",
        quote(&format!(
            "Synthetic review {}: {intervention} for preventing {condition} ({} studies, {} outcomes)",
            number + 1,
            shape.studies,
            shape.outcomes
        ))
    );
    let _ = writeln!(y, "authors: [A. Author, B. Author, \"C. O'Brien\"]");
    let _ = writeln!(
        y,
        "date: 2026-{:02}-{:02}",
        rng.range(1, 12),
        rng.range(1, 28)
    );
    let _ = writeln!(y, "participants_noun: women");
    let _ = writeln!(y, "population: pregnant women");
    let _ = writeln!(
        y,
        "background: {}",
        block(
            &format!(
                "*{}* is common in pregnancy and harms mother and baby.\n\n\
                 {} is cheap & widely available, but its effects are uncertain.\n\n\
                 - it is given daily\n- it is given from the first antenatal visit",
                capitalise(condition),
                capitalise(intervention)
            ),
            2
        )
    );
    let _ = writeln!(
        y,
        "objectives: {}",
        block(
            &format!(
                "To assess the effects of {intervention} on {condition} and its complications."
            ),
            2
        )
    );
    let identified = shape.studies as u64 * 6 + rng.range(0, 50);
    let duplicates = identified / 10;
    let screened = identified - duplicates;
    let full_text = shape.studies as u64 * 2;
    let excl_a = (full_text - shape.studies as u64) / 2;
    let excl_b = full_text - shape.studies as u64 - excl_a;
    let _ = writeln!(y, "search:");
    let _ = writeln!(y, "  date: 2026-01-31");
    let _ = writeln!(y, "  sources: [CENTRAL, MEDLINE, Embase]");
    let _ = writeln!(y, "  other: [reference lists of retrieved studies]");
    let _ = writeln!(y, "  flow:");
    let _ = writeln!(y, "    identified: {identified}");
    let _ = writeln!(y, "    duplicates_removed: {duplicates}");
    let _ = writeln!(y, "    screened: {screened}");
    let _ = writeln!(y, "    excluded_screening: {}", screened - full_text);
    let _ = writeln!(y, "    full_text: {full_text}");
    let _ = writeln!(
        y,
        "    excluded_full_text: {{not randomised: {excl_a}, wrong population: {excl_b}}}"
    );
    let _ = writeln!(y, "    included: {}", shape.studies);
    let _ = writeln!(
        y,
        "selection_criteria: {}",
        block(
            &format!(
                "Randomised trials of {intervention} versus placebo, no treatment or another dose in pregnant women."
            ),
            2
        )
    );
    // Literate prose: the first analysed outcome's effect and study count follow the data.
    let first = &analyses[0];
    let call = format!(
        "outcome=\"{}\", comparison=\"{}\"",
        outcome_id(first.outcome),
        comparison_id(first.comparison)
    );
    let _ = writeln!(
        y,
        "data_collection: {}",
        block(
            &format!(
                "Two review authors extracted data independently. The first outcome was pooled from \
                 {{{{ studies({call}) | words }}}} trials ({{{{ effect({call}) }}}}; \
                 {{{{ participants({call}) | count }}}} women; {{{{ certainty({call}) }}}})."
            ),
            2
        )
    );
    let _ = writeln!(y, "outcomes:");
    for j in 0..shape.outcomes {
        let name = format!("{} ({})", OUTCOME_NAMES[j % OUTCOME_NAMES.len()], j + 1);
        let _ = writeln!(y, "  - id: {}", outcome_id(j));
        let _ = writeln!(y, "    name: {}", quote(&name));
        if j % 4 == 0 {
            let _ = writeln!(y, "    detail: as defined by the trial authors");
        }
        let priority = if j < shape.outcomes.div_ceil(5) {
            "primary"
        } else {
            "secondary"
        };
        let _ = writeln!(y, "    priority: {priority}");
        let group = if j % 2 == 0 { "maternal" } else { "infant" };
        let _ = writeln!(y, "    group: {group}");
    }
    let _ = writeln!(y, "comparisons:");
    for c in 0..shape.comparisons {
        let _ = writeln!(y, "  - id: {}", comparison_id(c));
        let _ = writeln!(
            y,
            "    name: {}",
            quote(&format!(
                "{intervention} (regimen {}) versus control",
                c + 1
            ))
        );
        let _ = writeln!(y, "    experimental: {}", quote(intervention));
        let _ = writeln!(y, "    control: placebo or no treatment");
    }
    let _ = writeln!(
        y,
        "discussion: {}",
        block(
            &format!(
                "The effect on the first outcome ({{{{ effect({call}) }}}}) was consistent across \
                 settings. Trials were **small** and often at unclear risk of bias."
            ),
            2
        )
    );
    let _ = writeln!(y, "conclusions:");
    let _ = writeln!(
        y,
        "  practice: {}",
        block(
            &format!(
                "{} may be offered where {condition} is common.",
                capitalise(intervention)
            ),
            4
        )
    );
    let _ = writeln!(
        y,
        "  research: {}",
        block(
            "Larger trials should report clinical outcomes for mother and baby.",
            4
        )
    );
    y
}

fn studies_yaml(
    rng: &mut Rng,
    shape: Shape,
    studies: &[Study],
    analyses: &[Analysis],
    rob2: bool,
) -> String {
    let mut y = String::new();
    let _ = writeln!(y, "# Synthetic studies written by examples/synth.rs.");
    let _ = writeln!(
        y,
        "risk_of_bias_tool: {}",
        if rob2 { "rob2" } else { "rob1" }
    );
    let _ = writeln!(y, "included:");
    for (k, s) in studies.iter().enumerate() {
        let _ = writeln!(y, "  - id: {}", quote(&s.id));
        if k % 5 == 0 {
            let _ = writeln!(
                y,
                "    country: [{}, {}]",
                quote(rng.pick(COUNTRIES)),
                quote(rng.pick(COUNTRIES))
            );
        } else {
            let _ = writeln!(y, "    country: {}", quote(rng.pick(COUNTRIES)));
        }
        let _ = writeln!(y, "    participants: {}", s.e_n + s.c_n);
        if k % 6 == 0 {
            let _ = writeln!(y, "    participants_label: adolescent mothers");
        }
        if k % 3 == 0 {
            let _ = writeln!(y, "    setting: women attending antenatal clinics");
        }
        let _ = writeln!(y, "    comparison: {}", comparison_id(s.comparison));
        let _ = writeln!(
            y,
            "    methods: {}",
            quote(&format!(
                "Randomised controlled trial, {}, {}.",
                if rng.chance(0.3) {
                    "cluster"
                } else {
                    "individual"
                },
                s.year
            ))
        );
        let _ = writeln!(
            y,
            "    interventions: {}",
            quote(&format!(
                "{} women received the intervention and {} the control.",
                s.e_n, s.c_n
            ))
        );
        if k % 4 == 0 {
            let _ = writeln!(
                y,
                "    notes: {}",
                block(
                    "Funded by a *public* agency; no conflicts declared.\nData from the published report & the authors.",
                    6
                )
            );
        }
        let mut reported = String::new();
        for a in analyses.iter().filter(|a| a.rows.contains(&k)) {
            let _ = writeln!(reported, "      - outcome: {}", outcome_id(a.outcome));
        }
        // Outcomes reported only in words (no usable data).
        for j in (0..shape.outcomes).filter(|j| j % 11 == 10) {
            if rng.chance(0.3) {
                let _ = writeln!(reported, "      - outcome: {}", outcome_id(j));
                let _ = writeln!(
                    reported,
                    "        narrative: the study reported no clear difference between groups"
                );
            }
        }
        if reported.is_empty() {
            let _ = writeln!(y, "    outcomes_reported: []");
        } else {
            let _ = write!(y, "    outcomes_reported:\n{reported}");
        }
        let _ = writeln!(y, "    risk_of_bias:");
        let (domains, judgements): (&[&str], &[&str]) = if rob2 {
            (ROB2, &["low", "some_concerns", "high"])
        } else {
            (ROB1, &["low", "unclear", "high"])
        };
        for domain in domains {
            // A few domains are left out: unclear (RoB 1) or not assessed (RoB 2).
            if rng.chance(0.05) {
                continue;
            }
            let r = rng.unit();
            let judgement = if r < 0.5 {
                judgements[0]
            } else if r < 0.85 {
                judgements[1]
            } else {
                judgements[2]
            };
            let support = match judgement {
                "low" => "Computer-generated sequence; central allocation.",
                "high" => "Open label; \"quasi-random\" allocation by date of birth.",
                _ => "Not described in the report.",
            };
            let _ = writeln!(
                y,
                "      {domain}: {{judgement: {judgement}, support: {}}}",
                quote(support)
            );
        }
    }
    let _ = writeln!(y, "excluded:");
    for i in 0..(shape.studies / 4).max(2) {
        let _ = writeln!(
            y,
            "  - {{id: {}, reason: {}}}",
            quote(&format!("Excluded {} {}", i + 1, rng.range(1980, 2024))),
            quote(if i % 2 == 0 {
                "not randomised"
            } else {
                "wrong population"
            })
        );
    }
    let _ = writeln!(y, "ongoing:");
    for i in 0..(shape.studies / 20).max(1) {
        let _ = writeln!(
            y,
            "  - {{id: NCT{:08}, description: {}}}",
            rng.range(1_000_000, 99_999_999) + i as u64,
            quote("A multicentre trial; results expected in 2027.")
        );
    }
    y
}

/// The settings line of an analysed outcome and a way to draw its rows.
struct OutcomeModel {
    measure: &'static str,
    method: Option<&'static str>,
    random: bool,
    tau2: Option<&'static str>,
    hksj: bool,
    /// Control risk (dichotomous) or control mean (continuous).
    base: f64,
    /// Log risk ratio, or mean difference in SD units.
    effect: f64,
    /// Between-study SD of the effect.
    spread: f64,
    /// Continuous: the SD of the outcome.
    sd: f64,
}

fn outcome_model(rng: &mut Rng, continuous: bool) -> OutcomeModel {
    let random = rng.chance(0.5);
    let tau2 = if random {
        Some(rng.pick(&["DL", "DL", "REML", "PM"]))
    } else {
        None
    };
    let hksj = random && rng.chance(0.15);
    if continuous {
        OutcomeModel {
            measure: rng.pick(&["MD", "MD", "SMD"]),
            method: None,
            random,
            tau2,
            hksj,
            base: 20.0 + 3000.0 * rng.unit(),
            effect: -0.4 + 0.6 * rng.unit(),
            spread: 0.1 * rng.unit(),
            sd: 0.0,
        }
    } else {
        let (measure, method) = rng.pick(&[
            ("RR", Some("MH")),
            ("RR", None),
            ("OR", Some("MH")),
            ("OR", Some("Peto")),
            ("OR", Some("IV")),
            ("RD", Some("MH")),
            ("RR", Some("IV")),
        ]);
        // One outcome in four is rare: small event rates give zero cells and double zeros.
        let base = if rng.chance(0.25) {
            0.002 + 0.02 * rng.unit()
        } else {
            0.05 + 0.4 * rng.unit()
        };
        OutcomeModel {
            measure,
            method,
            random: random && method != Some("Peto"),
            tau2: if method == Some("Peto") { None } else { tau2 },
            hksj: hksj && method != Some("Peto"),
            base,
            effect: -0.6 + 0.8 * rng.unit(),
            spread: 0.25 * rng.unit(),
            sd: 0.0,
        }
    }
}

/// One data row as (column, value) pairs, in the contract's column order.
fn draw_row(rng: &mut Rng, m: &OutcomeModel, continuous: bool, s: &Study) -> Vec<(String, String)> {
    // Some participants are lost to follow-up for this outcome.
    let e_total = (s.e_n as f64 * (0.85 + 0.15 * rng.unit())).round().max(2.0) as u64;
    let c_total = (s.c_n as f64 * (0.85 + 0.15 * rng.unit())).round().max(2.0) as u64;
    let study_effect = m.effect + m.spread * rng.normal();
    if continuous {
        let sd = m.base * (0.15 + 0.2 * rng.unit());
        let c_mean = m.base * (0.9 + 0.2 * rng.unit());
        let e_mean = c_mean + study_effect * sd;
        let arm_sd = |rng: &mut Rng| (sd * (0.8 + 0.4 * rng.unit())).max(0.1);
        let (e_sd, c_sd) = (arm_sd(rng), arm_sd(rng));
        let row = [
            ("e_mean", format!("{e_mean:.1}")),
            ("e_sd", format!("{e_sd:.1}")),
            ("e_n", e_total.to_string()),
            ("c_mean", format!("{c_mean:.1}")),
            ("c_sd", format!("{c_sd:.1}")),
            ("c_n", c_total.to_string()),
        ];
        return row.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    }
    let c_risk = (m.base * (0.7 + 0.6 * rng.unit())).min(0.95);
    let e_risk = (c_risk * study_effect.exp()).min(0.95);
    let (mut e_events, mut c_events) =
        (rng.binomial(e_total, e_risk), rng.binomial(c_total, c_risk));
    // Rare outcomes: now and then a trial with no events in either arm.
    if m.base < 0.03 && rng.chance(0.15) {
        (e_events, c_events) = (0, 0);
    }
    let row = [
        ("e_events", e_events),
        ("e_total", e_total),
        ("c_events", c_events),
        ("c_total", c_total),
    ];
    row.into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Rows as YAML flow maps at `indent` spaces.
fn yaml_rows(y: &mut String, rows: &[(String, Vec<(String, String)>)], indent: usize) {
    let pad = " ".repeat(indent);
    for (study, cells) in rows {
        let cells: Vec<String> = cells.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let _ = writeln!(
            y,
            "{pad}- {{study: {}, {}}}",
            quote(study),
            cells.join(", ")
        );
    }
}

/// Rows as a CSV file.
fn csv_rows(rows: &[(String, Vec<(String, String)>)]) -> String {
    let mut text = String::from("study");
    if let Some((_, cells)) = rows.first() {
        for (k, _) in cells {
            text.push(',');
            text.push_str(k);
        }
    }
    text.push('\n');
    for (study, cells) in rows {
        text.push_str(&csv_cell(study));
        for (_, v) in cells {
            text.push(',');
            text.push_str(v);
        }
        text.push('\n');
    }
    text
}

fn analyses_yaml(
    rng: &mut Rng,
    shape: Shape,
    studies: &[Study],
    analyses: &[Analysis],
    layout_rows: Rows,
    csv_files: &mut Vec<(String, String)>,
) -> String {
    let mut y = String::new();
    let _ = writeln!(y, "# Synthetic data written by examples/synth.rs.");
    let _ = writeln!(y, "comparisons:");
    for c in 0..shape.comparisons {
        let _ = writeln!(y, "  - id: {}", comparison_id(c));
        let _ = writeln!(
            y,
            "    name: {}",
            quote(&format!("Intervention regimen {} versus control", c + 1))
        );
        let _ = writeln!(y, "    experimental: Intervention");
        let _ = writeln!(y, "    control: Control");
        let _ = writeln!(y, "    outcomes:");
        for a in analyses.iter().filter(|a| a.comparison == c) {
            let m = outcome_model(rng, a.continuous);
            let id = outcome_id(a.outcome);
            let _ = writeln!(y, "      - outcome: {id}");
            let _ = writeln!(
                y,
                "        type: {}",
                if a.continuous {
                    "continuous"
                } else {
                    "dichotomous"
                }
            );
            let _ = writeln!(y, "        measure: {}", m.measure);
            if let Some(method) = m.method {
                let _ = writeln!(y, "        method: {method}");
            }
            if m.random {
                let _ = writeln!(y, "        model: random");
                if let Some(t) = m.tau2 {
                    let _ = writeln!(y, "        tau2: {t}");
                }
                if m.hksj {
                    let _ = writeln!(y, "        hksj: true");
                }
            }
            if rng.chance(0.8) {
                let level = rng.pick(&["high", "moderate", "moderate", "low", "low", "very_low"]);
                let reasons: Vec<&str> = REASONS
                    .iter()
                    .copied()
                    .filter(|_| rng.chance(0.3))
                    .collect();
                let _ = writeln!(
                    y,
                    "        certainty: {{level: {level}, reasons: [{}]}}",
                    reasons.join(", ")
                );
            }
            let rows: Vec<(String, Vec<(String, String)>)> = a
                .rows
                .iter()
                .map(|&s| {
                    (
                        studies[s].id.clone(),
                        draw_row(rng, &m, a.continuous, &studies[s]),
                    )
                })
                .collect();
            let file_stem = format!("{}-{id}", comparison_id(c));
            let layout = rng.unit();
            if rows.len() >= 4 && layout < 0.2 {
                // Subgroups, split by study order; the first inline, the others in CSV files
                // or inline.
                let _ = writeln!(y, "        subgroups:");
                let cut = rows.len() / 2;
                for (g, part) in [&rows[..cut], &rows[cut..]].into_iter().enumerate() {
                    let name = if g == 0 {
                        "Low-income settings"
                    } else {
                        "Middle- and high-income settings"
                    };
                    // Drawn in both layouts, so that the data are the same.
                    let in_csv = g == 1 && rng.chance(0.5);
                    if in_csv || layout_rows == Rows::Csv {
                        let file = format!("{file_stem}-sub{}.csv", g + 1);
                        let _ = writeln!(
                            y,
                            "          - {{name: {}, data: data/{file}}}",
                            quote(name)
                        );
                        csv_files.push((file, csv_rows(part)));
                    } else {
                        let _ = writeln!(y, "          - name: {}", quote(name));
                        let _ = writeln!(y, "            studies:");
                        yaml_rows(&mut y, part, 14);
                    }
                }
            } else if layout < 0.5 || layout_rows == Rows::Csv {
                let file = format!("{file_stem}.csv");
                let _ = writeln!(y, "        data: data/{file}");
                csv_files.push((file, csv_rows(&rows)));
            } else {
                let _ = writeln!(y, "        studies:");
                yaml_rows(&mut y, &rows, 10);
            }
        }
    }
    y
}

fn usage() -> ! {
    eprintln!(
        "usage: synth --size small|medium|large|library --out DIR [--seed N] [--rows csv|mixed]\n\
         writes DIR/synth-<size> (or DIR/synth-lib-000..499 for library)"
    );
    std::process::exit(2);
}

fn main() {
    let mut size = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut rows = Rows::Csv;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--size" => size = Some(Size::parse(&value).unwrap_or_else(|| usage())),
            "--out" => out = Some(PathBuf::from(value)),
            "--seed" => seed = value.parse().unwrap_or_else(|_| usage()),
            "--rows" => rows = Rows::parse(&value).unwrap_or_else(|| usage()),
            _ => usage(),
        }
    }
    let (Some(size), Some(out)) = (size, out) else {
        usage()
    };
    match generate(size, &out, seed, rows) {
        Ok(dirs) => eprintln!("wrote {} review(s) under {}", dirs.len(), out.display()),
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            std::process::exit(1);
        }
    }
}
