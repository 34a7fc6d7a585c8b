//! Distribution over OCI registries and OCI image layouts, without I/O:
//! reference parsing, the media types and annotation keys of our artifact,
//! building and merging the image index, reading the variants an index
//! offers, tag choice for `update`, and `WWW-Authenticate` challenges.
//! The CLI does the network (docs/FORMAT.md, "Distribution over OCI").

mod push;
pub use push::{check_push, default_tag, PushProblem};

use crate::code::Code;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `artifactType` of each variant's image manifest (and of the index).
pub const ARTIFACT_TYPE: &str = "application/vnd.expert.package.v1";
/// Media type of the one layer: the `.expert` file, unchanged.
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.expert.package.v1.tar+gzip";
/// Media type of an image manifest: one variant.
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// Media type of an image index: the tag, listing the variants.
pub const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
/// The OCI 1.1 empty config: `{}`.
pub const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// Digest of the empty config, `EMPTY_DATA`.
pub const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
/// The bytes of the empty config.
pub const EMPTY_DATA: &[u8] = b"{}";

// Annotation keys: the two `org.opencontainers` ones are OCI's (for
// generic tools), the `vnd.expert` ones ours.
/// The package's file name, on the manifest and its layer.
pub const ANN_TITLE: &str = "org.opencontainers.image.title";
/// The expert's version, for generic tools.
pub const ANN_VERSION_OCI: &str = "org.opencontainers.image.version";
/// The base model a variant is for; marks an index entry as ours.
pub const ANN_BASE_MODEL: &str = "vnd.expert.base-model";
/// The expert's name.
pub const ANN_NAME: &str = "vnd.expert.name";
/// The expert's version.
pub const ANN_VERSION: &str = "vnd.expert.version";
/// The signing key's ID, or `UNSIGNED_KEY_ID`.
pub const ANN_KEY_ID: &str = "vnd.expert.key-id";
/// The value of `vnd.expert.key-id` for an unsigned package.
pub const UNSIGNED_KEY_ID: &str = "unsigned";

/// `oci://HOST[:PORT]/REPO[:TAG][@sha256:DIGEST]`. With both, the digest
/// is what is fetched and the tag is what `update` follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciRef {
    /// Host with the port, as written (`localhost:5000`, `[::1]:5000`).
    pub host: String,
    /// The repository path, such as `acme/expert-demo`.
    pub repo: String,
    /// The tag, if given.
    pub tag: Option<String>,
    /// The manifest or index digest, `sha256:<hex>`, if given.
    pub digest: Option<String>,
}

impl OciRef {
    /// The host without the port or brackets.
    pub fn hostname(&self) -> &str {
        host_only(&self.host)
    }

    /// The reference written back, with this tag and digest.
    pub fn with(&self, tag: Option<&str>, digest: Option<&str>) -> String {
        let mut s = format!("oci://{}/{}", self.host, self.repo);
        if let Some(t) = tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }
}

impl std::fmt::Display for OciRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.with(self.tag.as_deref(), self.digest.as_deref()))
    }
}

/// `host` without `:port` and without IPv6 brackets.
pub fn host_only(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)
}

