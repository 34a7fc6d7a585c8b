// Types of the npm package `expert-format`. The result objects are exactly
// what `expert-cli validate|inspect|verify --json` print.

// codes:begin (generated from expert-core's Code enum by `UPDATE_CODES=1 cargo test -p expert-core --test codes`; do not edit)
/** A stable error or warning code (docs/CODES.md). */
export type Code =
  | "E_JSON_SYNTAX"
  | "E_JSON_UTF8"
  | "E_JSON_BOM"
  | "E_JSON_DEPTH"
  | "E_MANIFEST_TOO_LARGE"
  | "E_DUPLICATE_KEY"
  | "E_NUMBER_RANGE"
  | "E_TYPE"
  | "E_SCHEMA_VERSION_UNKNOWN"
  | "E_MISSING_FIELD"
  | "E_EMPTY"
  | "E_UNSAFE_NAME"
  | "E_VERSION_SEMVER"
  | "E_BOTH_BASE_MODEL_FIELDS"
  | "E_SCHEMA_FIELD_MISMATCH"
  | "E_NO_BASE_MODELS"
  | "E_NO_ADAPTERS"
  | "E_DUPLICATE_MODEL"
  | "E_ADAPTER_RANK_MISSING"
  | "E_ADAPTER_ALPHA_MISSING"
  | "E_RANK"
  | "E_ALPHA"
  | "E_EPOCHS"
  | "E_LEARNING_RATE"
  | "E_DUPLICATE_WEIGHT_PATH"
  | "E_PATH_EMPTY"
  | "E_PATH_CONTROL"
  | "E_PATH_ABSOLUTE"
  | "E_PATH_BACKSLASH"
  | "E_PATH_DRIVE"
  | "E_PATH_EMPTY_SEGMENT"
  | "E_PATH_DOT_SEGMENT"
  | "E_PATH_TRAVERSAL"
  | "E_PATH_RESERVED_CHAR"
  | "E_PATH_RESERVED_NAME"
  | "E_DEPENDENCY_SPEC"
  | "E_FILE_UNREADABLE"
  | "E_LFS_POINTER"
  | "E_MANIFEST_INVALID"
  | "W_DUPLICATE_COMMENT_KEY"
  | "W_CONTROL_CHARACTER"
  | "W_SHA256_FORMAT"
  | "W_ADAPTER_TYPE_UNKNOWN"
  | "W_ROOT_ADAPTERS_IGNORED"
  | "W_NO_LICENSE"
  | "W_WEIGHTS_NOT_FOUND"
  | "W_FINDINGS_TRUNCATED"
  | "W_UPSTREAM_MISSING"
  | "W_UPSTREAM_TYPE"
  | "W_UPSTREAM_RULE"
  | "E_GZIP_HEADER"
  | "E_DEFLATE"
  | "E_GZIP_CRC"
  | "E_GZIP_SIZE"
  | "E_GZIP_TRUNCATED"
  | "E_GZIP_MULTIPLE_MEMBERS"
  | "E_GZIP_TRAILING_DATA"
  | "E_TAR_TRUNCATED"
  | "E_TAR_CHECKSUM"
  | "E_TAR_FORMAT"
  | "E_TAR_HEADER"
  | "E_TAR_PAX_HEADER"
  | "E_TAR_GNU_LONGNAME"
  | "E_TAR_SYMLINK"
  | "E_TAR_HARDLINK"
  | "E_TAR_DEVICE"
  | "E_TAR_FIFO"
  | "E_TAR_DIRECTORY"
  | "E_TAR_ENTRY_TYPE"
  | "E_TAR_PADDING"
  | "E_TAR_TRAILING_DATA"
  | "E_PATH_ENCODING"
  | "E_PATH_TOO_LONG"
  | "E_DUPLICATE_ENTRY"
  | "E_DUPLICATE_MANIFEST"
  | "E_CASE_COLLISION"
  | "E_UNICODE_COLLISION"
  | "E_PATH_CONFLICT"
  | "E_LIMIT_ENTRIES"
  | "E_LIMIT_ENTRY_SIZE"
  | "E_LIMIT_TOTAL_SIZE"
  | "E_LIMIT_RATIO"
  | "E_SIGNATURE_TOO_LARGE"
  | "E_MANIFEST_MISSING"
  | "E_SIGNATURE_FILE_MISSING"
  | "E_INTEGRITY_MISSING"
  | "E_INTEGRITY_FIELD"
  | "E_INTEGRITY_SCHEME"
  | "E_INTEGRITY_ALGORITHM"
  | "E_INTEGRITY_PUBKEY"
  | "E_KEY_ID_MISMATCH"
  | "E_SIGNATURE_FILE_MISMATCH"
  | "E_MANIFEST_DIGEST_MISMATCH"
  | "E_FILE_SIZE_MISMATCH"
  | "E_FILE_HASH_MISMATCH"
  | "E_FILE_RENAMED"
  | "E_FILE_UNLISTED"
  | "E_FILE_MISSING"
  | "E_SIGNATURE_INVALID"
  | "E_FILE_CHANGED"
  | "E_SOURCE_SYMLINK"
  | "E_SOURCE_NOT_FILE"
  | "E_SOURCE_PATH"
  | "E_SOURCE_TOO_LARGE"
  | "W_REPEATED_ENTRY"
  | "W_LEGACY_SCHEME"
  | "E_UNSIGNED"
  | "E_LEGACY"
  | "E_UNTRUSTED"
  | "E_KEY_CHANGED"
  | "E_NAME_CONFLICT"
  | "E_DOWNGRADE"
  | "E_INCOMPATIBLE"
  | "E_FINGERPRINT_MISMATCH"
  | "E_QUANTIZATION_MISMATCH"
  | "E_UPDATE_OTHER_EXPERT"
  | "E_MISSING_DEPENDENCY"
  | "E_DEPENDENCY_CYCLE"
  | "E_REQUIRED_BY"
  | "E_USAGE"
  | "E_CONFIRM"
  | "E_MODEL_REQUIRED"
  | "E_MODEL_NOT_FOUND"
  | "E_MODEL_AMBIGUOUS"
  | "E_VARIANT"
  | "E_KEY_FORMAT"
  | "E_KEY_PASSPHRASE"
  | "E_SOURCE"
  | "E_SOURCE_DATE_EPOCH"
  | "E_CREATED_AT"
  | "E_BAD_ARGUMENT"
  | "E_BAD_SOURCE"
  | "E_VERIFIER_FINISHED"
  | "E_WEIGHTS_NOT_FOUND"
  | "E_RESERVED_PATH"
  | "E_UNSUPPORTED"
  | "E_IO"
  | "E_EXISTS"
  | "E_RANDOM"
  | "E_KEY_ALGORITHM"
  | "E_KEY_DECRYPT"
  | "E_KEY_ENCRYPT"
  | "E_KEY_NOT_FOUND"
  | "E_KEY_ID_COLLISION"
  | "E_HOME_SYMLINK"
  | "E_HOME_PATH"
  | "E_REGISTRY"
  | "E_TRUST_STORE"
  | "E_NOT_INSTALLED"
  | "E_GIT"
  | "E_GIT_REF"
  | "E_NO_PACKAGE"
  | "E_MIGRATE"
  | "E_FINGERPRINT"
  | "E_SAFETENSORS"
  | "E_WORKER"
  | "E_INTERNAL"
  | "E_OCI_REFERENCE"
  | "E_OCI_FORMAT"
  | "E_OCI_OTHER_EXPERT"
  | "E_PUSH_MIXED"
  | "E_DIGEST_MISMATCH"
  | "E_OCI_MISMATCH"
  | "E_REGISTRY_AUTH"
  | "E_HTTP_STATUS"
  | "E_HTTP"
  | "E_HTTP_INSECURE"
  | "E_DOWNLOAD_TOO_LARGE"
  | "E_SIDECAR_MISMATCH"
  | "E_OCI_NOT_FOUND"
  | "E_PANIC"
  | "E_STOPPED"
  | "E_REGISTRY_JSON"
  | "E_REGISTRY_SHAPE"
  | "E_REGISTRY_BAD_NAME"
  | "E_REGISTRY_BAD_VERSION"
  | "E_REGISTRY_DUPLICATE_NAME"
  | "E_REGISTRY_DUPLICATE_VERSION"
  | "E_REGISTRY_EMPTY_VERSIONS"
  | "E_REGISTRY_PATH_OUTSIDE_HOME"
  | "E_REGISTRY_MISSING_DIR"
  | "E_REGISTRY_UNLISTED"
  | "E_REGISTRY_MANIFEST"
  | "E_REGISTRY_MANIFEST_MISMATCH"
  | "E_REGISTRY_HASH_MISMATCH"
  | "E_REGISTRY_KEY_MISMATCH"
  | "E_REGISTRY_PIN_MISMATCH"
  | "W_REGISTRY_NAME_SPELLINGS"
  | "W_REGISTRY_RECORD"
  | "W_REGISTRY_UNPINNED"
  | "E_TRUST_STORE_JSON"
  | "E_TRUST_STORE_SHAPE"
  | "E_TRUST_STORE_VERSION"
  | "E_TRUST_STORE_KEY"
  | "E_TRUST_STORE_DUPLICATE_KEY"
  | "E_TRUST_STORE_PIN";

