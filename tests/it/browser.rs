//! A real browser draws every figure: headless Chromium loads each example page from a local
//! server, and a check page measures every image on it (loaded, sized, and not blank) by drawing
//! it onto a canvas. Also saves a screenshot of each page. Needs Debian's `chromium`, which
//! .ci/run installs; without it the test says so and passes.

use crate::common::*;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Serves files under `root` on 127.0.0.1 from a background thread; returns the port.
pub(crate) fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // Drain the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_string();
            let file = root.join(&path);
            let mut stream = &stream;
            match std::fs::read(&file) {
                Ok(body) if !path.contains("..") => {
                    let kind = match file.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("svg") => "image/svg+xml",
                        _ => "application/octet-stream",
                    };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(&body);
                }
                _ => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                }
            }
        }
    });
    port
}

pub(crate) fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// What the checking page `template` (its `PAGE` the review's index.html) reports of review
/// `slug` in Chromium, served on `port` from the scratch output: the text between `RESULT`
/// and `END` in its DOM.
fn report_of(
    browser: &Path,
    scratch: &Scratch,
    port: u16,
    name: &str,
    template: &str,
    slug: &str,
) -> String {
    std::fs::write(
        scratch.path("output").join(format!("{name}-{slug}.html")),
        template.replace("PAGE", &format!("{slug}/index.html")),
    )
    .unwrap();
    let dom = run_chromium(
        browser,
        &scratch.path("profile"),
        &[
            "--virtual-time-budget=20000",
            "--dump-dom",
            &format!("http://127.0.0.1:{port}/{name}-{slug}.html"),
        ],
    );
    dom.split("RESULT")
        .nth(1)
        .and_then(|r| r.split("END").next())
        .unwrap_or_else(|| panic!("no report for {slug}:\n{dom}"))
        .to_string()
}

pub(crate) fn run_chromium(browser: &Path, profile: &Path, args: &[&str]) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The check page: loads the review page in a frame, then reports for every image whether it
/// loaded and how many of its pixels are not white.
const CHECK_PAGE: &str = r#"<!DOCTYPE html><html><body><div id="result">pending</div>
<iframe id="f" src="PAGE" width="1200" height="800"></iframe>
<script>
document.getElementById('f').addEventListener('load', async () => {
  const doc = document.getElementById('f').contentDocument;
  const images = Array.from(doc.querySelectorAll('img'));
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  const report = images.map(img => {
    const c = document.createElement('canvas');
    c.width = Math.max(1, img.naturalWidth); c.height = Math.max(1, img.naturalHeight);
    const g = c.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
    let inked = 0;
    try {
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i+1] < 200 || d[i+2] < 200) inked++;
    } catch (e) { inked = -1; }
    return img.getAttribute('src') + ' ' + img.naturalWidth + 'x' + img.naturalHeight + ' ' + inked;
  });
  document.getElementById('result').textContent = 'RESULT\n' + report.join('\n') + '\nEND';
});
</script></body></html>"#;

// Every figure on every example page is drawn by a real browser.
#[test]
fn chromium_draws_every_figure() {
    let Some(browser) = chromium() else {
        eprintln!("chromium is not installed: the browser test did not run (.ci/run installs it)");
        return;
    };
    let scratch = Scratch::new("browser");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let out = scratch.path("output");
    let port = serve(out.clone());
    for slug in ["mmn-lactation", "diuretics-pregnancy"] {
        let page = std::fs::read_to_string(out.join(slug).join("index.html")).unwrap();
        let expected = page.matches("<img ").count();
        assert!(expected >= 2, "{slug} shows {expected} figures");
        let report = report_of(&browser, &scratch, port, "check", CHECK_PAGE, slug);
        let rows: Vec<&str> = report.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(rows.len(), expected, "{slug}: {report}");
        for row in rows {
            let parts: Vec<&str> = row.split_whitespace().collect();
            let (src, size, inked) = (parts[0], parts[1], parts[2].parse::<i64>().unwrap());
            assert_ne!(size, "0x0", "{slug}: {src} did not load");
            assert!(inked > 500, "{slug}: {src} is blank ({inked} inked pixels)");
        }
        let png = scratch.path(&format!("{slug}.png"));
        run_chromium(
            &browser,
            &scratch.path("profile"),
            &[
                "--window-size=1100,3000",
                &format!("--screenshot={}", png.display()),
                &format!("http://127.0.0.1:{port}/{slug}/index.html"),
            ],
        );
        let bytes = std::fs::read(&png).unwrap_or_default();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000,
            "{slug}: no screenshot"
        );
    }
}

