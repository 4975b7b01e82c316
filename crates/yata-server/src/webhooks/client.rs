//! The outgoing HTTP requests the server makes: webhook deliveries
//! ([`post`]: redirects not followed) and feed downloads ([`get`]:
//! redirects followed, at most five, never from https to http). One
//! connection per request (HTTP/1.1 by hyper's connection API: no pool, no
//! proxy), TLS by the server's rustls (ring) with the system's trust
//! anchors, everything under one timeout.
//!
//! Not hyper-util's pooled client: it would add its own connector and
//! socket crates for keep-alive that deliveries, minutes apart and to many
//! receivers, would hardly use.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Method, Request, Response, StatusCode, Uri, header};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;

/// Where a webhook URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) tls: bool,
    /// Without brackets for an IPv6 literal.
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `host[:port]` as written: the Host header.
    pub(crate) authority: String,
    /// Origin form: `/path?query`.
    pub(crate) path: String,
}

/// Reads a webhook URL: `http` or `https`, a host, no credentials, no
/// fragment, at most 2,000 characters.
pub(crate) fn target(url: &str) -> Result<Target, String> {
    if url.len() > 2000 {
        return Err("longer than 2000 characters".into());
    }
    if url.contains('#') {
        return Err("a fragment is not sent: remove it".into());
    }
    let uri: Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
    let tls = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        Some(other) => return Err(format!("scheme {other}: only http and https")),
        None => return Err("not an absolute http(s) URL".into()),
    };
    let authority = uri.authority().ok_or("no host")?;
    if authority.as_str().contains('@') {
        return Err("credentials in the URL are not supported".into());
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    if host.is_empty() {
        return Err("no host".into());
    }
    Ok(Target {
        tls,
        host,
        port: authority.port_u16().unwrap_or(if tls { 443 } else { 80 }),
        authority: authority.as_str().to_owned(),
        path: uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
    })
}

/// What a [`get`] answered.
#[derive(Debug)]
pub(crate) enum Fetched {
    /// 304: what we have is current.
    NotModified,
    /// 200: the body was written to the file; its validators.
    Body {
        bytes: u64,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

/// Redirects followed by [`get`] (GitHub's archive links take one).
const MAX_REDIRECTS: usize = 5;

/// GETs `url` into `out`, conditionally on `etag` /
/// `last_modified`, following redirects (never from https to http), at
/// most `max_bytes` of body, everything under `timeout`. Anything but 200
/// and 304 is an error naming the status.
pub(crate) async fn get<W: tokio::io::AsyncWrite + Unpin>(
    url: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
    out: &mut W,
    max_bytes: u64,
    timeout: Duration,
) -> Result<Fetched, String> {
    tokio::time::timeout(timeout, async {
        let mut url = url.to_owned();
        let mut was_tls = false;
        for _ in 0..=MAX_REDIRECTS {
            let t = target(&url)?;
            if was_tls && !t.tls {
                return Err(format!("{url}: refusing a redirect from https to http"));
            }
            was_tls = t.tls;
            let mut headers = vec![(header::ACCEPT_ENCODING.as_str(), "identity".to_owned())];
            if let Some(e) = etag {
                headers.push((header::IF_NONE_MATCH.as_str(), e.to_owned()));
            }
            if let Some(m) = last_modified {
                headers.push((header::IF_MODIFIED_SINCE.as_str(), m.to_owned()));
            }
            let response = fetch(
                &t,
                Method::GET,
                &headers,
                Vec::new(),
                "YATA-Shield-Feeds/",
                timeout,
            )
            .await?;
            let status = response.status();
            let text = |name: header::HeaderName| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let location = text(header::LOCATION)
                    .ok_or_else(|| format!("{url}: {status} without a Location"))?;
                // A fragment is the client's business: never sent.
                let location = location.split('#').next().unwrap_or_default();
                url = resolve(&t, location);
                continue;
            }
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified);
            }
            if status != StatusCode::OK {
                return Err(format!("{url}: HTTP {status}"));
            }
            if let Some(length) = text(header::CONTENT_LENGTH).and_then(|l| l.parse::<u64>().ok())
                && length > max_bytes
            {
                return Err(format!(
                    "{url}: {length} bytes, more than the {max_bytes} allowed (max_download_mib)"
                ));
            }
            let etag = text(header::ETAG);
            let last_modified = text(header::LAST_MODIFIED);
            let bytes = save(response.into_body(), out, max_bytes)
                .await
                .map_err(|e| format!("{url}: {e}"))?;
            return Ok(Fetched::Body {
                bytes,
                etag,
                last_modified,
            });
        }
        Err(format!("{url}: more than {MAX_REDIRECTS} redirects"))
    })
    .await
    .unwrap_or_else(|_| Err(format!("{url}: not done within {} s", timeout.as_secs())))
}

/// A `Location` against the request's target: absolute, or a path.
pub(crate) fn resolve(base: &Target, location: &str) -> String {
    if location.contains("://") {
        location.to_owned()
    } else if location.starts_with("//") {
        format!("{}:{location}", if base.tls { "https" } else { "http" })
    } else {
        let scheme = if base.tls { "https" } else { "http" };
        let path = if location.starts_with('/') {
            location.to_owned()
        } else {
            let dir = base.path.split('?').next().unwrap_or("/");
            format!("{}{location}", &dir[..=dir.rfind('/').unwrap_or(0)])
        };
        format!(
            "{scheme}://{}{}",
            base.authority,
            without_dot_segments(&path)
        )
    }
}

/// An absolute path (and query) with its `.` and `..` segments removed
/// (RFC 3986 §5.2.4); `..` never climbs above the root.
fn without_dot_segments(path: &str) -> String {
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let mut result = format!("/{}", out.join("/"));
    if let Some(q) = query {
        result.push('?');
        result.push_str(q);
    }
    result
}

