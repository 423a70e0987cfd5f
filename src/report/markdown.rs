//! Markdown to HTML with pulldown-cmark, and the authors' Markdown made safe to publish, both
//! under one policy ([`super::policy`]): raw HTML is text (or, opted in, sanitised by
//! [`super::sanitise`]), links and images keep only the targets the policy allows, and
//! headings keep only their ids.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::ops::Range;

use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
    html,
};

use super::policy::{self, Target};
use super::sanitise::{self, OWN};

/// The Markdown extensions revmark's output uses.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
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
/// kept (review.yaml's `raw_html: true`; review.md holds it as [`neutralise`] left it), and
/// the whole body is then balanced and checked once more by [`sanitise::page_html`].
/// Data never produce raw HTML here: their `<` is written `&lt;` in the Markdown.
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
    // Explicit ids and footnote names, which generated ids give way to, are read first; only
    // a document that could hold them (`{#id}`, `[^note]`) is parsed twice for them.
    let reserved = if markdown.contains('{') || markdown.contains("[^") {
        reserved_ids(SafeEvents::new(markdown, raw_html))
    } else {
        HashSet::new()
    };
    // The events pass as a stream (a large review's page is hundreds of thousands of them),
    // split where the first section starts. No table spans a heading, so the tables split
    // there too.
    let mut ids = HeadingIds::new(SafeEvents::new(markdown, raw_html), reserved, raw_html);
    let mut events = ids.by_ref().peekable();
    let mut front = String::new();
    html::push_html(
        &mut front,
        tables(std::iter::from_fn(|| {
            events.next_if(|e| {
                !matches!(
                    e,
                    Event::Start(Tag::Heading {
                        level: HeadingLevel::H2,
                        ..
                    })
                )
            })
        })),
    );
    let mut content = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut content, tables(events));
    if content.is_empty() {
        // Without sections, everything is content.
        content = std::mem::take(&mut front);
    }
    let HeadingIds { own, headings, .. } = ids;
    if raw_html {
        // Each part balanced and checked on its own, so that neither can close the other's
        // elements.
        front = sanitise::page_html(&front, &own);
        content = sanitise::page_html(&content, &own);
    }
    PageBody {
        front,
        content,
        headings,
    }
}

/// What becomes of a link or image, until its end.
#[derive(Clone, Copy)]
enum Kept {
    /// Kept as it is.
    Same,
    /// A link, kept as it is.
    Link,
    /// An image on the web, shown as a link to it.
    AsLink,
    /// An image outside any link, made a link to its own file: a reader opens a figure whole
    /// (a forest plot narrowed to a phone's width cannot be read).
    Linked,
    /// Left out; its text is kept.
    TextOnly,
}

/// The events of a document under the policy: raw HTML as text (or, with `raw_html`, as it
/// is, for [`sanitise::page_html`]), links and images whose target the policy refuses reduced
/// to their text (an image on the web to a link to it), images outside links made links to
/// their files, headings with their id only.
struct SafeEvents<'a> {
    parser: Parser<'a>,
    raw_html: bool,
    /// What becomes of each link or image open at this point.
    open: Vec<Kept>,
    /// The event that follows the one returned: an image's start after the start of the link
    /// around it, the link's end after the image's.
    next: Option<Event<'a>>,
}