/** One entry of `codes`. */
export interface CodeInfo {
  readonly code: Code;
  /** The expert-cli exit status the code gives by default. */
  readonly exit: 1 | 2 | 3 | 4 | 5 | 6 | 11 | 12;
  /** What the code means, in one line. */
  readonly meaning: string;
}

/** Every code, its default expert-cli exit status and its meaning. */
export declare const codes: readonly CodeInfo[];
// codes:end

/** An `Error` thrown by this package; `code` is stable (e.g. `E_KEY_FORMAT`). */
export interface ExpertError extends Error {
  code: Code;
  /** Set when `code` is `E_MANIFEST_INVALID`: the validation findings. */
  diagnostics?: Diagnostic[];
  /**
   * Set for `E_KEY_FORMAT` from the core: why the key was refused, without
   * the argument's name (`message` is `trustedKeys[0]: ` or `signingKey: `
   * and this). Never contains the key.
   */
  reason?: string;
}

// ---- validation --------------------------------------------------------

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  /** Stable code such as `E_BOTH_BASE_MODEL_FIELDS`. */
  code: Code;
  /** JSON path such as `base_models[1].adapters[0].r`; `""` is the root. */
  path: string;
  message: string;
  /** 1-based line, or null when the finding has no position. */
  line: number | null;
  /** 1-based column (in characters), or null. */
  column: number | null;
}

