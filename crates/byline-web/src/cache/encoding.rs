//! Compressed variants of a cached page, made once per page, and the
//! choice among them by `Accept-Encoding`.

use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, header};

/// How a response body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// As rendered.
    Identity,
    /// gzip, which every client understands.
    Gzip,
    /// Brotli: smaller, and understood by every current browser over HTTPS.
    Brotli,
}

impl Coding {
    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }
}

/// Bodies shorter than this are sent as they are: compression would save
/// less than a packet.
pub const MIN_COMPRESSED: usize = 512;

/// Brotli quality: 9 gets within a few per cent of 11 at a tenth of the time,
/// which matters when a busy article is invalidated by every new comment.
const BROTLI_QUALITY: u32 = 9;
const BROTLI_WINDOW: u32 = 22;

/// The encodings the request accepts (a `q=0` refuses one; `*` accepts all).
pub fn accepted(request: &HeaderMap) -> (bool, bool) {
    let (mut gzip, mut br) = (false, false);
    for value in request.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            let ok = !refused;
            if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                gzip = ok;
            } else if name.eq_ignore_ascii_case("br") {
                br = ok;
            } else if name == "*" {
                gzip |= ok;
                br |= ok;
            }
        }
    }
    (gzip, br)
}

/// gzip at the best ratio.
pub fn gzip(body: &[u8]) -> Bytes {
    let mut out = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = out.write_all(body);
    out.finish().map(Bytes::from).unwrap_or_default()
}

/// Brotli.
pub fn brotli(body: &[u8]) -> Bytes {
    let mut out =
        brotli::CompressorWriter::new(Vec::with_capacity(body.len() / 3), 4096, BROTLI_QUALITY, BROTLI_WINDOW);
    let _ = out.write_all(body);
    Bytes::from(out.into_inner())
}
