//! YAML text -> a located tree: every scalar, list and mapping with the line and column where
//! it was written, built from granit-parser's events (the parser serde-saphyr also uses, so
//! the same documents parse). The tree is what raw.rs reads the review files from, reporting
//! every wrong field and going on; see docs/benchmarks.md for why this and not a serde
//! deserializer.
//!
//! Every limit below is checked while the tree is built, so that no file can make parsing take
//! unbounded time or memory. Anchors and aliases are expanded within a budget; tags and
//! second documents are refused: review files need neither.

use std::collections::HashMap;

use granit_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::model::Location;

/// Deepest nesting of YAML collections accepted (a review file needs about 6 levels).
pub const MAX_DEPTH: usize = 64;
/// Most parser events (scalars, collection starts and ends) in one file: room for about a
/// million studies in studies.yaml, which takes about three events each.
pub const MAX_EVENTS: usize = 8_000_000;
/// Most nodes (scalars and collections) in one file, aliases expanded.
pub const MAX_NODES: usize = 4_000_000;
/// Most anchors (`&name`) and most aliases (`*name`) in one file; review files rarely need any.
pub const MAX_ANCHORS: usize = 1_000;
/// Most nodes that aliases may copy in one file, so that nested aliases ("billion laughs")
/// cannot expand a small file into a huge document.
pub const MAX_REPLAYED_EVENTS: usize = 100_000;
/// Most bytes of scalar text in one file.
pub const MAX_SCALAR_BYTES: usize = 64 * 1024 * 1024;

/// A value of a YAML file with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Where the value starts.
    pub at: Location,
    /// The value.
    pub value: Value,
}

/// A scalar, a list or a mapping.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A scalar: its text, and whether it was written plain (unquoted and not a block), which
    /// is when it may be a number, a boolean or null.
    Scalar {
        /// The text, escapes resolved.
        text: String,
        /// Written without quotes and not as a `|` or `>` block.
        plain: bool,
    },
    /// A list.
    Seq(Vec<Node>),
    /// A mapping: keys (scalars) and values, in file order, no key twice.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// Whether this is YAML's null: nothing, `~` or `null` written plain.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// What the value is, in words for messages: the scalar quoted, or "a list", "a mapping".
    pub fn described(&self) -> String {
        match &self.value {
            _ if self.is_null() => "nothing".to_string(),
            Value::Scalar { text, .. } => format!("\"{}\"", text.escape_debug()),
            Value::Seq(_) => "a list".to_string(),
            Value::Map(_) => "a mapping".to_string(),
        }
    }
}

/// A YAML text as JSON, as revmark reads it (plain scalars that are numbers, booleans or null
/// become those; everything else text): for tools and tests that check what a writer wrote.
pub fn to_json(text: &str) -> Result<serde_json::Value, String> {
    fn convert(node: &Node) -> serde_json::Value {
        use serde_json::Value as Json;
        match &node.value {
            _ if node.is_null() => Json::Null,
            Value::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Json::Bool(true),
                "false" | "False" | "FALSE" => Json::Bool(false),
                _ => text
                    .parse::<i64>()
                    .map(Json::from)
                    .ok()
                    .or_else(|| {
                        text.parse::<f64>()
                            .ok()
                            .and_then(|f| serde_json::Number::from_f64(f).map(Json::Number))
                    })
                    .unwrap_or_else(|| Json::String(text.clone())),
            },
            Value::Scalar { text, .. } => Json::String(text.clone()),
            Value::Seq(items) => Json::Array(items.iter().map(convert).collect()),
            Value::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| match &k.value {
                        Value::Scalar { text, .. } => (text.clone(), convert(v)),
                        _ => (k.described(), convert(v)),
                    })
                    .collect(),
            ),
        }
    }
    let source = SourceFile::new("input.yaml", text);
    parse(&source)
        .map(|node| convert(&node))
        .map_err(|d| d.to_string())
}

/// The granit options: the nesting limits of this module, no comments kept.
fn options() -> granit_parser::Options {
    let mut options = granit_parser::options! {
        flow_nesting_limit: MAX_DEPTH,
        block_nesting_limit: MAX_DEPTH,
    };
    options.set_emit_comments(false);
    options
}

