//! Sources that are downloaded: `oci://…` (a registry), `oci-layout:DIR`
//! (an OCI image layout on disk) and `https://…/NAME.expert`. The variant
//! is chosen from the index alone (core `oci::offered`, then
//! `source::choose_variant`), its layer is fetched into a scratch file
//! under `$EXPERT_HOME/.staging` with a size cap while its SHA-256 is
//! checked against the digest, and the file then goes through the same
//! one-read install as a local package (`install::install`).

use crate::error::{CliError, Code, Context, Result};
use crate::oci_client::{sha256, Client, MAX_JSON};
use crate::staging::ScratchDir;
use expert_core::oci::{self, OciRef, Offered};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub enum Remote {
    Oci(OciRef),
    Layout {
        dir: PathBuf,
        tag: Option<String>,
        digest: Option<String>,
    },
    Https(String),
}

/// `Some` when `s` names a downloaded source.
pub fn parse(s: &str) -> Option<Result<Remote>> {
    if s.starts_with("oci://") {
        return Some(oci::parse_reference(s).map(Remote::Oci).map_err(|e| {
            CliError::new(Code::OciReference, e.to_string())
                .hint("write oci://HOST[:PORT]/REPO[:TAG] or oci://HOST/REPO@sha256:DIGEST")
        }));
    }
    if s.starts_with("oci-layout:") {
        return Some(
            oci::parse_layout(s)
                .map(|(dir, tag, digest)| Remote::Layout {
                    dir: PathBuf::from(dir),
                    tag,
                    digest,
                })
                .ok_or_else(|| {
                    CliError::new(Code::OciReference, format!("{s:?} names no directory"))
                        .hint("write oci-layout:DIR[:TAG]")
                }),
        );
    }
    if s.starts_with("https://") || s.starts_with("http://") {
        return Some(Ok(Remote::Https(s.to_string())));
    }
    None
}

/// A downloaded package, kept until dropped.
pub struct Downloaded {
    pub package: PathBuf,
    /// The source as recorded for `update` (with the resolved digest).
    pub recorded: String,
    /// What the index said the package is.
    pub expected: Option<Offered>,
    pub scratch: ScratchDir,
}

/// Where manifests and blobs come from.
trait Store {
    fn manifest(&mut self, reference: &str) -> Result<Option<(Vec<u8>, String)>>;
    fn blob(&mut self, digest: &str, size: u64, out: &mut dyn Write) -> Result<[u8; 32]>;
    fn tags(&mut self) -> Result<Vec<String>>;
    fn describe(&self) -> String;
}

impl Store for Client {
    fn manifest(&mut self, reference: &str) -> Result<Option<(Vec<u8>, String)>> {
        self.get_manifest(reference)
    }
    fn blob(&mut self, digest: &str, size: u64, out: &mut dyn Write) -> Result<[u8; 32]> {
        self.get_blob(digest, size, crate::http::package_cap(), out)
    }
    fn tags(&mut self) -> Result<Vec<String>> {
        Client::tags(self)
    }
    fn describe(&self) -> String {
        self.reference.with(None, None)
    }
}

/// An OCI image layout: `oci-layout`, `index.json`, `blobs/sha256/…`,
/// read as regular files only (source_read), every blob checked against
/// its digest.
struct Layout {
    dir: PathBuf,
    index: oci::ImageIndex,
}

const REF_NAME: &str = "org.opencontainers.image.ref.name";

