//! English for generated text, as Cochrane writes it: numbers in words, lists, plurals and
//! dates. Shared by the loader (default titles) and the report.

/// A whole number in words ("two", "twenty-one"); numbers from 100 on stay in digits, written
/// as [`crate::format::count`] writes counts ("357,347").
pub fn words(n: u64) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..=99 => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        _ => crate::format::count(n),
    }
}

/// Counts said together in one list, all in words or all in digits ("106 ..., 73 ... and 21"
/// rather than "106 ..., seventy-three ... and twenty-one"): words when [`words`] would write
/// every one of them in words.
pub fn numbers_alike(counts: &[u64]) -> Vec<String> {
    if counts.iter().all(|&n| n < 100) {
        counts.iter().map(|&n| words(n)).collect()
    } else {
        counts.iter().map(|&n| crate::format::count(n)).collect()
    }
}

/// Upper-cases the first letter.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A name as it reads in mid-sentence. Lower-cases the first letter unless the word looks like
/// an acronym or is an [`EPONYMS`] name ("Placebo" -> "placebo", "BCG vaccine" and "Apgar
/// score" stay); a name in Title Case, as Review Manager's labels often are, has every
/// capitalised word lower-cased and its acronyms and eponyms kept ("Short Duration" -> "short
/// duration", "Vitamin A Plus TMP-SMX" -> "vitamin A plus TMP-SMX", "Mean Difference Hamilton
/// Anxiety Scale (HAM-A)" -> "mean difference Hamilton anxiety scale (HAM-A)"). Each part of a
/// name is read so after a colon too ("Side effects: Headache" -> "side effects: headache").
pub fn decapitalise(s: &str) -> String {
    // A name written "Category: Detail", as Review Manager's outcomes often are ("Side
    // effects: Headache"), reads on after its colon as after its start.
    s.split(": ")
        .map(|part| title_case_lowered(part).unwrap_or_else(|| lower_first(part)))
        .collect::<Vec<_>>()
        .join(": ")
}

/// The text with its first letter in lower case, unless its first two letters are capitals, as
/// an acronym's are, or its first word is one of [`EPONYMS`] ("Placebo" -> "placebo", "BCG
/// vaccine" and "Apgar score" stay): a sentence or a name going on in mid-sentence.
pub fn lower_first(s: &str) -> String {
    if s.split_whitespace().next().is_some_and(is_eponym) {
        return s.to_string();
    }
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(std::iter::once(second))
            .chain(chars)
            .collect(),
        _ => s.to_string(),
    }
}

/// How a word of a name is written, for [`decapitalise`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordCase {
    /// "Volume", "Short-Term": capitals only at the start of each part.
    Capitalised,
    /// "volume", "g/d".
    Lower,
    /// "HIV", "TMP-SMX", "mRNA", "A": kept as written.
    Acronym,
    /// "Hamilton", "Child-Pugh" ([`EPONYMS`]): kept as written, and capitalised as Title Case
    /// has it ("Apgar Score" is in Title Case).
    Eponym,
    /// "4.0", "+": no letters.
    Neutral,
}

/// The case of one word, its parts (split at "-" and "/") taken together.
fn word_case(word: &str) -> WordCase {
    if is_eponym(word) {
        return WordCase::Eponym;
    }
    let mut case = WordCase::Neutral;
    for part in word.split(['-', '/']) {
        let letters: Vec<char> = part.chars().filter(|c| c.is_alphabetic()).collect();
        let part_case = match letters.as_slice() {
            [] => continue,
            [only] if only.is_uppercase() => WordCase::Acronym,
            [first, rest @ ..] if first.is_uppercase() && rest.iter().all(|c| c.is_lowercase()) => {
                WordCase::Capitalised
            }
            all if all.iter().all(|c| c.is_lowercase()) => WordCase::Lower,
            _ => WordCase::Acronym,
        };
        case = match (case, part_case) {
            (WordCase::Acronym, _) | (_, WordCase::Acronym) => WordCase::Acronym,
            (WordCase::Capitalised, _) | (_, WordCase::Capitalised) => WordCase::Capitalised,
            _ => part_case,
        };
    }
    case
}

