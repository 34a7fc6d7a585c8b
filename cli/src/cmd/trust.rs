//! `trust add|list|remove`.

use crate::args::TrustCommand;
use crate::error::{CliError, Code, Exit, Result};
use crate::trust_store::{parse_key_arg, TrustStore, TrustStoreFile, TrustedKey};
use expert_core::display::escape;
use serde::Serialize;

#[derive(Serialize)]
struct Keys {
    keys: Vec<TrustedKey>,
}

pub fn run(c: TrustCommand) -> Result<Exit> {
    match c {
        TrustCommand::Add { key, name, json } => add(&key, name, json)?,
        TrustCommand::List { json } => list(json)?,
        TrustCommand::Remove { key_id, json } => remove(&key_id, json)?,
    }
    Ok(Exit::Ok)
}

/// `trust add`: a key already trusted only has its name updated.
fn add(key: &str, name: Option<String>, json: bool) -> Result<()> {
    let pk = parse_key_arg(key)?;
    let added = TrustStore::update(|s| {
        s.trust(&pk, name.clone()).map_err(|other| {
            CliError::new(Code::KeyIdCollision,
                format!("another trusted key, {}, has the same key ID {}; keys are compared in full, but their IDs must differ to be told apart", other.pubkey, other.key_id),
            )
            .hint("remove the other key first (`expert-cli trust remove KEY_ID`) if you mean to replace it")
        })
    })?;
    let entry = TrustedKey {
        key_id: pk.key_id(),
        pubkey: pk.to_string(),
        name,
    };
    if json {
        super::print_json(
            &serde_json::json!({"key_id": entry.key_id, "pubkey": entry.pubkey, "name": entry.name, "added": added}),
        );
    } else if added {
        println!("trusted key {} ({})", entry.key_id, entry.pubkey);
    } else {
        println!(
            "key {} was already trusted{}",
            entry.key_id,
            if entry.name.is_some() {
                "; its name is updated"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn list(json: bool) -> Result<()> {
    let store = TrustStore::load()?;
    if json {
        super::print_json(&Keys { keys: store.keys });
    } else if store.keys.is_empty() {
        println!("no trusted keys; add one with `expert-cli trust add KEY.pub`");
    } else {
        for k in store.keys {
            println!(
                "{}  {}  {}",
                escape(&k.key_id),
                escape(&k.pubkey),
                escape(&k.name.unwrap_or_default())
            );
        }
    }
    Ok(())
}

/// `trust remove`: pins to the key stay.
fn remove(key_id: &str, json: bool) -> Result<()> {
    let removed = TrustStore::update(|s| {
        let before = s.keys.len();
        s.keys.retain(|k| k.key_id != key_id);
        if s.keys.len() == before {
            return Err(CliError::new(
                Code::KeyNotFound,
                format!("no trusted key has ID {key_id}"),
            )
            .hint("see `expert-cli trust list`"));
        }
        Ok(before - s.keys.len())
    })?;
    if json {
        super::print_json(&serde_json::json!({ "removed": key_id }));
    } else {
        println!(
            "removed {removed} key {}; experts pinned to it stay pinned (install --repin to change)",
            escape(key_id)
        );
    }
    Ok(())
}
