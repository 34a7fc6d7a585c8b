//! `push PKG... oci://HOST[:PORT]/REPO[:TAG]`: every package verified
//! first (nothing is pushed unless all are valid), then each as one blob
//! (digest = its `.sha256`), one image manifest per variant, and the image
//! index at TAG (default: the version), merged with the variants of the
//! same version already there (docs/FORMAT.md, "Distribution over OCI").

use crate::args::PushArgs;
use crate::error::{CliError, Code, Context, Exit, Result};
use crate::oci_client::{sha256, Client};
use crate::package_read::read_package;
use crate::term::Style;
use crate::trust_store::{TrustStore, TrustStoreFile};
use expert_core::archive::SmallFiles;
use expert_core::display::escape;
use expert_core::manifest::Manifest;
use expert_core::oci;
use expert_core::sign::{verify_package, Status};
use expert_core::Limits;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Serialize)]
struct Pushed {
    path: String,
    base_model: String,
    digest: String,
    size: u64,
    manifest_digest: String,
    status: String,
    key_id: Option<String>,
    uploaded: bool,
}

#[derive(Serialize)]
struct Out {
    reference: String,
    name: String,
    version: String,
    tag: String,
    index_digest: String,
    pushed: Vec<Pushed>,
    /// Base models in the index at TAG after the push.
    variants: Vec<String>,
    warnings: Vec<String>,
}

struct Item {
    path: PathBuf,
    sha: [u8; 32],
    size: u64,
    variant: oci::Variant,
    status: Status,
}

fn verify(path: &PathBuf, store: &TrustStore) -> Result<Item> {
    let mut small = SmallFiles::default();
    let read = read_package(path, &mut small, "verifying")?;
    let manifest = small.manifest.clone();
    let verdict = verify_package(
        read.records,
        small,
        &store.public_keys(),
        &Limits::default(),
    );
    if verdict.status == Status::Invalid {
        return Err(crate::cmd::verify::refuse_invalid(
            &path.display().to_string(),
            &verdict,
            "pushed",
        ));
    }
    let m = manifest
        .and_then(|b| Manifest::parse(&b, &Limits::default()).ok())
        .ok_or_else(|| {
            CliError::new(
                Code::ManifestInvalid,
                format!("{}: no valid manifest.json", path.display()),
            )
            .within(Context::Received)
        })?;
    let c = crate::source::candidate_of(&m, path);
    let size = std::fs::metadata(path)
        .map_err(|e| CliError::io(path, e))?
        .len();
    Ok(Item {
        path: path.clone(),
        sha: read.sha256,
        size,
        variant: oci::Variant {
            name: c.name,
            version: c.version,
            base_model: c.base_model,
            key_id: verdict.key_id.clone(),
        },
        status: verdict.status,
    })
}

pub fn run(a: PushArgs) -> Result<Exit> {
    crate::http::set_allow_http(a.allow_http);
    let (target, packages) = a.args.split_last().expect("clap requires two");
    let mut r = parse_target(target)?;
    let store = TrustStore::load()?;
    let items = packages
        .iter()
        .map(|p| verify(&PathBuf::from(p), &store))
        .collect::<Result<Vec<_>>>()?;
    let mut warnings = check_batch(&items)?;
    let first = &items[0].variant;
    let tag = tag_for(&r, first)?;
    r.tag = Some(tag.clone());
    let mut client = Client::new(&r, true)?;
    if !client.blob_exists(oci::EMPTY_DIGEST)? {
        client.upload_blob(oci::EMPTY_DIGEST, oci::EMPTY_DATA.len() as u64, || {
            Ok(ureq::SendBody::from_owned_reader(std::io::Cursor::new(
                oci::EMPTY_DATA,
            )))
        })?;
    }
    let mut pushed = Vec::new();
    let mut entries = Vec::new();
    for it in &items {
        let (p, entry) = push_variant(&mut client, it)?;
        pushed.push(p);
        entries.push(entry);
    }
    let index = merged_index(&mut client, &r, &first.version, &entries, &mut warnings)?;
    let bytes = serde_json::to_vec(&index).expect("serializable");
    let index_digest = oci::digest_of(&sha256(&bytes));
    client.put_manifest(&tag, oci::INDEX_MEDIA_TYPE, &bytes)?;
    let out = Out {
        reference: r.to_string(),
        name: first.name.clone(),
        version: first.version.clone(),
        tag,
        index_digest,
        variants: index
            .manifests
            .iter()
            .filter_map(|d| d.annotations.get(oci::ANN_BASE_MODEL).cloned())
            .collect(),
        pushed,
        warnings,
    };
    if a.json {
        super::print_json(&out);
    } else {
        print_out(&out);
    }
    Ok(Exit::Ok)
}

/// The last argument: a tag to push to, never a digest.
fn parse_target(target: &str) -> Result<oci::OciRef> {
    let r = oci::parse_reference(target).map_err(|e| {
        CliError::new(Code::OciReference, e.to_string())
            .hint("the last argument is the target: oci://HOST[:PORT]/REPO[:TAG]")
    })?;
    if r.digest.is_some() {
        return Err(CliError::new(
            Code::OciReference,
            format!("{target}: push to a tag, not a digest"),
        ));
    }
    Ok(r)
}

