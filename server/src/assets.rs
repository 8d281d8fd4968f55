//! The built dashboard's files, compressed once. Every file of `dist/` is read and
//! gzipped at start (a fraction of a second); a background thread then adds brotli, which
//! is denser but slower to make, so a request never waits for a compressor: browsers get
//! gzip until the brotli form is ready. Browsers get brotli or gzip as they accept, with `Vary: Accept-Encoding`;
//! files whose names carry Trunk's content hash never change and are cached for a year.

use bytes::Bytes;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Below this many bytes compression saves less than the headers cost.
const MIN_COMPRESSIBLE: usize = 512;
/// Brotli's quality for the one-time compression: 11 is its densest and several seconds
/// for the wasm on these machines; 10 is within a percent of it and four times faster.
const BROTLI_QUALITY: u32 = 10;
const BROTLI_WINDOW: u32 = 22;

/// A content coding the server can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }
}

/// Which codings an `Accept-Encoding` header allows (a `q=0` refuses one).
pub fn accepted_codings(header: &str) -> (bool, bool) {
    let mut brotli = false;
    let mut gzip = false;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        match name.as_str() {
            "br" => brotli = !refused,
            "gzip" | "x-gzip" => gzip = !refused,
            "*" if !refused => {
                brotli = true;
                gzip = true;
            }
            _ => {}
        }
    }
    (brotli, gzip)
}

/// Whether `name` carries Trunk's content hash (`name-<16 hex digits>` before the
/// extension or `_bg`), so its content can never change under that name.
pub fn is_hashed(name: &str) -> bool {
    name.match_indices('-').any(|(index, _)| {
        let rest = &name[index + 1..];
        rest.len() > 16
            && rest[..16].chars().all(|c| c.is_ascii_hexdigit())
            && matches!(rest.as_bytes()[16], b'.' | b'_')
    })
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/wasm")
        || content_type.starts_with("application/json")
        || content_type.starts_with("image/svg+xml")
}

/// One file of `dist/`.
pub struct Asset {
    pub bytes: Bytes,
    pub content_type: &'static str,
    pub immutable: bool,
    gzip: Option<Bytes>,
    compressed: OnceLock<Compressed>,
}

struct Compressed {
    brotli: Option<Bytes>,
}

impl Asset {
    /// The body to send for a request that accepts `(brotli, gzip)`.
    /// A `Bytes` clone shares the buffer: no copy per request.
    pub fn body_for(&self, accepts: (bool, bool)) -> (Bytes, Coding) {
        if let Some(compressed) = self.compressed.get() {
            if let (true, Some(bytes)) = (accepts.0, &compressed.brotli) {
                return (bytes.clone(), Coding::Brotli);
            }
        }
        if let (true, Some(bytes)) = (accepts.1, &self.gzip) {
            return (bytes.clone(), Coding::Gzip);
        }
        (self.bytes.clone(), Coding::Identity)
    }

    /// Whether the answer depends on `Accept-Encoding`.
    pub fn varies(&self) -> bool {
        compressible(self.content_type) && self.bytes.len() >= MIN_COMPRESSIBLE
    }

    fn compress(&self) {
        if self.compressed.get().is_some() {
            return;
        }
        let brotli = if self.varies() {
            brotli(&self.bytes).map(Bytes::from)
        } else {
            None
        };
        let _ = self.compressed.set(Compressed { brotli });
    }
}

fn brotli(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 64 * 1024, BROTLI_QUALITY, BROTLI_WINDOW);
        writer.write_all(bytes).ok()?;
        writer.flush().ok()?;
    }
    // A compressed form that is not smaller is not worth a coding.
    (out.len() < bytes.len()).then_some(out)
}

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).ok()?;
    let out = encoder.finish().ok()?;
    (out.len() < bytes.len()).then_some(out)
}

/// Every file of `dist/` by URL path (`/qufabric-dashboard-….wasm`).
#[derive(Default)]
pub struct Assets {
    files: HashMap<String, Arc<Asset>>,
}

