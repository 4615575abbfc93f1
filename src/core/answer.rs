//! What an HTTP answer of the API means before it is decoded, and how long
//! the app waits for one. The shell fetches; these rules are pure.

use std::time::Duration;

/// Marker in this app's own `index.html` (`<meta name="runlens-app">`): a
/// static host that answers unknown paths with the app's page (a
/// single-page-app fallback) is saying "not found".
pub const APP_PAGE_MARKER: &str = "runlens-app";

/// An answer that is a web page rather than JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebPage {
    /// This app's own page: the resource does not exist.
    AppFallback,
    /// Some other page (a login, a proxy's error page, a wrong base URL),
    /// with its title when it has one.
    Other { title: Option<String> },
}

/// An answer's body as text, as the Fetch standard's `text()` reads it
/// (UTF-8, a leading byte-order mark dropped, bad bytes replaced by U+FFFD),
/// from its bytes. The shell reads bytes: moving a JS string of several
/// megabytes into wasm (UTF-16 to UTF-8) costs far more than this check.
/// Valid UTF-8 is taken as it is, without a copy.
pub fn body_text(mut bytes: Vec<u8>) -> String {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Whether a `200` answer is a web page, and whose. `content_type` is the
/// header's value; the body is looked at when the type is HTML or the text
/// starts like markup.
pub fn web_page(content_type: &str, body: &str) -> Option<WebPage> {
    let head = body.trim_start();
    let looks_like_markup = head.starts_with('<') && !head.starts_with("<?xml");
    if !content_type.to_ascii_lowercase().contains("text/html") && !looks_like_markup {
        return None;
    }
    if body.contains(APP_PAGE_MARKER) {
        return Some(WebPage::AppFallback);
    }
    Some(WebPage::Other { title: title(body) })
}

/// [`web_page`] of an answer's bytes, as [`body_text`] would make them
/// text, without making them text unless they may be a page (an HTML type,
/// or markup first): a document of several megabytes is not copied to be
/// looked at.
pub fn web_page_bytes(content_type: &str, body: &[u8]) -> Option<WebPage> {
    let head = body
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(body)
        .trim_ascii_start();
    // Text that starts with other white space than ASCII's is looked at as text.
    let unsure = head.first().is_some_and(|b| !b.is_ascii());
    if content_type.to_ascii_lowercase().contains("text/html") || head.starts_with(b"<") || unsure {
        web_page(content_type, &body_text(body.to_vec()))
    } else {
        None
    }
}

/// The text of a page's `<title>`, whitespace collapsed, at most 120 characters.
pub fn title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let text: String = html
        .get(start..end)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = decode_entities(&text);
    if text.is_empty() {
        return None;
    }
    Some(if text.chars().count() > 120 {
        format!("{}…", text.chars().take(119).collect::<String>())
    } else {
        text
    })
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// How long a request may take before it is given up with an error.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The request timeout: `?timeout=<seconds>` on the page, else
/// `request_timeout_s` in `config.json`, else 30 s; fractions allowed,
/// clamped to 0.1 s .. 10 min; anything unreadable is ignored.
pub fn timeout(from_url: Option<&str>, from_config: Option<f64>) -> Duration {
    let read = |s: f64| (s.is_finite() && s > 0.0).then(|| s.clamp(0.1, 600.0));
    from_url
        .and_then(|s| s.trim().parse::<f64>().ok())
        .and_then(read)
        .or_else(|| from_config.and_then(read))
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// "30 s", "1.5 s": the timeout as the error message states it.
pub fn seconds_text(d: Duration) -> String {
    format!("{} s", super::format::seconds_number(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_read_as_fetch_reads_text() {
        assert_eq!(body_text(b"{\"a\": 1}".to_vec()), "{\"a\": 1}");
        // The byte-order mark goes (JSON would not parse with it), once.
        assert_eq!(body_text(b"\xEF\xBB\xBF[1]".to_vec()), "[1]");
        assert_eq!(
            body_text(b"\xEF\xBB\xBF\xEF\xBB\xBF[1]".to_vec()),
            "\u{feff}[1]"
        );
        // Bad bytes become U+FFFD; nothing panics, nothing is dropped.
        assert_eq!(body_text(b"[\"a\xFFb\"]".to_vec()), "[\"a\u{fffd}b\"]");
        assert_eq!(body_text(b"\xC3".to_vec()), "\u{fffd}");
        assert_eq!(body_text(Vec::new()), "");
        assert_eq!(body_text("é ✓".as_bytes().to_vec()), "é ✓");
    }

    #[test]
    fn bytes_are_a_web_page_when_their_text_is() {
        let own = "<!doctype html><meta name=\"runlens-app\"><title>runlens</title>";
        let bodies: [&[u8]; 12] = [
            b"{\"a\": 1}",
            b"  \n<html><title> Sign in </title></html>",
            b"\xEF\xBB\xBF<html><title>BOM</title>",
            b"<?xml version=\"1.0\"?><a/>",
            own.as_bytes(),
            b"",
            b"\xC2\xA0<p>after a no-break space</p>",
            b"\xE3\x80\x80<title>ideographic space</title>",
            b"\xFF<title>bad byte first</title>",
            b"[1, 2]",
            b"not json",
            b"<title>caf\xC3\xA9 \xFF</title>",
        ];
        for ct in [
            "application/json",
            "text/html; charset=utf-8",
            "TEXT/HTML",
            "",
        ] {
            for b in bodies {
                assert_eq!(
                    web_page_bytes(ct, b),
                    web_page(ct, &body_text(b.to_vec())),
                    "{ct} {:?}",
                    String::from_utf8_lossy(b)
                );
            }
        }
        assert_eq!(
            web_page_bytes(
                "application/json",
                b"  \n<html><title> Sign in </title></html>"
            ),
            Some(WebPage::Other {
                title: Some("Sign in".into())
            })
        );
        assert_eq!(
            web_page_bytes("text/html", own.as_bytes()),
            Some(WebPage::AppFallback)
        );
        assert_eq!(web_page_bytes("application/json", b"{}"), None);
    }

    #[test]
    fn only_the_apps_own_page_is_not_found() {
        let own = r#"<!doctype html><html><head><meta name="runlens-app" content="1"><title>runlens</title></head></html>"#;
        assert_eq!(
            web_page("text/html; charset=utf-8", own),
            Some(WebPage::AppFallback)
        );
        let login = "<!DOCTYPE html>\n<html><head><TITLE>\n  Sign in &amp; continue\n</TITLE></head><body>…</body></html>";
        assert_eq!(
            web_page("text/html", login),
            Some(WebPage::Other {
                title: Some("Sign in & continue".into())
            })
        );
        // Markup sent as JSON or without a type is still a page.
        assert_eq!(
            web_page(
                "application/json",
                "<html><body>502 Bad Gateway</body></html>"
            ),
            Some(WebPage::Other { title: None })
        );
        assert_eq!(web_page("application/json", r#"{"environments":[]}"#), None);
        assert_eq!(web_page("", "  [1]"), None);
    }

    #[test]
    fn timeout_from_url_then_config_then_default() {
        assert_eq!(timeout(None, None), Duration::from_secs(30));
        assert_eq!(timeout(Some("2"), Some(5.0)), Duration::from_secs(2));
        assert_eq!(timeout(Some("x"), Some(5.0)), Duration::from_secs(5));
        assert_eq!(timeout(Some("-1"), None), Duration::from_secs(30));
        assert_eq!(timeout(Some("0.5"), None), Duration::from_millis(500));
        assert_eq!(timeout(None, Some(1e9)), Duration::from_secs(600));
        assert_eq!(timeout(None, Some(f64::NAN)), Duration::from_secs(30));
        assert_eq!(seconds_text(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds_text(Duration::from_millis(1500)), "1.5 s");
    }
}
