//! `install https://…` and `pull https://…` against a real TLS server on
//! 127.0.0.1 (rustls over std's TcpListener, in this test) with a
//! throwaway CA made by `openssl`, trusted through SSL_CERT_FILE: a
//! package with its sidecar, a redirect, a 404, a wrong `.sha256`, a
//! server that stalls, one that sends too much, and an untrusted one.

mod common;
use common::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone)]
enum Route {
    Body(Vec<u8>),
    Redirect(String),
    /// Headers promise 1 MiB, 10 bytes come, then nothing for 5 s.
    Stall,
    /// Bytes until the client hangs up (at most 64 MiB), no length.
    Flood,
}

/// Every request: path and its Authorization header.
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

struct Server {
    port: u16,
    seen: Seen,
}

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A CA and a certificate for localhost and 127.0.0.1 signed by it.
fn make_certs(dir: &Path) -> Option<()> {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=expert test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "srv.key",
        "-out",
        "srv.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .ok()?;
    let sign = [
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "srv.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ];
    (openssl(dir, &ca) && openssl(dir, &csr) && openssl(dir, &sign)).then_some(())
}

fn serve(dir: &Path, routes: HashMap<String, Route>) -> Server {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("srv.pem"))
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("srv.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            let routes = routes.clone();
            let log = log.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut reader = BufReader::new(&mut tls);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let mut auth = None;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.eq_ignore_ascii_case("authorization") {
                            auth = Some(v.trim().to_string());
                        }
                    }
                }
                drop(reader);
                log.lock().unwrap().push((path.clone(), auth));
                let _ = respond(&mut tls, routes.get(&path));
            });
        }
    });
    Server { port, seen }
}