/** `expert-cli validate --json`. */
export interface ValidationReport {
  /** True when there is no error-level diagnostic. */
  valid: boolean;
  schema_version: "1.0" | "2.0" | null;
  diagnostics: Diagnostic[];
}

// ---- inspection --------------------------------------------------------

export interface AdapterSummary {
  type: string | null;
  r: number | null;
  alpha: number | null;
  path: string | null;
  size_bytes: number | null;
  sha256: string | null;
}

export interface PackageEntry {
  path: string;
  size: number;
  /** Lowercase hex SHA-256 of the entry's contents. */
  sha256: string;
}

/** `expert-cli inspect --json`: what a package says about itself, no trust judgement. */
export interface Inspection {
  name: string | null;
  version: string | null;
  /** As written in the manifest (absent means 1.0). */
  schema_version: string | null;
  description: string | null;
  author: string | null;
  license: string | null;
  /** The first base model's name. */
  base_model: string | null;
  adapters: AdapterSummary[];
  capabilities: string[];
  /** `constraints.requires`: experts that must be installed first. */
  requires: string[];
  /** `constraints.incompatible_with`: experts that must not be installed. */
  incompatible_with: string[];
  /** The manifest has an `integrity` section (not checked here; use verifyPackage). */
  signed: boolean;
  key_id: string | null;
  publisher: string | null;
  created_at: string | null;
  /** Every archive entry, manifest.json included, in archive order. */
  files: PackageEntry[];
}

// ---- verification ------------------------------------------------------

export type VerdictStatus = "verified" | "valid-untrusted" | "invalid" | "unsigned" | "legacy";

export interface VerifiedFile {
  path: string;
  size: number;
  sha256: string;
  /** False for an entry that a problem names. */
  ok: boolean;
}

export interface Problem {
  /** Stable code such as `E_FILE_HASH_MISMATCH`. */
  code: Code;
  message: string;
}

/** `expert-cli verify --json`. */
export interface Verdict {
  status: VerdictStatus;
  name: string | null;
  version: string | null;
  base_model: string | null;
  /** 16 hex digits, for signed packages: a short name for the key, to show. */
  key_id: string | null;
  /** The signer's full public key, `ed25519:<64 hex digits>`: compare this, not `key_id`. */
  pubkey: string | null;
  /** What the package says about its publisher: a claim, not the signer's identity. */
  publisher: string | null;
  files: VerifiedFile[];
  problems: Problem[];
}

