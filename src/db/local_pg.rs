//! A private PostgreSQL cluster for development and tests.
//!
//! `cargo run` and `cargo test` must work on a machine that has PostgreSQL's
//! server binaries but no database set up for us. When no database URL is
//! configured, the program runs its own cluster under `<root>/var/`:
//! data in `var/pgdata`, a Unix socket in `var/run`, the server log in
//! `var/pg.log`. It listens on no TCP address, so it never clashes with a
//! system server on 127.0.0.1:5432; the port only names the socket file.
//!
//! `initdb` and `postgres` refuse to run as root, so as root we run them
//! through `runuser -u postgres`. Everything here blocks: call it before the
//! tokio runtime starts or from `spawn_blocking`.

use std::ffi::OsString;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Names the socket file `.s.PGSQL.5432`; no TCP port is opened.
const PORT: u16 = 5432;
/// Both the database superuser and, when we are root, the OS user.
const PG_USER: &str = "postgres";
const BINDIR_ENV: &str = "FOTOSTUDIO_PG_BINDIR";
/// `sun_path` holds 108 bytes including the trailing NUL.
const MAX_SOCKET_PATH: usize = 107;
const HINT: &str = "install the PostgreSQL server (Debian: `apt-get install postgresql`), \
                    set FOTOSTUDIO_PG_BINDIR to its bin directory, or set DATABASE_URL to use an existing database";

/// Why the private cluster could not be located, started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum LocalPgError {
    #[error("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; searched: {searched}. To fix: {HINT}")]
    NotFound { searched: String },
    #[error("{BINDIR_ENV}={0} has no initdb, pg_ctl and postgres in it. To fix: {HINT}")]
    BadBindir(PathBuf),
    #[error(
        "running as root, where initdb and postgres refuse to run, and there is no `{PG_USER}` OS user to run them as; create one (`useradd --system {PG_USER}`), run as a normal user, or set DATABASE_URL"
    )]
    NoUnprivilegedUser,
    #[error(
        "OS user `{user}` cannot write to {path}: every directory above it must be traversable (chmod o+x) by that user, or set DATABASE_URL"
    )]
    NotAccessible { user: String, path: PathBuf },
    #[error("cannot use {path} for the private cluster: {reason}")]
    BadPath { path: PathBuf, reason: &'static str },
    #[error("{0} is not empty but holds no PG_VERSION, so it is not a cluster we made; move it away and retry")]
    NotACluster(PathBuf),
    #[error("could not run `{command}`: {source}")]
    Spawn { command: String, source: io::Error },
    #[error("`{command}` failed ({status}):\n{output}")]
    Command { command: String, status: String, output: String },
    #[error("{context}: {source}")]
    Io { context: String, source: io::Error },
}

/// A private PostgreSQL cluster under `<root>/var/`.
#[derive(Debug)]
pub struct LocalPostgres {
    /// Absolute, because the commands run with `/` as working directory.
    var: PathBuf,
    bindir: PathBuf,
    /// The user to run server programs as when we are root.
    run_as: Option<OsUser>,
}

#[derive(Debug)]
struct OsUser {
    name: &'static str,
    uid: u32,
    gid: u32,
}

