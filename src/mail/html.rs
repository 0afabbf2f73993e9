//! Makes HTML from customer mail safe to show in the console: no scripts, no event
//! handlers, no `javascript:` links, no styles, no remote images (they track readers).

use std::collections::HashSet;

/// Sanitised HTML, safe to embed in a console page.
pub fn sanitize(html: &str) -> String {
    let tags: HashSet<&str> = [
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "div",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "span",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
    .into_iter()
    .collect();
    ammonia::Builder::default()
        .tags(tags)
        .generic_attributes(HashSet::new())
        .tag_attributes(std::collections::HashMap::from([(
            "a",
            HashSet::from(["href"]),
        )]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_html_is_inert() {
        let dirty = r#"<p onclick="steal()">Hi<script>alert(1)</script></p>
<a href="javascript:alert(1)">click</a><img src="https://tracker.example/p.gif">
<div style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>
<style>body{display:none}</style><iframe src="https://evil.example"></iframe>
<a href="https://example.com/help">help</a><svg onload="x()"></svg><form action="/logout"><button>go</button></form>"#;
        let clean = sanitize(dirty);
        for bad in [
            "script",
            "onclick",
            "javascript:",
            "<img",
            "style",
            "iframe",
            "onload",
            "<form",
            "<button",
            "<svg",
        ] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
        assert!(
            clean.contains(
                r#"<a href="https://example.com/help" rel="noopener noreferrer nofollow">help</a>"#
            ),
            "{clean}"
        );
        assert!(clean.contains("Hi"));
    }
}
