//! A reading cursor over a parsed .rm5 document that records every element and attribute it
//! reads, so that whatever the importer does not read is found by a walk over the document
//! (`unread`) instead of by a hand-kept list; and the conversion of Review Manager's rich text
//! (P, B, I, SUP, LINK, lists, tables, tracked changes) to Markdown.

use std::collections::BTreeMap;

use crate::import::document::{Block, Cell, Citation, Section};
use crate::import::xml::{self, Node};

/// Elements that are markup within text, not sections of their own.
const MARKUP: &[&str] = &[
    "P",
    "B",
    "I",
    "U",
    "SUP",
    "SUB",
    "BR",
    "LINK",
    "A",
    "UL",
    "OL",
    "LI",
    "TABLE",
    "TR",
    "TD",
    "TH",
    "INS",
    "DEL",
    "MARKER",
    "EN",
    "HEADING",
    "FOOTNOTE_LINK",
];

/// The cursor: what has been read, and what text conversion set aside.
pub(crate) struct Reader {
    element_read: Vec<bool>,
    attribute_base: Vec<usize>,
    attribute_read: Vec<bool>,
    /// In-text citation links met in converted text.
    pub citations: Vec<Citation>,
    /// Template guidance left out of converted text.
    pub placeholders: Vec<String>,
    /// The authors' notes to themselves ("[These need to be changed]"), left out of the text.
    pub author_notes: Vec<String>,
    /// Text deleted under tracked changes, left out.
    pub deletions: Vec<String>,
}

impl Reader {
    /// A cursor for `doc`, with nothing read yet.
    pub fn new(doc: &xml::Document) -> Reader {
        let nodes = doc.descendants().count() + 1;
        let mut attribute_base = vec![0; nodes + 1];
        let mut total = 0;
        for node in doc.descendants() {
            attribute_base[node.id().get_usize()] = total;
            total += node.attributes().len();
        }
        Reader {
            element_read: vec![false; nodes],
            attribute_base,
            attribute_read: vec![false; total],
            citations: Vec::new(),
            placeholders: Vec::new(),
            author_notes: Vec::new(),
            deletions: Vec::new(),
        }
    }

