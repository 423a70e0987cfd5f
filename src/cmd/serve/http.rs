//! The HTTP side of `revmark serve`: a small HTTP/1.1 server for GET and HEAD of the output
//! folder, which adds the reload script (and a failed build's error overlay) to HTML pages.
//!
//! Hand-written rather than a server crate: it serves one local user's files, one request per
//! connection, and each guard it needs (the Host check against DNS rebinding, the bounds on
//! connections, head time and head size, the back-off on failing accepts, no links followed out
//! of the output folder) is a few lines here (SECURITY.md lists them with their tests).

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::State;
use crate::report::escape;

/// The longest request head read; longer requests are refused (431). Bodies are never read.
const MAX_HEAD: usize = 16 * 1024;

/// How long a client has to send its whole request head; a client that sends it byte by byte
/// more slowly is cut off (408), so that it cannot hold a connection open.
const HEAD_TIME: Duration = Duration::from_secs(5);

/// How long a client has to take a response (a page or figure: at most a few megabytes).
const SEND_TIME: Duration = Duration::from_secs(30);

/// Connections served at once, one thread each; further ones are answered 503 at once. A
/// browser opens about six per page.
pub(super) const MAX_CONNECTIONS: usize = 32;

/// Bounds of the wait before accepting again after `accept` fails (too many open files,
/// mostly): doubled on each failure in a row, so that the server waits for connections to
/// close instead of spinning.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(10), Duration::from_secs(1));

/// Answers connections on `listener` until the process is stopped, each on a thread of its
/// own, at most [`MAX_CONNECTIONS`] at once.
pub(super) fn serve_forever(
    listener: &TcpListener,
    out: &Path,
    port: u16,
    state: &Arc<Mutex<State>>,
) {
    let open = Arc::new(AtomicUsize::new(0));
    let mut backoff = Duration::ZERO;
    for stream in listener.incoming() {
        let mut stream = match stream {
            Ok(stream) => stream,
            Err(e) => {
                backoff = (backoff * 2).clamp(BACKOFF.0, BACKOFF.1);
                if backoff == BACKOFF.0 {
                    eprintln!("warning: cannot accept a connection ({e}); waiting");
                }
                std::thread::sleep(backoff);
                continue;
            }
        };
        if open.load(Ordering::Acquire) >= MAX_CONNECTIONS {
            // Answered from this thread without waiting for the request: a fresh socket's send
            // buffer takes these few bytes at once. What request bytes have arrived are read
            // first, so that closing does not reset the connection before the client reads the
            // answer (bytes arriving later still may).
            let _ = stream.set_nonblocking(true);
            let _ = stream.read(&mut [0u8; 4096]);
            let _ = Response::text(503, "Service Unavailable", "too many connections\n")
                .write(&mut stream, false);
            let _ = stream.shutdown(std::net::Shutdown::Write);
            continue;
        }
        let slot = Slot::take(&open);
        let (out, state) = (out.to_path_buf(), Arc::clone(state));
        let spawned = std::thread::Builder::new()
            .name("revmark-http".into())
            .spawn(move || {
                let _slot = slot;
                // A broken connection concerns that client only.
                let _ = handle(stream, &out, port, &state);
            });
        match spawned {
            // The closure, and the connection in it, are dropped: that client sees the
            // connection close, and the server waits a little before the next.
            Err(_) => {
                backoff = (backoff * 2).clamp(BACKOFF.0, BACKOFF.1);
                std::thread::sleep(backoff);
            }
            Ok(_) => backoff = Duration::ZERO,
        }
    }
}

/// One of the [`MAX_CONNECTIONS`], given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>) -> Slot {
        open.fetch_add(1, Ordering::AcqRel);
        Slot(Arc::clone(open))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Why a request head could not be read.
enum BadHead {
    /// Longer than [`MAX_HEAD`].
    TooLarge,
    /// Not complete within [`HEAD_TIME`].
    TooSlow,
    /// The connection closed or failed.
    Gone,
}

