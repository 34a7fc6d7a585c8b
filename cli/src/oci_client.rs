//! A small blocking client for the OCI distribution API: the calls `push`,
//! `install`, `pull` and `update` make (manifests by tag or digest, blobs,
//! monolithic uploads, tag lists), with anonymous access, bearer-token
//! challenges and basic credentials (EXPERT_REGISTRY_USERNAME/PASSWORD,
//! else docker's config.json). Loopback registries are spoken to over
//! plain HTTP, others over HTTPS (or HTTP with `--allow-http`).

use crate::error::{CliError, Code, Context, Result};
use crate::http;
use base64::Engine;
use expert_core::oci::{parse_challenge, OciRef};
use std::io::Write;
use std::path::Path;

/// Largest manifest, index or tag list we read (the distribution spec's
/// registries take 4 MiB manifests).
pub const MAX_JSON: u64 = 4 << 20;

pub struct Client {
    agent: ureq::Agent,
    base: String,
    pub reference: OciRef,
    basic: Option<String>,
    token: Option<String>,
    /// `pull` or `pull,push`.
    actions: &'static str,
    /// Where the credentials came from, for error messages.
    cred_source: Option<String>,
}

/// Basic credentials for `host`: the environment first, then docker's
/// config.json. Returns base64(`user:pass`) and where it came from.
fn credentials(host: &str) -> Option<(String, String)> {
    let user = std::env::var("EXPERT_REGISTRY_USERNAME")
        .ok()
        .filter(|s| !s.is_empty());
    let pass = std::env::var("EXPERT_REGISTRY_PASSWORD").ok();
    if let (Some(u), Some(p)) = (user, pass) {
        let b = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
        return Some((
            b,
            "EXPERT_REGISTRY_USERNAME/EXPERT_REGISTRY_PASSWORD".into(),
        ));
    }
    let dir = std::env::var_os("DOCKER_CONFIG")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".docker")))?;
    let file = dir.join("config.json");
    let bytes = std::fs::read(&file).ok()?;
    let auth = expert_core::oci::docker_config_auth(&bytes, host)?;
    Some((auth, file.display().to_string()))
}

fn json_error(what: &str, why: String) -> CliError {
    CliError::new(Code::OciFormat, format!("{what}: {why}"))
        .within(Context::Received)
        .hint("the registry does not hold an .expert artifact there")
}

