//! HTTP(S) for `https://` sources and OCI registries: one blocking `ureq`
//! agent with rustls over the system roots (or `SSL_CERT_FILE`), proxies
//! from `HTTPS_PROXY`/`NO_PROXY`, redirects (credentials only to the same
//! host), timeouts, and an error for every failure that names the status,
//! the host and what to do. Plain `http://` only to loopback hosts or with
//! `--allow-http`.

use crate::error::{CliError, Code, Result};
use crate::term::Progress;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static ALLOW_HTTP: AtomicBool = AtomicBool::new(false);

/// `--allow-http`: plain HTTP to hosts that are not loopback.
pub fn set_allow_http(v: bool) {
    ALLOW_HTTP.store(v, Ordering::Relaxed);
}

pub fn allow_http() -> bool {
    ALLOW_HTTP.load(Ordering::Relaxed)
}

/// Seconds without progress before a request fails (`EXPERT_HTTP_TIMEOUT`,
/// default 60).
fn stall_timeout() -> Duration {
    std::env::var("EXPERT_HTTP_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(60))
}

/// The largest download taken as a package: the core's cap for the
/// default limits, or less with `EXPERT_MAX_DOWNLOAD` (bytes; it can only
/// lower the cap).
pub fn package_cap() -> u64 {
    let cap = expert_core::oci::max_package_size(&expert_core::Limits::default());
    std::env::var("EXPERT_MAX_DOWNLOAD")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(|n| n.min(cap))
        .unwrap_or(cap)
}

/// Root certificates: `SSL_CERT_FILE` when set, else the system bundle,
/// else the Mozilla roots compiled in.
fn root_certs() -> Result<ureq::tls::RootCerts> {
    let from = |path: &Path, required: bool| -> Result<Option<ureq::tls::RootCerts>> {
        let pem = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(CliError::io(path, e)
                    .hint("SSL_CERT_FILE must name a PEM file of CA certificates"))
            }
        };
        let certs: Vec<_> = ureq::tls::parse_pem(&pem)
            .filter_map(|i| match i {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect();
        if certs.is_empty() {
            if required {
                return Err(CliError::new(
                    Code::Http,
                    format!("{} holds no PEM certificate", path.display()),
                )
                .hint("SSL_CERT_FILE must name a PEM file of CA certificates"));
            }
            return Ok(None);
        }
        Ok(Some(ureq::tls::RootCerts::new_with_certs(&certs)))
    };
    if let Some(f) = std::env::var_os("SSL_CERT_FILE").filter(|f| !f.is_empty()) {
        return Ok(from(Path::new(&f), true)?.expect("required"));
    }
    for p in [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ] {
        if let Some(r) = from(Path::new(p), false)? {
            return Ok(r);
        }
    }
    Ok(ureq::tls::RootCerts::WebPki)
}

/// The agent for `url`'s scheme (https only, unless plain HTTP is allowed
/// for this host).
pub fn agent(https_only: bool) -> Result<ureq::Agent> {
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(root_certs()?)
        .build();
    let stall = stall_timeout();
    Ok(ureq::Agent::config_builder()
        .http_status_as_error(false)
        .https_only(https_only)
        .tls_config(tls)
        .max_redirects(10)
        .redirect_auth_headers(ureq::config::RedirectAuthHeaders::SameHost)
        .timeout_connect(Some(stall.min(Duration::from_secs(30))))
        .timeout_recv_response(Some(stall))
        .timeout_per_read(Some(stall))
        .timeout_per_write(Some(stall))
        .user_agent(concat!("expert-cli/", env!("CARGO_PKG_VERSION")))
        .accept_encoding("identity")
        .build()
        .new_agent())
}

/// The host of an `http(s)://` URL, without the port.
pub fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    expert_core::oci::host_only(authority)
}