/// Names of people and places that measures, scores and conditions in reviews are named after
/// ("Hamilton Anxiety Scale", "Apgar score", "Crohn's disease"), and of peoples that subgroups
/// are ("Asian", "Maori"), which keep their capital in mid-sentence. Only names that are not
/// also common English words: "Young" (Young Mania Rating Scale), "Child" (Child-Pugh, which
/// "Pugh" keeps) or "Constant" (Constant score) would keep the capital of "Young Adults" or
/// "Constant Infusion". Sorted, for the binary search.
const EPONYMS: [&str; 115] = [
    "Aboriginal",
    "Achenbach",
    "Addison",
    "African",
    "Alzheimer",
    "American",
    "Apgar",
    "Arab",
    "Asberg",
    "Ashworth",
    "Asian",
    "Asperger",
    "Australian",
    "Barre",
    "Barré",
    "Barthel",
    "Bayley",
    "Beck",
    "Behcet",
    "Behçet",
    "Berg",
    "Bishop",
    "Borg",
    "Braden",
    "Brazilian",
    "Bristol",
    "British",
    "Canadian",
    "Caucasian",
    "Charlson",
    "Chinese",
    "Conners",
    "Cox",
    "Crohn",
    "Cushing",
    "Denver",
    "Doppler",
    "Dukes",
    "Edinburgh",
    "Epworth",
    "European",
    "Fugl",
    "Glasgow",
    "Gleason",
    "Graves",
    "Griffiths",
    "Guillain",
    "Hamilton",
    "Harris",
    "Hashimoto",
    "Hispanic",
    "Hodgkin",
    "Hoehn",
    "Huntington",
    "Indian",
    "Japanese",
    "Kaplan",
    "Karnofsky",
    "Katz",
    "Kawasaki",
    "Kessler",
    "Korean",
    "Latina",
    "Latino",
    "Lawton",
    "Likert",
    "Lysholm",
    "Mallampati",
    "Maori",
    "Marfan",
    "Mayo",
    "Meier",
    "Mexican",
    "Meyer",
    "Montgomery",
    "Morse",
    "Mullen",
    "Nigerian",
    "Norton",
    "Oswestry",
    "Oxford",
    "Pacific",
    "Paget",
    "Parkinson",
    "Perthes",
    "Pittsburgh",
    "Pugh",
    "Ramsay",
    "Rankin",
    "Ranson",
    "Raynaud",
    "Richmond",
    "Rockall",
    "Rosenberg",
    "Rutherford",
    "Sjogren",
    "Sjögren",
    "Snellen",
    "Spielberger",
    "Stanford",
    "Tanner",
    "Tegner",
    "Thai",
    "Tinetti",
    "Tourette",
    "Turner",
    "Vineland",
    "Waterlow",
    "Wechsler",
    "Wilms",
    "Wilson",
    "Yahr",
    "Yale",
    "Zung",
    "Åsberg",
];

/// Whether a word is, or has a part that is, one of [`EPONYMS`] as written (capital first):
/// "Hamilton", "Crohn's", "Yale-Brown", "(Hamilton".
fn is_eponym(word: &str) -> bool {
    word.split(['-', '/']).any(|part| {
        let part = part.trim_matches(|c: char| !c.is_alphabetic());
        let part = part
            .strip_suffix("'s")
            .or_else(|| part.strip_suffix("\u{2019}s"))
            .unwrap_or(part);
        EPONYMS.binary_search(&part).is_ok()
    })
}

/// A name in Title Case, lowered for mid-sentence: None unless at least two of its words are
/// capitalised and every other word is an acronym, a number or a short word that Title Case
/// leaves in lower case ("of", "versus").
fn title_case_lowered(name: &str) -> Option<String> {
    // Articles, conjunctions and the prepositions that Title Case leaves in lower case.
    const MINOR: [&str; 29] = [
        "a", "after", "an", "and", "as", "at", "before", "between", "by", "during", "for", "from",
        "in", "into", "of", "on", "or", "over", "per", "plus", "than", "the", "to", "under",
        "versus", "via", "vs", "with", "without",
    ];
    let words: Vec<&str> = name.split_whitespace().collect();
    let cases: Vec<WordCase> = words.iter().map(|w| word_case(w)).collect();
    let capitalised = cases
        .iter()
        .filter(|c| matches!(c, WordCase::Capitalised | WordCase::Eponym))
        .count();
    let minor = |w: &str| MINOR.contains(&w.trim_matches(|c: char| !c.is_alphabetic()));
    let title_case = capitalised >= 2
        && words
            .iter()
            .zip(&cases)
            .all(|(w, c)| *c != WordCase::Lower || minor(w));
    if !title_case {
        return None;
    }
    // Rebuilt word by word so that the spaces between words stay as written.
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    for (word, case) in words.iter().zip(&cases) {
        let at = rest.find(word).unwrap_or(0);
        out.push_str(&rest[..at]);
        if *case == WordCase::Capitalised {
            out.push_str(&word.to_lowercase());
        } else {
            out.push_str(word);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    Some(out)
}

/// "a", "a and b", "a, b and c".
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    join_with(items, "and")
}

/// "a", "a or b", "a, b or c".
pub fn join_or<S: AsRef<str>>(items: &[S]) -> String {
    join_with(items, "or")
}

fn join_with<S: AsRef<str>>(items: &[S], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        // A list that ends in "et al." is open: "A, B, C, et al.", never "A, B and et al.".
        [init @ .., last] if is_et_al(last.as_ref()) => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{}, {}", init.join(", "), last.as_ref().trim())
        }
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} {conjunction} {}", init.join(", "), last.as_ref())
        }
    }
}

