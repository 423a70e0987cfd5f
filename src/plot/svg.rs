//! A small SVG writer: elements with fixed attribute order, `<g class>` groups, `<title>` and
//! `<desc>`, every string escaped, every number printed with at most two decimals, so the
//! same figure is the same bytes on every run and machine.
//!
//! Also the reverse for tests: [`text_boxes`] reads back the `<text>` elements this writer
//! emitted and measures them with [`font`](super::font).

use super::font;
use crate::decimal::{push_pair, push_whole};
use crate::report::escape;

/// The font stack of every figure.
pub const FONT_FAMILY: &str = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

/// How much of the font size lies above the baseline in a text box (ascent).
const ASCENT: f64 = 0.8;
/// How much lies below it (descent).
const DESCENT: f64 = 0.22;

/// A number as SVG writes it: two decimals at most, no trailing zeros, never "-0".
pub fn num(x: f64) -> String {
    let mut text = String::with_capacity(16);
    push_num(&mut text, x);
    text
}

/// Appends [`num`]`(x)` to `out` with no string of its own (a large review's figures print
/// over a million numbers): the two-decimal text with its trailing zeros left unwritten.
pub fn push_num(out: &mut String, x: f64) {
    let Some(units) = crate::decimal::rounded_units(x, 2) else {
        return push_num_exact(out, x);
    };
    // Zero, also a negative value that rounds to it, is "0".
    if units == 0 {
        out.push('0');
        return;
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    push_whole(out, units / 100);
    let cents = units % 100;
    if cents != 0 {
        out.push('.');
        if cents % 10 == 0 {
            push_whole(out, cents / 10);
        } else {
            push_pair(out, cents);
        }
    }
}

/// [`push_num`] through the standard library, for the values its fast path leaves alone.
#[cold]
fn push_num_exact(out: &mut String, x: f64) {
    let start = out.len();
    crate::decimal::push_fixed(out, x, 2);
    let kept = out[start..]
        .trim_end_matches('0')
        .trim_end_matches('.')
        .len();
    out.truncate(start + kept);
    if kept == 0 || &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

/// Where a text is anchored at its x position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// x is the left edge.
    Start,
    /// x is the centre.
    Middle,
    /// x is the right edge.
    End,
}

impl Anchor {
    /// The left edge of a text of this width anchored at `x`.
    pub fn left(self, x: f64, width: f64) -> f64 {
        match self {
            Anchor::Start => x,
            Anchor::Middle => x - width / 2.0,
            Anchor::End => x - width,
        }
    }
}

/// Font size and weight of a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Font {
    /// Size in pixels.
    pub size: f64,
    /// Bold or regular.
    pub bold: bool,
}

impl Font {
    /// A regular font of this size.
    pub const fn regular(size: f64) -> Font {
        Font { size, bold: false }
    }

    /// A bold font of this size.
    pub const fn bold(size: f64) -> Font {
        Font { size, bold: true }
    }

    /// The width of `text` in this font.
    pub fn width(self, text: &str) -> f64 {
        font::width(text, self.size, self.bold)
    }
}

/// How an element is painted: what its class in the document's `<style>` says. `S` is the
/// text of the colours: borrowed while an element is written, owned once kept.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Paint<S> {
    /// A text's size, weight, anchor and colour (None: black).
    Text {
        size: f64,
        bold: bool,
        anchor: Anchor,
        fill: Option<S>,
    },
    /// A line's colour, width and dash pattern.
    Stroke {
        colour: S,
        width: f64,
        dashes: Option<&'static str>,
    },
    /// A shape's fill and outline.
    Fill { fill: S, stroke: Option<S> },
}

impl Paint<String> {
    /// This paint with its colours borrowed, to compare with one being written.
    fn borrowed(&self) -> Paint<&str> {
        match self {
            Paint::Text {
                size,
                bold,
                anchor,
                fill,
            } => Paint::Text {
                size: *size,
                bold: *bold,
                anchor: *anchor,
                fill: fill.as_deref(),
            },
            Paint::Stroke {
                colour,
                width,
                dashes,
            } => Paint::Stroke {
                colour,
                width: *width,
                dashes: *dashes,
            },
            Paint::Fill { fill, stroke } => Paint::Fill {
                fill,
                stroke: stroke.as_deref(),
            },
        }
    }
}

impl Paint<&str> {
    /// This paint with its colours owned, to keep.
    fn owned(&self) -> Paint<String> {
        match *self {
            Paint::Text {
                size,
                bold,
                anchor,
                fill,
            } => Paint::Text {
                size,
                bold,
                anchor,
                fill: fill.map(str::to_string),
            },
            Paint::Stroke {
                colour,
                width,
                dashes,
            } => Paint::Stroke {
                colour: colour.to_string(),
                width,
                dashes,
            },
            Paint::Fill { fill, stroke } => Paint::Fill {
                fill: fill.to_string(),
                stroke: stroke.map(str::to_string),
            },
        }
    }
}

/// The font size the root element gives every text, so that body text needs no class.
const ROOT_FONT_SIZE: f64 = 11.0;