impl<'a> SafeEvents<'a> {
    fn new(markdown: &'a str, raw_html: bool) -> SafeEvents<'a> {
        SafeEvents {
            parser: Parser::new_ext(markdown, options()),
            raw_html,
            open: Vec::new(),
            next: None,
        }
    }
}

impl<'a> Iterator for SafeEvents<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.next.take() {
            return Some(event);
        }
        let (raw_html, open, next) = (self.raw_html, &mut self.open, &mut self.next);
        loop {
            let event = self.parser.next()?;
            let event = match event {
                // The templates' markers of generated text, kept whatever raw_html says: the
                // exact tags, nothing else (authors' prose has its `<` escaped before this point).
                Event::Html(raw) if is_generated_marker(&raw) => Event::Html(raw),
                Event::Html(raw) if raw_html => Event::Html(private_free(raw)),
                Event::InlineHtml(raw) if raw_html => Event::InlineHtml(private_free(raw)),
                Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let url = match link_type {
                        LinkType::Email => format!("mailto:{dest_url}"),
                        _ => dest_url.to_string(),
                    };
                    if !policy::allowed(&url, Target::Link) {
                        open.push(Kept::TextOnly);
                        continue;
                    }
                    open.push(Kept::Link);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    if policy::allowed(&dest_url, Target::Image) {
                        let image = Event::Start(Tag::Image {
                            link_type,
                            dest_url: dest_url.clone(),
                            title,
                            id,
                        });
                        if open.iter().any(|k| matches!(k, Kept::Link)) {
                            open.push(Kept::Same);
                            image
                        } else {
                            open.push(Kept::Linked);
                            *next = Some(image);
                            Event::Start(Tag::Link {
                                link_type: LinkType::Inline,
                                dest_url,
                                title: CowStr::Borrowed(""),
                                id: CowStr::Borrowed(""),
                            })
                        }
                    } else if policy::is_web(&dest_url) {
                        open.push(Kept::AsLink);
                        Event::Start(Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url,
                            title,
                            id,
                        })
                    } else {
                        open.push(Kept::TextOnly);
                        continue;
                    }
                }
                Event::End(end @ (TagEnd::Link | TagEnd::Image)) => match open.pop() {
                    Some(Kept::Same | Kept::Link) | None => Event::End(end),
                    Some(Kept::AsLink) => Event::End(TagEnd::Link),
                    Some(Kept::Linked) => {
                        *next = Some(Event::End(TagEnd::Link));
                        Event::End(end)
                    }
                    Some(Kept::TextOnly) => continue,
                },
                Event::Start(Tag::Heading { level, id, .. }) => Event::Start(Tag::Heading {
                    level,
                    id: id
                        .map(private_free)
                        .filter(|id| policy::author_id_allowed(id)),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }),
                other => other,
            };
            return Some(event);
        }
    }
}

/// Makes every table of the page fit a narrow screen and read as what it is: each is wrapped
/// in a `<div class="table">` that scrolls sideways on its own, so that the page itself never
/// does; and a table whose header row is empty (`| | |`, Markdown's way of writing a table
/// without a header) is written without it, as a table of keys and values, the keys being
/// row headers. An aligned column's cells get a class (`right`, `center`, `left`) that the
/// page's style sheet aligns, rather than pulldown-cmark's `style` attribute on every cell
/// (a large review's tables have thousands).
///
/// A stream over the events (a large review's page is hundreds of thousands of events, and a
/// copy of them all was a tenth of its build's peak memory).
struct Tables<'a, I: Iterator<Item = Event<'a>>> {
    events: std::iter::Peekable<I>,
    /// What the events read so far became, not yet taken.
    out: VecDeque<Event<'a>>,
    /// Inside a table without a header: the column of the current cell.
    key_value: Option<usize>,
    /// Inside a table with a header: its columns' alignments, whether the cells are header
    /// cells, and the column of the current cell.
    aligned: Option<(Vec<Alignment>, bool, usize)>,
}

/// [`Tables`] over `events`.
fn tables<'a, I: Iterator<Item = Event<'a>>>(events: I) -> Tables<'a, I> {
    Tables {
        events: events.peekable(),
        out: VecDeque::new(),
        key_value: None,
        aligned: None,
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Tables<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.out.pop_front() {
                return Some(event);
            }
            let event = self.events.next()?;
            // Most events are no part of a table's structure and pass as they are.
            if !matches!(
                event,
                Event::Start(Tag::Table(_) | Tag::TableRow | Tag::TableCell)
                    | Event::End(TagEnd::Table | TagEnd::TableRow | TagEnd::TableCell)
            ) {
                return Some(event);
            }
            self.read(event);
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Tables<'a, I> {
    /// Reads one event (and, at a table's start, its header row) into `out`.
    fn read(&mut self, event: Event<'a>) {
        let Tables {
            events: iter,
            out,
            key_value,
            aligned,
        } = self;
        match event {
            Event::Start(Tag::Table(alignments)) => {
                out.push_back(Event::Html("<div class=\"table\">".into()));
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
                    out.push_back(Event::Html("<table class=\"key-value\"><tbody>\n".into()));
                    *key_value = Some(0);
                } else {
                    // pulldown-cmark aligns no cell itself; `aligned_cells` does.
                    let none = vec![Alignment::None; alignments.len()];
                    out.push_back(Event::Start(Tag::Table(none)));
                    let mut head_state = Some((alignments.clone(), true, 0));
                    aligned_cells(head, &mut head_state, out);
                    out.extend(end_head);
                    *aligned = Some((alignments, false, 0));
                }
            }
            event @ (Event::Start(Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::TableCell))
                if aligned.is_some() =>
            {
                aligned_cells([event], aligned, out);
            }
            Event::End(TagEnd::Table) => {
                *aligned = None;
                if key_value.take().is_some() {
                    out.push_back(Event::Html("</tbody></table>\n".into()));
                } else {
                    out.push_back(Event::End(TagEnd::Table));
                }
                out.push_back(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::TableRow) if key_value.is_some() => {
                *key_value = Some(0);
                out.push_back(Event::Html("<tr>".into()));
            }
            Event::End(TagEnd::TableRow) if key_value.is_some() => {
                out.push_back(Event::Html("</tr>\n".into()));
            }
            Event::Start(Tag::TableCell) if key_value.is_some() => {
                out.push_back(Event::Html(
                    if *key_value == Some(0) {
                        "<th scope=\"row\">"
                    } else {
                        "<td>"
                    }
                    .into(),
                ));
            }
            Event::End(TagEnd::TableCell) if key_value.is_some() => {
                out.push_back(Event::Html(
                    if *key_value == Some(0) {
                        "</th>"
                    } else {
                        "</td>"
                    }
                    .into(),
                ));
                *key_value = key_value.map(|column| column + 1);
            }
            other => out.push_back(other),
        }
    }
}