/// Whether `next`, listed right after `item`, begins with the words `item` ends with
/// ("perinatal death" then "death"; "tuberculosis" then "tuberculosis, by method of
/// allocation"): joined by "and", the two read as one phrase said twice, or as one outcome
/// ("perinatal death and death"). Up to four words, in any capitals, as `report::proofread`
/// reads a list.
pub fn runs_into(item: &str, next: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (item, next) = (words(item), words(next));
    (1..=4.min(item.len()).min(next.len())).any(|k| item[item.len() - k..] == next[..k])
}

/// Whether some item of a list [`runs_into`] the next one.
pub fn runs_together<S: AsRef<str>>(items: &[S]) -> bool {
    items
        .windows(2)
        .any(|pair| runs_into(pair[0].as_ref(), pair[1].as_ref()))
}

/// [`join_and`] of items that follow `preposition` ("for", "on"); where an item
/// [`runs_into`] the next, every item after the first repeats it, so that each reads as one of
/// its own: "perinatal death and on death" after "on".
pub fn join_and_after<S: AsRef<str>>(preposition: &str, items: &[S]) -> String {
    if !runs_together(items) {
        return join_and(items);
    }
    let apart: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, item)| match i {
            0 => item.as_ref().to_string(),
            _ => format!("{preposition} {}", item.as_ref()),
        })
        .collect();
    join_and(&apart)
}

/// Whether a list item is "et al." (or "et al", any capitals), the mark of a list cut short.
fn is_et_al(item: &str) -> bool {
    item.trim()
        .trim_end_matches('.')
        .eq_ignore_ascii_case("et al")
}

/// "1 study", "3 studies", "12,500 participants": the count as [`crate::format::count`] writes
/// it and the noun in the number's form (regular plurals and "study").
pub fn count_noun(n: u64, singular: &str) -> String {
    format!("{} {}", crate::format::count(n), plural(n, singular))
}

/// The noun's plural when `n` is not 1.
pub fn plural(n: u64, singular: &str) -> String {
    if n == 1 {
        singular.to_string()
    } else if let Some(stem) = singular.strip_suffix("is") {
        // "analysis" -> "analyses".
        format!("{stem}es")
    } else if let Some(stem) = singular.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{singular}s")
    }
}

/// Whether a noun phrase is plural, as the verb after it must agree: "diuretics",
/// "multiple micronutrients", "SSRIs", "aspirin and heparin" are; "diuretic treatment",
/// "pregabalin", "multiple-micronutrient supplementation" are not. The head noun is the last
/// word before a qualifier ("antibiotics for seven days", "vitamin D with calcium"); a
/// heuristic, since only a dictionary knows every noun, but one that errs towards the
/// singular only for unusual words ("physics").
pub fn is_plural(phrase: &str) -> bool {
    const QUALIFIERS: [&str; 9] = [
        " with ", " plus ", " for ", " in ", " at ", " given ", " versus ", " of ", " (",
    ];
    let head = QUALIFIERS
        .iter()
        .filter_map(|q| phrase.find(q))
        .min()
        .map_or(phrase, |at| &phrase[..at]);
    if head.contains(" and ") {
        return true;
    }
    let Some(word) = head.split_whitespace().last() else {
        return false;
    };
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    // An acronym's plural: "SSRIs", "NSAIDs".
    if let Some(stem) = word.strip_suffix('s')
        && stem.len() >= 2
        && stem
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return true;
    }
    let lower = word.to_lowercase();
    lower.ends_with('s')
        && !["ss", "us", "is", "'s"].iter().any(|e| lower.ends_with(e))
        && lower.len() > 2
}

