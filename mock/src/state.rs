//! The mock's state, kept per project, and its JSON form (`--state FILE`).
//!
//! ```json
//! { "accessKeys": [ { "accessKeyId": "...", "accessKeySecret": "...", "projects": [10000] } ],
//!   "projects": { "10000": { "realtimeTasks": { "100": { "name": "streamx_name", "status": "RUN" } },
//!                            "solutions": { "100": { ... } }, "processes": { ... } } },
//!   "nextProcessId": 11 }
//! ```
//! Objects are keyed by project, then by task type (`realtimeTasks`, `solutions`) and id.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use dataworks_di::types::{
    ProcessStatus, RealtimeInstanceStatus, SolutionStatus, StepCategory, StepType,
};

/// Everything the mock knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct State {
    /// Access keys besides the owner's (`--access-key-id`), with the projects they may use.
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
    /// Projects (DataWorks workspaces) by id.
    #[serde(default)]
    pub projects: BTreeMap<i64, Project>,
    /// The id the next asynchronous process gets.
    #[serde(default = "first_process_id")]
    pub next_process_id: i64,
}

fn first_process_id() -> i64 {
    1
}

/// An access key (a RAM user's, or an STS credential).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessKey {
    /// The id.
    pub access_key_id: String,
    /// The secret.
    pub access_key_secret: String,
    /// For an STS credential: the token that must come with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_token: Option<String>,
    /// The projects it may use; absent: every project (the account owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projects: Option<Vec<i64>>,
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"***")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "***"),
            )
            .field("projects", &self.projects)
            .finish()
    }
}

/// One DataWorks workspace.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Project {
    /// Real-time synchronization tasks (TaskType DI_REALTIME) by file id.
    #[serde(default)]
    pub realtime_tasks: BTreeMap<i64, RealtimeTask>,
    /// Data synchronization solutions (TaskType DI_SOLUTION) by id.
    #[serde(default)]
    pub solutions: BTreeMap<i64, Solution>,
    /// Asynchronous configuration processes by id.
    #[serde(default)]
    pub processes: BTreeMap<i64, Process>,
    /// ClientToken to the process it started.
    #[serde(default)]
    pub client_tokens: BTreeMap<String, i64>,
}

/// A real-time synchronization task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RealtimeTask {
    /// Its name (GetDISyncInstanceInfo `Name`).
    pub name: String,
    /// Its run state.
    pub status: RealtimeInstanceStatus,
    /// A state change under way: the state it reaches, and how many more
    /// GetDISyncInstanceInfo calls see the current one first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// The last StartParam it was started with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_param: Option<String>,
    /// Where it reads and writes.
    #[serde(default)]
    pub job: Job,
}

/// A state change under way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pending {
    /// The state reached at the end.
    pub to: RealtimeInstanceStatus,
    /// Reads left before it is reached.
    pub polls: u32,
}

/// A data synchronization solution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Solution {
    /// Its state.
    pub status: SolutionStatus,
    /// Who created it.
    pub creator_name: String,
    /// Its steps.
    #[serde(default)]
    pub steps: Vec<SolutionStep>,
    /// Where it reads and writes.
    #[serde(default)]
    pub job: Job,
}

/// One step of a solution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SolutionStep {
    /// Step id.
    pub step_id: i64,
    /// Step name.
    pub step_name: String,
    /// Step state.
    pub status: String,
    /// Details.
    #[serde(default)]
    pub info: String,
}

/// Reader and writer of a task: what a generated TaskContent is built around.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Job {
    /// The source kind.
    pub reader: StepType,
    /// The source data source.
    pub reader_datasource: String,
    /// The destination kind.
    pub writer: StepType,
    /// The destination data source.
    pub writer_datasource: String,
    /// The resource group that runs it.
    pub resource_group: String,
}

impl Default for Job {
    /// The page sample's job: MySQL data source `mm` to Hologres `h`.
    fn default() -> Self {
        Job {
            reader: StepType::Mysql,
            reader_datasource: "mm".into(),
            writer: StepType::Holo,
            writer_datasource: "h".into(),
            resource_group: "280749".into(),
        }
    }
}