/// Text without the private-use marks of [`sanitise`].
fn private_free(text: CowStr<'_>) -> CowStr<'_> {
    match sanitise::strip_private(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(s) => s.into(),
    }
}

/// Writes the cells of an aligned column as `<td class="right">` (or `th`, and `center`,
/// `left`), keeping the column count of `state` (alignments, header cells, column).
fn aligned_cells<'a>(
    events: impl IntoIterator<Item = Event<'a>>,
    state: &mut Option<(Vec<Alignment>, bool, usize)>,
    out: &mut VecDeque<Event<'a>>,
) {
    let Some((alignments, header, column)) = state else {
        out.extend(events);
        return;
    };
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
                out.push_back(event);
            }
            Event::Start(Tag::TableCell) => match class(column) {
                Some(class) => out.push_back(Event::Html(cell_start(*header, class).into())),
                None => out.push_back(event),
            },
            Event::End(TagEnd::TableCell) => {
                match class(column) {
                    Some(_) => {
                        let end = if *header { "</th>" } else { "</td>" };
                        out.push_back(Event::Html(end.into()));
                    }
                    None => out.push_back(event),
                }
                *column += 1;
            }
            other => out.push_back(other),
        }
    }
}

/// `<td class="right">` and the like, with no allocation for each of a large review's tens of
/// thousands of aligned cells.
fn cell_start(header: bool, class: &str) -> &'static str {
    match (header, class) {
        (true, "right") => "<th class=\"right\">",
        (true, "center") => "<th class=\"center\">",
        (true, _) => "<th class=\"left\">",
        (false, "right") => "<td class=\"right\">",
        (false, "center") => "<td class=\"center\">",
        (false, _) => "<td class=\"left\">",
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

/// Makes an author's Markdown safe to publish as Markdown, in every common dialect (CommonMark,
/// GitHub's, pandoc's, Python-Markdown's) and not only in the one revmark reads it with:
///
/// - every `<` that could open a tag, a comment or an autolink is written `&lt;` (a backslash
///   is not enough: Python-Markdown keeps `\<img ...>` a live tag, and pandoc reads tags that
///   CommonMark does not, such as `<img src="x.png"/onerror=...>`). Code keeps its `<`; a
///   fenced code block holding one becomes an indented block, which every dialect reads as
///   code (Python-Markdown reads fences only with an extension);
/// - with `raw_html`, the raw HTML is instead replaced by what [`sanitise::author_html`] keeps;
/// - links and images whose target the policy refuses become text, and an image on the web a
///   link to it;
/// - heading attributes keep only an id (`{#id}`).
///
/// Repeated until nothing changes, because escaping an HTML block can turn its lines into
/// Markdown with links of their own.
pub fn neutralise(markdown: &str, raw_html: bool) -> String {
    // Raw HTML and autolinks start with `<`, links and images with `[`, heading attributes
    // with `{`: text with none of them has nothing to neutralise, and most prose fields are
    // such text.
    if !markdown.contains(['<', '[', '{']) {
        return markdown.to_string();
    }
    // Worked on with a final line break, so that what the sanitiser closes at the end of the
    // field comes on a line of its own, not inside a last reference definition (which goes).
    let mut text = sanitise::strip_private(markdown).into_owned();
    let ended = text.ends_with('\n');
    if !ended {
        text.push('\n');
    }
    for _ in 0..8 {
        let next = neutralise_once(&text, raw_html);
        if next == text {
            if !ended && text.ends_with('\n') {
                text.pop();
            }
            return text;
        }
        text = next;
    }
    // Pathological input that keeps changing: show all of it as text.
    super::escape::markdown(markdown)
}

/// An edit of a prose field: bytes replaced by a text.
type Edit = (Range<usize>, String);

/// What one pass over a prose field found to change, and where its `<` stay as they are.
#[derive(Default)]
struct Pass {
    edits: Vec<Edit>,
    /// Code, kept autolinks, edited spans (and, with `raw_html`, sanitised HTML).
    keep: Vec<Range<usize>>,
    /// The raw HTML parts.
    html: Vec<Range<usize>>,
    /// How deep in lists, quotes and footnotes the parser is.
    containers: usize,
    /// A fenced code block being read: its source range and its code.
    fenced: Option<(Range<usize>, String)>,
}

fn neutralise_once(markdown: &str, raw_html: bool) -> String {
    let mut pass = Pass::default();
    let mut parser = Parser::new_ext(markdown, options()).into_offset_iter();
    for (event, range) in parser.by_ref() {
        pass.event(markdown, event, range);
    }
    // Reference definitions apply to the whole of review.md, where every prose field is one
    // part: a field's `[j]: javascript:...` would give another field's `[x][j]` (or a table
    // cell's flattened `[j]`) a target that field was never checked with. The field's own
    // reference links are made inline (above), so its definitions can go.
    for (_, definition) in parser.reference_definitions().iter() {
        pass.keep.push(definition.span.clone());
        pass.edits.push((definition.span.clone(), String::new()));
    }
    let Pass {
        mut edits,
        mut keep,
        mut html,
        ..
    } = pass;
    if raw_html && !html.is_empty() {
        let sanitised = sanitise::field_with_author_html(markdown, &html);
        if sanitised != markdown {
            return sanitised;
        }
        keep.append(&mut html);
    }
    keep.sort_by_key(|r| r.start);
    edits.extend(tag_openers(markdown, &keep));
    apply(markdown, edits)
}

impl Pass {
    fn event(&mut self, markdown: &str, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => self.html.push(range),
            Event::Code(_) => self.keep.push(range),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                self.fenced = Some((range, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, code)) = &mut self.fenced {
                    code.push_str(&t);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => self.keep.push(range),
            Event::End(TagEnd::CodeBlock) => {
                if let Some((range, code)) = self.fenced.take() {
                    if !tag_opener(&code) {
                        // The code, not the opening fence: its info string is text to a
                        // reader that does not know fences, so its `<` are escaped.
                        let code_start = markdown[range.clone()]
                            .find('\n')
                            .map_or(range.end, |n| range.start + n + 1);
                        self.keep.push(code_start..range.end);
                    } else if self.containers == 0 {
                        self.keep.push(range.clone());
                        let replacement = indented(&code, &markdown[range.clone()]);
                        self.edits.push((range, replacement));
                    }
                    // In a list or quote, where an indented block would need the container's
                    // own indentation, its `<` are escaped like the text's (CommonMark then
                    // shows `&lt;` in the code).
                }
            }
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_),
            ) => self.containers += 1,
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition,
            ) => self.containers = self.containers.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type: link_type @ (LinkType::Autolink | LinkType::Email),
                dest_url,
                ..
            }) => {
                let url = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                // Kept an autolink only if every dialect reads it as the same plain URL; else
                // its `<` is escaped and it is text.
                let plain = !dest_url.contains(['"', '\'', '\\', '`', '<', '>', '&']);
                if plain && policy::allowed(&url, Target::Link) {
                    self.keep.push(range);
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                if policy::allowed(&dest_url, Target::Link) {
                    self.inline(markdown, &range, link_type, &dest_url, &title);
                } else {
                    self.literal_bracket(markdown, &range);
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let web = policy::is_web(&dest_url) && markdown[range.clone()].starts_with('!');
                if web && !policy::allowed(&dest_url, Target::Image) {
                    // `![p](https://...)` becomes `[p](https://...)`, a link to the image.
                    self.edits
                        .push((range.start..range.start + 1, String::new()));
                }
                if web || policy::allowed(&dest_url, Target::Image) {
                    self.inline(markdown, &range, link_type, &dest_url, &title);
                } else {
                    self.literal_bracket(markdown, &range);
                }
            }
            Event::Start(Tag::Heading {
                id, classes, attrs, ..
            }) => {
                let foreign_id = id.as_ref().is_some_and(|i| !policy::author_id_allowed(i));
                let changed = foreign_id || !classes.is_empty() || !attrs.is_empty();
                if let Some(block) = heading_attributes(markdown, &range).filter(|_| changed) {
                    let kept = id
                        .filter(|_| !foreign_id)
                        .map(|i| format!(" {{#{i}}}"))
                        .unwrap_or_default();
                    self.keep.push(block.clone());
                    self.edits.push((block, kept));
                }
            }
            _ => {}
        }
    }

    /// A reference link or image (`[text][label]`, `[text][]`, `[text]`) made inline
    /// (`[text](target "title")`), so that it needs no definition: see [`neutralise_once`].
    fn inline(
        &mut self,
        markdown: &str,
        range: &Range<usize>,
        link_type: LinkType,
        dest: &str,
        title: &str,
    ) {
        let source = &markdown[range.clone()];
        let label = match link_type {
            LinkType::Reference => source.rfind('[').map(|at| range.start + at..range.end),
            // The parser's range of `[text][]` may or may not hold its `[]`.
            LinkType::Collapsed if source.ends_with("[]") => Some(range.end - 2..range.end),
            LinkType::Collapsed if markdown[range.end..].starts_with("[]") => {
                Some(range.end..range.end + 2)
            }
            LinkType::Shortcut => Some(range.end..range.end),
            _ => None,
        };
        if let Some(label) = label {
            let mut target = format!("({}", inline_destination(dest));
            if !title.is_empty() {
                target.push_str(" \"");
                for c in title.chars() {
                    match c {
                        '"' | '\\' => {
                            target.push('\\');
                            target.push(c);
                        }
                        '&' => target.push_str("&amp;"),
                        '\n' | '\r' => target.push(' '),
                        _ => target.push(c),
                    }
                }
                target.push('"');
            }
            target.push(')');
            self.keep.push(label.clone());
            self.edits.push((label, target));
        }
    }

    /// A backslash before a link's or image's opening `[`, so that it is text in every
    /// dialect.
    fn literal_bracket(&mut self, markdown: &str, range: &Range<usize>) {
        if let Some(i) = markdown[range.clone()].find('[') {
            let at = range.start + i;
            self.edits.push((at..at, "\\".into()));
        }
    }
}

