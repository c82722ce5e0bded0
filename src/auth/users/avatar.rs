//! Avatar files: the type is read from the bytes (JPEG, PNG or WebP only, whatever the
//! client claims), the size is bounded, and the file is stored under the studio's own folder
//! with a generated name. Nothing from the client ever becomes part of a path, and a file
//! is only ever looked up under the studio of the request.

use std::path::PathBuf;

use uuid::Uuid;

/// At most 2 MiB.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// The image type of `bytes`, from its signature: (content type, file extension).
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(("image/jpeg", "jpg")),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(("image/png", "png")),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(("image/webp", "webp")),
        _ => None,
    }
}

/// Whether a stored name is one we generated (a UUID and a known extension).
fn is_generated_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    Uuid::parse_str(stem).is_ok() && stem.len() == 36 && matches!(ext, "jpg" | "png" | "webp")
}

/// Where avatars live: `<data_dir>/tenants/<tenant id>/avatars/<uuid>.<ext>`.
#[derive(Debug, Clone)]
pub struct AvatarStore {
    root: PathBuf,
}

impl AvatarStore {
    pub fn new(data_dir: PathBuf) -> AvatarStore {
        AvatarStore { root: data_dir }
    }

    fn dir(&self, tenant: Uuid) -> PathBuf {
        self.root.join("tenants").join(tenant.to_string()).join("avatars")
    }

    /// Writes a new file (to a temporary name, then renamed, so a reader never sees half a
    /// file) and returns its generated name.
    pub async fn save(&self, tenant: Uuid, bytes: &[u8], extension: &str) -> std::io::Result<String> {
        let dir = self.dir(tenant);
        tokio::fs::create_dir_all(&dir).await?;
        let name = format!("{}.{extension}", Uuid::new_v4());
        let partial = dir.join(format!(".{name}.partial"));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, dir.join(&name)).await?;
        Ok(name)
    }

    /// Reads a studio's file by its stored name.
    pub async fn read(&self, tenant: Uuid, name: &str) -> std::io::Result<Vec<u8>> {
        if !is_generated_name(name) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a stored avatar name"));
        }
        tokio::fs::read(self.dir(tenant).join(name)).await
    }

    /// Removes a replaced file; a missing one is fine.
    pub async fn remove(&self, tenant: Uuid, name: &str) {
        if is_generated_name(name) {
            let _ = tokio::fs::remove_file(self.dir(tenant).join(name)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(("image/jpeg", "jpg")));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(("image/png", "png")));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(("image/webp", "webp")));
        assert_eq!(sniff(b"GIF89a......"), None);
        assert_eq!(sniff(b"<svg xmlns=...>"), None);
        assert_eq!(sniff(b"hello, I am text"), None);
    }

    #[test]
    fn only_generated_names_are_read() {
        assert!(is_generated_name("0b9e6f3c-3b0a-4a4e-9f8e-6b2c8d1e2f3a.png"));
        for bad in ["../../etc/passwd", "x.png", "0b9e6f3c-3b0a-4a4e-9f8e-6b2c8d1e2f3a.svg", "/abs.png"] {
            assert!(!is_generated_name(bad), "{bad}");
        }
    }
}