impl Layout {
    fn open(dir: &Path) -> Result<Layout> {
        let bad = |why: String| {
            CliError::new(Code::OciFormat, format!("{} is not an OCI image layout: {why}", dir.display()))
                .hint("an OCI layout holds oci-layout, index.json and blobs/sha256/ (`skopeo copy … oci:DIR:TAG` writes one)")
        };
        let marker = crate::source_read::regular_file(dir, "oci-layout")?
            .ok_or_else(|| bad("no oci-layout file".into()))?;
        let m = crate::source_read::read_capped(&marker, 64 << 10)?;
        let v: serde_json::Value =
            serde_json::from_slice(&m).map_err(|e| bad(format!("oci-layout: {e}")))?;
        if v.get("imageLayoutVersion")
            .and_then(|v| v.as_str())
            .is_none()
        {
            return Err(bad("oci-layout has no imageLayoutVersion".into()));
        }
        let index = crate::source_read::regular_file(dir, "index.json")?
            .ok_or_else(|| bad("no index.json".into()))?;
        let bytes = crate::source_read::read_capped(&index, MAX_JSON)?;
        let index = serde_json::from_slice(&bytes).map_err(|e| bad(format!("index.json: {e}")))?;
        Ok(Layout {
            dir: dir.to_path_buf(),
            index,
        })
    }

    fn blob_path(&self, digest: &str) -> Result<PathBuf> {
        let hex = digest
            .strip_prefix("sha256:")
            .filter(|_| oci::valid_digest(digest))
            .ok_or_else(|| {
                CliError::new(Code::OciFormat, format!("{digest} is not a sha256 digest"))
                    .within(Context::Received)
            })?;
        crate::source_read::regular_file(&self.dir, &format!("blobs/sha256/{hex}"))?.ok_or_else(
            || {
                CliError::new(
                    Code::OciNotFound,
                    format!("{} has no blob {digest}", self.dir.display()),
                )
                .hint("the layout is incomplete; copy it again")
            },
        )
    }
}

fn digest_mismatch(what: &str, got: &str, want: &str) -> CliError {
    CliError::new(
        Code::DigestMismatch,
        format!("{what} has digest {got}, not {want}"),
    )
    .hint("the copy is damaged or was replaced; nothing was installed")
}

impl Store for Layout {
    fn manifest(&mut self, reference: &str) -> Result<Option<(Vec<u8>, String)>> {
        let digest = if oci::valid_digest(reference) {
            reference.to_string()
        } else {
            match self
                .index
                .manifests
                .iter()
                .find(|d| d.annotations.get(REF_NAME).map(String::as_str) == Some(reference))
            {
                Some(d) => d.digest.clone(),
                None => return Ok(None),
            }
        };
        let p = self.blob_path(&digest)?;
        let bytes = crate::source_read::read_capped(&p, MAX_JSON)?;
        let got = oci::digest_of(&sha256(&bytes));
        if got != digest {
            return Err(digest_mismatch(&p.display().to_string(), &got, &digest));
        }
        Ok(Some((bytes, digest)))
    }

    fn blob(&mut self, digest: &str, size: u64, out: &mut dyn Write) -> Result<[u8; 32]> {
        let p = self.blob_path(digest)?;
        let f = std::fs::File::open(&p).map_err(|e| CliError::io(&p, e))?;
        let mut sha = sha2::Sha256::new();
        use sha2::Digest;
        let mut n = 0u64;
        let progress = crate::term::Progress::new("copying", size);
        let mut r = f.take(size.min(crate::http::package_cap()) + 1);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let k = r.read(&mut buf).map_err(|e| CliError::io(&p, e))?;
            if k == 0 {
                break;
            }
            n += k as u64;
            sha.update(&buf[..k]);
            out.write_all(&buf[..k]).map_err(|e| CliError::io(&p, e))?;
            progress.add(k as u64);
        }
        progress.finish();
        let sha: [u8; 32] = sha.finalize().into();
        let got = oci::digest_of(&sha);
        if got != digest || n != size {
            return Err(digest_mismatch(&p.display().to_string(), &got, digest));
        }
        Ok(sha)
    }

    fn tags(&mut self) -> Result<Vec<String>> {
        Ok(self
            .index
            .manifests
            .iter()
            .filter_map(|d| d.annotations.get(REF_NAME).cloned())
            .collect())
    }

    fn describe(&self) -> String {
        format!("oci-layout:{}", self.dir.display())
    }
}

fn not_ours(store: &dyn Store, why: String) -> CliError {
    CliError::new(Code::OciFormat, format!("{}: {why}", store.describe()))
        .within(Context::Received)
        .hint("the reference does not hold an .expert artifact (pushed by `expert-cli push`)")
}