/// A link target as an inline link's destination that every dialect reads the same: white
/// space, brackets, parentheses, quotes and backslashes percent-encoded, `&` as `&amp;`.
fn inline_destination(dest: &str) -> String {
    let mut out = String::with_capacity(dest.len());
    for c in dest.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            ' ' | '(' | ')' | '<' | '>' | '[' | ']' | '"' | '\'' | '`' | '\\' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            c if c.is_whitespace() || c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether text holds a `<` that some Markdown dialect or a browser could read as the start
/// of a tag, a comment or an autolink.
fn tag_opener(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && opens(w[1]))
}

/// A byte after `<` that makes it a tag, comment, processing instruction or autolink.
fn opens(next: u8) -> bool {
    next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?')
}

/// Edits writing each `<` that could open a tag as `&lt;`, outside the `keep` ranges (sorted
/// by start). An escaped `\<` becomes `&lt;` as a whole.
fn tag_openers(markdown: &str, keep: &[Range<usize>]) -> Vec<Edit> {
    let bytes = markdown.as_bytes();
    let mut edits = Vec::new();
    let mut first = 0;
    for at in (0..bytes.len()).filter(|&i| bytes[i] == b'<') {
        if !bytes.get(at + 1).is_some_and(|&b| opens(b)) {
            continue;
        }
        while first < keep.len() && keep[first].end <= at {
            first += 1;
        }
        if keep[first..]
            .iter()
            .take_while(|r| r.start <= at)
            .any(|r| r.contains(&at))
        {
            continue;
        }
        let backslashes = bytes[..at]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        let start = if backslashes % 2 == 1 { at - 1 } else { at };
        edits.push((start..at + 1, "&lt;".to_string()));
    }
    edits
}

