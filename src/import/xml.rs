//! Review Manager's XML: the bytes decoded (encoding_rs) and parsed (roxmltree), with the limits
//! that keep hostile input cheap, and a few helpers for walking the tree by element name.
//!
//! Review Manager 5 declares ISO-8859-1 and writes windows-1252 (curly quotes and dashes in
//! 0x80-0x9F); some files declare ISO-8859-1 and hold UTF-8. So: a byte-order mark decides;
//! else bytes that are valid UTF-8 are read as UTF-8; else the declared encoding is used, with
//! ISO-8859-1 read as windows-1252 (the WHATWG mapping every browser applies).

use std::fmt;

/// A node of a parsed document.
pub type Node<'a> = roxmltree::Node<'a, 'a>;

/// A parsed document.
pub type Document<'a> = roxmltree::Document<'a>;

/// Most attributes on one element. roxmltree checks each attribute against the element's
/// others (quadratic: 40,000 attributes take 3.6 s); Review Manager writes at most about 40.
pub const MAX_ATTRIBUTES: usize = 1_000;

/// Deepest element nesting accepted; the readers walk the tree recursively.
pub const MAX_DEPTH: usize = 256;

/// A syntax error with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct XmlError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Text decoded from bytes, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// How the bytes were read, for the import report ("UTF-8", "windows-1252 (declared
    /// ISO-8859-1; ...)").
    pub encoding: String,
    /// Bytes that could not be decoded and became U+FFFD.
    pub replaced: bool,
}

/// The encoding named in an XML declaration (`<?xml version="1.0" encoding="ISO-8859-1"?>`).
fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let head = &bytes[..bytes.len().min(200)];
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let decl = decl.strip_prefix("<?xml")?;
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(&value[..value.find(quote)?])
}

/// Decodes a Review Manager file's bytes (see the module comment for the rules).
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, replaced) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Decoded {
            text: text.into_owned(),
            encoding: format!("{} (byte-order mark)", encoding.name()),
            replaced,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: "UTF-8".into(),
            replaced: false,
        };
    }
    let declared = declared_encoding(bytes);
    let encoding = declared
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .filter(|e| *e != encoding_rs::UTF_8)
        .unwrap_or(encoding_rs::WINDOWS_1252);
    let (text, replaced) = encoding.decode_without_bom_handling(bytes);
    let why = match declared {
        Some(label) => format!("declared {label}; the bytes are not valid UTF-8"),
        None => "no encoding declared and the bytes are not valid UTF-8".into(),
    };
    Decoded {
        text: text.into_owned(),
        encoding: format!("{} ({why})", encoding.name()),
        replaced,
    }
}

/// 1-based line and column of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The byte offset of the first start tag with more than [`MAX_ATTRIBUTES`] attributes, found
/// in one pass: comments, CDATA, processing instructions and quoted values are skipped.
fn too_many_attributes(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let skip_to = |from: usize, end: &str| {
        text[from..]
            .find(end)
            .map_or(bytes.len(), |at| from + at + end.len())
    };
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i = skip_to(i + 4, "-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = skip_to(i + 9, "]]>");
        } else if rest.starts_with(b"<?") {
            i = skip_to(i + 2, "?>");
        } else {
            let start = i;
            let mut attributes = 0;
            i += 1;
            while i < bytes.len() && bytes[i] != b'>' {
                match bytes[i] {
                    b'"' | b'\'' => {
                        let quote = bytes[i];
                        i += 1;
                        while i < bytes.len() && bytes[i] != quote {
                            i += 1;
                        }
                    }
                    b'=' => {
                        attributes += 1;
                        if attributes > MAX_ATTRIBUTES {
                            return Some(start);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
    }
    None
}

/// Parses a document. DTDs are refused (Review Manager writes none, and refusing them rules
/// out entity expansion), as are elements with more than [`MAX_ATTRIBUTES`] attributes and
/// nesting deeper than [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<Document<'_>, XmlError> {
    if let Some(offset) = too_many_attributes(text) {
        let (line, column) = position(text, offset);
        return Err(XmlError {
            line,
            column,
            message: format!("an element with more than {MAX_ATTRIBUTES} attributes"),
        });
    }
    let doc = roxmltree::Document::parse(text).map_err(|e| {
        let pos = e.pos();
        XmlError {
            line: pos.row as usize,
            column: pos.col as usize,
            message: match e {
                roxmltree::Error::DtdDetected => {
                    "a document type declaration (DOCTYPE), which Review Manager files do not have"
                        .into()
                }
                other => {
                    // roxmltree appends " at LINE:COLUMN"; the position is given in front.
                    let text = other.to_string();
                    match text.rfind(" at ") {
                        Some(at) => text[..at].to_string(),
                        None => text,
                    }
                }
            },
        }
    })?;
    // Document order visits a parent before its children, so one pass gives every depth.
    let mut depth = vec![0usize; doc.descendants().count() + 1];
    for node in doc.descendants() {
        let d = node.parent().map_or(0, |p| depth[p.id().get_usize()] + 1);
        depth[node.id().get_usize()] = d;
        if d > MAX_DEPTH {
            let (line, column) = position(text, node.range().start);
            return Err(XmlError {
                line,
                column,
                message: format!("elements nested more than {MAX_DEPTH} deep"),
            });
        }
    }
    Ok(doc)
}

/// The child elements of a node with this tag name.
pub fn children<'a>(node: Node<'a>, name: &'a str) -> impl Iterator<Item = Node<'a>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The first child element with this tag name.
pub fn child<'a>(node: Node<'a>, name: &str) -> Option<Node<'a>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The element at a path of child names ("STUDIES/INCLUDED_STUDIES").
pub fn path<'a>(node: Node<'a>, path: &str) -> Option<Node<'a>> {
    path.split('/').try_fold(node, |n, name| child(n, name))
}

