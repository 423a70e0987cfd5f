//! Text measurement without a font file: per-character advance widths of Arial (Helvetica
//! metrics) and DejaVu Sans for ASCII, Latin-1 letters folded to their base letter, and a
//! default for everything else. Each character counts as the wider of the two fonts, so a
//! layout measured here still fits when the viewer falls back to the other one.

/// Arial/Helvetica advance widths for ASCII 32..=126, in 1/1000 em.
const ARIAL: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// DejaVu Sans advance widths for ASCII 32..=126, in 1/2048 em.
const DEJAVU: [u16; 95] = [
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651,
    690, // ' '../
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716,
    1087, // 0..?
    2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532,
    1612, // @..O
    1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716,
    1024, // P.._
    1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298,
    1253, // `..o
    1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303,
    1716, // p..~
];

/// Width in em of characters outside the tables (CJK and symbols are about 1 em).
const DEFAULT_EM: f64 = 1.0;

/// Bold text is about this much wider than regular text in both fonts.
const BOLD_FACTOR: f64 = 1.1;

/// The wider of the two fonts for ASCII 32..=126 in em, worked out once at compile time:
/// layouts measure every cell of every table.
const ASCII_EM: [f64; 95] = {
    let mut table = [0.0; 95];
    let mut i = 0;
    while i < table.len() {
        let arial = ARIAL[i] as f64 / 1000.0;
        let dejavu = DEJAVU[i] as f64 / 2048.0;
        table[i] = if arial >= dejavu { arial } else { dejavu };
        i += 1;
    }
    table
};

/// The advance width of one character in em, the wider of Arial and DejaVu Sans.
pub fn char_em(c: char) -> f64 {
    // ASCII, nearly every character measured, folds to itself.
    if let Some(&em) = (c as usize).checked_sub(32).and_then(|i| ASCII_EM.get(i)) {
        return em;
    }
    let c = fold_latin1(c);
    match c as u32 {
        code @ 32..=126 => ASCII_EM[(code - 32) as usize],
        // Typographic minus, multiplication sign, superscript two, en dash.
        0x2212 | 0xD7 => 0.84,
        0xB2 => 0.41,
        0x2013 => 0.56,
        0xC6 | 0xE6 => 1.0,
        0xDF => 0.63,
        0xA0..=0xBF => 0.84,
        _ => DEFAULT_EM,
    }
}

/// Latin-1 letters measure as their base letter (accents do not change the advance much).
fn fold_latin1(c: char) -> char {
    match c {
        'À'..='Å' => 'A',
        'Ç' => 'C',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        'Ð' => 'D',
        'Ñ' => 'N',
        'Ò'..='Ö' | 'Ø' => 'O',
        'Ù'..='Ü' => 'U',
        'Ý' => 'Y',
        'Þ' => 'P',
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ð' | 'ò'..='ö' | 'ø' => 'o',
        'ñ' => 'n',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'þ' => 'p',
        _ => c,
    }
}

/// The width of `text` in pixels at font size `size` (characters, not bytes, are counted).
pub fn width(text: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = text.chars().map(char_em).sum();
    em * size * if bold { BOLD_FACTOR } else { 1.0 }
}

/// Breaks `text` at spaces into lines no wider than `max_width` (a single long word stays
/// whole on its own line).
pub fn wrap(text: &str, size: f64, bold: bool, max_width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && width(&candidate, size, bold) > max_width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes_and_takes_the_wider_font() {
        // DejaVu's W (2025/2048 em) is wider than Arial's (0.944 em).
        assert!((width("WWWWWWWWWW", 10.0, false) - 98.877).abs() < 0.01);
        assert_eq!(width("Müller", 11.0, false), width("Muller", 11.0, false));
    }

    #[test]
    fn the_table_is_the_wider_font() {
        for code in 32..=126u8 {
            let i = usize::from(code - 32);
            let wider = (f64::from(ARIAL[i]) / 1000.0).max(f64::from(DEJAVU[i]) / 2048.0);
            assert_eq!(char_em(char::from(code)).to_bits(), wider.to_bits());
        }
    }

    #[test]
    fn wraps_at_spaces() {
        let lines = wrap("Records identified from databases", 10.0, false, 90.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "Records identified from databases");
    }
}