/// A fenced code block's `code` as an indented code block in place of its `source` (which
/// may end with a line break), after a blank line so that it cannot continue a paragraph.
fn indented(code: &str, source: &str) -> String {
    let mut out = String::from("\n");
    for line in code.lines() {
        if !line.is_empty() {
            out.push_str("    ");
        }
        out.push_str(line);
        out.push('\n');
    }
    if !source.ends_with('\n') {
        out.pop();
    }
    out
}

/// The byte range of a heading's attribute block (`{#id .class key=value}`) and the white
/// space before it, which end its text: on its first line for `# Heading {...}`, on the line before the underline for a
/// setext heading.
fn heading_attributes(markdown: &str, range: &Range<usize>) -> Option<Range<usize>> {
    let source = &markdown[range.clone()];
    let mut offset = range.start;
    for line in source.split_inclusive('\n') {
        let text = line.trim_end().trim_end_matches('#').trim_end();
        if let Some(open) = text.strip_suffix('}').and_then(|body| body.rfind('{')) {
            // With the white space before it, so that no trailing space is left.
            let start = text[..open].trim_end().len();
            return Some(offset + start..offset + text.len());
        }
        offset += line.len();
    }
    None
}

/// Applies edits, last first; of edits that overlap, the one that starts later is kept.
fn apply(markdown: &str, mut edits: Vec<Edit>) -> String {
    if edits.is_empty() {
        return markdown.to_string();
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse((range.start, range.end)));
    let mut out = markdown.to_string();
    let mut limit = usize::MAX;
    for (range, replacement) in edits {
        // A zero-width insertion may touch the start of the edit after it.
        if range.end <= limit {
            out.replace_range(range.clone(), &replacement);
            limit = range.start;
        }
    }
    out
}

