//! The authors' raw HTML, kept when review.yaml says `raw_html: true`: parsed by ammonia
//! (html5ever's HTML5 tree builder, as a browser parses it) and written back balanced, with
//! only the tags and attributes of a closed list and only the targets [`super::policy`] allows.
//!
//! Why ammonia: a tree builder is what makes `</div></div>` or an unclosed `<a href>` come out
//! balanced, and ammonia is the maintained sanitiser on html5ever's. It adds 52 crates and
//! about 20 s of CPU to a clean debug build (75 s to 96 s, 2 cores); html5ever alone would be
//! about half of that, plus a hand-written tree sink and serialiser to maintain.
//!
//! Two passes. [`author_html`] runs on each prose field's raw HTML, where every id and class
//! is the author's: reserved ids and all classes go. [`page_html`] runs on the whole page body
//! built from review.md, where revmark's own markup is mixed in: it balances the body as one
//! tree and keeps revmark's own ids (marked with [`OWN`] by the caller) while dropping any
//! author id that would collide with them.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::policy::{self, Target};

/// Marks an id or link target that revmark itself wrote into the page body, so that
/// [`page_html`] can tell it from an author's. A private-use character that prose cannot hold
/// when the body is built ([`strip_private`] removes it).
pub const OWN: char = '\u{E000}';
/// Delimits a placeholder for the Markdown between the HTML parts of a prose field.
const HOLE: char = '\u{E001}';

/// Tags the authors may write, with the attributes each accepts beyond the global `id`,
/// `title` and `lang`.
const AUTHOR_TAGS: &[(&str, &[&str])] = &[
    ("a", &["href"]),
    ("abbr", &[]),
    ("b", &[]),
    ("br", &[]),
    ("caption", &[]),
    ("cite", &[]),
    ("code", &[]),
    ("dd", &[]),
    ("del", &[]),
    ("details", &["open"]),
    ("div", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("hr", &[]),
    ("i", &[]),
    ("img", &["src", "alt", "width", "height"]),
    ("ins", &[]),
    ("kbd", &[]),
    ("li", &[]),
    ("mark", &[]),
    ("ol", &["start"]),
    ("p", &[]),
    ("q", &[]),
    ("s", &[]),
    ("small", &[]),
    ("span", &[]),
    ("strong", &[]),
    ("sub", &[]),
    ("summary", &[]),
    ("sup", &[]),
    ("table", &[]),
    ("tbody", &[]),
    ("td", &["colspan", "rowspan", "align"]),
    ("tfoot", &[]),
    ("th", &["colspan", "rowspan", "align", "scope"]),
    ("thead", &[]),
    ("tr", &[]),
    ("u", &[]),
    ("ul", &[]),
];

/// What revmark's own Markdown rendering adds to the page body: headings, code blocks, quotes
/// and table alignment.
const PAGE_TAGS: &[(&str, &[&str])] = &[
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("pre", &[]),
    ("blockquote", &[]),
    ("a", &["href", "title"]),
    ("img", &["src", "alt", "title", "width", "height"]),
    ("td", &["colspan", "rowspan", "align", "style"]),
    ("th", &["colspan", "rowspan", "align", "scope", "style"]),
];

/// Elements removed with everything in them: script and style, and those whose content a
/// browser reads as text (so it cannot hide markup).
const REMOVED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "title",
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "template",
];