fn respond(w: &mut impl Write, route: Option<&Route>) -> std::io::Result<()> {
    match route {
        None => {
            let body = b"not found";
            write!(
                w,
                "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            w.write_all(body)?;
        }
        Some(Route::Body(b)) => {
            write!(
                w,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                b.len()
            )?;
            w.write_all(b)?;
        }
        Some(Route::Redirect(to)) => {
            write!(w, "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
        }
        Some(Route::Stall) => {
            write!(
                w,
                "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\nConnection: close\r\n\r\n"
            )?;
            w.write_all(&[0x1f; 10])?;
            w.flush()?;
            std::thread::sleep(Duration::from_secs(5));
        }
        Some(Route::Flood) => {
            write!(w, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
            let chunk = vec![0x55u8; 1 << 20];
            for _ in 0..64 {
                w.write_all(&chunk)?;
            }
        }
    }
    w.flush()
}

struct Fixture {
    dir: tempfile::TempDir,
    server: Server,
    package: PathBuf,
}

impl Fixture {
    fn new() -> Option<Fixture> {
        let dir = tempfile::tempdir().unwrap();
        if make_certs(dir.path()).is_none() {
            assert!(
                std::env::var_os("EXPERT_REQUIRE_SERVERS").is_none(),
                "openssl could not make the test CA, which EXPERT_REQUIRE_SERVERS requires"
            );
            eprintln!("SKIPPED: `openssl` is not available to make a test CA");
            return None;
        }
        let home = dir.path().join("home");
        let ok = |o: Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        ok(run(cli(&home)
            .current_dir(dir.path())
            .args(["keygen", "-o", "k.pem"])));
        ok(run(cli(&home)
            .current_dir(dir.path())
            .args(["trust", "add", "k.pub"])));
        ok(run(cli(&home).current_dir(dir.path()).args([
            "package",
            example("single-model-expert").to_str().unwrap(),
            "--sign-key",
            "k.pem",
            "-o",
            "e.expert",
        ])));
        let package = dir.path().join("e.expert");
        let bytes = std::fs::read(&package).unwrap();
        let sidecar = std::fs::read(dir.path().join("e.expert.sha256")).unwrap();
        let wrong = format!("{}  e.expert\n", "0".repeat(64)).into_bytes();
        let routes = HashMap::from([
            ("/good/e.expert".to_string(), Route::Body(bytes.clone())),
            ("/good/e.expert.sha256".to_string(), Route::Body(sidecar)),
            (
                "/moved/e.expert".to_string(),
                Route::Redirect("/good/e.expert".into()),
            ),
            ("/bad/e.expert".to_string(), Route::Body(bytes)),
            ("/bad/e.expert.sha256".to_string(), Route::Body(wrong)),
            ("/stall/e.expert".to_string(), Route::Stall),
            ("/flood/e.expert".to_string(), Route::Flood),
        ]);
        let server = serve(dir.path(), routes);
        Some(Fixture {
            dir,
            server,
            package,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.server.port)
    }

    fn cli(&self) -> Command {
        let mut c = cli(&self.dir.path().join("home"));
        c.current_dir(self.dir.path())
            .env("SSL_CERT_FILE", self.dir.path().join("ca.pem"))
            .env("HF_TOKEN", "hf_secret_token")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy");
        c
    }

    fn installed(&self) -> usize {
        let o = run(self.cli().args(["list", "--json"]));
        json(&o)["experts"].as_array().unwrap().len()
    }
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn installs_and_pulls_over_https_with_the_sidecar_and_through_a_redirect() {
    let Some(f) = Fixture::new() else { return };
    let url = f.url("/good/e.expert");
    let o = run(f.cli().args(["pull", &url, "-o", "pulled.expert"]));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        std::fs::read(f.dir.path().join("pulled.expert")).unwrap()
            == std::fs::read(&f.package).unwrap()
    );
    let o = run(f
        .cli()
        .args(["install", &f.url("/moved/e.expert"), "--json"]));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json(&o)["installed"][0]["source"], f.url("/moved/e.expert"));
    let seen = f.server.seen.lock().unwrap().clone();
    assert!(
        seen.iter().any(|(p, _)| p == "/good/e.expert.sha256"),
        "the sidecar was checked: {seen:?}"
    );
    assert!(seen.iter().any(|(p, _)| p == "/moved/e.expert"));
    assert!(
        seen.iter().all(|(_, a)| a.is_none()),
        "HF_TOKEN goes to huggingface.co only: {seen:?}"
    );
}

#[test]
fn http_failures_are_clear_and_install_nothing() {
    let Some(f) = Fixture::new() else { return };
    let o = run(f.cli().args(["install", &f.url("/missing/e.expert")]));
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("404") && err(&o).contains("localhost"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("hint:"), "says what to do: {}", err(&o));

    let o = run(f.cli().args(["install", &f.url("/bad/e.expert")]));
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
    assert!(err(&o).contains("E_SIDECAR_MISMATCH"), "{}", err(&o));

    let t = Instant::now();
    let o = run(f
        .cli()
        .env("EXPERT_HTTP_TIMEOUT", "1")
        .args(["install", &f.url("/stall/e.expert")]));
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("stopped answering"), "{}", err(&o));
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "the timeout applies: {:?}",
        t.elapsed()
    );

    let o = run(f.cli().env("EXPERT_MAX_DOWNLOAD", "2000000").args([
        "pull",
        &f.url("/flood/e.expert"),
        "-o",
        "flood.expert",
    ]));
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
    assert!(err(&o).contains("E_DOWNLOAD_TOO_LARGE"), "{}", err(&o));
    assert!(!f.dir.path().join("flood.expert").exists());

    // Without the test CA the server is not trusted.
    let o = run(f
        .cli()
        .env_remove("SSL_CERT_FILE")
        .args(["install", &f.url("/good/e.expert")]));
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("SSL_CERT_FILE"), "{}", err(&o));

    // Plain HTTP to a host that is not loopback is refused before any I/O.
    let o = run(f.cli().args(["install", "http://example.invalid/e.expert"]));
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("E_HTTP_INSECURE"), "{}", err(&o));

    assert_eq!(f.installed(), 0);
    let staging: Vec<_> = std::fs::read_dir(f.dir.path().join("home/.staging"))
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(
        staging.is_empty(),
        "no download is left behind: {staging:?}"
    );
}