/// The ids a page's generated heading ids give way to: explicit heading ids and footnote
/// names.
fn reserved_ids<'a>(events: impl Iterator<Item = Event<'a>>) -> HashSet<String> {
    let mut reserved = HashSet::new();
    for event in events {
        match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => {
                reserved.insert(id.to_string());
            }
            Event::Start(Tag::FootnoteDefinition(name)) | Event::FootnoteReference(name) => {
                reserved.insert(name.to_string());
            }
            _ => {}
        }
    }
    reserved
}

/// Gives every heading without an explicit id one made from its text ("Main results" ->
/// "main-results"), numbered when it repeats or when an explicit id or a footnote has it
/// (`reserved`, from [`reserved_ids`]). Once the stream is read, `headings` holds the
/// headings and `own` every id the page body gives its own elements; with `raw_html`, those
/// ids (and footnote links) are marked [`OWN`] for [`sanitise::page_html`].
struct HeadingIds<'a, I: Iterator<Item = Event<'a>>> {
    events: I,
    raw_html: bool,
    /// A heading's events after its start, read ahead for its text.
    pending: VecDeque<Event<'a>>,
    own: HashSet<String>,
    used: BTreeMap<String, usize>,
    explicit: HashSet<String>,
    headings: Vec<Heading>,
}