export interface VerifyOptions {
  /** Public keys that count as trusted, each `ed25519:<64 hex digits>`. */
  trustedKeys?: readonly string[];
  /**
   * Inflate on a worker (a Node worker thread or a Web Worker) while this
   * thread walks the tar stream and hashes, as `expert-cli verify` uses two
   * cores (about 1.5× faster on large packages). Absent: yes for streams
   * and for packages of 8 MiB or more, where workers exist. If the worker
   * cannot start, the package is verified on this thread instead. The
   * verdict is the same either way.
   */
  worker?: boolean;
  /**
   * The package's size in bytes when the source cannot tell (a stream, such
   * as a File read through a TransformStream): it decides `worker` as a
   * Blob's size does (8 MiB or more: the worker). Ignored when `worker` is
   * given.
   */
  size?: number;
  /**
   * Aborting rejects the call with an error whose `name` is `AbortError`
   * (its `cause` is the signal's reason), stops reading the source
   * (cancels a ReadableStream, destroys a Node stream) and ends the worker.
   */
  signal?: AbortSignal;
}

export interface InspectOptions {
  /** As in VerifyOptions: aborting rejects with an `AbortError` and stops reading. */
  signal?: AbortSignal;
}

/**
 * Package bytes: whole, as a Blob or File (streamed with `blob.stream()`),
 * as a web ReadableStream, or as any async iterable of chunks such as a Node
 * `fs.createReadStream`. Node `Buffer`s are Uint8Arrays.
 */
export type PackageSource =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** Push-style verifier for packages of any size in constant memory. */
export interface PackageVerifierHandle {
  /** Feeds the next bytes; never throws for bad package bytes. */
  update(chunk: Uint8Array): void;
  /** Ends the stream and judges it. The verifier cannot be used afterwards. */
  finish(): Verdict;
}

// ---- building ----------------------------------------------------------

/** A Node `fs.promises.FileHandle`; buildPackage reads its `fd` with `fs.readSync`. */
export interface FileHandleLike {
  readonly fd: number;
  stat(): Promise<object>;
  read(buffer: Uint8Array): Promise<object>;
}

export type FileContents = Uint8Array | ArrayBuffer | Blob | FileHandleLike;

export interface BuildOptions {
  /** The expert's manifest.json text. */
  manifest: string | Uint8Array;
  /**
   * The expert directory: path relative to the expert root (e.g.
   * `weights/qwen3-06b/final/adapter_model.safetensors`) → contents. Read a
   * piece at a time, so multi-GB weights never sit whole in memory: Node
   * FileHandles (`await fs.promises.open(path)`), and Blobs (Files) in a
   * Web Worker (FileReaderSync). Other Blobs are read whole.
   */
  files: Record<string, FileContents> | Map<string, FileContents>;
  /** Base model query, as `--model` (e.g. `qwen3-0.6b`); optional for single-model manifests. */
  model?: string;
  /** PKCS#8 PEM text (plain, or encrypted with `signingKeyPassphrase`), or upstream's raw 32-byte Ed25519 key. Unsigned when absent. */
  signingKey?: string | Uint8Array;
  /** Passphrase of an encrypted PKCS#8 `signingKey` (`-----BEGIN ENCRYPTED PRIVATE KEY-----`). */
  signingKeyPassphrase?: string;
  /** Publisher shown in the signature, as `--publisher`; defaults to the manifest's `author`, else "unknown". */
  publisher?: string;
  /**
   * RFC 3339 time; plays the role of the CLI's SOURCE_DATE_EPOCH (entry times
   * and the signature's created_at), so the bytes equal the CLI's.
   */
  createdAt?: string | Date;
  /**
   * `"bytes"` (default): the package as one Uint8Array. `"blob"`: as a Blob
   * built up while packaging, so a multi-GB package need not fit in the JS
   * heap (the browser may keep large Blobs on disk). A function: called
   * with each chunk (about 1 MiB) in order, synchronously, e.g.
   * `(chunk) => fs.writeSync(fd, chunk)`; the result then has `size`
   * instead of the bytes.
   */
  output?: 'bytes' | 'blob' | ((chunk: Uint8Array) => void);
  /**
   * Aborting rejects with an `AbortError`. Packaging itself runs without
   * yielding, so the signal is looked at before it starts, after each file
   * read as a whole, and at each piece read or written (an output function
   * may abort); an abort from elsewhere during packaging rejects once it
   * ends. In a browser, run it in a worker and end the worker to stop at once.
   */
  signal?: AbortSignal;
  /**
   * Called as packaging reads the files: `done` of `total` bytes, about
   * once per MiB and at the end (`done === total`). `total` counts each
   * file once, and once more for the files hashed before writing (all of
   * them when signing). What it throws rejects the call once packaging ends.
   */
  onProgress?: (done: number, total: number) => void;
}

