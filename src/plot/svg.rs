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

/// An SVG document being written; [`Svg::finish`] wraps the body in the root element.
#[derive(Debug, Default)]
pub struct Svg {
    body: String,
    depth: usize,
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
            depth: 0,
        }
    }

    /// Opens `<g class="...">`, with a `<title>` (a tooltip) when given.
    pub fn open(&mut self, class: &str, title: Option<&str>) {
        self.body.push_str("<g class=\"");
        escape::push_html(&mut self.body, class);
        self.body.push_str("\">");
        if let Some(title) = title {
            self.body.push_str("<title>");
            escape::push_html(&mut self.body, title);
            self.body.push_str("</title>");
        }
        self.body.push('\n');
        self.depth += 1;
    }

    /// Closes the innermost open group.
    pub fn close(&mut self) {
        self.body.push_str("</g>\n");
        self.depth -= 1;
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

    /// A text with its baseline at `y`, in a colour other than black.
    pub fn text_filled(
        &mut self,
        x: f64,
        y: f64,
        anchor: Anchor,
        font: Font,
        text: &str,
        fill: Option<&str>,
    ) {
        self.num_attr("<text x=\"", x);
        self.num_attr(" y=\"", y);
        self.num_attr(" font-size=\"", font.size);
        match anchor {
            Anchor::Start => {}
            Anchor::Middle => self.body.push_str(" text-anchor=\"middle\""),
            Anchor::End => self.body.push_str(" text-anchor=\"end\""),
        }
        if font.bold {
            self.body.push_str(" font-weight=\"bold\"");
        }
        if let Some(fill) = fill {
            self.attr(" fill=\"", fill);
        }
        self.body.push('>');
        escape::push_html(&mut self.body, text);
        self.body.push_str("</text>\n");
    }

    /// A straight line.
    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), stroke: &str, width: f64) {
        self.line_dashed(from, to, stroke, width, None);
    }

    /// A dashed straight line.
    pub fn dashed_line(&mut self, from: (f64, f64), to: (f64, f64), stroke: &str, width: f64) {
        self.line_dashed(from, to, stroke, width, Some("4 3"));
    }

    fn line_dashed(
        &mut self,
        from: (f64, f64),
        to: (f64, f64),
        stroke: &str,
        width: f64,
        dashes: Option<&str>,
    ) {
        self.num_attr("<line x1=\"", from.0);
        self.num_attr(" y1=\"", from.1);
        self.num_attr(" x2=\"", to.0);
        self.num_attr(" y2=\"", to.1);
        self.attr(" stroke=\"", stroke);
        self.num_attr(" stroke-width=\"", width);
        if let Some(dashes) = dashes {
            // Written as given, unescaped, as before: the dash patterns are constants.
            self.body.push_str(" stroke-dasharray=\"");
            self.body.push_str(dashes);
            self.body.push('"');
        }
        self.body.push_str("/>\n");
    }

    /// A rectangle, filled, with an optional outline.
    pub fn rect(
        &mut self,
        (x, y): (f64, f64),
        (w, h): (f64, f64),
        fill: &str,
        stroke: Option<&str>,
    ) {
        self.num_attr("<rect x=\"", x);
        self.num_attr(" y=\"", y);
        self.num_attr(" width=\"", w);
        self.num_attr(" height=\"", h);
        self.attr(" fill=\"", fill);
        if let Some(stroke) = stroke {
            self.attr(" stroke=\"", stroke);
        }
        self.body.push_str("/>\n");
    }

    /// A closed polygon with a class (diamond, arrow) so tests and CSS can find it.
    pub fn polygon(&mut self, class: &str, points: &[(f64, f64)], fill: &str) {
        self.attr("<polygon class=\"", class);
        self.body.push_str(" points=\"");
        for (i, (x, y)) in points.iter().enumerate() {
            if i > 0 {
                self.body.push(' ');
            }
            push_num(&mut self.body, *x);
            self.body.push(',');
            push_num(&mut self.body, *y);
        }
        self.body.push('"');
        self.attr(" fill=\"", fill);
        self.body.push_str("/>\n");
    }

    /// A circle, filled, with an optional outline.
    pub fn circle(&mut self, (cx, cy): (f64, f64), r: f64, fill: &str, stroke: Option<&str>) {
        self.num_attr("<circle cx=\"", cx);
        self.num_attr(" cy=\"", cy);
        self.num_attr(" r=\"", r);
        self.attr(" fill=\"", fill);
        if let Some(stroke) = stroke {
            self.attr(" stroke=\"", stroke);
        }
        self.body.push_str("/>\n");
    }

    /// The finished document: root element with size and viewBox, `<title>`, `<desc>`, a
    /// white background, then everything written.
    pub fn finish(self, width: f64, height: f64, title: &str, description: &str) -> String {
        debug_assert_eq!(self.depth, 0, "every group is closed");
        let mut out =
            String::with_capacity(self.body.len() + title.len() + description.len() + 400);
        push_header(&mut out, width, height, title, description);
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
        let mut svg = Svg::with_capacity(bytes + title.len() + description.len() + 400);
        push_header(&mut svg.body, width, height, title, description);
        svg
    }

    /// The document begun by [`Svg::document`], closed: the same bytes as [`Svg::finish`].
    pub fn end(mut self) -> String {
        debug_assert_eq!(self.depth, 0, "every group is closed");
        self.body.push_str("</svg>\n");
        self.body
    }
}