/// An asynchronous configuration process (GenerateDISyncTaskConfigForUpdating).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Process {
    /// The TaskType it was started for.
    pub task_type: dataworks_di::types::TaskType,
    /// The task or solution it updates.
    pub task_id: i64,
    /// Queries left that report it still running.
    pub polls_left: u32,
    /// Its outcome once finished.
    pub status: ProcessStatus,
    /// The generated TaskContent (success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_content: Option<String>,
    /// Why it failed (fail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Why a state file cannot be used.
#[derive(Debug)]
pub struct StateError(pub String);

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StateError {}

/// The largest state file read: far above any seeded state.
pub const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

/// Checks, before anything else runs, that the state can be written to `path` when the time
/// comes: its directory exists and takes a new file (the write is a new file renamed over
/// `path`), and `path` is not a directory, a device or anything else a rename would replace.
pub fn check_writable(path: &Path) -> Result<(), StateError> {
    let shown = path.display();
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.is_file() {
            return Err(StateError(format!(
                "{shown}: cannot save the state there: it exists and is not a regular file"
            )));
        }
    }
    let dir = parent_dir(path);
    tempfile::NamedTempFile::new_in(dir).map(drop).map_err(|e| {
        StateError(format!(
            "{shown}: cannot save the state there: cannot create a file in {}: {e}",
            dir.display()
        ))
    })
}

/// The directory a file is written in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

impl State {
    /// Reads a state file of at most [`MAX_STATE_BYTES`], counted as read (a fifo or a device
    /// is refused as "too big" like a large file), with the reader every dwdi tool shares.
    pub fn load(path: &Path) -> Result<State, StateError> {
        let bytes = dwdi_validate::read::read_capped(path, MAX_STATE_BYTES)
            .map_err(|e| StateError(format!("{}: {e}", path.display())))?;
        serde_json::from_slice(&bytes).map_err(|e| StateError(format!("{}: {e}", path.display())))
    }

    /// Writes the state as pretty JSON, atomically: into a new file in the same directory,
    /// flushed to disk, then renamed over `path`, so that a crash or a full disk leaves either
    /// the old state or the new one, never half of one. The file is readable by its owner only
    /// (it holds access key secrets).
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let shown = path.display();
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| StateError(format!("cannot serialize the state: {e}")))?;
        let fail = |e: std::io::Error| StateError(format!("{shown}: cannot write: {e}"));
        let mut file = tempfile::NamedTempFile::new_in(parent_dir(path)).map_err(fail)?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.write_all(b"\n"))
            .and_then(|()| file.as_file().sync_all())
            .map_err(fail)?;
        file.persist(path).map_err(|e| fail(e.error))?;
        Ok(())
    }

    /// The access key that may use every project, unless a state key says otherwise.
    pub fn may_use(&self, access_key_id: &str, project: i64) -> bool {
        match self
            .access_keys
            .iter()
            .find(|k| k.access_key_id == access_key_id)
        {
            Some(key) => key.projects.as_ref().is_none_or(|p| p.contains(&project)),
            None => true,
        }
    }

    /// The default state: every request example on the five pages succeeds as written.
    /// Project 10000 holds real-time task 100 (`streamx_name`, running), solution 100, and
    /// finished process 10 (the Generate example's ClientToken maps to it); an STS credential
    /// may use project 10000, and a RAM user only project 20000.
    pub fn example() -> State {
        let job = Job::default();
        let sample_param = "{ \"steps\": [ { \"parameter\": { \"connection\": [ { \"table\": [ \"xyx\" ] } ] }, \"name\": \"Reader\", \"category\": \"reader\" } ] }";
        let content = crate::content::task_content(sample_param, "streamx_name", &job).ok();
        let mut p10000 = Project::default();
        p10000.realtime_tasks.insert(
            100,
            RealtimeTask {
                name: "streamx_name".into(),
                status: RealtimeInstanceStatus::Run,
                pending: None,
                start_param: None,
                job: job.clone(),
            },
        );
        p10000.solutions.insert(
            100,
            Solution {
                status: SolutionStatus::Success,
                creator_name: "dataworks_3h1".into(),
                steps: ["precheck", "full sync", "real-time sync"]
                    .iter()
                    .zip(1..)
                    .map(|(name, id)| SolutionStep {
                        step_id: id,
                        step_name: (*name).into(),
                        status: ProcessStatus::Success.as_str().into(),
                        info: String::new(),
                    })
                    .collect(),
                job: job.clone(),
            },
        );
        p10000.processes.insert(
            10,
            Process {
                task_type: dataworks_di::types::TaskType::DiRealtime,
                task_id: 100,
                polls_left: 0,
                status: ProcessStatus::Success,
                task_content: content,
                message: None,
            },
        );
        p10000.client_tokens.insert("ABFUOEUOTRTRJKE".into(), 10);
        let mut p20000 = Project::default();
        p20000.realtime_tasks.insert(
            200,
            RealtimeTask {
                name: "orders_to_holo".into(),
                status: RealtimeInstanceStatus::Norun,
                pending: None,
                start_param: None,
                job,
            },
        );
        State {
            access_keys: vec![
                AccessKey {
                    access_key_id: crate::DEFAULT_STS_ACCESS_KEY_ID.into(),
                    access_key_secret: crate::DEFAULT_STS_ACCESS_KEY_SECRET.into(),
                    security_token: Some(crate::DEFAULT_STS_TOKEN.into()),
                    projects: Some(vec![10000]),
                },
                AccessKey {
                    access_key_id: crate::DEFAULT_RAM_ACCESS_KEY_ID.into(),
                    access_key_secret: crate::DEFAULT_RAM_ACCESS_KEY_SECRET.into(),
                    security_token: None,
                    projects: Some(vec![20000]),
                },
            ],
            projects: BTreeMap::from([(10000, p10000), (20000, p20000)]),
            next_process_id: 11,
        }
    }
}

