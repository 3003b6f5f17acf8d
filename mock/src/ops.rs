//! The behaviours: what each operation does to the state, and the few members of its answer
//! that say so (a state, an outcome, a process ID, a generated TaskContent). Parameters are
//! read by their roles and answers are built by [`Data`], so no wire name appears here; every
//! other member of an answer is the spec's example.

use dataworks_di::meta::{
    CREATE_DI_SYNC_TASK, GENERATE_DI_SYNC_TASK_CONFIG_FOR_CREATING,
    GENERATE_DI_SYNC_TASK_CONFIG_FOR_UPDATING, GET_DI_SYNC_INSTANCE_INFO,
    QUERY_DI_SYNC_TASK_CONFIG_PROCESS_RESULT, START_DI_SYNC_INSTANCE, STOP_DI_SYNC_INSTANCE,
    UPDATE_DI_SYNC_TASK,
};
use dataworks_di::types::{ProcessStatus, RealtimeInstanceStatus as Rt, SolutionStatus, TaskType};
use dwdi_runtime::describe::{OperationDesc, Role};
use serde_json::Value;

use crate::content::{Job, batch_tables, content_job, content_tables, creation_job, task_content};
use crate::data::{Data, missing};
use crate::errors::{Failure, gateway};
use crate::params::Params;
use crate::state::{BatchTask, Pending, Process, Project, RealtimeTask, State};

/// The status a process reports while it runs. The pages document only its end states
/// (success, fail); clients keep polling on any other value.
pub const PROCESS_RUNNING: &str = "running";

/// How the lifecycle advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// GetDISyncInstanceInfo reads that see WAIT (after a start) or KILLING (after a stop).
    pub settle_polls: u32,
    /// QueryDISyncTaskConfigProcessResult calls until a process reports its result (the
    /// last of them does).
    pub process_polls: u32,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            settle_polls: 1,
            process_polls: 3,
        }
    }
}

/// One request, checked and authenticated.
pub struct Call<'a> {
    /// The operation, as the generated tables describe it.
    pub desc: &'static OperationDesc,
    /// Its parameters.
    pub params: &'a Params,
    /// The access key that signed it.
    pub access_key_id: &'a str,
    /// Lifecycle pace.
    pub pace: Pace,
}

impl Call<'_> {
    /// The value of the parameter playing `role`, if given.
    fn text(&self, role: Role) -> Option<&str> {
        self.params.of(self.desc, role)
    }

    /// The id given for the parameter playing `role`, which the behaviour needs.
    fn id(&self, role: Role) -> Result<i64, Failure> {
        let Some(param) = self.desc.param_with(role) else {
            return Err(missing(self.desc, &format!("{role:?} parameter")));
        };
        self.params.id(self.desc, role).ok_or_else(|| {
            Failure::gateway(
                gateway::MISSING_PARAMETER,
                format!(
                    "The input parameter \"{}\" that is mandatory for processing this request is not supplied.",
                    param.name
                ),
            )
        })
    }

    /// The kind of object the call is about.
    fn kind(&self) -> TaskType {
        TaskType::from(self.text(Role::ObjectKind).unwrap_or_default())
    }

    /// The idempotency token given, if the operation has one.
    fn token(&self) -> Option<String> {
        self.desc
            .idempotency_token()
            .and_then(|p| self.params.get(p.name))
            .map(str::to_owned)
    }
}

