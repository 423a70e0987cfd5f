//! Review Manager 5's study flow diagram (the FLOWCHART extension) read as PRISMA counts.
//!
//! Review Manager's template nests the boxes from the last to the first: the studies included
//! hold the reports assessed, which hold the records screened, which hold the records left
//! after duplicates were removed, which hold the sources; a box's `OUT` is what it lost. The
//! authors write their numbers into the template's sentences ("# of records screened" becomes
//! "210 records screened"), so each box is known by its sentence and its count is the number it
//! begins with; a sentence still reading "#" gives no count.

use std::collections::BTreeMap;

use super::xml::Node;
use crate::model::Flow;

/// The PRISMA counts the diagram under `chart` states; `None` when it states none.
pub fn flow(chart: Node) -> Option<Flow> {
    let mut flow = Flow::default();
    for node in chart
        .descendants()
        .filter(|n| n.has_tag_name("FLOWCHARTBOX"))
    {
        let lines = paragraphs(node.attribute("TEXT").unwrap_or(""));
        let Some(first) = lines.first() else {
            continue;
        };
        let sentence = first.to_lowercase();
        let count = leading_count(first).map(|(n, _)| n);
        let lost = node
            .children()
            .find(|c| c.has_tag_name("OUT"))
            .map(|out| paragraphs(out.attribute("TEXT").unwrap_or("")));
        if sentence.contains("after duplicates") {
            flow.screened = flow.screened.or(count);
            let sources: Vec<u64> = node
                .children()
                .filter(|c| c.has_tag_name("FLOWCHARTBOX"))
                .map(|c| paragraphs(c.attribute("TEXT").unwrap_or("")))
                .filter_map(|lines| leading_count(lines.first()?).map(|(n, _)| n))
                .collect();
            if let (false, Some(left)) = (sources.is_empty(), count) {
                let identified: u64 = sources.iter().sum();
                flow.identified = Some(identified);
                flow.duplicates_removed = identified.checked_sub(left);
            }
        } else if sentence.contains("full-text") || sentence.contains("full text") {
            flow.full_text = count;
            flow.excluded_full_text = lost.as_deref().map(reasons).unwrap_or_default();
        } else if sentence.contains("screened") {
            flow.screened = count.or(flow.screened);
            flow.excluded_screening = lost.as_deref().and_then(total);
        } else if sentence.contains("included") && !sentence.contains("quantitative") {
            // The studies of the qualitative synthesis are the review's; those of the
            // quantitative one (its meta-analyses) are some of them.
            flow.included = count;
        }
    }
    (flow != Flow::default()).then_some(flow)
}

/// What an `OUT` box lost in all: the number its first sentence begins with, else the sum of
/// its reasons.
fn total(lines: &[String]) -> Option<u64> {
    if let Some((n, _)) = lines.first().and_then(|l| leading_count(l)) {
        return Some(n);
    }
    let reasons = reasons(lines);
    (!reasons.is_empty()).then(|| reasons.values().sum())
}

/// The reasons an `OUT` box lists under its first sentence ("123 papers did not include
/// pregabalin"), by their words; a total without reasons is one reason, "reason not given".
fn reasons(lines: &[String]) -> BTreeMap<String, u64> {
    let mut reasons = BTreeMap::new();
    for line in lines.iter().skip(1) {
        if let Some((n, words)) = leading_count(line) {
            let words = words.trim().trim_end_matches('.').trim();
            *reasons.entry(words.to_string()).or_default() += n;
        }
    }
    if reasons.is_empty()
        && let Some((n, _)) = lines.first().and_then(|l| leading_count(l))
    {
        reasons.insert("reason not given".to_string(), n);
    }
    reasons
}

/// The number a sentence begins with ("1,204 records" is 1204) and the words after it.
fn leading_count(line: &str) -> Option<(u64, &str)> {
    let end = line
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(line.len());
    let digits: String = line[..end].chars().filter(char::is_ascii_digit).collect();
    let n = digits.parse().ok()?;
    let words = &line[end..];
    // "2013 searches" is a count; "3-arm trials" and "12.5%" are not.
    (words.is_empty() || words.starts_with(char::is_whitespace)).then_some((n, words))
}

