//! A small SVG writer: elements with fixed attribute order, `<g class>` groups, `<title>` and
//! `<desc>`, every string escaped, every number printed with at most two decimals, so the
//! same figure is the same bytes on every run and machine.
//!
//! Also the reverse for tests: [`text_boxes`] reads back the `<text>` elements this writer
//! emitted and measures them with [`font`](super::font).

use std::fmt::Write;

use super::font;
use crate::report::escape::html;

/// The font stack of every figure.
pub const FONT_FAMILY: &str = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

/// How much of the font size lies above the baseline in a text box (ascent).
const ASCENT: f64 = 0.8;
/// How much lies below it (descent).
const DESCENT: f64 = 0.22;

/// A number as SVG writes it: two decimals at most, no trailing zeros, never "-0".
pub fn num(x: f64) -> String {
    let text = format!("{x:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" || text.is_empty() {
        "0".to_string()
    } else {
        text.to_string()
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
    fn keyword(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }

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

    /// Opens `<g class="...">`, with a `<title>` (a tooltip) when given.
    pub fn open(&mut self, class: &str, title: Option<&str>) {
        let _ = write!(self.body, "<g class=\"{}\">", html(class));
        if let Some(title) = title {
            let _ = write!(self.body, "<title>{}</title>", html(title));
        }
        self.body.push('\n');
        self.depth += 1;
    }

    /// Closes the innermost open group.
    pub fn close(&mut self) {
        self.body.push_str("</g>\n");
        self.depth -= 1;
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
        let _ = write!(
            self.body,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\"",
            num(x),
            num(y),
            num(font.size)
        );
        if anchor != Anchor::Start {
            let _ = write!(self.body, " text-anchor=\"{}\"", anchor.keyword());
        }
        if font.bold {
            self.body.push_str(" font-weight=\"bold\"");
        }
        if let Some(fill) = fill {
            let _ = write!(self.body, " fill=\"{}\"", html(fill));
        }
        let _ = writeln!(self.body, ">{}</text>", html(text));
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
        let _ = write!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"",
            num(from.0),
            num(from.1),
            num(to.0),
            num(to.1),
            html(stroke),
            num(width)
        );
        if let Some(dashes) = dashes {
            let _ = write!(self.body, " stroke-dasharray=\"{dashes}\"");
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
        let _ = write!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
            num(x),
            num(y),
            num(w),
            num(h),
            html(fill)
        );
        if let Some(stroke) = stroke {
            let _ = write!(self.body, " stroke=\"{}\"", html(stroke));
        }
        self.body.push_str("/>\n");
    }

    /// A closed polygon with a class (diamond, arrow) so tests and CSS can find it.
    pub fn polygon(&mut self, class: &str, points: &[(f64, f64)], fill: &str) {
        let points: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            self.body,
            "<polygon class=\"{}\" points=\"{}\" fill=\"{}\"/>",
            html(class),
            points.join(" "),
            html(fill)
        );
    }

    /// A circle, filled, with an optional outline.
    pub fn circle(&mut self, (cx, cy): (f64, f64), r: f64, fill: &str, stroke: Option<&str>) {
        let _ = write!(
            self.body,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"",
            num(cx),
            num(cy),
            num(r),
            html(fill)
        );
        if let Some(stroke) = stroke {
            let _ = write!(self.body, " stroke=\"{}\"", html(stroke));
        }
        self.body.push_str("/>\n");
    }

    /// The finished document: root element with size and viewBox, `<title>`, `<desc>`, a
    /// white background, then everything written.
    pub fn finish(self, width: f64, height: f64, title: &str, description: &str) -> String {
        debug_assert_eq!(self.depth, 0, "every group is closed");
        let (w, h) = (num(width.ceil()), num(height.ceil()));
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{}\" role=\"img\">\n<title>{}</title>\n<desc>{}</desc>\n<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n{}</svg>\n",
            html(FONT_FAMILY),
            html(title),
            html(description),
            self.body
        )
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

/// The reverse of [`html`].
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
