//! Escaping data for Markdown and HTML. Every string that comes from a review file passes
//! through here before it reaches output; only prose fields are left as Markdown.

/// Escapes text so that Markdown renders it literally: inline markup, table pipes and
/// line-start block markers are backslash-escaped; `<` is written `&lt;`, which every Markdown
/// dialect reads as text (a backslash does not stop Python-Markdown from reading a tag); line
/// breaks become spaces. `@` is escaped too, so that a printed value never reads as a citation
/// (`crate::citation`).
pub fn markdown(text: &str) -> String {
    if !needs_markdown_escape(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    // Every character that changes is ASCII: the runs between them are copied whole.
    let bytes = text.as_bytes();
    let mut copied = 0;
    for (at, &b) in bytes.iter().enumerate() {
        let next = bytes.get(at + 1).copied();
        let (replacement, skip) = match b {
            b'<' => ("&lt;", true),
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'>' | b'|' | b'~' | b'{' | b'}' | b'$'
            | b'@' => ("\\", false),
            // An ampersand only needs escaping where it could start an entity (&amp; &#60;).
            b'&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == b'#') => ("\\", false),
            b'#' | b'+' | b'-' | b'=' if at == 0 => ("\\", false),
            b'!' if next == Some(b'[') => ("\\", false),
            b'\r' => ("", true),
            b'\n' => (" ", true),
            _ => continue,
        };
        // A backslash goes before the character, which is copied with the run after it.
        out.push_str(&text[copied..at]);
        out.push_str(replacement);
        copied = if skip { at + 1 } else { at };
    }
    out.push_str(&text[copied..]);
    // "1. Smith" or "2) Jones" at the start of a line would become a list item.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    let rest = &out[digits..];
    let marker =
        rest.starts_with(['.', ')']) && (rest.len() == 1 || rest[1..].starts_with([' ', '\t']));
    if digits > 0 && marker {
        out.insert(digits, '\\');
    }
    out
}

/// Whether [`markdown`] would change the text: most printed values (names, numbers, labels)
/// need no escaping and can be written as they are. Errs on the side of escaping: any `&` or
/// leading digit takes the full path, which decides exactly.
fn needs_markdown_escape(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '#' | '+' | '-' | '='))
        || text.bytes().any(|b| {
            matches!(
                b,
                b'\\'
                    | b'`'
                    | b'*'
                    | b'_'
                    | b'['
                    | b']'
                    | b'<'
                    | b'>'
                    | b'|'
                    | b'~'
                    | b'{'
                    | b'}'
                    | b'$'
                    | b'@'
                    | b'&'
                    | b'\r'
                    | b'\n'
            )
        })
}

/// The bytes HTML escaping replaces, as a table: one load a byte instead of five comparisons,
/// for the hundreds of thousands of texts a large review's figures write.
const HTML_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

/// Escapes text for HTML element content and attribute values.
/// Text without any of the five characters is returned as it is, without a copy.
pub fn html(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.bytes().any(|b| HTML_SPECIAL[usize::from(b)]) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_html(&mut out, text);
    std::borrow::Cow::Owned(out)
}

/// Appends `text` escaped as [`html`] escapes it, copying the runs that need nothing whole
/// (the SVG writer escapes straight into its buffer). The five characters are ASCII, so a
/// byte scan finds them.
pub fn push_html(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| HTML_SPECIAL[usize::from(b)]) {
        out.push_str(&rest[..at]);
        out.push_str(html_entity(rest.as_bytes()[at]));
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// The entity of one of the five characters HTML escaping replaces.
fn html_entity(special: u8) -> &'static str {
    match special {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        _ => "&#39;",
    }
}

/// Tera's escape function for HTML templates: the same entities as Tera's own, written a run
/// at a time rather than a byte at a time (a large review's pages escape millions of bytes).
pub fn html_escape_fn(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut rest = input;
    while let Some(at) = rest.bytes().position(|b| HTML_SPECIAL[usize::from(b)]) {
        out.write_all(&rest.as_bytes()[..at])?;
        out.write_all(html_entity(rest.as_bytes()[at]).as_bytes())?;
        rest = &rest[at + 1..];
    }
    out.write_all(rest.as_bytes())
}

/// Tera's escape function for Markdown templates.
pub fn markdown_escape_fn(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if needs_markdown_escape(input) {
        out.write_all(markdown(input).as_bytes())
    } else {
        out.write_all(input.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_markup_and_html() {
        assert_eq!(
            markdown("Smith & <Jones> *2004*"),
            "Smith & &lt;Jones\\> \\*2004\\*"
        );
        assert_eq!(
            markdown("a|b [x](javascript:y)"),
            "a\\|b \\[x\\](javascript:y)"
        );
        assert_eq!(markdown("# head"), "\\# head");
        assert_eq!(markdown("{{ x }}"), "\\{\\{ x \\}\\}");
        assert_eq!(markdown("&amp;"), "\\&amp;");
        assert_eq!(markdown("1."), "1\\.");
        assert_eq!(markdown("1. Smith"), "1\\. Smith");
        assert_eq!(markdown("1.1 Title"), "1.1 Title");
        assert_eq!(markdown("multi\nline"), "multi line");
        assert_eq!(
            markdown("[@smith2004] a@b.org"),
            "\\[\\@smith2004\\] a\\@b.org"
        );
    }

    // The HTML templates' escape function writes what Tera's own writes.
    #[test]
    fn the_html_escape_fn_writes_what_teras_writes() {
        for input in [
            "",
            "plain",
            "<a href=\"x\">'&'</a>",
            "Smith & Jones’ “trial” >",
            "&&<<",
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            html_escape_fn(input, &mut ours).unwrap();
            tera::escape_html(input, &mut teras).unwrap();
            assert_eq!(ours, teras, "{input}");
        }
    }

    #[test]
    fn html_escapes_all_five() {
        assert_eq!(
            html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert!(matches!(html("ü plain"), std::borrow::Cow::Borrowed(_)));
        // Appending keeps what the buffer held, and non-ASCII text passes whole.
        let mut out = String::from("x");
        push_html(&mut out, "ü & ß > 1 \"q\" 'a' <");
        assert_eq!(out, "xü &amp; ß &gt; 1 &quot;q&quot; &#39;a&#39; &lt;");
    }
}