/// The step categories, for building documents.
pub(crate) fn category(reader: bool) -> StepCategory {
    if reader {
        StepCategory::Reader
    } else {
        StepCategory::Writer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_state_round_trips_through_json() {
        let s = State::example();
        let text = serde_json::to_string_pretty(&s).unwrap();
        let back: State = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
        assert!(text.contains("\"realtimeTasks\""));
        assert!(s.projects[&10000].processes[&10].task_content.is_some());
    }

    #[test]
    fn reads_stop_at_the_cap_whatever_the_source() {
        // An endless source, as /dev/zero is: reading stops one byte past the cap.
        let endless = std::io::repeat(b' ');
        let e = dwdi_validate::read::read_from(endless, 1000).unwrap_err();
        assert!(e.to_string().contains("too big"), "{e}");
        let ok = dwdi_validate::read::read_from(&b"{}"[..], 1000).unwrap();
        assert_eq!(ok, b"{}");
        #[cfg(target_os = "linux")]
        {
            let e = State::load(Path::new("/dev/zero")).unwrap_err();
            assert!(e.0.contains("too big"), "{e}");
        }
    }

    #[test]
    fn save_replaces_the_file_by_a_rename_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "old").unwrap();
        let before = std::fs::metadata(&path).unwrap();
        State::example().save(&path).unwrap();
        let after = std::fs::metadata(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // A new file took the old one's name; writing in place would keep the inode.
            assert_ne!(before.ino(), after.ino());
            assert_eq!(
                after.mode() & 0o077,
                0,
                "owner-only: the state holds secrets"
            );
        }
        let _ = (before, after);
        assert_eq!(State::load(&path).unwrap(), State::example());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
    }

    #[test]
    fn unwritable_save_paths_are_found_before_anything_runs() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_writable(&dir.path().join("state.json")).is_ok());
        let missing = dir.path().join("no-such-dir").join("state.json");
        assert!(
            check_writable(&missing)
                .unwrap_err()
                .0
                .contains("cannot create a file")
        );
        let e = check_writable(dir.path()).unwrap_err();
        assert!(e.0.contains("not a regular file"), "{e}");
        #[cfg(unix)]
        assert!(check_writable(Path::new("/dev/null")).is_err());
        // Nothing was left behind by the checks.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn keys_are_limited_to_their_projects() {
        let s = State::example();
        assert!(s.may_use("owner", 10000));
        assert!(s.may_use(crate::DEFAULT_RAM_ACCESS_KEY_ID, 20000));
        assert!(!s.may_use(crate::DEFAULT_RAM_ACCESS_KEY_ID, 10000));
    }
}