/// One push publishes the variants of one version of one expert, one
/// package per base model; returns the warnings for packages that
/// installers refuse by default.
fn check_batch(items: &[Item]) -> Result<Vec<String>> {
    let variants: Vec<oci::Variant> = items.iter().map(|it| it.variant.clone()).collect();
    oci::check_push(&variants).map_err(|p| mixed(items, p))?;
    let mut warnings = Vec::new();
    for it in items {
        match it.status {
            Status::Unsigned => warnings.push(format!(
                "{} is unsigned; installers refuse it unless --allow-unsigned",
                it.path.display()
            )),
            Status::Legacy => warnings.push(format!(
                "{} has upstream's legacy signature; installers refuse it unless --allow-legacy",
                it.path.display()
            )),
            _ => {}
        }
    }
    Ok(warnings)
}

/// Why the packages cannot be one push, naming them.
fn mixed(items: &[Item], p: oci::PushProblem) -> CliError {
    let first = &items[0];
    match p {
        oci::PushProblem::Mixed { index } => {
            let it = &items[index];
            CliError::new(
                Code::PushMixed,
                format!(
                    "{} is {} {}, but {} is {} {}; one push publishes the variants of one version",
                    it.path.display(),
                    it.variant.name,
                    it.variant.version,
                    first.path.display(),
                    first.variant.name,
                    first.variant.version
                ),
            )
            .hint("push each version (and each expert) separately; nothing was pushed")
        }
        oci::PushProblem::SameBaseModel { index } => CliError::new(
            Code::PushMixed,
            format!(
                "two packages are for {}; one package per base model",
                items[index].variant.base_model
            ),
        )
        .hint("nothing was pushed"),
    }
}

/// The target's tag, else the version's (core's `oci::default_tag`).
fn tag_for(r: &oci::OciRef, first: &oci::Variant) -> Result<String> {
    let tag = r
        .tag
        .clone()
        .unwrap_or_else(|| oci::default_tag(&first.version));
    if !oci::valid_tag(&tag) {
        return Err(
            CliError::new(Code::OciReference, format!("{tag:?} is not a valid tag"))
                .hint("name a tag: oci://HOST/REPO:TAG"),
        );
    }
    Ok(tag)
}

/// Uploads the package blob (unless the registry has it) and its image
/// manifest; returns what was pushed and the manifest's index entry.
fn push_variant(client: &mut Client, it: &Item) -> Result<(Pushed, oci::Descriptor)> {
    let digest = oci::digest_of(&it.sha);
    let uploaded = !client.blob_exists(&digest)?;
    if uploaded {
        let path = it.path.clone();
        client.upload_blob(&digest, it.size, move || {
            let f = std::fs::File::open(&path).map_err(|e| CliError::io(&path, e))?;
            Ok(ureq::SendBody::from_owned_reader(
                std::io::BufReader::with_capacity(1 << 20, f),
            ))
        })?;
    }
    let file_name = it
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("package.expert");
    let m = oci::variant_manifest(&it.variant, &it.sha, it.size, file_name);
    let bytes = serde_json::to_vec(&m).expect("serializable");
    let md = oci::digest_of(&sha256(&bytes));
    client.put_manifest(&md, oci::MANIFEST_MEDIA_TYPE, &bytes)?;
    let entry = oci::index_entry(&it.variant, &md, bytes.len() as u64);
    let pushed = Pushed {
        path: it.path.display().to_string(),
        base_model: it.variant.base_model.clone(),
        digest,
        size: it.size,
        manifest_digest: md,
        status: it.status.as_str().to_string(),
        key_id: it.variant.key_id.clone(),
        uploaded,
    };
    Ok((pushed, entry))
}

/// The index at `r`'s tag with `entries` merged in: the variants of
/// `version` already there stay, another version's are replaced (with a
/// warning).
fn merged_index(
    client: &mut Client,
    r: &oci::OciRef,
    version: &str,
    entries: &[oci::Descriptor],
    warnings: &mut Vec<String>,
) -> Result<oci::ImageIndex> {
    let tag = r.tag.as_deref().expect("the tag is chosen");
    let existing = match client.get_manifest(tag)? {
        None => None,
        Some((bytes, _)) => {
            if oci::media_type_of(&bytes).as_deref() != Some(oci::INDEX_MEDIA_TYPE) {
                return Err(CliError::new(
                    Code::OciFormat,
                    format!("{r} already holds something that is not an image index"),
                )
                .hint("push to another tag or repository"));
            }
            Some(
                serde_json::from_slice::<oci::ImageIndex>(&bytes).map_err(|e| {
                    CliError::new(
                        Code::OciFormat,
                        format!("{r}: the index there is not valid: {e}"),
                    )
                })?,
            )
        }
    };
    if existing.as_ref().is_some_and(|old| {
        old.manifests
            .iter()
            .any(|d| d.annotations.get(oci::ANN_VERSION).map(String::as_str) != Some(version))
    }) {
        warnings.push(format!(
            "{r} held another version; the tag now names {version} only"
        ));
    }
    oci::merge_index(existing.as_ref(), entries).map_err(|e| {
        CliError::new(e.code(), format!("{r}: {}", e.message())).hint("nothing was tagged")
    })
}

fn print_out(out: &Out) {
    crate::term::print_warnings(&out.warnings);
    let s = Style::stdout();
    for p in &out.pushed {
        println!(
            "{} {} for {} ({}{})",
            s.green("pushed"),
            escape(&p.path),
            escape(&p.base_model),
            p.digest,
            if p.uploaded { "" } else { ", already there" }
        );
    }
    println!(
        "{} {} {} → {} ({}; variants: {})",
        s.green("tagged"),
        escape(&out.name),
        escape(&out.version),
        escape(&out.reference),
        out.index_digest,
        escape(&out.variants.join(", "))
    );
}