/// Loopback hosts, where plain HTTP is allowed without `--allow-http`.
pub fn is_loopback(hostname: &str) -> bool {
    let h = hostname.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<core::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A tag as the distribution spec allows: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`.
pub fn valid_tag(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

/// `sha256:` and 64 lowercase hex digits.
pub fn valid_digest(d: &str) -> bool {
    d.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && crate::util::is_lower_hex(h))
}

/// Repository names: lowercase path components of `[a-z0-9]+([._-][a-z0-9]+)*`
/// (`__` allowed as a separator too), joined by `/`.
pub fn valid_repo(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 255
        && r.split('/').all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter()
                    .all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || b"._-".contains(x))
                && !c.contains("..")
        })
}

/// Why an `oci://` reference was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError(pub String);

impl std::fmt::Display for RefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses `oci://HOST[:PORT]/REPO[:TAG|@sha256:DIGEST]`.
pub fn parse_reference(s: &str) -> Result<OciRef, RefError> {
    let bad = |why: &str| RefError(format!("{s:?} is not an OCI reference: {why}"));
    let rest = s
        .strip_prefix("oci://")
        .ok_or_else(|| bad("it must start with oci://"))?;
    let (host, path) = rest
        .split_once('/')
        .ok_or_else(|| bad("a repository must follow the host (oci://HOST/REPO)"))?;
    if host.is_empty()
        || host.starts_with('-')
        || !host
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".-:[]".contains(&c))
    {
        return Err(bad("the host is not a host name with an optional :port"));
    }
    if let Some((_, port)) = host.rsplit_once(':').filter(|_| !host.ends_with(']')) {
        if !host.starts_with('[') && port.parse::<u16>().is_err() {
            return Err(bad("the port is not a number"));
        }
    }
    let (path, digest) = match path.split_once('@') {
        Some((p, d)) if valid_digest(d) => (p, Some(d.to_string())),
        Some(_) => return Err(bad("a digest is sha256: and 64 lowercase hex digits")),
        None => (path, None),
    };
    let (repo, tag) = match path.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => {
            if !valid_tag(t) {
                return Err(bad("the tag may hold letters, digits, '.', '_' and '-'"));
            }
            (r, Some(t.to_string()))
        }
        _ => (path, None),
    };
    if !valid_repo(repo) {
        return Err(bad(
            "the repository is lowercase letters, digits and . _ - separated by /",
        ));
    }
    Ok(OciRef {
        host: host.to_string(),
        repo: repo.to_string(),
        tag,
        digest,
    })
}

/// `oci-layout:DIR[:TAG][@sha256:DIGEST]`: the directory, tag and digest.
/// A `:` followed by a valid tag without `/` ends the directory.
pub fn parse_layout(s: &str) -> Option<(String, Option<String>, Option<String>)> {
    let rest = s.strip_prefix("oci-layout:")?;
    let (rest, digest) = match rest.rsplit_once('@') {
        Some((dir, d)) if valid_digest(d) => (dir, Some(d.to_string())),
        _ => (rest, None),
    };
    let (dir, tag) = match rest.rsplit_once(':') {
        Some((dir, t)) if !dir.is_empty() && valid_tag(t) => (dir, Some(t.to_string())),
        _ => (rest, None),
    };
    (!dir.is_empty()).then(|| (dir.to_string(), tag, digest))
}

/// An OCI content descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// What the content is.
    pub media_type: String,
    /// `sha256:<hex>` of the content.
    pub digest: String,
    /// Its length in bytes.
    pub size: u64,
    /// For a manifest, its `artifactType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The content itself, base64, when small enough to embed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Annotation key → value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// An OCI image manifest (one variant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    /// Always 2.
    pub schema_version: u32,
    /// `MANIFEST_MEDIA_TYPE` (optional in the spec).
    #[serde(default)]
    pub media_type: Option<String>,
    /// `ARTIFACT_TYPE` for ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The config blob; ours is the empty one.
    pub config: Descriptor,
    /// The blobs; ours has the package as its one layer.
    pub layers: Vec<Descriptor>,
    /// Annotation key → value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// An OCI image index (the tag: one entry per variant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    /// Always 2.
    pub schema_version: u32,
    /// `INDEX_MEDIA_TYPE` (optional in the spec).
    #[serde(default)]
    pub media_type: Option<String>,
    /// `ARTIFACT_TYPE` for ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// One manifest per variant.
    pub manifests: Vec<Descriptor>,
    /// Annotation key → value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// What one pushed package is, from its verified manifest and signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The expert's name.
    pub name: String,
    /// The expert's version.
    pub version: String,
    /// The base model this package is for.
    pub base_model: String,
    /// `None` when unsigned.
    pub key_id: Option<String>,
}

impl Variant {
    fn annotations(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            (ANN_BASE_MODEL.to_string(), self.base_model.clone()),
            (ANN_NAME.to_string(), self.name.clone()),
            (ANN_VERSION.to_string(), self.version.clone()),
            (
                ANN_KEY_ID.to_string(),
                self.key_id
                    .clone()
                    .unwrap_or_else(|| UNSIGNED_KEY_ID.into()),
            ),
        ])
    }
}