/// Appends the root element with size and viewBox, `<title>`, `<desc>` and the white
/// background.
fn push_header(out: &mut String, width: f64, height: f64, title: &str, description: &str) {
    let (w, h) = (num(width.ceil()), num(height.ceil()));
    let (w, h) = (w.as_str(), h.as_str());
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    for part in [w, "\" height=\"", h, "\" viewBox=\"0 0 ", w, " ", h] {
        out.push_str(part);
    }
    out.push_str("\" font-family=\"");
    escape::push_html(out, FONT_FAMILY);
    out.push_str("\" role=\"img\">\n<title>");
    escape::push_html(out, title);
    out.push_str("</title>\n<desc>");
    escape::push_html(out, description);
    out.push_str("</desc>\n<rect width=\"");
    for part in [w, "\" height=\"", h, "\" fill=\"#ffffff\"/>\n"] {
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

/// The boxes of every `<text>` in an SVG written by [`Svg`], measured with the same font
/// metrics the layout used.
pub fn text_boxes(svg: &str) -> Vec<TextBox> {
    let mut boxes = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text ") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let Some(close) = rest.find("</text>") else {
            break;
        };
        let tag = &rest[..open_end];
        let text = unescape(&rest[open_end + 1..close]);
        let attr = |name: &str| -> Option<&str> {
            let key = format!(" {name}=\"");
            let at = tag.find(&key)? + key.len();
            let len = tag[at..].find('"')?;
            Some(&tag[at..at + len])
        };
        let number = |name: &str| {
            attr(name)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let font = Font {
            size: number("font-size"),
            bold: attr("font-weight") == Some("bold"),
        };
        let anchor = match attr("text-anchor") {
            Some("middle") => Anchor::Middle,
            Some("end") => Anchor::End,
            _ => Anchor::Start,
        };
        let (x, y) = (number("x"), number("y"));
        let width = font.width(&text);
        let left = anchor.left(x, width);
        boxes.push(TextBox {
            left,
            right: left + width,
            top: y - ASCENT * font.size,
            bottom: y + DESCENT * font.size,
            text,
        });
        rest = &rest[close..];
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

    #[test]
    fn reads_back_the_texts_it_wrote() {
        let mut svg = Svg::new();
        svg.text(10.0, 20.0, Anchor::End, Font::regular(10.0), "a & <b>");
        let boxes = text_boxes(&svg.finish(100.0, 100.0, "t", "d"));
        assert_eq!(boxes.len(), 1);
        assert_eq!(boxes[0].text, "a & <b>");
        assert!((boxes[0].right - 10.0).abs() < 1e-9);
    }
}
