//! Markdown to HTML with pulldown-cmark, made safe: raw HTML in the source is shown as text and
//! links or images with scripting schemes are neutralised.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

/// The Markdown extensions revmark's output uses.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Whether a link target is safe to keep (no javascript:, vbscript: or data: URLs).
fn safe_url(url: &str) -> bool {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    !(lower.starts_with("javascript:")
        || lower.starts_with("vbscript:")
        || lower.starts_with("data:"))
}

/// Renders Markdown to an HTML fragment. Raw HTML becomes escaped text, so neither data nor
/// prose can inject markup into the page. Every heading gets an id made from its text, so
/// every section can be linked.
pub fn to_html(markdown: &str) -> String {
    to_html_with_contents(markdown).0
}

/// A heading of the rendered page, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Its id.
    pub id: String,
    /// Its text.
    pub text: String,
}

/// [`to_html`], with the page's headings in order.
pub fn to_html_with_contents(markdown: &str) -> (String, Vec<Heading>) {
    let events: Vec<Event> = Parser::new_ext(markdown, options())
        .map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from("#"),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::from("#"),
                title,
                id,
            }),
            other => other,
        })
        .collect();
    let (events, headings) = with_heading_ids(events);
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    (out, headings)
}

/// A nested list of links to the headings of levels 2 and 3, as HTML.
pub fn table_of_contents(headings: &[Heading]) -> String {
    let mut out = String::from("<ul>");
    let mut open_sub = false;
    for (i, h) in headings
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .enumerate()
    {
        let link = format!(
            "<a href=\"#{}\">{}</a>",
            super::escape::html(&h.id),
            super::escape::html(&h.text)
        );
        match (h.level, open_sub) {
            (3, false) if i > 0 => {
                out.push_str("<ul><li>");
                open_sub = true;
            }
            (3, _) => out.push_str("</li><li>"),
            (_, true) => {
                out.push_str("</li></ul></li><li>");
                open_sub = false;
            }
            _ if i > 0 => out.push_str("</li><li>"),
            _ => out.push_str("<li>"),
        }
        out.push_str(&link);
    }
    if open_sub {
        out.push_str("</li></ul>");
    }
    if out.len() > 4 {
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// Gives every heading without an explicit id one made from its text ("Main results" ->
/// "main-results"), numbered when it repeats.
fn with_heading_ids(mut events: Vec<Event>) -> (Vec<Event>, Vec<Heading>) {
    let mut used: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let mut headings = Vec::new();
    for i in 0..events.len() {
        let Event::Start(Tag::Heading {
            level, id: None, ..
        }) = &events[i]
        else {
            continue;
        };
        let level = *level as u8;
        let mut text = String::new();
        for event in &events[i + 1..] {
            match event {
                Event::End(pulldown_cmark::TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        let base = slug(&text);
        let count = used.entry(base.clone()).or_insert(0);
        *count += 1;
        let id = if *count == 1 {
            base
        } else {
            format!("{base}-{count}")
        };
        headings.push(Heading {
            level,
            id: id.clone(),
            text,
        });
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
            *slot = Some(CowStr::from(id));
        }
    }
    (events, headings)
}

/// Lower-case letters and digits joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_script_links_are_neutralised() {
        let out =
            to_html("Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=y>");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    #[test]
    fn contents_nest_level_three_under_level_two() {
        let (_, headings) = to_html_with_contents("## A\n### B\n### C\n## D & E\n");
        assert_eq!(
            table_of_contents(&headings),
            "<ul><li><a href=\"#a\">A</a><ul><li><a href=\"#b\">B</a></li><li><a href=\"#c\">C</a></li></ul></li><li><a href=\"#d-e\">D &amp; E</a></li></ul>"
        );
    }

    #[test]
    fn tables_and_heading_ids_work() {
        let out = to_html("## Results\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n");
        assert!(out.contains("<h2 id=\"results\">"), "{out}");
        assert!(out.contains("<table>"), "{out}");
    }
}