impl LocalPostgres {
    /// Locates the server binaries; does not start anything. Errors say what
    /// is missing and how to fix it (install postgresql, or set DATABASE_URL).
    pub fn locate(root: &Path) -> Result<LocalPostgres, LocalPgError> {
        let root = std::path::absolute(root).map_err(io_err("resolving", root))?;
        let bad = |reason| LocalPgError::BadPath { path: root.clone(), reason };
        // The socket dir goes through pg_ctl's shell inside single quotes, and into URLs.
        let text = root.to_str().ok_or_else(|| bad("the path is not UTF-8"))?;
        if text.contains('\'') {
            return Err(bad("the path contains a single quote"));
        }
        let bindir = find_bindir(&BindirSources::from_system())?;
        let run_as = if current_euid()? == 0 { Some(OsUser::lookup(PG_USER)?) } else { None };
        let pg = LocalPostgres { var: root.join("var"), bindir, run_as };
        let socket = pg.socket_dir().join(format!(".s.PGSQL.{PORT}"));
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(bad("the socket path would exceed the Unix limit of 107 bytes"));
        }
        Ok(pg)
    }

    /// initdb if `var/pgdata` has no PG_VERSION, then start the server if it
    /// is not running. Safe to call from several processes or threads at once
    /// (an exclusive lock on `var/pg.lock` is held meanwhile). Returns whether
    /// this call started the server, i.e. whether the caller should stop it.
    pub fn ensure_running(&self) -> Result<bool, LocalPgError> {
        let _lock = self.lock()?;
        self.prepare_dirs()?;
        if !self.pgdata().join("PG_VERSION").is_file() {
            self.initdb()?;
        }
        if self.is_running() {
            return Ok(false);
        }
        // A crashed postmaster stays a zombie until PID 1 reaps it (on this
        // kind of VM that takes seconds), and postgres takes the zombie's pid
        // file for a live server; wait rather than fail the start.
        for _ in 0..100 {
            if !self.postmaster_is_zombie() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        self.start()?;
        Ok(true)
    }

    /// `pg_ctl -m fast -w stop`; Ok if it was not running. Data is kept.
    pub fn stop(&self) -> Result<(), LocalPgError> {
        if !self.pgdata().join("PG_VERSION").is_file() {
            return Ok(()); // never initialised, so nothing can be running
        }
        let _lock = self.lock()?; // don't stop a server halfway through starting
        if !self.is_running() {
            return Ok(());
        }
        let mut cmd = self.pg_command("pg_ctl");
        cmd.args(["stop", "-m", "fast", "-w", "-D"]).arg(self.pgdata());
        run(cmd, None)
    }

    /// Whether the server runs: postmaster.pid present and `pg_ctl status` says so
    /// (which also sees through a stale pid file left by a crash).
    pub fn is_running(&self) -> bool {
        if !self.pgdata().join("postmaster.pid").is_file() || self.postmaster_is_zombie() {
            return false;
        }
        let mut cmd = self.pg_command("pg_ctl");
        cmd.arg("status").arg("-D").arg(self.pgdata());
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        cmd.status().is_ok_and(|s| s.success())
    }

    /// Whether the pid file names a zombie, which `pg_ctl status` (kill -0)
    /// would report as running.
    fn postmaster_is_zombie(&self) -> bool {
        let pid_file = fs::read_to_string(self.pgdata().join("postmaster.pid")).unwrap_or_default();
        let Some(pid) = pid_file.lines().next().and_then(|l| l.trim().parse::<u32>().ok()) else {
            return false;
        };
        // /proc/<pid>/stat: "pid (comm) state ..."; comm may contain ')'.
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z'))
    }

    /// The directory holding the server's Unix socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.var.join("run")
    }

    /// `postgres://postgres@localhost:5432/<database>?host=<socket_dir>`, as sqlx
    /// and libpq accept it; the port only selects the socket file name.
    pub fn url(&self, database: &str) -> String {
        let host = percent_encode(&self.socket_dir().to_string_lossy(), true);
        format!("postgres://{PG_USER}@localhost:{PORT}/{}?host={host}", percent_encode(database, false))
    }

    /// The port number in the socket file name (`.s.PGSQL.<port>`).
    pub fn port(&self) -> u16 {
        PORT
    }

    fn pgdata(&self) -> PathBuf {
        self.var.join("pgdata")
    }

    fn log_file(&self) -> PathBuf {
        self.var.join("pg.log")
    }

    /// Serialises initdb/start/stop between threads and processes (each call
    /// opens its own handle, so threads of one process exclude each other too).
    fn lock(&self) -> Result<File, LocalPgError> {
        fs::create_dir_all(&self.var).map_err(io_err("creating", &self.var))?;
        let path = self.var.join("pg.lock");
        let mut options = OpenOptions::new();
        let file = options.create(true).truncate(false).write(true).open(&path);
        let file = file.map_err(io_err("opening", &path))?;
        file.lock().map_err(io_err("locking", &path))?;
        Ok(file)
    }

    /// Creates the socket dir and log file, owned by the user the server runs as.
    fn prepare_dirs(&self) -> Result<(), LocalPgError> {
        let run_dir = self.socket_dir();
        let mut dir = DirBuilder::new();
        dir.recursive(true).mode(0o755).create(&run_dir).map_err(io_err("creating", &run_dir))?;
        let log = self.log_file();
        let mut options = OpenOptions::new();
        options.create(true).append(true).open(&log).map_err(io_err("creating", &log))?;
        let Some(user) = &self.run_as else {
            return Ok(());
        };
        self.give_to_user(&run_dir)?;
        self.give_to_user(&log)?;
        // Fails when some directory above the root is closed to that user.
        let mut probe = Command::new("runuser");
        probe.args(["-u", user.name, "--", "test", "-w"]).arg(&run_dir);
        if !probe.status().is_ok_and(|s| s.success()) {
            return Err(LocalPgError::NotAccessible { user: user.name.into(), path: run_dir });
        }
        Ok(())
    }

    fn give_to_user(&self, path: &Path) -> Result<(), LocalPgError> {
        let Some(u) = &self.run_as else { return Ok(()) };
        std::os::unix::fs::chown(path, Some(u.uid), Some(u.gid)).map_err(io_err("chown", path))
    }

    /// Runs initdb in a staging dir and renames it into place, so a
    /// `var/pgdata` with PG_VERSION always holds a complete cluster even if an
    /// earlier initdb was interrupted.
    fn initdb(&self) -> Result<(), LocalPgError> {
        let pgdata = self.pgdata();
        // remove_dir only removes an empty directory: never anyone's data.
        if pgdata.exists() && fs::remove_dir(&pgdata).is_err() {
            return Err(LocalPgError::NotACluster(pgdata));
        }
        let staging = self.var.join("pgdata.init");
        let mut last_error = None;
        // C.UTF-8 sorts like C but knows Unicode classes; not every libc has it.
        for locale in ["C.UTF-8", "C"] {
            if staging.exists() {
                fs::remove_dir_all(&staging).map_err(io_err("removing", &staging))?;
            }
            let mut dir = DirBuilder::new();
            dir.mode(0o700).create(&staging).map_err(io_err("creating", &staging))?;
            self.give_to_user(&staging)?;
            let mut cmd = self.pg_command("initdb");
            cmd.arg("-D").arg(&staging);
            // --no-sync: a fresh dev cluster is cheap to recreate; this saves seconds per run.
            cmd.args(["-U", PG_USER, "--auth=trust", "-E", "UTF8", "--no-sync"]);
            cmd.arg(format!("--locale={locale}"));
            match run(cmd, None) {
                Ok(_) => {
                    return fs::rename(&staging, &pgdata).map_err(io_err("renaming", &staging));
                }
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.expect("at least one locale was tried"))
    }

    fn start(&self) -> Result<(), LocalPgError> {
        // pg_ctl hands -o to /bin/sh: `listen_addresses=''` becomes an empty
        // value (no TCP), and the socket path is single-quoted (checked in locate).
        // -k also keeps us off Debian's default /var/run/postgresql, which the
        // system server uses.
        let options = format!(
            "-c listen_addresses='' -k '{}' -p {PORT} -c max_connections=200 -c shared_buffers=128MB",
            self.socket_dir().display()
        );
        let mut cmd = self.pg_command("pg_ctl");
        cmd.args(["start", "-w", "-t", "60", "-D"]).arg(self.pgdata());
        cmd.arg("-l").arg(self.log_file()).arg("-o").arg(options);
        // pg_ctl only says "could not start server"; the reason is in the log.
        run(cmd, Some(&self.log_file()))
    }

    /// A command for a server program, run as the unprivileged user if we are root.
    fn pg_command(&self, program: &str) -> Command {
        let exe = self.bindir.join(program);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user.name, "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        // Our working directory (e.g. /root) may be closed to the postgres user.
        cmd.current_dir("/").stdin(Stdio::null());
        cmd
    }
}