    /// Marks an element read and returns it.
    pub fn mark<'a>(&mut self, node: Node<'a>) -> Node<'a> {
        self.element_read[node.id().get_usize()] = true;
        node
    }

    /// An attribute, marked read.
    pub fn attr<'a>(&mut self, node: Node<'a>, name: &str) -> Option<&'a str> {
        let base = self.attribute_base[node.id().get_usize()];
        let (i, a) = node
            .attributes()
            .enumerate()
            .find(|(_, a)| a.name() == name)?;
        self.attribute_read[base + i] = true;
        Some(a.value())
    }

    /// An attribute, trimmed, or "" when absent; marked read.
    pub fn attr_text(&mut self, node: Node, name: &str) -> String {
        self.attr(node, name).map_or("", str::trim).to_string()
    }

    /// Every attribute except those named, marked read.
    pub fn attrs_except(&mut self, node: Node, skip: &[&str]) -> BTreeMap<String, String> {
        let names: Vec<&str> = node
            .attributes()
            .map(|a| a.name())
            .filter(|n| !skip.contains(n))
            .collect();
        names
            .into_iter()
            .filter_map(|n| Some((n.to_string(), self.attr(node, n)?.trim().to_string())))
            .collect()
    }

    /// The first child element with this name, marked read (its content is not).
    pub fn child<'a>(&mut self, node: Node<'a>, name: &str) -> Option<Node<'a>> {
        xml::child(node, name).map(|c| self.mark(c))
    }

    /// The child elements with this name, marked read.
    pub fn children<'a>(&mut self, node: Node<'a>, name: &str) -> Vec<Node<'a>> {
        let found: Vec<Node<'a>> = node
            .children()
            .filter(|c| c.is_element() && xml::name(*c) == name)
            .collect();
        found.into_iter().map(|c| self.mark(c)).collect()
    }

    /// The element at a path of child names, each marked read.
    pub fn path<'a>(&mut self, node: Node<'a>, path: &str) -> Option<Node<'a>> {
        let mut at = node;
        for name in path.split('/') {
            at = self.child(at, name)?;
        }
        Some(at)
    }

    /// The plain text of an element (its markup dropped, whitespace collapsed); the element
    /// and everything in it are marked read.
    pub fn plain(&mut self, node: Node) -> String {
        self.mark(node);
        let mut out = String::new();
        self.plain_into(node, &mut out);
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn plain_into(&mut self, node: Node, out: &mut String) {
        for c in node.children() {
            if c.is_text() {
                out.push_str(&normalise(c.text().unwrap_or("")));
                continue;
            }
            if !c.is_element() {
                continue;
            }
            self.mark(c);
            match xml::name(c) {
                "DEL" | "MARKER" => {
                    let mut aside = String::new();
                    self.plain_into(c, &mut aside);
                    let aside = aside.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !aside.is_empty() {
                        if xml::name(c) == "DEL" {
                            self.deletions.push(aside);
                        } else {
                            self.placeholders.push(aside);
                        }
                    }
                }
                "LINK" => {
                    let kind = self.attr_text(c, "TYPE");
                    let target = match self.attr(c, "REF") {
                        Some(r) => r.trim().to_string(),
                        None => self.attr_text(c, "TAG"),
                    };
                    let mut text = String::new();
                    self.plain_into(c, &mut text);
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    out.push_str(&text);
                    self.citations.push(Citation { kind, target, text });
                }
                "BR" | "P" | "LI" | "TR" | "TD" | "TH" => {
                    out.push(' ');
                    self.plain_into(c, out);
                    out.push(' ');
                }
                _ => self.plain_into(c, out),
            }
        }
    }

    /// The text of a child element, or "" when it is absent.
    pub fn child_plain(&mut self, node: Node, name: &str) -> String {
        self.child(node, name)
            .map(|c| self.plain(c))
            .unwrap_or_default()
    }

    /// The content of an element as Markdown paragraphs; the element and everything in it
    /// are marked read.
    pub fn markdown(&mut self, node: Node) -> String {
        self.mark(node);
        let mut blocks = Vec::new();
        let mut current = String::new();
        self.blocks(node, &mut blocks, &mut current);
        flush(&mut blocks, &mut current);
        let blocks = self.set_aside(blocks);
        blocks.join("\n\n")
    }

    /// The markdown of a child element, or "" when it is absent.
    pub fn child_markdown(&mut self, node: Node, name: &str) -> String {
        self.child(node, name)
            .map(|c| self.markdown(c))
            .unwrap_or_default()
    }

    /// A section: its paragraphs and subsections in order (elements that are not markup are
    /// subsections; a SUBSECTION's HEADING is its heading).
    pub fn section(&mut self, node: Node) -> Section {
        self.mark(node);
        let mut section = Section {
            tag: xml::name(node).to_string(),
            heading: None,
            blocks: Vec::new(),
        };
        let mut text = Vec::new();
        let mut current = String::new();
        for c in node.children() {
            if c.is_element() && xml::name(c) == "HEADING" {
                self.attr(c, "LEVEL");
                section.heading = Some(self.plain(c)).filter(|h| !h.is_empty());
            } else if c.is_element() && !MARKUP.contains(&xml::name(c)) {
                flush(&mut text, &mut current);
                self.push_text(&mut section, &mut text);
                let child = self.section(c);
                section.blocks.push(Block::Section(child));
            } else {
                self.block_or_inline(c, &mut text, &mut current);
            }
        }
        flush(&mut text, &mut current);
        self.push_text(&mut section, &mut text);
        section
    }

    fn push_text(&mut self, section: &mut Section, text: &mut Vec<String>) {
        let kept = self.set_aside(std::mem::take(text));
        if !kept.is_empty() {
            section.blocks.push(Block::Text(kept.join("\n\n")));
        }
    }

    /// Blocks without Review Manager's template guidance and the authors' notes to
    /// themselves, which are set aside.
    fn set_aside(&mut self, blocks: Vec<String>) -> Vec<String> {
        let mut kept = Vec::with_capacity(blocks.len());
        for b in blocks {
            if is_placeholder(&b) {
                self.placeholders.push(b);
                continue;
            }
            let (rest, notes) = take_out_notes(&b);
            self.author_notes.extend(notes);
            if !rest.trim().is_empty() {
                kept.push(rest);
            }
        }
        kept
    }

    /// The blocks of a container: paragraphs, lists and tables; loose inline content is
    /// gathered into paragraphs.
    fn blocks(&mut self, node: Node, out: &mut Vec<String>, current: &mut String) {
        for c in node.children() {
            self.block_or_inline(c, out, current);
        }
    }

    fn block_or_inline(&mut self, c: Node, out: &mut Vec<String>, current: &mut String) {
        if c.is_text() {
            current.push_str(&escape(&normalise(c.text().unwrap_or(""))));
            return;
        }
        if !c.is_element() {
            return;
        }
        self.mark(c);
        match xml::name(c) {
            "P" => {
                flush(out, current);
                let mut p = String::new();
                let guidance = self.placeholders.len();
                self.inline(c, &mut p);
                let p = tidy(&p);
                // What a paragraph of template guidance leaves besides its MARKER (the address
                // the guidance points to) is guidance too.
                if self.placeholders.len() > guidance && is_address(&unescape(&p)) {
                    self.placeholders.push(unescape(&p));
                } else {
                    out.push(p);
                }
            }
            "UL" | "OL" => {
                flush(out, current);
                let list = self.list(c, 0);
                out.push(list);
            }
            "TABLE" => {
                flush(out, current);
                let table = self.table(c);
                out.push(table);
            }
            "HEADING" => {
                flush(out, current);
                self.attr(c, "LEVEL");
                let heading = self.plain(c);
                if !heading.is_empty() {
                    out.push(format!("**{}**", escape(&heading)));
                }
            }
            name if MARKUP.contains(&name) => self.inline_element(c, current),
            _ => {
                // An element that is not markup inside text: its content is kept.
                flush(out, current);
                self.blocks(c, out, current);
                flush(out, current);
            }
        }
    }

    /// The inline content of an element, appended to `out`.
    fn inline(&mut self, node: Node, out: &mut String) {
        self.mark(node);
        for c in node.children() {
            if c.is_text() {
                out.push_str(&escape(&normalise(c.text().unwrap_or(""))));
            } else if c.is_element() {
                self.mark(c);
                self.inline_element(c, out);
            }
        }
    }

    fn inline_element(&mut self, c: Node, out: &mut String) {
        match xml::name(c) {
            "B" => self.wrapped(c, "**", out),
            "I" => self.wrapped(c, "*", out),
            "BR" => out.push_str("\\\n"),
            "SUP" | "SUB" => {
                let mut inner = String::new();
                self.inline(c, &mut inner);
                out.push_str(&scripted(&inner, xml::name(c) == "SUP"));
            }
            "LINK" => {
                let kind = self.attr_text(c, "TYPE");
                let target = match self.attr(c, "REF") {
                    Some(r) => r.trim().to_string(),
                    None => self.attr_text(c, "TAG"),
                };
                let mut inner = String::new();
                self.inline(c, &mut inner);
                self.citations.push(Citation {
                    kind,
                    target,
                    text: unescape(&inner),
                });
                out.push_str(&inner);
            }
            "A" => {
                let href = self.attr_text(c, "HREF");
                let mut inner = String::new();
                self.inline(c, &mut inner);
                let safe = ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|s| href.to_ascii_lowercase().starts_with(s));
                if safe && !href.contains([' ', '<', '>', ')', '(']) {
                    out.push_str(&format!("[{}]({href})", inner.trim()));
                } else {
                    out.push_str(&inner);
                    if !href.is_empty() && unescape(&inner).trim() != href {
                        out.push_str(&format!(" ({})", escape(&href)));
                    }
                }
            }
            "DEL" => {
                let text = unescape(&self.collect_inline(c));
                if !text.trim().is_empty() {
                    self.deletions.push(text);
                }
            }
            "MARKER" => {
                let text = unescape(&self.collect_inline(c));
                if !text.trim().is_empty() {
                    self.placeholders.push(text);
                }
            }
            // Tracked insertions (accepted), underline (no Markdown form), and any other
            // markup: the content as it reads.
            _ => self.inline(c, out),
        }
    }

    fn collect_inline(&mut self, c: Node) -> String {
        let mut s = String::new();
        self.inline(c, &mut s);
        s
    }

    /// Emphasis that hugs its text: spaces inside the markers are moved outside, since
    /// CommonMark ignores `** x**`.
    fn wrapped(&mut self, c: Node, marker: &str, out: &mut String) {
        let inner = self.collect_inline(c);
        let trimmed = inner.trim();
        if trimmed.is_empty() {
            out.push_str(&inner);
            return;
        }
        if inner.starts_with(char::is_whitespace) {
            out.push(' ');
        }
        out.push_str(&format!("{marker}{trimmed}{marker}"));
        if inner.ends_with(char::is_whitespace) {
            out.push(' ');
        }
    }

    fn list(&mut self, list: Node, depth: usize) -> String {
        let ordered = xml::name(list) == "OL";
        let mut lines = Vec::new();
        let mut n = 0;
        for item in xml::children(list, "LI").collect::<Vec<_>>() {
            self.mark(item);
            n += 1;
            let mut text = String::new();
            let mut nested = Vec::new();
            for c in item.children() {
                if c.is_element() && matches!(xml::name(c), "UL" | "OL") {
                    self.mark(c);
                    nested.push(self.list(c, depth + 1));
                } else if c.is_element() && xml::name(c) == "P" {
                    self.mark(c);
                    if !text.trim().is_empty() {
                        text.push(' ');
                    }
                    self.inline(c, &mut text);
                } else if c.is_text() {
                    text.push_str(&escape(&normalise(c.text().unwrap_or(""))));
                } else if c.is_element() {
                    self.mark(c);
                    self.inline_element(c, &mut text);
                }
            }
            let bullet = if ordered {
                format!("{n}.")
            } else {
                "-".to_string()
            };
            lines.push(format!(
                "{}{bullet} {}",
                "   ".repeat(depth),
                tidy(&text).replace("\\\n", " ")
            ));
            lines.extend(nested);
        }
        // Anything in the list that is not an item is kept as text after it.
        for c in xml::elements(list).filter(|c| xml::name(*c) != "LI") {
            let mut text = String::new();
            self.inline(c, &mut text);
            if !text.trim().is_empty() {
                lines.push(tidy(&text));
            }
        }
        lines.join("\n")
    }

    /// The cells of a TABLE, row by row.
    pub fn table_cells(&mut self, table: Node) -> Vec<Vec<Cell>> {
        self.mark(table);
        self.attr(table, "COLS");
        self.attr(table, "ROWS");
        let mut rows = Vec::new();
        for tr in xml::descendants(table, "TR").collect::<Vec<_>>() {
            self.mark(tr);
            let mut cells = Vec::new();
            for cell in xml::elements(tr).collect::<Vec<_>>() {
                self.mark(cell);
                let header = xml::name(cell) == "TH";
                let span = |r: &mut Reader, name: &str| {
                    r.attr(cell, name)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, 100)
                };
                let colspan = span(self, "COLSPAN");
                let rowspan = span(self, "ROWSPAN");
                let mut layout = BTreeMap::new();
                for name in ["ALIGN", "VALIGN", "WIDTH"] {
                    if let Some(v) = self
                        .attr(cell, name)
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                    {
                        layout.insert(name.to_string(), v.to_string());
                    }
                }
                let text = self.markdown(cell);
                cells.push(Cell {
                    text,
                    header,
                    colspan,
                    rowspan,
                    layout,
                });
            }
            rows.push(cells);
        }
        // Text in the table outside any row (a caption) is marked by `markdown` of its parts.
        for c in xml::elements(table).filter(|c| !matches!(xml::name(*c), "TR" | "TBODY" | "THEAD"))
        {
            let extra = self.markdown(c);
            if !extra.is_empty() {
                rows.push(vec![Cell {
                    text: extra,
                    colspan: 1,
                    rowspan: 1,
                    ..Cell::default()
                }]);
            }
        }
        for group in xml::elements(table).filter(|c| matches!(xml::name(*c), "TBODY" | "THEAD")) {
            self.mark(group);
        }
        rows
    }

    /// A TABLE as a Markdown pipe table (row and column spans flattened).
    fn table(&mut self, table: Node) -> String {
        let rows = self.table_cells(table);
        let width = rows
            .iter()
            .map(|r| r.iter().map(|c| c.colspan).sum::<usize>())
            .max()
            .unwrap_or(0)
            .max(1);
        let line = |cells: &[Cell]| {
            let mut out: Vec<String> = Vec::new();
            for Cell { text, colspan, .. } in cells {
                out.push(
                    text.replace("\\\n", " ")
                        .replace("\n\n", " ")
                        .replace('\n', " ")
                        .replace('|', "\\|"),
                );
                out.extend(std::iter::repeat_n(String::new(), colspan - 1));
            }
            out.resize(width, String::new());
            format!("| {} |", out.join(" | "))
        };
        let mut lines = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            lines.push(line(r));
            if i == 0 {
                lines.push(format!("|{}", "---|".repeat(width)));
            }
        }
        lines.join("\n")
    }
}