impl<'a> Paint<&'a str> {
    fn text(font: Font, anchor: Anchor, fill: Option<&'a str>) -> Paint<&'a str> {
        Paint::Text {
            size: font.size,
            bold: font.bold,
            anchor,
            // Black is SVG's default fill.
            fill: fill.filter(|f| *f != "#000000"),
        }
    }

    /// Whether this is what an element gets with no class at all (black shapes and regular
    /// start-anchored text in the root's font size).
    fn is_default(&self) -> bool {
        match self {
            Paint::Text {
                size,
                bold,
                anchor,
                fill,
            } => *size == ROOT_FONT_SIZE && !bold && *anchor == Anchor::Start && fill.is_none(),
            Paint::Stroke { .. } => false,
            Paint::Fill { fill, stroke } => *fill == "#000000" && stroke.is_none(),
        }
    }

    /// The CSS declarations of the class.
    fn push_rule(&self, out: &mut String) {
        match self {
            Paint::Text {
                size,
                bold,
                anchor,
                fill,
            } => {
                out.push_str("font-size:");
                push_num(out, *size);
                out.push_str("px");
                if *bold {
                    out.push_str(";font-weight:bold");
                }
                match anchor {
                    Anchor::Start => {}
                    Anchor::Middle => out.push_str(";text-anchor:middle"),
                    Anchor::End => out.push_str(";text-anchor:end"),
                }
                if let Some(fill) = fill {
                    out.push_str(";fill:");
                    escape::push_html(out, fill);
                }
            }
            Paint::Stroke {
                colour,
                width,
                dashes,
            } => {
                // A line is drawn as a path, which would otherwise be filled.
                out.push_str("fill:none;stroke:");
                escape::push_html(out, colour);
                out.push_str(";stroke-width:");
                push_num(out, *width);
                if let Some(dashes) = dashes {
                    out.push_str(";stroke-dasharray:");
                    out.push_str(dashes);
                }
            }
            Paint::Fill { fill, stroke } => {
                out.push_str("fill:");
                escape::push_html(out, fill);
                if let Some(stroke) = stroke {
                    out.push_str(";stroke:");
                    escape::push_html(out, stroke);
                }
            }
        }
    }
}

/// Appends the name of the `index`th class: a, b, ... z, then a1, b1, ...
fn push_class_name(out: &mut String, index: usize) {
    out.push(char::from(b'a' + (index % 26) as u8));
    if index >= 26 {
        push_whole(out, (index / 26) as u64);
    }
}

/// An SVG document being written; [`Svg::finish`] wraps the body in the root element.
///
/// Compact by construction: every distinct paint is one class of the document's `<style>`
/// (named in order of first use, so the same figure is the same bytes), a mark placed many
/// times is drawn once in `<defs>` ([`Svg::place`]), and there is one line per top-level
/// element or group.
#[derive(Debug, Default)]
pub struct Svg {
    body: String,
    depth: usize,
    /// The CSS declarations of each class used so far; a class is named by its index.
    rules: Vec<String>,
    /// Each paint met so far and its class: most elements repeat one, found here without
    /// writing its declarations out.
    paints: Vec<(Paint<String>, usize)>,
    /// The `<defs>` content: marks and their columns.
    defs: String,
    /// Each mark defined, by id.
    marks: Vec<String>,
    /// Each (mark, x) placed so far, and the id of its column's `<use>`.
    columns: Vec<(String, f64, String)>,
    /// Where [`Svg::end`] puts the `<style>` and `<defs>` of a document begun by
    /// [`Svg::document`].
    head_at: usize,
    /// The y origin of each open group, in hundredths: a row's group is translated to its
    /// middle ([`Svg::open_at`]), and what is drawn in it says its y from there.
    origins: Vec<i64>,
    /// The `<text>` written last, left open while texts of the same y and class follow: each
    /// of them is one `<tspan x>` in it (a row's cells), its y and class said once.
    open_text: Option<(f64, Option<usize>)>,
}

/// `x` in hundredths as [`push_num`] prints it, so that a y written from an origin lands
/// exactly where it was printed before.
fn hundredths(x: f64) -> i64 {
    match crate::decimal::rounded_units(x, 2) {
        // Below 1e9 hundredths: the cast is exact.
        Some(units) => {
            let units = units as i64;
            if x.is_sign_negative() { -units } else { units }
        }
        None => (num(x).parse::<f64>().unwrap_or(0.0) * 100.0).round() as i64,
    }
}

impl Svg {
    /// An empty document.
    pub fn new() -> Svg {
        Svg::default()
    }

    /// An empty document with room for about `bytes` of markup, so that a large figure is
    /// not copied over and over as it grows.
    pub fn with_capacity(bytes: usize) -> Svg {
        Svg {
            body: String::with_capacity(bytes),
            ..Svg::default()
        }
    }

    /// Ends an element: a new line only between top-level elements, so that a group (a
    /// study's row) is one line.
    fn end_element(&mut self) {
        if self.depth == 0 {
            self.body.push('\n');
        }
    }

    /// Closes the `<text>` left open for cells that might follow; every element but a text
    /// begins with this.
    fn close_text(&mut self) {
        if self.open_text.take().is_some() {
            self.body.push_str("</text>");
            self.end_element();
        }
    }

    /// The innermost group's y origin, in hundredths.
    fn origin(&self) -> i64 {
        self.origins.last().copied().unwrap_or(0)
    }