/// A sanitiser for `tags`, with `generic` attributes on every tag and `filter` deciding on
/// each attribute value that passed the lists.
fn builder(
    tags: &[&[(&'static str, &'static [&'static str])]],
    generic: &[&'static str],
    filter: impl Fn(&str, &str, &str) -> Option<String> + Send + Sync + 'static,
) -> ammonia::Builder<'static> {
    let mut attributes: HashMap<&'static str, HashSet<&'static str>> = HashMap::new();
    for (tag, allowed) in tags.iter().flat_map(|list| list.iter()) {
        attributes
            .entry(tag)
            .or_default()
            .extend(allowed.iter().copied());
    }
    let mut b = ammonia::Builder::empty();
    b.tags(attributes.keys().copied().collect())
        .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(attributes)
        .tag_attribute_values(HashMap::new())
        .generic_attributes(generic.iter().copied().collect())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true)
        .filter_style_properties(["text-align"].into_iter().collect())
        .attribute_filter(move |element, attribute, value| {
            filter(element, attribute, value).map(std::borrow::Cow::Owned)
        });
    b
}

/// The URL policy on `href` and `src`; other attributes pass as they are.
fn url_filter(attribute: &str, value: &str) -> Option<String> {
    let target = match attribute {
        "href" => Target::Link,
        "src" => Target::Image,
        _ => return Some(value.to_string()),
    };
    policy::allowed(value, target).then(|| value.to_string())
}

static AUTHOR: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    builder(
        &[AUTHOR_TAGS],
        &["id", "title", "lang"],
        |_, attribute, value| match attribute {
            "id" => policy::author_id_allowed(value).then(|| value.to_string()),
            _ => url_filter(attribute, value),
        },
    )
});

/// An author's raw HTML (a whole prose field's, so that its tags can balance one another) as
/// the authors' list allows it: balanced, reserved ids and every class dropped, link and image
/// targets by the policy, comments, scripts and styles gone.
pub fn author_html(html: &str) -> String {
    AUTHOR.clean(html).to_string()
}

/// The page body (the HTML made from review.md) balanced as one tree, with the tags of both
/// lists. Ids marked [`OWN`] are revmark's and kept (unmarked); any other id is an author's
/// and is dropped when it equals one of revmark's (`own_ids`) or is reserved.
pub fn page_html(html: &str, own_ids: &HashSet<String>) -> String {
    let own_ids = own_ids.clone();
    builder(
        &[AUTHOR_TAGS, PAGE_TAGS],
        &["id", "class", "title", "lang"],
        move |_, attribute, value| {
            let own = value.contains(OWN);
            let value = value.replace(OWN, "");
            match attribute {
                "id" if own => Some(value),
                "id" => (policy::author_id_allowed(&value) && !own_ids.contains(&value))
                    .then_some(value),
                _ => url_filter(attribute, &value),
            }
        },
    )
    .clean(html)
    .to_string()
}

/// `text` without the private-use characters this module uses as marks (each becomes U+FFFD),
/// so that no text can forge one.
pub fn strip_private(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([OWN, HOLE]) {
        text.replace([OWN, HOLE], "\u{FFFD}").into()
    } else {
        text.into()
    }
}

/// A prose field's Markdown with its raw HTML parts (`html`: byte ranges, in order, not
/// overlapping) replaced by what [`author_html`] makes of all of them together, the Markdown
/// between them kept as it is. The parts are sanitised as one fragment, with a placeholder
/// for each stretch of Markdown, so that a tag opened in one part and closed in another stays
/// a pair, and a tag closed nowhere in the field is closed at its end.
pub fn field_with_author_html(markdown: &str, html: &[std::ops::Range<usize>]) -> String {
    let markdown = strip_private(markdown);
    let mut fragment = String::with_capacity(markdown.len() + 16);
    let mut stretches: Vec<&str> = Vec::new();
    let mut at = 0;
    for range in html {
        if range.start > at {
            hole(&mut fragment, &mut stretches, &markdown[at..range.start]);
        }
        fragment.push_str(&markdown[range.clone()]);
        at = range.end;
    }
    if at < markdown.len() {
        hole(&mut fragment, &mut stretches, &markdown[at..]);
    }
    let clean = author_html(&fragment);
    // Put the Markdown back. A placeholder that the sanitiser dropped (inside a removed
    // `<script>`) takes its Markdown with it.
    let mut out = String::with_capacity(clean.len() + markdown.len());
    let mut rest = clean.as_str();
    while let Some(start) = rest.find(HOLE) {
        out.push_str(&rest[..start]);
        let after = &rest[start + HOLE.len_utf8()..];
        let Some(end) = after.find(HOLE) else {
            break;
        };
        if let Some(stretch) = after[..end]
            .parse::<usize>()
            .ok()
            .and_then(|i| stretches.get(i))
        {
            out.push_str(stretch);
        }
        rest = &after[end + HOLE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Adds a placeholder for a stretch of Markdown.
fn hole<'a>(fragment: &mut String, stretches: &mut Vec<&'a str>, stretch: &'a str) {
    fragment.push(HOLE);
    fragment.push_str(&stretches.len().to_string());
    fragment.push(HOLE);
    stretches.push(stretch);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_allowed_tags() {
        assert_eq!(author_html("H<sub>2</sub>O"), "H<sub>2</sub>O");
        assert_eq!(
            author_html("<td align=right colspan='2'>x</td>"),
            "x",
            "a cell outside a table is no cell"
        );
        assert_eq!(
            author_html("<table><tr><td align=right colspan='2'>x</td></tr></table>"),
            "<table><tbody><tr><td align=\"right\" colspan=\"2\">x</td></tr></tbody></table>"
        );
        assert_eq!(author_html("a<br/>b &nbsp; &"), "a<br>b &nbsp; &amp;");
        assert_eq!(
            author_html("<a href=\"https://doi.org/x\">doi</a>"),
            "<a href=\"https://doi.org/x\">doi</a>"
        );
    }

    #[test]
    fn balances_what_is_open_or_closed_too_often() {
        assert_eq!(author_html("</div></div>x"), "x");
        assert_eq!(
            author_html("<a href=\"#n\">open"),
            "<a href=\"#n\">open</a>"
        );
        assert_eq!(author_html("<b><i>x</b>y</i>"), "<b><i>x</i></b><i>y</i>");
    }

    #[test]
    fn refuses_scripts_handlers_remote_images_and_reserved_names() {
        for (hostile, expected) in [
            ("<script>alert(1)</script>x", "x"),
            ("<b onclick=alert(1)>x</b>", "<b>x</b>"),
            ("<a href=javascript:alert(1)>x</a>", "<a>x</a>"),
            ("<a href=\"java&#115;cript:alert(1)\">x</a>", "<a>x</a>"),
            ("<a href=\"file:///etc/passwd\">x</a>", "<a>x</a>"),
            ("<img src=x onerror=alert(1)>", "<img src=\"x\">"),
            (
                "<img src=\"x.png\"/onerror=alert(1)>",
                "<img src=\"x.png\">",
            ),
            ("<img src=https://example.org/t.png>", "<img>"),
            ("<img src=//example.org/t.png>", "<img>"),
            ("<svg onload=alert(1)>x</svg>", "x"),
            ("<iframe src=x>y</iframe>z", "z"),
            ("<style>body{}</style>x", "x"),
            ("<!-- <script> -->x", "x"),
            (
                "<span id=\"revmark-error\" class=\"generated\">x</span>",
                "<span>x</span>",
            ),
            (
                "<span id=\"mine\" title=\"t\">x</span>",
                "<span id=\"mine\" title=\"t\">x</span>",
            ),
        ] {
            assert_eq!(author_html(hostile), expected, "{hostile}");
        }
    }

    #[test]
    fn a_fields_parts_balance_across_its_markdown() {
        let md = "H<sub>2</sub>O and <a href=\"https://x.org\">**open** to the end\n\n</div>";
        let ranges: Vec<_> = ["<sub>", "</sub>", "<a href=\"https://x.org\">", "</div>"]
            .iter()
            .map(|tag| {
                let at = md.find(tag).unwrap();
                at..at + tag.len()
            })
            .collect();
        assert_eq!(
            field_with_author_html(md, &ranges),
            "H<sub>2</sub>O and <a href=\"https://x.org\">**open** to the end\n\n</a>"
        );
    }

    #[test]
    fn the_page_keeps_its_own_ids_and_drops_colliding_ones() {
        let own: HashSet<String> = ["results".to_string()].into();
        let body = format!(
            "<h2 id=\"{OWN}results\">R</h2><span id=\"results\">a</span><span id=\"x\">b</span><sup class=\"footnote-reference\"><a href=\"#{OWN}1\">1</a></sup></div></div>"
        );
        assert_eq!(
            page_html(&body, &own),
            "<h2 id=\"results\">R</h2><span>a</span><span id=\"x\">b</span><sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>"
        );
    }

    #[test]
    fn table_alignment_survives() {
        let html = "<table><thead><tr><th style=\"text-align: right; color: red\">a</th></tr></thead></table>";
        assert_eq!(
            page_html(html, &HashSet::new()),
            "<table><thead><tr><th style=\"text-align:right\">a</th></tr></thead></table>"
        );
    }
}