/// `sha256:<hex>` of a SHA-256.
pub fn digest_of(sha256: &[u8; 32]) -> String {
    format!("sha256:{}", crate::util::hex::encode(sha256))
}

/// The image manifest of one variant: the empty config and the package
/// as its single layer, titled with the file name.
pub fn variant_manifest(
    v: &Variant,
    package_sha256: &[u8; 32],
    size: u64,
    file_name: &str,
) -> ImageManifest {
    let mut annotations = v.annotations();
    annotations.insert(ANN_TITLE.into(), file_name.into());
    annotations.insert(ANN_VERSION_OCI.into(), v.version.clone());
    ImageManifest {
        schema_version: 2,
        media_type: Some(MANIFEST_MEDIA_TYPE.into()),
        artifact_type: Some(ARTIFACT_TYPE.into()),
        config: Descriptor {
            media_type: EMPTY_MEDIA_TYPE.into(),
            digest: EMPTY_DIGEST.into(),
            size: EMPTY_DATA.len() as u64,
            artifact_type: None,
            data: Some("e30=".into()),
            annotations: BTreeMap::new(),
        },
        layers: vec![Descriptor {
            media_type: LAYER_MEDIA_TYPE.into(),
            digest: digest_of(package_sha256),
            size,
            artifact_type: None,
            data: None,
            annotations: BTreeMap::from([(ANN_TITLE.to_string(), file_name.to_string())]),
        }],
        annotations,
    }
}

/// The index entry for a variant whose manifest has `manifest_digest`.
pub fn index_entry(v: &Variant, manifest_digest: &str, manifest_size: u64) -> Descriptor {
    Descriptor {
        media_type: MANIFEST_MEDIA_TYPE.into(),
        digest: manifest_digest.into(),
        size: manifest_size,
        artifact_type: Some(ARTIFACT_TYPE.into()),
        data: None,
        annotations: v.annotations(),
    }
}

/// What merging found in the index already at the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// The tag holds another expert.
    OtherExpert {
        /// The name the tag holds.
        found: String,
    },
    /// The tag holds something that is not our index.
    NotOurs(String),
}

impl MergeError {
    /// The stable code: `E_OCI_OTHER_EXPERT` or `E_OCI_FORMAT`.
    pub fn code(&self) -> Code {
        match self {
            MergeError::OtherExpert { .. } => Code::OciOtherExpert,
            MergeError::NotOurs(_) => Code::OciFormat,
        }
    }

    /// What the tag holds, for people.
    pub fn message(&self) -> String {
        match self {
            MergeError::OtherExpert { found } => {
                format!("the tag already holds another expert, {found:?}; push it to its own repository")
            }
            MergeError::NotOurs(why) => format!("the tag already holds something else: {why}"),
        }
    }
}

/// The index for a tag after pushing `entries` (all one name and version):
/// the variants already there of the same expert and version are kept,
/// unless an entry for the same base model replaces them; variants of
/// another version (a moving tag such as `latest`) are dropped. Entries are
/// sorted by base model, so the same variants give the same index bytes.
pub fn merge_index(
    existing: Option<&ImageIndex>,
    entries: &[Descriptor],
) -> Result<ImageIndex, MergeError> {
    let ann = |d: &Descriptor, k: &str| d.annotations.get(k).cloned().unwrap_or_default();
    let mut out: Vec<Descriptor> = Vec::new();
    if let (Some(old), Some(first)) = (existing, entries.first()) {
        let name = ann(first, ANN_NAME);
        let version = ann(first, ANN_VERSION);
        for d in &old.manifests {
            if !d.annotations.contains_key(ANN_BASE_MODEL) {
                return Err(MergeError::NotOurs(format!(
                    "index entry {} has no {ANN_BASE_MODEL} annotation",
                    d.digest
                )));
            }
            if !crate::manifest::name::same_name(&ann(d, ANN_NAME), &name) {
                return Err(MergeError::OtherExpert {
                    found: ann(d, ANN_NAME),
                });
            }
            let replaced = entries
                .iter()
                .any(|e| ann(e, ANN_BASE_MODEL) == ann(d, ANN_BASE_MODEL));
            if ann(d, ANN_VERSION) == version && !replaced {
                out.push(d.clone());
            }
        }
    }
    out.extend(entries.iter().cloned());
    out.sort_by_key(|a| ann(a, ANN_BASE_MODEL));
    Ok(ImageIndex {
        schema_version: 2,
        media_type: Some(INDEX_MEDIA_TYPE.into()),
        artifact_type: Some(ARTIFACT_TYPE.into()),
        manifests: out,
        annotations: BTreeMap::new(),
    })
}

