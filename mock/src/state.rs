//! The mock's state, kept per project, and its JSON form (`--state FILE`).
//!
//! ```json
//! { "accessKeys": [ { "accessKeyId": "...", "accessKeySecret": "...", "projects": [10000] } ],
//!   "projects": { "10000": { "realtimeTasks": { "100": { "name": "streamx_name", "status": "RUN" } },
//!                            "solutions": { "100": { ... } }, "processes": { ... } } },
//!   "nextProcessId": 11 }
//! ```
//! Objects are keyed by project, then by task type (`realtimeTasks`, `solutions`) and id.
//!
//! The state holds what the mock has behaviour for (states, processes, the jobs a TaskContent
//! is generated from); every other member of an answer comes from the spec's examples.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use dataworks_di::meta::OPERATIONS;
use dataworks_di::types::{ProcessStatus, RealtimeInstanceStatus, SolutionStatus, TaskType};
use dwdi_runtime::describe::{Role, strict_integer};

use crate::content::{Job, batch_tables, task_content};

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
    /// The id the next task CreateDISyncTask creates gets (or the first free one after it).
    #[serde(default = "first_process_id")]
    pub next_file_id: i64,
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
    /// Batch synchronization tasks (TaskType DI_OFFLINE) by file id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub batch_tasks: BTreeMap<i64, BatchTask>,
    /// ClientToken to the task a create call made with it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub created: BTreeMap<String, i64>,
}

impl Project {
    /// Whether a task, solution or batch task has the id `id`.
    pub fn has_file(&self, id: i64) -> bool {
        self.realtime_tasks.contains_key(&id)
            || self.solutions.contains_key(&id)
            || self.batch_tasks.contains_key(&id)
    }
}

/// A batch synchronization task: the script it runs (a BatchTaskContent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchTask {
    /// Its name.
    pub name: String,
    /// The job it runs, as last created or updated.
    pub content: String,
    /// The tables its reader reads, read off `content`.
    #[serde(default)]
    pub tables: Vec<String>,
}

/// A real-time synchronization task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RealtimeTask {
    /// Its name, which the TaskContent generated for it carries.
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
    /// The tables it synchronizes: those of the TaskContent it was created with or last
    /// updated with (a generated configuration changes nothing until it is applied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
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
    /// Where it reads and writes.
    #[serde(default)]
    pub job: Job,
}

/// An asynchronous configuration process (GenerateDISyncTaskConfigForUpdating).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Process {
    /// The TaskType it was started for.
    pub task_type: TaskType,
    /// The task or solution it updates; none for a process that configures a new task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<i64>,
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

    /// The default state: every request example of the spec succeeds as written. The ids come
    /// from the parameters' examples, found by their roles: each example workspace holds, under
    /// each example task id, a running real-time task and a solution, and each example process
    /// (finished, with the TaskContent the example process input generates), which the
    /// example idempotency token maps to. An STS credential may use those workspaces; a RAM
    /// user only workspace 20000, which holds a stopped task 200.
    pub fn example() -> State {
        let job = Job::default();
        let name = |id: i64| format!("realtime_task_{id}");
        let mut project = Project::default();
        for id in example_task_ids(false) {
            let task = RealtimeTask {
                name: name(id),
                status: RealtimeInstanceStatus::Run,
                pending: None,
                start_param: None,
                job: job.clone(),
                tables: Vec::new(),
            };
            project.realtime_tasks.insert(id, task);
            let solution = Solution {
                status: SolutionStatus::Success,
                job: job.clone(),
            };
            project.solutions.insert(id, solution);
        }
        let first_task = example_task_ids(false).into_iter().next().unwrap_or(1);
        // The process examples follow change an existing task (the ones with a task to change).
        let content = OPERATIONS
            .iter()
            .filter(|op| op.param_with(Role::Task).is_some())
            .filter_map(|op| op.param_with(Role::ProcessInput)?.example)
            .map(str::to_owned)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .find_map(|input| task_content(&input, &name(first_task), &job).ok());
        for (id, task_type) in example_processes() {
            let process = Process {
                task_type,
                task_id: Some(first_task),
                polls_left: 0,
                status: ProcessStatus::Success,
                task_content: content.clone(),
                message: None,
            };
            project.processes.insert(id, process);
        }
        if let Some(first) = project.processes.keys().next().copied() {
            for token in example_tokens(true) {
                project.client_tokens.insert(token, first);
            }
        }
        // The batch task each example that changes one names, running the example's job.
        for (id, content) in example_batch_tasks() {
            let tables = batch_tables(&content);
            let name = format!("batch_task_{id}");
            project.batch_tasks.insert(
                id,
                BatchTask {
                    name,
                    content,
                    tables,
                },
            );
        }
        let workspaces: Vec<i64> = example_ids(Role::Workspace).into_iter().collect();
        let next_process_id = project.processes.keys().last().map_or(1, |id| id + 1);
        let next_file_id = project
            .realtime_tasks
            .keys()
            .chain(project.batch_tasks.keys())
            .chain(project.solutions.keys())
            .max()
            .map_or(1, |id| id + 1);
        let mut projects: BTreeMap<i64, Project> =
            workspaces.iter().map(|id| (*id, project.clone())).collect();
        let mut restricted = Project::default();
        restricted.realtime_tasks.insert(
            200,
            RealtimeTask {
                name: "orders_to_holo".into(),
                status: RealtimeInstanceStatus::Norun,
                pending: None,
                start_param: None,
                job,
                tables: Vec::new(),
            },
        );
        projects.insert(20000, restricted);
        State {
            access_keys: vec![
                AccessKey {
                    access_key_id: crate::DEFAULT_STS_ACCESS_KEY_ID.into(),
                    access_key_secret: crate::DEFAULT_STS_ACCESS_KEY_SECRET.into(),
                    security_token: Some(crate::DEFAULT_STS_TOKEN.into()),
                    projects: Some(workspaces),
                },
                AccessKey {
                    access_key_id: crate::DEFAULT_RAM_ACCESS_KEY_ID.into(),
                    access_key_secret: crate::DEFAULT_RAM_ACCESS_KEY_SECRET.into(),
                    security_token: None,
                    projects: Some(vec![20000]),
                },
            ],
            projects,
            next_process_id,
            next_file_id,
        }
    }
}

