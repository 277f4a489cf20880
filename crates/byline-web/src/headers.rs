//! Security headers on every response.

use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// No inline script or style, no third-party script, no framing, and
/// requests from scripts (the admin's preview) only to this site: comment
/// or imported content can never turn into running code. Images may come
/// from anywhere, since imported articles keep loading theirs from the old
/// site, which may not have HTTPS.
const CSP: &str = "default-src 'none'; img-src 'self' https: http: data:; style-src 'self'; script-src 'self'; connect-src 'self'; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The layers that add the security headers.
pub fn layers() -> [SetResponseHeaderLayer<HeaderValue>; 4] {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    [
        set(header::CONTENT_SECURITY_POLICY, CSP),
        set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        set(header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        set(header::X_FRAME_OPTIONS, "DENY"),
    ]
}