/// The child elements of a node.
pub fn elements(node: Node<'_>) -> impl Iterator<Item = Node<'_>> + '_ {
    node.children().filter(Node::is_element)
}

/// Every descendant element with this tag name, in document order.
pub fn descendants<'a>(node: Node<'a>, name: &'a str) -> impl Iterator<Item = Node<'a>> + 'a {
    node.descendants()
        .skip(1)
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The element's tag name.
pub fn name(node: Node<'_>) -> &str {
    node.tag_name().name()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_attributes_text_entities_and_cdata() {
        let text = "<?xml version=\"1.0\"?>\n<!-- c --><A X=\"1 &amp; 2\" Y='&#233;'><B/>t&lt;<![CDATA[<raw>&]]><C>u</C></A>";
        let doc = parse(text).unwrap();
        let a = doc.root_element();
        assert_eq!(name(a), "A");
        assert_eq!(a.attribute("X"), Some("1 & 2"));
        assert_eq!(a.attribute("Y"), Some("é"));
        assert!(child(a, "B").is_some());
        let text: String = a
            .children()
            .filter(Node::is_text)
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(text, "t<<raw>&");
        assert_eq!(path(a, "C").and_then(|c| c.text()), Some("u"));
    }

    // The old hand-written reader kept line breaks and tabs in attribute values; XML turns
    // them into spaces, and CR LF into LF.
    #[test]
    fn normalises_attribute_values_and_line_ends() {
        let doc = parse("<A X=\"a\r\n\tb\">x\r\ny</A>").unwrap();
        let a = doc.root_element();
        assert_eq!(a.attribute("X"), Some("a  b"));
        assert_eq!(a.text(), Some("x\ny"));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse("<A>\n  <B></C></A>").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains('C'), "{e}");
        assert!(parse("<A>").is_err());
        assert!(parse("<A>&bogus;</A>").is_err());
        assert!(parse("<A></A><B/>").is_err());
        let dtd = parse("<!DOCTYPE A [<!ENTITY x \"y\">]><A>&x;</A>").unwrap_err();
        assert!(dtd.message.contains("DOCTYPE"), "{dtd}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
        assert!(parse(&doc).unwrap_err().message.contains("nested"));
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn too_many_attributes_are_refused_before_parsing() {
        let mut doc = String::from("<!-- a=1 --><R><X ");
        for i in 0..=MAX_ATTRIBUTES {
            doc.push_str(&format!("a{i}=\"=\" "));
        }
        doc.push_str("/></R>");
        let e = parse(&doc).unwrap_err();
        assert_eq!((e.line, e.column), (1, 16), "{e}");
        // Equals signs in values, comments and CDATA are not attributes.
        let fine = format!(
            "<R a=\"{}\"><![CDATA[{}]]></R>",
            "=".repeat(5000),
            " x=".repeat(5000)
        );
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn decodes_utf8_else_the_declared_encoding_as_browsers_do() {
        let utf8 = decode("Müller".as_bytes());
        assert_eq!(
            (utf8.text.as_str(), utf8.encoding.as_str()),
            ("Müller", "UTF-8")
        );
        // Declared ISO-8859-1, read as windows-1252: 0x93/0x94 are curly quotes, not C1
        // control characters.
        let latin =
            decode(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><A>M\xfcller \x93x\x94</A>");
        assert!(
            latin.text.ends_with("<A>Müller \u{201c}x\u{201d}</A>"),
            "{latin:?}"
        );
        assert!(
            latin
                .encoding
                .starts_with("windows-1252 (declared ISO-8859-1")
        );
        let undeclared = decode(b"<A>\x96</A>");
        assert_eq!(undeclared.text, "<A>\u{2013}</A>");
        let bom = decode(b"\xEF\xBB\xBF<A/>");
        assert_eq!(bom.text, "<A/>");
        let utf16 = decode(b"\xFF\xFE<\x00A\x00/\x00>\x00");
        assert_eq!(utf16.text, "<A/>");
        assert!(!utf16.replaced);
    }
}