    /// Appends `y` as seen from the innermost group's origin: the same point, printed as
    /// before, less the origin.
    fn push_y(&mut self, y: f64) {
        match self.origin() {
            0 => push_num(&mut self.body, y),
            origin => push_num(&mut self.body, (hundredths(y) - origin) as f64 / 100.0),
        }
    }

    /// Appends ` name="y"` from the innermost group's origin, or nothing where that is 0, the
    /// default of `<text>` and `<use>`.
    fn y_attr(&mut self, name: &str, y: f64) {
        if hundredths(y) != self.origin() {
            self.body.push_str(name);
            self.push_y(y);
            self.body.push('"');
        }
    }

    /// Appends ` class="..."` naming `paint`'s class (nothing for the default paint), with
    /// `semantic` (a class tests and CSS find the element by) first.
    fn class(&mut self, semantic: Option<&str>, paint: Paint<&str>) {
        let styled = self.paint_class(paint);
        self.push_class(semantic, styled);
    }

    /// The index of `paint`'s class (None for the default paint), added to the style when new.
    fn paint_class(&mut self, paint: Paint<&str>) -> Option<usize> {
        (!paint.is_default()).then(|| {
            if let Some(i) = self.paints.iter().position(|(p, _)| p.borrowed() == paint) {
                // The paint found moves one place up: a row's paints are found first.
                let index = self.paints[i].1;
                self.paints.swap(i, i.saturating_sub(1));
                return index;
            }
            // Two paints may write the same declarations (a black text fill, say): one class.
            let mut rule = String::new();
            paint.push_rule(&mut rule);
            let index = if let Some(index) = self.rules.iter().position(|r| *r == rule) {
                index
            } else {
                self.rules.push(rule);
                self.rules.len() - 1
            };
            self.paints.push((paint.owned(), index));
            index
        })
    }

    /// Appends ` class="..."`: `semantic`, then the paint's class `styled`.
    fn push_class(&mut self, semantic: Option<&str>, styled: Option<usize>) {
        if semantic.is_none() && styled.is_none() {
            return;
        }
        self.body.push_str(" class=\"");
        if let Some(name) = semantic {
            escape::push_html(&mut self.body, name);
            if styled.is_some() {
                self.body.push(' ');
            }
        }
        if let Some(index) = styled {
            push_class_name(&mut self.body, index);
        }
        self.body.push('"');
    }

    /// Opens `<g class="...">`, with a `<title>` (a tooltip) when given.
    pub fn open(&mut self, class: &str, title: Option<&str>) {
        self.open_group(class, title, self.origin());
    }

    /// Opens `<g class="...">` translated down to `y` (a row's middle), with a `<title>` when
    /// given: everything drawn in it says its y from there, most of a row's marks none.
    pub fn open_at(&mut self, class: &str, title: Option<&str>, y: f64) {
        self.open_group(class, title, hundredths(y));
    }

    /// Opens a group whose origin is `origin` hundredths down the page.
    fn open_group(&mut self, class: &str, title: Option<&str>, origin: i64) {
        self.close_text();
        self.body.push_str("<g class=\"");
        escape::push_html(&mut self.body, class);
        self.body.push('"');
        if origin != self.origin() {
            self.body.push_str(" transform=\"translate(0 ");
            let down = (origin - self.origin()) as f64 / 100.0;
            push_num(&mut self.body, down);
            self.body.push_str(")\"");
        }
        self.body.push('>');
        if let Some(title) = title {
            self.body.push_str("<title>");
            escape::push_html(&mut self.body, title);
            self.body.push_str("</title>");
        }
        self.depth += 1;
        self.origins.push(origin);
    }

    /// Closes the innermost open group.
    pub fn close(&mut self) {
        self.close_text();
        self.body.push_str("</g>");
        self.depth -= 1;
        self.origins.pop();
        self.end_element();
    }

    /// Appends an attribute's ` name="` (given whole, so that it is one copy), the value
    /// escaped, and the closing quote.
    fn attr(&mut self, name: &str, value: &str) {
        self.body.push_str(name);
        escape::push_html(&mut self.body, value);
        self.body.push('"');
    }

    /// Appends ` name="` (given whole), the number and the closing quote.
    fn num_attr(&mut self, name: &str, value: f64) {
        self.body.push_str(name);
        push_num(&mut self.body, value);
        self.body.push('"');
    }

    /// A text with its baseline at `y`.
    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, font: Font, text: &str) {
        self.text_filled(x, y, anchor, font, text, None);
    }

    /// A text with its baseline at `y`, in a colour other than black. A text of the same y
    /// and class as the one just written (the next cell of a row) is a `<tspan x>` of it:
    /// each tspan with an x begins a chunk of its own, anchored as a text of its own would be.
    pub fn text_filled(
        &mut self,
        x: f64,
        y: f64,
        anchor: Anchor,
        font: Font,
        text: &str,
        fill: Option<&str>,
    ) {
        let styled = self.paint_class(Paint::text(font, anchor, fill));
        if self.open_text == Some((y, styled)) {
            self.num_attr("<tspan x=\"", x);
            self.body.push('>');
            escape::push_html(&mut self.body, text);
            self.body.push_str("</tspan>");
            return;
        }
        self.close_text();
        self.num_attr("<text x=\"", x);
        self.y_attr(" y=\"", y);
        self.push_class(None, styled);
        self.body.push('>');
        escape::push_html(&mut self.body, text);
        self.open_text = Some((y, styled));
    }