/// The layout check page: loads the review page in a frame of each size and reports, as JSON,
/// where the title and the contents are and whether anything but a table scrolls sideways.
const LAYOUT_PAGE: &str = r#"<!DOCTYPE html><html><body><pre id="result">pending</pre>
<script>
async function measure(width, height) {
  const frame = document.createElement('iframe');
  frame.width = width; frame.height = height; frame.src = 'PAGE';
  const loaded = new Promise(resolve => frame.addEventListener('load', resolve));
  document.body.appendChild(frame);
  await loaded;
  const doc = frame.contentDocument;
  await Promise.all(Array.from(doc.images).map(img => img.decode().catch(() => null)));
  const root = doc.documentElement;
  const h1 = doc.querySelector('h1');
  const title = h1.getBoundingClientRect();
  const nav = doc.querySelector('nav.contents');
  const contents = nav.getBoundingClientRect();
  const link = nav.querySelector('a');
  const tables = Array.from(doc.querySelectorAll('table'));
  const wider = tables.filter(t => t.getBoundingClientRect().width > root.clientWidth - 2 * title.left);
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const lines = el => { const r = doc.createRange(); r.selectNodeContents(el); return r.getClientRects().length; };
  const analyses = doc.getElementById('data-and-analyses');
  const effects = analyses ? Array.from(analyses.nextElementSibling.querySelectorAll('tbody td:last-child')) : [];
  const key = Array.from(doc.querySelectorAll('p, span, div')).filter(e => e.textContent.includes('written by revmark')).pop();
  return {
    width: root.clientWidth, scroll_width: root.scrollWidth,
    title: h1.textContent, title_left: title.left, title_top: title.top, title_bottom: title.bottom,
    contents_left: contents.left, contents_right: contents.right, contents_top: contents.top,
    contents_shown: link.checkVisibility() && link.getBoundingClientRect().height > 0,
    tables: tables.length,
    wider_tables: wider.length,
    wider_tables_scrolling: wider.filter(t => scrolls(t.parentElement) && t.parentElement.scrollWidth > t.parentElement.clientWidth).length,
    heading_fonts: new Set(Array.from(doc.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => getComputedStyle(h).fontFamily)).size,
    empty_header_rows: Array.from(doc.querySelectorAll('thead tr')).filter(tr => tr.textContent.trim() === '').length,
    effects: effects.length,
    effect_lines: Math.max(0, ...effects.map(lines)),
    key_top: key ? key.getBoundingClientRect().top : null,
    first_section_top: doc.querySelector('h2').getBoundingClientRect().top,
  };
}
(async () => {
  const report = { narrow: await measure(420, 900), wide: await measure(1400, 1000) };
  document.getElementById('result').textContent = 'RESULT' + JSON.stringify(report) + 'END';
})();
</script></body></html>"#;

// At 420 px (a phone) the page does not scroll sideways, only its wide tables do, and the
// title is in the first screen, before the contents; at 1,400 px the contents are shown in a
// column beside the text. Fails on a page with the contents before the title or tables that
// overflow the page.
#[test]
fn the_page_reads_on_a_phone_and_a_wide_screen() {
    let Some(browser) = chromium() else {
        eprintln!("chromium is not installed: the browser test did not run (.ci/run installs it)");
        return;
    };
    let scratch = Scratch::new("layout");
    example(&scratch, "mmn-lactation");
    example(&scratch, "diuretics-pregnancy");
    build(&scratch);
    let out = scratch.path("output");
    let port = serve(out.clone());
    let (mut wider_tables, mut effects) = (0.0, 0.0);
    for slug in ["mmn-lactation", "diuretics-pregnancy"] {
        let json = report_of(&browser, &scratch, port, "layout", LAYOUT_PAGE, slug);
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        let (narrow, wide) = (&report["narrow"], &report["wide"]);
        let number = |v: &serde_json::Value, key: &str| {
            v[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{slug}: no {key} in {v}"))
        };
        // The title as review.md gives it (neither example's needs escaping in Markdown).
        let review_md = std::fs::read_to_string(out.join(slug).join("review.md")).unwrap();
        let title = review_md.lines().next().unwrap().trim_start_matches("# ");
        for (name, view) in [("narrow", narrow), ("wide", wide)] {
            assert_eq!(view["title"], title, "{slug} {name}: {view}");
            // Every heading in one typeface (outcome headings, h5, were serif).
            assert_eq!(view["heading_fonts"], 1, "{slug} {name}: {view}");
            // Characteristics of studies without an empty header row.
            assert_eq!(view["empty_header_rows"], 0, "{slug} {name}: {view}");
            // Effect sizes in Data and analyses ("0.68 [0.59, 0.79]") on one line.
            effects += number(view, "effects");
            assert!(
                number(view, "effect_lines") <= 1.0,
                "{slug} {name}: an effect size wraps: {view}"
            );
            // What the marked text means is said before the first section.
            assert!(
                number(view, "key_top") < number(view, "first_section_top"),
                "{slug} {name}: the marked text is explained only after the first section: {view}"
            );
            assert_eq!(
                number(view, "scroll_width"),
                number(view, "width"),
                "{slug} {name}: the page scrolls sideways: {view}"
            );
        }
        // A phone: the title in the first screen, then the contents (folded).
        assert!(
            number(narrow, "title_top") >= 0.0 && number(narrow, "title_bottom") <= 900.0,
            "{slug}: the title is not in the first screen at 420 px: {narrow}"
        );
        assert!(
            number(narrow, "contents_top") >= number(narrow, "title_bottom"),
            "{slug}: the contents come before the title at 420 px: {narrow}"
        );
        // The tables wider than the screen scroll inside their own box.
        wider_tables += number(narrow, "wider_tables");
        assert_eq!(
            narrow["wider_tables_scrolling"], narrow["wider_tables"],
            "{slug}: a wide table does not scroll on its own at 420 px: {narrow}"
        );
        // A wide screen: the contents shown, beside the text and in the first screen.
        assert_eq!(
            wide["contents_shown"], true,
            "{slug}: contents hidden at 1400 px: {wide}"
        );
        assert!(
            number(wide, "contents_right") <= number(wide, "title_left")
                && number(wide, "contents_top") < 1000.0,
            "{slug}: the contents are not beside the text at 1400 px: {wide}"
        );
    }
    // The diuretics review's Summary of findings (seven columns) is wider than a phone.
    assert!(wider_tables >= 1.0, "no table was wider than a phone");
    assert!(effects >= 1.0, "no effect size was measured");
}