/// Reads the request head (up to the blank line) within [`HEAD_TIME`] in all.
fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, BadHead> {
    let deadline = Instant::now() + HEAD_TIME;
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(BadHead::TooSlow);
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|_| BadHead::Gone)?;
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Err(BadHead::Gone),
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(BadHead::TooSlow);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return Err(BadHead::Gone),
        };
        // The end is searched for from a little before the new bytes, where it may start.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        let end = (head[from..].windows(4).position(|w| w == b"\r\n\r\n"))
            .or_else(|| head[from..].windows(2).position(|w| w == b"\n\n"))
            .map(|at| from + at);
        if end.unwrap_or(head.len()) > MAX_HEAD {
            return Err(BadHead::TooLarge);
        }
        if let Some(end) = end {
            head.truncate(end);
            return Ok(head);
        }
    }
}

/// Reads one request and answers it.
fn handle(
    mut stream: TcpStream,
    out: &Path,
    port: u16,
    state: &Mutex<State>,
) -> std::io::Result<()> {
    let response = match read_head(&mut stream) {
        Ok(head) => answer(&String::from_utf8_lossy(&head), out, port, state),
        Err(BadHead::TooLarge) => (
            Response::text(
                431,
                "Request Header Fields Too Large",
                "the request head is too large\n",
            ),
            false,
        ),
        Err(BadHead::TooSlow) => (
            Response::text(408, "Request Timeout", "the request took too long\n"),
            false,
        ),
        Err(BadHead::Gone) => return Ok(()),
    };
    let (response, head_only) = response;
    response.write(&mut stream, head_only)
}

/// The response to a request head, and whether to send its head only.
fn answer(head: &str, out: &Path, port: u16, state: &Mutex<State>) -> (Response, bool) {
    let mut lines = head.lines();
    let mut parts = lines.next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head_only = method == "HEAD";
    let hosts: Vec<&str> = lines
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim())
        .collect();
    let response = match hosts.as_slice() {
        [host] if allowed_host(host, port) => {
            if method == "GET" || head_only {
                respond(target, out, state)
            } else {
                Response::text(405, "Method Not Allowed", "only GET and HEAD are served\n")
            }
        }
        [_] => Response::text(
            403,
            "Forbidden",
            "revmark serve answers only requests for localhost or 127.0.0.1\n",
        ),
        _ => Response::text(400, "Bad Request", "a request needs one Host header\n"),
    };
    (response, head_only)
}

/// Whether a Host header names this server as it listens: `127.0.0.1` or `localhost`, with
/// this port or none. Any other name could be an attacker's domain resolving to 127.0.0.1 (DNS
/// rebinding), whose pages could then read the review.
fn allowed_host(host: &str, port: u16) -> bool {
    let (name, given_port) = match host.rsplit_once(':') {
        Some((name, p)) => (name, Some(p)),
        None => (host, None),
    };
    let name_ok = name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost");
    name_ok && given_port.is_none_or(|p| p.parse::<u16>() == Ok(port))
}

struct Response {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Response {
    fn text(status: u16, reason: &'static str, body: &str) -> Response {
        Response {
            status,
            reason,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
        }
    }

    fn write(&self, stream: &mut TcpStream, head_only: bool) -> std::io::Result<()> {
        let head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
            self.status,
            self.reason,
            self.content_type,
            self.body.len()
        );
        let deadline = Instant::now() + SEND_TIME;
        let body: &[u8] = if head_only { &[] } else { &self.body };
        for chunk in [head.as_bytes(), body]
            .into_iter()
            .flat_map(|part| part.chunks(64 * 1024))
        {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(ErrorKind::TimedOut.into());
            }
            // Each write waits at most what is left, so a client that reads slowly is cut off.
            stream.set_write_timeout(Some(left))?;
            stream.write_all(chunk)?;
        }
        stream.flush()
    }
}

/// The answer to a GET of `target`.
fn respond(target: &str, out: &Path, state: &Mutex<State>) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let (version, error) = {
        let s = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if path == "/__revmark/version" {
            let body = serde_json::json!({
                "version": s.version,
                "error": s.error,
                "redrawn": s.redrawn,
            });
            return Response {
                status: 200,
                reason: "OK",
                content_type: "application/json",
                body: body.to_string().into_bytes(),
            };
        }
        (s.version, s.error.clone())
    };
    let Some(relative) = safe_path(path) else {
        return Response::text(403, "Forbidden", "that path is outside the output folder\n");
    };
    let mut file = out.join(&relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    let bytes = match read_inside(out, &file) {
        Ok(b) => b,
        Err(_) if !out.exists() => {
            // Nothing built yet: the page is the error itself.
            let page = inject(
                b"<!DOCTYPE html><html><body></body></html>",
                version,
                error.as_ref(),
            );
            return Response {
                status: 200,
                reason: "OK",
                content_type: "text/html; charset=utf-8",
                body: page,
            };
        }
        Err(_) => return Response::text(404, "Not Found", "no such file in the output\n"),
    };
    let content_type = content_type(&file);
    let body = if content_type.starts_with("text/html") {
        inject(&bytes, version, error.as_ref())
    } else {
        bytes
    };
    Response {
        status: 200,
        reason: "OK",
        content_type,
        body,
    }
}