/// The digit a superscript digit stands for ("¹" → '1').
pub(crate) fn from_superscript(c: char) -> Option<char> {
    const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    SUPERSCRIPT
        .iter()
        .position(|s| *s == c)
        .and_then(|d| char::from_digit(d as u32, 10))
}

/// Whether a text is only a web address.
fn is_address(t: &str) -> bool {
    let t = t.trim();
    (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www."))
        && !t.contains(char::is_whitespace)
}

/// The authors' notes to themselves in a block of Markdown — a bracketed phrase of two to
/// fifteen words of letters alone, such as "[These need to be changed]" — taken out, with the
/// space before each. Citations ("[1]"), "[sic]" and links are not such notes.
pub(crate) fn take_out_notes(block: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(block.len());
    let mut notes = Vec::new();
    let mut rest = block;
    while let Some(at) = rest.find("\\[") {
        let inner_start = at + 2;
        let Some(len) = rest[inner_start..].find("\\]") else {
            break;
        };
        let inner = &rest[inner_start..inner_start + len];
        let words: Vec<&str> = inner.split_whitespace().collect();
        let is_note = (2..=15).contains(&words.len())
            && inner.starts_with(|c: char| c.is_alphabetic())
            && inner
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '\'' | '-' | ',' | '?' | '!'));
        let end = inner_start + len + 2;
        if is_note {
            out.push_str(rest[..at].trim_end_matches(' '));
            notes.push(format!("[{inner}]"));
        } else {
            out.push_str(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    (out, notes)
}

/// Review Manager's template text, such as "[Summary text]".
fn is_placeholder(t: &str) -> bool {
    let t = unescape(t);
    let t = t.trim();
    t.starts_with('[') && t.ends_with(']') && !t[1..].contains('[')
}

/// Ends the paragraph being gathered.
fn flush(out: &mut Vec<String>, current: &mut String) {
    let p = tidy(current);
    if !p.is_empty() {
        out.push(p);
    }
    current.clear();
}

/// Collapses spaces (not the hard line breaks) and trims, hard line breaks at either end
/// included.
fn tidy(s: &str) -> String {
    let lines: Vec<String> = s
        .split("\\\n")
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(a), Some(b)) => lines[a..=b].join("\\\n"),
        _ => String::new(),
    }
}