/// One variant an index offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    /// Its index entry, to fetch its manifest by.
    pub descriptor: Descriptor,
    /// The expert's name, as annotated (empty if not).
    pub name: String,
    /// The expert's version, as annotated (empty if not).
    pub version: String,
    /// The base model it is for.
    pub base_model: String,
    /// The annotated signing key ID; None when unsigned. A claim until the
    /// package is verified.
    pub key_id: Option<String>,
}

/// Parses an index and lists the variants it offers (entries with our
/// base-model annotation; others, such as a signature, are skipped).
pub fn offered(index_json: &[u8]) -> Result<Vec<Offered>, String> {
    let index: ImageIndex =
        serde_json::from_slice(index_json).map_err(|e| format!("not an OCI image index: {e}"))?;
    if index.schema_version != 2 {
        return Err(format!("schemaVersion {} is not 2", index.schema_version));
    }
    let out: Vec<Offered> = index
        .manifests
        .iter()
        .filter_map(|d| {
            let a = |k: &str| d.annotations.get(k).cloned();
            Some(Offered {
                descriptor: d.clone(),
                base_model: a(ANN_BASE_MODEL)?,
                name: a(ANN_NAME).unwrap_or_default(),
                version: a(ANN_VERSION).unwrap_or_default(),
                key_id: a(ANN_KEY_ID).filter(|k| k != UNSIGNED_KEY_ID),
            })
        })
        .collect();
    if out.is_empty() {
        return Err(format!(
            "the index lists no .expert variant (no entry carries {ANN_BASE_MODEL})"
        ));
    }
    Ok(out)
}

/// What a single image manifest (a reference with no index) offers, from
/// its annotations: the one variant there is.
pub fn offered_by_manifest(manifest_json: &[u8]) -> Result<Offered, String> {
    use sha2::Digest;
    let m: ImageManifest = serde_json::from_slice(manifest_json)
        .map_err(|e| format!("not an OCI image manifest: {e}"))?;
    let a = |k: &str| m.annotations.get(k).cloned().unwrap_or_default();
    Ok(Offered {
        descriptor: Descriptor {
            media_type: MANIFEST_MEDIA_TYPE.into(),
            digest: digest_of(&sha2::Sha256::digest(manifest_json).into()),
            size: manifest_json.len() as u64,
            artifact_type: m.artifact_type.clone(),
            data: None,
            annotations: m.annotations.clone(),
        },
        name: a(ANN_NAME),
        version: a(ANN_VERSION),
        base_model: a(ANN_BASE_MODEL),
        key_id: None,
    })
}

/// What a JSON document fetched by tag or digest is.
pub fn media_type_of(json: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Head {
        media_type: Option<String>,
        manifests: Option<serde_json::Value>,
        layers: Option<serde_json::Value>,
    }
    let h: Head = serde_json::from_slice(json).ok()?;
    h.media_type.or_else(|| {
        if h.manifests.is_some() {
            Some(INDEX_MEDIA_TYPE.into())
        } else if h.layers.is_some() {
            Some(MANIFEST_MEDIA_TYPE.into())
        } else {
            None
        }
    })
}

/// The package layer of a variant's manifest, checked to be ours.
pub fn package_layer(manifest_json: &[u8]) -> Result<Descriptor, String> {
    let m: ImageManifest = serde_json::from_slice(manifest_json)
        .map_err(|e| format!("not an OCI image manifest: {e}"))?;
    let layers: Vec<&Descriptor> = m
        .layers
        .iter()
        .filter(|l| l.media_type == LAYER_MEDIA_TYPE)
        .collect();
    match layers.as_slice() {
        [one] if valid_digest(&one.digest) => Ok((*one).clone()),
        [_] => Err("the package layer's digest is not sha256:<64 hex>".into()),
        _ => Err(format!(
            "the manifest holds {} layers of type {LAYER_MEDIA_TYPE}; one was expected",
            layers.len()
        )),
    }
}

