//! Command-line arguments. Parsing only; commands validate them into a
//! ready-to-run configuration.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "expert-cli", version, about = "Package, sign, verify and inspect .expert LLM adapter packages.", long_about = None)]
#[command(
    after_help = "Exit codes: 0 ok, 1 error, 2 bad arguments, 3 missing dependency, 4 incompatible, 5 signature or integrity failure, 6 not trusted, 11 validation failed, 12 packaging failed.\nEnvironment: EXPERT_HOME (default ~/.expert), SOURCE_DATE_EPOCH, NO_COLOR, EXPERT_MODELS_PATH, HF_HUB_CACHE, HF_HOME, EXPERT_REGISTRY_USERNAME, EXPERT_REGISTRY_PASSWORD, DOCKER_CONFIG, SSL_CERT_FILE, HTTPS_PROXY, NO_PROXY, HF_TOKEN (huggingface.co only), EXPERT_HTTP_TIMEOUT."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a manifest, an expert directory or a .expert package.
    Validate(ValidateArgs),
    /// Convert a schema 1.0 manifest to schema 2.0.
    Migrate(MigrateArgs),
    /// Build one .expert package per base model (deterministic).
    Package(PackageArgs),
    /// Create an Ed25519 signing key (PKCS#8 PEM) and its .pub file.
    Keygen(KeygenArgs),
    /// Sign a package in place.
    Sign(SignArgs),
    /// Verify a package's integrity, signature and trust.
    Verify(VerifyArgs),
    /// Show a package's manifest summary and files (no trust judgement).
    Inspect(InspectArgs),
    /// Install experts from git, oci://, oci-layout:, https://, a directory, file:// or a .expert file.
    Install(InstallArgs),
    /// List installed experts (or detected base models with --models).
    List(ListArgs),
    /// Remove an installed expert (all versions, or NAME@VERSION).
    Uninstall(UninstallArgs),
    /// Re-fetch an installed expert's source (newest tag for git and OCI tags).
    Update(UpdateArgs),
    /// Publish packages (variants of one version) to an OCI registry.
    Push(PushArgs),
    /// Download the chosen package from any source, verified, byte for byte.
    Pull(PullArgs),
    /// Show the base models found on this machine.
    Models(JsonArgs),
    /// Fingerprint a base model directory (config.json + safetensors headers).
    Fingerprint(FingerprintArgs),
    /// Manage trusted publisher keys.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Check or rebuild the registry of installed experts.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// manifest.json, an expert directory, or a .expert package
    #[arg(required_unless_present = "expert", conflicts_with = "expert")]
    pub path: Option<PathBuf>,
    /// Same as PATH (upstream's spelling)
    #[arg(short = 'e', long = "expert", value_name = "PATH")]
    pub expert: Option<PathBuf>,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The schema 1.0 manifest
    pub manifest: PathBuf,
    /// Write here (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct PackageArgs {
    /// Expert directory [default: .]
    #[arg(conflicts_with = "manifest")]
    pub dir: Option<PathBuf>,
    /// The expert's manifest.json (its directory is the expert root)
    #[arg(short = 'm', long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Base model to package: full name, last path segment or slug (qwen3-0.6b)
    #[arg(long, conflicts_with = "all_models")]
    pub model: Option<String>,
    /// One package per base model
    #[arg(long)]
    pub all_models: bool,
    /// Checkpoint directory under weights/<model>/ (e.g. final, checkpoint-500)
    #[arg(long)]
    pub checkpoint: Option<String>,
    /// Output file (one model only)
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Output directory [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Sign with this key (PKCS#8 PEM or raw 32 bytes)
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// Publisher shown to users [default: the manifest's author]
    #[arg(long)]
    pub publisher: Option<String>,
    /// Include the tests/ directory
    #[arg(long)]
    pub include_tests: bool,
    /// Record this base model directory's fingerprint in the package (one model only)
    #[arg(long, value_name = "DIR")]
    pub base_model_dir: Option<PathBuf>,
    /// Show what would go in; write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct PolicyArgs {
    /// Install packages without a signature
    #[arg(long)]
    pub allow_unsigned: bool,
    /// Install packages signed by a key you have not trusted (pins the key to the expert)
    #[arg(long)]
    pub allow_untrusted: bool,
    /// Install packages signed with upstream's legacy scheme (manifest not covered)
    #[arg(long)]
    pub allow_legacy: bool,
    /// Install an older version over a newer one
    #[arg(long)]
    pub allow_downgrade: bool,
    /// Accept a package whose key differs from the key pinned for its name
    #[arg(long)]
    pub repin: bool,
    /// Install even if the base-model fingerprint differs
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct InstallArgs {
    /// git+URL[#ref], oci://HOST/REPO[:TAG|@DIGEST], oci-layout:DIR[:TAG], https://…/FILE.expert, file://PATH, an expert directory or a .expert file; several are installed in dependency order
    #[arg(required = true)]
    pub sources: Vec<String>,
    /// Allow plain http:// (and OCI registries over HTTP) to hosts that are not loopback
    #[arg(long)]
    pub allow_http: bool,
    /// Base model variant to install (name, last segment or slug)
    #[arg(long)]
    pub base_model: Option<String>,
    /// Also trust this key for this install (.pub file or ed25519:<hex>); repeatable
    // Hyphen values reach our parser, which never echoes pasted key text
    // (clap's "unexpected argument" error would print a PEM verbatim).
    #[arg(long = "trusted-key", value_name = "KEY", allow_hyphen_values = true)]
    pub trusted_keys: Vec<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct PushArgs {
    /// Packages to push: variants (base models) of one expert and version, then the target oci://HOST[:PORT]/REPO[:TAG]
    #[arg(required = true, num_args = 2.., value_name = "PKG... oci://HOST[:PORT]/REPO[:TAG]")]
    pub args: Vec<String>,
    /// Allow a registry over plain HTTP that is not on loopback
    #[arg(long)]
    pub allow_http: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct PullArgs {
    /// oci://…, oci-layout:DIR[:TAG], https://…/FILE.expert, git+URL, a directory or a .expert file
    pub source: String,
    /// Base model variant (name, last segment or slug)
    #[arg(long)]
    pub base_model: Option<String>,
    /// Write the package here
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Write the package into this directory under its package file name [default: .]
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Allow plain http:// to hosts that are not loopback
    #[arg(long)]
    pub allow_http: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// List detected base models instead
    #[arg(long)]
    pub models: bool,
    /// Show sources, keys and verdicts
    #[arg(short, long)]
    pub verbose: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct UninstallArgs {
    /// NAME or NAME@VERSION
    pub name: String,
    /// Also remove base models in $EXPERT_HOME/models that no installed expert uses
    #[arg(long)]
    pub cleanup: bool,
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
    /// Uninstall even if other installed experts require it
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    /// Installed expert to update
    pub name: String,
    /// Base model variant [default: the installed one's]
    #[arg(long)]
    pub base_model: Option<String>,
    /// Consider pre-release versions and tags (1.3.0-rc.1) too
    #[arg(long)]
    pub pre: bool,
    /// Allow plain http:// (and OCI registries over HTTP) to hosts that are not loopback
    #[arg(long)]
    pub allow_http: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct JsonArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct FingerprintArgs {
    pub model_dir: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Private key file [default: $EXPERT_HOME/keys/<NAME>.pem]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Key name (used for the default file name)
    #[arg(long)]
    pub name: Option<String>,
    /// Encrypt the private key with a passphrase (EXPERT_KEY_PASSPHRASE,
    /// else asked twice on the terminal); writes encrypted PKCS#8 PEM
    #[arg(long)]
    pub encrypt: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    /// The .expert package to sign in place
    #[arg(required_unless_present = "expert", conflicts_with = "expert")]
    pub package: Option<PathBuf>,
    #[arg(short = 'e', long = "expert", value_name = "PKG")]
    pub expert: Option<PathBuf>,
    /// Private key (PKCS#8 PEM or raw 32 bytes)
    #[arg(short, long, value_name = "KEYFILE")]
    pub key: PathBuf,
    /// Publisher shown to users [default: the manifest's author]
    #[arg(long)]
    pub publisher: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    pub package: PathBuf,
    /// Also trust this key (.pub file or ed25519:<hex>); repeatable
    // Hyphen values reach our parser, which never echoes pasted key text
    // (clap's "unexpected argument" error would print a PEM verbatim).
    #[arg(long = "trusted-key", value_name = "KEY", allow_hyphen_values = true)]
    pub trusted_keys: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    pub package: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum RegistryCommand {
    /// Check the registry and experts/ against each other (read-only;
    /// exit 0 clean, 1 with findings)
    Validate {
        #[arg(long)]
        json: bool,
    },
    /// Rebuild expert-registry.json from experts/ alone
    Rebuild {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TrustCommand {
    /// Trust a key (.pub file or ed25519:<hex>)
    Add {
        #[arg(allow_hyphen_values = true)]
        key: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List trusted keys
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop trusting a key
    Remove {
        key_id: String,
        #[arg(long)]
        json: bool,
    },
}

impl Command {
    pub fn json(&self) -> bool {
        match self {
            Command::Validate(a) => a.json,
            Command::Package(a) => a.json,
            Command::Keygen(a) => a.json,
            Command::Sign(a) => a.json,
            Command::Verify(a) => a.json,
            Command::Inspect(a) => a.json,
            Command::Trust(
                TrustCommand::Add { json, .. }
                | TrustCommand::List { json }
                | TrustCommand::Remove { json, .. },
            ) => *json,
            Command::Registry(
                RegistryCommand::Validate { json } | RegistryCommand::Rebuild { json },
            ) => *json,
            Command::Install(a) => a.json,
            Command::List(a) => a.json,
            Command::Uninstall(a) => a.json,
            Command::Update(a) => a.json,
            Command::Push(a) => a.json,
            Command::Pull(a) => a.json,
            Command::Models(a) => a.json,
            Command::Fingerprint(a) => a.json,
            Command::Migrate(_) | Command::Completions { .. } => false,
        }
    }
}