impl OsUser {
    fn lookup(name: &'static str) -> Result<OsUser, LocalPgError> {
        match (id(&["-u", name]), id(&["-g", name])) {
            (Some(uid), Some(gid)) => Ok(OsUser { name, uid, gid }),
            _ => Err(LocalPgError::NoUnprivilegedUser),
        }
    }
}

/// The effective uid, from /proc (no libc crate), else from `id -u`.
fn current_euid() -> Result<u32, LocalPgError> {
    let from_proc = fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        // "Uid:\treal\teffective\tsaved\tfs"
        let line = s.lines().find(|l| l.starts_with("Uid:"))?;
        line.split_whitespace().nth(2)?.parse().ok()
    });
    from_proc.or_else(|| id(&["-u"])).ok_or_else(|| LocalPgError::Spawn {
        command: "id -u".into(),
        source: io::Error::other("could not tell whether we run as root"),
    })
}

/// Runs `id <args>` for a numeric id.
fn id(args: &[&str]) -> Option<u32> {
    let out = Command::new("id").args(args).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    out.status.success().then(|| text.trim().parse().ok())?
}

/// Where to look for the server binaries, separated from the system so the
/// search order can be tested.
struct BindirSources {
    env: Option<PathBuf>,
    pg_config: Option<PathBuf>,
    /// Debian's `/usr/lib/postgresql`, holding `<major>/bin`.
    versioned_root: PathBuf,
    /// The source-build default `/usr/local/pgsql/bin`.
    source_default: PathBuf,
    path: Option<OsString>,
}

