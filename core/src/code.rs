//! Every stable code the toolchain reports, in one place.
//!
//! A code names one condition: a validation finding, a reason a package is
//! refused, a reason a command or an npm call fails. Its string (`E_…` for
//! errors, `W_…` for warnings) never changes once published; JSON output
//! carries the string. Each code has an [`ExitClass`], the `expert-cli` exit
//! status it gives by default, and a one-line meaning. `docs/CODES.md` and
//! the npm package's `codes` list are generated from [`Code::ALL`]
//! (`UPDATE_CODES=1 cargo test -p expert-core --test codes`).
//!
//! The exit class is the code's *default*: `expert-cli` maps a code to an
//! exit status in one function (`cli/src/error.rs`, `exit_for`), which also
//! weighs where the failure happened. A manifest error is 11 from
//! `validate` but 5 in a received package and 12 while packaging; see
//! docs/CLI.md, Exit codes.

use std::fmt;
use std::str::FromStr;

/// The exit status class of a code (SPEC §9; docs/CLI.md, Exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ExitClass {
    /// 1: general error.
    General = 1,
    /// 2: invalid arguments.
    Usage = 2,
    /// 3: missing dependency.
    MissingDependency = 3,
    /// 4: compatibility error (base model, `incompatible_with`, downgrade).
    Compatibility = 4,
    /// 5: signature or integrity failure.
    Integrity = 5,
    /// 6: not trusted where trust was required.
    Untrusted = 6,
    /// 11: validation failed.
    Validation = 11,
    /// 12: packaging failed.
    Packaging = 12,
}

impl ExitClass {
    /// The process exit status.
    pub const fn status(self) -> u8 {
        self as u8
    }

    /// A few words for the status, as docs/CLI.md names it.
    pub const fn describe(self) -> &'static str {
        match self {
            ExitClass::General => "general error",
            ExitClass::Usage => "invalid arguments",
            ExitClass::MissingDependency => "missing dependency",
            ExitClass::Compatibility => "compatibility error",
            ExitClass::Integrity => "signature or integrity failure",
            ExitClass::Untrusted => "not trusted",
            ExitClass::Validation => "validation failed",
            ExitClass::Packaging => "packaging failed",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $s:literal, $class:ident, $meaning:literal;)*) => {
        /// A stable code. New codes may be added in any release, so match
        /// with a wildcard arm.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $(
                #[doc = concat!("`", $s, "`: ", $meaning)]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable string, such as `E_FILE_HASH_MISMATCH`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $s,)*
                }
            }

            /// The exit status class it gives by default.
            pub const fn exit_class(self) -> ExitClass {
                match self {
                    $(Code::$variant => ExitClass::$class,)*
                }
            }

            /// What it means, in one line.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning,)*
                }
            }
        }
    };
}

