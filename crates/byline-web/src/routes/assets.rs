//! The theme's static files and the commenters' identicons.

use axum::extract::{Path, RawQuery};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use byline_core::identicon::identicon_svg;

use crate::error::WebError;

/// `/static/{file}`: long-lived when the URL carries a fingerprint.
pub async fn static_file(Path(file): Path<String>, RawQuery(query): RawQuery) -> Result<Response, WebError> {
    let asset = byline_render::asset(&file).ok_or(WebError::NotFound)?;
    let cache = if query.is_some_and(|q| q.starts_with("v=")) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        asset.bytes,
    )
        .into_response())
}

/// `/avatar/{key}.svg`: drawn from the key alone, so it needs no lookup
/// and reveals nothing about the commenter.
pub async fn avatar(Path(file): Path<String>) -> Result<Response, WebError> {
    let svg = file
        .strip_suffix(".svg")
        .and_then(identicon_svg)
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        svg,
    )
        .into_response())
}
