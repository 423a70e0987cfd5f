//! Citations in the authors' Markdown: `[@key]` and `[@key1; @key2]` (in brackets, rendered
//! "(Smith 2004; Jones 2010)"), `@{key}` and `@key` (in the running text, rendered "Smith
//! 2004"), found where Markdown shows text: not in code, links, raw HTML or escaped with `\`.
//! A key is a reference's citation key or a study's id, which may hold spaces in the bracket
//! and brace forms (`[@Smith 2004]`, `@{Smith 2004}`). One scanner for `load`, which checks
//! the keys at their place in the file, and `report`, which links them.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// One citation as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The bytes it covers in the text, brackets included.
    pub range: Range<usize>,
    /// In the running text (`@key`, `@{key}`): the label alone, without parentheses.
    pub narrative: bool,
    /// The keys, in order.
    pub keys: Vec<CitedKey>,
}

/// A key of a citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedKey {
    /// The key as written, without `@` and braces.
    pub key: String,
    /// Where the key starts in the text (after `@` and any brace).
    pub at: usize,
    /// Written `@key` in the running text: a citation only when the key exists, since an
    /// `@name` may as well be a handle in ordinary text.
    pub bare: bool,
}

impl Citation {
    /// Whether every key must exist (brackets and braces mark a citation beyond doubt).
    pub fn explicit(&self) -> bool {
        self.keys.iter().all(|k| !k.bare)
    }
}

/// The Markdown extensions of revmark's output (as `report::markdown` renders them), so that
/// citations are found where the page shows text.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Every citation of a Markdown text, in order.
pub fn scan(markdown: &str) -> Vec<Citation> {
    if !markdown.contains('@') {
        return Vec::new();
    }
    let mut found = Vec::new();
    for segment in text_ranges(markdown) {
        scan_segment(markdown, segment, &mut found);
    }
    found
}

/// The stretches of the text that Markdown shows as text, outside code and links (adjacent
/// text events joined, so that `[@a; @b]`, which the parser splits at its brackets, is one
/// stretch).
pub fn text_ranges(markdown: &str) -> Vec<Range<usize>> {
    let mut segments: Vec<Range<usize>> = Vec::new();
    // Inside a link, an image or a code block, text is not cited: a citation is a link of
    // its own, and code is shown as written.
    let mut inside = 0usize;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => inside += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                inside = inside.saturating_sub(1);
            }
            // Inline HTML joins the text around it: `[@Smith & <Jones> 2004]` cites a study
            // whose id holds what reads as a tag.
            Event::Text(_) | Event::SoftBreak | Event::InlineHtml(_) if inside == 0 => {
                match segments.last_mut() {
                    Some(last) if last.end == range.start => last.end = range.end,
                    _ => segments.push(range),
                }
            }
            _ => {}
        }
    }
    segments
}

/// Characters a bare `@key` may hold inside (Pandoc's, without `<` and `>`); it ends with a
/// letter, digit or `_`, so "@smith2004." leaves the full stop to the sentence.
fn bare_key_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            '_' | ':' | '.' | '#' | '$' | '%' | '&' | '+' | '?' | '~' | '/' | '-'
        )
}

