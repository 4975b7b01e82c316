//! The UI's CSS and JavaScript, compiled into the binary and served under
//! names that carry their content's hash (`/static/app-1a2b3c4d5e6f7a8b.css`),
//! so browsers may keep them for a year: a new build has new names.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::AppError;

struct File {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const FILES: &[File] = &[
    File {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("static/app.css"),
    },
    File {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("static/app.js"),
    },
];

/// Each file's served name, by the index of [`FILES`].
fn served_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        FILES
            .iter()
            .map(|f| {
                let digest = Sha256::digest(f.bytes);
                let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
                let (stem, ext) = f.name.rsplit_once('.').unwrap_or((f.name, ""));
                format!("{stem}-{hash}.{ext}")
            })
            .collect()
    })
}

/// The URL of static file `name` (`app.css`).
pub fn url(name: &str) -> String {
    let i = FILES.iter().position(|f| f.name == name).unwrap_or(0);
    format!("/static/{}", served_names()[i])
}

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let i = served_names()
        .iter()
        .position(|n| *n == file)
        .ok_or(AppError::NotFound)?;
    let f = &FILES[i];
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        f.bytes,
    )
        .into_response())
}
