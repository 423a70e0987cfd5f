//! RIS (references.ris, what EndNote, Covidence and PubMed export) read into CSL-JSON records.
//! Hand-written because the maintained Rust RIS reader (biblib) keeps no record's line, which
//! a message about a record needs; RIS is a plain `TAG  - value` line format.

use serde_json::{Map, Value, json};

use super::references::Parsed;
use crate::model::{Location, csl_name, year_in};

/// One RIS record: its tags in order, each with its value, and where it starts.
struct Record {
    line: usize,
    tags: Vec<(String, String)>,
}

impl Record {
    fn all(&self, tags: &[&str]) -> Vec<&str> {
        self.tags
            .iter()
            .filter(|(t, v)| tags.contains(&t.as_str()) && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn first(&self, tags: &[&str]) -> Option<&str> {
        // In the order of `tags`: the first tag given wins.
        tags.iter()
            .find_map(|tag| self.all(&[tag]).first().copied())
    }
}

/// The records of a RIS text, each as a CSL-JSON record with its key, label and line; or the
/// line and column of what could not be read, and why.
pub(crate) fn parse(text: &str) -> Result<Vec<Parsed>, (Location, String)> {
    let mut records = Vec::new();
    let mut open: Option<Record> = None;
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        // `TY  - JOUR`: two characters (a letter and a letter or digit), two spaces, a dash.
        let tagged = line.len() >= 5
            && line.is_char_boundary(2)
            && line.as_bytes()[0].is_ascii_uppercase()
            && line.as_bytes()[1].is_ascii_alphanumeric()
            && line[2..].starts_with("  -");
        if !tagged {
            // A line without a tag continues the value before it (long abstracts and titles).
            match open.as_mut().and_then(|r| r.tags.last_mut()) {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                    continue;
                }
                None => {
                    return Err((
                        Location::new(number, 1),
                        "expected a RIS tag such as `TY  - JOUR` (two letters, two spaces, a dash)"
                            .into(),
                    ));
                }
            }
        }
        let tag = &line[..2];
        let value = line[5..].trim().to_string();
        match (tag, open.as_mut()) {
            ("TY", Some(_)) => {
                return Err((
                    Location::new(number, 1),
                    "a record starts (`TY`) before the one above ends with `ER  -`".into(),
                ));
            }
            ("TY", None) => {
                open = Some(Record {
                    line: number,
                    tags: vec![(tag.to_string(), value)],
                });
            }
            ("ER", Some(_)) => records.extend(open.take()),
            (_, None) => {
                return Err((
                    Location::new(number, 1),
                    format!(
                        "`{tag}` outside a record: a record starts with `TY  - ` and ends with `ER  - `"
                    ),
                ));
            }
            (_, Some(record)) => record.tags.push((tag.to_string(), value)),
        }
    }
    if let Some(record) = open {
        return Err((
            Location::new(record.line, 1),
            "the record that starts here does not end with `ER  - `".into(),
        ));
    }
    let mut keys = Keys::default();
    Ok(records
        .into_iter()
        .map(|r| {
            let item = item(&r);
            let key = match r.first(&["ID"]) {
                Some(id) => id.to_string(),
                None => keys.generated(&item),
            };
            Parsed {
                key,
                label: r.first(&["LB"]).map(str::to_string),
                at: Location::new(r.line, 1),
                item,
            }
        })
        .collect())
}

/// Keys for records without an `ID`: `familyYEAR` in lower-case letters and digits, with
/// `a`, `b`, ... after the second of a kind, in file order.
#[derive(Default)]
struct Keys {
    seen: std::collections::HashMap<String, usize>,
}

impl Keys {
    fn generated(&mut self, item: &Value) -> String {
        let family = item["author"][0]["family"]
            .as_str()
            .or_else(|| item["author"][0]["literal"].as_str())
            .unwrap_or("ref");
        let year = item["issued"]["date-parts"][0][0]
            .as_i64()
            .map(|y| y.to_string())
            .unwrap_or_default();
        let base: String = format!("{family}{year}")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .flat_map(char::to_lowercase)
            .collect();
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        match *n {
            1 => base,
            n => format!("{base}{}", suffix(n - 1)),
        }
    }
}