/// Resolves a tag (or digest) to one package layer, choosing the variant
/// from the index. Returns the layer, the manifest digest and what the
/// index (or manifest) said.
fn resolve(
    store: &mut dyn Store,
    tag: Option<&str>,
    digest: Option<&str>,
    pre: bool,
    base_model: Option<&str>,
    local: &[crate::models::LocalModel],
) -> Result<(oci::Descriptor, String, Offered, Option<String>)> {
    let tag = match (tag, digest) {
        (Some(t), _) => Some(t.to_string()),
        (None, Some(_)) => None,
        (None, None) => Some(highest_tag(store, pre)?),
    };
    let reference = digest
        .map(str::to_string)
        .or(tag.clone())
        .expect("one of them");
    let (bytes, _) = store.manifest(&reference)?.ok_or_else(|| {
        CliError::new(
            Code::OciNotFound,
            format!("{} has no {reference}", store.describe()),
        )
        .hint("check the repository and the tag; `expert-cli push` publishes one")
    })?;
    let media = oci::media_type_of(&bytes).unwrap_or_default();
    let (manifest_bytes, manifest_digest, offered) = if media == oci::INDEX_MEDIA_TYPE {
        choose_in_index(store, &bytes, base_model, local)?
    } else if media == oci::MANIFEST_MEDIA_TYPE {
        let offered = oci::offered_by_manifest(&bytes).map_err(|e| not_ours(store, e))?;
        if let Some(w) = base_model {
            expert_core::manifest::select_model(&[offered.base_model.as_str()], w)
                .map_err(|e| CliError::new(e.code(), e.to_string()))?;
        }
        let d = offered.descriptor.digest.clone();
        (bytes, d, offered)
    } else {
        return Err(not_ours(
            store,
            format!("{reference} is neither an OCI image index nor a manifest"),
        ));
    };
    let layer = oci::package_layer(&manifest_bytes).map_err(|e| not_ours(store, e))?;
    Ok((layer, manifest_digest, offered, tag))
}

/// The highest SemVer tag in `store`, a pre-release only with `pre`.
fn highest_tag(store: &mut dyn Store, pre: bool) -> Result<String> {
    let tags = store.tags()?;
    oci::highest_tag(&tags, pre).ok_or_else(|| {
        CliError::new(
            Code::OciNotFound,
            format!(
                "{} has no SemVer tag{}",
                store.describe(),
                if pre {
                    ""
                } else {
                    " (pre-releases need --pre)"
                }
            ),
        )
        .hint("name the tag: …:1.2.0")
    })
}

/// The variant chosen from an image index, and its manifest's bytes and
/// digest.
fn choose_in_index(
    store: &mut dyn Store,
    index: &[u8],
    base_model: Option<&str>,
    local: &[crate::models::LocalModel],
) -> Result<(Vec<u8>, String, Offered)> {
    let offered = oci::offered(index).map_err(|e| not_ours(store, e))?;
    let names: Vec<&str> = offered.iter().map(|o| o.base_model.as_str()).collect();
    let i = crate::source::choose_variant(&names, base_model, local)?;
    let chosen = offered[i].clone();
    if chosen.descriptor.media_type != oci::MANIFEST_MEDIA_TYPE {
        return Err(not_ours(
            store,
            format!(
                "the entry for {} is a {}",
                chosen.base_model, chosen.descriptor.media_type
            ),
        ));
    }
    let (m, d) = store.manifest(&chosen.descriptor.digest)?.ok_or_else(|| {
        CliError::new(
            Code::OciNotFound,
            format!(
                "{} lists {} for {}, but does not hold it",
                store.describe(),
                chosen.descriptor.digest,
                chosen.base_model
            ),
        )
        .within(Context::Received)
    })?;
    Ok((m, d, chosen))
}

