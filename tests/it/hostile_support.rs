//! Helpers for the hostile-input tests: a tiny deterministic PRNG, YAML quoting, a checker for
//! executable markup in HTML and SVG, and a table-shape check for Markdown.

use std::path::{Path, PathBuf};

/// SplitMix64: a tiny deterministic generator, so that every run tests the same cases.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// A string as a YAML double-quoted scalar (JSON's string syntax is valid YAML).
pub fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A string as a CSV cell, always quoted.
pub fn csv_cell(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Tags that revmark's templates, pulldown-cmark and SVG figures legitimately produce.
const HTML_TAGS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "nav",
    "header",
    "footer",
    "section",
    "article",
    "aside",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "ul",
    "ol",
    "li",
    "div",
    "span",
    "br",
    "hr",
    "img",
    "figure",
    "figcaption",
    "sup",
    "sub",
    "small",
    "caption",
    "dl",
    "dt",
    "dd",
    "b",
    "i",
    "u",
    "s",
    "details",
    "summary",
    // Inline SVG figures.
    "svg",
    "g",
    "rect",
    "line",
    "polyline",
    "polygon",
    "path",
    "circle",
    "ellipse",
    "text",
    "tspan",
    "desc",
    "defs",
    "clippath",
    "lineargradient",
    "stop",
    "marker",
    "pattern",
    "symbol",
    // Marks drawn once in <defs> and placed by reference: allowed only with an href inside
    // the same document (checked in `executable_markup`).
    "use",
];

/// Attributes whose values are URLs.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "xlink:href", "action", "formaction", "data"];

/// One start or end tag found in markup.
#[derive(Debug)]
pub struct Tag {
    /// Lower-cased name.
    pub name: String,
    /// Whether it is `</name>`.
    pub closing: bool,
    /// Whether it ends with `/>`.
    pub self_closing: bool,
    /// Attributes, names lower-cased, values with character references decoded.
    pub attributes: Vec<(String, String)>,
}

/// Every tag in an HTML or SVG text, as a browser's tokenizer would see them (in outline:
/// comments, doctype and processing instructions are skipped; text inside `<style>` is CSS).
pub fn tags(markup: &str) -> Result<Vec<Tag>, String> {
    let bytes = markup.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = markup[i..].find('<') {
        let start = i + off;
        let rest = &markup[start..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").ok_or("an unclosed comment")?;
            i = start + end + 3;
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            let end = rest.find('>').ok_or("an unclosed declaration")?;
            i = start + end + 1;
            continue;
        }
        let mut j = start + 1;
        let closing = bytes.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_start = j;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-' || bytes[j] == b':')
        {
            j += 1;
        }
        if j == name_start {
            // "<" not followed by a name is text for a browser.
            i = start + 1;
            continue;
        }
        let name = markup[name_start..j].to_ascii_lowercase();
        let mut attributes = Vec::new();
        let mut self_closing = false;
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                self_closing = bytes[j] == b'/';
                j += 1;
            }
            if j >= bytes.len() {
                return Err(format!("an unclosed tag <{name}"));
            }
            if bytes[j] == b'>' {
                j += 1;
                break;
            }
            self_closing = false;
            let key_start = j;
            while j < bytes.len() && !b" \t\r\n/>=".contains(&bytes[j]) {
                j += 1;
            }
            let key = markup[key_start..j].to_ascii_lowercase();
            let mut value = String::new();
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                if let Some(&q @ (b'"' | b'\'')) = bytes.get(j) {
                    let end = markup[j + 1..]
                        .find(q as char)
                        .ok_or("an unclosed attribute value")?;
                    value = markup[j + 1..j + 1 + end].to_string();
                    j += end + 2;
                } else {
                    let v = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = markup[v..j].to_string();
                }
            }
            attributes.push((key, decode(&value)));
        }
        i = j;
        if name == "style" && !closing {
            // CSS is text up to </style>.
            let end = markup[i..].find("</style>").ok_or("an unclosed style")?;
            i += end;
        }
        out.push(Tag {
            name,
            closing,
            self_closing,
            attributes,
        });
    }
    Ok(out)
}