/// A text node's whitespace: runs that touch a line end at either end are Review Manager's
/// pretty-printing and go ("withdr</INS>\n<INS>awal" reads "withdrawal"); other runs are one
/// space.
fn normalise(raw: &str) -> String {
    let leading = raw.len() - raw.trim_start().len();
    let trailing = raw.len() - raw.trim_end().len();
    if raw.trim().is_empty() {
        return if raw.contains('\n') || raw.is_empty() {
            String::new()
        } else {
            " ".into()
        };
    }
    let mut out = String::new();
    if leading > 0 && !raw[..leading].contains('\n') {
        out.push(' ');
    }
    out.push_str(&raw.split_whitespace().collect::<Vec<_>>().join(" "));
    if trailing > 0 && !raw[raw.len() - trailing..].contains('\n') {
        out.push(' ');
    }
    out
}

/// Markdown's special characters escaped, so that text reads as written (`@` too: an `@` in
/// Review Manager's text is never a citation; its citations are its links).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '@'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Markdown escapes taken off: the text as it reads.
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            out.push(chars.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
    out
}

/// Superscript or subscript as Unicode characters where each has one ("m²"), else marked
/// with `^` or `_` and brackets.
fn scripted(inner: &str, sup: bool) -> String {
    const SUP: [(char, char); 14] = [
        ('0', '⁰'),
        ('1', '¹'),
        ('2', '²'),
        ('3', '³'),
        ('4', '⁴'),
        ('5', '⁵'),
        ('6', '⁶'),
        ('7', '⁷'),
        ('8', '⁸'),
        ('9', '⁹'),
        ('+', '⁺'),
        ('-', '⁻'),
        ('(', '⁽'),
        (')', '⁾'),
    ];
    const SUB: [(char, char); 14] = [
        ('0', '₀'),
        ('1', '₁'),
        ('2', '₂'),
        ('3', '₃'),
        ('4', '₄'),
        ('5', '₅'),
        ('6', '₆'),
        ('7', '₇'),
        ('8', '₈'),
        ('9', '₉'),
        ('+', '₊'),
        ('-', '₋'),
        ('(', '₍'),
        (')', '₎'),
    ];
    let table = if sup { &SUP } else { &SUB };
    let plain = unescape(inner.trim());
    let mapped: Option<String> = plain
        .chars()
        .map(|c| table.iter().find(|(from, _)| *from == c).map(|(_, to)| *to))
        .collect();
    match mapped {
        Some(m) if !m.is_empty() => m,
        _ if plain.is_empty() => String::new(),
        // Footnote markers such as "1,2,3" and other text.
        _ => format!("{}({})", if sup { "^" } else { "\\_" }, inner.trim()),
    }
}