    /// A straight line.
    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), stroke: &str, width: f64) {
        self.line_dashed(from, to, stroke, width, None);
    }

    /// A dashed straight line.
    pub fn dashed_line(&mut self, from: (f64, f64), to: (f64, f64), stroke: &str, width: f64) {
        self.line_dashed(from, to, stroke, width, Some("4 3"));
    }

    /// A line as a path, which says a horizontal or vertical line (most of them) in fewer
    /// bytes than `<line>`'s four coordinates.
    fn line_dashed(
        &mut self,
        from: (f64, f64),
        to: (f64, f64),
        stroke: &str,
        width: f64,
        dashes: Option<&'static str>,
    ) {
        self.close_text();
        self.body.push_str("<path d=\"M");
        push_num(&mut self.body, from.0);
        self.body.push(' ');
        self.push_y(from.1);
        if from.1 == to.1 {
            self.body.push('H');
            push_num(&mut self.body, to.0);
        } else if from.0 == to.0 {
            self.body.push('V');
            self.push_y(to.1);
        } else {
            self.body.push('L');
            push_num(&mut self.body, to.0);
            self.body.push(' ');
            self.push_y(to.1);
        }
        self.body.push('"');
        self.class(
            None,
            Paint::Stroke {
                colour: stroke,
                width,
                dashes,
            },
        );
        self.body.push_str("/>");
        self.end_element();
    }

    /// A rectangle, filled, with an optional outline.
    pub fn rect(
        &mut self,
        (x, y): (f64, f64),
        (w, h): (f64, f64),
        fill: &str,
        stroke: Option<&str>,
    ) {
        self.close_text();
        self.num_attr("<rect x=\"", x);
        self.body.push_str(" y=\"");
        self.push_y(y);
        self.body.push('"');
        self.num_attr(" width=\"", w);
        self.num_attr(" height=\"", h);
        self.class(None, Paint::fill(fill, stroke));
        self.body.push_str("/>");
        self.end_element();
    }

    /// A closed polygon with a class (diamond, arrow) so tests and CSS can find it; none when
    /// `class` is empty (a mark's, whose copies carry it).
    pub fn polygon(&mut self, class: &str, points: &[(f64, f64)], fill: &str) {
        self.close_text();
        self.body.push_str("<polygon");
        self.class(
            (!class.is_empty()).then_some(class),
            Paint::fill(fill, None),
        );
        self.body.push_str(" points=\"");
        for (i, (x, y)) in points.iter().enumerate() {
            if i > 0 {
                self.body.push(' ');
            }
            push_num(&mut self.body, *x);
            self.body.push(',');
            self.push_y(*y);
        }
        self.body.push_str("\"/>");
        self.end_element();
    }

    /// A circle, filled, with an optional outline.
    pub fn circle(&mut self, (cx, cy): (f64, f64), r: f64, fill: &str, stroke: Option<&str>) {
        self.close_text();
        // A circle at the origin (a mark's) leaves its centre unwritten: 0 is the default.
        if cx == 0.0 {
            self.body.push_str("<circle");
        } else {
            self.num_attr("<circle cx=\"", cx);
        }
        self.y_attr(" cy=\"", cy);
        self.num_attr(" r=\"", r);
        self.class(None, Paint::fill(fill, stroke));
        self.body.push_str("/>");
        self.end_element();
    }

    /// A copy of the mark `id` with its origin at `(x, y)`; `draw` draws the mark around the
    /// origin, once, in `<defs>`, the first time it is placed. A mark placed down a column (a
    /// risk-of-bias dot of each study) gets one `<use>` per column in `<defs>`, so that each
    /// copy says only its y: the summary of 1,000 studies' seven judgements stays under
    /// 300 KB.
    pub fn place(&mut self, id: &str, at: (f64, f64), draw: impl FnOnce(&mut Svg)) {
        self.place_classed(None, id, at, draw);
    }

    /// [`Svg::place`] with a class on the copy (an interval's arrow head), so that tests and
    /// CSS find each copy as they would find the element itself.
    pub fn place_classed(
        &mut self,
        class: Option<&str>,
        id: &str,
        (x, y): (f64, f64),
        draw: impl FnOnce(&mut Svg),
    ) {
        self.close_text();
        // A column found means its mark is drawn; the x is compared first, as it differs most.
        let found = self
            .columns
            .iter()
            .position(|(mark, at, _)| *at == x && mark == id);
        let column = if let Some(index) = found {
            index
        } else {
            if !self.marks.iter().any(|m| m == id) {
                self.marks.push(id.to_string());
                // Drawn into the defs with this document's classes.
                let body = std::mem::replace(&mut self.body, std::mem::take(&mut self.defs));
                let depth = std::mem::replace(&mut self.depth, 1);
                let origins = std::mem::take(&mut self.origins);
                self.attr("<g id=\"", id);
                self.body.push('>');
                draw(self);
                self.close_text();
                self.body.push_str("</g>");
                self.defs = std::mem::replace(&mut self.body, body);
                self.depth = depth;
                self.origins = origins;
            }
            let column = format!("{id}{}", self.columns.len());
            self.defs.push_str("<use id=\"");
            self.defs.push_str(&column);
            self.defs.push_str("\" href=\"#");
            escape::push_html(&mut self.defs, id);
            self.defs.push_str("\" x=\"");
            push_num(&mut self.defs, x);
            self.defs.push_str("\"/>");
            self.columns.push((id.to_string(), x, column));
            self.columns.len() - 1
        };
        self.body.push_str("<use");
        if let Some(class) = class {
            self.push_class(Some(class), None);
        }
        self.body.push_str(" href=\"#");
        self.body.push_str(&self.columns[column].2);
        self.body.push('"');
        self.y_attr(" y=\"", y);
        self.body.push_str("/>");
        self.end_element();
    }

    /// The `<style>` and `<defs>` of what was written, each on its own line (nothing when
    /// empty).
    fn head(&self) -> String {
        let mut out = String::new();
        if !self.rules.is_empty() {
            out.push_str("<style>");
            for (i, rule) in self.rules.iter().enumerate() {
                out.push('.');
                push_class_name(&mut out, i);
                out.push('{');
                out.push_str(rule);
                out.push('}');
            }
            out.push_str("</style>\n");
        }
        if !self.defs.is_empty() {
            out.push_str("<defs>");
            out.push_str(&self.defs);
            out.push_str("</defs>\n");
        }
        out
    }

    /// The finished document: root element with size and viewBox, `<title>`, `<desc>`, the
    /// style and marks, a white background, then everything written.
    pub fn finish(mut self, width: f64, height: f64, title: &str, description: &str) -> String {
        self.close_text();
        debug_assert_eq!(self.depth, 0, "every group is closed");
        let head = self.head();
        let mut out = String::with_capacity(
            self.body.len() + head.len() + title.len() + description.len() + 400,
        );
        push_header(&mut out, width, height, title, description);
        out.push_str(&head);
        push_background(&mut out, width, height);
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }

    /// A document whose size, title and description are known before its marks (the forest
    /// plot): the root element is written first and [`Svg::end`] closes it, so that a large
    /// figure's body is not copied once more behind its header as [`Svg::finish`] must.
    pub fn document(
        (width, height): (f64, f64),
        title: &str,
        description: &str,
        bytes: usize,
    ) -> Svg {
        let mut svg = Svg::with_capacity(bytes + title.len() + description.len() + 1000);
        push_header(&mut svg.body, width, height, title, description);
        svg.head_at = svg.body.len();
        push_background(&mut svg.body, width, height);
        svg
    }

    /// The document begun by [`Svg::document`], closed: the same bytes as [`Svg::finish`].
    /// Its style and marks are known only now; they go in behind the description.
    pub fn end(mut self) -> String {
        self.close_text();
        debug_assert_eq!(self.depth, 0, "every group is closed");
        let head = self.head();
        self.body.insert_str(self.head_at, &head);
        self.body.push_str("</svg>\n");
        // Figures are held until their review is written, and the room reserved for the body
        // is generous: a large review's forest plots held 34 MB for 13 MB of SVG.
        self.body.shrink_to_fit();
        self.body
    }
}

