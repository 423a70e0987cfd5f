//! Markdown to HTML with pulldown-cmark, made safe: raw HTML in the source is shown as text and
//! links or images with scripting schemes are neutralised.

use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

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
    to_html_with_contents(markdown, false).0
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

/// Opens a block of text generated from the review's data: templates put it alone on a line,
/// followed by a blank line, and close the block with [`GENERATED_CLOSE`] the same way. The
/// page marks such blocks so that editors can tell generated text from the authors' prose.
pub const GENERATED_OPEN: &str = "<div class=\"generated\">";
/// Closes a block opened by [`GENERATED_OPEN`].
pub const GENERATED_CLOSE: &str = "</div>";

fn is_generated_marker(raw: &str) -> bool {
    let raw = raw.trim();
    raw == GENERATED_OPEN || raw == GENERATED_CLOSE
}

/// [`to_html`], with the page's headings in order. With `raw_html` the author's raw HTML is
/// kept after passing the allowlist of [`super::sanitise`] (review.yaml's `raw_html: true`).
/// Data never produce raw HTML here: their `<` is backslash-escaped in the Markdown.
pub fn to_html_with_contents(markdown: &str, raw_html: bool) -> (String, Vec<Heading>) {
    let body = to_page_body(markdown, raw_html);
    (body.front + &body.content, body.headings)
}

/// A review as the body of its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBody {
    /// What comes before the first section (`##` heading): the title, authors and version.
    pub front: String,
    /// The sections, from the first `##` heading on.
    pub content: String,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
}

/// [`to_html_with_contents`], split where the first section starts, so that a page can put its
/// title before its table of contents.
pub fn to_page_body(markdown: &str, raw_html: bool) -> PageBody {
    let events: Vec<Event> = Parser::new_ext(markdown, options())
        .map(|event| match event {
            // The templates' markers of generated text, kept whatever raw_html says: the
            // exact tags, nothing else (authors' prose has its `<` escaped before this point).
            Event::Html(raw) if is_generated_marker(&raw) => Event::Html(raw),
            Event::Html(raw) if raw_html => Event::Html(super::sanitise::sanitise(&raw).into()),
            Event::InlineHtml(raw) if raw_html => {
                Event::InlineHtml(super::sanitise::sanitise(&raw).into())
            }
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
    let mut events = tables(events);
    let first_section = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                })
            )
        })
        .unwrap_or(0);
    let content_events = events.split_off(first_section);
    let mut front = String::new();
    html::push_html(&mut front, events.into_iter());
    let mut content = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut content, content_events.into_iter());
    PageBody {
        front,
        content,
        headings,
    }
}

/// Makes every table of the page fit a narrow screen and read as what it is: each is wrapped
/// in a `<div class="table">` that scrolls sideways on its own, so that the page itself never
/// does; and a table whose header row is empty (`| | |`, Markdown's way of writing a table
/// without a header) is written without it, as a table of keys and values, the keys being
/// row headers. An aligned column's cells get a class (`right`, `center`, `left`) that the
/// page's style sheet aligns, rather than pulldown-cmark's `style` attribute on every cell
/// (a large review's tables have thousands).
fn tables(events: Vec<Event>) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut iter = events.into_iter().peekable();
    // Inside a table without a header: the column of the current cell.
    let mut key_value: Option<usize> = None;
    // Inside a table with a header: its columns' alignments, whether the cells are header
    // cells, and the column of the current cell.
    let mut aligned: Option<(Vec<Alignment>, bool, usize)> = None;
    while let Some(event) = iter.next() {
        match event {
            Event::Start(Tag::Table(alignments)) => {
                out.push(Event::Html("<div class=\"table\">".into()));
                let mut head = Vec::new();
                while let Some(e) = iter.next_if(|e| !matches!(e, Event::End(TagEnd::TableHead))) {
                    head.push(e);
                }
                let end_head = iter.next();
                let empty = head.iter().all(|e| {
                    matches!(
                        e,
                        Event::Start(Tag::TableHead | Tag::TableCell)
                            | Event::End(TagEnd::TableCell)
                    )
                });
                if empty {
                    out.push(Event::Html("<table class=\"key-value\"><tbody>\n".into()));
                    key_value = Some(0);
                } else {
                    // pulldown-cmark aligns no cell itself; `aligned_cells` does.
                    let none = vec![Alignment::None; alignments.len()];
                    out.push(Event::Start(Tag::Table(none)));
                    let mut head_state = Some((alignments.clone(), true, 0));
                    aligned_cells(head, &mut head_state, &mut out);
                    out.extend(end_head);
                    aligned = Some((alignments, false, 0));
                }
            }
            event @ (Event::Start(Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::TableCell))
                if aligned.is_some() =>
            {
                aligned_cells([event], &mut aligned, &mut out);
            }
            Event::End(TagEnd::Table) => {
                aligned = None;
                if key_value.take().is_some() {
                    out.push(Event::Html("</tbody></table>\n".into()));
                } else {
                    out.push(Event::End(TagEnd::Table));
                }
                out.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::TableRow) if key_value.is_some() => {
                key_value = Some(0);
                out.push(Event::Html("<tr>".into()));
            }
            Event::End(TagEnd::TableRow) if key_value.is_some() => {
                out.push(Event::Html("</tr>\n".into()));
            }
            Event::Start(Tag::TableCell) if key_value.is_some() => {
                out.push(Event::Html(
                    if key_value == Some(0) {
                        "<th scope=\"row\">"
                    } else {
                        "<td>"
                    }
                    .into(),
                ));
            }
            Event::End(TagEnd::TableCell) if key_value.is_some() => {
                out.push(Event::Html(
                    if key_value == Some(0) {
                        "</th>"
                    } else {
                        "</td>"
                    }
                    .into(),
                ));
                key_value = key_value.map(|column| column + 1);
            }
            other => out.push(other),
        }
    }
    out
}