/// Unread elements with content (the topmost of each unread subtree, by path) and unread
/// non-empty attributes of read elements (`PATH@NAME`), with their counts.
pub(crate) fn unread(doc: &xml::Document, reader: &Reader) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let root = doc.root_element();
    let mut stack = vec![(root, xml::name(root).to_string())];
    while let Some((node, path)) = stack.pop() {
        let id = node.id().get_usize();
        if !reader.element_read[id] {
            if has_content(node) {
                *counts.entry(path).or_default() += 1;
            }
            continue;
        }
        let base = reader.attribute_base[id];
        for (i, a) in node.attributes().enumerate() {
            if !reader.attribute_read[base + i] && !a.value().trim().is_empty() {
                *counts.entry(format!("{path}@{}", a.name())).or_default() += 1;
            }
        }
        for c in xml::elements(node) {
            stack.push((c, format!("{path}/{}", xml::name(c))));
        }
    }
    counts.into_iter().collect()
}

/// Whether an element holds text or a non-empty attribute anywhere.
fn has_content(node: Node) -> bool {
    node.descendants().any(|d| {
        (d.is_text() && !d.text().unwrap_or("").trim().is_empty())
            || (d.is_element() && d.attributes().any(|a| !a.value().trim().is_empty()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(xml_text: &str) -> (String, Reader) {
        let doc = xml::parse(xml_text).unwrap();
        let mut r = Reader::new(&doc);
        let md = r.markdown(doc.root_element());
        (md, r)
    }

    #[test]
    fn joins_tracked_change_fragments_without_inventing_spaces() {
        let (md, r) = convert(
            "<NAME>\n<INS MODIFIED=\"x\">Acceptability (withdr</INS>\n<INS>awal due to inefficacy)</INS>\n<DEL>old words</DEL>\n</NAME>",
        );
        assert_eq!(md, "Acceptability (withdrawal due to inefficacy)");
        assert_eq!(r.deletions, vec!["old words".to_string()]);
    }

    #[test]
    fn converts_markup_to_markdown() {
        let (md, r) = convert(
            "<X><P>See <LINK REF=\"STD-A\" TYPE=\"STUDY\">A 2001</LINK> and <B>very low </B>\n<SUP>1,2</SUP> m<SUP>2</SUP>; 5*3_2 [x]</P>\n<UL>\n<LI>one</LI>\n<LI><P>two</P></LI>\n</UL><P><A HREF=\"https://example.org\">site</A> <A HREF=\"javascript:x\">bad</A></P></X>",
        );
        assert_eq!(
            md,
            "See A 2001 and **very low** ^(1,2) m²; 5\\*3\\_2 \\[x\\]\n\n- one\n- two\n\n[site](https://example.org) bad (javascript:x)"
        );
        assert_eq!(r.citations.len(), 1);
        assert_eq!(r.citations[0].target, "STD-A");
        assert_eq!(r.citations[0].text, "A 2001");
    }

    #[test]
    fn takes_the_authors_notes_out_of_their_text() {
        let (text, notes) =
            take_out_notes("The aims of this review. \\[These need to be changed\\]\n\n1. To");
        assert_eq!(text, "The aims of this review.\n\n1. To");
        assert_eq!(notes, vec!["[These need to be changed]"]);
        for kept in ["See \\[1\\] here", "It \\[sic\\] was", "\\[Smith 2004\\]"] {
            assert_eq!(
                take_out_notes(kept),
                (kept.to_string(), Vec::new()),
                "{kept}"
            );
        }
    }

    #[test]
    fn sets_placeholders_and_markers_aside() {
        let (md, r) =
            convert("<X><P>[Summary text]</P><P>Kept <MARKER>guidance</MARKER>text</P></X>");
        assert_eq!(md, "Kept text");
        assert_eq!(r.placeholders, vec!["guidance", "\\[Summary text\\]"]);
    }

    #[test]
    fn finds_what_was_not_read() {
        let doc = xml::parse("<R A=\"1\" B=\"\"><X><Y>t</Y></X><Z/><W C=\"2\"/></R>").unwrap();
        let mut r = Reader::new(&doc);
        let root = doc.root_element();
        r.mark(root);
        r.child(root, "W");
        assert_eq!(
            unread(&doc, &r),
            vec![
                ("R/W@C".to_string(), 1),
                ("R/X".to_string(), 1),
                ("R@A".to_string(), 1)
            ]
        );
    }
}
