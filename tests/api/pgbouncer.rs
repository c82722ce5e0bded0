//! PgBouncer in front of the test server, when `FOTOSTUDIO_TEST_PGBOUNCER=1`.
//!
//! Two private PgBouncer processes (Debian's `pgbouncer`, found on PATH or in /usr/sbin), each
//! on a free loopback port with its own ini and auth file in a temporary directory, both
//! pointing at the same PostgreSQL server as the rest of the tests:
//!
//! - one in `pool_mode = transaction` with a deliberately small server pool (3 connections
//!   per database), so that the app's 4 tenant connections really do share server
//!   connections; the apps' `database.url` points here;
//! - one in `pool_mode = session`, for what needs a session of its own (the catalog pool,
//!   migrations, the `LISTEN`er); the apps' `database.session_url` points here.
//!
//! Both are started once per test process and stopped when it exits, however it exits: each
//! runs under a small shell that waits on a pipe from this process and kills PgBouncer (and
//! removes the directory) when the pipe closes.

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;

/// The server pool of the transaction-pooling bouncer, per database: fewer than the app's
/// tenant connections (`database.max_connections` = 4 in config/test.toml).
const TRANSACTION_POOL_SIZE: u32 = 3;

/// Whether the tests run through PgBouncer.
pub fn enabled() -> bool {
    std::env::var("FOTOSTUDIO_TEST_PGBOUNCER").is_ok_and(|v| v == "1")
}

/// The running bouncers: the transaction-pooling one and the session-pooling one.
pub struct Bouncers {
    transaction: Bouncer,
    session: Bouncer,
}

struct Bouncer {
    port: u16,
    user: String,
    /// Kept open for the life of the process: its closing stops PgBouncer.
    _stdin: Mutex<ChildStdin>,
    /// The shell that waits on that pipe; it ends (and is reaped) with this process.
    _shell: Mutex<Child>,
}

impl Bouncer {
    fn url(&self, database: &str) -> String {
        format!("postgres://{}@127.0.0.1:{}/{database}", self.user, self.port)
    }
}

impl Bouncers {
    /// Database `name` through the transaction-pooling bouncer.
    pub fn transaction_url(&self, name: &str) -> String {
        self.transaction.url(name)
    }

    /// Database `name` through the session-pooling bouncer.
    pub fn session_url(&self, name: &str) -> String {
        self.session.url(name)
    }
}

/// Starts both bouncers in front of the server of `direct_url` (once per process).
pub fn bouncers(direct_url: &str) -> &'static Bouncers {
    static BOUNCERS: OnceLock<Bouncers> = OnceLock::new();
    BOUNCERS.get_or_init(|| {
        let target = PgConnectOptions::from_str(direct_url).expect("the test server's URL parses");
        Bouncers {
            transaction: start(&target, "transaction", TRANSACTION_POOL_SIZE),
            session: start(&target, "session", 20),
        }
    })
}

fn binary() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("pgbouncer"))
        .find(|p| p.is_file());
    on_path.expect(
        "FOTOSTUDIO_TEST_PGBOUNCER=1 needs PgBouncer: install it (Debian: `apt-get install pgbouncer`) \
         or unset FOTOSTUDIO_TEST_PGBOUNCER",
    )
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).and_then(|l| l.local_addr()).expect("a free port").port()
}

/// The uid and gid of `name`, from /etc/passwd.
fn os_user(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() > 3 && fields[0] == name).then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))?
    })
}

fn is_root() -> bool {
    // The owner of /proc/self is this process's effective uid.
    std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").expect("/proc/self")) == 0
}

fn start(target: &PgConnectOptions, mode: &str, pool_size: u32) -> Bouncer {
    let port = free_port();
    let user = target.get_username().to_owned();
    let dir = std::env::temp_dir().join(format!("fotostudio-pgbouncer-{}-{mode}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the PgBouncer directory");
    // A Unix-socket server (the private cluster) is named by its directory.
    let host = match target.get_socket() {
        Some(socket) => socket.display().to_string(),
        None => target.get_host().to_owned(),
    };
    let ini = dir.join("pgbouncer.ini");
    let auth = dir.join("userlist.txt");
    std::fs::write(&auth, format!("\"{user}\" \"\"\n")).expect("the PgBouncer auth file");
    std::fs::write(
        &ini,
        format!(
            "[databases]\n\
             * = host={host} port={server_port}\n\
             [pgbouncer]\n\
             listen_addr = 127.0.0.1\n\
             listen_port = {port}\n\
             unix_socket_dir =\n\
             auth_type = trust\n\
             auth_file = {auth}\n\
             pool_mode = {mode}\n\
             default_pool_size = {pool_size}\n\
             max_client_conn = 2000\n\
             ; sqlx sends extra_float_digits at connect\n\
             ignore_startup_parameters = extra_float_digits\n\
             ; a test waiting this long for a server connection has deadlocked\n\
             query_wait_timeout = 30\n\
             log_connections = 0\n\
             log_disconnections = 0\n\
             log_pooler_errors = 1\n",
            server_port = target.get_port(),
            auth = auth.display(),
        ),
    )
    .expect("the PgBouncer ini");
    let log = dir.join("pgbouncer.log");
    let log_file = std::fs::File::create(&log).expect("the PgBouncer log");
    let mut command = Command::new("sh");
    // Stops PgBouncer and removes its directory when our end of stdin closes (at exit).
    command
        .arg("-c")
        .arg(r#""$0" "$1" </dev/null & pid=$!; cat >/dev/null; kill "$pid"; wait "$pid"; rm -rf "$2""#)
        .arg(binary())
        .arg(&ini)
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file);
    if is_root() {
        // PgBouncer refuses to run as root.
        let (uid, gid) = os_user("postgres").expect("running as root: an OS user `postgres` to run PgBouncer as");
        give_to(&dir, uid, gid);
        command.uid(uid).gid(gid);
    }
    let mut child = command.spawn().expect("start PgBouncer");
    let stdin = child.stdin.take().unwrap();
    wait_until_listening(port, &log);
    Bouncer { port, user, _stdin: Mutex::new(stdin), _shell: Mutex::new(child) }
}

/// Hands the directory and its files to PgBouncer's OS user.
fn give_to(dir: &Path, uid: u32, gid: u32) {
    for entry in std::fs::read_dir(dir).unwrap() {
        std::os::unix::fs::chown(entry.unwrap().path(), Some(uid), Some(gid)).unwrap();
    }
    std::os::unix::fs::chown(dir, Some(uid), Some(gid)).unwrap();
}

fn wait_until_listening(port: u16, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut text = String::new();
    let _ = std::fs::File::open(log).and_then(|mut f| f.read_to_string(&mut text));
    panic!("PgBouncer did not listen on port {port} within 10 s; its log:\n{text}");
}
