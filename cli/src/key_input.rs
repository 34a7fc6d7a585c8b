//! Private keys from files for `package --sign-key`, `sign --key` and
//! `keygen --encrypt`: a capped read, the passphrase (EXPERT_KEY_PASSPHRASE,
//! else a no-echo prompt on the terminal, else an error naming the
//! variable) and a note when a raw seed is used. Decoding and decryption
//! are the core's; no message here contains key bytes.

use crate::error::{CliError, Code, Context, Result};
use expert_core::sign::{key_form, read_key_file, KeyError, KeyForm, SecretKey};
use std::io::{IsTerminal, Read};
use std::path::Path;

pub const PASSPHRASE_VAR: &str = "EXPERT_KEY_PASSPHRASE";

/// Key files are small; a larger read means a wrong file (or /dev/zero).
const MAX_KEY_FILE: u64 = 64 << 10;

fn key_error(path: &Path, e: KeyError) -> CliError {
    let hint = match e.code {
        Code::KeyDecrypt => {
            format!("check the passphrase in {PASSPHRASE_VAR} (or typed at the prompt)")
        }
        _ => {
            "create a key with `expert-cli keygen` (add --encrypt to protect it with a passphrase)"
                .into()
        }
    };
    CliError::new(e.code, format!("{}: {e}", path.display()))
        .within(Context::Local)
        .hint(hint)
}

/// Reads at most `MAX_KEY_FILE` bytes; pipes (`--key <(…)`) work too.
fn read_capped(path: &Path) -> Result<Vec<u8>> {
    let f = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    let mut bytes = Vec::new();
    f.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::io(path, e))?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(CliError::new(
            Code::KeyFormat,
            format!(
                "{}: larger than {} KiB, so not a key file",
                path.display(),
                MAX_KEY_FILE >> 10
            ),
        )
        .within(Context::Local)
        .hint("give the private key file that keygen wrote (a .pem)"));
    }
    Ok(bytes)
}

/// Loads a signing key file, asking for the passphrase if it is encrypted.
pub fn load_signing_key(path: &Path) -> Result<SecretKey> {
    let bytes = read_capped(path)?;
    let form = key_form(&bytes).map_err(|e| key_error(path, e))?;
    let pass = match form {
        KeyForm::EncryptedPkcs8 => {
            Some(passphrase(&format!("passphrase for {}: ", path.display()))?)
        }
        _ => None,
    };
    let (key, _) = read_key_file(&bytes, pass.as_deref().map(str::as_bytes))
        .map_err(|e| key_error(path, e))?;
    if form == KeyForm::RawSeed {
        eprintln!(
            "note: {} is 32 raw bytes; using it as upstream's raw Ed25519 seed (key {})",
            path.display(),
            key.public().key_id()
        );
    }
    Ok(key)
}

fn no_passphrase(why: &str) -> CliError {
    CliError::new(
        Code::KeyPassphrase,
        format!("{why}, but {PASSPHRASE_VAR} is not set and there is no terminal to ask on"),
    )
    .hint(format!("set {PASSPHRASE_VAR} to the passphrase"))
}

/// The passphrase to decrypt a key: the variable, else a prompt.
pub fn passphrase(prompt: &str) -> Result<String> {
    if let Some(p) = from_env() {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(no_passphrase("the key is encrypted"));
    }
    read_hidden(prompt).map_err(|_| no_passphrase("the key is encrypted"))
}

/// A new passphrase for `keygen --encrypt`: the variable, else asked
/// twice on the terminal.
pub fn new_passphrase() -> Result<String> {
    if let Some(p) = from_env() {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(no_passphrase("--encrypt needs a passphrase"));
    }
    let ask = |p: &str| read_hidden(p).map_err(|_| no_passphrase("--encrypt needs a passphrase"));
    let first = ask("new passphrase: ")?;
    if first.is_empty() {
        return Err(CliError::new(
            Code::KeyPassphrase,
            "an empty passphrase would not protect the key",
        ));
    }
    if ask("repeat it: ")? != first {
        return Err(CliError::new(
            Code::KeyPassphrase,
            "the two passphrases differ; nothing was written",
        ));
    }
    Ok(first)
}

fn from_env() -> Option<String> {
    std::env::var(PASSPHRASE_VAR).ok().filter(|p| !p.is_empty())
}

/// One line from the terminal with echo off.
#[cfg(unix)]
fn read_hidden(prompt: &str) -> std::io::Result<String> {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    let fd = tty.as_raw_fd();
    // SAFETY: termios is plain data; tcgetattr fills it for an open fd.
    let mut old: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut old) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let mut quiet = old;
    quiet.c_lflag &= !libc::ECHO;
    quiet.c_lflag |= libc::ECHONL;
    // SAFETY: fd is open and `quiet` is a valid termios.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let result = tty.write_all(prompt.as_bytes()).and_then(|_| {
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        while tty.read(&mut byte)? == 1 && byte[0] != b'\n' {
            line.push(byte[0]);
        }
        String::from_utf8(line).map_err(|_| std::io::ErrorKind::InvalidData.into())
    });
    // SAFETY: restores the settings read above on the same fd.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &old) };
    result.map(|s| s.trim_end_matches('\r').to_string())
}

#[cfg(not(unix))]
fn read_hidden(_prompt: &str) -> std::io::Result<String> {
    Err(std::io::ErrorKind::Unsupported.into())
}