/// Downloads the package `remote` names (the variant for `base_model`,
/// else the one whose base model is here, else the only one).
pub fn fetch(
    remote: &Remote,
    base_model: Option<&str>,
    pre: bool,
    local: &[crate::models::LocalModel],
) -> Result<Downloaded> {
    let scratch = ScratchDir::new("download")?;
    let package = scratch.path.join("package.expert");
    let save = |store: &mut dyn Store, layer: &oci::Descriptor| -> Result<()> {
        let mut f =
            crate::atomic::create_new(&package, 0o600).map_err(|e| CliError::io(&package, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut f);
        store.blob(&layer.digest, layer.size, &mut w)?;
        w.flush().map_err(|e| CliError::io(&package, e))?;
        Ok(())
    };
    match remote {
        Remote::Https(url) => {
            crate::http::download_package(url, &package)?;
            Ok(Downloaded {
                package,
                recorded: url.clone(),
                expected: None,
                scratch,
            })
        }
        Remote::Oci(r) => {
            let mut client = Client::new(r, false)?;
            let (layer, md, offered, tag) = resolve(
                &mut client,
                r.tag.as_deref(),
                r.digest.as_deref(),
                pre,
                base_model,
                local,
            )?;
            save(&mut client, &layer)?;
            Ok(Downloaded {
                package,
                recorded: r.with(tag.as_deref(), Some(&md)),
                expected: Some(offered),
                scratch,
            })
        }
        Remote::Layout { dir, tag, digest } => {
            let mut layout = Layout::open(dir)?;
            let (layer, md, offered, tag) = resolve(
                &mut layout,
                tag.as_deref(),
                digest.as_deref(),
                pre,
                base_model,
                local,
            )?;
            save(&mut layout, &layer)?;
            let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
            let mut recorded = format!("oci-layout:{}", abs.display());
            if let Some(t) = tag {
                recorded.push(':');
                recorded.push_str(&t);
            }
            recorded.push('@');
            recorded.push_str(&md);
            Ok(Downloaded {
                package,
                recorded,
                expected: Some(offered),
                scratch,
            })
        }
    }
}

/// The package is what the index said it is; else it was swapped in the
/// registry (or the index lies), and it is refused before anything else.
pub fn check_expected(d: &Downloaded, c: &crate::source::Candidate) -> Result<()> {
    let Some(o) = &d.expected else { return Ok(()) };
    let same = expert_core::manifest::name::same_name(&o.name, &c.name)
        && o.version == c.version
        && o.base_model == c.base_model;
    if !same {
        return Err(CliError::new(
            Code::OciMismatch,
            format!(
                "the index lists {} {} for {}, but the package is {} {} for {}",
                o.name, o.version, o.base_model, c.name, c.version, c.base_model
            ),
        )
        .hint("the registry's index does not match its packages; nothing was installed"));
    }
    Ok(())
}

/// For `update`: the source to fetch now. A SemVer tag moves to the
/// highest SemVer tag (pre-releases with `pre`); another tag is fetched
/// again; a bare digest stays.
pub fn update_source(recorded: &str, pre: bool) -> Result<Option<String>> {
    match parse(recorded) {
        Some(Ok(Remote::Oci(r))) => {
            let Some(tag) = &r.tag else { return Ok(None) };
            if expert_core::install::update::version_of(tag).is_none() {
                return Ok(Some(r.with(Some(tag), None)));
            }
            let mut client = Client::new(&r, false)?;
            let tags = client.tags()?;
            let best = oci::highest_tag(&tags, pre).unwrap_or_else(|| tag.clone());
            Ok(Some(r.with(Some(&best), None)))
        }
        Some(Ok(Remote::Layout {
            dir,
            tag: Some(tag),
            ..
        })) => {
            let mut layout = Layout::open(&dir)?;
            let best = if expert_core::install::update::version_of(&tag).is_some() {
                oci::highest_tag(&layout.tags()?, pre).unwrap_or(tag)
            } else {
                tag
            };
            Ok(Some(format!("oci-layout:{}:{best}", dir.display())))
        }
        _ => Ok(None),
    }
}
