//! A minimal XML reader for Review Manager files: elements, attributes, text, CDATA, comments,
//! processing instructions and the predefined and numeric entities. No namespaces, no DTDs
//! (a DOCTYPE is skipped), no external entities: RevMan 5 files need none of them, and
//! refusing them keeps the reader small and safe.
//!
//! Also decodes the bytes: RevMan files often declare ISO-8859-1 and hold UTF-8, or the
//! reverse, so the bytes are read as UTF-8 when they are valid UTF-8 and as Latin-1 otherwise.

use std::fmt;

/// An element with its attributes and children.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// The tag name.
    pub name: String,
    /// Attributes in document order.
    pub attributes: Vec<(String, String)>,
    /// Child elements and text, in document order.
    pub children: Vec<Node>,
    /// 1-based line of the start tag.
    pub line: usize,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Text (entities resolved; CDATA included as it stands).
    Text(String),
}

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

/// The encoding the bytes were read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Valid UTF-8.
    Utf8,
    /// Not valid UTF-8, read as ISO-8859-1.
    Latin1,
}

/// Decodes bytes as UTF-8 when valid, else as Latin-1 (every byte one character). A UTF-8
/// byte-order mark is dropped.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), Encoding::Utf8),
        Err(_) => (
            bytes.iter().map(|&b| char::from(b)).collect(),
            Encoding::Latin1,
        ),
    }
}

impl Element {
    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The child elements with this name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.elements().filter(move |e| e.name == name)
    }

    /// Every descendant element with this name, in document order.
    pub fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            }
            e.descendants(name, out);
        }
    }

    /// The element at a path of child names ("STUDIES/INCLUDED_STUDIES").
    pub fn path(&self, path: &str) -> Option<&Element> {
        path.split('/').try_fold(self, |e, name| e.child(name))
    }

    /// All text inside, concatenated, whitespace runs collapsed to one space and trimmed.
    pub fn text(&self) -> String {
        let mut raw = String::new();
        self.collect_text(&mut raw);
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn collect_text(&self, out: &mut String) {
        for c in &self.children {
            match c {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => {
                    out.push(' ');
                    e.collect_text(out);
                    out.push(' ');
                }
            }
        }
    }
}

/// Parses a document and returns its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
        column: 1,
    };
    p.skip_prolog()?;
    let root = p.element(0)?;
    p.skip_misc()?;
    if p.pos < p.chars.len() {
        return Err(p.error("content after the root element"));
    }
    Ok(root)
}

/// Nesting deeper than this is refused, so that hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 256;

struct Parser {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    column: usize,
}

