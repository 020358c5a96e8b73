//! An embedded PostgreSQL: Rookery initialises a cluster under its data
//! directory and runs it on a Unix socket there (no TCP port). As root, the
//! PostgreSQL processes run as an unprivileged OS user, since PostgreSQL
//! refuses to run as root.

use anyhow::{bail, Context, Result};
use sqlx::postgres::PgConnectOptions;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Longest Unix socket path the kernel accepts (sun_path is 108 bytes).
const MAX_SOCKET_PATH: usize = 107;
const SOCKET_NAME: &str = ".s.PGSQL.5432";

/// Options for starting the cluster.
#[derive(Clone, Debug, Default)]
pub struct EmbeddedOptions {
    /// Where PostgreSQL's programs live; found automatically when unset.
    pub bin_dir: Option<PathBuf>,
    /// Turn off fsync: only for throwaway test clusters.
    pub unsafe_no_fsync: bool,
}

/// A running cluster under `root`.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    cluster_dir: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    run_as: Option<(u32, u32)>,
    /// Whether this process started the server (and so should stop it).
    started_here: bool,
}

impl EmbeddedPostgres {
    /// Initialises the cluster on first use and starts it, or attaches to it
    /// when it is already running. Blocking: call from `spawn_blocking`.
    pub fn start(root: &Path, options: &EmbeddedOptions) -> Result<Self> {
        fs::create_dir_all(root)
            .with_context(|| format!("creating data directory {}", root.display()))?;
        let root = root
            .canonicalize()
            .with_context(|| format!("resolving {}", root.display()))?;
        let bin_dir = match &options.bin_dir {
            Some(dir) => dir.clone(),
            None => find_bin_dir()?,
        };
        let run_as = if running_as_root()? {
            Some(unprivileged_user()?)
        } else {
            None
        };
        let cluster_dir = root.join("postgres");
        let socket_dir = root.join("run");
        let log_file = socket_dir.join("postgres.log");
        let socket_path = socket_dir.join(SOCKET_NAME);
        if socket_path.as_os_str().len() > MAX_SOCKET_PATH {
            bail!(
                "the data directory path is too long for a Unix socket ({} > {MAX_SOCKET_PATH} bytes): {}; \
                 set ROOKERY_DATA_DIR to a shorter path",
                socket_path.as_os_str().len(),
                socket_path.display()
            );
        }
        if root.to_string_lossy().contains('\'') {
            bail!(
                "the data directory path must not contain a single quote: {}",
                root.display()
            );
        }
        for dir in [&cluster_dir, &socket_dir] {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            if let Some((uid, gid)) = run_as {
                std::os::unix::fs::chown(dir, Some(uid), Some(gid))
                    .with_context(|| format!("giving {} to the PostgreSQL user", dir.display()))?;
            }
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
        let pg = Self {
            bin_dir,
            cluster_dir,
            socket_dir,
            log_file,
            run_as,
            started_here: false,
        };
        pg.check_reachable()?;
        if !pg.cluster_dir.join("PG_VERSION").exists() {
            pg.init()?;
        }
        let pg = if pg.is_running()? {
            pg
        } else {
            pg.launch(options)?
        };
        Ok(pg)
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin_dir.join(program));
        command
            .current_dir(&self.socket_dir)
            .env_remove("PGDATA")
            .env("LC_ALL", "C.UTF-8");
        if let Some((uid, gid)) = self.run_as {
            command.uid(uid).gid(gid);
        }
        command
    }

    /// The PostgreSQL user must be able to reach the data directory; a
    /// parent like `/root` (mode 700) would make initdb fail obscurely.
    fn check_reachable(&self) -> Result<()> {
        if self.run_as.is_none() {
            return Ok(());
        }
        let mut test = Command::new("test");
        test.arg("-w").arg(&self.socket_dir);
        if let Some((uid, gid)) = self.run_as {
            test.uid(uid).gid(gid);
        }
        let reachable = test.status().map(|s| s.success()).unwrap_or(false);
        if !reachable {
            bail!(
                "the PostgreSQL OS user cannot reach {}: a parent directory is not searchable by other users; \
                 set ROOKERY_DATA_DIR to a directory outside it (for example under /var/lib or /srv)",
                self.socket_dir.display()
            );
        }
        Ok(())
    }

