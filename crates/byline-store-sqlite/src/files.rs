//! Files of a site: the data directory and what is in it hold password
//! hashes, session hashes, the site secret and every commenter's email, so
//! only the site's own user may read them.

use std::path::Path;

use byline_store::{StoreError, StoreResult};

/// Creates `dir` (and its parents) readable by the owner only; an existing
/// directory is tightened to that.
pub fn create_private_dir(dir: &Path) -> StoreResult<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| StoreError::Backend(format!("cannot create data directory {}: {e}", dir.display())))?;
    restrict(dir, 0o700)
}

/// Makes `file` readable and writable by the owner only, if it exists.
pub fn restrict_file(file: &Path) -> StoreResult<()> {
    if file.exists() { restrict(file, 0o600) } else { Ok(()) }
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> StoreResult<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| StoreError::Backend(format!("cannot restrict the permissions of {}: {e}", path.display())))
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: u32) -> StoreResult<()> {
    Ok(())
}
