//! The figure cache that `serve` keeps between builds: after an edit only the figures of the
//! outcomes that depend on it are drawn again, and every figure equals a fresh drawing.

use crate::common::*;
use revmark::load::{ParseCache, load_review, load_review_cached};
use revmark::model::Review;
use revmark::plot::{self, FigureCache, Palette};
use revmark::results::analyse;
use std::path::Path;

fn load(dir: &Path) -> Review {
    match load_review(dir) {
        Ok(loaded) => loaded.review,
        Err(problems) => panic!("{} does not load: {problems:?}", dir.display()),
    }
}

/// Draws the review's figures through the cache; returns the files drawn anew, after checking
/// that the figures are exactly those drawn without a cache.
fn draw(dir: &Path, cache: &FigureCache) -> Vec<String> {
    let review = load(dir);
    let results = analyse(&review);
    let cached = plot::figures_cached(&review, &results, Palette::default(), Some(cache));
    let fresh = plot::figures_with(&review, &results, Palette::default());
    let (cached, fresh) = (cached.into_vec(), fresh.into_vec());
    assert_eq!(cached.len(), fresh.len());
    for (c, f) in cached.iter().zip(&fresh) {
        assert!(c == f, "{} differs from a fresh drawing", f.file_name());
    }
    cache.finish_build()
}

#[test]
fn an_edit_redraws_only_the_figures_that_depend_on_it() {
    let scratch = Scratch::new("incremental");
    let dir = example(&scratch, "diuretics-pregnancy");
    let cache = FigureCache::new();

    let first = draw(&dir, &cache);
    assert!(
        first.len() >= 4,
        "every outcome is drawn at first: {first:?}"
    );
    assert_eq!(draw(&dir, &cache), Vec::<String>::new(), "nothing changed");

    // One row of the stillbirth outcome.
    edit(
        &dir.join("data/stillbirth.csv"),
        "Flowers 1962,3,335",
        "Flowers 1962,4,335",
    );
    let stillbirth = draw(&dir, &cache);
    assert_eq!(stillbirth.len(), 1, "{stillbirth:?}");
    let review = load(&dir);
    let redrawn = plot::figures_with(&review, &analyse(&review), Palette::default())
        .into_vec()
        .into_iter()
        .find(|f| stillbirth[0].ends_with(&format!("/{}", f.path())))
        .unwrap();
    assert!(
        redrawn.title.to_lowercase().contains("stillbirth"),
        "{}",
        redrawn.title
    );

    // A risk-of-bias judgement of one study redraws every forest plot with a row of it.
    edit(
        &dir.join("studies.yaml"),
        "  - id: Weseley & Douglas 1962\n    participants: 267\n",
        "  - id: Weseley & Douglas 1962\n    participants: 267\n    risk_of_bias:\n      \
         sequence_generation: {judgement: high}\n",
    );
    let rob = draw(&dir, &cache);
    let forests = first
        .iter()
        .filter(|f| f.contains("/figures/forest-"))
        .count();
    assert_eq!(
        rob.iter()
            .filter(|f| f.contains("/figures/forest-"))
            .count(),
        forests,
        "Weseley & Douglas 1962 is in every outcome: {rob:?}"
    );

    // Another judgement of the same domain redraws them again.
    edit(
        &dir.join("studies.yaml"),
        "sequence_generation: {judgement: high}",
        "sequence_generation: {judgement: low}",
    );
    assert_eq!(
        draw(&dir, &cache),
        rob,
        "the judgement is drawn in the dots"
    );
}

// Where a row was written (file, line) is not drawn: moving rows redraws nothing, while a
// changed number redraws its outcome.
#[test]
fn row_positions_do_not_redraw() {
    let dir = root().join("reviews/diuretics-pregnancy");
    let cache = FigureCache::new();
    let mut review = load(&dir);
    let draw = |review: &Review| {
        plot::figures_cached(review, &analyse(review), Palette::default(), Some(&cache));
        cache.finish_build()
    };
    assert!(!draw(&review).is_empty());
    for comparison in &mut review.comparisons {
        for outcome in &mut comparison.outcomes {
            for group in &mut outcome.groups {
                for row in &mut group.rows {
                    row.origin.line += 3;
                }
            }
        }
    }
    assert_eq!(draw(&review), Vec::<String>::new());
    review.comparisons[0].outcomes[0].groups[0].rows[0].participants += 1;
    assert_eq!(draw(&review).len(), 1);
}

// A YAML file is parsed again only when its text changed, a file with an error always is, and
// the review loaded through the cache is the review loaded without it.
#[test]
fn unchanged_files_are_not_parsed_again() {
    let scratch = Scratch::new("parse-cache");
    let dir = example(&scratch, "diuretics-pregnancy");
    let cache = ParseCache::new();
    let through_cache = |cache: &ParseCache| match load_review_cached(&dir, Some(cache)) {
        Ok(loaded) => format!("{:?}", loaded.review),
        Err(problems) => format!("{problems:?}"),
    };
    let same_as_fresh = |cached: String| {
        let fresh = match load_review(&dir) {
            Ok(loaded) => format!("{:?}", loaded.review),
            Err(problems) => format!("{problems:?}"),
        };
        assert!(cached == fresh, "the cached load differs from a fresh one");
    };

    same_as_fresh(through_cache(&cache));
    assert_eq!(
        cache.parses(),
        3,
        "review.yaml, studies.yaml, analyses.yaml"
    );
    same_as_fresh(through_cache(&cache));
    assert_eq!(cache.parses(), 3, "nothing changed");

    // A data file is not YAML of the cache; studies.yaml changes and only it is parsed.
    edit(
        &dir.join("studies.yaml"),
        "Weseley & Douglas 1962\n    participants: 267",
        "Weseley & Douglas 1962\n    participants: 268",
    );
    let loaded = through_cache(&cache);
    assert!(loaded.contains("268"), "the edit is seen");
    same_as_fresh(loaded);
    assert_eq!(cache.parses(), 4);

    // A broken file is parsed on every load, and reported every time.
    append(&dir.join("studies.yaml"), "  - not: valid: yaml: [\n");
    for expected in [5, 6] {
        let problems = through_cache(&cache);
        assert!(problems.contains("studies.yaml"), "{problems}");
        same_as_fresh(problems);
        assert_eq!(cache.parses(), expected);
    }
}
