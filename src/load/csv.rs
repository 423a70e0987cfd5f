//! A small RFC 4180 CSV reader that keeps the line and column of every cell, so that a bad value
//! in a data file is reported where it stands.

/// One cell with its 1-based position.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The unquoted text.
    pub text: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

/// Splits CSV text into records of cells. Quoted cells may hold commas, doubled quotes and line
/// breaks; CRLF and LF line ends are both accepted; blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<Vec<Cell>>, (usize, usize, String)> {
    let mut records = Vec::new();
    let mut record: Vec<Cell> = Vec::new();
    let mut cell = String::new();
    let (mut line, mut column) = (1usize, 1usize);
    let (mut cell_line, mut cell_column) = (1usize, 1usize);
    let mut in_quotes = false;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                    column += 1;
                }
                '"' => in_quotes = false,
                '\n' => {
                    cell.push('\n');
                    line += 1;
                    column = 0;
                }
                _ => cell.push(c),
            }
            column += 1;
            continue;
        }
        match c {
            '"' if cell.is_empty() && !quoted => {
                in_quotes = true;
                quoted = true;
            }
            '"' => return Err((line, column, "a quote inside an unquoted cell".into())),
            ',' => {
                record.push(Cell {
                    text: std::mem::take(&mut cell),
                    line: cell_line,
                    column: cell_column,
                });
                quoted = false;
                (cell_line, cell_column) = (line, column + 1);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                finish_record(
                    &mut records,
                    &mut record,
                    &mut cell,
                    cell_line,
                    cell_column,
                    quoted,
                );
                quoted = false;
                line += 1;
                column = 0;
                (cell_line, cell_column) = (line, 1);
            }
            _ => cell.push(c),
        }
        column += 1;
    }
    if in_quotes {
        return Err((cell_line, cell_column, "a quoted cell is not closed".into()));
    }
    finish_record(
        &mut records,
        &mut record,
        &mut cell,
        cell_line,
        cell_column,
        quoted,
    );
    Ok(records)
}

fn finish_record(
    records: &mut Vec<Vec<Cell>>,
    record: &mut Vec<Cell>,
    cell: &mut String,
    line: usize,
    column: usize,
    quoted: bool,
) {
    let blank = record.is_empty() && cell.trim().is_empty() && !quoted;
    if !blank {
        record.push(Cell {
            text: std::mem::take(cell),
            line,
            column,
        });
        records.push(std::mem::take(record));
    }
    cell.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_quotes_and_crlf() {
        let rows = parse("study,e_events\r\n\"Smith, \"\"A\"\"\",12\r\n\nJones,3").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][0].text, "Smith, \"A\"");
        assert_eq!((rows[1][1].line, rows[1][1].column), (2, 16));
        assert_eq!((rows[2][1].line, rows[2][1].column), (4, 7));
    }

    #[test]
    fn errors_on_unclosed_quote() {
        assert_eq!(parse("a\n\"b").unwrap_err().0, 2);
    }
}
