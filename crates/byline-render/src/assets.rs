//! The theme's static files (stylesheet, icons), embedded in the binary.

/// A static file and how to serve it.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// File contents.
    pub bytes: &'static [u8],
    /// `Content-Type` value.
    pub content_type: &'static str,
}

const ASSETS: &[(&str, &[u8], &str)] = &[
    (
        "style.css",
        include_bytes!("../../../themes/default/static/style.css"),
        "text/css; charset=utf-8",
    ),
    (
        "admin.css",
        include_bytes!("../admin/static/admin.css"),
        "text/css; charset=utf-8",
    ),
    (
        "admin.js",
        include_bytes!("../admin/static/admin.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "favicon.svg",
        include_bytes!("../../../themes/default/static/favicon.svg"),
        "image/svg+xml",
    ),
];

/// Looks a static file up by name (`style.css`).
pub fn asset(name: &str) -> Option<Asset> {
    ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, bytes, content_type)| Asset { bytes, content_type })
}

/// A short content hash for cache-busting URLs (`/static/style.css?v=…`).
pub(crate) fn fingerprint(name: &str) -> String {
    let hash = byline_core::fingerprint::fingerprint(asset(name).map_or(&[][..], |a| a.bytes));
    format!("{:08x}", hash as u32)
}