impl BindirSources {
    fn from_system() -> BindirSources {
        let pg_config = Command::new("pg_config")
            .arg("--bindir")
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
        BindirSources {
            env: std::env::var_os(BINDIR_ENV).filter(|v| !v.is_empty()).map(PathBuf::from),
            pg_config,
            versioned_root: "/usr/lib/postgresql".into(),
            source_default: "/usr/local/pgsql/bin".into(),
            path: std::env::var_os("PATH"),
        }
    }
}

/// Order: env override, `pg_config --bindir`, highest `/usr/lib/postgresql/<major>/bin`
/// that has the server (a newer client-only package has psql there but no initdb),
/// `/usr/local/pgsql/bin`, then PATH.
fn find_bindir(src: &BindirSources) -> Result<PathBuf, LocalPgError> {
    if let Some(dir) = &src.env {
        // An explicit setting that is wrong must not be silently overridden.
        return if has_server(dir) { Ok(dir.clone()) } else { Err(LocalPgError::BadBindir(dir.clone())) };
    }
    let mut candidates: Vec<PathBuf> = src.pg_config.iter().cloned().collect();
    let mut versioned: Vec<(Vec<u32>, PathBuf)> = fs::read_dir(&src.versioned_root)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let name = e.ok()?.file_name();
            let version = name.to_str()?.split('.').map(|p| p.parse().ok()).collect::<Option<Vec<u32>>>()?;
            Some((version, src.versioned_root.join(&name).join("bin")))
        })
        .collect();
    versioned.sort_by(|a, b| b.0.cmp(&a.0));
    candidates.extend(versioned.into_iter().map(|(_, dir)| dir));
    candidates.push(src.source_default.clone());
    candidates.extend(src.path.iter().flat_map(std::env::split_paths));
    candidates.iter().find(|d| has_server(d)).cloned().ok_or_else(|| LocalPgError::NotFound {
        searched: format!(
            "{BINDIR_ENV} (unset), pg_config --bindir, {}/*/bin, {}, PATH",
            src.versioned_root.display(),
            src.source_default.display()
        ),
    })
}

fn has_server(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"].iter().all(|p| dir.join(p).is_file())
}