impl Assets {
    /// Read `dist/` and start compressing in the background.
    pub fn load(dist: Option<&Path>) -> Assets {
        let mut files = HashMap::new();
        if let Some(dist) = dist {
            let mut pending = vec![dist.to_path_buf()];
            while let Some(dir) = pending.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        pending.push(path);
                    } else if let Some((url, asset)) = read_asset(dist, &path) {
                        files.insert(url, Arc::new(asset));
                    }
                }
            }
        }
        let assets = Assets { files };
        let to_compress: Vec<Arc<Asset>> = assets.files.values().cloned().collect();
        if !to_compress.is_empty() {
            // Largest first: the wasm is what a cold load waits for.
            let mut to_compress = to_compress;
            to_compress.sort_by_key(|a| std::cmp::Reverse(a.bytes.len()));
            std::thread::spawn(move || {
                for asset in to_compress {
                    asset.compress();
                }
            });
        }
        assets
    }

    pub fn get(&self, url_path: &str) -> Option<Arc<Asset>> {
        self.files.get(url_path).cloned()
    }

    /// Finish the brotli forms now (tests).
    pub fn compress_all(&self) {
        for asset in self.files.values() {
            asset.compress();
        }
    }
}

fn read_asset(dist: &Path, path: &PathBuf) -> Option<(String, Asset)> {
    let relative = path.strip_prefix(dist).ok()?;
    let url = format!(
        "/{}",
        relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    );
    let bytes = std::fs::read(path).ok()?;
    let name = path.file_name()?.to_string_lossy().to_string();
    let content_type = content_type(path);
    let gzip = if compressible(content_type) && bytes.len() >= MIN_COMPRESSIBLE {
        gzip(&bytes).map(Bytes::from)
    } else {
        None
    };
    Some((
        url,
        Asset {
            bytes: Bytes::from(bytes),
            content_type,
            immutable: is_hashed(&name),
            gzip,
            compressed: OnceLock::new(),
        },
    ))
}

/// The `Content-Type` of a dashboard file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_q_values() {
        assert_eq!(accepted_codings("gzip, deflate, br, zstd"), (true, true));
        assert_eq!(accepted_codings("gzip"), (false, true));
        assert_eq!(accepted_codings("br;q=0, gzip;q=0.5"), (false, true));
        assert_eq!(accepted_codings("identity"), (false, false));
        assert_eq!(accepted_codings("*"), (true, true));
        assert_eq!(accepted_codings(""), (false, false));
    }

    #[test]
    fn trunk_hashes_are_recognised() {
        assert!(is_hashed("qufabric-dashboard-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed("qufabric-dashboard-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed("style-0123456789abcdef.css"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("pocketid.svg"));
        assert!(!is_hashed("qufabric-dashboard.js"));
    }

    #[test]
    fn files_are_compressed_once_and_served_by_preference() {
        let dir = tempfile::tempdir().unwrap();
        let wasm = "(module)".repeat(500);
        std::fs::write(dir.path().join("app-0123456789abcdef_bg.wasm"), &wasm).unwrap();
        std::fs::write(dir.path().join("tiny.css"), "a{}").unwrap();
        let assets = Assets::load(Some(dir.path()));
        let asset = assets.get("/app-0123456789abcdef_bg.wasm").unwrap();
        // Gzip is there from the start.
        assert_eq!(asset.body_for((false, true)).1, Coding::Gzip);
        assets.compress_all();
        assert!(asset.immutable && asset.varies());
        let (body, coding) = asset.body_for((true, true));
        assert_eq!(coding, Coding::Brotli);
        assert!(body.len() < wasm.len());
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &body[..], &mut plain).unwrap();
        assert_eq!(plain, wasm.as_bytes());
        assert_eq!(asset.body_for((false, true)).1, Coding::Gzip);
        assert_eq!(asset.body_for((false, false)).1, Coding::Identity);
        let tiny = assets.get("/tiny.css").unwrap();
        assert!(!tiny.varies() && !tiny.immutable);
        assert_eq!(tiny.body_for((true, true)).1, Coding::Identity);
    }
}