impl<'a> Paint<&'a str> {
    fn fill(fill: &'a str, stroke: Option<&'a str>) -> Paint<&'a str> {
        Paint::Fill { fill, stroke }
    }
}

/// Appends the root element with size and viewBox, `<title>` and `<desc>`.
fn push_header(out: &mut String, width: f64, height: f64, title: &str, description: &str) {
    let (w, h) = (num(width.ceil()), num(height.ceil()));
    let (w, h) = (w.as_str(), h.as_str());
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    for part in [w, "\" height=\"", h, "\" viewBox=\"0 0 ", w, " ", h] {
        out.push_str(part);
    }
    out.push_str("\" font-family=\"");
    escape::push_html(out, FONT_FAMILY);
    out.push_str("\" font-size=\"");
    push_num(out, ROOT_FONT_SIZE);
    out.push_str("\" role=\"img\">\n<title>");
    escape::push_html(out, title);
    out.push_str("</title>\n<desc>");
    escape::push_html(out, description);
    out.push_str("</desc>\n");
}

/// Appends the white background.
fn push_background(out: &mut String, width: f64, height: f64) {
    let (w, h) = (num(width.ceil()), num(height.ceil()));
    for part in [
        "<rect width=\"",
        &w,
        "\" height=\"",
        &h,
        "\" fill=\"#fff\"/>\n",
    ] {
        out.push_str(part);
    }
}

/// The box a text occupies, in SVG pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// The text, unescaped.
    pub text: String,
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge.
    pub right: f64,
    /// Bottom edge.
    pub bottom: f64,
}

impl TextBox {
    /// Whether two boxes share any area (touching edges do not count).
    pub fn overlaps(&self, other: &TextBox) -> bool {
        const EPS: f64 = 0.01;
        self.left < other.right - EPS
            && other.left < self.right - EPS
            && self.top < other.bottom - EPS
            && other.top < self.bottom - EPS
    }
}

/// The value of attribute `name` in the start tag `tag`.
fn tag_attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(&tag[at..at + len])
}