impl Client {
    pub fn new(reference: &OciRef, push: bool) -> Result<Client> {
        let loopback = expert_core::oci::is_loopback(reference.hostname());
        let scheme = if loopback || http::allow_http() {
            "http"
        } else {
            "https"
        };
        let base = format!("{scheme}://{}", reference.host);
        let cred = credentials(&reference.host);
        Ok(Client {
            agent: http::agent(scheme == "https")?,
            base,
            reference: reference.clone(),
            basic: cred.as_ref().map(|c| c.0.clone()),
            cred_source: cred.map(|c| c.1),
            token: None,
            actions: if push { "pull,push" } else { "pull" },
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v2/{}/{path}", self.base, self.reference.repo)
    }

    fn auth_header(&self) -> Option<String> {
        if let Some(t) = &self.token {
            return Some(format!("Bearer {t}"));
        }
        self.basic.as_ref().map(|b| format!("Basic {b}"))
    }

    fn auth_failed(&self, _url: &str, status: u16) -> CliError {
        let host = &self.reference.host;
        let (msg, hint) = match (&self.cred_source, status) {
            (Some(src), _) => (
                format!("{host} refused the credentials from {src} (HTTP {status}) for {}", self.reference.repo),
                "check the user name and password or token, and that it may access this repository".to_string(),
            ),
            (None, _) => (
                format!("{host} requires credentials for {} (HTTP {status})", self.reference.repo),
                "set EXPERT_REGISTRY_USERNAME and EXPERT_REGISTRY_PASSWORD, or run `docker login` (DOCKER_CONFIG)".to_string(),
            ),
        };
        CliError::new(Code::RegistryAuth, msg).hint(hint)
    }

    /// Answers a `WWW-Authenticate` challenge: fetches a bearer token, or
    /// takes basic credentials. False when nothing more can be tried.
    fn answer(&mut self, header: Option<&str>, url: &str) -> Result<bool> {
        let Some(c) = header.and_then(parse_challenge) else {
            return Ok(false);
        };
        match c.scheme.as_str() {
            // Basic credentials are sent with every request when we have
            // them: a basic challenge leaves nothing more to try.
            "basic" => Ok(false),
            "bearer" => {
                if self.token.is_some() {
                    return Ok(false);
                }
                let Some(realm) = c.params.get("realm") else {
                    return Ok(false);
                };
                http::check_scheme(realm)?;
                let mut q = Vec::new();
                if let Some(s) = c.params.get("service") {
                    q.push(format!("service={}", enc(s)));
                }
                let scope = c.params.get("scope").cloned().unwrap_or_else(|| {
                    format!("repository:{}:{}", self.reference.repo, self.actions)
                });
                q.push(format!("scope={}", enc(&scope)));
                let token_url = format!(
                    "{realm}{}{}",
                    if realm.contains('?') { "&" } else { "?" },
                    q.join("&")
                );
                let mut req = self.agent.get(&token_url);
                if let Some(b) = &self.basic {
                    req = req.header("Authorization", format!("Basic {b}"));
                }
                let resp = req.call().map_err(|e| http::transport(&token_url, e))?;
                let status = resp.status().as_u16();
                if status == 401 || status == 403 {
                    return Err(self.auth_failed(url, status));
                }
                if !(200..300).contains(&status) {
                    return Err(http::status_error(&token_url, status, "a registry token"));
                }
                let mut body = Vec::new();
                http::save_body(&token_url, resp, &mut body, MAX_JSON, "")?;
                let v: serde_json::Value = serde_json::from_slice(&body)
                    .map_err(|e| json_error("the token answer", e.to_string()))?;
                let t = v
                    .get("token")
                    .or_else(|| v.get("access_token"))
                    .and_then(|t| t.as_str())
                    .ok_or_else(|| json_error("the token answer", "no token".into()))?;
                self.token = Some(t.to_string());
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Sends a request, answering one auth challenge. `body` is sent as is.
    fn send(
        &mut self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        mut body: Option<&mut dyn FnMut() -> Result<ureq::SendBody<'static>>>,
    ) -> Result<ureq::http::Response<ureq::Body>> {
        for attempt in 0..3 {
            let mut b = ureq::http::Request::builder().method(method).uri(url);
            for (k, v) in headers {
                b = b.header(*k, *v);
            }
            if let Some(a) = self.auth_header() {
                b = b.header("Authorization", a);
            }
            let resp = match body.as_mut() {
                Some(f) => {
                    let req = b.body(f()?).map_err(|e| http::transport(url, e.into()))?;
                    self.agent.run(req)
                }
                None => {
                    let req = b.body(()).map_err(|e| http::transport(url, e.into()))?;
                    self.agent.run(req)
                }
            }
            .map_err(|e| http::transport(url, e))?;
            let status = resp.status().as_u16();
            if status != 401 || attempt == 2 {
                if status == 401 || status == 403 {
                    return Err(self.auth_failed(url, status));
                }
                return Ok(resp);
            }
            let header = resp
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            if !self.answer(header.as_deref(), url)? {
                return Err(self.auth_failed(url, status));
            }
        }
        unreachable!("the loop returns")
    }

    fn read_json(&self, url: &str, resp: ureq::http::Response<ureq::Body>) -> Result<Vec<u8>> {
        let mut v = Vec::new();
        http::save_body(url, resp, &mut v, MAX_JSON, "")?;
        Ok(v)
    }

    /// A manifest or index by tag or digest: its bytes and digest (checked
    /// against the digest when fetched by one). `None` when not found.
    pub fn get_manifest(&mut self, reference: &str) -> Result<Option<(Vec<u8>, String)>> {
        let url = self.url(&format!("manifests/{reference}"));
        let accept = format!(
            "{},{}",
            expert_core::oci::INDEX_MEDIA_TYPE,
            expert_core::oci::MANIFEST_MEDIA_TYPE
        );
        let resp = self.send("GET", &url, &[("Accept", &accept)], None)?;
        let status = resp.status().as_u16();
        if status == 404 {
            return Ok(None);
        }
        if !(200..300).contains(&status) {
            return Err(http::status_error(&url, status, "a manifest"));
        }
        let bytes = self.read_json(&url, resp)?;
        let digest = expert_core::oci::digest_of(&sha256(&bytes));
        if reference.starts_with("sha256:") && digest != reference {
            return Err(CliError::new(
                Code::DigestMismatch,
                format!(
                    "{} sent a manifest whose digest is {digest}, not {reference}",
                    self.reference.host
                ),
            )
            .hint("the registry is damaged or tampered with; nothing was installed"));
        }
        Ok(Some((bytes, digest)))
    }

    pub fn put_manifest(&mut self, reference: &str, media_type: &str, bytes: &[u8]) -> Result<()> {
        let url = self.url(&format!("manifests/{reference}"));
        let owned = bytes.to_vec();
        let mut body = move || {
            Ok(ureq::SendBody::from_owned_reader(std::io::Cursor::new(
                owned.clone(),
            )))
        };
        let len = bytes.len().to_string();
        let resp = self.send(
            "PUT",
            &url,
            &[("Content-Type", media_type), ("Content-Length", &len)],
            Some(&mut body),
        )?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            let detail = registry_error(resp);
            return Err(http::status_error(
                &url,
                status,
                &format!("storing a manifest{detail}"),
            ));
        }
        Ok(())
    }

    pub fn blob_exists(&mut self, digest: &str) -> Result<bool> {
        let url = self.url(&format!("blobs/{digest}"));
        let resp = self.send("HEAD", &url, &[], None)?;
        Ok((200..300).contains(&resp.status().as_u16()))
    }

    /// Uploads a blob in one PUT (POST for a session, then PUT with the
    /// digest, which the registry checks).
    pub fn upload_blob(
        &mut self,
        digest: &str,
        size: u64,
        mut open: impl FnMut() -> Result<ureq::SendBody<'static>>,
    ) -> Result<()> {
        let url = self.url("blobs/uploads/");
        let resp = self.send("POST", &url, &[("Content-Length", "0")], None)?;
        let status = resp.status().as_u16();
        if status != 202 {
            return Err(http::status_error(&url, status, "starting an upload"));
        }
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| json_error("the upload answer", "no Location header".into()))?
            .to_string();
        let mut put = if location.starts_with('/') {
            format!("{}{location}", self.base)
        } else {
            location
        };
        put.push(if put.contains('?') { '&' } else { '?' });
        put.push_str(&format!("digest={}", enc(digest)));
        let len = size.to_string();
        let resp = self.send(
            "PUT",
            &put,
            &[
                ("Content-Type", "application/octet-stream"),
                ("Content-Length", &len),
            ],
            Some(&mut open),
        )?;
        let status = resp.status().as_u16();
        if status != 201 {
            let detail = registry_error(resp);
            return Err(http::status_error(
                &put,
                status,
                &format!("uploading blob {digest}{detail}"),
            ));
        }
        Ok(())
    }

    /// Streams blob `digest` into `out`; it must be `size` bytes (at most
    /// `cap`) and hash to the digest.
    pub fn get_blob(
        &mut self,
        digest: &str,
        size: u64,
        cap: u64,
        out: &mut dyn Write,
    ) -> Result<[u8; 32]> {
        let url = self.url(&format!("blobs/{digest}"));
        if size > cap {
            return Err(CliError::new(Code::DownloadTooLarge, format!("the registry lists blob {digest} at {size} bytes, more than a package may hold ({cap})"),
            ));
        }
        let resp = self.send("GET", &url, &[], None)?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(http::status_error(&url, status, "the package blob"));
        }
        let (sha, n) = http::save_body(&url, resp, out, size, "downloading")?;
        let got = expert_core::oci::digest_of(&sha);
        if got != digest || n != size {
            return Err(CliError::new(
                Code::DigestMismatch,
                format!(
                    "{} sent {n} bytes with digest {got} for blob {digest} ({size} bytes)",
                    self.reference.host
                ),
            )
            .hint("the registry's copy is damaged or was replaced; nothing was installed"));
        }
        Ok(sha)
    }

    /// The repository's tags (all pages).
    pub fn tags(&mut self) -> Result<Vec<String>> {
        let mut url = self.url("tags/list?n=1000");
        let mut all = Vec::new();
        for _ in 0..100 {
            let resp = self.send("GET", &url, &[], None)?;
            let status = resp.status().as_u16();
            if !(200..300).contains(&status) {
                return Err(http::status_error(&url, status, "the tag list"));
            }
            let next = resp
                .headers()
                .get("link")
                .and_then(|v| v.to_str().ok())
                .and_then(|l| {
                    l.split_once('<')
                        .and_then(|(_, r)| r.split_once('>'))
                        .map(|(u, _)| u.to_string())
                });
            let bytes = self.read_json(&url, resp)?;
            all.extend(
                expert_core::oci::tags_of(&bytes).map_err(|e| json_error("the tag list", e))?,
            );
            match next {
                Some(n) if n.starts_with('/') => url = format!("{}{n}", self.base),
                Some(n) => url = n,
                None => break,
            }
        }
        Ok(all)
    }
}

/// The registry's first error message, for a failed write.
fn registry_error(resp: ureq::http::Response<ureq::Body>) -> String {
    let mut v = Vec::new();
    let _ = std::io::Read::read_to_end(
        &mut std::io::Read::take(resp.into_body().into_reader(), 64 << 10),
        &mut v,
    );
    serde_json::from_slice::<serde_json::Value>(&v)
        .ok()
        .and_then(|j| {
            j.get("errors")?
                .get(0)?
                .get("message")?
                .as_str()
                .map(|s| format!(": {s}"))
        })
        .unwrap_or_default()
}

pub fn sha256(b: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b).into()
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