codes! {
    JsonSyntax = "E_JSON_SYNTAX", Validation, "The manifest is not RFC 8259 JSON.";
    JsonUtf8 = "E_JSON_UTF8", Validation, "The manifest is not UTF-8.";
    JsonBom = "E_JSON_BOM", Validation, "The manifest starts with a byte order mark.";
    JsonDepth = "E_JSON_DEPTH", Validation, "The manifest nests more than 128 arrays and objects.";
    ManifestTooLarge = "E_MANIFEST_TOO_LARGE", Validation, "The manifest is larger than 4 MiB.";
    DuplicateKey = "E_DUPLICATE_KEY", Validation, "A key repeats within one JSON object.";
    NumberRange = "E_NUMBER_RANGE", Validation, "A number is not a finite double or an integer beyond ±(2^53−1).";
    Type = "E_TYPE", Validation, "A known field has the wrong JSON type.";
    SchemaVersionUnknown = "E_SCHEMA_VERSION_UNKNOWN", Validation, "`schema_version` is not `1.0` or `2.0`.";
    MissingField = "E_MISSING_FIELD", Validation, "A required field is absent.";
    Empty = "E_EMPTY", Validation, "`name` or a base model name is empty.";
    UnsafeName = "E_UNSAFE_NAME", Validation, "A name breaks the expert-name rule, or a checkpoint is not one safe path component.";
    VersionSemver = "E_VERSION_SEMVER", Validation, "`version` is not SemVer.";
    BothBaseModelFields = "E_BOTH_BASE_MODEL_FIELDS", Validation, "The manifest has both `base_model` and `base_models`.";
    SchemaFieldMismatch = "E_SCHEMA_FIELD_MISMATCH", Validation, "`base_models` in a 1.0 manifest, or `base_model` in a 2.0 one.";
    NoBaseModels = "E_NO_BASE_MODELS", Validation, "`base_models` is empty.";
    NoAdapters = "E_NO_ADAPTERS", Validation, "A base model's adapters array is empty.";
    DuplicateModel = "E_DUPLICATE_MODEL", Validation, "Two base models have the same normalized key.";
    AdapterRankMissing = "E_ADAPTER_RANK_MISSING", Validation, "A LoRA-family adapter has no `r`.";
    AdapterAlphaMissing = "E_ADAPTER_ALPHA_MISSING", Validation, "A LoRA-family adapter has no `alpha`.";
    Rank = "E_RANK", Validation, "An adapter's `r` is not greater than 0.";
    Alpha = "E_ALPHA", Validation, "An adapter's `alpha` is not greater than 0.";
    Epochs = "E_EPOCHS", Validation, "`epochs` is not greater than 0.";
    LearningRate = "E_LEARNING_RATE", Validation, "`learning_rate` is not greater than 0.";
    DuplicateWeightPath = "E_DUPLICATE_WEIGHT_PATH", Validation, "Two adapters name the same weights path.";
    PathEmpty = "E_PATH_EMPTY", Validation, "A path is empty.";
    PathControl = "E_PATH_CONTROL", Validation, "A path holds a control character.";
    PathAbsolute = "E_PATH_ABSOLUTE", Validation, "A path is absolute.";
    PathBackslash = "E_PATH_BACKSLASH", Validation, "A path holds a backslash.";
    PathDrive = "E_PATH_DRIVE", Validation, "A path starts with a drive letter.";
    PathEmptySegment = "E_PATH_EMPTY_SEGMENT", Validation, "A path has an empty segment.";
    PathDotSegment = "E_PATH_DOT_SEGMENT", Validation, "A path has a `.` segment.";
    PathTraversal = "E_PATH_TRAVERSAL", Validation, "A path has a `..` segment.";
    PathReservedChar = "E_PATH_RESERVED_CHAR", Validation, "A path holds a character Windows forbids.";
    PathReservedName = "E_PATH_RESERVED_NAME", Validation, "A path segment is a Windows device name or ends in a dot or space.";
    DependencySpec = "E_DEPENDENCY_SPEC", Validation, "A dependency is not `NAME` or `NAME@RANGE`.";
    FileUnreadable = "E_FILE_UNREADABLE", Validation, "A file the manifest declares exists but cannot be read.";
    LfsPointer = "E_LFS_POINTER", Validation, "A file is a Git LFS pointer, not the file itself.";
    ManifestInvalid = "E_MANIFEST_INVALID", Validation, "A manifest that must be valid has errors.";
    WarnDuplicateCommentKey = "W_DUPLICATE_COMMENT_KEY", Validation, "A `_`-prefixed comment key repeats; all copies are kept.";
    WarnControlCharacter = "W_CONTROL_CHARACTER", Validation, "A displayed field holds a control, bidi or zero-width character.";
    WarnSha256Format = "W_SHA256_FORMAT", Validation, "A set `sha256` is not 64 hex digits.";
    WarnAdapterTypeUnknown = "W_ADAPTER_TYPE_UNKNOWN", Validation, "An adapter type is not one the format knows.";
    WarnRootAdaptersIgnored = "W_ROOT_ADAPTERS_IGNORED", Validation, "Root-level adapters are ignored because `base_models` declares its own.";
    WarnNoLicense = "W_NO_LICENSE", Validation, "The manifest declares no licence.";
    WarnWeightsNotFound = "W_WEIGHTS_NOT_FOUND", Validation, "No weights were found for a base model (an expert not trained yet).";
    WarnFindingsTruncated = "W_FINDINGS_TRUNCATED", Validation, "More findings than the cap; the rest are not listed.";
    WarnUpstreamMissing = "W_UPSTREAM_MISSING", Validation, "Upstream 0.3.0's loader needs a field that is absent.";
    WarnUpstreamType = "W_UPSTREAM_TYPE", Validation, "Upstream 0.3.0's loader cannot read a value of this type.";
    WarnUpstreamRule = "W_UPSTREAM_RULE", Validation, "Upstream 0.3.0's own rules refuse the manifest.";
    GzipHeader = "E_GZIP_HEADER", Integrity, "The package is not gzip, or its gzip header is malformed.";
    Deflate = "E_DEFLATE", Integrity, "The compressed data is corrupt.";
    GzipCrc = "E_GZIP_CRC", Integrity, "The gzip trailer's CRC does not match.";
    GzipSize = "E_GZIP_SIZE", Integrity, "The gzip trailer's size does not match.";
    GzipTruncated = "E_GZIP_TRUNCATED", Integrity, "The gzip stream ends early.";
    GzipMultipleMembers = "E_GZIP_MULTIPLE_MEMBERS", Integrity, "A second gzip member follows the first.";
    GzipTrailingData = "E_GZIP_TRAILING_DATA", Integrity, "Bytes follow the gzip member.";
    TarTruncated = "E_TAR_TRUNCATED", Integrity, "The tar archive ends early.";
    TarChecksum = "E_TAR_CHECKSUM", Integrity, "A tar header's checksum is wrong.";
    TarFormat = "E_TAR_FORMAT", Integrity, "A tar header has an unknown magic.";
    TarHeader = "E_TAR_HEADER", Integrity, "A tar header has a malformed number or end marker.";
    TarPaxHeader = "E_TAR_PAX_HEADER", Integrity, "A PAX header, which could override names and sizes.";
    TarGnuLongname = "E_TAR_GNU_LONGNAME", Integrity, "A GNU long-name header, which could override names.";
    TarSymlink = "E_TAR_SYMLINK", Integrity, "A symbolic link entry.";
    TarHardlink = "E_TAR_HARDLINK", Integrity, "A hard link entry.";
    TarDevice = "E_TAR_DEVICE", Integrity, "A device entry.";
    TarFifo = "E_TAR_FIFO", Integrity, "A FIFO entry.";
    TarDirectory = "E_TAR_DIRECTORY", Integrity, "A directory entry.";
    TarEntryType = "E_TAR_ENTRY_TYPE", Integrity, "An entry that is not a regular file.";
    TarPadding = "E_TAR_PADDING", Integrity, "Non-zero padding after an entry.";
    TarTrailingData = "E_TAR_TRAILING_DATA", Integrity, "Non-zero bytes after the tar end marker.";
    PathEncoding = "E_PATH_ENCODING", Integrity, "An entry name is not UTF-8.";
    PathTooLong = "E_PATH_TOO_LONG", Integrity, "A path does not fit a ustar name (the prefix field is used or would be needed).";
    DuplicateEntry = "E_DUPLICATE_ENTRY", Integrity, "A path repeats with different bytes, or `signature.sig` repeats.";
    DuplicateManifest = "E_DUPLICATE_MANIFEST", Integrity, "A second `manifest.json`.";
    CaseCollision = "E_CASE_COLLISION", Integrity, "Two paths are equal after lowercasing.";
    UnicodeCollision = "E_UNICODE_COLLISION", Integrity, "Two paths are equal after lowercasing and Unicode decomposition.";
    PathConflict = "E_PATH_CONFLICT", Integrity, "A path is both a file and a directory.";
    LimitEntries = "E_LIMIT_ENTRIES", Integrity, "The package has too many entries.";
    LimitEntrySize = "E_LIMIT_ENTRY_SIZE", Integrity, "An entry is too large.";
    LimitTotalSize = "E_LIMIT_TOTAL_SIZE", Integrity, "The unpacked package is too large.";
    LimitRatio = "E_LIMIT_RATIO", Integrity, "The compression ratio is implausibly high (a zip bomb).";
    SignatureTooLarge = "E_SIGNATURE_TOO_LARGE", Integrity, "`signature.sig` is too large.";
    ManifestMissing = "E_MANIFEST_MISSING", Integrity, "The package has no `manifest.json`.";
    SignatureFileMissing = "E_SIGNATURE_FILE_MISSING", Integrity, "`integrity` is present but `signature.sig` is not.";
    IntegrityMissing = "E_INTEGRITY_MISSING", Integrity, "`signature.sig` is present but `integrity` is not.";
    IntegrityField = "E_INTEGRITY_FIELD", Integrity, "An `integrity` member is missing or malformed.";
    IntegrityScheme = "E_INTEGRITY_SCHEME", Integrity, "`integrity.scheme` is not `expert-sig-v1`.";
    IntegrityAlgorithm = "E_INTEGRITY_ALGORITHM", Integrity, "`integrity.signature_algorithm` is not `ed25519`.";
    IntegrityPubkey = "E_INTEGRITY_PUBKEY", Integrity, "`integrity.pubkey` is not a usable Ed25519 public key.";
    KeyIdMismatch = "E_KEY_ID_MISMATCH", Integrity, "`integrity.key_id` is not the public key's ID.";
    SignatureFileMismatch = "E_SIGNATURE_FILE_MISMATCH", Integrity, "`signature.sig` differs from `integrity.signature`.";
    ManifestDigestMismatch = "E_MANIFEST_DIGEST_MISMATCH", Integrity, "The manifest's digest differs from `integrity.manifest_sha256`.";
    FileSizeMismatch = "E_FILE_SIZE_MISMATCH", Integrity, "A file's size differs from what the manifest records.";
    FileHashMismatch = "E_FILE_HASH_MISMATCH", Integrity, "A file's SHA-256 differs from what the manifest records.";
    FileRenamed = "E_FILE_RENAMED", Integrity, "An unlisted entry has the hash of a listed file that is absent.";
    FileUnlisted = "E_FILE_UNLISTED", Integrity, "An entry is not listed in `integrity.files`.";
    FileMissing = "E_FILE_MISSING", Integrity, "A listed or declared file is absent.";
    SignatureInvalid = "E_SIGNATURE_INVALID", Integrity, "The Ed25519 signature does not verify.";
    FileChanged = "E_FILE_CHANGED", Integrity, "A file changed while it was being read.";
    SourceSymlink = "E_SOURCE_SYMLINK", Integrity, "A source holds a symbolic link where a file should be.";
    SourceNotFile = "E_SOURCE_NOT_FILE", Integrity, "A source holds something other than a regular file where a file should be.";
    SourcePath = "E_SOURCE_PATH", Integrity, "A git source holds an unsafe path.";
    SourceTooLarge = "E_SOURCE_TOO_LARGE", Integrity, "A source is larger than the limits allow.";
    WarnRepeatedEntry = "W_REPEATED_ENTRY", Integrity, "A path repeats with identical bytes; it is counted once.";
    WarnLegacyScheme = "W_LEGACY_SCHEME", Untrusted, "The package uses upstream's legacy signature, which does not cover its manifest.";
    Unsigned = "E_UNSIGNED", Untrusted, "The package is unsigned and unsigned packages were not allowed.";
    Legacy = "E_LEGACY", Untrusted, "The package has only a legacy signature and legacy packages were not allowed.";
    Untrusted = "E_UNTRUSTED", Untrusted, "The package is signed by a key that is not trusted.";
    KeyChanged = "E_KEY_CHANGED", Untrusted, "The expert is pinned to another key.";
    NameConflict = "E_NAME_CONFLICT", Compatibility, "The name is another spelling of an installed or pinned expert.";
    Downgrade = "E_DOWNGRADE", Compatibility, "The package is older than the installed version.";
    Incompatible = "E_INCOMPATIBLE", Compatibility, "The expert is incompatible with an installed one.";
    FingerprintMismatch = "E_FINGERPRINT_MISMATCH", Compatibility, "The local base model's fingerprint differs from the one the package records.";
    QuantizationMismatch = "E_QUANTIZATION_MISMATCH", Compatibility, "The local base model's quantization differs from the declared one.";
    UpdateOtherExpert = "E_UPDATE_OTHER_EXPERT", Compatibility, "The update source now holds another expert.";
    MissingDependency = "E_MISSING_DEPENDENCY", MissingDependency, "A required expert is not installed.";
    DependencyCycle = "E_DEPENDENCY_CYCLE", MissingDependency, "The experts being installed require each other in a cycle.";
    RequiredBy = "E_REQUIRED_BY", MissingDependency, "An installed expert requires the one being removed.";
    Usage = "E_USAGE", Usage, "The arguments are invalid.";
    Confirm = "E_CONFIRM", Usage, "A confirmation was not given.";
    ModelRequired = "E_MODEL_REQUIRED", Usage, "The manifest has several base models and none was chosen.";
    ModelNotFound = "E_MODEL_NOT_FOUND", Usage, "No base model matches the one asked for.";
    ModelAmbiguous = "E_MODEL_AMBIGUOUS", Usage, "Several base models match the one asked for.";
    Variant = "E_VARIANT", Usage, "The source has several variants and none was chosen.";
    KeyFormat = "E_KEY_FORMAT", Usage, "A key is not in a form that can be read.";
    KeyPassphrase = "E_KEY_PASSPHRASE", Usage, "An encrypted key needs a passphrase, or the passphrase is unusable.";
    Source = "E_SOURCE", Usage, "A source is malformed or does not exist.";
    SourceDateEpoch = "E_SOURCE_DATE_EPOCH", Usage, "`SOURCE_DATE_EPOCH` is not a usable time.";
    CreatedAt = "E_CREATED_AT", Usage, "`createdAt` is not a usable time.";
    BadArgument = "E_BAD_ARGUMENT", Usage, "An npm API argument has the wrong type or value.";
    BadSource = "E_BAD_SOURCE", Usage, "An npm API package source is not a supported kind of input.";
    VerifierFinished = "E_VERIFIER_FINISHED", Usage, "An npm verifier was used after it finished.";
    WeightsNotFound = "E_WEIGHTS_NOT_FOUND", Packaging, "No weights were found for the base model being packaged.";
    ReservedPath = "E_RESERVED_PATH", Packaging, "A file would sit at a path reserved for the package itself.";
    Unsupported = "E_UNSUPPORTED", Packaging, "The manifest asks for something packaging does not support.";
    Io = "E_IO", General, "A file cannot be read or written.";
    Exists = "E_EXISTS", General, "The file exists and is never overwritten.";
    Random = "E_RANDOM", General, "The system random source failed.";
    KeyAlgorithm = "E_KEY_ALGORITHM", General, "The key is not an Ed25519 key.";
    KeyDecrypt = "E_KEY_DECRYPT", General, "The encrypted key cannot be decrypted (wrong passphrase or damaged key).";
    KeyEncrypt = "E_KEY_ENCRYPT", General, "The key cannot be encrypted.";
    KeyNotFound = "E_KEY_NOT_FOUND", General, "No trusted key has that ID.";
    KeyIdCollision = "E_KEY_ID_COLLISION", General, "Another trusted key has the same key ID.";
    HomeSymlink = "E_HOME_SYMLINK", General, "A path under `EXPERT_HOME` is a symbolic link.";
    HomePath = "E_HOME_PATH", General, "A name cannot be a file name under `EXPERT_HOME`.";
    Registry = "E_REGISTRY", General, "The registry cannot be read or breaks an invariant.";
    TrustStore = "E_TRUST_STORE", General, "The trust store cannot be read or breaks an invariant.";
    NotInstalled = "E_NOT_INSTALLED", General, "The expert is not installed.";
    Git = "E_GIT", General, "The `git` program failed or cannot be run.";
    GitRef = "E_GIT_REF", General, "The git source has no such tag, branch or commit.";
    NoPackage = "E_NO_PACKAGE", General, "The source holds no package to install.";
    Migrate = "E_MIGRATE", General, "The manifest cannot be migrated.";
    Fingerprint = "E_FINGERPRINT", General, "A local base model cannot be fingerprinted.";
    Safetensors = "E_SAFETENSORS", General, "A safetensors file cannot be read.";
    Worker = "E_WORKER", General, "An npm worker failed.";
    Internal = "E_INTERNAL", General, "An internal error; please report it.";
    OciReference = "E_OCI_REFERENCE", Usage, "A registry reference is not `oci://HOST[:PORT]/REPO[:TAG|@sha256:DIGEST]` (or `oci-layout:DIR[:TAG]`).";
    OciFormat = "E_OCI_FORMAT", General, "A registry or layout answered with JSON that is not an OCI index or manifest of ours.";
    OciOtherExpert = "E_OCI_OTHER_EXPERT", Compatibility, "The tag being pushed to holds another expert.";
    PushMixed = "E_PUSH_MIXED", Usage, "push was given packages of different experts or versions.";
    DigestMismatch = "E_DIGEST_MISMATCH", Integrity, "A downloaded blob's SHA-256 is not the digest it was fetched by.";
    OciMismatch = "E_OCI_MISMATCH", Integrity, "The package is not what the OCI index entry said it was.";
    RegistryAuth = "E_REGISTRY_AUTH", General, "The OCI registry refused the credentials, or asked for some.";
    HttpStatus = "E_HTTP_STATUS", General, "An HTTP request failed with a status other than success.";
    Http = "E_HTTP", General, "Connecting, TLS, a timeout or a broken transfer failed.";
    HttpInsecure = "E_HTTP_INSECURE", Usage, "Plain http:// to a host that is not loopback, without --allow-http.";
    DownloadTooLarge = "E_DOWNLOAD_TOO_LARGE", Integrity, "A server sent more bytes than a package may hold, or than it announced.";
    SidecarMismatch = "E_SIDECAR_MISMATCH", Integrity, "The `<url>.sha256` sidecar names another digest than the download's.";
    OciNotFound = "E_OCI_NOT_FOUND", General, "The tag or digest is not in the registry or the layout.";
    Panic = "E_PANIC", General, "The npm package's WebAssembly module panicked; the message says where, and the next call gets a fresh instance. Please report it.";
    Stopped = "E_STOPPED", General, "Internal: a read stopped on purpose once it had what it needed; never reported.";
    RegistryJson = "E_REGISTRY_JSON", General, "Registry finding: `registry.json` is not JSON.";
    RegistryShape = "E_REGISTRY_SHAPE", General, "Registry finding: `registry.json` does not have the registry's shape.";
    RegistryBadName = "E_REGISTRY_BAD_NAME", General, "Registry finding: an expert name is not allowed.";
    RegistryBadVersion = "E_REGISTRY_BAD_VERSION", General, "Registry finding: a version is not SemVer.";
    RegistryDuplicateName = "E_REGISTRY_DUPLICATE_NAME", General, "Registry finding: an expert is listed twice.";
    RegistryDuplicateVersion = "E_REGISTRY_DUPLICATE_VERSION", General, "Registry finding: a version is listed twice.";
    RegistryEmptyVersions = "E_REGISTRY_EMPTY_VERSIONS", General, "Registry finding: an expert has no versions.";
    RegistryPathOutsideHome = "E_REGISTRY_PATH_OUTSIDE_HOME", General, "Registry finding: a path points outside `EXPERT_HOME`.";
    RegistryMissingDir = "E_REGISTRY_MISSING_DIR", General, "Registry finding: an installed expert's directory is missing.";
    RegistryUnlisted = "E_REGISTRY_UNLISTED", General, "Registry finding: a directory under `experts/` is not in the registry.";
    RegistryManifest = "E_REGISTRY_MANIFEST", General, "Registry finding: an installed expert's manifest cannot be read.";
    RegistryManifestMismatch = "E_REGISTRY_MANIFEST_MISMATCH", General, "Registry finding: the registry disagrees with the installed manifest.";
    RegistryHashMismatch = "E_REGISTRY_HASH_MISMATCH", General, "Registry finding: an installed file's hash differs from the record.";
    RegistryKeyMismatch = "E_REGISTRY_KEY_MISMATCH", General, "Registry finding: the registry records another key than the installed expert or its record.";
    RegistryPinMismatch = "E_REGISTRY_PIN_MISMATCH", General, "Registry finding: the recorded key differs from the trust store's pin.";
    WarnRegistryNameSpellings = "W_REGISTRY_NAME_SPELLINGS", General, "Registry finding: two spellings of one name.";
    WarnRegistryRecord = "W_REGISTRY_RECORD", General, "Registry finding: an install record is unreadable or names another expert or version.";
    WarnRegistryUnpinned = "W_REGISTRY_UNPINNED", General, "Registry finding: a signed expert has no pin.";
    TrustStoreJson = "E_TRUST_STORE_JSON", General, "Trust store finding: `trust.json` is not JSON.";
    TrustStoreShape = "E_TRUST_STORE_SHAPE", General, "Trust store finding: `trust.json` does not have the trust store's shape.";
    TrustStoreVersion = "E_TRUST_STORE_VERSION", General, "Trust store finding: an unknown trust store version.";
    TrustStoreKey = "E_TRUST_STORE_KEY", General, "Trust store finding: a key is malformed.";
    TrustStoreDuplicateKey = "E_TRUST_STORE_DUPLICATE_KEY", General, "Trust store finding: a key is listed twice.";
    TrustStorePin = "E_TRUST_STORE_PIN", General, "Trust store finding: a pin is malformed.";
}