/// The example values (wire text) of every parameter of every operation that `pick` selects.
fn example_texts(pick: impl Fn(&dwdi_runtime::describe::ParamDesc) -> bool) -> BTreeSet<String> {
    OPERATIONS
        .iter()
        .flat_map(|op| op.params.iter())
        .filter(|p| pick(p))
        .filter_map(|p| p.example.map(str::to_owned))
        .collect()
}

/// The example ids of the parameters playing `role`.
/// The idempotency tokens of the examples of operations that start a process (`process`) or
/// that do not.
fn example_tokens(process: bool) -> BTreeSet<String> {
    OPERATIONS
        .iter()
        .filter(|op| op.field_with(Role::Process).is_some() == process)
        .filter_map(|op| op.idempotency_token()?.example.map(str::to_owned))
        .collect()
}

/// Whether an operation's example is about a batch task.
fn batch_example(op: &dwdi_runtime::describe::OperationDesc) -> bool {
    op.param_with(Role::ObjectKind)
        .and_then(|p| p.example)
        .is_some_and(|k| TaskType::from(k) == TaskType::DiOffline)
}

/// The task ids of the examples about batch tasks (`batch`) or about the others.
fn example_task_ids(batch: bool) -> BTreeSet<i64> {
    OPERATIONS
        .iter()
        .filter(|op| batch_example(op) == batch)
        .filter_map(|op| op.param_with(Role::Task)?.example)
        .filter_map(strict_integer)
        .collect()
}

/// (id, job) of every example that changes a batch task: its task id and its job.
fn example_batch_tasks() -> BTreeMap<i64, String> {
    let mut out = BTreeMap::new();
    for op in OPERATIONS {
        let batch = batch_example(op);
        let id = op
            .param_with(Role::Task)
            .and_then(|p| p.example)
            .and_then(strict_integer);
        let job = op.param_with(Role::TaskConfig).and_then(|p| p.example);
        if let (true, Some(id), Some(job)) = (batch, id, job) {
            out.entry(id).or_insert_with(|| job.to_owned());
        }
    }
    out
}

fn example_ids(role: Role) -> BTreeSet<i64> {
    example_texts(|p| p.role == Some(role))
        .iter()
        .filter_map(|t| strict_integer(t))
        .collect()
}

/// The example process ids, each with the task type its operation's example names.
fn example_processes() -> BTreeMap<i64, TaskType> {
    let mut out = BTreeMap::new();
    for op in OPERATIONS {
        let Some(id) = op
            .param_with(Role::Process)
            .and_then(|p| p.example)
            .and_then(strict_integer)
        else {
            continue;
        };
        let kind = op
            .param_with(Role::ObjectKind)
            .and_then(|p| p.example)
            .map_or(TaskType::DiRealtime, TaskType::from);
        out.entry(id).or_insert(kind);
    }
    out
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
