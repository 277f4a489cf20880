//! What search engines read: `robots.txt` and the sitemaps (an index of
//! child sitemaps of at most 50,000 URLs each, `lastmod` from update times).

use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use byline_core::ArticleKind;
use byline_store::ArticleStamp;
use byline_store::changes::tag;
use chrono::{DateTime, Utc};

use crate::cache::CacheTags;
use crate::conditional;
use crate::context::Ctx;
use crate::error::WebError;

/// URLs per child sitemap, the protocol's limit.
const PER_SITEMAP: u32 = 50_000;

/// `/robots.txt`: names the sitemap, or asks robots to stay away.
pub async fn robots(ctx: Ctx) -> Response {
    let rules = if ctx.settings.discourage_search {
        "Disallow: /"
    } else {
        "Disallow:"
    };
    let body = format!("User-agent: *\n{rules}\n\nSitemap: {}\n", ctx.abs("/sitemap.xml"));
    CacheTags::site().on(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response())
}

/// `/sitemap.xml`: the index of child sitemaps.
pub async fn index(ctx: Ctx, headers: HeaderMap) -> Result<Response, WebError> {
    let now = Utc::now();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (kind, name) in [(ArticleKind::Post, "posts"), (ArticleKind::Page, "pages")] {
        let first = ctx.state.store.article_stamps(kind, now, 1, 1).await?;
        let pages = first.total.div_ceil(u64::from(PER_SITEMAP));
        let lastmod = first.items.first().map(stamp_time);
        for n in 1..=pages {
            xml.push_str(&format!(
                "  <sitemap><loc>{}</loc>",
                escape(&ctx.abs(&format!("/sitemap-{name}-{n}.xml")))
            ));
            if let Some(t) = lastmod {
                xml.push_str(&format!("<lastmod>{}</lastmod>", t.to_rfc3339()));
            }
            xml.push_str("</sitemap>\n");
        }
    }
    xml.push_str("</sitemapindex>\n");
    Ok(sitemap_tags().on(conditional::respond(&headers, "application/xml; charset=utf-8", xml)))
}

/// `/sitemap-posts-N.xml` and `/sitemap-pages-N.xml`.
pub async fn child(ctx: Ctx, headers: HeaderMap, file: &str) -> Result<Response, WebError> {
    let (kind, n) = parse_child(file).ok_or(WebError::NotFound)?;
    let stamps = ctx.state.store.article_stamps(kind, Utc::now(), n, PER_SITEMAP).await?;
    if stamps.items.is_empty() {
        return Err(WebError::NotFound);
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for s in &stamps.items {
        let path = match kind {
            ArticleKind::Post => byline_core::permalink::post_path(s.published_at, ctx.settings.timezone, &s.slug),
            ArticleKind::Page => byline_core::permalink::page_path(&s.slug),
        };
        let t = stamp_time(s);
        xml.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(&ctx.abs(&path)),
            t.to_rfc3339()
        ));
    }
    xml.push_str("</urlset>\n");
    Ok(sitemap_tags().on(conditional::respond(&headers, "application/xml; charset=utf-8", xml)))
}

/// Sitemaps list every public article's address and update time.
fn sitemap_tags() -> CacheTags {
    CacheTags::site().with(tag::POSTS).with(tag::PAGES).with(tag::SITEMAP)
}

fn stamp_time(s: &ArticleStamp) -> DateTime<Utc> {
    s.updated_at.unwrap_or(s.published_at)
}

fn parse_child(file: &str) -> Option<(ArticleKind, u32)> {
    let rest = file.strip_prefix("sitemap-")?.strip_suffix(".xml")?;
    let (name, n) = rest.rsplit_once('-')?;
    let kind = match name {
        "posts" => ArticleKind::Post,
        "pages" => ArticleKind::Page,
        _ => return None,
    };
    Some((kind, n.parse().ok().filter(|n| *n >= 1)?))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
