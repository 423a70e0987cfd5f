//! `revmark serve`: serves the built output on 127.0.0.1, rebuilds after an edit so that the
//! page shows the new number and only the edited outcome's figures are drawn again, shows a
//! failed build's errors over the last good page, and refuses paths outside the output folder.
//! It answers only requests for its own loopback names (DNS rebinding), bounds the connections
//! it serves at once, the time and size of a request head, backs off when it runs out of file
//! descriptors, and does not follow links out of the output folder.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for the server or a rebuild before failing. Generous: a rebuild of the
/// examples on a loaded 2-core machine can take several seconds, and this bounds only how long
/// a broken serve is waited for, not how fast a working one is.
const WAIT: Duration = Duration::from_secs(60);

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
    start_with(scratch, Command::new(env!("CARGO_BIN_EXE_revmark")))
}

/// Starts `revmark serve --port 0` through `command` (the binary, or a shell that runs it).
fn start_with(scratch: &Scratch, mut command: Command) -> Server {
    let mut child = command
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
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends a raw request; returns the status code and body.
fn request(port: u16, head: &str) -> (u16, String) {
    try_request(port, head).unwrap()
}

/// Sends a raw request; returns the status code and body, or the error of a connection that
/// was closed or reset.
fn try_request(port: u16, head: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(head.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
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

/// The server's threads, from /proc.
fn threads(server: &Server) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

/// The CPU time the server has used, in clock ticks, from /proc.
fn cpu_ticks(server: &Server) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", server.child.id())).unwrap();
    // Fields after the command name (which is in parentheses): utime and stime are 14 and 15.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

// Only requests for the names it listens on are answered (a DNS-rebinding page's requests
// carry the attacker's name); one Host header is required; an oversized head is refused.
#[test]
fn answers_only_its_own_host_names() {
    let scratch = Scratch::new("serve-host");
    example(&scratch, "mmn-lactation");
    let server = start(&scratch);
    let port = server.port;
    let with_host = |host: &str| {
        request(
            port,
            &format!("GET /mmn-lactation/ HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        )
    };
    assert_eq!(with_host(&format!("localhost:{port}")).0, 200);
    assert_eq!(with_host(&format!("127.0.0.1:{port}")).0, 200);
    let (status, body) = with_host("rebind.example");
    assert_eq!(status, 403);
    assert!(!body.contains("<html"), "{body}");
    assert_eq!(with_host(&format!("rebind.example:{port}")).0, 403);
    assert_eq!(request(port, "GET / HTTP/1.1\r\n\r\n").0, 400);
    assert_eq!(
        request(
            port,
            "GET / HTTP/1.1\r\nHost: localhost\r\nHost: rebind.example\r\n\r\n"
        )
        .0,
        400
    );
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Pad: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    assert_eq!(request(port, &huge).0, 431);
    drop(server);
}

// A client that sends its request a byte at a time is cut off with 408 while it is still
// sending, so it cannot hold a connection for long.
#[test]
fn cuts_off_a_slow_request() {
    let scratch = Scratch::new("serve-slow");
    example(&scratch, "mmn-lactation");
    let server = start(&scratch);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sending = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let still_sending = std::sync::Arc::clone(&sending);
    // Sends a never-ending head, one byte every 100 ms, for up to 60 s.
    let slow = std::thread::spawn(move || {
        let head = b"GET / HTTP/1.1\r\nHost: localhost\r\n";
        let start = Instant::now();
        let mut bytes = head.iter().chain(std::iter::repeat(&b'x'));
        while start.elapsed() < Duration::from_secs(60) {
            if writer.write_all(&[*bytes.next().unwrap()]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        still_sending.store(false, std::sync::atomic::Ordering::SeqCst);
    });
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let cut_while_sending = sending.load(std::sync::atomic::Ordering::SeqCst);
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(
        cut_while_sending,
        "the server waited for the whole slow head"
    );
    let _ = stream.shutdown(std::net::Shutdown::Both);
    slow.join().unwrap();
    drop(server);
}

// Connections beyond the limit are answered 503 at once instead of each taking a thread; once
// the idle ones are gone, pages are served again.
#[test]
fn bounds_the_connections_served_at_once() {
    let scratch = Scratch::new("serve-bound");
    example(&scratch, "mmn-lactation");
    let server = start(&scratch);
    let port = server.port;
    let idle: Vec<TcpStream> = (0..64)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    // The later idle connections, and this request, find every slot taken: answered 503, or
    // (when the request arrives after the answer) reset.
    let head = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    wait_for("a refusal", || {
        try_request(port, head).map_or(true, |(status, _)| status == 503)
    });
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let limit = 32 + 4 + cores;
    assert!(
        threads(&server) <= limit,
        "{} threads for 64 idle connections (limit {limit})",
        threads(&server)
    );
    drop(idle);
    wait_for("pages served again", || {
        get(port, "/mmn-lactation/").0 == 200
    });
    drop(server);
}

// Out of file descriptors, the server waits before accepting again instead of spinning on the
// failing accept, and serves again once connections close.
#[test]
fn backs_off_when_out_of_file_descriptors() {
    let scratch = Scratch::new("serve-fds");
    example(&scratch, "mmn-lactation");
    let mut shell = Command::new("sh");
    shell.args([
        "-c",
        &format!(
            "ulimit -n 24 && exec {} \"$@\"",
            env!("CARGO_BIN_EXE_revmark")
        ),
        "sh",
    ]);
    let server = start_with(&scratch, shell);
    let port = server.port;
    // Held connections use up the descriptors; the kernel queues the rest, which the server
    // then fails to accept.
    let held: Vec<TcpStream> = (0..40)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(&server);
    std::thread::sleep(Duration::from_secs(3));
    let spent = cpu_ticks(&server) - before;
    // A loop retrying accept at once burns a core (about 300 ticks in 3 s); waiting costs
    // almost nothing.
    assert!(
        spent < 30,
        "{spent} clock ticks of CPU in 3 s without descriptors"
    );
    drop(held);
    wait_for("pages served again", || {
        TcpStream::connect(("127.0.0.1", port)).is_ok() && get(port, "/mmn-lactation/").0 == 200
    });
    drop(server);
}

// A symbolic link in the output folder to a file outside it is not followed.
#[test]
fn does_not_follow_links_out_of_the_output() {
    let scratch = Scratch::new("serve-link");
    example(&scratch, "mmn-lactation");
    std::fs::write(scratch.path("secret.txt"), "the secret").unwrap();
    let server = start(&scratch);
    let port = server.port;
    assert_eq!(get(port, "/mmn-lactation/").0, 200);
    std::os::unix::fs::symlink(scratch.path("secret.txt"), scratch.path("output/leak.txt"))
        .unwrap();
    std::os::unix::fs::symlink(scratch.path("reviews"), scratch.path("output/src")).unwrap();
    for path in ["/leak.txt", "/src/mmn-lactation/review.yaml"] {
        let (status, body) = get(port, path);
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("secret") && !body.contains("title:"),
            "{body}"
        );
    }
    drop(server);
}

// A runaway prose template, one that would need a terabyte or one that loops 10^10 times, is
// an error in the page like any other: serve stays up, its rebuild thread is not blocked (the
// next edit rebuilds), and the stopped template does not go on using the CPU.
#[test]
fn a_runaway_prose_template_is_an_error_and_serve_goes_on() {
    let scratch = Scratch::new("serve-runaway");
    let dir = example(&scratch, "diuretics-pregnancy");
    let server = start(&scratch);
    let port = server.port;
    let review = dir.join("review.yaml");
    let good = std::fs::read_to_string(&review).unwrap();
    for (template, message) in [
        (
            "{% set_global s = \"ab\" %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s }}",
            "MiB of memory",
        ),
        (
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
            "ran for more than",
        ),
    ] {
        let v = version(port)["version"].as_u64().unwrap();
        save(
            &review,
            &good.replace("background: |\n", &format!("background: |\n  {template}\n")),
        );
        wait_for("the failed build", || {
            version(port)["version"].as_u64().unwrap() > v
        });
        let error = version(port)["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(error.contains("prose field `background`"), "{error}");
        assert!(error.contains(message), "{error}");
        assert_eq!(get(port, "/diuretics-pregnancy/").0, 200, "still serving");
    }
    // The stopped loop uses no more CPU (a running one would take a whole core).
    let before = cpu_ticks(&server);
    std::thread::sleep(Duration::from_secs(1));
    let ticks_per_second = 100;
    assert!(
        cpu_ticks(&server) - before < ticks_per_second / 2,
        "the server kept computing"
    );
    // The next edit rebuilds.
    let v = version(port)["version"].as_u64().unwrap();
    save(&review, &good);
    wait_for("the good build", || {
        version(port)["version"].as_u64().unwrap() > v
    });
    assert!(version(port)["error"].is_null(), "{}", version(port));
    drop(server);
}