/// Parses a YAML file into its tree. An empty file is an empty mapping, so that a missing
/// required field is reported by name. The error is the first syntax error or exceeded limit.
pub(crate) fn parse(source: &SourceFile) -> Result<Node, Diagnostic> {
    let mut builder = Builder::default();
    let parser = Parser::new_from_str_with_options(&source.text, options());
    for next in parser {
        let (event, span) = next.map_err(|e| scan_error(source, &e))?;
        builder
            .event(event, span.start)
            .map_err(|(at, message)| source.error_at(at, message))?;
    }
    Ok(builder.root.unwrap_or(Node {
        at: Location::new(1, 1),
        value: Value::Map(Vec::new()),
    }))
}

/// Refuses a control character that a double-quoted scalar writes as an escape (`"\u0000"`,
/// `"\e"`): `load::fs::refuse_control_characters` finds those written as they are (and the
/// parser refuses them inside quotes), but an escape hides one from both. Not inlined: it
/// would change how the parser's loop around it is compiled (measured: 1.5% more instructions
/// for a medium review).
#[inline(never)]
fn refuse_escaped_control(text: &str, at: Location) -> Result<(), Failure> {
    // Bytes first: C0 and DEL are single bytes, and C1 characters start with 0xC2.
    let suspect = text
        .bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f || b == 0xc2);
    if !suspect {
        return Ok(());
    }
    match text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        None => Ok(()),
        Some(c) => Err((
            at,
            format!(
                "a control character (U+{:04X}), written as an escape, is not allowed in a review file: delete it",
                u32::from(c)
            ),
        )),
    }
}

/// A granit syntax error as a diagnostic at its place.
fn scan_error(source: &SourceFile, e: &ScanError) -> Diagnostic {
    let message = e.kind().to_string();
    source.error_at(location(*e.marker()), message)
}

/// The 1-based line and column of a granit marker (whose column is 0-based).
fn location(marker: Marker) -> Location {
    Location::new(marker.line().max(1), marker.col() + 1)
}

/// A collection being built, with the anchor it defines.
struct Open {
    node: Node,
    anchor: usize,
    /// A mapping's key waiting for its value.
    key: Option<Node>,
    /// A large mapping's keys, for the duplicate test (small ones are scanned).
    keys: Option<HashMap<String, u64>>,
}

/// Mappings with more keys than this look duplicates up in a map instead of scanning.
const SCANNED_KEYS: usize = 16;

/// Builds the tree from the parser's events, within the limits.
#[derive(Default)]
struct Builder {
    open: Vec<Open>,
    root: Option<Node>,
    anchors: HashMap<usize, Node>,
    documents: usize,
    events: usize,
    nodes: usize,
    aliases: usize,
    replayed: usize,
    scalar_bytes: usize,
}

/// A problem at a place.
type Failure = (Location, String);

