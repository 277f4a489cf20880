//! One error type for handlers. Each variant is an HTTP outcome; all of
//! them, and the bare errors axum and tower produce (405, 413, 408), leave
//! as the theme's error page through [`themed_errors`].

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use byline_render::RenderError;
use byline_render::view::{ErrorPage, PageMeta};
use byline_store::StoreError;

use crate::AppState;
use crate::client::Client;
use crate::context::{base_url, site_view};

/// What went wrong, as the visitor should hear it.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Nothing public lives at this address.
    #[error("not found")]
    NotFound,
    /// What a form was sent to is gone (an article deleted while the
    /// visitor typed); their text is shown back.
    #[error("gone: {message}")]
    Gone {
        /// What is gone.
        message: String,
        /// Text the visitor submitted, shown back so it is not lost.
        kept_text: Option<String>,
    },
    /// The request body is over the limit; the message says which.
    #[error("payload too large: {0}")]
    TooLarge(String),
    /// The request itself is malformed; the message says how.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request is understood and refused.
    #[error("forbidden: {message}")]
    Forbidden {
        /// Why.
        message: String,
        /// Text the visitor submitted, shown back so it is not lost.
        kept_text: Option<String>,
    },
    /// Refused for now (a throttle); the message says when to try again.
    #[error("too many requests: {message}")]
    TooManyRequests {
        /// Why, and when to try again.
        message: String,
        /// Seconds until then, sent as `Retry-After`.
        retry_after: u64,
    },
    /// A bug or a failing backend; logged, shown only as an apology.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => Self::NotFound,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<RenderError> for WebError {
    fn from(e: RenderError) -> Self {
        Self::Internal(e.to_string())
    }
}

/// The page an error becomes, carried to [`themed_errors`] as a response extension.
#[derive(Debug, Clone)]
struct ErrorInfo {
    heading: String,
    message: String,
    kept_text: Option<String>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut retry_after = None;
        let (status, info) = match self {
            Self::NotFound => (StatusCode::NOT_FOUND, generic(StatusCode::NOT_FOUND)),
            Self::Gone { message, kept_text } => (
                StatusCode::NOT_FOUND,
                ErrorInfo {
                    heading: "This is no longer here".into(),
                    message,
                    kept_text,
                },
            ),
            Self::TooLarge(message) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorInfo {
                    heading: "Too much data".into(),
                    message,
                    kept_text: None,
                },
            ),
            Self::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                ErrorInfo {
                    heading: "That request could not be understood".into(),
                    message,
                    kept_text: None,
                },
            ),
            Self::Forbidden { message, kept_text } => (
                StatusCode::FORBIDDEN,
                ErrorInfo {
                    heading: "Not allowed".into(),
                    message,
                    kept_text,
                },
            ),
            Self::TooManyRequests {
                message,
                retry_after: seconds,
            } => {
                retry_after = Some(seconds);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorInfo {
                        heading: "Please wait a moment".into(),
                        message,
                        kept_text: None,
                    },
                )
            }
            Self::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    generic(StatusCode::INTERNAL_SERVER_ERROR),
                )
            }
        };
        let mut response = (status, info.message.clone()).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
        }
        response.extensions_mut().insert(info);
        response
    }
}

fn generic(status: StatusCode) -> ErrorInfo {
    let (heading, message) = match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            "There is nothing at this address. It may have moved, or the link may be mistyped.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Method not allowed",
            "This address does not accept that kind of request.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("Too much data", "What you sent is larger than this site accepts."),
        StatusCode::REQUEST_TIMEOUT => ("The request took too long", "Please try again in a moment."),
        s if s.is_client_error() => (
            "That request could not be handled",
            "Please check the address or the form and try again.",
        ),
        _ => (
            "Something went wrong",
            "The site hit a problem on its side. Please try again in a moment.",
        ),
    };
    ErrorInfo {
        heading: heading.into(),
        message: message.into(),
        kept_text: None,
    }
}

/// Marks an error response meant for machines (`/healthz`): it stays as it is.
#[derive(Debug, Clone, Copy)]
pub struct Plain;

/// Renders error responses as themed HTML pages, keeping their status.
pub async fn themed_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let https = Client::is_https(request.extensions());
    let response = next.run(request).await;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error())
        || is_html
        || response.extensions().get::<Plain>().is_some()
    {
        return response;
    }
    let info = response
        .extensions()
        .get::<ErrorInfo>()
        .cloned()
        .unwrap_or_else(|| generic(status));
    let site = match state.store.settings().await {
        Ok(settings) => site_view(&settings, &base_url(&settings, &headers, https)),
        Err(e) => {
            tracing::error!(error = %e, "cannot load settings for an error page");
            return response;
        }
    };
    let kept = info.kept_text.is_some();
    let page = ErrorPage {
        site,
        meta: PageMeta {
            title: info.heading.clone(),
            noindex: true,
            ..Default::default()
        },
        status: status.as_u16(),
        heading: info.heading,
        message: info.message,
        kept_text: info.kept_text,
    };
    match state.renderer.render("error.html", &page) {
        Ok(html) => {
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.remove(header::CONTENT_TYPE);
            let mut themed = (parts.status, Html(html)).into_response();
            themed.headers_mut().extend(parts.headers);
            if kept {
                // It shows what the visitor typed: theirs only.
                themed.headers_mut().insert(
                    header::CACHE_CONTROL,
                    header::HeaderValue::from_static("private, no-store"),
                );
            }
            themed
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot render the error page");
            response
        }
    }
}