fn scan_segment(text: &str, segment: Range<usize>, found: &mut Vec<Citation>) {
    let bytes = text.as_bytes();
    let mut i = segment.start;
    while i < segment.end {
        match bytes[i] {
            // An escaped character is text: `\[@x]` and `\@x` are not citations. (The parser's
            // text of an escape starts after the backslash, so it is looked for before it.)
            b'\\' => i += 2,
            b'[' | b'@' if escaped(text, i) => i += 1,
            b'[' => match bracketed(text, i, segment.end) {
                Some(citation) => {
                    i = citation.range.end;
                    found.push(citation);
                }
                None => i += 1,
            },
            b'@' if !after_word(text, i) => match narrative(text, i, segment.end) {
                Some(citation) => {
                    i = citation.range.end;
                    found.push(citation);
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
}

/// Whether the character at `i` follows an odd number of backslashes.
fn escaped(text: &str, i: usize) -> bool {
    text.as_bytes()[..i]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// Whether the `@` at `i` follows a letter or digit (an e-mail address, not a citation).
fn after_word(text: &str, i: usize) -> bool {
    text[..i]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// `[@a; @b]` starting at `open`: a bracket whose text starts with `@`. Every item is
/// `@key` or `@{key}`; an item that is not (`[@a, p. 3]`, `[@a; b]`) is kept whole as its key,
/// so that checking it names what was written.
fn bracketed(text: &str, open: usize, end: usize) -> Option<Citation> {
    let rest = &text[open + 1..end];
    if !rest.trim_start().starts_with('@') {
        return None;
    }
    let close = open + 1 + rest.find(']')?;
    let inner = &text[open + 1..close];
    if inner.contains('[') {
        return None;
    }
    let mut keys = Vec::new();
    let mut offset = open + 1;
    for item in inner.split(';') {
        let item_start = offset;
        offset += item.len() + 1;
        let written = item.trim();
        let key = match written.strip_prefix('@') {
            Some(body) => match body.trim_start().strip_prefix('{') {
                Some(braced) => braced.strip_suffix('}').unwrap_or(braced),
                None => body,
            },
            None => written,
        }
        .trim();
        if key.is_empty() {
            return None;
        }
        let at = item_start + item.find(key).unwrap_or(0);
        keys.push(CitedKey {
            key: key.to_string(),
            at,
            bare: false,
        });
    }
    Some(Citation {
        range: open..close + 1,
        narrative: false,
        keys,
    })
}

/// `@{key}` or `@key` starting at the `@` at `at`.
fn narrative(text: &str, at: usize, end: usize) -> Option<Citation> {
    let rest = &text[at + 1..end];
    if let Some(braced) = rest.strip_prefix('{') {
        let close = braced.find('}')?;
        let key = braced[..close].trim();
        if key.is_empty() || key.contains(['@', '{', '[', ']']) {
            return None;
        }
        return Some(Citation {
            range: at..at + 2 + close + 1,
            narrative: true,
            keys: vec![CitedKey {
                key: key.to_string(),
                at: at + 2,
                bare: false,
            }],
        });
    }
    let length = rest
        .char_indices()
        .take_while(|(_, c)| bare_key_char(*c))
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    // The key ends with a letter, digit or `_`: trailing punctuation belongs to the sentence.
    let key = rest[..length].trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
    if key.is_empty() || !key.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        return None;
    }
    Some(Citation {
        range: at..at + 1 + key.len(),
        narrative: true,
        keys: vec![CitedKey {
            key: key.to_string(),
            at: at + 1,
            bare: true,
        }],
    })
}

/// The text with every template tag (`{{ }}`, `{% %}`, `{# #}`) blanked, byte for byte, so
/// that citations are found only in what the authors wrote as text and offsets stay those of
/// the text as written.
pub fn without_template_tags(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let close: &[u8] = match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => b"}}",
            (b'{', b'%') => b"%}",
            (b'{', b'#') => b"#}",
            _ => {
                i += 1;
                continue;
            }
        };
        let end = bytes[i + 2..]
            .windows(2)
            .position(|w| w == close)
            .map_or(bytes.len(), |p| i + 2 + p + 2);
        for b in &mut out[i..end] {
            // Line breaks stay, so that lines are counted as written.
            if *b != b'\n' {
                *b = b' ';
            }
        }
        i = end;
    }
    // Only ASCII bytes were replaced, and whole characters at that (a tag's bytes from its
    // opening to its closing braces), so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(Vec<String>, bool)> {
        scan(text)
            .into_iter()
            .map(|c| (c.keys.into_iter().map(|k| k.key).collect(), c.narrative))
            .collect()
    }

    fn k(list: &[&str], narrative: bool) -> (Vec<String>, bool) {
        (
            list.iter().map(std::string::ToString::to_string).collect(),
            narrative,
        )
    }

    #[test]
    fn finds_the_three_forms() {
        assert_eq!(
            keys("A [@smith2004], B [@Smith 2004; @{Jones 2010}] and @{Abe 2016} and @tyrer2006."),
            vec![
                k(&["smith2004"], false),
                k(&["Smith 2004", "Jones 2010"], false),
                k(&["Abe 2016"], true),
                k(&["tyrer2006"], true),
            ]
        );
    }

    #[test]
    fn ranges_and_key_offsets_point_into_the_text() {
        let text = "See [@a;  @{B c}] and @d.";
        let found = scan(text);
        assert_eq!(&text[found[0].range.clone()], "[@a;  @{B c}]");
        let at: Vec<&str> = found[0]
            .keys
            .iter()
            .map(|k| &text[k.at..k.at + k.key.len()])
            .collect();
        assert_eq!(at, ["a", "B c"]);
        assert_eq!(&text[found[1].range.clone()], "@d");
        assert!(found[1].keys[0].bare && !found[1].explicit() && found[0].explicit());
    }

    #[test]
    fn code_links_escapes_and_addresses_are_not_citations() {
        for text in [
            "`[@a]` and\n\n    [@b]\n",
            "[see @a](https://example.org) ![@b](x.png)",
            "\\[\\@a] and \\@b",
            "mail me at me@example.org",
            "<div>\n[@a]\n</div>\n",
        ] {
            assert_eq!(scan(text), Vec::new(), "{text}");
        }
        // Inline tags leave the text between them text.
        assert_eq!(keys("<span>[@a]</span>"), vec![k(&["a"], false)]);
    }

    #[test]
    fn an_item_without_at_is_kept_for_checking() {
        assert_eq!(
            keys("[@a, p. 3] [@b; c]"),
            vec![k(&["a, p. 3"], false), k(&["b", "c"], false)]
        );
        assert_eq!(keys("[@] [see @a]"), vec![k(&["a"], true)]);
    }

    #[test]
    fn a_citation_may_break_across_lines() {
        assert_eq!(keys("[@a;\n@b]"), vec![k(&["a", "b"], false)]);
    }

    #[test]
    fn template_tags_are_blanked_in_place() {
        let text = "ü {{ x(\"[@a]\") }} [@b] {# [@c] #}\n{% if y %}ü";
        let blank = without_template_tags(text);
        assert_eq!(blank.len(), text.len());
        assert_eq!(keys(&blank), vec![k(&["b"], false)]);
        assert!(blank.ends_with('ü') && blank.contains('\n'));
    }
}
