//! The test vectors printed in docs/FORMAT.md §6 are what the code produces.
//! Run with `PRINT_VECTORS=1 cargo test -p expert-core --test format_vectors -- --nocapture`
//! to print them.

use expert_core::archive::read_all;
use expert_core::archive::SmallFiles;
use expert_core::json::{canonicalize, parse};
use expert_core::manifest::Manifest;
use expert_core::package::build::{build_package, BuildOptions, Signer};
use expert_core::package::files::MemoryFiles;
use expert_core::package::PlanOptions;
use expert_core::sign::{manifest_digest, signed_message, Claims, SecretKey, SignedFile};
use expert_core::util::hex;
use expert_core::Limits;
use sha2::{Digest, Sha256};

pub const VECTOR_MANIFEST: &str = "{\n  \"name\": \"expert-vector\",\n  \"version\": \"1.0.0\",\n  \"schema_version\": \"2.0\",\n  \"base_models\": [\n    {\n      \"name\": \"Qwen/Qwen3-0.6B\",\n      \"adapters\": [\n        {\"type\": \"lora\", \"target_modules\": [\"q_proj\"], \"r\": 8, \"alpha\": 16.0, \"size_bytes\": 0, \"sha256\": \"\"}\n      ]\n    }\n  ],\n  \"license\": \"MIT\"\n}\n";

fn vectors() -> Vec<(&'static str, String)> {
    let seed: [u8; 32] = std::array::from_fn(|i| i as u8);
    let key = SecretKey::from_seed(&seed);
    let mut files = MemoryFiles::default();
    files.insert("manifest.json", VECTOR_MANIFEST.as_bytes().to_vec());
    files.insert(
        "weights/qwen3-06b/final/adapter_model.safetensors",
        b"vector weights\n".to_vec(),
    );
    files.insert(
        "weights/qwen3-06b/final/adapter_config.json",
        b"{}\n".to_vec(),
    );
    let manifest = Manifest::parse(VECTOR_MANIFEST.as_bytes(), &Limits::default()).unwrap();
    let signer = Signer {
        key: &key,
        publisher: "vector publisher".into(),
        created_at: "2025-11-25T00:00:00Z".into(),
    };
    let opts = BuildOptions {
        plan: PlanOptions::default(),
        mtime: 1_764_028_800,
        signer: Some(signer),
        fingerprint: None,
    };
    let mut pkg = Vec::new();
    build_package(&files, &manifest, 0, &opts, &mut pkg, &mut |_| {}).unwrap();

    let mut small = SmallFiles::default();
    let records = read_all(&mut &pkg[..], Limits::default(), &mut small).unwrap();
    let packaged = parse(&small.manifest.unwrap(), 128).unwrap().root;
    let mut unsigned = packaged.clone();
    unsigned.remove("integrity");
    let claims = Claims {
        key_id: key.public().key_id(),
        publisher: "vector publisher".into(),
        created_at: "2025-11-25T00:00:00Z".into(),
        manifest_sha256: manifest_digest(&packaged).unwrap(),
        files: records
            .iter()
            .filter(|r| r.path != "manifest.json" && r.path != "signature.sig")
            .map(|r| SignedFile {
                path: r.path.clone(),
                size: r.size,
                sha256: r.sha256,
            })
            .collect(),
    };
    let message = signed_message(&claims);
    vec![
        ("seed", hex::encode(&seed)),
        ("pubkey", key.public().to_string()),
        ("key_id", claims.key_id.clone()),
        ("manifest_jcs", canonicalize(&unsigned).unwrap()),
        ("manifest_sha256", hex::encode(&claims.manifest_sha256)),
        (
            "claims_jcs",
            String::from_utf8(message[28..].to_vec()).unwrap(),
        ),
        ("message_hex", hex::encode(&message)),
        ("signature", hex::encode(&key.sign(&message))),
        ("package_sha256", hex::encode(&Sha256::digest(&pkg))),
        ("package_size", pkg.len().to_string()),
    ]
}

#[test]
fn format_md_vectors_match_the_code() {
    let v = vectors();
    if std::env::var_os("PRINT_VECTORS").is_some() {
        for (k, val) in &v {
            println!("{k}: {val}");
        }
    }
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/FORMAT.md")).unwrap();
    let block = doc
        .split("```text test-vectors\n")
        .nth(1)
        .expect("FORMAT.md has a test-vectors block")
        .split("```")
        .next()
        .unwrap();
    for (k, val) in &v {
        let line = format!("{k}: {val}");
        assert!(
            block.lines().any(|l| l == line),
            "docs/FORMAT.md test vectors lack or disagree on `{k}`; expected line:\n{line}"
        );
    }
    assert_eq!(&v[7].1.len(), &128);
}