/// A behaviour: the answer's `Data` for a call, and what it does to the state.
type Behaviour = fn(&Call<'_>, &mut State) -> Result<Data, Failure>;

/// The behaviour of each operation the mock serves.
const BEHAVIOURS: &[(&OperationDesc, Behaviour)] = &[
    (&GET_DI_SYNC_INSTANCE_INFO, get),
    (&START_DI_SYNC_INSTANCE, start),
    (&STOP_DI_SYNC_INSTANCE, stop),
    (&GENERATE_DI_SYNC_TASK_CONFIG_FOR_UPDATING, generate),
    (&GENERATE_DI_SYNC_TASK_CONFIG_FOR_CREATING, generate_new),
    (&QUERY_DI_SYNC_TASK_CONFIG_PROCESS_RESULT, query),
    (&CREATE_DI_SYNC_TASK, create),
    (&UPDATE_DI_SYNC_TASK, update),
];

/// Whether the mock has a behaviour for `action`.
pub fn serves(action: &str) -> bool {
    BEHAVIOURS.iter().any(|(d, _)| d.action == action)
}

/// Runs the call against `state`: the answer's finished `Data`.
pub fn run(call: &Call<'_>, state: &mut State) -> Result<Value, Failure> {
    let behaviour = BEHAVIOURS
        .iter()
        .find(|(d, _)| d.action == call.desc.action)
        .map(|(_, b)| *b)
        .ok_or_else(|| missing(call.desc, "behaviour in the mock"))?;
    behaviour(call, state)?.finish(call.params)
}

fn project<'s>(call: &Call<'_>, state: &'s mut State) -> Result<&'s mut Project, Failure> {
    let id = call.id(Role::Workspace)?;
    let denied = || {
        Failure::documented(
            call.desc,
            403,
            &format!(
                "The access key {} has no access to project {id}.",
                call.access_key_id
            ),
        )
    };
    if !state.may_use(call.access_key_id, id) {
        return Err(denied());
    }
    state.projects.get_mut(&id).ok_or_else(denied)
}

fn get(call: &Call<'_>, state: &mut State) -> Result<Data, Failure> {
    let file = call.id(Role::Task)?;
    let kind = call.kind();
    let project = project(call, state)?;
    let invalid = || Failure::documented(call.desc, 400, &format!("fileId[{file}] is invalid"));
    let status = match kind {
        TaskType::DiSolution => project
            .solutions
            .get(&file)
            .ok_or_else(invalid)?
            .status
            .as_str()
            .to_owned(),
        _ => {
            let t = project.realtime_tasks.get_mut(&file).ok_or_else(invalid)?;
            let seen = t.status.as_str().to_owned();
            if let Some(p) = &mut t.pending {
                p.polls = p.polls.saturating_sub(1);
                if p.polls == 0 {
                    t.status = p.to.clone();
                    t.pending = None;
                }
            }
            seen
        }
    };
    Data::state(call.desc, &status)
}

fn transition(status: &mut Rt, pending: &mut Option<Pending>, via: Rt, to: Rt, polls: u32) {
    if polls == 0 {
        *status = to;
        *pending = None;
    } else {
        *status = via;
        *pending = Some(Pending { to, polls });
    }
}

fn start(call: &Call<'_>, state: &mut State) -> Result<Data, Failure> {
    let file = call.id(Role::Task)?;
    let kind = call.kind();
    let settle = call.pace.settle_polls;
    let settings = call.text(Role::RunSettings).map(str::to_owned);
    let project = project(call, state)?;
    let missing = format!("fileId:[{file}] is invalid.");
    let result = match kind {
        TaskType::DiSolution => match project.solutions.get_mut(&file) {
            None => Err(missing),
            Some(s) => {
                s.status = SolutionStatus::Success;
                Ok(())
            }
        },
        _ => match project.realtime_tasks.get_mut(&file) {
            None => Err(missing),
            Some(t) => match t.status {
                Rt::Run | Rt::Wait => Ok(()),
                Rt::Killing => Err(format!(
                    "fileId:[{file}] is stopping (KILLING); start it once it is PAUSE."
                )),
                _ => {
                    transition(&mut t.status, &mut t.pending, Rt::Wait, Rt::Run, settle);
                    t.start_param = settings;
                    Ok(())
                }
            },
        },
    };
    Data::outcome(call.desc, result)
}

fn stop(call: &Call<'_>, state: &mut State) -> Result<Data, Failure> {
    let file = call.id(Role::Task)?;
    let settle = call.pace.settle_polls;
    let project = project(call, state)?;
    let result = match project.realtime_tasks.get_mut(&file) {
        None => Err(format!("fileId:[{file}] is invalid.")),
        Some(t) => {
            if matches!(t.status, Rt::Run | Rt::Wait) {
                transition(
                    &mut t.status,
                    &mut t.pending,
                    Rt::Killing,
                    Rt::Pause,
                    settle,
                );
            }
            Ok(())
        }
    };
    Data::outcome(call.desc, result)
}

fn generate(call: &Call<'_>, state: &mut State) -> Result<Data, Failure> {
    let task = call.id(Role::Task)?;
    let kind = call.kind();
    let token = call.token();
    let input = call.text(Role::ProcessInput).unwrap_or_default().to_owned();
    let polls = call.pace.process_polls.max(1);
    let next_id = state.next_process_id;
    let project = project(call, state)?;
    let started = |id: i64| {
        let mut data = Data::outcome(call.desc, Ok(()))?;
        data.set_role(Role::Process, id)?;
        Ok(data)
    };
    if let Some(id) = token.as_ref().and_then(|t| project.client_tokens.get(t)) {
        return started(*id);
    }
    let target = match kind {
        TaskType::DiSolution => project
            .solutions
            .get(&task)
            .map(|s| (format!("solution_{task}"), s.job.clone())),
        _ => project
            .realtime_tasks
            .get(&task)
            .map(|t| (t.name.clone(), t.job.clone())),
    };
    let Some((name, job)) = target else {
        return Data::outcome(call.desc, Err(format!("taskId:[{task}] is invalid.")));
    };
    let (status, task_content, message) = match task_content(&input, &name, &job) {
        Ok(c) => (ProcessStatus::Success, Some(c), None),
        Err(m) => (ProcessStatus::Fail, None, Some(m)),
    };
    project.processes.insert(
        next_id,
        Process {
            task_type: kind,
            task_id: Some(task),
            polls_left: polls,
            status,
            task_content,
            message,
        },
    );
    if let Some(t) = token {
        project.client_tokens.insert(t, next_id);
    }
    state.next_process_id = next_id + 1;
    started(next_id)
}

/// GenerateDISyncTaskConfigForCreating: a process that generates the configuration of a new
/// task (the reader, its tables and the writer the TaskParam names); no task exists yet.
fn generate_new(call: &Call<'_>, state: &mut State) -> Result<Data, Failure> {
    let kind = call.kind();
    let token = call.token();
    let input = call.text(Role::ProcessInput).unwrap_or_default().to_owned();
    let polls = call.pace.process_polls.max(1);
    let next_id = state.next_process_id;
    let project = project(call, state)?;
    let started = |id: i64| {
        let mut data = Data::outcome(call.desc, Ok(()))?;
        data.set_role(Role::Process, id)?;
        Ok(data)
    };
    if let Some(id) = token.as_ref().and_then(|t| project.client_tokens.get(t)) {
        return started(*id);
    }
    let job = creation_job(&input);
    let name = format!("new_task_{next_id}");
    let (status, task_content, message) = match task_content(&input, &name, &job) {
        Ok(c) => (ProcessStatus::Success, Some(c), None),
        Err(m) => (ProcessStatus::Fail, None, Some(m)),
    };
    project.processes.insert(
        next_id,
        Process {
            task_type: kind,
            task_id: None,
            polls_left: polls,
            status,
            task_content,
            message,
        },
    );
    if let Some(t) = token {
        project.client_tokens.insert(t, next_id);
    }
    state.next_process_id = next_id + 1;
    started(next_id)
}

/// CreateDISyncTask: a new task running the TaskContent (a real-time job, or a batch job for
/// DI_OFFLINE), not started; the answer carries its id. A repeated ClientToken gets the task
/// the first call made, and makes no other.
fn create(call: &Call<'_>, state: &mut State) -> Result<Data, Failure> {
    let kind = call.kind();
    let token = call.token();
    let content = call.text(Role::TaskConfig).unwrap_or_default().to_owned();
    let name = call.text(Role::TaskName).unwrap_or_default().to_owned();
    let first_free = state.next_file_id;
    let project = project(call, state)?;
    let created = |id: i64| {
        let mut data = Data::outcome(call.desc, Ok(()))?;
        data.set_role(Role::Task, id)?;
        Ok(data)
    };
    if let Some(id) = token.as_ref().and_then(|t| project.created.get(t)) {
        return created(*id);
    }
    let mut id = first_free.max(1);
    while project.has_file(id) {
        id += 1;
    }
    match kind {
        TaskType::DiOffline => {
            let tables = batch_tables(&content);
            project.batch_tasks.insert(
                id,
                BatchTask {
                    name,
                    content,
                    tables,
                },
            );
        }
        TaskType::DiRealtime => {
            let tables = content_tables(&content);
            project.realtime_tasks.insert(
                id,
                RealtimeTask {
                    name,
                    status: Rt::Norun,
                    pending: None,
                    start_param: None,
                    job: content_job(&content, &Job::default()),
                    tables,
                },
            );
        }
        other => {
            return Data::outcome(
                call.desc,
                Err(format!(
                    "(mock) TaskType {} is accepted but the mock creates only real-time and batch tasks.",
                    other.as_str()
                )),
            );
        }
    }
    if let Some(t) = token {
        project.created.insert(t, id);
    }
    state.next_file_id = id + 1;
    created(id)
}

/// UpdateDISyncTask: the task now runs the TaskContent given; for a real-time task, the
/// tables it synchronizes become those of the (generated) TaskContent. Nothing else changes
/// a task's tables.
fn update(call: &Call<'_>, state: &mut State) -> Result<Data, Failure> {
    let file = call.id(Role::Task)?;
    let kind = call.kind();
    let content = call.text(Role::TaskConfig).map(str::to_owned);
    let project = project(call, state)?;
    let missing = format!("fileId:[{file}] is invalid.");
    let result = match kind {
        TaskType::DiOffline => match project.batch_tasks.get_mut(&file) {
            None => Err(missing),
            Some(t) => {
                if let Some(content) = content {
                    t.tables = batch_tables(&content);
                    t.content = content;
                }
                Ok(())
            }
        },
        _ => match project.realtime_tasks.get_mut(&file) {
            None => Err(missing),
            Some(t) => {
                if let Some(content) = content {
                    t.tables = content_tables(&content);
                    t.job = content_job(&content, &t.job);
                }
                Ok(())
            }
        },
    };
    Data::outcome(call.desc, result)
}

fn query(call: &Call<'_>, state: &mut State) -> Result<Data, Failure> {
    let id = call.id(Role::Process)?;
    let kind = call.kind();
    let project = project(call, state)?;
    match project
        .processes
        .get_mut(&id)
        .filter(|p| p.task_type == kind)
    {
        None => Data::progress(
            call.desc,
            ProcessStatus::Fail.as_str(),
            None,
            Some(&format!("asyncProcessId:[{id}] is invalid.")),
        ),
        Some(p) => {
            p.polls_left = p.polls_left.saturating_sub(1);
            if p.polls_left > 0 {
                Data::progress(call.desc, PROCESS_RUNNING, None, None)
            } else {
                Data::progress(
                    call.desc,
                    p.status.as_str(),
                    p.task_content.as_deref(),
                    p.message.as_deref(),
                )
            }
        }
    }
}
