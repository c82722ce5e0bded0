//! Uploaded images — users' avatars and finished products' photos — in one store: the type
//! is read from the bytes (JPEG, PNG or WebP only, whatever the client claims), the size is
//! bounded, and each file is stored under its studio's own folder, in a sub-folder per kind,
//! with a generated name: `<data_dir>/tenants/<tenant id>/<avatars|products>/<uuid>.<ext>`.
//! Nothing from the client ever becomes part of a path, and a file is only ever looked up
//! under the studio of the request.

use std::path::PathBuf;

use poem_openapi::Multipart;
use poem_openapi::types::multipart::Upload;
use uuid::Uuid;

use crate::http::{ApiError, ApiResult};

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

/// An upload's bytes checked as an image of at most [`MAX_BYTES`]: its content type and
/// extension (413 when larger, 422 on `file` when it is not a JPEG, PNG or WebP).
pub fn check(bytes: &[u8], what: &str) -> ApiResult<(&'static str, &'static str)> {
    if bytes.len() > MAX_BYTES {
        return Err(ApiError::PayloadTooLarge(format!("{what} is at most 2 MiB")));
    }
    sniff(bytes).ok_or_else(|| ApiError::invalid("file", "must be a JPEG, PNG or WebP image"))
}

/// Whether a stored name is one we generated (a UUID and a known extension).
fn is_generated_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    Uuid::parse_str(stem).is_ok() && stem.len() == 36 && matches!(ext, "jpg" | "png" | "webp")
}

/// The kind of image, and so its sub-folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFolder {
    Avatars,
    Products,
}

impl ImageFolder {
    fn name(self) -> &'static str {
        match self {
            ImageFolder::Avatars => "avatars",
            ImageFolder::Products => "products",
        }
    }
}

/// Where uploaded images live.
#[derive(Debug, Clone)]
pub struct ImageStore {
    root: PathBuf,
}

impl ImageStore {
    /// A store under `data_dir`.
    pub fn new(data_dir: PathBuf) -> ImageStore {
        ImageStore { root: data_dir }
    }

    fn dir(&self, tenant: Uuid, folder: ImageFolder) -> PathBuf {
        self.root.join("tenants").join(tenant.to_string()).join(folder.name())
    }

    /// Writes a new file (to a temporary name, then renamed, so a reader never sees half a
    /// file) and returns its generated name.
    pub async fn save(
        &self,
        tenant: Uuid,
        folder: ImageFolder,
        bytes: &[u8],
        extension: &str,
    ) -> std::io::Result<String> {
        let dir = self.dir(tenant, folder);
        tokio::fs::create_dir_all(&dir).await?;
        let name = format!("{}.{extension}", Uuid::new_v4());
        let partial = dir.join(format!(".{name}.partial"));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, dir.join(&name)).await?;
        Ok(name)
    }

    /// Reads a studio's file by its stored name.
    pub async fn read(&self, tenant: Uuid, folder: ImageFolder, name: &str) -> std::io::Result<Vec<u8>> {
        if !is_generated_name(name) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a stored image name"));
        }
        tokio::fs::read(self.dir(tenant, folder).join(name)).await
    }

    /// Removes a replaced file; a missing one is fine.
    pub async fn remove(&self, tenant: Uuid, folder: ImageFolder, name: &str) {
        if is_generated_name(name) {
            let _ = tokio::fs::remove_file(self.dir(tenant, folder).join(name)).await;
        }
    }
}

/// An image upload: one file in the form field `file`.
#[derive(Debug, Multipart)]
pub struct ImageUpload {
    /// A JPEG, PNG or WebP image of at most 2 MiB (the type is read from the content).
    pub file: Upload,
}

impl ImageUpload {
    /// The uploaded bytes.
    pub async fn bytes(self) -> ApiResult<Vec<u8>> {
        self.file.into_vec().await.map_err(|_| ApiError::BadRequest {
            code: "invalid_body",
            detail: "the upload could not be read".to_owned(),
        })
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

    #[test]
    fn kinds_have_their_own_folder() {
        let store = ImageStore::new(PathBuf::from("/data"));
        let tenant = Uuid::nil();
        assert!(store.dir(tenant, ImageFolder::Avatars).ends_with("avatars"));
        assert!(store.dir(tenant, ImageFolder::Products).ends_with(format!("{tenant}/products")));
    }
}