/// Refuses plain HTTP to a host that is not loopback (unless allowed),
/// and anything but http(s).
pub fn check_scheme(url: &str) -> Result<bool> {
    if url.starts_with("https://") {
        return Ok(!allow_http());
    }
    if url.starts_with("http://") {
        if expert_core::oci::is_loopback(url_host(url)) || allow_http() {
            return Ok(false);
        }
        return Err(CliError::new(
            Code::HttpInsecure,
            format!(
                "{url} is plain HTTP to {}, which anyone on the way can read and change",
                url_host(url)
            ),
        )
        .hint("use https://, or pass --allow-http if you really mean it"));
    }
    Err(CliError::new(
        Code::Usage,
        format!("{url} is not an http(s) URL"),
    ))
}

/// A transport failure as a CLI error naming the host.
pub fn transport(url: &str, e: ureq::Error) -> CliError {
    let host = url_host(url).to_string();
    // rustls errors reach us wrapped in io::Error.
    let tls = matches!(e, ureq::Error::Tls(_) | ureq::Error::Rustls(_)) || {
        let text = e.to_string().to_ascii_lowercase();
        text.contains("certificate") || text.contains("handshake")
    };
    let (msg, hint) = match &e {
        _ if tls => (
            format!("TLS with {host} failed: {e}"),
            "the server's certificate is not trusted here; point SSL_CERT_FILE at the CA bundle that signs it",
        ),
        ureq::Error::Timeout(_) | ureq::Error::BodyStalled => (
            format!("{host} stopped answering ({url}); timed out after {}s without data", stall_timeout().as_secs_f64()),
            "try again later; EXPERT_HTTP_TIMEOUT sets the seconds to wait",
        ),
        ureq::Error::HostNotFound => (
            format!("cannot resolve {host}"),
            "check the host name and your network (and HTTPS_PROXY if you use a proxy)",
        ),
        ureq::Error::ConnectionFailed | ureq::Error::Io(_) => (
            format!("cannot talk to {host}: {e}"),
            "check the URL, that the server is up, and your network or proxy (HTTPS_PROXY, NO_PROXY)",
        ),
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => (
            format!("{url}: the redirects did not end: {e}"),
            "check the URL",
        ),
        ureq::Error::RequireHttpsOnly(_) => (
            format!("{url} redirected to plain HTTP"),
            "ask the server to redirect to https://, or pass --allow-http",
        ),
        _ => (format!("{host}: {e}"), "check the URL and your network"),
    };
    CliError::new(Code::Http, msg).hint(hint)
}

/// An HTTP status that is not success, with what to do about it.
pub fn status_error(url: &str, status: u16, what: &str) -> CliError {
    let host = url_host(url);
    let (code, hint) = match status {
        401 | 403 => (
            Code::RegistryAuth,
            if host == "huggingface.co" {
                "set HF_TOKEN to a token that can read this repository"
            } else {
                "check your credentials (EXPERT_REGISTRY_USERNAME/EXPERT_REGISTRY_PASSWORD, or `docker login` for registries) and your access"
            },
        ),
        404 | 410 => (
            Code::OciNotFound,
            "check the URL, the repository and the tag",
        ),
        429 => (
            Code::HttpStatus,
            "the server is rate limiting; wait and try again",
        ),
        500..=599 => (Code::HttpStatus, "the server failed; try again later"),
        _ => (Code::HttpStatus, "check the URL"),
    };
    let reason = match status {
        401 => "401 Unauthorized",
        403 => "403 Forbidden",
        404 => "404 Not Found",
        410 => "410 Gone",
        429 => "429 Too Many Requests",
        500 => "500 Internal Server Error",
        502 => "502 Bad Gateway",
        503 => "503 Service Unavailable",
        _ => "",
    };
    let status_text = if reason.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {reason}")
    };
    CliError::new(
        code,
        format!("{host} answered {status_text} for {what} ({url})"),
    )
    .hint(hint)
}

