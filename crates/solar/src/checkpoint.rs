//! A streaming reader and writer for safetensors checkpoints: a
//! [`Checkpoint`] directory (one file or shards with an index) of
//! [`SafetensorsFile`]s, and a [`SafetensorsWriter`].
//!
//! The `safetensors` crate wants the whole file in memory (or an `unsafe`
//! mmap); loading and Depth Up-Scaling instead read the JSON header once and
//! then one tensor at a time, so peak memory is the model plus one tensor,
//! and DUS of a 7B checkpoint never holds two copies of it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::error::{Result, SolarError};

/// Headers larger than this are not safetensors files we should trust.
const MAX_HEADER: u64 = 100 << 20;

/// One tensor's entry in a safetensors header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorInfo {
    pub dtype: String,
    pub shape: Vec<usize>,
    pub data_offsets: [u64; 2],
}

/// A safetensors file whose header has been read.
#[derive(Debug)]
pub struct SafetensorsFile {
    pub path: PathBuf,
    pub tensors: BTreeMap<String, TensorInfo>,
    pub metadata: Option<serde_json::Value>,
    data_start: u64,
}

impl SafetensorsFile {
    pub fn open(path: &Path) -> Result<Self> {
        let mut file = File::open(path).map_err(|e| SolarError::io(path, e))?;
        let file_len = file.metadata().map_err(|e| SolarError::io(path, e))?.len();
        let mut len = [0u8; 8];
        file.read_exact(&mut len).map_err(|e| SolarError::io(path, e))?;
        let len = u64::from_le_bytes(len);
        if len > MAX_HEADER || len + 8 > file_len {
            return Err(SolarError::invalid(path, format!("safetensors header of {len} bytes")));
        }
        let mut header = vec![0u8; len as usize];
        file.read_exact(&mut header).map_err(|e| SolarError::io(path, e))?;
        let mut raw: BTreeMap<String, serde_json::Value> = serde_json::from_slice(&header)
            .map_err(|source| SolarError::Json { path: path.to_owned(), source })?;
        let metadata = raw.remove("__metadata__");
        let mut tensors = BTreeMap::new();
        for (name, value) in raw {
            let info: TensorInfo = serde_json::from_value(value)
                .map_err(|source| SolarError::Json { path: path.to_owned(), source })?;
            let [start, end] = info.data_offsets;
            let elems: usize = info.shape.iter().product();
            let expected = (elems * dtype_size(&info.dtype, path)?) as u64;
            if end < start || end - start != expected || 8 + len + end > file_len {
                return Err(SolarError::invalid(path, format!("tensor {name} has bad offsets")));
            }
            tensors.insert(name, info);
        }
        Ok(Self { path: path.to_owned(), tensors, metadata, data_start: 8 + len })
    }

    /// The raw little-endian bytes of one tensor.
    pub fn read_raw(&self, name: &str) -> Result<Vec<u8>> {
        let info = self.info(name)?;
        let [start, end] = info.data_offsets;
        let mut file = File::open(&self.path).map_err(|e| SolarError::io(&self.path, e))?;
        file.seek(SeekFrom::Start(self.data_start + start)).map_err(|e| SolarError::io(&self.path, e))?;
        let mut buf = vec![0u8; (end - start) as usize];
        file.read_exact(&mut buf).map_err(|e| SolarError::io(&self.path, e))?;
        Ok(buf)
    }

    /// One tensor converted to `dtype`.
    pub fn load(&self, name: &str, dtype: DType, device: &Device) -> Result<Tensor> {
        let info = self.info(name)?;
        let raw = self.read_raw(name)?;
        let src = candle_dtype(&info.dtype, &self.path)?;
        let t = Tensor::from_raw_buffer(&raw, src, &info.shape, device)?;
        Ok(t.to_dtype(dtype)?)
    }

    pub fn info(&self, name: &str) -> Result<&TensorInfo> {
        self.tensors.get(name).ok_or_else(|| SolarError::invalid(&self.path, format!("no tensor {name}")))
    }
}

/// A checkpoint directory: one `model.safetensors` or shards listed in
/// `model.safetensors.index.json`.
#[derive(Debug)]
pub struct Checkpoint {
    pub files: Vec<SafetensorsFile>,
    /// Tensor name → index into `files`.
    pub index: BTreeMap<String, usize>,
}

