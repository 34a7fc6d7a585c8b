//! A base model's precision as a manifest declares it (`quantization`) and
//! as a local model's `config.json` states it, and whether they agree
//! (docs/FORMAT.md "Quantization"). Unknown spellings never refuse.

use serde_json::Value;

/// The unquantized floating-point types a model's weights come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Float {
    /// IEEE half precision.
    F16,
    /// bfloat16.
    Bf16,
    /// IEEE single precision.
    F32,
}

/// A precision both sides can be compared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Weights quantized to this many bits (int4, nf4, GPTQ/AWQ 4-bit, …).
    Bits(u8),
    /// Unquantized floating-point weights of this type.
    Float(Float),
    /// Declared `none`: unquantized, whatever the float type.
    Unquantized,
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Precision::Bits(b) => write!(f, "{b}-bit"),
            Precision::Float(Float::F16) => f.write_str("fp16"),
            Precision::Float(Float::Bf16) => f.write_str("bf16"),
            Precision::Float(Float::F32) => f.write_str("fp32"),
            Precision::Unquantized => f.write_str("unquantized"),
        }
    }
}

/// A manifest's `quantization` spelling; `None` when not known.
pub fn declared(spelling: &str) -> Option<Precision> {
    let s = spelling
        .trim()
        .to_ascii_lowercase()
        .replace(['-', ' ', '.'], "_");
    let p = match s.as_str() {
        "none" | "unquantized" | "full" => Precision::Unquantized,
        "fp16" | "f16" | "float16" | "half" => Precision::Float(Float::F16),
        "bf16" | "bfloat16" => Precision::Float(Float::Bf16),
        "fp32" | "f32" | "float32" | "float" => Precision::Float(Float::F32),
        "int4" | "4bit" | "4_bit" | "nf4" | "fp4" | "q4" | "w4a16" => Precision::Bits(4),
        "int8" | "8bit" | "8_bit" | "q8" | "q8_0" | "llm_int8" | "w8a16" | "fp8" => {
            Precision::Bits(8)
        }
        _ => return gguf_bits(&s).map(Precision::Bits),
    };
    Some(p)
}

/// GGUF-style names (`q4_0`, `q4_k_m`, `q5_k_s`, `q3_k_l`, `q6_k`).
fn gguf_bits(s: &str) -> Option<u8> {
    let rest = s.strip_prefix('q')?;
    let digit = rest.chars().next()?.to_digit(10)? as u8;
    let tail = &rest[1..];
    let known = ["", "_0", "_1", "_k", "_k_s", "_k_m", "_k_l"];
    ((2..=8).contains(&digit) && known.contains(&tail)).then_some(digit)
}

/// What a model's `config.json` says: `quantization_config` (its `bits`,
/// or bitsandbytes' `load_in_4bit` / `load_in_8bit`), else `torch_dtype`
/// (or the newer `dtype`). `None` when it says nothing usable.
pub fn of_config(config: &Value) -> Option<Precision> {
    if let Some(q) = config.get("quantization_config").filter(|q| q.is_object()) {
        let flag = |k: &str| q.get(k).and_then(Value::as_bool) == Some(true);
        if let Some(b) = q
            .get("bits")
            .or_else(|| q.get("w_bit"))
            .and_then(Value::as_u64)
        {
            return u8::try_from(b)
                .ok()
                .filter(|b| (1..=16).contains(b))
                .map(Precision::Bits);
        }
        if flag("load_in_4bit") {
            return Some(Precision::Bits(4));
        }
        if flag("load_in_8bit") {
            return Some(Precision::Bits(8));
        }
        return q
            .get("quant_method")
            .and_then(Value::as_str)
            .and_then(declared)
            .filter(|p| matches!(p, Precision::Bits(_)));
    }
    let dtype = config
        .get("torch_dtype")
        .or_else(|| config.get("dtype"))
        .and_then(Value::as_str)?;
    match dtype {
        "float16" => Some(Precision::Float(Float::F16)),
        "bfloat16" => Some(Precision::Float(Float::Bf16)),
        "float32" => Some(Precision::Float(Float::F32)),
        _ => None,
    }
}

/// How a short description of a local model's precision reads in
/// `list --models`: `4-bit (gptq)`, `bf16`, or `None` when silent.
pub fn describe(config: &Value) -> Option<String> {
    let p = of_config(config)?;
    let method = config
        .get("quantization_config")
        .and_then(|q| q.get("quant_method"))
        .and_then(Value::as_str);
    Some(match (p, method) {
        (Precision::Bits(_), Some(m)) => format!("{p} ({m})"),
        _ => p.to_string(),
    })
}