/// Streams a response body into `out`, hashing it, with a progress bar;
/// more than `cap` bytes (or than the `Content-Length`) is cut off.
pub fn save_body(
    url: &str,
    resp: ureq::http::Response<ureq::Body>,
    out: &mut dyn Write,
    cap: u64,
    label: &str,
) -> Result<([u8; 32], u64)> {
    let declared = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let host = url_host(url).to_string();
    let too_large = |n: u64| {
        CliError::new(Code::DownloadTooLarge, format!("{host} sent more than {n} bytes for {url}, more than a package may hold; the download was cut off"),
        )
        .hint("nothing was installed; check the URL")
    };
    if let Some(d) = declared.filter(|d| *d > cap) {
        let _ = d;
        return Err(too_large(cap));
    }
    let mut reader = resp.into_body().into_with_config().limit(u64::MAX).reader();
    let progress = Progress::new(label, declared.unwrap_or(0));
    let mut sha = Sha256::new();
    let mut n = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let k = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let e = e.downcast::<ureq::Error>().unwrap_or_else(ureq::Error::Io);
                return Err(transport(url, e));
            }
        };
        n += k as u64;
        if n > cap {
            return Err(too_large(cap));
        }
        sha.update(&buf[..k]);
        out.write_all(&buf[..k])
            .map_err(|e| CliError::new(Code::Io, format!("saving {url}: {e}")))?;
        progress.add(k as u64);
    }
    progress.finish();
    if declared.is_some_and(|d| d != n) {
        return Err(CliError::new(
            Code::Http,
            format!(
                "{host} ended the transfer of {url} after {n} of {} bytes",
                declared.unwrap_or(0)
            ),
        )
        .hint("try again"));
    }
    Ok((sha.finalize().into(), n))
}

/// `Authorization: Bearer $HF_TOKEN` for huggingface.co itself, never for
/// another host (redirects to another host drop it: `SameHost`).
fn hf_token_for(url: &str) -> Option<String> {
    (url_host(url).eq_ignore_ascii_case("huggingface.co"))
        .then(|| std::env::var("HF_TOKEN").ok())
        .flatten()
        .filter(|t| !t.trim().is_empty())
}

/// GET `url` with redirects; `Ok(None)` for 404 when `missing_ok`.
pub fn get(
    url: &str,
    missing_ok: bool,
    what: &str,
) -> Result<Option<ureq::http::Response<ureq::Body>>> {
    let https_only = check_scheme(url)?;
    let agent = agent(https_only)?;
    let mut req = agent.get(url);
    if let Some(t) = hf_token_for(url) {
        req = req.header("Authorization", format!("Bearer {}", t.trim()));
    }
    let resp = req.call().map_err(|e| transport(url, e))?;
    let status = resp.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(Some(resp));
    }
    if missing_ok && status == 404 {
        return Ok(None);
    }
    Err(status_error(url, status, what))
}

/// Downloads the package at `url` into `dest` (a new file), checking the
/// `<url>.sha256` sidecar when the server has one. Returns the SHA-256.
pub fn download_package(url: &str, dest: &Path) -> Result<[u8; 32]> {
    let sidecar_url = format!("{url}.sha256");
    let sidecar = match get(&sidecar_url, true, "the .sha256 sidecar")? {
        None => None,
        Some(resp) => {
            let mut v = Vec::new();
            save_body(&sidecar_url, resp, &mut v, 64 << 10, "")?;
            let text = String::from_utf8_lossy(&v).to_string();
            Some(expert_core::text::sidecar::digest(&text).ok_or_else(|| {
                CliError::new(
                    Code::SidecarMismatch,
                    format!("{sidecar_url} is not a sha256sum line"),
                )
            })?)
        }
    };
    let resp = get(url, false, "the package")?.expect("not missing_ok");
    let mut f = crate::atomic::create_new(dest, 0o600).map_err(|e| CliError::io(dest, e))?;
    let (sha, _) = {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut f);
        let r = save_body(url, resp, &mut w, package_cap(), "downloading")?;
        w.flush().map_err(|e| CliError::io(dest, e))?;
        r
    };
    let got = expert_core::util::hex::encode(&sha);
    if let Some(want) = sidecar {
        if want != got {
            return Err(CliError::new(
                Code::SidecarMismatch,
                format!("{url} has SHA-256 {got}, but {sidecar_url} says {want}"),
            )
            .hint("the file or its sidecar was changed or damaged; nothing was installed"));
        }
    }
    Ok(sha)
}