/// "September 2015" from "2015-09-30"; other text is returned unchanged.
pub fn month_year(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    if let [y, m, _] = parts.as_slice()
        && let Ok(m) = m.parse::<usize>()
        && (1..=12).contains(&m)
    {
        return format!("{} {y}", MONTHS[m - 1]);
    }
    iso.to_string()
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "30 September 2015" from "2015-09-30"; other text is returned unchanged.
pub fn long_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    if let [y, m, d] = parts.as_slice()
        && let (Ok(m), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>())
        && (1..=12).contains(&m)
    {
        return format!("{d} {} {y}", MONTHS[m - 1]);
    }
    iso.to_string()
}

/// Countries that take "the" in running text ("the USA", "the Netherlands").
pub fn country_in_text(country: &str) -> String {
    const WITH_THE: [&str; 12] = [
        "USA",
        "UK",
        "Netherlands",
        "Philippines",
        "Gambia",
        "Czech Republic",
        "Dominican Republic",
        "Central African Republic",
        "Democratic Republic of the Congo",
        "Solomon Islands",
        "Maldives",
        "Bahamas",
    ];
    if WITH_THE.contains(&country) || country.starts_with("United ") {
        format!("the {country}")
    } else {
        country.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lists_and_plurals() {
        assert_eq!(words(2), "two");
        assert_eq!(words(52), "fifty-two");
        assert_eq!(words(152), "152");
        assert_eq!(numbers_alike(&[3, 52]), ["three", "fifty-two"]);
        assert_eq!(numbers_alike(&[106, 73]), ["106", "73"]);
        // From five digits, as counts are written everywhere.
        assert_eq!(words(6942), "6942");
        assert_eq!(words(10_101), "10,101");
        assert_eq!(numbers_alike(&[10_101, 73]), ["10,101", "73"]);
        assert_eq!(count_noun(357_347, "participant"), "357,347 participants");
        assert_eq!(join_and(&["a", "b", "c"]), "a, b and c");
        assert_eq!(join_and(&["a"]), "a");
        assert_eq!(
            join_and(&["Sarah K Abe", "Erika Ota", "et al."]),
            "Sarah K Abe, Erika Ota, et al."
        );
        assert_eq!(join_or(&["Abe", "Et al"]), "Abe, Et al");
        assert_eq!(plural(2, "study"), "studies");
        assert_eq!(plural(1, "study"), "study");
        assert_eq!(plural(3, "day"), "days");
        assert_eq!(plural(2, "analysis"), "analyses");
        assert_eq!(long_date("2015-09-30"), "30 September 2015");
        assert_eq!(month_year("2015-09-30"), "September 2015");
        for plural in [
            "diuretics",
            "Benzodiazepines",
            "multiple micronutrients",
            "SSRIs",
            "aspirin and heparin",
            "antibiotics for seven days",
            "omega-3 fatty acids (fish oil)",
        ] {
            assert!(is_plural(plural), "{plural}");
        }
        for singular in [
            "diuretic treatment",
            "pregabalin",
            "multiple-micronutrient supplementation",
            "BCG vaccine",
            "aspirin with heparin",
            "physical exercise",
            "vitamin D plus calcium",
            "psychoanalysis",
            "a diuretic for women at risk of pre-eclampsia",
        ] {
            assert!(!is_plural(singular), "{singular}");
        }
        assert_eq!(country_in_text("USA"), "the USA");
        assert_eq!(decapitalise("Placebo"), "placebo");
        assert_eq!(decapitalise("BCG vaccine"), "BCG vaccine");
    }

    // Title Case leaves prepositions such as "after" in lower case: fleiss1993's outcome
    // "Aspirin for Preventing Death after Myocardial Infarction" is a Title Case name.
    #[test]
    fn title_case_names_may_have_prepositions() {
        assert_eq!(
            decapitalise("Aspirin for Preventing Death after Myocardial Infarction"),
            "aspirin for preventing death after myocardial infarction"
        );
        assert_eq!(
            decapitalise("Pain During Labour without Epidural"),
            "pain during labour without epidural"
        );
        // A word in lower case that Title Case would capitalise still means sentence case.
        assert_eq!(
            decapitalise("Death after myocardial Infarction"),
            "death after myocardial Infarction"
        );
    }

    // After a colon a name reads on as at its start: the GAD review's "Side effect: Sleepiness
    // or Drowsiness" is "side effect: sleepiness or drowsiness" in mid-sentence.
    #[test]
    fn each_part_of_a_name_reads_on_after_its_colon() {
        assert_eq!(
            decapitalise("Side effect: Sleepiness or Drowsiness"),
            "side effect: sleepiness or drowsiness"
        );
        assert_eq!(
            decapitalise("Side effects: Headache"),
            "side effects: headache"
        );
        assert_eq!(
            decapitalise("Direct evidence: 5-ASA versus placebo"),
            "direct evidence: 5-ASA versus placebo"
        );
        assert_eq!(
            decapitalise("Subgroup: Asian Women"),
            "subgroup: Asian women"
        );
        assert_eq!(decapitalise("Ratio 2:1 Dosing"), "ratio 2:1 dosing");
    }

    // The people and places that measures and conditions are named after keep their capital,
    // in Title Case names (the GAD review's "Mean Difference Hamilton Anxiety Scale (HAM-A)")
    // and in others; a common word that is also a name does not.
    #[test]
    fn eponyms_keep_their_capital() {
        assert_eq!(
            decapitalise("Mean Difference Hamilton Anxiety Scale (HAM-A)"),
            "mean difference Hamilton anxiety scale (HAM-A)"
        );
        assert_eq!(decapitalise("Glasgow Coma Scale"), "Glasgow coma scale");
        assert_eq!(decapitalise("Apgar score < 7"), "Apgar score < 7");
        assert_eq!(
            decapitalise("Crohn's Disease Relapse"),
            "Crohn's disease relapse"
        );
        assert_eq!(
            decapitalise("Yale-Brown Obsessive Compulsive Scale"),
            "Yale-Brown obsessive compulsive scale"
        );
        assert_eq!(decapitalise("Child-Pugh Score"), "Child-Pugh score");
        assert_eq!(decapitalise("Young Adults"), "young adults");
        assert_eq!(lower_first("Hamilton scale"), "Hamilton scale");
        assert!(EPONYMS.windows(2).all(|w| w[0] < w[1]), "EPONYMS is sorted");
    }

    // Title Case names read in lower case mid-sentence, their acronyms kept; a name with one
    // capitalised word, or with words in lower case that Title Case would capitalise, only
    // loses its first capital.
    #[test]
    fn title_case_names_are_lowered() {
        assert_eq!(decapitalise("Short Duration"), "short duration");
        assert_eq!(decapitalise("Stool Volume"), "stool volume");
        assert_eq!(
            decapitalise("Vitamin A Plus TMP-SMX"),
            "vitamin A plus TMP-SMX"
        );
        assert_eq!(
            decapitalise("Quality of Life Short Form (Q-LES-Q-SF)"),
            "quality of life short form (Q-LES-Q-SF)"
        );
        assert_eq!(decapitalise("Short-Term Outcome"), "short-term outcome");
        assert_eq!(
            decapitalise("Benzodiazepines vs Pregabalin"),
            "benzodiazepines vs pregabalin"
        );
        assert_eq!(decapitalise("4.0 g/d"), "4.0 g/d");
        assert_eq!(decapitalise("Vitamin D"), "vitamin D");
        assert_eq!(decapitalise("HIV Positive Adults"), "HIV positive adults");
        // Not Title Case: only the first capital goes.
        assert_eq!(decapitalise("Purine analogues"), "purine analogues");
        assert_eq!(
            decapitalise("Sulfasalazine+ c/steroids"),
            "sulfasalazine+ c/steroids"
        );
        assert_eq!(
            decapitalise("Tuberculosis in Brazil, by allocation"),
            "tuberculosis in Brazil, by allocation"
        );
    }

    // A name runs into the next when the next begins with the words it ends with, in any
    // capitals; names that only share a word elsewhere do not, and then the list is as ever.
    #[test]
    fn names_that_run_into_each_other() {
        assert!(runs_into("perinatal death", "Death"));
        assert!(runs_into(
            "tuberculosis",
            "tuberculosis, by method of allocation"
        ));
        assert!(!runs_into("perinatal death", "neonatal death"));
        assert!(!runs_into("death", "perinatal death"));
        let shared = ["pre-eclampsia", "perinatal death", "death"];
        assert!(runs_together(&shared));
        assert_eq!(
            join_and_after("on", &shared),
            "pre-eclampsia, on perinatal death and on death"
        );
        let apart = ["pre-eclampsia", "perinatal death", "neonatal death"];
        assert_eq!(join_and_after("on", &apart), join_and(&apart));
    }
}
