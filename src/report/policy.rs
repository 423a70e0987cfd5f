//! The one URL and naming policy for the authors' prose, in every output (review.md,
//! abstract.md and the page): which link and image targets are kept, and which ids and classes
//! are revmark's own. Markdown links and images ([`super::markdown`]) and raw HTML
//! ([`super::sanitise`]) both ask here.

/// What a URL is used for: following a link loads nothing until the reader clicks, showing an
/// image loads it at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Link,
    Image,
}

/// Whether prose may use `url` as a link or image target:
///
/// - links: `http:`, `https:` and `mailto:` URLs, and relative paths and `#anchors`;
/// - images: relative paths inside the review's folder only, so the page loads nothing from
///   the network or from elsewhere on the reader's disk.
///
/// Everything else is refused: other schemes (`javascript:`, `data:`, `file:`, ...), paths
/// from the root (`/etc/passwd`, which a page opened from disk reads as `file:///etc/passwd`),
/// network paths (`//host/x`), backslashes (which browsers read as `/`), and a colon before
/// the first `/`, `?` or `#` (it would be read as a scheme).
pub fn allowed(url: &str, target: Target) -> bool {
    // Most targets are the page's own anchors and figures: plain relative paths, decided
    // without a copy.
    let plain = url
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'#' | b'-' | b'_' | b'.' | b'/'));
    if plain && !url.starts_with('/') {
        return target == Target::Link || stays_inside(url);
    }
    let Some(url) = normalised(url) else {
        return false;
    };
    match (scheme(&url), target) {
        (Some(scheme), Target::Link) => matches!(scheme, "http" | "https" | "mailto"),
        (Some(_), Target::Image) => false,
        (None, _) if url.starts_with('/') => false,
        (None, Target::Link) => true,
        (None, Target::Image) => stays_inside(&url),
    }
}

/// Whether `url` is an `http:` or `https:` URL that [`allowed`] keeps as a link: an image
/// there is shown as a link to it instead.
pub fn is_web(url: &str) -> bool {
    normalised(url).is_some_and(|u| matches!(scheme(&u), Some("http" | "https")))
}

/// The URL as a browser reads it: tabs and line breaks removed anywhere, control characters
/// and spaces trimmed at both ends, lower case (only the scheme and the start matter here).
/// None if it holds a backslash or another control character.
fn normalised(url: &str) -> Option<String> {
    let url: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let url = url.trim_matches(|c: char| c <= ' ');
    if url.contains('\\') || url.chars().any(char::is_control) {
        return None;
    }
    Some(url.to_ascii_lowercase())
}

/// The scheme of a normalised URL: what comes before a colon that comes before any `/`, `?` or
/// `#`.
fn scheme(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#'])?;
    url[end..].starts_with(':').then(|| &url[..end])
}

/// Whether a relative path never climbs above the folder it starts in (`figures/x.svg` and
/// `a/../b.png` do; `../x.png` and `a/../../x.png` do not). Browsers read `%2e` as a dot.
fn stays_inside(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let path = path.replace("%2e", ".").replace("%2E", ".");
    let mut depth = 0usize;
    for segment in path.split('/') {
        match segment {
            ".." => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            "" | "." => {}
            _ => depth += 1,
        }
    }
    true
}

/// Ids revmark gives its own elements outside the review's text (the serve overlay's
/// `revmark-error`) start with this; the authors' ids may not.
pub const RESERVED_ID_PREFIX: &str = "revmark-";

/// Whether an author may give an element this id, leaving aside the page's heading and
/// footnote ids (which only the whole page knows).
pub fn author_id_allowed(id: &str) -> bool {
    !id.is_empty() && !id.to_ascii_lowercase().starts_with(RESERVED_ID_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_go_to_the_web_mail_and_relative_paths() {
        for url in [
            "https://doi.org/10.1002/x",
            "HTTP://example.org",
            "mailto:a@b.org",
            "#results",
            "figures/forest.svg",
            "../other-review/index.html",
            "",
            "a/b:c",
        ] {
            assert!(allowed(url, Target::Link), "{url}");
        }
        for url in [
            "javascript:alert(1)",
            " JaVa\tScRiPt:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "ftp://example.org",
            "/etc/passwd",
            "//evil.example/x",
            "\\\\evil.example\\x",
            "java%73cript:x",
            "a:b",
        ] {
            assert!(!allowed(url, Target::Link), "{url}");
        }
    }

    #[test]
    fn images_stay_inside_the_review() {
        for url in ["figures/forest.svg", "a/../b.png", "./x.png", "x.png?v=1#y"] {
            assert!(allowed(url, Target::Image), "{url}");
        }
        for url in [
            "https://tracker.example/p.png",
            "//tracker.example/p.png",
            "/etc/passwd",
            "../x.png",
            "a/../../x.png",
            "%2e%2e/x.png",
            ".%2E/x.png",
            "file:///etc/passwd",
            "data:image/png;base64,AAAA",
        ] {
            assert!(!allowed(url, Target::Image), "{url}");
        }
        assert!(is_web("https://tracker.example/p.png"));
        assert!(!is_web("//tracker.example/p.png"));
        assert!(!is_web("file:///x"));
    }

    #[test]
    fn reserved_ids() {
        assert!(author_id_allowed("note-1"));
        assert!(!author_id_allowed("revmark-error"));
        assert!(!author_id_allowed("Revmark-Error"));
        assert!(!author_id_allowed(""));
    }
}