interface BuiltPackageInfo {
  /** `{name}-{model-slug}.v{version}.expert` (v2) or `{name}.v{version}.expert` (v1). */
  fileName: string;
  /** Full name of the base model packaged. */
  model: string;
  /** Lowercase hex SHA-256 of the package. */
  sha256: string;
}

/** buildPackage's result with `output: "bytes"` (the default). */
export interface BuiltPackageBytes extends BuiltPackageInfo {
  bytes: Uint8Array;
}

/** buildPackage's result with `output: "blob"`. */
export interface BuiltPackageBlob extends BuiltPackageInfo {
  blob: Blob;
}

/** buildPackage's result with an output function, which got the bytes. */
export interface BuiltPackageWritten extends BuiltPackageInfo {
  /** The package's size in bytes. */
  size: number;
}

export type BuiltPackage = BuiltPackageBytes | BuiltPackageBlob | BuiltPackageWritten;

export interface KeyPair {
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), readable by `openssl pkey`. */
  privateKeyPem: string;
  /** `ed25519:<64 hex digits>`. */
  publicKey: string;
  /** 16 hex digits. */
  keyId: string;
}

export interface SelectedModel {
  /** Index in `base_models` (0 for a v1 manifest). */
  index: number;
  /** The model's full name. */
  name: string;
}

// ---- functions ---------------------------------------------------------

/** Validates manifest text (or UTF-8 bytes); never throws for bad manifests. */
export function validateManifest(text: string | Uint8Array): ValidationReport;

/** Reads a package's manifest summary and file list. Throws an ExpertError for a malformed package. */
export function inspectPackage(source: PackageSource, options?: InspectOptions): Promise<Inspection>;

/**
 * Verifies a package. Never rejects for a bad package (status "invalid");
 * rejects only on misuse (`E_KEY_FORMAT` for a malformed trusted key,
 * `E_BAD_SOURCE` for a source of the wrong type, `E_BAD_ARGUMENT` for other
 * bad options), when the source itself fails to read (that error is passed
 * on, whenever it happens), when `signal` aborts (`AbortError`), or with
 * `E_WORKER` if the inflate worker dies part-way.
 */
export function verifyPackage(source: PackageSource, options?: VerifyOptions): Promise<Verdict>;

/** What one pass over a package yields; see verifyAndInspect. */
export interface VerifyAndInspectResult {
  /** Exactly what verifyPackage resolves to. */
  verdict: Verdict;
  /** Exactly what inspectPackage resolves to, or null for a malformed package. */
  inspection: Inspection | null;
  /** What inspectPackage would throw (`code`, `message`), or null. */
  inspectError: Problem | null;
}

/**
 * verifyPackage and inspectPackage in one pass over the package (half the
 * work of calling both). Never rejects for a bad package; rejects as
 * verifyPackage does.
 */
export function verifyAndInspect(source: PackageSource, options?: VerifyOptions): Promise<VerifyAndInspectResult>;

/** A verifier to feed chunks by hand. Throws `E_KEY_FORMAT` for a malformed trusted key. */
export function createVerifier(options?: VerifyOptions): PackageVerifierHandle;

/** Builds a package byte-identical to `expert-cli package`'s, as one Uint8Array. */
export function buildPackage(options: BuildOptions & { output?: 'bytes' }): Promise<BuiltPackageBytes>;
/** Builds a package byte-identical to `expert-cli package`'s, as a Blob. */
export function buildPackage(options: BuildOptions & { output: 'blob' }): Promise<BuiltPackageBlob>;
/** Builds a package byte-identical to `expert-cli package`'s, handing each chunk to `output`. */
export function buildPackage(options: BuildOptions & { output: (chunk: Uint8Array) => void }): Promise<BuiltPackageWritten>;
/** Builds a package; which field holds it depends on `output`. */
export function buildPackage(options: BuildOptions): Promise<BuiltPackage>;