impl<'a, I: Iterator<Item = Event<'a>>> HeadingIds<'a, I> {
    fn new(events: I, reserved: HashSet<String>, raw_html: bool) -> Self {
        HeadingIds {
            events,
            raw_html,
            pending: VecDeque::new(),
            own: reserved,
            used: BTreeMap::new(),
            explicit: HashSet::new(),
            headings: Vec::new(),
        }
    }

    fn mark(&self, id: &str) -> CowStr<'static> {
        if self.raw_html {
            format!("{OWN}{id}").into()
        } else {
            id.to_string().into()
        }
    }

    /// The next event of the document, its footnote name marked.
    fn read(&mut self) -> Option<Event<'a>> {
        let mut event = self.events.next()?;
        if let Event::Start(Tag::FootnoteDefinition(name)) | Event::FootnoteReference(name) =
            &mut event
            && self.raw_html
        {
            *name = self.mark(name);
        }
        Some(event)
    }

    /// The id of a heading with `text`: its explicit `id` the first time, else one made from
    /// its text.
    fn id(&mut self, id: Option<CowStr<'_>>, text: &str) -> String {
        // An explicit id is kept the first time; a repeated one is replaced like no id.
        let id = match id {
            Some(id) if self.explicit.insert(id.to_string()) => id.to_string(),
            _ => {
                let base = slug(text);
                let mut count = *self.used.get(&base).unwrap_or(&0);
                loop {
                    count += 1;
                    let id = if count == 1 {
                        base.clone()
                    } else {
                        format!("{base}-{count}")
                    };
                    if !self.own.contains(&id) {
                        self.used.insert(base.clone(), count);
                        break id;
                    }
                }
            }
        };
        self.own.insert(id.clone());
        id
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for HeadingIds<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        let mut event = self.read()?;
        if let Event::Start(Tag::Heading { level, id, .. }) = &mut event {
            let (level, explicit) = (*level as u8, id.take());
            let mut text = String::new();
            while let Some(inner) = self.read() {
                let end = matches!(inner, Event::End(TagEnd::Heading(_)));
                if let Event::Text(t) | Event::Code(t) = &inner {
                    text.push_str(t);
                }
                self.pending.push_back(inner);
                if end {
                    break;
                }
            }
            let id = self.id(explicit, &text);
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut event {
                *slot = Some(self.mark(&id));
            }
            self.headings.push(Heading { level, id, text });
        }
        Some(event)
    }
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
        // A script goes with what it holds.
        assert_eq!(safe, "H<sub>2</sub>O ");
    }

    // One policy in review.md and in the page: the web and mail for links, the review's own
    // files for images; an image on the web becomes a link to it; everything else is text.
    #[test]
    fn links_and_images_follow_the_policy_in_markdown_and_html() {
        let source = "![p](https://tracker.example/p.png) [f](file:///etc/passwd) \
                      ![r](/etc/passwd) ![u](../x.png) [n](//evil.example/x) \
                      ![ok](figures/forest.svg) [doi](https://doi.org/x) [m](mailto:a@b.org) \
                      <file:///etc/passwd> <https://doi.org/y>";
        let safe = neutralise(source, false);
        assert_eq!(
            safe,
            "[p](https://tracker.example/p.png) \\[f](file:///etc/passwd) \
             !\\[r](/etc/passwd) !\\[u](../x.png) \\[n](//evil.example/x) \
             ![ok](figures/forest.svg) [doi](https://doi.org/x) [m](mailto:a@b.org) \
             &lt;file:///etc/passwd> <https://doi.org/y>"
        );
        for html in [to_html(&safe), to_html(source)] {
            let (_, srcs) = attributes(&html);
            assert_eq!(srcs, ["figures/forest.svg"], "{html}");
            let (hrefs, _) = attributes(&html);
            assert_eq!(
                hrefs,
                [
                    "https://tracker.example/p.png",
                    // The review's own image, a link to its file.
                    "figures/forest.svg",
                    "https://doi.org/x",
                    "mailto:a@b.org",
                    "https://doi.org/y"
                ],
                "{html}"
            );
        }
    }

    // A field's reference links become inline and its definitions go, so that no definition
    // in one field can give a link or image in another field a target.
    #[test]
    fn reference_links_need_no_definitions() {
        let field = "[a][k] [b][] [c] ![i][img] [x][j]\n\n[k]: https://doi.org/(k) \"T \\\"q\\\"\"\n[b]: https://b.org/?x=1&y=2\n[c]: #c\n[img]: https://t.example/i.png\n[j]: javascript:alert(1)\n";
        let safe = neutralise(field, false);
        assert_eq!(
            safe,
            "[a](https://doi.org/%28k%29 \"T \\\"q\\\"\") [b](https://b.org/?x=1&amp;y=2) [c](#c) [i](https://t.example/i.png) \\[x][j]\n\n\n\n\n\n\n"
        );
        assert_eq!(
            to_html(&safe),
            "<p><a href=\"https://doi.org/%28k%29\" title=\"T &quot;q&quot;\">a</a> <a href=\"https://b.org/?x=1&amp;y=2\">b</a> <a href=\"#c\">c</a> <a href=\"https://t.example/i.png\">i</a> [x][j]</p>\n"
        );
        // Another field's `[x][j]` stays text in the whole document.
        let page = format!("{safe}\n\nother [x][j] and ![p][img]\n");
        let html = to_html(&page);
        assert!(attributes(&html).1.is_empty(), "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    /// The `href` and `src` values of an HTML fragment, in order.
    fn attributes(html: &str) -> (Vec<&str>, Vec<&str>) {
        let values = |name: &str| -> Vec<&str> {
            html.split(&format!("{name}=\""))
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap())
                .collect()
        };
        (values("href"), values("src"))
    }

    // `<` that could open a tag is written `&lt;` (a backslash is not enough for
    // Python-Markdown); code, kept autolinks and a plain `<` stay as they are.
    #[test]
    fn tag_openers_become_entities_outside_code() {
        let safe = neutralise(
            "a <img src=\"x.png\"/onerror=alert(1)> \\<b> p < 0.05 `<code>` <!-- c --> </x> <?p",
            false,
        );
        assert_eq!(
            safe,
            "a &lt;img src=\"x.png\"/onerror=alert(1)> &lt;b> p < 0.05 `<code>` &lt;!-- c --> &lt;/x> &lt;?p"
        );
        // A fenced block with a tag becomes indented code, which every dialect reads as code.
        let fenced = neutralise(
            "Text\n```html\n<script>x</script>\n\n<b>\n```\nafter",
            false,
        );
        assert_eq!(fenced, "Text\n\n    <script>x</script>\n\n    <b>\nafter");
        assert!(
            to_html(&fenced).contains("<pre><code>&lt;script&gt;"),
            "{fenced}"
        );
        // In a list it stays fenced, its `<` escaped.
        let listed = neutralise("- a\n  ```\n  <b>\n  ```", false);
        assert_eq!(listed, "- a\n  ```\n  &lt;b>\n  ```");
    }

    // Heading attributes keep an id only, and not a reserved one, in both outputs.
    #[test]
    fn headings_keep_only_an_id() {
        let source = "### A {onclick=alert(1) .generated #mine}\n\n### B {#revmark-error}\n";
        let safe = neutralise(source, false);
        assert_eq!(safe, "### A {#mine}\n\n### B\n");
        for markdown in [source, safe.as_str()] {
            let html = to_html(markdown);
            assert_eq!(html, "<h3 id=\"mine\">A</h3>\n<h3 id=\"b\">B</h3>\n");
        }
    }

    // An explicit id or a footnote's name is not given to another heading.
    #[test]
    fn generated_ids_give_way_to_explicit_ones() {
        let (html, headings) = to_html_with_contents(
            "## Results\n\n## Other {#results}\n\n## Other {#results}\n",
            false,
        );
        let ids: Vec<&str> = headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["results-2", "results", "other"], "{html}");
    }

    // A footnote's name, defined after the heading that would take it, is not given to the
    // heading either (the page is read for names before ids are made). The front ends where
    // the first section starts; a page without sections is all content.
    #[test]
    fn footnote_names_are_kept_and_the_front_ends_at_the_first_section() {
        let body = to_page_body(
            "# Title\n\nBy us.\n\n## Note\n\nSee[^note].\n\n[^note]: A note.\n",
            false,
        );
        let ids: Vec<&str> = body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["title", "note-2"], "{}", body.content);
        assert!(
            body.front.contains("By us.") && !body.front.contains("Note"),
            "{}",
            body.front
        );
        assert!(
            body.content.starts_with("<h2 id=\"note-2\">"),
            "{}",
            body.content
        );
        assert!(body.content.contains("id=\"note\""), "{}", body.content);
        let body = to_page_body("# Title\n\nJust text.\n", false);
        assert_eq!(body.front, "");
        assert!(body.content.contains("Just text."), "{}", body.content);
    }

    // With raw_html the body is one balanced tree: a stray `</div>` cannot close the page's
    // own blocks, an unclosed link ends, an id cannot take a heading's.
    #[test]
    fn raw_html_comes_out_balanced_with_its_own_ids() {
        let prose = neutralise(
            "</div></div> <a href=\"https://x.org\">open <span id=\"results\">s</span> \
             <span id=\"revmark-error\">e</span> <img src=\"https://t.example/p.png\">",
            true,
        );
        // The field cannot know the page's heading ids; the page drops the colliding one.
        assert_eq!(
            prose,
            " <a href=\"https://x.org\">open <span id=\"results\">s</span> <span>e</span> <img>\n</a>"
        );
        let page = format!("{GENERATED_OPEN}\n\n## Results\n\n{prose}\n\n{GENERATED_CLOSE}\n");
        let (html, _) = to_html_with_contents(&page, true);
        // The page places its front (before the first section) and its sections apart, so
        // each is balanced on its own: a block opened before the first section closes there.
        assert_eq!(
            html,
            "<div class=\"generated\">\n</div><h2 id=\"results\">Results</h2>\n<p><a href=\"https://x.org\">open <span>s</span> <span>e</span> <img>\n</a></p>\n\n"
        );
        // What review.md would hold if it bypassed neutralise is balanced all the same.
        let (raw, _) = to_html_with_contents(
            "## Results\n\n</div></div><a href=\"#x\" onclick=\"y\">open <span id=\"results\">\n\nnext\n",
            true,
        );
        assert_eq!(
            raw,
            "<h2 id=\"results\">Results</h2>\n<a href=\"#x\">open <span>\n<p>next</p>\n</span></a>"
        );
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