/// Tags of a `tags/list` answer.
pub fn tags_of(json: &[u8]) -> Result<Vec<String>, String> {
    #[derive(Deserialize)]
    struct Tags {
        tags: Option<Vec<String>>,
    }
    serde_json::from_slice::<Tags>(json)
        .map(|t| t.tags.unwrap_or_default())
        .map_err(|e| format!("not a tag list: {e}"))
}

/// The highest SemVer tag (`1.2.0` or `v1.2.0`); pre-releases only with `pre`.
pub fn highest_tag(tags: &[String], pre: bool) -> Option<String> {
    crate::install::update::highest(tags.iter().map(String::as_str), pre).map(str::to_string)
}

/// A `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Challenge {
    /// `bearer` or `basic`, lowercase.
    pub scheme: String,
    /// Its parameters (`realm`, `service`, `scope`, …), keys lowercase.
    pub params: BTreeMap<String, String>,
}

/// Parses `Bearer realm="…",service="…",scope="…"` (and `Basic realm=…`).
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.is_empty() {
        return None;
    }
    let mut params = BTreeMap::new();
    let mut s = rest.trim();
    while !s.is_empty() {
        let (key, after) = s.split_once('=')?;
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, tail) = if let Some(q) = after.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = q.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            v.push(n)
                        }
                    }
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => v.push(c),
                }
            }
            (v, &q[end?..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        params.insert(key, value);
        s = tail.trim_start().trim_start_matches(',').trim_start();
    }
    Some(Challenge {
        scheme: scheme.to_ascii_lowercase(),
        params,
    })
}

/// The `auth` value (base64 `user:pass`) for `host` in a docker
/// `config.json`: the exact host, else with `https://` or `http://`.
pub fn docker_config_auth(config_json: &[u8], host: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(config_json).ok()?;
    let auths = v.get("auths")?.as_object()?;
    [
        host.to_string(),
        format!("https://{host}"),
        format!("http://{host}"),
        format!("https://{host}/v1/"),
        format!("https://{host}/v2/"),
    ]
    .iter()
    .find_map(|k| auths.get(k)?.get("auth")?.as_str().map(str::to_string))
    .filter(|s| !s.is_empty())
}