impl Checkpoint {
    pub fn open(dir: &Path) -> Result<Self> {
        let single = dir.join("model.safetensors");
        let paths: Vec<PathBuf> = if single.is_file() {
            vec![single]
        } else {
            let index_path = dir.join("model.safetensors.index.json");
            let text = std::fs::read_to_string(&index_path).map_err(|e| SolarError::io(&index_path, e))?;
            let index: ShardIndex = serde_json::from_str(&text)
                .map_err(|source| SolarError::Json { path: index_path.clone(), source })?;
            let mut shards: Vec<String> = index.weight_map.into_values().collect();
            shards.sort();
            shards.dedup();
            shards.into_iter().map(|s| dir.join(s)).collect()
        };
        let mut files = Vec::with_capacity(paths.len());
        let mut index = BTreeMap::new();
        for (i, path) in paths.iter().enumerate() {
            let file = SafetensorsFile::open(path)?;
            for name in file.tensors.keys() {
                index.insert(name.clone(), i);
            }
            files.push(file);
        }
        Ok(Self { files, index })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    pub fn file_of(&self, name: &str) -> Result<&SafetensorsFile> {
        match self.index.get(name).and_then(|&i| self.files.get(i)) {
            Some(f) => Ok(f),
            None => Err(SolarError::invalid(
                self.files.first().map(|f| f.path.clone()).unwrap_or_default(),
                format!("no tensor {name}"),
            )),
        }
    }

    pub fn load(&self, name: &str, dtype: DType, device: &Device) -> Result<Tensor> {
        self.file_of(name)?.load(name, dtype, device)
    }
}

#[derive(Debug, Deserialize)]
struct ShardIndex {
    weight_map: BTreeMap<String, String>,
}

/// Writes a safetensors file whose tensors arrive one by one, in the order
/// of `plan`, so that only one tensor is in memory at a time.
#[derive(Debug)]
pub struct SafetensorsWriter {
    path: PathBuf,
    out: BufWriter<File>,
    plan: Vec<(String, TensorInfo)>,
    next: usize,
}

impl SafetensorsWriter {
    /// Writes the header for `plan` (name, dtype, shape, in data order).
    pub fn create(path: &Path, plan: Vec<(String, String, Vec<usize>)>) -> Result<Self> {
        let mut offset = 0u64;
        let mut entries = Vec::with_capacity(plan.len());
        let mut header = serde_json::Map::new();
        header.insert("__metadata__".into(), serde_json::json!({ "format": "pt" }));
        for (name, dtype, shape) in plan {
            let bytes = (shape.iter().product::<usize>() * dtype_size(&dtype, path)?) as u64;
            let info = TensorInfo { dtype, shape, data_offsets: [offset, offset + bytes] };
            offset += bytes;
            let value = serde_json::to_value(&info)
                .map_err(|source| SolarError::Json { path: path.to_owned(), source })?;
            header.insert(name.clone(), value);
            entries.push((name, info));
        }
        let mut json = serde_json::to_vec(&header)
            .map_err(|source| SolarError::Json { path: path.to_owned(), source })?;
        // The data section must start 8-byte aligned; pad the header with spaces.
        while json.len() % 8 != 0 {
            json.push(b' ');
        }
        let file = File::create(path).map_err(|e| SolarError::io(path, e))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(&(json.len() as u64).to_le_bytes()).map_err(|e| SolarError::io(path, e))?;
        out.write_all(&json).map_err(|e| SolarError::io(path, e))?;
        Ok(Self { path: path.to_owned(), out, plan: entries, next: 0 })
    }

    /// Appends the next tensor of the plan.
    pub fn write_next(&mut self, name: &str, raw: &[u8]) -> Result<()> {
        let Some((expected, info)) = self.plan.get(self.next) else {
            return Err(SolarError::invalid(&self.path, format!("tensor {name} beyond the plan")));
        };
        let [start, end] = info.data_offsets;
        if expected != name || raw.len() as u64 != end - start {
            return Err(SolarError::invalid(&self.path, format!("tensor {name} out of plan order or size")));
        }
        self.out.write_all(raw).map_err(|e| SolarError::io(&self.path, e))?;
        self.next += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        if self.next != self.plan.len() {
            return Err(SolarError::invalid(&self.path, "not every planned tensor was written"));
        }
        self.out.flush().map_err(|e| SolarError::io(&self.path, e))
    }
}

fn dtype_size(dtype: &str, path: &Path) -> Result<usize> {
    Ok(match dtype {
        "F64" | "I64" | "U64" => 8,
        "F32" | "I32" | "U32" => 4,
        "F16" | "BF16" | "I16" | "U16" => 2,
        "U8" | "I8" | "BOOL" => 1,
        other => return Err(SolarError::unsupported(path, format!("tensor dtype {other}"))),
    })
}

fn candle_dtype(dtype: &str, path: &Path) -> Result<DType> {
    Ok(match dtype {
        "F64" => DType::F64,
        "F32" => DType::F32,
        "F16" => DType::F16,
        "BF16" => DType::BF16,
        other => return Err(SolarError::unsupported(path, format!("weight dtype {other}"))),
    })
}
