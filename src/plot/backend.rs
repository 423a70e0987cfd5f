//! plotters' drawing layer writing into revmark's own SVG writer: plotters lays out charts
//! (coordinates, ranges, ticks, tick labels, series) and this backend turns its primitives into
//! the same escaped, deterministic markup as the rest of the figures, measuring text with the
//! built-in font metrics instead of plotters' byte-count guess.

use std::cell::RefCell;
use std::rc::Rc;

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    text_anchor::{HPos, VPos},
};

use super::svg::{Anchor, Font, Svg};

/// A plotters backend drawing into a shared [`Svg`], so that the caller can add groups and
/// its own marks between plotters' calls.
pub struct SvgBackend {
    svg: Rc<RefCell<Svg>>,
    size: (u32, u32),
}

impl SvgBackend {
    /// A backend of `size` pixels drawing into `svg`.
    pub fn new(svg: Rc<RefCell<Svg>>, size: (u32, u32)) -> SvgBackend {
        SvgBackend { svg, size }
    }
}

/// `#rrggbb` of a plotters colour (transparent colours are not drawn at all).
fn colour(c: BackendColor) -> String {
    // Written digit by digit instead of through `format!`: one per funnel plot marker.
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(7);
    out.push('#');
    for byte in [c.rgb.0, c.rgb.1, c.rgb.2] {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 15)]));
    }
    out
}

/// The fill and outline of a shape plotters draws filled or outlined; None when invisible.
fn paint<S: BackendStyle>(style: &S, fill: bool) -> Option<(String, Option<String>)> {
    let c = colour(style.color());
    match (style.color().alpha > 0.0, fill) {
        (false, _) => None,
        (true, true) => Some((c, None)),
        (true, false) => Some(("none".into(), Some(c))),
    }
}

fn point(p: BackendCoord) -> (f64, f64) {
    (f64::from(p.0), f64::from(p.1))
}

/// Nothing in this backend can fail: it only appends to a string.
type Never = std::fmt::Error;

impl DrawingBackend for SvgBackend {
    type ErrorType = Never;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        p: BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<Never>> {
        if c.alpha > 0.0 {
            self.svg
                .borrow_mut()
                .rect(point(p), (1.0, 1.0), &colour(c), None);
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Never>> {
        if style.color().alpha > 0.0 {
            let width = f64::from(style.stroke_width()).max(0.75);
            self.svg
                .borrow_mut()
                .line(point(from), point(to), &colour(style.color()), width);
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Never>> {
        if let Some((fill_colour, stroke)) = paint(style, fill) {
            let (x0, y0) = point(upper_left);
            let (x1, y1) = point(bottom_right);
            self.svg.borrow_mut().rect(
                (x0, y0),
                (x1 - x0, y1 - y0),
                &fill_colour,
                stroke.as_deref(),
            );
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Never>> {
        let points: Vec<BackendCoord> = path.into_iter().collect();
        for pair in points.windows(2) {
            self.draw_line(pair[0], pair[1], style)?;
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        centre: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Never>> {
        if let Some((fill_colour, stroke)) = paint(style, fill) {
            self.svg.borrow_mut().circle(
                point(centre),
                f64::from(radius),
                &fill_colour,
                stroke.as_deref(),
            );
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Never>> {
        if style.color().alpha > 0.0 {
            let points: Vec<(f64, f64)> = vertices.into_iter().map(point).collect();
            self.svg
                .borrow_mut()
                .polygon("area", &points, &colour(style.color()));
        }
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Never>> {
        let font = Font::regular(style.size());
        let anchor = match style.anchor().h_pos {
            HPos::Left => Anchor::Start,
            HPos::Center => Anchor::Middle,
            HPos::Right => Anchor::End,
        };
        // plotters gives the anchor point; SVG places text by its baseline.
        let ascent = 0.75 * font.size;
        let y = f64::from(pos.1)
            + match style.anchor().v_pos {
                VPos::Top => ascent,
                VPos::Center => ascent / 2.0,
                VPos::Bottom => 0.0,
            };
        self.svg
            .borrow_mut()
            .text(f64::from(pos.0), y, anchor, font, text);
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Never>> {
        let font = Font::regular(style.size());
        Ok((font.width(text).ceil() as u32, font.size.ceil() as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    #[test]
    fn writes_colours_as_format_did() {
        for (r, g, b) in [(0, 0, 0), (255, 255, 255), (0x1F, 0x4E, 0x9A), (10, 171, 7)] {
            let c = BackendColor {
                alpha: 1.0,
                rgb: (r, g, b),
            };
            assert_eq!(colour(c), format!("#{r:02X}{g:02X}{b:02X}"));
        }
    }

    // plotters' primitives arrive in revmark's SVG writer, escaped, with measured text.
    #[test]
    fn plotters_draws_into_the_svg_writer() {
        let svg = Rc::new(RefCell::new(Svg::new()));
        {
            let root = SvgBackend::new(Rc::clone(&svg), (200, 100)).into_drawing_area();
            root.draw(&PathElement::new(vec![(0, 0), (10, 10)], BLACK))
                .unwrap();
            root.draw(&Circle::new((50, 50), 3, ShapeStyle::from(BLUE)))
                .unwrap();
            root.draw(&Text::new("a < b & c", (5, 90), ("sans-serif", 9.0)))
                .unwrap();
            let (w, h) = root
                .estimate_text_size("WWW", &TextStyle::from(("sans-serif", 10.0)))
                .unwrap();
            assert!(
                w > 20 && h == 10,
                "measured with the built-in metrics: {w}x{h}"
            );
        }
        let out = Rc::try_unwrap(svg)
            .unwrap()
            .into_inner()
            .finish(200.0, 100.0, "t", "d");
        assert!(
            out.contains("<path d=\"M0 0L10 10\" class=\"a\"/>"),
            "{out}"
        );
        assert!(
            out.contains("<circle cx=\"50\" cy=\"50\" r=\"3\" class=\"b\"/>"),
            "{out}"
        );
        assert!(
            out.contains(".a{fill:none;stroke:#000000;stroke-width:1}.b{fill:none;stroke:#0000FF}"),
            "{out}"
        );
        assert!(out.contains(">a &lt; b &amp; c</text>"), "{out}");
    }
}
