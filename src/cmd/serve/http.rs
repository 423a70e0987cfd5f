//! The HTTP side of `revmark serve`: a small HTTP/1.1 server for GET and HEAD of the output
//! folder, which adds the reload script (and a failed build's error overlay) to HTML pages.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::State;
use crate::report::escape;

/// The longest request head read; longer requests are refused.
const MAX_HEAD: usize = 16 * 1024;

/// Answers connections on `listener` until the process is stopped.
pub(super) fn serve_forever(listener: &TcpListener, out: &Path, state: &Arc<Mutex<State>>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let (out, state) = (out.to_path_buf(), Arc::clone(state));
        std::thread::spawn(move || {
            // A broken connection concerns that client only.
            let _ = handle(stream, &out, &state);
        });
    }
}

/// Reads one request and answers it.
fn handle(mut stream: TcpStream, out: &Path, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?).take(MAX_HEAD as u64);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // The rest of the head is read and ignored (no body is expected for GET).
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head_only = method == "HEAD";
    let response = if method != "GET" && !head_only {
        Response::text(405, "Method Not Allowed", "only GET and HEAD are served\n")
    } else {
        respond(target, out, state)
    };
    response.write(&mut stream, head_only)
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
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

/// The answer to a GET of `target`.
fn respond(target: &str, out: &Path, state: &Mutex<State>) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let (version, error) = {
        let s = state.lock().unwrap_or_else(|p| p.into_inner());
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
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(_) if !out.exists() => {
            // Nothing built yet: the page is the error itself.
            let page = inject(
                b"<!DOCTYPE html><html><body></body></html>",
                version,
                &error,
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
        inject(&bytes, version, &error)
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
fn inject(page: &[u8], version: u64, error: &Option<String>) -> Vec<u8> {
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
    fn script_and_overlay_go_before_body_end() {
        let page = inject(b"<html><body>x</body></html>", 7, &Some("bad <b>".into()));
        let page = String::from_utf8(page).unwrap();
        assert!(page.ends_with("</script></body></html>"));
        assert!(page.contains("var v=7;"));
        assert!(page.contains("bad &lt;b&gt;"));
        let clean = String::from_utf8(inject(b"<p>", 1, &None)).unwrap();
        assert!(!clean.contains("revmark-error"));
    }
}