/// What `compare` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agreement {
    /// Both sides name the same precision.
    Same,
    /// The manifest was trained at one precision, the local model is another.
    Differs {
        /// What the manifest declares.
        declared: Precision,
        /// What the local model's `config.json` states.
        local: Precision,
    },
    /// One side is silent or spelled in a way we do not know.
    Unknown(String),
}

/// Whether a declared spelling and a local model's precision agree.
pub fn compare(declared_spelling: Option<&str>, local: Option<Precision>) -> Agreement {
    let Some(text) = declared_spelling else {
        return Agreement::Unknown("the manifest declares no quantization".into());
    };
    let Some(d) = declared(text) else {
        return Agreement::Unknown(format!(
            "the declared quantization {text:?} is not one we know"
        ));
    };
    let Some(l) = local else {
        return Agreement::Unknown("the local model's config.json states no precision".into());
    };
    let same = match (d, l) {
        (Precision::Unquantized, Precision::Float(_)) => true,
        (a, b) => a == b,
    };
    if same {
        Agreement::Same
    } else {
        Agreement::Differs {
            declared: d,
            local: l,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spellings_map_to_precisions() {
        for (s, p) in [
            ("int4", Precision::Bits(4)),
            ("4bit", Precision::Bits(4)),
            ("4-bit", Precision::Bits(4)),
            ("NF4", Precision::Bits(4)),
            ("q4_k_m", Precision::Bits(4)),
            ("Q5_K_S", Precision::Bits(5)),
            ("int8", Precision::Bits(8)),
            ("q8_0", Precision::Bits(8)),
            ("bf16", Precision::Float(Float::Bf16)),
            ("fp16", Precision::Float(Float::F16)),
            ("float32", Precision::Float(Float::F32)),
            ("none", Precision::Unquantized),
        ] {
            assert_eq!(declared(s), Some(p), "{s}");
        }
        for s in ["", "int3x", "q9_k", "exl2", "mystery"] {
            assert_eq!(declared(s), None, "{s}");
        }
    }

    #[test]
    fn config_json_precision() {
        let gptq = json!({"torch_dtype": "float16", "quantization_config": {"bits": 4, "quant_method": "gptq"}});
        assert_eq!(of_config(&gptq), Some(Precision::Bits(4)));
        assert_eq!(describe(&gptq).as_deref(), Some("4-bit (gptq)"));
        let bnb =
            json!({"quantization_config": {"load_in_8bit": true, "quant_method": "bitsandbytes"}});
        assert_eq!(of_config(&bnb), Some(Precision::Bits(8)));
        let nf4 =
            json!({"quantization_config": {"load_in_4bit": true, "bnb_4bit_quant_type": "nf4"}});
        assert_eq!(of_config(&nf4), Some(Precision::Bits(4)));
        assert_eq!(
            of_config(&json!({"torch_dtype": "bfloat16"})),
            Some(Precision::Float(Float::Bf16))
        );
        assert_eq!(
            of_config(&json!({"dtype": "float32"})),
            Some(Precision::Float(Float::F32))
        );
        assert_eq!(of_config(&json!({"hidden_size": 8})), None);
        assert_eq!(
            of_config(&json!({"quantization_config": {"quant_method": "exl2"}})),
            None
        );
        assert_eq!(
            of_config(&json!({"quantization_config": {"bits": 400}})),
            None
        );
    }

    #[test]
    fn agreement() {
        let bf16 = Some(Precision::Float(Float::Bf16));
        assert_eq!(compare(Some("bf16"), bf16), Agreement::Same);
        assert_eq!(compare(Some("none"), bf16), Agreement::Same);
        assert_eq!(
            compare(Some("int4"), Some(Precision::Bits(4))),
            Agreement::Same
        );
        assert_eq!(
            compare(Some("int4"), bf16),
            Agreement::Differs {
                declared: Precision::Bits(4),
                local: Precision::Float(Float::Bf16)
            }
        );
        assert_eq!(
            compare(Some("none"), Some(Precision::Bits(8))),
            Agreement::Differs {
                declared: Precision::Unquantized,
                local: Precision::Bits(8)
            }
        );
        assert!(matches!(compare(Some("exl2"), bf16), Agreement::Unknown(_)));
        assert!(matches!(compare(None, bf16), Agreement::Unknown(_)));
        assert!(matches!(compare(Some("int4"), None), Agreement::Unknown(_)));
    }
}
