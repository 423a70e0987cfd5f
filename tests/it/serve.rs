//! `revmark serve`: serves the built output on 127.0.0.1, rebuilds after an edit so that the
//! page shows the new number and only the edited outcome's figures are drawn again, shows a
//! failed build's errors over the last good page, and refuses paths outside the output folder.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for the server or a rebuild before failing.
const WAIT: Duration = Duration::from_secs(10);

/// The server process, killed when dropped (also when a test fails).
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(scratch: &Scratch) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_revmark"))
        .args(["serve", "--port", "0"])
        .current_dir(&scratch.0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx
        .recv_timeout(WAIT)
        .expect("the server announces its address");
    let port = line
        .rsplit("127.0.0.1:")
        .next()
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in `{line}`"));
    Server { child, port }
}

/// GET a path; returns the status code and body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn version(port: u16) -> serde_json::Value {
    serde_json::from_str(&get(port, "/__revmark/version").1).unwrap()
}

/// Polls until `done` holds, for at most WAIT.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The pooled pre-eclampsia estimate as the page prints it, read from the served results.
fn served_estimate(port: u16) -> String {
    let (_, body) = get(port, "/diuretics-pregnancy/results.json");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let e = json["comparisons"][0]["outcomes"][0]["pooled"]["estimate"]
        .as_f64()
        .unwrap();
    format!("{e:.2}")
}

// Edit a data file: the version changes, the page reloads to the new number, the built files
// stay free of the reload script; a broken edit shows its error over the last good page.
#[test]
fn rebuilds_on_change_and_shows_errors() {
    let scratch = Scratch::new("serve");
    let dir = example(&scratch, "diuretics-pregnancy");
    let server = start(&scratch);
    let port = server.port;

    let (status, page) = get(port, "/diuretics-pregnancy/");
    assert_eq!(status, 200);
    assert!(
        page.contains("/__revmark/version"),
        "the script is injected"
    );
    let on_disk =
        std::fs::read_to_string(scratch.path("output/diuretics-pregnancy/index.html")).unwrap();
    assert!(!on_disk.contains("__revmark"), "built files stay clean");
    let before = served_estimate(port);
    assert!(page.contains(&before), "the page shows {before}");
    let v0 = version(port)["version"].as_u64().unwrap();

    edit(
        &dir.join("data/pre-eclampsia-no-oedema.csv"),
        "Landesman 1965,138,1370",
        "Landesman 1965,260,1370",
    );
    wait_for("a rebuild", || {
        version(port)["version"].as_u64().unwrap() > v0
    });
    let after = served_estimate(port);
    assert_ne!(before, after, "the edit changes the estimate");
    // Only the edited outcome's forest plot was drawn again; the other figures came from the
    // server's cache (tests/it/incremental.rs checks they equal fresh drawings).
    assert_eq!(
        version(port)["redrawn"],
        serde_json::json!(["diuretics-pregnancy/figures/forest-1.1.svg"])
    );
    let (_, page) = get(port, "/diuretics-pregnancy/index.html");
    assert!(page.contains(&after), "the page shows the new {after}");
    assert!(!page.contains("revmark-error"));

    // A broken edit: errors in the page, the last good output still served.
    let v1 = version(port)["version"].as_u64().unwrap();
    append(&dir.join("studies.yaml"), "  - not: valid: yaml: [\n");
    wait_for("the failed build", || {
        version(port)["version"].as_u64().unwrap() > v1
    });
    assert!(version(port)["error"].is_string());
    let (status, page) = get(port, "/diuretics-pregnancy/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("revmark-error"), "the overlay is shown");
    assert!(page.contains("studies.yaml"), "the overlay names the file");
    assert!(page.contains(&after), "the last good output stays served");

    // Paths outside the output folder are refused; unknown files are 404.
    assert_eq!(get(port, "/../Cargo.toml").0, 403);
    assert_eq!(
        get(port, "/%2e%2e/reviews/diuretics-pregnancy/review.yaml").0,
        403
    );
    assert_eq!(get(port, "/nothing-here.txt").0, 404);
    drop(server);
}