/// The bytes of `file` if it is a regular file that, symbolic links resolved, lies inside
/// `out`: a link in the output folder to a file elsewhere is not followed (revmark writes no
/// links; one there was put by someone else), and a named pipe cannot block the thread.
fn read_inside(out: &Path, file: &Path) -> std::io::Result<Vec<u8>> {
    let real = file.canonicalize()?;
    if !real.starts_with(out.canonicalize()?) || !std::fs::metadata(&real)?.is_file() {
        return Err(ErrorKind::NotFound.into());
    }
    std::fs::read(real)
}

/// The request path as a relative path inside the output folder, or None when it would leave
/// it (`..`, absolute parts, backslashes, NUL) or is not valid percent-encoded UTF-8.
fn safe_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path.strip_prefix('/')?)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut out = PathBuf::new();
    for component in Path::new(&decoded).components() {
        match component {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "md" | "txt" => "text/plain; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// The page with the reload script and, after a failed build, the error overlay, placed
/// before `</body>` (or at the end).
fn inject(page: &[u8], version: u64, error: Option<&String>) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(messages) = error {
        extra.push_str(&format!(
            "<div id=\"revmark-error\" style=\"position:fixed;inset:0;overflow:auto;background:rgba(40,0,0,.97);color:#fff;padding:2em;z-index:2147483647;font:14px/1.4 monospace\"><h2 style=\"font-family:sans-serif\">The last build failed; the page shows the last good output.</h2><pre style=\"white-space:pre-wrap\">{}</pre><p style=\"font-family:sans-serif\">Fix the file and save: the page reloads by itself. <button onclick=\"this.parentNode.parentNode.remove()\">Hide</button></p></div>",
            escape::html(messages)
        ));
    }
    extra.push_str(&format!(
        "<script>(function(){{var v={version};function poll(){{fetch('/__revmark/version',{{cache:'no-store'}}).then(function(r){{return r.json()}}).then(function(s){{if(s.version!==v){{location.reload()}}else{{setTimeout(poll,500)}}}}).catch(function(){{setTimeout(poll,1000)}})}}setTimeout(poll,500)}})();</script>"
    ));
    let text = String::from_utf8_lossy(page);
    let mut html = text.into_owned();
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, &extra),
        None => html.push_str(&extra),
    }
    html.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_output() {
        assert_eq!(safe_path("/a/b.html"), Some(PathBuf::from("a/b.html")));
        assert_eq!(safe_path("/"), Some(PathBuf::new()));
        assert_eq!(safe_path("/a%20b"), Some(PathBuf::from("a b")));
        for bad in [
            "/../x",
            "/a/../../x",
            "/%2e%2e/x",
            "/a%2f..%2f..%2fx",
            "//etc/passwd",
            "/a\\..\\x",
            "/%00",
            "/%zz",
            "relative",
        ] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_the_loopback_names_it_listens_on_are_served() {
        for good in ["127.0.0.1", "127.0.0.1:8000", "localhost", "LocalHost:8000"] {
            assert!(allowed_host(good, 8000), "{good}");
        }
        for bad in [
            "evil.example",
            "evil.example:8000",
            "127.0.0.1:8001",
            "localhost.evil.example",
            "127.0.0.2",
            "[::1]:8000",
            "",
        ] {
            assert!(!allowed_host(bad, 8000), "{bad}");
        }
    }

    #[test]
    fn script_and_overlay_go_before_body_end() {
        let page = inject(b"<html><body>x</body></html>", 7, Some(&"bad <b>".into()));
        let page = String::from_utf8(page).unwrap();
        assert!(page.ends_with("</script></body></html>"));
        assert!(page.contains("var v=7;"));
        assert!(page.contains("bad &lt;b&gt;"));
        let clean = String::from_utf8(inject(b"<p>", 1, None)).unwrap();
        assert!(!clean.contains("revmark-error"));
    }
}
