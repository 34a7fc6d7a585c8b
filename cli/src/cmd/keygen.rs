//! `keygen`: a new Ed25519 key as PKCS#8 PEM (mode 0600, never overwritten,
//! never printed) plus `<file>.pub` holding `ed25519:<hex>`. With
//! `--encrypt` the PEM is encrypted PKCS#8 (scrypt + AES-256-CBC).

use crate::args::KeygenArgs;
use crate::error::{CliError, Code, Context, Exit, Result};
use expert_core::sign::{to_encrypted_pkcs8_pem, SecretKey};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

#[derive(Serialize)]
struct Out {
    private_key: String,
    public_key_file: String,
    pubkey: String,
    key_id: String,
    encrypted: bool,
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| {
        CliError::new(
            Code::Random,
            format!("the system random source failed: {e}"),
        )
    })?;
    Ok(out)
}

/// The private key file's text: plain or encrypted PKCS#8 PEM.
fn private_pem(key: &SecretKey, encrypt: bool) -> Result<String> {
    if !encrypt {
        return Ok(key.to_pkcs8_pem());
    }
    let pass = crate::key_input::new_passphrase()?;
    let (salt, iv) = (random::<16>()?, random::<16>()?);
    to_encrypted_pkcs8_pem(key, pass.as_bytes(), &salt, &iv)
        .map_err(|e| CliError::new(e.code, e.message).within(Context::Local))
}

fn create_new(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    let mut f = crate::atomic::create_new(path, mode).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::new(
                Code::Exists,
                format!(
                    "{} already exists; keygen never overwrites a key",
                    path.display()
                ),
            )
            .hint("choose another file with -o, or remove the old key yourself")
        } else {
            CliError::io(path, e)
        }
    })?;
    let r = f.write_all(data).and_then(|_| f.sync_all());
    if let Err(e) = r {
        let _ = std::fs::remove_file(path);
        return Err(CliError::io(path, e));
    }
    Ok(())
}

pub fn run(a: KeygenArgs) -> Result<Exit> {
    let name = a.name.clone().unwrap_or_else(|| "signing".into());
    if !expert_core::path::is_safe_component(&name) {
        return Err(CliError::new(
            Code::Usage,
            format!("--name {name:?} must be usable as a file name"),
        ));
    }
    let private = match a.output {
        Some(p) => p,
        None => crate::home::expert_home()
            .join("keys")
            .join(format!("{name}.pem")),
    };
    if private.extension().is_some_and(|e| e == "pub") {
        return Err(CliError::new(
            Code::Usage,
            format!(
                "{} would be the private key, but .pub is the public key's extension",
                private.display()
            ),
        )
        .hint("name the private key something.pem; its .pub is written next to it"));
    }
    let public = private.with_extension("pub");
    for p in [&private, &public] {
        if p.exists() {
            return Err(CliError::new(
                Code::Exists,
                format!(
                    "{} already exists; keygen never overwrites a key",
                    p.display()
                ),
            )
            .hint("choose another file with -o"));
        }
    }
    if let Some(dir) = private.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
    }
    let mut seed = random::<32>()?;
    let key = SecretKey::from_seed(&seed);
    seed.fill(0);
    let pem = private_pem(&key, a.encrypt)?;
    create_new(&private, pem.as_bytes(), 0o600)?;
    let pubkey = key.public();
    if let Err(e) = create_new(&public, format!("{pubkey}\n").as_bytes(), 0o644) {
        let _ = std::fs::remove_file(&private);
        return Err(e);
    }
    if a.json {
        super::print_json(&Out {
            private_key: private.display().to_string(),
            public_key_file: public.display().to_string(),
            pubkey: pubkey.to_string(),
            key_id: pubkey.key_id(),
            encrypted: a.encrypt,
        });
    } else {
        println!("created Ed25519 key {}", pubkey.key_id());
        println!(
            "  private key: {} (mode 0600{}; keep it secret, back it up)",
            private.display(),
            if a.encrypt {
                ", encrypted with your passphrase"
            } else {
                ""
            }
        );
        println!("  public key:  {}", public.display());
        println!("  {pubkey}");
        println!(
            "share the public key; users trust it with `expert-cli trust add {}`",
            public.display()
        );
    }
    Ok(Exit::Ok)
}
