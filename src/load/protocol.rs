//! review.yaml as written -> the validated [`Protocol`]: unique and well-formed ids, real dates.

use std::collections::HashMap;

use super::is_slug;
use super::raw;
use crate::diagnostic::{Kind, Problems, SourceFile};
use crate::model::{
    Conclusions, IdIndex, Located, Location, PlannedComparison, Protocol, ProtocolOutcome, Search,
};

const DUPLICATE_ID: Kind = Kind::error("an id given twice");
const NOT_A_SLUG: Kind = Kind::error("an id that is not lower-case letters, digits and `-`");
const NOT_A_DATE: Kind = Kind::error("a date that is not YYYY-MM-DD");

/// Checks review.yaml and builds the protocol; problems go to `problems`.
pub(crate) fn check(
    raw: raw::Protocol,
    file: &SourceFile,
    read_data: &super::validate::DataReader,
    problems: &mut Problems,
) -> Protocol {
    let outcomes: Vec<ProtocolOutcome> = raw
        .outcomes
        .into_iter()
        .map(|o| ProtocolOutcome {
            id: o.id,
            name: o.name,
            detail: o.detail,
            priority: o.priority,
            group: o.group,
        })
        .collect();
    let comparisons: Vec<PlannedComparison> = raw
        .comparisons
        .into_iter()
        .map(|c| PlannedComparison {
            id: c.id,
            name: c.name,
            experimental: c.experimental,
            control: c.control,
        })
        .collect();
    fn id(l: &Located<String>) -> (&str, Location) {
        (l.value.as_str(), l.referenced)
    }
    check_unique(
        file,
        "outcome",
        outcomes.iter().map(|o| id(&o.id)),
        problems,
    );
    check_unique(
        file,
        "comparison",
        comparisons.iter().map(|c| id(&c.id)),
        problems,
    );
    for id in outcomes
        .iter()
        .map(|o| &o.id)
        .chain(comparisons.iter().map(|c| &c.id))
    {
        check_slug(file, id, problems);
    }
    let date = raw.date;
    let search = raw.search.map(|s| Search {
        date: s.date,
        sources: s.sources,
        other: s.other,
        flow: s.flow,
    });
    for date in date
        .iter()
        .chain(search.as_ref().and_then(|s| s.date.as_ref()))
    {
        if !is_iso_date(&date.value) {
            problems.add(&file.path, NOT_A_DATE, |_| {
                file.error_at(
                    date.referenced,
                    format!("`{}` is not a date: write it as YYYY-MM-DD", date.value),
                )
            });
        }
    }
    let prose = |s: Option<Located<String>>| s;
    let protocol = Protocol {
        title: raw.title,
        authors: raw.authors,
        date,
        participants_noun: raw.participants_noun,
        population: raw.population,
        plain_language_summary: raw.plain_language_summary,
        background: prose(raw.background),
        objectives: prose(raw.objectives),
        search,
        selection_criteria: prose(raw.selection_criteria),
        data_collection: prose(raw.data_collection),
        outcome_index: IdIndex::new(outcomes.iter().map(|o| o.id.value.as_str())),
        comparison_index: IdIndex::new(comparisons.iter().map(|c| c.id.value.as_str())),
        outcomes,
        comparisons,
        discussion: prose(raw.discussion),
        conclusions: raw.conclusions.map(|c| Conclusions {
            practice: prose(c.practice),
            research: prose(c.research),
        }),
        raw_html: raw.raw_html,
        text: super::text::check(raw.text, raw.tables, file, read_data, problems),
        grade: super::grade::settings(raw.grade, file, problems),
    };
    super::text::note_warnings(&protocol, file, problems);
    protocol
}

/// Reports ids that occur twice in one list of `file`, given with where each is written.
pub(crate) fn check_unique<'v>(
    file: &SourceFile,
    what: &str,
    ids: impl IntoIterator<Item = (&'v str, Location)>,
    problems: &mut Problems,
) {
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (id, at) in ids {
        if let Some(first) = seen.get(id) {
            problems.add(&file.path, DUPLICATE_ID, |_| {
                file.error_at(
                    at,
                    format!("duplicate {what} id `{id}` (first defined on line {first})"),
                )
            });
        } else {
            seen.insert(id, at.line());
        }
    }
}

/// Reports an id that is not a slug.
pub(crate) fn check_slug(file: &SourceFile, id: &Located<String>, problems: &mut Problems) {
    if !is_slug(&id.value) {
        problems.add(&file.path, NOT_A_SLUG, |_| {
            file.error_at(
                id.referenced,
                format!(
                    "`{}` is not a valid id: use lower-case letters, digits and `-`",
                    id.value
                ),
            )
        });
    }
}

/// Whether `s` is a date written YYYY-MM-DD.
pub(crate) fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    s.len() == 10 && (1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1]
}

#[cfg(test)]
mod tests {
    use super::is_iso_date;

    #[test]
    fn dates_are_checked_to_the_day() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert!(!is_iso_date("2023-2-01"));
        assert!(!is_iso_date("01/02/2023"));
    }
}