async fn save<W: tokio::io::AsyncWrite + Unpin>(
    mut body: hyper::body::Incoming,
    file: &mut W,
    max_bytes: u64,
) -> Result<u64, String> {
    use http_body_util::BodyExt;
    use tokio::io::AsyncWriteExt;
    let mut written = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("reading the body: {e}"))?;
        if let Ok(data) = frame.into_data() {
            written += data.len() as u64;
            if written > max_bytes {
                return Err(format!(
                    "more than the {max_bytes} bytes allowed (max_download_mib)"
                ));
            }
            file.write_all(&data)
                .await
                .map_err(|e| format!("write: {e}"))?;
        }
    }
    file.flush().await.map_err(|e| format!("write: {e}"))?;
    Ok(written)
}

/// POSTs `body` to `target` with `headers`; the response status, or what
/// went wrong (for the delivery log).
pub(crate) async fn post(
    target: &Target,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
    timeout: Duration,
) -> Result<u16, String> {
    tokio::time::timeout(timeout, send(target, headers, body, timeout))
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", timeout.as_secs())))
}

async fn send(
    target: &Target,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
    timeout: Duration,
) -> Result<u16, String> {
    let mut all = vec![(header::CONTENT_TYPE.as_str(), "application/json".to_owned())];
    all.extend(headers.iter().cloned());
    fetch(
        target,
        Method::POST,
        &all,
        body,
        "YATA-Shield-Webhook/",
        timeout,
    )
    .await
    .map(|r| r.status().as_u16())
}

/// One request on a fresh connection: the response, its body unread.
async fn fetch(
    target: &Target,
    method: Method,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
    agent: &str,
    limit: Duration,
) -> Result<Response<hyper::body::Incoming>, String> {
    let mut request = Request::builder()
        .method(method)
        .uri(&target.path)
        .header(header::HOST, &target.authority)
        .header(
            header::USER_AGENT,
            format!("{agent}{}", env!("CARGO_PKG_VERSION")),
        );
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("request: {e}"))?;
    let tcp = TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| format!("connect to {}: {e}", target.authority))?;
    let _ = tcp.set_nodelay(true);
    if target.tls {
        let name = ServerName::try_from(target.host.clone())
            .map_err(|e| format!("tls: server name {}: {e}", target.host))?;
        let tls = tokio_rustls::TlsConnector::from(client_config()?)
            .connect(name, tcp)
            .await
            .map_err(|e| format!("tls: {e}"))?;
        exchange(TokioIo::new(tls), request, limit).await
    } else {
        exchange(TokioIo::new(tcp), request, limit).await
    }
}

/// One request on a fresh connection. The connection is driven by a task
/// that ends when the response's body has been read or dropped, or after
/// `limit` whatever the peer does.
async fn exchange<T>(
    io: T,
    request: Request<Full<Bytes>>,
    limit: Duration,
) -> Result<Response<hyper::body::Incoming>, String>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| format!("http: {e}"))?;
    let connection = tokio::spawn(async move {
        let _ = tokio::time::timeout(limit, connection).await;
    });
    let result = sender
        .send_request(request)
        .await
        .map_err(|e| format!("http: {e}"));
    if result.is_err() {
        connection.abort();
    }
    result
}

/// The TLS client configuration: the system's trust anchors, loaded once.
fn client_config() -> Result<Arc<rustls::ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let found = rustls_native_certs::load_native_certs();
            let mut roots = rustls::RootCertStore::empty();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(format!(
                    "tls: no trusted certificates in the system store ({} errors reading it)",
                    found.errors.len()
                ));
            }
            let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("tls: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            Ok(Arc::new(config))
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_locations_resolve_against_the_request() {
        let base = target("https://feeds.example.jp/osv/PyPI/all.zip?x=1").unwrap();
        for (location, wanted) in [
            (
                "https://cdn.example.net/a.zip",
                "https://cdn.example.net/a.zip",
            ),
            ("//cdn.example.net/a.zip", "https://cdn.example.net/a.zip"),
            ("/b/c.zip", "https://feeds.example.jp/b/c.zip"),
            ("d.zip?y=2", "https://feeds.example.jp/osv/PyPI/d.zip?y=2"),
            ("../e.zip", "https://feeds.example.jp/osv/e.zip"),
            ("./f/../../../../g.zip", "https://feeds.example.jp/g.zip"),
            ("..", "https://feeds.example.jp/osv/"),
        ] {
            assert_eq!(resolve(&base, location), wanted, "{location}");
        }
        let plain = target("http://127.0.0.1:8080/moved").unwrap();
        assert_eq!(
            resolve(&plain, "/kev.json"),
            "http://127.0.0.1:8080/kev.json"
        );
    }

    #[test]
    fn webhook_urls_are_http_or_https_with_a_host() {
        let t = target("https://hooks.example.jp/services/T0?x=1").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port, t.path.as_str()),
            (true, "hooks.example.jp", 443, "/services/T0?x=1")
        );
        let t = target("http://[::1]:8080").unwrap();
        assert_eq!(
            (
                t.tls,
                t.host.as_str(),
                t.port,
                t.authority.as_str(),
                t.path.as_str()
            ),
            (false, "::1", 8080, "[::1]:8080", "/")
        );
        for bad in [
            "ftp://example.jp/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "/relative",
            "example.jp/hook",
            "https://user:pw@example.jp/",
            "https://example.jp/#frag",
            "",
            "http://",
        ] {
            assert!(target(bad).is_err(), "{bad:?}");
        }
        assert!(target(&format!("https://example.jp/{}", "a".repeat(2000))).is_err());
    }
}
