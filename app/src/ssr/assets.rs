//! The built site's file names. A release build (`hash-files` in the workspace's leptos
//! metadata) names the entry files `shop.<hash>.{js,wasm,css}` and writes their hashes to a
//! hash file next to the server binary; a name changes exactly when its content does, so
//! `/pkg` can be cached for a year. A build without hashes (a plain `cargo build` for the
//! tests) keeps `shop.css`, and `/pkg` is then revalidated on every use.
//!
//! Read once at start-up, before the first page: the page shell and the `/pkg` service
//! both ask [`current`].

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What the shell links to and how `/pkg` is cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteAssets {
    /// The entry files carry content hashes (and the hash file named them).
    pub hashed: bool,
    /// The stylesheet's file name inside `pkg/`.
    pub stylesheet: String,
    /// The wasm-split loader's file name inside `pkg/` (a `--split` build): `shop.js`
    /// imports it, and pages with islands preload it beside `shop.js` so that it does not
    /// wait for `shop.js` to arrive.
    pub split_loader: Option<String>,
    /// The hash file leptos reads for the script names (`LEPTOS_HASH_FILE_NAME`, relative
    /// to the server binary's directory unless absolute).
    pub hash_file: String,
}

static ASSETS: OnceLock<SiteAssets> = OnceLock::new();

impl SiteAssets {
    /// Plain names: what a build without hashes has.
    pub fn plain(hash_file: &str) -> SiteAssets {
        SiteAssets {
            hashed: false,
            stylesheet: "shop.css".to_owned(),
            split_loader: None,
            hash_file: hash_file.to_owned(),
        }
    }

    /// Reads the hash file (`hash_file`, resolved as leptos resolves it) and checks that
    /// the files it names are in `site_root/pkg`. No `pkg` directory or no hash file means
    /// plain names; a hash file naming files that are not there (a stale build) is an
    /// error, because the pages would link to nothing.
    pub fn load(site_root: &str, hash_file: &str) -> Result<SiteAssets, String> {
        let pkg = Path::new(site_root).join("pkg");
        if !pkg.is_dir() {
            // No site built here (the integration tests' servers): nothing to link to either way.
            return Ok(SiteAssets::plain(hash_file));
        }
        let path = resolve(hash_file);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(SiteAssets::plain(hash_file))
            }
            Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
        };
        let hash = |kind: &str| {
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(k, _)| k.trim() == kind)
                .map(|(_, h)| h.trim().to_owned())
                .filter(|h| !h.is_empty())
        };
        let mut names = Vec::new();
        for kind in ["js", "wasm", "css"] {
            let hash =
                hash(kind).ok_or_else(|| format!("{} names no `{kind}` file", path.display()))?;
            let name = format!("shop.{hash}.{kind}");
            if !pkg.join(&name).is_file() {
                return Err(format!(
                    "{} names {name}, which is not in {}: build the site and the server together (make release)",
                    path.display(),
                    pkg.display()
                ));
            }
            names.push(name);
        }
        let split_loader = hash("split")
            .map(|hash| format!("__wasm_split.{hash}.js"))
            .filter(|name| pkg.join(name).is_file());
        Ok(SiteAssets {
            hashed: true,
            stylesheet: names.pop().unwrap_or_default(),
            split_loader,
            hash_file: hash_file.to_owned(),
        })
    }

    /// Copies the hash file where only this process reads it, and names the copy: leptos
    /// reads the hash file on every page, and a deploy that puts the next build's hash file
    /// beside the binary must not change the names a running server links to (nor take the
    /// file away from it). Plain names need no copy.
    pub fn pinned(self) -> Result<SiteAssets, String> {
        if !self.hashed {
            return Ok(self);
        }
        let from = resolve(&self.hash_file);
        let to = std::env::temp_dir().join(format!("shop-{}-hash.txt", std::process::id()));
        std::fs::copy(&from, &to)
            .map_err(|err| format!("cannot copy {} to {}: {err}", from.display(), to.display()))?;
        let hash_file = to
            .to_str()
            .ok_or_else(|| format!("{} is not UTF-8", to.display()))?
            .to_owned();
        Ok(SiteAssets { hash_file, ..self })
    }
}

/// The hash file's path: leptos joins the name to the server binary's directory (an
/// absolute name stays as it is).
fn resolve(hash_file: &str) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(hash_file)
}

/// Sets the names for the life of the process (the first call wins).
pub fn set(assets: SiteAssets) {
    let _ = ASSETS.set(assets);
}

/// The names set at start-up, or plain names (unit tests render without a site).
pub fn current() -> &'static SiteAssets {
    ASSETS.get_or_init(|| SiteAssets::plain("hash.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Site(PathBuf);
    impl Site {
        fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Site {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn site(files: &[&str]) -> Site {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("shop-assets-{}-{n}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).expect("pkg");
        for f in files {
            std::fs::write(dir.join("pkg").join(f), "x").expect("write");
        }
        Site(dir)
    }

    #[test]
    fn no_hash_file_means_plain_names() {
        let dir = site(&["shop.css"]);
        let missing = dir.path().join("hash.txt");
        let assets = SiteAssets::load(
            dir.path().to_str().expect("utf-8"),
            missing.to_str().expect("utf-8"),
        )
        .expect("load");
        assert_eq!(assets, SiteAssets::plain(missing.to_str().expect("utf-8")));
    }

    #[test]
    fn a_hash_file_names_the_hashed_stylesheet_and_a_stale_one_is_refused() {
        let dir = site(&["shop.AAA.js", "shop.BBB.wasm", "shop.CCC.css"]);
        let root = dir.path().to_str().expect("utf-8").to_owned();
        let hash_file = dir.path().join("hash.txt");
        let hash_file = hash_file.to_str().expect("utf-8");
        std::fs::write(hash_file, "js: AAA\nwasm: BBB\ncss: CCC\nsplit: DDD\n").expect("write");
        let assets = SiteAssets::load(&root, hash_file).expect("load");
        assert!(assets.hashed);
        assert_eq!(assets.stylesheet, "shop.CCC.css");
        // The hash file names a split loader that was not built: none to preload.
        assert_eq!(assets.split_loader, None);

        std::fs::write(hash_file, "js: AAA\nwasm: BBB\ncss: OLD\n").expect("write");
        let err = SiteAssets::load(&root, hash_file).expect_err("stale");
        assert!(err.contains("shop.OLD.css"), "{err}");
        std::fs::write(hash_file, "js: AAA\nwasm: BBB\n").expect("write");
        assert!(SiteAssets::load(&root, hash_file).is_err());
    }
}
