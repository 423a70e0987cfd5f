//! The opt-in for raw HTML in author Markdown (`raw_html: true` in review.yaml): a strict
//! allowlist that rebuilds each tag it accepts from parsed parts, so only known tags with known
//! attributes and safe URLs reach the page. Anything it does not understand stays text.
//!
//! Why not a general sanitiser (ammonia): it pulls in an HTML5 parser and a dozen crates for a
//! feature most reviews never use; the few tags authors need in prose (sub/superscripts, line
//! breaks, small tables, emphasis) fit a closed list, and a tag rebuilt from its parts cannot
//! smuggle anything the list does not name.

use super::escape;

/// Tags authors may write, with the attributes each accepts (beyond the global ones).
const TAGS: &[(&str, &[&str])] = &[
    ("a", &["href"]),
    ("abbr", &[]),
    ("b", &[]),
    ("br", &[]),
    ("caption", &[]),
    ("cite", &[]),
    ("code", &[]),
    ("dd", &[]),
    ("del", &[]),
    ("details", &[]),
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
    ("ol", &[]),
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

/// Attributes every allowed tag accepts.
const GLOBAL: &[&str] = &["id", "class", "title", "lang"];

/// Turns a raw HTML chunk from author Markdown into safe HTML: allowed tags are rebuilt with
/// their allowed attributes (values escaped), everything else (unknown tags, comments,
/// `<script>`, event handlers, `javascript:` URLs) is escaped and shown as text.
pub fn sanitise(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find('<') {
        text(&rest[..start], &mut out);
        let after = &rest[start..];
        match parse_tag(after) {
            Some((tag, len)) => {
                out.push_str(&tag);
                rest = &after[len..];
            }
            None => {
                out.push_str("&lt;");
                rest = &after[1..];
            }
        }
    }
    text(rest, &mut out);
    out
}

/// Text between tags: escaped, except for well-formed character references (`&nbsp;`, `&#8804;`),
/// which cannot carry markup.
fn text(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&escape::html(&rest[..i]));
        let after = &rest[i + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with(';') {
            out.push('&');
            out.push_str(&after[..=name_len]);
            rest = &after[name_len + 1..];
        } else {
            out.push_str("&amp;");
            rest = after;
        }
    }
    out.push_str(&escape::html(rest));
}

/// Parses one tag at the start of `s` (which starts with `<`); returns the rebuilt tag and the
/// number of bytes it took, or None if it is not an allowed, well-formed tag.
fn parse_tag(s: &str) -> Option<(String, usize)> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let (inner, self_closing) = match inner.trim_end().strip_suffix('/') {
        Some(rest) => (rest, true),
        None => (inner, false),
    };
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = inner[..name_len].to_ascii_lowercase();
    let (_, allowed) = TAGS.iter().find(|(t, _)| *t == name)?;
    let attributes = parse_attributes(&inner[name_len..])?;
    if closing {
        return (attributes.is_empty() && !self_closing).then(|| (format!("</{name}>"), end + 1));
    }
    let mut tag = format!("<{name}");
    for (key, value) in attributes {
        if !(GLOBAL.contains(&key.as_str()) || allowed.contains(&key.as_str())) {
            return None;
        }
        if (key == "href" || key == "src") && !safe_url(&key, &value) {
            return None;
        }
        tag.push_str(&format!(" {key}=\"{}\"", escape::html(&value)));
    }
    tag.push_str(if self_closing { " />" } else { ">" });
    Some((tag, end + 1))
}

/// `name="value"`, `name='value'`, `name=value` or a bare `name`, separated by white space.
/// None on anything else.
fn parse_attributes(mut s: &str) -> Option<Vec<(String, String)>> {
    let mut attributes = Vec::new();
    loop {
        let trimmed = s.trim_start();
        if trimmed.is_empty() {
            return Some(attributes);
        }
        if trimmed.len() == s.len() {
            // Attributes must be separated from the name and from each other by white space.
            return None;
        }
        s = trimmed;
        let key_len = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(s.len());
        if key_len == 0 {
            return None;
        }
        let key = s[..key_len].to_ascii_lowercase();
        s = &s[key_len..];
        let Some(rest) = s.trim_start().strip_prefix('=') else {
            attributes.push((key, String::new()));
            continue;
        };
        let rest = rest.trim_start();
        let (value, len) = match rest.chars().next()? {
            q @ ('"' | '\'') => {
                let close = rest[1..].find(q)?;
                (&rest[1..=close], close + 2)
            }
            _ => {
                let len = rest
                    .find(|c: char| c.is_whitespace() || "\"'<>=`".contains(c))
                    .unwrap_or(rest.len());
                (&rest[..len], len)
            }
        };
        if value.contains('&') {
            // Entities in attribute values could spell a scheme (`javascript&colon;`).
            return None;
        }
        attributes.push((key, value.to_string()));
        s = &rest[len..];
    }
}

/// Links may go to relative paths, anchors, http(s) and mailto; images only to relative paths,
/// so that the page never loads anything from the network.
fn safe_url(key: &str, url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .filter(|(before, _)| !before.contains(['/', '?', '#']))
        .map(|(s, _)| s);
    match (key, scheme) {
        ("href", Some(s)) => matches!(s, "http" | "https" | "mailto"),
        (_, Some(_)) => false,
        (_, None) => !lower.starts_with("//"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_allowed_tags_rebuilt() {
        assert_eq!(sanitise("H<sub>2</sub>O"), "H<sub>2</sub>O");
        assert_eq!(
            sanitise("<td align=right colspan='2'>x</td>"),
            "<td align=\"right\" colspan=\"2\">x</td>"
        );
        assert_eq!(sanitise("a<br/>b &nbsp; &"), "a<br />b &nbsp; &amp;");
        assert_eq!(
            sanitise("<a href=\"https://doi.org/x\">doi</a>"),
            "<a href=\"https://doi.org/x\">doi</a>"
        );
    }

    #[test]
    fn refuses_scripts_handlers_and_script_urls() {
        for hostile in [
            "<script>alert(1)</script>",
            "<b onclick=alert(1)>x</b>",
            "<a href=javascript:alert(1)>x</a>",
            "<a href=\"java&#115;cript:alert(1)\">x</a>",
            "<a href=\" javascript:alert(1)\">x</a>",
            "<img src=x onerror=alert(1)>",
            "<img src=https://example.org/t.png>",
            "<img src=//example.org/t.png>",
            "<svg onload=alert(1)>",
            "<iframe src=x>",
            "<style>body{}</style>",
            "<!-- <script> -->",
            "<b/onclick=alert(1)>",
            "<a href=x\"onclick=alert(1)>",
        ] {
            let out = sanitise(hostile).to_ascii_lowercase();
            // Every tag left in the output is one the allowlist rebuilt.
            let tags: Vec<&str> = out
                .split('<')
                .skip(1)
                .map(|t| t.split('>').next().unwrap_or(t))
                .collect();
            assert!(
                tags.iter().all(|t| !t.starts_with("script")
                    && !t.starts_with("svg")
                    && !t.starts_with("iframe")
                    && !t.starts_with("style")
                    && !t.contains(" on")
                    && !t.contains("javascript")
                    && !t.contains("http")
                    && !t.contains("//")),
                "{hostile} -> {out}"
            );
        }
    }
}