/** A new Ed25519 key pair, seeded from `crypto.getRandomValues`. */
export function generateKeyPair(): KeyPair;

/**
 * The base model that `query` names. Throws `E_MODEL_NOT_FOUND` or
 * `E_MODEL_AMBIGUOUS` (the message lists the choices), or
 * `E_MANIFEST_INVALID`.
 */
export function selectModel(manifestText: string | Uint8Array, query: string): SelectedModel;

/**
 * The package file name for `model` (needed for multi-model manifests:
 * `E_MODEL_REQUIRED` otherwise).
 */
export function packageFileName(manifestText: string | Uint8Array, model?: string): string;

/** Current size of the module's WebAssembly memory, in bytes. */
export function wasmMemoryBytes(): number;

/**
 * The public key in `text` as `ed25519:<64 lowercase hex>`: an
 * `ed25519:<hex>` string or a `.pub` file's contents (the first line that
 * is not empty or a `#` comment). Throws `E_KEY_FORMAT` for a private key,
 * no key, or a key the verifier would refuse as a trusted key.
 */
export function parsePublicKey(text: string): string;

/**
 * A public key's key ID (16 hex digits, as verdicts and generateKeyPair
 * give it), computed by the core. Async for compatibility (it once used
 * WebCrypto); rejects as parsePublicKey throws. It used to resolve to null
 * without WebCrypto; it now always resolves to the ID.
 */
export function keyId(publicKey: string): Promise<string>;

/**
 * The base model names the manifest declares, in order (v2 `base_models`,
 * v1 `base_model`): the names selectModel and buildPackage's `model`
 * accept. Throws `E_MANIFEST_INVALID` (with `diagnostics`) for an invalid
 * manifest.
 */
export function modelNames(manifestText: string | Uint8Array): string[];

/**
 * Seconds since the epoch of an RFC 3339 timestamp (fractions dropped),
 * read as buildPackage reads `createdAt`. Throws `E_CREATED_AT` otherwise.
 */
export function parseTimestamp(text: string): number;

/**
 * The `.sha256` sidecar for a built package, as `expert-cli package` writes
 * it (`sha256sum` format): `<sha256>  <fileName>\n`. Throws `E_BAD_ARGUMENT`
 * for a name with a directory, backslash or line break, or a digest that is
 * not 64 lowercase hex digits.
 */
export function sidecar(fileName: string, sha256: string): string;

/** Inputs of installDecision besides the package's report. */
export interface InstallDecisionOptions {
  /** `expert-registry.json`'s contents; absent: nothing is installed. */
  registry?: string | Uint8Array | null;
  /** `trust.json`'s contents; absent: no key is trusted or pinned. */
  trustStore?: string | Uint8Array | null;
  /** Keys trusted for this install only (`install --trusted-key`), `ed25519:<hex>`. */
  trustedKeys?: string[];
  /** `install --allow-unsigned`. */
  allowUnsigned?: boolean;
  /** `install --allow-legacy`. */
  allowLegacy?: boolean;
  /** `install --allow-untrusted`. */
  allowUntrusted?: boolean;
  /** `install --allow-downgrade`. */
  allowDowngrade?: boolean;
  /** `install --repin`. */
  repin?: boolean;
}

/** installDecision's answer: `install`, or the refusal `expert-cli install` gives. */
export interface InstallDecision {
  install: boolean;
  /** The refusal's stable code, as the CLI's error has it. */
  code?: Code;
  message?: string;
  /** What the user can do about it. */
  hint?: string;
}

/**
 * Whether `expert-cli install` would install the package that `report`
 * (a verifyAndInspect result) describes, given the user's registry, trust
 * store and flags: the core's own decision (signature, with trust judged
 * from `trustStore`; name against installed and pinned experts; downgrade,
 * `incompatible_with`, `requires`). Checks against a local base model are
 * left out (they need the model's files). Throws `E_REGISTRY` or
 * `E_TRUST_STORE` for a file that breaks its rules, `E_BAD_ARGUMENT` for
 * inputs of the wrong type.
 */
export function installDecision(report: VerifyAndInspectResult, options?: InstallDecisionOptions): InstallDecision;