/// The most bytes a `.expert` file may have under `limits`: the payload
/// cap plus tar headers and padding for every entry, the two end blocks,
/// and deflate's worst case (stored blocks: 5 bytes per 65,535) and the
/// gzip header and trailer. A server that sends more is cut off.
pub fn max_package_size(limits: &crate::Limits) -> u64 {
    let tar = limits
        .max_total_size
        .saturating_add((limits.max_entries as u64).saturating_mul(1024))
        .saturating_add(1024 + 10240);
    tar.saturating_add(tar / 65_535 * 5 + 5)
        .saturating_add(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(model: &str, version: &str) -> Variant {
        Variant {
            name: "english-basic".into(),
            version: version.into(),
            base_model: model.into(),
            key_id: Some("0123456789abcdef".into()),
        }
    }

    #[test]
    fn references_parse_with_tag_digest_port_and_nested_repos() {
        let r = parse_reference("oci://localhost:5000/org/english-basic:1.2.0").unwrap();
        assert_eq!(r.host, "localhost:5000");
        assert_eq!(r.hostname(), "localhost");
        assert_eq!(r.repo, "org/english-basic");
        assert_eq!(r.tag.as_deref(), Some("1.2.0"));
        assert_eq!(r.digest, None);
        let d = format!("sha256:{}", "a".repeat(64));
        let r = parse_reference(&format!("oci://ghcr.io/o/e@{d}")).unwrap();
        assert_eq!(
            (r.tag.as_deref(), r.digest.as_deref()),
            (None, Some(d.as_str()))
        );
        assert_eq!(r.to_string(), format!("oci://ghcr.io/o/e@{d}"));
        let r = parse_reference(&format!("oci://ghcr.io/o/e:1.0.0@{d}")).unwrap();
        assert_eq!(
            (r.tag.as_deref(), r.digest.as_deref()),
            (Some("1.0.0"), Some(d.as_str()))
        );
        assert_eq!(r.to_string(), format!("oci://ghcr.io/o/e:1.0.0@{d}"));
        let r = parse_reference("oci://[::1]:5000/e").unwrap();
        assert_eq!(r.hostname(), "::1");
        assert!(is_loopback(r.hostname()));
        let r = parse_reference("oci://h/e").unwrap();
        assert_eq!((r.tag, r.digest), (None, None));
        for bad in [
            "oci://h",
            "oci:///e",
            "oci://h/E",
            "oci://h/e:bad tag",
            "oci://h/e@sha256:abc",
            "oci://h:port/e",
            "oci://-h/e",
            "https://h/e",
            "oci://h/e//x",
        ] {
            assert!(parse_reference(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn layouts_split_the_tag_at_the_last_colon() {
        assert_eq!(
            parse_layout("oci-layout:/tmp/d:1.0.0"),
            Some(("/tmp/d".into(), Some("1.0.0".into()), None))
        );
        assert_eq!(
            parse_layout("oci-layout:/tmp/d"),
            Some(("/tmp/d".into(), None, None))
        );
        assert_eq!(
            parse_layout("oci-layout:d/x:y/z"),
            Some(("d/x:y/z".into(), None, None))
        );
        let d = format!("sha256:{}", "b".repeat(64));
        assert_eq!(
            parse_layout(&format!("oci-layout:d@{d}")),
            Some(("d".into(), None, Some(d)))
        );
        assert_eq!(parse_layout("oci-layout:"), None);
        assert_eq!(parse_layout("/tmp/d"), None);
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("127.0.0.1") && is_loopback("localhost") && is_loopback("::1"));
        assert!(!is_loopback("ghcr.io") && !is_loopback("10.0.0.1"));
    }

    #[test]
    fn manifests_use_our_types_the_empty_config_and_the_title() {
        let m = variant_manifest(
            &variant("Qwen/Qwen3-0.6B", "1.0.0"),
            &[7; 32],
            42,
            "e.expert",
        );
        assert_eq!(m.artifact_type.as_deref(), Some(ARTIFACT_TYPE));
        assert_eq!(m.config.digest, EMPTY_DIGEST);
        assert_eq!(m.layers.len(), 1);
        assert_eq!(m.layers[0].media_type, LAYER_MEDIA_TYPE);
        assert_eq!(m.layers[0].digest, digest_of(&[7; 32]));
        assert_eq!(m.layers[0].annotations[ANN_TITLE], "e.expert");
        let json = serde_json::to_vec(&m).unwrap();
        assert_eq!(package_layer(&json).unwrap().size, 42);
        assert_eq!(media_type_of(&json).as_deref(), Some(MANIFEST_MEDIA_TYPE));
        let offered = offered_by_manifest(&json).unwrap();
        assert_eq!(
            (offered.name.as_str(), offered.version.as_str()),
            ("english-basic", "1.0.0")
        );
        assert_eq!(offered.base_model, "Qwen/Qwen3-0.6B");
        assert_eq!(offered.descriptor.size, json.len() as u64);
        assert!(offered_by_manifest(b"[]").is_err());
        // The empty config's digest is the SHA-256 of `{}`.
        use sha2::Digest;
        let sha: [u8; 32] = sha2::Sha256::digest(EMPTY_DATA).into();
        assert_eq!(digest_of(&sha), EMPTY_DIGEST);
    }

    #[test]
    fn merging_keeps_other_variants_of_the_version_and_replaces_the_same_model() {
        let a = index_entry(&variant("Qwen/Qwen3-0.6B", "1.0.0"), "sha256:a", 1);
        let b = index_entry(&variant("Qwen/Qwen3-1.7B", "1.0.0"), "sha256:b", 1);
        let first = merge_index(None, std::slice::from_ref(&b)).unwrap();
        let both = merge_index(Some(&first), std::slice::from_ref(&a)).unwrap();
        assert_eq!(both.manifests, vec![a.clone(), b.clone()]);
        let a2 = index_entry(&variant("Qwen/Qwen3-0.6B", "1.0.0"), "sha256:a2", 1);
        let again = merge_index(Some(&both), std::slice::from_ref(&a2)).unwrap();
        assert_eq!(again.manifests, vec![a2, b.clone()]);
        // A moving tag: another version replaces the whole index.
        let c = index_entry(&variant("Qwen/Qwen3-0.6B", "2.0.0"), "sha256:c", 1);
        assert_eq!(
            merge_index(Some(&both), std::slice::from_ref(&c))
                .unwrap()
                .manifests,
            vec![c]
        );
        let mut other = variant("Qwen/Qwen3-0.6B", "1.0.0");
        other.name = "someone-else".into();
        let o = index_entry(&other, "sha256:o", 1);
        assert!(matches!(
            merge_index(Some(&both), &[o]),
            Err(MergeError::OtherExpert { .. })
        ));
    }

    #[test]
    fn offered_variants_come_from_annotations_alone() {
        let mut unsigned = variant("Qwen/Qwen3-1.7B", "1.0.0");
        unsigned.key_id = None;
        let idx = merge_index(
            None,
            &[
                index_entry(&variant("Qwen/Qwen3-0.6B", "1.0.0"), "sha256:a", 1),
                index_entry(&unsigned, "sha256:b", 1),
            ],
        )
        .unwrap();
        let json = serde_json::to_vec(&idx).unwrap();
        assert_eq!(media_type_of(&json).as_deref(), Some(INDEX_MEDIA_TYPE));
        let o = offered(&json).unwrap();
        assert_eq!(o.len(), 2);
        assert_eq!(o[0].base_model, "Qwen/Qwen3-0.6B");
        assert_eq!(o[0].key_id.as_deref(), Some("0123456789abcdef"));
        assert_eq!(o[1].key_id, None);
        assert!(offered(br#"{"schemaVersion":2,"manifests":[]}"#).is_err());
        assert!(offered(b"[]").is_err());
    }

    #[test]
    fn tags_choose_the_highest_semver_and_pre_releases_only_when_asked() {
        let tags =
            tags_of(br#"{"name":"e","tags":["latest","1.0.0","1.10.0","1.9.0","2.0.0-rc.1"]}"#)
                .unwrap();
        assert_eq!(highest_tag(&tags, false).as_deref(), Some("1.10.0"));
        assert_eq!(highest_tag(&tags, true).as_deref(), Some("2.0.0-rc.1"));
        assert_eq!(
            tags_of(br#"{"name":"e","tags":null}"#).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn challenges_parse_quoted_and_bare_values() {
        let c = parse_challenge(r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:o/e:pull,push""#).unwrap();
        assert_eq!(c.scheme, "bearer");
        assert_eq!(c.params["realm"], "https://auth.example/token");
        assert_eq!(c.params["scope"], "repository:o/e:pull,push");
        let c = parse_challenge("Basic realm=Registry").unwrap();
        assert_eq!(c.scheme, "basic");
        assert_eq!(c.params["realm"], "Registry");
    }

    #[test]
    fn docker_config_finds_the_host_with_or_without_scheme() {
        let cfg =
            br#"{"auths":{"https://ghcr.io":{"auth":"dTpw"},"localhost:5000":{"auth":"YTpi"}}}"#;
        assert_eq!(docker_config_auth(cfg, "ghcr.io").as_deref(), Some("dTpw"));
        assert_eq!(
            docker_config_auth(cfg, "localhost:5000").as_deref(),
            Some("YTpi")
        );
        assert_eq!(docker_config_auth(cfg, "quay.io"), None);
    }

    #[test]
    fn the_download_cap_covers_the_largest_package() {
        let l = crate::Limits::default();
        assert!(max_package_size(&l) > l.max_total_size);
        assert!(max_package_size(&l) < l.max_total_size + l.max_total_size / 1000 + (64 << 20));
    }
}
