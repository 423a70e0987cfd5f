//! YAML text -> a located tree: every scalar, list and mapping with the line and column where
//! it was written, built from granit-parser's events (the parser serde-saphyr also uses, so
//! the same documents parse). The tree is what raw.rs reads the review files from, reporting
//! every wrong field and going on; see docs/benchmarks.md for why this and not a serde
//! deserializer.
//!
//! Every limit below is checked while the tree is built, so that no file can make parsing take
//! unbounded time or memory. Anchors and aliases are expanded within a budget; tags and
//! second documents are refused: review files need neither.
//!
//! A long file (studies.yaml of a large review, when the other files are short) is cut at item
//! lines of its top-level lists and the parts parsed on the pool's threads, then joined where that gives the tree of the
//! whole file; where it might not, or a part has any problem, the file is parsed whole, so the
//! tree and every message are those of one parse (`parse`, `join_part`).

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
    parse(&source, false)
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
///
/// With `in_parts`, a long file is parsed in parts on the pool's threads where it can be cut
/// safely (see [`split_points`]); whenever the parts do not join into the tree of the whole
/// file, or any part has a problem, the whole file is parsed as one, so the tree and every
/// message are those of one parse.
pub(crate) fn parse(source: &SourceFile, in_parts: bool) -> Result<Node, Diagnostic> {
    let jobs = crate::parallel::jobs();
    if in_parts && jobs > 1 && source.text.len() >= 2 * PART_BYTES {
        // At least two parts a thread, so that a thread that is done with other files (review.yaml
        // and analyses.yaml) takes some.
        let parts = (source.text.len() / PART_BYTES).clamp(2 * jobs, 4 * jobs);
        let cuts = split_points(&source.text, parts);
        if !cuts.is_empty()
            && let Some(tree) = parse_in_parts(&source.text, &cuts)
        {
            return Ok(tree);
        }
    }
    parse_whole(source)
}