impl Code {
    /// A warning (`W_…`): it never fails a command by itself.
    pub fn is_warning(self) -> bool {
        self.as_str().starts_with("W_")
    }

    /// The code whose string is `s`.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not a known code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a known code", self.0)
    }
}

impl std::error::Error for UnknownCode {}

impl FromStr for Code {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Code, UnknownCode> {
        Code::parse(s).ok_or_else(|| UnknownCode(s.to_string()))
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<Code> for &'static str {
    fn from(c: Code) -> &'static str {
        c.as_str()
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.as_str().to_string()
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Code> for str {
    fn eq(&self, other: &Code) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Code::parse(&s).ok_or_else(|| serde::de::Error::custom(UnknownCode(s.into_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} is listed twice");
            assert!(
                (s.starts_with("E_") || s.starts_with("W_"))
                    && s[2..]
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{s} is not E_/W_ followed by A-Z, 0-9 and _"
            );
            assert_eq!(s.parse::<Code>(), Ok(*c));
            assert!(!c.meaning().is_empty() && !c.meaning().contains('\n'));
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{s}\""));
            assert_eq!(
                serde_json::from_str::<Code>(&format!("\"{s}\"")).unwrap(),
                *c
            );
        }
        assert!("E_NOT_A_CODE".parse::<Code>().is_err());
    }
}