/// Writes the cells of an aligned column as `<td class="right">` (or `th`, and `center`,
/// `left`), keeping the column count of `state` (alignments, header cells, column).
fn aligned_cells<'a>(
    events: impl IntoIterator<Item = Event<'a>>,
    state: &mut Option<(Vec<Alignment>, bool, usize)>,
    out: &mut Vec<Event<'a>>,
) {
    let Some((alignments, header, column)) = state else {
        out.extend(events);
        return;
    };
    let cell = if *header { "th" } else { "td" };
    for event in events {
        let class = |column: &usize| match alignments.get(*column) {
            Some(Alignment::Left) => Some("left"),
            Some(Alignment::Center) => Some("center"),
            Some(Alignment::Right) => Some("right"),
            Some(Alignment::None) | None => None,
        };
        match event {
            Event::Start(Tag::TableRow) => {
                *column = 0;
                out.push(event);
            }
            Event::Start(Tag::TableCell) => match class(column) {
                Some(class) => out.push(Event::Html(format!("<{cell} class=\"{class}\">").into())),
                None => out.push(event),
            },
            Event::End(TagEnd::TableCell) => {
                match class(column) {
                    Some(_) => out.push(Event::Html(format!("</{cell}>").into())),
                    None => out.push(event),
                }
                *column += 1;
            }
            other => out.push(other),
        }
    }
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

/// Makes an author's Markdown safe to publish as Markdown: raw HTML is backslash-escaped so
/// that any Markdown renderer shows it as text (or, with `raw_html`, is replaced by what the
/// allowlist of [`super::sanitise`] keeps), and links or images with scripting schemes become
/// literal text. Repeated until nothing changes, because escaping an HTML block can turn its
/// lines into Markdown with links of their own.
pub fn neutralise(markdown: &str, raw_html: bool) -> String {
    // Raw HTML and autolinks start with `<`, links and images with `[`: text with neither has
    // nothing to neutralise, and most prose fields are such text.
    if !markdown.contains(['<', '[']) {
        return markdown.to_string();
    }
    let mut text = markdown.to_string();
    for _ in 0..8 {
        let next = neutralise_once(&text, raw_html);
        if next == text {
            return text;
        }
        text = next;
    }
    // Pathological input that keeps changing: show all of it as text.
    super::escape::markdown(markdown)
}

fn neutralise_once(markdown: &str, raw_html: bool) -> String {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                let raw = &markdown[range.clone()];
                let replacement = if raw_html {
                    super::sanitise::sanitise(raw)
                } else {
                    raw.replace('<', "\\<")
                };
                edits.push((range, replacement));
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !safe_url(&dest_url) =>
            {
                // A backslash before the opening `[` (or `<` of an autolink) makes it text.
                if let Some(i) = markdown[range.clone()].find(['[', '<']) {
                    let at = range.start + i;
                    edits.push((at..at, "\\".into()));
                }
            }
            _ => {}
        }
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse((range.start, range.end)));
    let mut out = markdown.to_string();
    let mut limit = usize::MAX;
    for (range, replacement) in edits {
        // Ranges never overlap except a link's insertion point with HTML inside it, which
        // starts earlier and is zero-width.
        if range.end <= limit {
            out.replace_range(range.clone(), &replacement);
            limit = range.start;
        }
    }
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
    fn neutralise_makes_raw_html_and_script_links_text() {
        let source = "*a* <b onclick=x>b</b> [l](javascript:y) ![i](data:z) <javascript:w>\n\n<div>\n[m](javascript:v)\n</div>\n\np < 0.05 <https://doi.org/x>";
        let safe = neutralise(source, false);
        assert_eq!(neutralise(&safe, false), safe, "a fixed point");
        let html = to_html_with_contents(&safe, true).0;
        assert!(html.contains("<em>a</em>"), "{html}");
        assert!(html.contains("&lt;b onclick=x&gt;"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(!html.contains("src=\"data"), "{html}");
        assert!(!html.contains("<div>"), "{html}");
        assert!(html.contains("p &lt; 0.05"), "{html}");
        assert!(html.contains("href=\"https://doi.org/x\""), "{html}");
    }

    #[test]
    fn neutralise_with_raw_html_keeps_allowed_tags() {
        let safe = neutralise("H<sub>2</sub>O <script>x</script>", true);
        assert_eq!(safe, "H<sub>2</sub>O &lt;script&gt;x&lt;/script&gt;");
    }

    #[test]
    fn generated_markers_pass_and_nothing_else() {
        let html = to_html(
            "<div class=\"generated\">\n\nWe *found*.\n\n</div>\n\n<div class=\"x\">\n\nno\n\n</div>\n",
        );
        assert!(
            html.starts_with("<div class=\"generated\">\n<p>We <em>found</em>.</p>\n</div>"),
            "{html}"
        );
        assert!(html.contains("&lt;div class=\"x\"&gt;"), "{html}");
    }

    #[test]
    fn contents_nest_level_three_under_level_two() {
        let (_, headings) = to_html_with_contents("## A\n### B\n### C\n## D & E\n", false);
        assert_eq!(
            table_of_contents(&headings),
            "<ul><li><a href=\"#a\">A</a><ul><li><a href=\"#b\">B</a></li><li><a href=\"#c\">C</a></li></ul></li><li><a href=\"#d-e\">D &amp; E</a></li></ul>"
        );
    }

    #[test]
    fn tables_scroll_in_their_own_box_and_an_empty_header_row_is_dropped() {
        let out = to_html(
            "| | |\n|---|---|\n| Methods | RCT |\n| Notes | |\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n",
        );
        assert_eq!(
            out,
            "<div class=\"table\"><table class=\"key-value\"><tbody>\n\
             <tr><th scope=\"row\">Methods</th><td>RCT</td></tr>\n\
             <tr><th scope=\"row\">Notes</th><td></td></tr>\n\
             </tbody></table>\n</div>\n\
             <div class=\"table\"><table><thead><tr><th>a</th><th class=\"right\">b</th></tr></thead><tbody>\n\
             <tr><td>1</td><td class=\"right\">2</td></tr>\n\
             </tbody></table>\n</div>\n"
        );
    }

    #[test]
    fn the_front_is_what_comes_before_the_first_section() {
        let body = to_page_body("# T\n\nA and B\n\n## One\n\nx\n\n### Two\n", false);
        assert_eq!(body.front, "<h1 id=\"t\">T</h1>\n<p>A and B</p>\n");
        assert_eq!(
            body.content,
            "<h2 id=\"one\">One</h2>\n<p>x</p>\n<h3 id=\"two\">Two</h3>\n"
        );
        assert_eq!(body.headings.len(), 3);
        let untitled = to_page_body("x\n", false);
        assert_eq!(
            (untitled.front.as_str(), untitled.content.as_str()),
            ("", "<p>x</p>\n")
        );
    }

    // Each aligned column's cells carry the class of their alignment, in the header and the
    // body, and the other columns none; pulldown-cmark's style attribute is gone.
    #[test]
    fn aligned_columns_are_classes_not_styles() {
        let out =
            to_html("| a | b | c | d |\n|:-:|---|:--|--:|\n| 1 | 2 | 3 | 4 |\n| 5 | 6 | 7 | 8 |\n");
        assert!(
            out.contains("<tr><th class=\"center\">a</th><th>b</th><th class=\"left\">c</th><th class=\"right\">d</th></tr>"),
            "{out}"
        );
        assert!(
            out.contains("<tr><td class=\"center\">5</td><td>6</td><td class=\"left\">7</td><td class=\"right\">8</td></tr>"),
            "{out}"
        );
        assert!(!out.contains("style="), "{out}");
    }

    #[test]
    fn tables_and_heading_ids_work() {
        let out = to_html("## Results\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n");
        assert!(out.contains("<h2 id=\"results\">"), "{out}");
        assert!(out.contains("<table>"), "{out}");
    }
}
