//! `server admin …`: account management from the command line, for the first owner (no
//! default password ships) and for recovery; `server backup …`: a copy of the live SQLite
//! database.
//!
//! ```text
//! server admin create --username NAME [--role owner|staff]
//! server backup --to FILE
//! ```
//! The password is read from `SHOP_ADMIN_PASSWORD` if set, else from the first line of
//! standard input, so it never appears in the process list or the shell history.

use app::ssr::admin::store::{self, Role};
use app::ssr::db::{BackupError, Database};
use std::io::BufRead;
use std::process::ExitCode;

const USAGE: &str = "usage: server admin create --username NAME [--role owner|staff]\n\
    The password comes from SHOP_ADMIN_PASSWORD or the first line of standard input.";

pub async fn run(args: &[String], db: &Database) -> ExitCode {
    let mut username = None;
    let mut role = Role::Owner;
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("create") => {}
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--username" => username = it.next().cloned(),
            "--role" => match it.next().and_then(|r| Role::parse(r)) {
                Some(r) => role = r,
                None => {
                    eprintln!("--role must be owner or staff\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("unknown argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(username) = username else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let password = match std::env::var("SHOP_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            let mut line = String::new();
            if std::io::stdin().lock().read_line(&mut line).is_err() {
                eprintln!("could not read the password from standard input");
                return ExitCode::from(2);
            }
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    match store::create(db, &username, &password, role).await {
        Ok(_) => {
            println!("created {} `{username}`", role.code());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("could not create the admin: {err}");
            ExitCode::from(1)
        }
    }
}

const BACKUP_USAGE: &str = "usage: server backup --to FILE\n\
    Writes a consistent copy of the live SQLite database to FILE (which must not exist).";

/// `server backup --to FILE`: the shop keeps running; the copy is the database as of one
/// moment. Restore by stopping the shop and putting the file in the database's place.
pub async fn backup(args: &[String], db: &Database) -> ExitCode {
    let to = match args {
        [flag, path] if flag == "--to" && !path.is_empty() => std::path::PathBuf::from(path),
        _ => {
            eprintln!("{BACKUP_USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    match db.backup_to(&to).await {
        Ok(()) => {
            let bytes = std::fs::metadata(&to).map(|m| m.len()).unwrap_or(0);
            println!(
                "backed up to {} ({bytes} bytes in {} ms)",
                to.display(),
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(err @ (BackupError::Postgres | BackupError::Exists | BackupError::Path)) => {
            eprintln!("no backup: {err}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("no backup: {err}");
            ExitCode::from(1)
        }
    }
}
