//! Markdown (knowledge-base articles) to HTML that is safe to show in the console.

/// Renders CommonMark to HTML, then sanitises it: an article's author is trusted to
/// write, not to run script in a colleague's browser.
pub fn to_safe_html(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::clean(&html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html_without_script() {
        let html = to_safe_html("# Returns\n\nSend it **back** within [30 days](https://example.com).\n\n<script>alert(1)</script>\n\n- one\n- two");
        assert!(html.contains("<h1>Returns</h1>"), "{html}");
        assert!(html.contains("<strong>back</strong>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }
}
