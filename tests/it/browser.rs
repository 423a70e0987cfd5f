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
fn serve(root: PathBuf) -> u16 {
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

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn run_chromium(browser: &Path, profile: &Path, args: &[&str]) -> String {
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
        std::fs::write(
            out.join(format!("check-{slug}.html")),
            CHECK_PAGE.replace("PAGE", &format!("{slug}/index.html")),
        )
        .unwrap();
        let dom = run_chromium(
            &browser,
            &scratch.path("profile"),
            &[
                "--virtual-time-budget=20000",
                "--dump-dom",
                &format!("http://127.0.0.1:{port}/check-{slug}.html"),
            ],
        );
        let report = dom
            .split("RESULT")
            .nth(1)
            .and_then(|r| r.split("END").next())
            .unwrap_or_else(|| panic!("no report for {slug}:\n{dom}"));
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