/// A number attribute of a start tag (0 when absent, as SVG reads it).
fn tag_number(tag: &str, name: &str) -> f64 {
    tag_attr(tag, name)
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// The declarations of each class of the document's `<style>`, by class name.
fn style_rules(svg: &str) -> Vec<(&str, &str)> {
    let Some(start) = svg.find("<style>") else {
        return Vec::new();
    };
    let sheet = &svg[start + 7..];
    let sheet = &sheet[..sheet.find("</style>").unwrap_or(sheet.len())];
    sheet
        .split('}')
        .filter_map(|rule| {
            let (selector, declarations) = rule.split_once('{')?;
            Some((selector.strip_prefix('.')?, declarations))
        })
        .collect()
}

/// The boxes of every `<text>` in an SVG written by [`Svg`], measured with the same font
/// metrics the layout used: each text's font and anchor from its class, and the texts of
/// each mark (`<defs>`) at every `<use>` that places it.
pub fn text_boxes(svg: &str) -> Vec<TextBox> {
    let rules = style_rules(svg);
    let root_size = svg.find('>').map_or(ROOT_FONT_SIZE, |end| {
        match tag_number(&svg[..end], "font-size") {
            0.0 => ROOT_FONT_SIZE,
            size => size,
        }
    });
    let declaration = |tag: &str, property: &str| -> Option<String> {
        let classes = tag_attr(tag, "class")?;
        classes.split(' ').find_map(|class| {
            let (_, declarations) = rules.iter().find(|(name, _)| *name == class)?;
            declarations.split(';').find_map(|d| {
                let (p, v) = d.split_once(':')?;
                (p == property).then(|| v.to_string())
            })
        })
    };
    let (defs, body) = match (svg.find("<defs>"), svg.find("</defs>")) {
        (Some(start), Some(end)) => (&svg[start..end], &svg[end..]),
        _ => ("", svg),
    };
    // Each element of the defs with an id: its start tag and the markup up to the next one.
    let defined = |id: &str| -> Option<&str> {
        let key = format!(" id=\"{id}\"");
        let at = defs.find(&key)?;
        let open = defs[..at].rfind('<')?;
        Some(&defs[open..])
    };
    let mut boxes = Vec::new();
    // Each text, and each `<tspan x>` of it (a chunk of its own at its x, in the text's font
    // and at its y).
    let measure = |markup: &str, (dx, dy): (f64, f64), boxes: &mut Vec<TextBox>| {
        let mut rest = markup;
        while let Some(start) = rest.find("<text ") {
            rest = &rest[start..];
            let (Some(open_end), Some(close)) = (rest.find('>'), rest.find("</text>")) else {
                break;
            };
            let tag = &rest[..open_end];
            let size = declaration(tag, "font-size")
                .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
                .unwrap_or(root_size);
            let font = Font {
                size,
                bold: declaration(tag, "font-weight").as_deref() == Some("bold"),
            };
            let anchor = match declaration(tag, "text-anchor").as_deref() {
                Some("middle") => Anchor::Middle,
                Some("end") => Anchor::End,
                _ => Anchor::Start,
            };
            let y = dy + tag_number(tag, "y");
            let mut chunk = |x: f64, text: &str| {
                let text = unescape(text);
                let width = font.width(&text);
                let left = anchor.left(dx + x, width);
                boxes.push(TextBox {
                    left,
                    right: left + width,
                    top: y - ASCENT * font.size,
                    bottom: y + DESCENT * font.size,
                    text,
                });
            };
            let mut content = &rest[open_end + 1..close];
            let first = content.find("<tspan ").unwrap_or(content.len());
            chunk(tag_number(tag, "x"), &content[..first]);
            content = &content[first..];
            while let (Some(end), Some(close)) = (content.find('>'), content.find("</tspan>")) {
                chunk(tag_number(&content[..end], "x"), &content[end + 1..close]);
                content = &content[close + 8..];
            }
            rest = &rest[close..];
        }
    };
    // The y origin of each open group (a row's translation).
    let mut origins = vec![0.0];
    let mut rest = body;
    loop {
        let next = ["<text ", "<use ", "<g ", "</g>"]
            .iter()
            .enumerate()
            .filter_map(|(kind, tag)| Some((rest.find(tag)?, kind)))
            .min();
        let Some((at, kind)) = next else { break };
        let origin = *origins.last().unwrap_or(&0.0);
        let end = match kind {
            0 => rest[at..]
                .find("</text>")
                .map_or(rest.len(), |e| at + e + 7),
            _ => rest[at..].find('>').map_or(rest.len(), |e| at + e + 1),
        };
        match kind {
            0 => measure(&rest[at..end], (0.0, origin), &mut boxes),
            1 => {
                // Follows the use (and a use it names) to the mark, adding up the offsets.
                let mut tag = &rest[at..end];
                let mut offset = (0.0, origin);
                while let Some(target) = tag_attr(tag, "href").and_then(|h| h.strip_prefix('#')) {
                    offset.0 += tag_number(tag, "x");
                    offset.1 += tag_number(tag, "y");
                    let Some(mark) = defined(target) else { break };
                    if mark.starts_with("<use ") {
                        tag = &mark[..mark.find('>').unwrap_or(mark.len())];
                    } else {
                        let close = mark.find("</g>").unwrap_or(mark.len());
                        measure(&mark[..close], offset, &mut boxes);
                        break;
                    }
                }
            }
            2 => {
                let down = tag_attr(&rest[at..end], "transform")
                    .and_then(|t| t.strip_prefix("translate(0 ")?.strip_suffix(')'))
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(0.0);
                origins.push(origin + down);
            }
            _ => {
                origins.pop();
            }
        }
        rest = &rest[end..];
    }
    boxes
}

/// Every pair of texts whose boxes overlap.
pub fn overlapping_texts(svg: &str) -> Vec<(TextBox, TextBox)> {
    let mut boxes = text_boxes(svg);
    boxes.sort_by(|a, b| a.top.total_cmp(&b.top));
    let mut pairs = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if b.top >= a.bottom {
                break;
            }
            if a.overlaps(b) {
                pairs.push((a.clone(), b.clone()));
            }
        }
    }
    pairs
}