    fn init(&self) -> Result<()> {
        tracing::info!(dir = %self.cluster_dir.display(), "initialising embedded PostgreSQL cluster");
        let output = self
            .command("initdb")
            .arg("-D")
            .arg(&self.cluster_dir)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ])
            .output()
            .context("running initdb")?;
        ensure_success("initdb", &output)
    }

    fn is_running(&self) -> Result<bool> {
        let output = self
            .command("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(&self.cluster_dir)
            .output()?;
        // pg_ctl status: 0 running, 3 not running, 4 no cluster.
        Ok(output.status.code() == Some(0))
    }

    fn launch(mut self, options: &EmbeddedOptions) -> Result<Self> {
        let mut server_options =
            format!("-c listen_addresses='' -k '{}'", self.socket_dir.display());
        if options.unsafe_no_fsync {
            server_options
                .push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        let output = self
            .command("pg_ctl")
            .arg("start")
            .arg("-D")
            .arg(&self.cluster_dir)
            .arg("-l")
            .arg(&self.log_file)
            .args(["-w", "-t", "60", "-o", &server_options])
            // Its own process group: a Ctrl-C at the terminal reaches Rookery,
            // which then stops PostgreSQL in order, after the last request.
            .process_group(0)
            .output()
            .context("running pg_ctl start")?;
        if let Err(e) = ensure_success("pg_ctl start", &output) {
            let log = fs::read_to_string(&self.log_file).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(10).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(e.context(format!(
                "PostgreSQL log ({}):\n{}",
                self.log_file.display(),
                tail.join("\n")
            )));
        }
        tracing::info!(socket = %self.socket_dir.display(), "embedded PostgreSQL started");
        self.started_here = true;
        Ok(self)
    }

    /// Connection options for `database` over the Unix socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new_without_pgpass()
            .socket(&self.socket_dir)
            .username("postgres")
            .database(database)
    }

    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    pub fn started_here(&self) -> bool {
        self.started_here
    }

    fn serve_pid_file(&self) -> PathBuf {
        self.socket_dir.join("rookery-serve.pid")
    }

    /// Notes that `rookery serve` runs on this cluster, so a CLI command that
    /// happened to start it leaves it running.
    pub fn mark_serving(&self) -> Result<()> {
        fs::write(self.serve_pid_file(), std::process::id().to_string())
            .context("writing the serve pid file")
    }

    pub fn clear_serving(&self) {
        let _ = fs::remove_file(self.serve_pid_file());
    }

    /// Whether a live `rookery serve` uses this cluster.
    pub fn serve_running(&self) -> bool {
        fs::read_to_string(self.serve_pid_file())
            .ok()
            .and_then(|pid| pid.trim().parse::<u32>().ok())
            .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists())
    }

    /// Stops the server (fast shutdown: sessions end, data is flushed).
    pub fn stop(&self) -> Result<()> {
        if !self.is_running()? {
            return Ok(());
        }
        let output = self
            .command("pg_ctl")
            .arg("stop")
            .arg("-D")
            .arg(&self.cluster_dir)
            .args(["-m", "fast", "-w", "-t", "60"])
            .output()
            .context("running pg_ctl stop")?;
        ensure_success("pg_ctl stop", &output)?;
        tracing::info!("embedded PostgreSQL stopped");
        Ok(())
    }
}

fn ensure_success(what: &str, output: &Output) -> Result<()> {
    if output.status.success() {
        return Ok(());
    }
    bail!(
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim(),
        String::from_utf8_lossy(&output.stdout).trim()
    )
}

fn running_as_root() -> Result<bool> {
    Ok(fs::metadata("/proc/self")
        .context("reading /proc/self")?
        .uid()
        == 0)
}

/// The `postgres` OS user (from Debian's package), else `nobody`.
fn unprivileged_user() -> Result<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").context("reading /etc/passwd")?;
    for wanted in ["postgres", "nobody"] {
        for line in passwd.lines() {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() >= 4 && fields[0] == wanted {
                let uid = fields[2].parse().context("uid in /etc/passwd")?;
                let gid = fields[3].parse().context("gid in /etc/passwd")?;
                return Ok((uid, gid));
            }
        }
    }
    bail!("running as root, but there is no unprivileged OS user (postgres or nobody) to run PostgreSQL as")
}

/// Finds the directory with `initdb` and `pg_ctl`: the newest
/// /usr/lib/postgresql/<version>/bin, else the PATH.
fn find_bin_dir() -> Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
        .context(
            "PostgreSQL's server programs (initdb, pg_ctl) were not found; install them \
             (apt-get install postgresql), set ROOKERY_PG_BIN, or set DATABASE_URL",
        )
}