impl Builder {
    fn event(&mut self, event: Event, start: Marker) -> Result<(), Failure> {
        let at = location(start);
        self.events += 1;
        if self.events > MAX_EVENTS {
            return Err((
                at,
                format!(
                    "the file has more than {MAX_EVENTS} YAML values; revmark reads smaller files"
                ),
            ));
        }
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err((
                        at,
                        "a second YAML document (after `---`): a review file holds one".into(),
                    ));
                }
                Ok(())
            }
            Event::Anchor(..) => Ok(()),
            Event::Alias(id) => {
                self.aliases += 1;
                if self.aliases > MAX_ANCHORS {
                    return Err((
                        at,
                        format!("more than {MAX_ANCHORS} aliases (`*name`) in one file"),
                    ));
                }
                let Some(target) = self.anchors.get(&id) else {
                    return Err((at, "an alias (`*name`) of an unknown anchor".into()));
                };
                let size = count_nodes(target);
                self.replayed += size;
                if self.replayed > MAX_REPLAYED_EVENTS {
                    return Err((
                        at,
                        format!(
                            "aliases (`*name`) repeat more than {MAX_REPLAYED_EVENTS} values in one file"
                        ),
                    ));
                }
                let mut node = target.clone();
                node.at = at;
                self.count_node(at, size)?;
                self.finish(node)
            }
            Event::Scalar(text, style, anchor, tag) => {
                refuse_tag(tag.is_some(), at)?;
                if style == ScalarStyle::DoubleQuoted {
                    refuse_escaped_control(&text, at)?;
                }
                self.scalar_bytes += text.len();
                if self.scalar_bytes > MAX_SCALAR_BYTES {
                    return Err((
                        at,
                        format!("the file has more than {MAX_SCALAR_BYTES} bytes of text"),
                    ));
                }
                self.count_node(at, 1)?;
                let node = Node {
                    at,
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                };
                self.define(anchor, &node, at)?;
                self.finish(node)
            }
            Event::SequenceStart(_, anchor, tag) => {
                refuse_tag(tag.is_some(), at)?;
                self.open(at, Value::Seq(Vec::new()), anchor)
            }
            Event::MappingStart(_, anchor, tag) => {
                refuse_tag(tag.is_some(), at)?;
                self.open(at, Value::Map(Vec::new()), anchor)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let open = self.open.pop().expect("the parser balances collections");
                self.define(open.anchor, &open.node, open.node.at)?;
                self.finish(open.node)
            }
            #[allow(unreachable_patterns)]
            _ => Err((at, "a YAML construct revmark does not read".into())),
        }
    }

    fn count_node(&mut self, at: Location, n: usize) -> Result<(), Failure> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err((
                at,
                format!(
                    "the file has more than {MAX_NODES} YAML values; revmark reads smaller files"
                ),
            ));
        }
        Ok(())
    }

    fn open(&mut self, at: Location, value: Value, anchor: usize) -> Result<(), Failure> {
        if self.open.len() >= MAX_DEPTH {
            return Err((
                at,
                format!("lists and mappings are nested more than {MAX_DEPTH} deep"),
            ));
        }
        self.count_node(at, 1)?;
        self.open.push(Open {
            node: Node { at, value },
            anchor,
            key: None,
            keys: None,
        });
        Ok(())
    }

    /// Keeps a copy of an anchored node for its aliases.
    fn define(&mut self, anchor: usize, node: &Node, at: Location) -> Result<(), Failure> {
        if anchor == 0 {
            return Ok(());
        }
        if self.anchors.len() >= MAX_ANCHORS {
            return Err((
                at,
                format!("more than {MAX_ANCHORS} anchors (`&name`) in one file"),
            ));
        }
        self.anchors.insert(anchor, node.clone());
        Ok(())
    }

    /// Puts a finished node into the collection it belongs to, or makes it the root.
    fn finish(&mut self, node: Node) -> Result<(), Failure> {
        let Some(parent) = self.open.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut parent.node.value {
            Value::Seq(items) => items.push(node),
            Value::Map(entries) => match parent.key.take() {
                None => {
                    let Value::Scalar { text, .. } = &node.value else {
                        return Err((
                            node.at,
                            "a mapping key must be a name, not a list or a mapping".into(),
                        ));
                    };
                    let first = match &mut parent.keys {
                        Some(keys) => keys.get(text.as_str()).copied(),
                        None => entries.iter().find_map(|(k, _)| match &k.value {
                            Value::Scalar { text: t, .. } if t == text => Some(k.at.line()),
                            _ => None,
                        }),
                    };
                    if let Some(first) = first {
                        return Err((
                            node.at,
                            format!(
                                "`{text}` is given twice in this mapping (first on line {first}); keep one"
                            ),
                        ));
                    }
                    if entries.len() >= SCANNED_KEYS {
                        let keys = parent.keys.get_or_insert_with(|| {
                            entries
                                .iter()
                                .filter_map(|(k, _)| match &k.value {
                                    Value::Scalar { text, .. } => Some((text.clone(), k.at.line())),
                                    _ => None,
                                })
                                .collect()
                        });
                        keys.insert(text.clone(), node.at.line());
                    }
                    parent.key = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
            Value::Scalar { .. } => unreachable!("only collections are open"),
        }
        Ok(())
    }
}

/// Tags (`!!str`, `!x`) are refused: quoting does what a review file needs of them.
fn refuse_tag(tagged: bool, at: Location) -> Result<(), Failure> {
    if tagged {
        return Err((
            at,
            "revmark does not read YAML tags (`!!str`, `!name`): remove the tag, and quote the value if it must stay text".into(),
        ));
    }
    Ok(())
}

/// The nodes of a tree.
fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::Scalar { .. } => 0,
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| count_nodes(k) + count_nodes(v))
            .sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Result<Node, String> {
        parse(&SourceFile::new("t.yaml", text)).map_err(|d| d.to_string())
    }

    // A control character written as an escape in a double-quoted scalar is refused at the
    // scalar, as one written as it is is refused by the file's scan.
    #[test]
    fn refuses_escaped_control_characters() {
        for (text, code) in [
            ("a: \"x\\u0000\"\n", "U+0000"),
            ("a: ok\nb: \"\\e[31m\"\n", "U+001B"),
            ("a: [\"\\N\"]\n", "U+0085"),
        ] {
            let error = tree(text).unwrap_err();
            assert!(error.contains(code), "{text:?}: {error}");
            assert!(error.contains("written as an escape"), "{error}");
        }
        assert!(tree("a: \"tab\\t and\\nline\"\n").is_ok());
    }

    // The limits on values, nodes and text per file hold at their boundary (a file that reaches
    // them takes a minute to parse in a debug build, so the counters start near them).
    #[test]
    fn limits_on_values_nodes_and_text_hold() {
        let at = Marker::new(0, 1, 0);
        let scalar =
            |text: &str| Event::Scalar(text.to_string().into(), ScalarStyle::Plain, 0, None);
        let mut b = Builder {
            events: MAX_EVENTS - 1,
            ..Builder::default()
        };
        assert!(b.event(Event::StreamStart, at).is_ok());
        let (_, message) = b.event(Event::StreamEnd, at).unwrap_err();
        assert!(message.contains("YAML values"), "{message}");

        let mut b = Builder {
            nodes: MAX_NODES - 1,
            ..Builder::default()
        };
        assert!(
            b.event(
                Event::SequenceStart(granit_parser::StructureStyle::Block, 0, None),
                at
            )
            .is_ok()
        );
        assert!(
            b.event(scalar("x"), at)
                .unwrap_err()
                .1
                .contains("YAML values")
        );

        let mut b = Builder {
            scalar_bytes: MAX_SCALAR_BYTES - 2,
            ..Builder::default()
        };
        assert!(
            b.event(
                Event::SequenceStart(granit_parser::StructureStyle::Block, 0, None),
                at
            )
            .is_ok()
        );
        assert!(b.event(scalar("ab"), at).is_ok());
        assert!(
            b.event(scalar("c"), at)
                .unwrap_err()
                .1
                .contains("bytes of text")
        );
    }

    #[test]
    fn locates_every_value() {
        let root = tree("a: 1\nb:\n  - x\n  - {c: \"007\"}\n").unwrap();
        let Value::Map(entries) = &root.value else {
            panic!("{root:?}")
        };
        let (key, value) = &entries[1];
        assert_eq!((key.at.line(), key.at.column()), (2, 1));
        let Value::Seq(items) = &value.value else {
            panic!()
        };
        let Value::Map(inner) = &items[1].value else {
            panic!()
        };
        assert_eq!(
            inner[0].1,
            Node {
                at: Location::new(4, 9),
                value: Value::Scalar {
                    text: "007".into(),
                    plain: false
                }
            }
        );
    }

    #[test]
    fn refuses_duplicate_keys_tags_and_second_documents() {
        let e = tree("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(
            e.starts_with(
                "t.yaml:3:1: error: `a` is given twice in this mapping (first on line 1)"
            ),
            "{e}"
        );
        #[allow(clippy::format_collect, reason = "a test input, built once")]
        let many: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        let e = tree(&format!("{many}k30: again\n")).unwrap_err();
        assert!(
            e.contains("`k30` is given twice in this mapping (first on line 31)"),
            "{e}"
        );
        assert!(tree("a: !!str 1\n").unwrap_err().contains("tags"));
        assert!(
            tree("a: 1\n---\nb: 2\n")
                .unwrap_err()
                .contains("second YAML document")
        );
    }

    #[test]
    fn expands_aliases_within_the_budget() {
        let root = tree("a: &x [1, 2]\nb: *x\n").unwrap();
        let Value::Map(entries) = &root.value else {
            panic!()
        };
        assert_eq!(entries[1].1.value, entries[0].1.value);
        assert_eq!(entries[1].1.at, Location::new(2, 4));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..8 {
            let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
            bomb.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
        }
        assert!(tree(&bomb).unwrap_err().contains("aliases"));
    }

    #[test]
    fn an_empty_file_is_an_empty_mapping() {
        assert_eq!(tree("").unwrap().value, Value::Map(Vec::new()));
        assert_eq!(
            tree("# only a comment\n").unwrap().value,
            Value::Map(Vec::new())
        );
    }
}