/// A box's text (HTML paragraphs, as Review Manager stores it) as its paragraphs' plain text,
/// trimmed, empty ones left out.
fn paragraphs(html: &str) -> Vec<String> {
    html.split("</p>")
        .map(|p| {
            let mut text = String::new();
            let mut in_tag = false;
            for c in p.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => text.push(c),
                    _ => {}
                }
            }
            let text = text
                .replace("&nbsp;", " ")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow_of(xml: &str) -> Option<Flow> {
        let doc = roxmltree::Document::parse(xml).unwrap();
        flow(doc.root_element())
    }

    /// The flow diagram of the benzodiazepines versus pregabalin review (its EXTENSION, as
    /// Review Manager stored it): custom sources, an `OUT` box with a total and reasons, and
    /// one whose total still reads "#".
    const GAD: &str = r#"<ALIAS>
<FLOWCHARTBOX TEXT="&lt;p&gt;3 studies included in quantitative synthesis (meta-analysis)&lt;/p&gt;" WIDTH="120">
<FLOWCHARTBOX TEXT="&lt;p&gt;3 studies included in qualitative synthesis&lt;/p&gt;" WIDTH="120">
<FLOWCHARTBOX TEXT="&lt;p&gt;140 full-text articles assessed for eligibility&lt;/p&gt;" WIDTH="120">
<FLOWCHARTBOX TEXT="&lt;p&gt;210 records screened&lt;/p&gt;" WIDTH="120">
<FLOWCHARTBOX TEXT="&lt;p&gt;210 records after duplicates removed&lt;/p&gt;&lt;p&gt;165 from CCDANCTR&lt;/p&gt;&lt;p&gt;45 from handsearch&lt;/p&gt;">
<FLOWCHARTBOX TEXT="&lt;p&gt;176 CCDANCTR unique records.&lt;/p&gt;&lt;p&gt;11 duplicates&lt;/p&gt;" WIDTH="120"/>
<FLOWCHARTBOX TEXT="&lt;p&gt;47 references from handsearch references papers in CCDANCTR&lt;/p&gt;&lt;p&gt;2 duplicates&lt;/p&gt;" WIDTH="120"/>
</FLOWCHARTBOX>
<OUT TEXT="&lt;p&gt;70  records excluded&lt;/p&gt;&lt;p&gt;58 off topic&lt;/p&gt;&lt;p&gt;12 full text not available&lt;/p&gt;" WIDTH="120"/>
</FLOWCHARTBOX>
<OUT TEXT="&lt;p&gt;# of full-text articles excluded, with reasons&lt;/p&gt;&lt;p&gt;&lt;/p&gt;&lt;p&gt;123 papers did not include pregabalin&lt;/p&gt;&lt;p&gt;12 not appropriate population.&lt;/p&gt;&lt;p&gt;9 no benzodiazepine arm&lt;/p&gt;" WIDTH="120"/>
</FLOWCHARTBOX>
</FLOWCHARTBOX>
</FLOWCHARTBOX>
</ALIAS>"#;

    #[test]
    fn counts_are_read_from_the_boxes_sentences() {
        let flow = flow_of(GAD).unwrap();
        assert_eq!(flow.identified, Some(223));
        assert_eq!(flow.duplicates_removed, Some(13));
        assert_eq!(flow.screened, Some(210));
        assert_eq!(flow.excluded_screening, Some(70));
        assert_eq!(flow.full_text, Some(140));
        assert_eq!(
            flow.excluded_full_text,
            BTreeMap::from([
                ("papers did not include pregabalin".to_string(), 123),
                ("not appropriate population".to_string(), 12),
                ("no benzodiazepine arm".to_string(), 9),
            ])
        );
        assert_eq!(flow.included, Some(3));
    }

    // Review Manager's template as it comes, every count still "#", states nothing; a total
    // without reasons is kept as one; thousands are read with their commas.
    #[test]
    fn the_template_states_nothing_and_totals_stand_alone() {
        let template = r#"<ALIAS><FLOWCHARTBOX TEXT="&lt;p&gt;# of studies included in qualitative synthesis&lt;/p&gt;"><FLOWCHARTBOX TEXT="&lt;p&gt;# of records screened&lt;/p&gt;"><OUT TEXT="&lt;p&gt;# of records excluded&lt;/p&gt;"/></FLOWCHARTBOX></FLOWCHARTBOX></ALIAS>"#;
        assert_eq!(flow_of(template), None);
        let totals = r#"<ALIAS><FLOWCHARTBOX TEXT="&lt;p&gt;2 studies included&lt;/p&gt;"><FLOWCHARTBOX TEXT="&lt;p&gt;12 full-text articles assessed&lt;/p&gt;"><OUT TEXT="&lt;p&gt;10 full-text articles excluded&lt;/p&gt;"/><FLOWCHARTBOX TEXT="&lt;p&gt;1,204 records screened&lt;/p&gt;"/></FLOWCHARTBOX></FLOWCHARTBOX></ALIAS>"#;
        let flow = flow_of(totals).unwrap();
        assert_eq!(flow.screened, Some(1204));
        assert_eq!(
            flow.excluded_full_text,
            BTreeMap::from([("reason not given".to_string(), 10)])
        );
        assert_eq!((flow.full_text, flow.included), (Some(12), Some(2)));
        assert_eq!(flow.identified, None);
    }
}