/// The reverse of [`html`](crate::report::escape::html).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_numbers_with_fixed_precision() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(2.345_678), "2.35");
        assert_eq!(num(-12.5), "-12.5");
    }

    /// The writer as it was before numbers were appended in place: the reference.
    fn reference_num(x: f64) -> String {
        let mut text = format!("{x:.2}");
        let kept = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(kept);
        if text == "-0" || text.is_empty() {
            "0".to_string()
        } else {
            text
        }
    }

    #[test]
    fn appends_numbers_exactly_as_the_reference() {
        let mut values = vec![
            0.0,
            -0.0,
            0.005,
            -0.005,
            0.125,
            -0.125,
            2.675,
            1.005,
            0.995,
            -0.995,
            99.995,
            10.0,
            -10.0,
            100.5,
            1e-9,
            -1e-9,
            1e9,
            1e14,
            -1e16,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // Every thousandth from -50 to 50 (halves of the last digit included), then
        // pseudo-random values of all sizes.
        values.extend((-50_000..=50_000).map(|i| f64::from(i) / 1000.0));
        for (i, unit) in (0..100_000u64).zip(crate::decimal::tests::uniform(0x9e37_79b9_7f4a_7c15))
        {
            values.push((unit - 0.5) * [1.0, 100.0, 1e4, 1e7, 1e10][(i % 5) as usize]);
        }
        for x in values {
            let mut out = String::from("<");
            push_num(&mut out, x);
            assert_eq!(out, format!("<{}", reference_num(x)), "{x:e}");
            assert_eq!(num(x), reference_num(x), "{x:e}");
        }
    }

    #[test]
    fn a_document_begun_first_ends_as_finish_writes_it() {
        let draw = |svg: &mut Svg| {
            svg.open("g", Some("a & b"));
            svg.text(1.5, 2.0, Anchor::Middle, Font::bold(9.0), "x < y");
            svg.close();
        };
        let mut finished = Svg::new();
        draw(&mut finished);
        let mut begun = Svg::document((100.4, 50.0), "t & u", "d \"e\"", 0);
        draw(&mut begun);
        assert_eq!(
            begun.end(),
            finished.finish(100.4, 50.0, "t & u", "d \"e\"")
        );
    }

    // Every paint is one class of the style, named once and shared by every element that
    // uses it; black shapes and body text need none.
    #[test]
    fn each_paint_is_one_class_of_the_style() {
        let mut svg = Svg::new();
        svg.text(1.0, 2.0, Anchor::End, Font::bold(9.0), "a");
        svg.text(3.0, 4.0, Anchor::End, Font::bold(9.0), "b");
        svg.text(5.0, 6.0, Anchor::Start, Font::regular(11.0), "c");
        svg.line((0.0, 1.0), (5.0, 1.0), "#000000", 0.5);
        svg.polygon("diamond", &[(0.0, 0.0), (1.0, 1.0)], "#000000");
        let out = svg.finish(10.0, 10.0, "t", "d");
        assert!(
            out.contains(
                "<style>.a{font-size:9px;font-weight:bold;text-anchor:end}\
                 .b{fill:none;stroke:#000000;stroke-width:0.5}</style>"
            ),
            "{out}"
        );
        assert_eq!(out.matches("class=\"a\"").count(), 2, "{out}");
        assert!(out.contains("<text x=\"5\" y=\"6\">c</text>"), "{out}");
        assert!(out.contains("<path d=\"M0 1H5\" class=\"b\"/>"), "{out}");
        assert!(
            out.contains("<polygon class=\"diamond\" points=\"0,0 1,1\"/>"),
            "{out}"
        );
    }

    // A mark is drawn once; each column it is placed in is one <use> in the defs, each copy
    // names its column and its y; and the texts read back are those of every copy, where it
    // was placed.
    #[test]
    fn a_mark_is_drawn_once_and_placed_by_use() {
        let mut svg = Svg::new();
        let mut drawn = 0;
        for (x, y) in [(20.0, 10.0), (40.0, 10.0), (20.0, 30.0)] {
            svg.place("m", (x, y), |mark| {
                drawn += 1;
                mark.text(0.0, 4.0, Anchor::Middle, Font::bold(10.0), "+");
            });
        }
        assert_eq!(drawn, 1);
        let out = svg.finish(100.0, 100.0, "t", "d");
        assert!(
            out.contains(
                "<defs><g id=\"m\"><text x=\"0\" y=\"4\" class=\"a\">+</text></g>\
                 <use id=\"m0\" href=\"#m\" x=\"20\"/><use id=\"m1\" href=\"#m\" x=\"40\"/></defs>"
            ),
            "{out}"
        );
        assert!(out.contains("<use href=\"#m0\" y=\"30\"/>"), "{out}");
        let boxes = text_boxes(&out);
        let centres: Vec<(f64, f64)> = boxes
            .iter()
            .map(|b| (f64::midpoint(b.left, b.right), b.bottom - DESCENT * 10.0))
            .collect();
        assert_eq!(centres.len(), 3);
        for (centre, expected) in centres
            .iter()
            .zip([(20.0, 14.0), (40.0, 14.0), (20.0, 34.0)])
        {
            assert!(
                (centre.0 - expected.0).abs() < 1e-9 && (centre.1 - expected.1).abs() < 1e-9,
                "{centre:?} vs {expected:?}"
            );
        }
    }

    // Cells of one row (same y, same class) are one <text> with a <tspan x> per cell; another
    // class, another y or any other element begins a new <text>; read back, each cell is a
    // box of its own at its x.
    #[test]
    fn cells_of_a_row_are_tspans_of_one_text() {
        let mut svg = Svg::new();
        svg.text(10.0, 20.0, Anchor::Start, Font::regular(11.0), "name");
        svg.text(50.0, 20.0, Anchor::End, Font::regular(11.0), "1.5");
        svg.text(90.0, 20.0, Anchor::End, Font::regular(11.0), "2 & 3");
        svg.text(90.0, 36.0, Anchor::End, Font::regular(11.0), "4");
        svg.line((0.0, 40.0), (5.0, 40.0), "#000000", 1.0);
        svg.text(90.0, 36.0, Anchor::End, Font::regular(11.0), "5");
        let out = svg.finish(100.0, 100.0, "t", "d");
        assert!(
            out.contains(
                "<text x=\"10\" y=\"20\">name</text>\n\
                 <text x=\"50\" y=\"20\" class=\"a\">1.5<tspan x=\"90\">2 &amp; 3</tspan></text>\n\
                 <text x=\"90\" y=\"36\" class=\"a\">4</text>\n<path"
            ),
            "{out}"
        );
        assert!(
            out.contains("class=\"b\"/>\n<text x=\"90\" y=\"36\" class=\"a\">5</text>\n</svg>")
        );
        let boxes = text_boxes(&out);
        let texts: Vec<&str> = boxes.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["name", "1.5", "2 & 3", "4", "5"]);
        let width = Font::regular(11.0).width("2 & 3");
        assert!(
            (boxes[2].right - 90.0).abs() < 1e-9 && (boxes[2].left - (90.0 - width)).abs() < 1e-9
        );
    }

    // A group opened at a y is translated there and what it holds says its y from there
    // (none where it is the group's): the same points, so the same boxes read back.
    #[test]
    fn a_group_opened_at_a_row_says_its_y_once() {
        let draw = |svg: &mut Svg, translated: bool| {
            if translated {
                svg.open_at("study", Some("row"), 52.0);
            } else {
                svg.open("study", Some("row"));
            }
            svg.text(10.0, 56.0, Anchor::Start, Font::regular(11.0), "name");
            svg.line((20.0, 52.0), (40.0, 52.0), "#000000", 1.0);
            // 50.345 is a little below the half in binary: printed 50.34 either way.
            svg.rect((30.0, 50.345), (3.0, 3.0), "#1F4E9A", None);
            svg.place("m", (60.0, 52.0), |mark| {
                mark.text(0.0, 4.0, Anchor::Middle, Font::bold(10.0), "+");
            });
            svg.close();
        };
        let (mut flat, mut row) = (Svg::new(), Svg::new());
        draw(&mut flat, false);
        draw(&mut row, true);
        let (flat, row) = (
            flat.finish(100.0, 100.0, "t", "d"),
            row.finish(100.0, 100.0, "t", "d"),
        );
        assert!(
            row.contains(
                "<g class=\"study\" transform=\"translate(0 52)\"><title>row</title>\
                 <text x=\"10\" y=\"4\">name</text><path d=\"M20 0H40\" class=\"a\"/>\
                 <rect x=\"30\" y=\"-1.66\" width=\"3\" height=\"3\" class=\"b\"/>\
                 <use href=\"#m0\"/></g>"
            ),
            "{row}"
        );
        assert!(flat.contains("<rect x=\"30\" y=\"50.34\""), "{flat}");
        assert_eq!(text_boxes(&row), text_boxes(&flat));
        assert_eq!(text_boxes(&row).len(), 2);
    }

    #[test]
    fn reads_back_the_texts_it_wrote() {
        let mut svg = Svg::new();
        svg.text(10.0, 20.0, Anchor::End, Font::regular(10.0), "a & <b>");
        svg.text(10.0, 40.0, Anchor::Start, Font::bold(9.0), "c");
        let boxes = text_boxes(&svg.finish(100.0, 100.0, "t", "d"));
        assert_eq!(boxes.len(), 2);
        assert_eq!(boxes[0].text, "a & <b>");
        assert!((boxes[0].right - 10.0).abs() < 1e-9);
        // The font and anchor come from the class.
        assert!((boxes[0].left - (10.0 - Font::regular(10.0).width("a & <b>"))).abs() < 1e-9);
        assert!((boxes[1].right - (10.0 + Font::bold(9.0).width("c"))).abs() < 1e-9);
        assert!((boxes[1].top - (40.0 - ASCENT * 9.0)).abs() < 1e-9);
    }
}