/// Runs a command; on failure the error shows the command and the tail of its
/// output, plus the tail of `log` if given.
fn run(mut cmd: Command, log: Option<&Path>) -> Result<(), LocalPgError> {
    let shown = std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    let out = cmd.output().map_err(|source| LocalPgError::Spawn { command: shown.clone(), source })?;
    if out.status.success() {
        return Ok(());
    }
    let mut output = tail(&[out.stdout.as_slice(), out.stderr.as_slice()].concat());
    if let Some(log) = log {
        let text = fs::read(log).unwrap_or_default();
        output += &format!("\n--- tail of {} ---\n{}", log.display(), tail(&text));
    }
    let status = out.status.to_string();
    Err(LocalPgError::Command { command: shown, status, output })
}

/// The last 20 lines: enough to show PostgreSQL's error without its banner.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn percent_encode(s: &str, keep_slash: bool) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            b'/' if keep_slash => "/".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Maps an io::Error to one that says what was being done to which path.
fn io_err(action: &str, path: &Path) -> impl FnOnce(io::Error) -> LocalPgError {
    let context = format!("{action} {}", path.display());
    move |source| LocalPgError::Io { context, source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A scratch root under /tmp (traversable by the postgres user); on drop
    /// it stops any cluster in it and removes it, even after a failed assert.
    struct TempRoot(PathBuf);

    impl TempRoot {
        fn new(name: &str) -> TempRoot {
            let path = PathBuf::from(format!("/tmp/localpg-test-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
            TempRoot(path)
        }
    }

    impl Drop for TempRoot {
        fn drop(&mut self) {
            if let Ok(pg) = LocalPostgres::locate(&self.0) {
                let _ = pg.stop();
            }
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn touch_server(dir: &Path) {
        fs::create_dir_all(dir).unwrap();
        for p in ["initdb", "pg_ctl", "postgres"] {
            fs::write(dir.join(p), "").unwrap();
        }
    }

    /// A tree with a server binary dir for every source, so each test can
    /// knock out the better ones and see which is picked next.
    fn sources(root: &Path) -> BindirSources {
        for d in ["env", "pgconfig", "lib/9.6/bin", "lib/15/bin", "local", "path2"] {
            touch_server(&root.join(d));
        }
        // A newer client-only package: bin dir exists, without initdb.
        fs::create_dir_all(root.join("lib/16/bin")).unwrap();
        fs::write(root.join("lib/16/bin/psql"), "").unwrap();
        fs::create_dir_all(root.join("lib/not-a-version/bin")).unwrap();
        fs::create_dir_all(root.join("path1")).unwrap();
        BindirSources {
            env: Some(root.join("env")),
            pg_config: Some(root.join("pgconfig")),
            versioned_root: root.join("lib"),
            source_default: root.join("local"),
            path: Some(std::env::join_paths([root.join("path1"), root.join("path2")]).unwrap()),
        }
    }

    #[test]
    fn bindir_lookup_order() {
        let root = TempRoot::new("bindir");
        let r = &root.0;
        let mut src = sources(r);
        assert_eq!(find_bindir(&src).unwrap(), r.join("env"));
        src.env = None;
        assert_eq!(find_bindir(&src).unwrap(), r.join("pgconfig"));
        // pg_config of a client-only install names a dir without initdb.
        fs::remove_file(r.join("pgconfig/initdb")).unwrap();
        assert_eq!(find_bindir(&src).unwrap(), r.join("lib/15/bin"));
        src.pg_config = None;
        assert_eq!(find_bindir(&src).unwrap(), r.join("lib/15/bin"));
        fs::remove_dir_all(r.join("lib/15")).unwrap();
        assert_eq!(find_bindir(&src).unwrap(), r.join("lib/9.6/bin"));
        fs::remove_dir_all(r.join("lib")).unwrap();
        assert_eq!(find_bindir(&src).unwrap(), r.join("local"));
        fs::remove_dir_all(r.join("local")).unwrap();
        assert_eq!(find_bindir(&src).unwrap(), r.join("path2"));
        src.path = None;
        let err = find_bindir(&src).unwrap_err();
        assert!(matches!(err, LocalPgError::NotFound { .. }));
        let msg = err.to_string();
        assert!(msg.contains("apt-get install postgresql") && msg.contains("DATABASE_URL"), "{msg}");
    }

    #[test]
    fn bad_env_bindir_is_an_error_not_skipped() {
        let root = TempRoot::new("badenv");
        let mut src = sources(&root.0);
        src.env = Some(root.0.join("path1"));
        let err = find_bindir(&src).unwrap_err();
        assert!(matches!(err, LocalPgError::BadBindir(_)));
        assert!(err.to_string().contains(BINDIR_ENV), "{err}");
    }

    #[test]
    fn url_names_the_socket_dir() {
        let pg = LocalPostgres { var: "/srv/my app/var".into(), bindir: "/x".into(), run_as: None };
        assert_eq!(pg.url("foto_db"), "postgres://postgres@localhost:5432/foto_db?host=/srv/my%20app/var/run");
        assert_eq!(pg.url("a/b"), "postgres://postgres@localhost:5432/a%2Fb?host=/srv/my%20app/var/run");
    }

    fn psql(pg: &LocalPostgres, sql: &str) -> String {
        let out = Command::new("psql")
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", &pg.url("postgres"), "-c", sql])
            .output()
            .expect("psql on PATH");
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    #[test]
    fn start_use_stop_restart_keeps_data() {
        let root = TempRoot::new("lifecycle");
        let pg = LocalPostgres::locate(&root.0).unwrap();
        assert!(!pg.is_running());
        pg.stop().unwrap(); // not running yet: still Ok
        assert!(pg.ensure_running().unwrap(), "first call starts the server");
        assert!(!pg.ensure_running().unwrap(), "second call finds it running");
        assert!(pg.is_running());

        // By socket dir and port, as the brief's psql line does...
        let out = Command::new("psql")
            .args(["-X", "-A", "-t", "-h"])
            .arg(pg.socket_dir())
            .args(["-p", &pg.port().to_string(), "-U", "postgres", "-d", "postgres", "-c", "select 1"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
        // ...and by the URL the program uses.
        assert_eq!(psql(&pg, "show listen_addresses"), "");
        assert_eq!(psql(&pg, "show max_connections"), "200");
        psql(&pg, "create table kept (v text); insert into kept values ('still here')");

        pg.stop().unwrap();
        assert!(!pg.is_running());
        pg.stop().unwrap();

        assert!(pg.ensure_running().unwrap());
        assert_eq!(psql(&pg, "select v from kept"), "still here");
        pg.stop().unwrap();
        assert!(!pg.is_running());
    }

    #[test]
    fn concurrent_ensure_running_starts_once() {
        let root = TempRoot::new("concurrent");
        let path = root.0.clone();
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || LocalPostgres::locate(&path).unwrap().ensure_running().unwrap())
            })
            .collect();
        let started: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(started.iter().filter(|s| **s).count(), 1, "{started:?}");
        let pg = LocalPostgres::locate(&path).unwrap();
        assert!(pg.is_running());
        assert_eq!(psql(&pg, "select 1"), "1");
    }

    #[test]
    fn restarts_after_a_crash() {
        let root = TempRoot::new("crash");
        let pg = LocalPostgres::locate(&root.0).unwrap();
        assert!(pg.ensure_running().unwrap());
        let pid_file = fs::read_to_string(pg.pgdata().join("postmaster.pid")).unwrap();
        let pid = pid_file.lines().next().unwrap().trim().to_string();
        assert!(Command::new("kill").args(["-9", &pid]).status().unwrap().success());
        // Wait until the kill has landed (dead, or a zombie not yet reaped).
        let gone = || !pg.is_running();
        for _ in 0..100 {
            if gone() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(gone(), "killed server still reported running");
        assert!(pg.ensure_running().unwrap(), "a crashed server is started again");
        assert_eq!(psql(&pg, "select 1"), "1");
    }
}