impl Parser {
    fn error(&self, message: impl Into<String>) -> XmlError {
        XmlError {
            line: self.line,
            column: self.column,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn expect(&mut self, s: &str) -> Result<(), XmlError> {
        if !self.starts_with(s) {
            return Err(self.error(format!("expected `{s}`")));
        }
        for _ in s.chars() {
            self.bump();
        }
        Ok(())
    }

    /// Skips up to and including `end`.
    fn skip_past(&mut self, end: &str, what: &str) -> Result<String, XmlError> {
        let mut skipped = String::new();
        while !self.starts_with(end) {
            match self.bump() {
                Some(c) => skipped.push(c),
                None => return Err(self.error(format!("unclosed {what}"))),
            }
        }
        self.expect(end)?;
        Ok(skipped)
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Whitespace, comments and processing instructions.
    fn skip_misc(&mut self) -> Result<(), XmlError> {
        loop {
            self.skip_whitespace();
            if self.starts_with("<!--") {
                self.skip_past("-->", "comment")?;
            } else if self.starts_with("<?") {
                self.skip_past("?>", "processing instruction")?;
            } else {
                return Ok(());
            }
        }
    }

    fn skip_prolog(&mut self) -> Result<(), XmlError> {
        self.skip_misc()?;
        if self.starts_with("<!DOCTYPE") {
            // An internal subset could define entities; RevMan files have none, and this
            // reader does not expand them.
            let mut depth = 0usize;
            loop {
                match self.bump() {
                    Some('[') => depth += 1,
                    Some(']') => depth = depth.saturating_sub(1),
                    Some('>') if depth == 0 => break,
                    Some(_) => {}
                    None => return Err(self.error("unclosed DOCTYPE")),
                }
            }
            self.skip_misc()?;
        }
        Ok(())
    }

    fn name(&mut self) -> Result<String, XmlError> {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':') {
                name.push(c);
                self.bump();
            } else {
                break;
            }
        }
        if name.is_empty() {
            return Err(self.error("expected a name"));
        }
        Ok(name)
    }

    fn element(&mut self, depth: usize) -> Result<Element, XmlError> {
        if depth > MAX_DEPTH {
            return Err(self.error("elements nested too deeply"));
        }
        let line = self.line;
        self.expect("<")?;
        let name = self.name()?;
        let mut attributes = Vec::new();
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some('/') => {
                    self.expect("/>")?;
                    return Ok(Element {
                        name,
                        attributes,
                        children: Vec::new(),
                        line,
                    });
                }
                Some('>') => {
                    self.bump();
                    break;
                }
                Some(_) => {
                    let key = self.name()?;
                    self.skip_whitespace();
                    self.expect("=")?;
                    self.skip_whitespace();
                    let quote = match self.bump() {
                        Some(q @ ('"' | '\'')) => q,
                        _ => return Err(self.error("expected a quoted attribute value")),
                    };
                    let mut value = String::new();
                    loop {
                        match self.peek() {
                            Some(c) if c == quote => {
                                self.bump();
                                break;
                            }
                            Some('&') => value.push_str(&self.entity()?),
                            Some('<') => return Err(self.error("`<` in an attribute value")),
                            Some(c) => {
                                value.push(c);
                                self.bump();
                            }
                            None => return Err(self.error("unclosed attribute value")),
                        }
                    }
                    if attributes.iter().any(|(k, _)| *k == key) {
                        return Err(self.error(format!("attribute `{key}` given twice")));
                    }
                    attributes.push((key, value));
                }
                None => return Err(self.error(format!("unclosed start tag `{name}`"))),
            }
        }
        let mut children = Vec::new();
        let mut text = String::new();
        loop {
            if self.starts_with("</") {
                self.expect("</")?;
                let (l, c) = (self.line, self.column);
                let end = self.name()?;
                if end != name {
                    return Err(XmlError {
                        line: l,
                        column: c,
                        message: format!("`</{end}>` closes `<{name}>` opened on line {line}"),
                    });
                }
                self.skip_whitespace();
                self.expect(">")?;
                break;
            } else if self.starts_with("<![CDATA[") {
                self.expect("<![CDATA[")?;
                text.push_str(&self.skip_past("]]>", "CDATA section")?);
            } else if self.starts_with("<!--") {
                self.skip_past("-->", "comment")?;
            } else if self.starts_with("<?") {
                self.skip_past("?>", "processing instruction")?;
            } else if self.starts_with("<") {
                if !text.is_empty() {
                    children.push(Node::Text(std::mem::take(&mut text)));
                }
                children.push(Node::Element(self.element(depth + 1)?));
            } else if self.starts_with("&") {
                text.push_str(&self.entity()?);
            } else {
                match self.bump() {
                    Some(c) => text.push(c),
                    None => return Err(self.error(format!("`<{name}>` is never closed"))),
                }
            }
        }
        if !text.is_empty() {
            children.push(Node::Text(text));
        }
        Ok(Element {
            name,
            attributes,
            children,
            line,
        })
    }

    fn entity(&mut self) -> Result<String, XmlError> {
        let (line, column) = (self.line, self.column);
        self.expect("&")?;
        let mut body = String::new();
        loop {
            match self.bump() {
                Some(';') => break,
                Some(c) if body.len() < 12 => body.push(c),
                _ => {
                    return Err(XmlError {
                        line,
                        column,
                        message: "unterminated entity".into(),
                    });
                }
            }
        }
        let bad = || XmlError {
            line,
            column,
            message: format!("unknown entity `&{body};`"),
        };
        let c = match body.as_str() {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) =
                    body.strip_prefix("#x").or_else(|| body.strip_prefix("#X"))
                {
                    u32::from_str_radix(hex, 16).map_err(|_| bad())?
                } else if let Some(dec) = body.strip_prefix('#') {
                    dec.parse().map_err(|_| bad())?
                } else {
                    return Err(bad());
                };
                char::from_u32(code).ok_or_else(bad)?
            }
        };
        Ok(c.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_attributes_text_entities_and_cdata() {
        let doc = parse(
            "<?xml version=\"1.0\"?>\n<!-- c --><A X=\"1 &amp; 2\" Y='&#233;'><B/>t&lt;<![CDATA[<raw>&]]><C>u</C></A>",
        )
        .unwrap();
        assert_eq!(doc.name, "A");
        assert_eq!(doc.attr("X"), Some("1 & 2"));
        assert_eq!(doc.attr("Y"), Some("é"));
        assert!(doc.child("B").is_some());
        assert_eq!(doc.children[1], Node::Text("t<<raw>&".into()));
        assert_eq!(doc.path("C").unwrap().text(), "u");
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse("<A>\n  <B></C></A>").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.message.contains("closes `<B>`"), "{e}");
        assert!(parse("<A>").is_err());
        assert!(parse("<A>&bogus;</A>").is_err());
        assert!(parse("<A></A><B/>").is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = "<a>".repeat(10_000);
        assert!(parse(&doc).unwrap_err().message.contains("deeply"));
    }

    #[test]
    fn decodes_utf8_else_latin1() {
        assert_eq!(
            decode("Müller".as_bytes()),
            ("Müller".into(), Encoding::Utf8)
        );
        assert_eq!(decode(b"M\xfcller"), ("Müller".into(), Encoding::Latin1));
    }
}
