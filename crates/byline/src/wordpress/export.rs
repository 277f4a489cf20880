//! Writes the whole site as a WordPress export (WXR 1.2), which WordPress's
//! own importer reads: no lock-in. Content goes out as HTML (Markdown is
//! rendered), comments with their threading and status, authors with
//! their private email (the file is for the site's owner, not the public).

use std::collections::HashMap;
use std::io::Write;

use byline_core::markdown::{render_body, render_comment};
use byline_core::permalink;
use byline_core::text::without_strays;
use byline_core::{Article, ArticleKind, ArticleStatus, Comment, CommentKind, CommentStatus, CommentsOpen, TermKind};
use byline_store::{ArticleFilter, ArticleQuery, Store};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Counts of what was written.
#[derive(Debug, Default)]
pub struct Written {
    /// Posts and pages.
    pub articles: u64,
    /// Comments.
    pub comments: u64,
    /// Authors.
    pub authors: u64,
    /// Categories and tags.
    pub terms: u64,
    /// Attachment records.
    pub attachments: u64,
}

/// Text as XML character data, without the control characters XML
/// forbids (old rows and imports may hold them).
fn text(s: &str) -> String {
    quick_xml::escape::escape(without_strays(s)).into_owned()
}

/// Text as CDATA, splitting any `]]>` inside it as WordPress does; no
/// control characters.
fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", without_strays(s).replace("]]>", "]]]]><![CDATA[>"))
}

fn local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn gmt(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Writes the export to `out`.
pub async fn write(store: &dyn Store, out: &mut dyn Write) -> anyhow::Result<Written> {
    let settings = store.settings().await?;
    let tz = settings.timezone;
    let base = if settings.site_url.is_empty() {
        "http://localhost".to_owned()
    } else {
        settings.site_url.clone()
    };
    let mut written = Written::default();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8" ?>"#)?;
    writeln!(
        out,
        r#"<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">"#
    )?;
    writeln!(out, "<channel>")?;
    writeln!(out, "\t<title>{}</title>", text(&settings.title))?;
    writeln!(out, "\t<link>{}</link>", text(&base))?;
    writeln!(out, "\t<description>{}</description>", text(&settings.tagline))?;
    writeln!(out, "\t<pubDate>{}</pubDate>", Utc::now().to_rfc2822())?;
    writeln!(out, "\t<language>en</language>")?;
    writeln!(out, "\t<wp:wxr_version>1.2</wp:wxr_version>")?;
    writeln!(out, "\t<wp:base_site_url>{}</wp:base_site_url>", text(&base))?;
    writeln!(out, "\t<wp:base_blog_url>{}</wp:base_blog_url>", text(&base))?;

    let authors = store.authors().await?;
    let logins: HashMap<i64, String> = authors.iter().map(|a| (a.id, a.login.to_string())).collect();
    for a in &authors {
        writeln!(
            out,
            "\t<wp:author><wp:author_id>{}</wp:author_id><wp:author_login>{}</wp:author_login><wp:author_email>{}</wp:author_email><wp:author_display_name>{}</wp:author_display_name><wp:author_first_name>{}</wp:author_first_name><wp:author_last_name>{}</wp:author_last_name></wp:author>",
            a.id,
            cdata(a.login.as_str()),
            cdata(a.email.as_deref().unwrap_or("")),
            cdata(&a.profile.display_name),
            cdata(""),
            cdata(""),
        )?;
        written.authors += 1;
    }
    for t in store.terms().await? {
        match t.term.kind {
            TermKind::Category => writeln!(
                out,
                "\t<wp:category><wp:term_id>{}</wp:term_id><wp:category_nicename>{}</wp:category_nicename><wp:category_parent>{}</wp:category_parent><wp:cat_name>{}</wp:cat_name><wp:category_description>{}</wp:category_description></wp:category>",
                t.term.id,
                cdata(t.term.slug.as_str()),
                cdata(t.parent_slug.as_deref().unwrap_or("")),
                cdata(&t.term.name),
                cdata(&t.description),
            )?,
            TermKind::Tag => writeln!(
                out,
                "\t<wp:tag><wp:term_id>{}</wp:term_id><wp:tag_slug>{}</wp:tag_slug><wp:tag_name>{}</wp:tag_name><wp:tag_description>{}</wp:tag_description></wp:tag>",
                t.term.id,
                cdata(t.term.slug.as_str()),
                cdata(&t.term.name),
                cdata(&t.description),
            )?,
        }
        written.terms += 1;
    }

    for a in store.attachments().await? {
        writeln!(out, "\t<item>")?;
        writeln!(out, "\t\t<title>{}</title>", cdata(&a.title))?;
        writeln!(out, "\t\t<wp:post_id>{}</wp:post_id>", a.id)?;
        writeln!(
            out,
            "\t\t<wp:post_date>{}</wp:post_date>",
            cdata(&local(a.created_at, tz))
        )?;
        writeln!(
            out,
            "\t\t<wp:post_date_gmt>{}</wp:post_date_gmt>",
            cdata(&gmt(a.created_at))
        )?;
        writeln!(out, "\t\t<wp:status>{}</wp:status>", cdata("inherit"))?;
        writeln!(
            out,
            "\t\t<wp:post_parent>{}</wp:post_parent>",
            a.article_id.unwrap_or(0)
        )?;
        writeln!(out, "\t\t<wp:post_type>{}</wp:post_type>", cdata("attachment"))?;
        writeln!(
            out,
            "\t\t<wp:post_mime_type>{}</wp:post_mime_type>",
            cdata(&a.mime_type)
        )?;
        writeln!(out, "\t\t<wp:attachment_url>{}</wp:attachment_url>", cdata(&a.url))?;
        writeln!(out, "\t</item>")?;
        written.attachments += 1;
    }

    for kind in [ArticleKind::Post, ArticleKind::Page] {
        for page in 1.. {
            let query = ArticleQuery {
                kind,
                filter: ArticleFilter::All,
                public_at: None,
                page,
                per_page: 200,
                sticky_first: false,
            };
            let found = store.articles(&query).await?;
            for article in &found.items {
                let comments = store.article_comments(article.id).await?;
                write_item(out, article, &comments, &logins, &base, tz)?;
                written.articles += 1;
                written.comments += comments.len() as u64;
            }
            if found.items.len() < 200 {
                break;
            }
        }
    }
    writeln!(out, "</channel>\n</rss>")?;
    out.flush()?;
    Ok(written)
}

fn write_item(
    out: &mut dyn Write,
    a: &Article,
    comments: &[Comment],
    logins: &HashMap<i64, String>,
    base: &str,
    tz: Tz,
) -> anyhow::Result<()> {
    let path = match (a.kind, a.published_at) {
        (ArticleKind::Post, Some(at)) => permalink::post_path(at, tz, a.slug.as_str()),
        _ => permalink::page_path(a.slug.as_str()),
    };
    let status = match a.status {
        ArticleStatus::Published if a.published_at.is_some_and(|p| p > Utc::now()) => "future",
        ArticleStatus::Published => "publish",
        other => other.as_str(),
    };
    let html = render_body(&a.body, a.format);
    writeln!(out, "\t<item>")?;
    writeln!(out, "\t\t<title>{}</title>", cdata(&a.title))?;
    writeln!(out, "\t\t<link>{}</link>", text(&format!("{base}{path}")))?;
    if let Some(at) = a.published_at {
        writeln!(out, "\t\t<pubDate>{}</pubDate>", at.to_rfc2822())?;
    }
    writeln!(
        out,
        "\t\t<dc:creator>{}</dc:creator>",
        cdata(logins.get(&a.author_id).map_or("", String::as_str))
    )?;
    writeln!(
        out,
        "\t\t<guid isPermaLink=\"false\">{}</guid>",
        text(&format!("{base}/?p={}", a.id))
    )?;
    writeln!(out, "\t\t<description></description>")?;
    // One Custom HTML block: WordPress (and byline) then use the HTML as it
    // is, instead of adding paragraphs to it again with wpautop.
    let content = format!("<!-- wp:html -->\n{}\n<!-- /wp:html -->", html.as_str().trim());
    writeln!(out, "\t\t<content:encoded>{}</content:encoded>", cdata(&content))?;
    writeln!(
        out,
        "\t\t<excerpt:encoded>{}</excerpt:encoded>",
        cdata(a.excerpt.as_deref().unwrap_or(""))
    )?;
    writeln!(out, "\t\t<wp:post_id>{}</wp:post_id>", a.id)?;
    let (date, date_gmt) = match a.published_at {
        Some(at) => (local(at, tz), gmt(at)),
        None => (local(a.created_at, tz), "0000-00-00 00:00:00".to_owned()),
    };
    let modified = a.updated_at.or(a.published_at).unwrap_or(a.created_at);
    writeln!(out, "\t\t<wp:post_date>{}</wp:post_date>", cdata(&date))?;
    writeln!(out, "\t\t<wp:post_date_gmt>{}</wp:post_date_gmt>", cdata(&date_gmt))?;
    writeln!(
        out,
        "\t\t<wp:post_modified>{}</wp:post_modified>",
        cdata(&local(modified, tz))
    )?;
    writeln!(
        out,
        "\t\t<wp:post_modified_gmt>{}</wp:post_modified_gmt>",
        cdata(&gmt(modified))
    )?;
    let open = if a.comments == CommentsOpen::Open {
        "open"
    } else {
        "closed"
    };
    writeln!(out, "\t\t<wp:comment_status>{}</wp:comment_status>", cdata(open))?;
    writeln!(out, "\t\t<wp:ping_status>{}</wp:ping_status>", cdata("closed"))?;
    writeln!(out, "\t\t<wp:post_name>{}</wp:post_name>", cdata(a.slug.as_str()))?;
    writeln!(out, "\t\t<wp:status>{}</wp:status>", cdata(status))?;
    writeln!(out, "\t\t<wp:post_parent>0</wp:post_parent>")?;
    writeln!(out, "\t\t<wp:menu_order>0</wp:menu_order>")?;
    writeln!(out, "\t\t<wp:post_type>{}</wp:post_type>", cdata(a.kind.as_str()))?;
    writeln!(
        out,
        "\t\t<wp:post_password>{}</wp:post_password>",
        cdata(a.password.as_deref().unwrap_or(""))
    )?;
    writeln!(out, "\t\t<wp:is_sticky>{}</wp:is_sticky>", u8::from(a.sticky))?;
    for t in &a.categories {
        writeln!(
            out,
            "\t\t<category domain=\"category\" nicename=\"{}\">{}</category>",
            text(t.slug.as_str()),
            cdata(&t.name)
        )?;
    }
    for t in &a.tags {
        writeln!(
            out,
            "\t\t<category domain=\"post_tag\" nicename=\"{}\">{}</category>",
            text(t.slug.as_str()),
            cdata(&t.name)
        )?;
    }
    for c in comments {
        let approved = match c.status {
            CommentStatus::Approved => "1",
            CommentStatus::Pending => "0",
            CommentStatus::Spam => "spam",
            CommentStatus::Trash => "trash",
        };
        let kind = match c.kind {
            CommentKind::Comment => "comment",
            other => other.as_str(),
        };
        writeln!(out, "\t\t<wp:comment>")?;
        writeln!(out, "\t\t\t<wp:comment_id>{}</wp:comment_id>", c.id)?;
        writeln!(
            out,
            "\t\t\t<wp:comment_author>{}</wp:comment_author>",
            cdata(&c.author_name)
        )?;
        writeln!(
            out,
            "\t\t\t<wp:comment_author_email>{}</wp:comment_author_email>",
            cdata(&c.author_email)
        )?;
        writeln!(
            out,
            "\t\t\t<wp:comment_author_url>{}</wp:comment_author_url>",
            text(c.author_url.as_deref().unwrap_or(""))
        )?;
        writeln!(
            out,
            "\t\t\t<wp:comment_author_IP>{}</wp:comment_author_IP>",
            cdata(&c.author_ip)
        )?;
        writeln!(
            out,
            "\t\t\t<wp:comment_date>{}</wp:comment_date>",
            cdata(&local(c.created_at, tz))
        )?;
        writeln!(
            out,
            "\t\t\t<wp:comment_date_gmt>{}</wp:comment_date_gmt>",
            cdata(&gmt(c.created_at))
        )?;
        writeln!(
            out,
            "\t\t\t<wp:comment_content>{}</wp:comment_content>",
            cdata(render_comment(&c.body).as_str().trim())
        )?;
        writeln!(
            out,
            "\t\t\t<wp:comment_approved>{}</wp:comment_approved>",
            cdata(approved)
        )?;
        writeln!(out, "\t\t\t<wp:comment_type>{}</wp:comment_type>", cdata(kind))?;
        writeln!(
            out,
            "\t\t\t<wp:comment_parent>{}</wp:comment_parent>",
            c.parent_id.map_or(0, |p| p.0)
        )?;
        writeln!(out, "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>")?;
        writeln!(out, "\t\t</wp:comment>")?;
    }
    writeln!(out, "\t</item>")?;
    Ok(())
}