/// a, b, ..., z, aa, ab, ...
fn suffix(n: usize) -> String {
    let mut n = n;
    let mut out = Vec::new();
    loop {
        out.push(b'a' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The CSL-JSON type of a RIS type.
pub fn csl_type(ris: &str) -> &'static str {
    match ris {
        "JOUR" | "JFULL" | "EJOUR" | "ABST" | "INPR" | "SER" => "article-journal",
        "MGZN" => "article-magazine",
        "NEWS" => "article-newspaper",
        "BOOK" | "EBOOK" | "EDBOOK" | "CTLG" => "book",
        "CHAP" | "ECHAP" => "chapter",
        "CONF" | "CPAPER" => "paper-conference",
        "THES" => "thesis",
        "RPRT" | "GOVDOC" | "STAND" => "report",
        "ELEC" | "WEB" | "BLOG" => "webpage",
        "COMP" => "software",
        "DATA" | "DBASE" => "dataset",
        "UNPB" | "MANSCPT" => "manuscript",
        "PCOMM" => "personal_communication",
        "PAT" => "patent",
        _ => "document",
    }
}

/// A RIS name as CSL-JSON: "Smith, John A." and "Smith JA" are a family and given names;
/// any other name without a comma ("World Health Organization") is kept whole.
fn name(text: &str) -> Value {
    if let Some((family, given)) = text.split_once(',') {
        return csl_name(family, Some(given));
    }
    if let Some((family, initials)) = text.rsplit_once(' ')
        && (1..=4).contains(&initials.len())
        && initials.chars().all(|c| c.is_ascii_uppercase())
    {
        return csl_name(family, Some(initials));
    }
    json!({ "literal": text.trim() })
}

/// "2004/05/12/other" (or "2004") as CSL-JSON date parts.
fn date(text: &str) -> Option<Value> {
    let mut parts = text.split('/');
    let year = parts.next().and_then(year_in)?;
    let mut date = vec![json!(year)];
    for part in parts.take(2) {
        match part.trim().parse::<u8>() {
            Ok(n) if n > 0 => date.push(json!(n)),
            _ => break,
        }
    }
    Some(json!({ "date-parts": [date] }))
}

/// A DOI without the resolver's address.
fn doi(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ] {
        if lower.starts_with(prefix) {
            return text[prefix.len()..].trim().to_string();
        }
    }
    text.trim().to_string()
}

/// The record as a CSL-JSON item.
fn item(r: &Record) -> Value {
    let kind = r.first(&["TY"]).unwrap_or("GEN");
    let mut item = Map::new();
    item.insert("type".into(), json!(csl_type(kind)));
    let mut set = |variable: &str, value: Option<Value>| {
        if let Some(v) = value {
            item.insert(variable.into(), v);
        }
    };
    let names = |tags: &[&str]| {
        let list = r.all(tags);
        (!list.is_empty()).then(|| Value::Array(list.into_iter().map(name).collect()))
    };
    let text = |tags: &[&str]| r.first(tags).map(|v| json!(v));
    set("author", names(&["AU", "A1"]));
    set("editor", names(&["ED", "A2"]));
    set("title", text(&["TI", "T1", "CT", "BT"]));
    // The journal's full name before its abbreviation; a chapter's book, a paper's conference.
    set(
        "container-title",
        text(&["T2", "JF", "JO", "JA", "J2", "J1"]),
    );
    set("container-title-short", text(&["JA", "J2", "J1"]));
    set("collection-title", text(&["T3"]));
    set("issued", r.first(&["PY", "Y1", "DA"]).and_then(date));
    set("accessed", r.first(&["Y2"]).and_then(date));
    set("volume", text(&["VL"]));
    set("issue", text(&["IS", "CP"]));
    let pages = match (r.first(&["SP"]), r.first(&["EP"])) {
        (Some(start), Some(end)) if start != end => Some(format!("{start}-{end}")),
        (Some(start), _) => Some(start.to_string()),
        _ => None,
    };
    set("page", pages.map(|p| json!(p)));
    set("publisher", text(&["PB"]));
    set("publisher-place", text(&["CY", "PP"]));
    set("edition", text(&["ET"]));
    set("DOI", r.first(&["DO"]).map(|d| json!(doi(d))));
    set("URL", text(&["UR"]));
    set("ISSN", text(&["SN"]));
    set("note", text(&["N1"]));
    set("genre", text(&["M3"]));
    set("language", text(&["LA"]));
    set("number", text(&["M1"]).filter(|_| kind == "RPRT"));
    Value::Object(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_with_their_lines() {
        let text = "TY  - JOUR\nAU  - Collins, Rory\nAU  - Yusuf S\nAU  - Peto R\nTI  - Overview of randomised trials\n  of diuretics in pregnancy\nJO  - BMJ\nPY  - 1985/01/05/\nVL  - 290\nIS  - 6461\nSP  - 17\nEP  - 23\nDO  - https://doi.org/10.1136/bmj.290.6461.17\nER  - \n\nTY  - BOOK\nAU  - World Health Organization\nTI  - ICD-10\nPY  - 1992\nID  - who1992\nLB  - WHO 1992\nER  - \n";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.len(), 2);
        let first = &parsed[0];
        assert_eq!(first.key, "collins1985");
        assert_eq!(first.at, Location::new(1, 1));
        let item = &first.item;
        assert_eq!(item["type"], "article-journal");
        assert_eq!(
            item["author"][0],
            json!({"family": "Collins", "given": "Rory"})
        );
        assert_eq!(item["author"][1], json!({"family": "Yusuf", "given": "S"}));
        assert_eq!(
            item["title"],
            "Overview of randomised trials of diuretics in pregnancy"
        );
        assert_eq!(item["issued"], json!({"date-parts": [[1985, 1, 5]]}));
        assert_eq!(item["page"], "17-23");
        assert_eq!(item["DOI"], "10.1136/bmj.290.6461.17");
        let second = &parsed[1];
        assert_eq!(
            (second.key.as_str(), second.label.as_deref()),
            ("who1992", Some("WHO 1992"))
        );
        assert_eq!(
            second.item["author"][0],
            json!({"literal": "World Health Organization"})
        );
        assert_eq!(second.at, Location::new(16, 1));
    }

    #[test]
    fn keys_of_a_kind_are_told_apart() {
        let record = "TY  - JOUR\nAU  - Smith, J\nPY  - 2004\nER  - \n";
        let parsed = parse(&record.repeat(3)).unwrap();
        let keys: Vec<&str> = parsed.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["smith2004", "smith2004a", "smith2004b"]);
        assert_eq!(suffix(27), "aa");
    }

    #[test]
    fn broken_files_are_located() {
        let cases = [
            ("hello\n", 1, "expected a RIS tag"),
            ("TY  - JOUR\nTI  - x\n", 1, "does not end"),
            (
                "TY  - JOUR\nTY  - JOUR\nER  - \n",
                2,
                "before the one above ends",
            ),
            ("AU  - Smith\n", 1, "outside a record"),
        ];
        for (text, line, message) in cases {
            let (at, why) = parse(text).err().unwrap();
            assert_eq!(at.line(), line, "{text}");
            assert!(why.contains(message), "{why}");
        }
    }
}
