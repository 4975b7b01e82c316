//! The one outgoing HTTP request the server makes: a webhook delivery.
//! One connection per request (HTTP/1.1 by hyper's connection API: no
//! pool, no redirects followed, no proxy), TLS by the server's rustls
//! (ring) with the system's trust anchors, everything under one timeout.
//!
//! Not hyper-util's pooled client: it would add its own connector and
//! socket crates for keep-alive that deliveries, minutes apart and to many
//! receivers, would hardly use.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Method, Request, Uri, header};
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

/// POSTs `body` to `target` with `headers`; the response status, or what
/// went wrong (for the delivery log).
pub(crate) async fn post(
    target: &Target,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
    timeout: Duration,
) -> Result<u16, String> {
    tokio::time::timeout(timeout, send(target, headers, body))
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", timeout.as_secs())))
}

async fn send(
    target: &Target,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
) -> Result<u16, String> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(&target.path)
        .header(header::HOST, &target.authority)
        .header(header::CONTENT_TYPE, "application/json")
        .header(
            header::USER_AGENT,
            concat!("YATA-Shield-Webhook/", env!("CARGO_PKG_VERSION")),
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
        exchange(TokioIo::new(tls), request).await
    } else {
        exchange(TokioIo::new(tcp), request).await
    }
}

/// One request on a fresh connection; the status of its answer (the body
/// is not read).
async fn exchange<T>(io: T, request: Request<Full<Bytes>>) -> Result<u16, String>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| format!("http: {e}"))?;
    let connection = tokio::spawn(connection);
    let result = sender
        .send_request(request)
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| format!("http: {e}"));
    connection.abort();
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