/// Decodes the character references a browser would decode in an attribute value.
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "colon" => Some(':'),
                    "tab" => Some('\t'),
                    "newline" => Some('\n'),
                    _ => None,
                }
            };
            c.map(|c| (c, e))
        });
        if let Some((c, e)) = decoded {
            out.push(c);
            rest = &after[e + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The problems of executable or network-reaching markup in an HTML or SVG text: unknown tags
/// (script, iframe, object, foreignObject, animate...), event-handler attributes, scripting,
/// `file:` or network URLs (except links to the web, `<a href="https://...">`).
pub fn executable_markup(markup: &str) -> Vec<String> {
    let tags = match tags(markup) {
        Ok(t) => t,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    for tag in &tags {
        if !HTML_TAGS.contains(&tag.name.as_str()) {
            problems.push(format!("a <{}> tag", tag.name));
        }
        if tag.name == "use"
            && !tag
                .attributes
                .iter()
                .any(|(key, value)| key == "href" && value.starts_with('#'))
        {
            problems.push("a <use> that does not name a mark of its own document".into());
        }
        for (key, value) in &tag.attributes {
            if key.starts_with("on") {
                problems.push(format!("an event handler {key}= on <{}>", tag.name));
            }
            if URL_ATTRIBUTES.contains(&key.as_str()) {
                let url: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                // A link to the web loads nothing until it is followed; anything else on the
                // web would be loaded with the page.
                let web_link = tag.name == "a" && key == "href";
                for scheme in [
                    "javascript:",
                    "vbscript:",
                    "data:",
                    "file:",
                    "http:",
                    "https:",
                    "//",
                ] {
                    let followed = web_link && matches!(scheme, "http:" | "https:");
                    if url.starts_with(scheme) && !followed {
                        problems.push(format!("{key}=\"{value}\" on <{}>", tag.name));
                    }
                }
            }
            if key == "style" && value.to_ascii_lowercase().contains("url(") {
                problems.push(format!("a style with url() on <{}>", tag.name));
            }
        }
    }
    problems
}

/// The problems of an SVG's tag structure: every opened element closed in order, so that a
/// `</text>` in data cannot end an element early.
pub fn svg_balance(svg: &str) -> Vec<String> {
    let tags = match tags(svg) {
        Ok(t) => t,
        Err(e) => return vec![e],
    };
    let mut stack: Vec<&str> = Vec::new();
    let mut problems = Vec::new();
    for tag in &tags {
        if tag.closing {
            if stack.pop() != Some(tag.name.as_str()) {
                problems.push(format!("</{}> closes the wrong element", tag.name));
            }
        } else if !tag.self_closing {
            stack.push(&tag.name);
        }
    }
    if !stack.is_empty() {
        problems.push(format!("unclosed elements {stack:?}"));
    }
    problems
}

/// Cells in a Markdown table line, counting only unescaped pipes.
fn cells(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

/// The problems of Markdown tables: every line of a table has as many cells as its header.
pub fn broken_tables(markdown: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut header: Option<(usize, &str)> = None;
    for (n, line) in markdown.lines().enumerate() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        match header {
            None => header = Some((cells(line), line)),
            Some((count, head)) if cells(line) != count => problems.push(format!(
                "line {}: {} cells where the header `{head}` has {count}: {line}",
                n + 1,
                cells(line)
            )),
            Some(_) => {}
        }
    }
    problems
}

/// The problems of HTML tables: every row of a table spans the same number of columns.
pub fn broken_html_tables(html: &str) -> Vec<String> {
    let Ok(tags) = tags(html) else {
        return vec!["unparsable HTML".into()];
    };
    let mut problems = Vec::new();
    let mut widths: Vec<usize> = Vec::new();
    let mut current = 0;
    for tag in &tags {
        match (tag.name.as_str(), tag.closing) {
            ("table", false) => widths.clear(),
            ("tr", false) => current = 0,
            // A cell counts as the columns it spans.
            ("td" | "th", false) => {
                current += tag
                    .attributes
                    .iter()
                    .find(|(name, _)| name == "colspan")
                    .and_then(|(_, span)| span.parse::<usize>().ok())
                    .unwrap_or(1);
            }
            ("tr", true) => widths.push(current),
            ("table", true) if widths.windows(2).any(|w| w[0] != w[1]) => {
                problems.push(format!("a table with rows of {widths:?} cells"));
            }
            _ => {}
        }
    }
    problems
}

/// Markdown rendered the way a permissive publisher would (raw HTML passed through), so that
/// any markup the Markdown escape missed shows up as markup.
pub fn permissive_html(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(
            markdown,
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
        ),
    );
    out
}

/// Every file under `dir` (recursively), sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files(&path));
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Elements that have no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// The problems of an HTML text as html5ever's tokenizer (a browser's) reads it: its parse
/// errors, and any element not closed in order (a stray `</div>`, an `<a>` left open).
pub fn html_problems(html: &str) -> Vec<String> {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{
        BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    };
    use std::cell::RefCell;

    #[derive(Default)]
    struct Balance {
        open: RefCell<Vec<String>>,
        problems: RefCell<Vec<String>>,
    }

    impl TokenSink for Balance {
        type Handle = ();
        fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
            let mut problems = self.problems.borrow_mut();
            match token {
                Token::ParseError(e) => problems.push(format!("line {line}: {e}")),
                Token::TagToken(tag) => {
                    let name = tag.name.to_string();
                    let mut open = self.open.borrow_mut();
                    match tag.kind {
                        TagKind::StartTag if VOID.contains(&name.as_str()) => {}
                        TagKind::StartTag if tag.self_closing => {
                            problems.push(format!("line {line}: <{name}/> is not void"));
                        }
                        TagKind::StartTag => open.push(name),
                        TagKind::EndTag => match open.pop() {
                            Some(last) if last == name => {}
                            last => {
                                problems.push(format!("line {line}: </{name}> closes {last:?}"));
                            }
                        },
                    }
                }
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }

    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let tokenizer = Tokenizer::new(Balance::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut problems = tokenizer.sink.problems.take();
    let open = tokenizer.sink.open.take();
    if !open.is_empty() {
        problems.push(format!("unclosed elements {open:?}"));
    }
    problems
}