/// [`parse`] in one piece.
fn parse_whole(source: &SourceFile) -> Result<Node, Diagnostic> {
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

/// The size of a part of a long file parsed on its own thread, and half the size of the
/// shortest file parsed in parts: on two threads, studies.yaml of 200 studies (250 KB) is
/// parsed in 4 parts, of 1,000 studies (2.2 MB) in 8.
const PART_BYTES: usize = 96 * 1024;

/// The key that a part after the first is parsed under, standing for the key of the list it
/// continues: `KEY:` then the part's lines, whose first is an item of that list.
const PART_KEY: &str = "revmark-part-continues";

/// Byte offsets where `text` may be cut into about `parts` parts: the starts of lines that
/// begin an item of a list (`- ` at the line's start, or after two spaces), one after each
/// `len / parts`; none where [`may_cut`] says no.
fn split_points(text: &str, parts: usize) -> Vec<usize> {
    if parts < 2 || !may_cut(text) {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    let mut from = 0;
    for i in 1..parts {
        let target = (text.len() / parts * i).max(from);
        let Some(at) = bytes[target..]
            .windows(5)
            .position(is_item_line)
            .map(|p| target + p + 1)
        else {
            break;
        };
        cuts.push(at);
        from = at + 1;
    }
    cuts
}

/// Whether `window` is a line break followed by the start of a list item at the line's start
/// or after two spaces.
fn is_item_line(window: &[u8]) -> bool {
    window[0] == b'\n' && (window[1..3] == *b"- " || window[1..5] == *b"  - ")
}

/// Whether `text` has none of what could reach across a cut where [`join_part`] cannot see
/// it: directives (`%`), document markers (`---` and `...` after the first line), and line
/// breaks other than LF (granit counts a lone CR, U+2028 and U+2029 as breaks too, and the
/// parts' lines are numbered by counting LF). One pass over the bytes.
fn may_cut(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.starts_with(b"%") || bytes.starts_with(b"...") {
        return false;
    }
    memchr::memchr3_iter(b'\n', b'\r', 0xe2, bytes).all(|i| match bytes[i] {
        b'\n' => {
            let next = &bytes[i + 1..];
            !(next.starts_with(b"%") || next.starts_with(b"---") || next.starts_with(b"..."))
        }
        b'\r' => false,
        // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
        _ => !matches!(&bytes[i + 1..], [0x80, 0xa8 | 0xa9, ..]),
    })
}

/// The tree of `text` parsed in parts cut at `cuts` (see [`split_points`]), each on a thread of
/// the pool; None when a part has a problem or the parts do not join as the whole file would
/// parse, which [`parse`] then does.
fn parse_in_parts(text: &str, cuts: &[usize]) -> Option<Node> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(text.len());
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let parsed = crate::parallel::map(&ranges, |&(start, end)| {
        if start == 0 {
            return parse_part(&text[..end], 0);
        }
        // Under a key of its own, so that its items and the keys after them parse as they do
        // in the whole file; line 2 of the part is the line the cut starts.
        let first_line = memchr::memchr_iter(b'\n', &text.as_bytes()[..start]).count() + 1;
        let part = format!("{PART_KEY}:\n{}", &text[start..end]);
        parse_part(&part, first_line - 2)
    });
    let mut parts = parsed.into_iter();
    let (mut tree, mut counts) = parts.next()??;
    for (cut, part) in cuts.iter().zip(parts) {
        let (node, part_counts) = part?;
        let indent = text[*cut..].bytes().take_while(|&b| b == b' ').count();
        join_part(&mut tree, &counts, node, indent)?;
        counts.add(&part_counts);
    }
    counts.within_limits().then_some(tree)
}

/// Parses one part of a file, its lines numbered `line_offset` after its own; None on any
/// problem.
fn parse_part(text: &str, line_offset: usize) -> Option<(Node, Counts)> {
    let mut builder = Builder {
        line_offset,
        ..Builder::default()
    };
    for next in Parser::new_from_str_with_options(text, options()) {
        let (event, span) = next.ok()?;
        builder.event(event, span.start).ok()?;
    }
    let root = builder.root.take()?;
    Some((root, builder.counts()))
}

/// Joins `part` (a mapping whose first key is [`PART_KEY`]) onto `tree` (the file so far),
/// where the part was cut at a line that starts, indented by `indent`, with `- `. The whole
/// file would parse into the same tree when the tree is a block mapping at the line's start
/// whose last value is a block list with its items at that indentation: that line then starts
/// the next item of that list, since no scalar or collection of the tree's last item can take
/// a line indented no more than the item's `-` (a quoted scalar or flow collection left open
/// would have failed the earlier part's parse). The part's list items go into that list and
/// its other keys after the tree's, none given twice; None otherwise.
fn join_part(tree: &mut Node, counts: &Counts, part: Node, indent: usize) -> Option<()> {
    let Value::Map(entries) = &mut tree.value else {
        return None;
    };
    let Value::Map(part_entries) = part.value else {
        return None;
    };
    if tree.at.column() != 1 || !counts.last_top_list_is_block {
        return None;
    }
    let mut part_entries = part_entries.into_iter();
    let (key, continued) = part_entries.next()?;
    let (Value::Scalar { text, .. }, Value::Seq(items)) = (&key.value, continued.value) else {
        return None;
    };
    if text != PART_KEY {
        return None;
    }
    let (_, last) = entries.last_mut()?;
    let Value::Seq(list) = &mut last.value else {
        return None;
    };
    if last.at.column() != indent as u64 + 1 {
        return None;
    }
    list.extend(items);
    for (key, value) in part_entries {
        let Value::Scalar { text, .. } = &key.value else {
            return None;
        };
        let given = entries
            .iter()
            .any(|(k, _)| matches!(&k.value, Value::Scalar { text: t, .. } if t == text));
        if given {
            return None;
        }
        entries.push((key, value));
    }
    Some(())
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

/// What a part of a file counts against the file's limits, and whether its last list under
/// the top mapping is a block list (`- ` items, not `[...]`).
#[derive(Debug, Default)]
struct Counts {
    events: usize,
    nodes: usize,
    anchors: usize,
    aliases: usize,
    replayed: usize,
    scalar_bytes: usize,
    last_top_list_is_block: bool,
}

impl Counts {
    /// Adds a later part's counts; its last list is the file's last.
    fn add(&mut self, later: &Counts) {
        self.events += later.events;
        self.nodes += later.nodes;
        self.anchors += later.anchors;
        self.aliases += later.aliases;
        self.replayed += later.replayed;
        self.scalar_bytes += later.scalar_bytes;
        self.last_top_list_is_block = later.last_top_list_is_block;
    }

    /// Whether the parts' sums, which count at least what the whole file would, are within
    /// the limits that [`Builder`] holds a file to.
    fn within_limits(&self) -> bool {
        self.events <= MAX_EVENTS
            && self.nodes <= MAX_NODES
            && self.anchors <= MAX_ANCHORS
            && self.aliases <= MAX_ANCHORS
            && self.replayed <= MAX_REPLAYED_EVENTS
            && self.scalar_bytes <= MAX_SCALAR_BYTES
    }
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
    /// Added to every line: a part of a file parsed on its own starts this many lines in.
    line_offset: usize,
    /// Whether the last event directly in the top mapping opened a block list.
    last_top_list_is_block: bool,
}

/// A problem at a place.
type Failure = (Location, String);

impl Builder {
    fn event(&mut self, event: Event, start: Marker) -> Result<(), Failure> {
        let at = location(start);
        let at = Location::new(at.line() as usize + self.line_offset, at.column() as usize);
        if self.open.len() == 1
            && matches!(
                event,
                Event::Scalar(..)
                    | Event::Alias(..)
                    | Event::SequenceStart(..)
                    | Event::MappingStart(..)
            )
        {
            // A key or value directly in the top mapping: the last is the last entry's value.
            self.last_top_list_is_block = matches!(
                event,
                Event::SequenceStart(granit_parser::StructureStyle::Block, ..)
            );
        }
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

    /// What this builder counted against the file's limits.
    fn counts(&self) -> Counts {
        Counts {
            events: self.events,
            nodes: self.nodes,
            anchors: self.anchors.len(),
            aliases: self.aliases,
            replayed: self.replayed,
            scalar_bytes: self.scalar_bytes,
            last_top_list_is_block: self.last_top_list_is_block,
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
        parse(&SourceFile::new("t.yaml", text), true).map_err(|d| d.to_string())
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

    /// Every place `text` may be cut (every item line where [`may_cut`] allows one): the file
    /// parsed in two parts cut there, and in parts cut at every such place, is either refused
    /// or the tree of the whole file.
    fn parts_agree_with_the_whole(name: &str, text: &str) -> usize {
        let whole = parse_whole(&SourceFile::new("t.yaml", text));
        let cuts: Vec<usize> = if may_cut(text) {
            text.as_bytes()
                .windows(5)
                .enumerate()
                .filter(|(_, w)| is_item_line(w))
                .map(|(i, _)| i + 1)
                .collect()
        } else {
            Vec::new()
        };
        let mut joined = 0;
        let mut check = |cuts: &[usize]| {
            if let Some(tree) = parse_in_parts(text, cuts) {
                joined += 1;
                assert_eq!(
                    whole.as_ref().ok(),
                    Some(&tree),
                    "{name} cut at {cuts:?}: {whole:?}"
                );
            }
        };
        // Every place in a short file; about 40 spread over a long one.
        for &cut in cuts.iter().step_by(cuts.len() / 40 + 1) {
            check(&[cut]);
        }
        if !cuts.is_empty() {
            check(&cuts);
        }
        joined
    }

    // A long file is parsed in parts only where the parts join into the tree of the whole,
    // whatever the part boundaries cut through: block scalars, quoted and plain scalars over
    // several lines, flow collections, aliases of anchors in an earlier part, keys given
    // twice across parts, later keys, lists written at the key's indentation, documents.
    #[test]
    fn a_file_parsed_in_parts_is_the_file_parsed_whole() {
        let tricky = [
            "notes: |\n  - a\n  - b\nincluded:\n  - c\n  - d\n",
            "included:\n  - \"a\n  - b\"\n  - c\n",
            "included: [a,\n  - b]\n",
            "included:\n  [a, b]\n  - c\n",
            "included:\n  - {a: 1,\n  - b}\n  - c\n",
            "included:\n  - &x a\n  - *x\n",
            "included: &s\n  - a\n  - b\nother: *s\n",
            "a: 1\nincluded:\n  - x\n  - y\na: 2\n",
            "included:\n  - x\n  - y\nincluded:\n  - z\n",
            "included:\n  - x\n  - y\nexcluded:\n  - z\n  - w\nongoing: []\n",
            "included:\n  - id: a\n    outcomes:\n      - x\n  - id: b\n    notes: |\n      - c\n  - d\n",
            "title: a\n  - b\nincluded:\n  - c\n  - d\n",
            "included:\n  - a\n- b\n",
            "included:\n- a\n- b\nexcluded:\n- c\n",
            "included:\n  - a: |\n      text\n  - b\n  - |\n    c\n  - d\n",
            "included:\n  -\n  - b\n  - - c\n    - d\n  - e\n",
            "included:\n  - a\n...\n",
            "included:\n  - a\n---\nb: 1\n",
            "---\nincluded:\n  - a\n  - b\n",
            "%YAML 1.2\n---\nincluded:\n  - a\n  - b\n",
            "included:\r\n  - a\r\n  - b\r\n",
            "- a\n- b\n",
            "  included:\n  - a\n  - b\n",
            "included:\n\n  - a\n\n  # - not an item\n  - b\n",
            "included:\n  - a\n  - b: 1\n    b: 2\n  - c\n",
            "included:\n  - a\nk: v\n  - b\n",
            "included:\n  - a\n  - !!str b\n",
            "? included\n: - a\n  - b\n",
            "included:\n  - a # - b\n  - 'c\n  - d'\n",
        ];
        for text in tricky {
            parts_agree_with_the_whole(text, text);
        }
        // The review files of the examples, of `revmark new` and of the tests.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = 0;
        let mut stack = vec![root.join("reviews"), root.join("src"), root.join("tests")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    parts_agree_with_the_whole(&path.display().to_string(), &text);
                    files += 1;
                }
            }
        }
        assert!(files > 10, "{files} files");
        // A list as studies.yaml writes it is parsed in parts, its lines numbered as in the
        // whole file.
        let mut long = String::from("risk_of_bias_tool: rob1\nincluded:\n");
        for i in 0..300 {
            long.push_str(&format!(
                "  - id: \"Study {i}\"\n    notes: |\n      Line one.\n      - not an item\n    outcomes_reported:\n      - outcome: o{i}\n"
            ));
        }
        long.push_str("excluded:\n  - id: \"Other 1\"\n    reason: wrong design\n");
        assert!(parts_agree_with_the_whole("long", &long) >= 30);
        let cuts = split_points(&long, 4);
        assert_eq!(cuts.len(), 3);
        let tree = parse_in_parts(&long, &cuts).expect("the parts join");
        let Value::Map(entries) = &tree.value else {
            panic!()
        };
        let Value::Seq(items) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(items.len(), 300);
        assert_eq!(items[299].at, Location::new(2 + 299 * 6 + 1, 5));
        assert_eq!(entries[2].0.at, Location::new(2 + 300 * 6 + 1, 1));
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
