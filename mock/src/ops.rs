//! The five behaviours. Each answers a `Data` object built as the operation's generated
//! `*Data` type (so names, types and enum values follow the spec), and whether the call did
//! what it was asked (which decides the fields documented as null on success or failure).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use dataworks_di::meta::{
    GENERATE_DI_SYNC_TASK_CONFIG_FOR_UPDATING, GET_DI_SYNC_INSTANCE_INFO,
    QUERY_DI_SYNC_TASK_CONFIG_PROCESS_RESULT, START_DI_SYNC_INSTANCE, STOP_DI_SYNC_INSTANCE,
};
use dataworks_di::types::{
    GenerateDiSyncTaskConfigForUpdatingData, GetDiSyncInstanceInfoData, ProcessStatus,
    QueryDiSyncTaskConfigProcessResultData, RealtimeInstanceStatus as Rt, SolutionStatus,
    StartDiSyncInstanceData, StopDiSyncInstanceData, TaskType,
};

use crate::content::task_content;
use crate::errors::Failure;
use crate::params::Params;
use crate::spec::{NullWhen, OpFacts};
use crate::state::{Pending, Process, Project, State};

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
    /// The operation's spec facts.
    pub facts: &'a OpFacts,
    /// Its parameters.
    pub params: &'a Params,
    /// The access key that signed it.
    pub access_key_id: &'a str,
    /// Lifecycle pace.
    pub pace: Pace,
}

/// `Data`, and whether the call succeeded.
struct Answer {
    data: Value,
    ok: bool,
}

fn typed<T: DeserializeOwned + Serialize>(facts: &OpFacts, v: Value) -> Result<Value, Failure> {
    let t: T = serde_json::from_value(v)
        .map_err(|e| Failure::documented(facts, 500, &format!("(mock) answer shape: {e}")))?;
    serde_json::to_value(&t)
        .map_err(|e| Failure::documented(facts, 500, &format!("(mock) answer: {e}")))
}

fn outcome<T: DeserializeOwned + Serialize>(
    facts: &OpFacts,
    result: Result<(), String>,
) -> Result<Answer, Failure> {
    let (data, ok) = match result {
        Ok(()) => (json!({"Status": ProcessStatus::Success.as_str()}), true),
        Err(m) => (
            json!({"Status": ProcessStatus::Fail.as_str(), "Message": m}),
            false,
        ),
    };
    Ok(Answer {
        data: typed::<T>(facts, data)?,
        ok,
    })
}

/// Runs `action` against `state`; the answer's `Data` with the documented nulls filled in.
pub fn run(action: &str, call: &Call<'_>, state: &mut State) -> Result<Value, Failure> {
    let answer = if action == GET_DI_SYNC_INSTANCE_INFO.action {
        get(call, state)
    } else if action == START_DI_SYNC_INSTANCE.action {
        start(call, state)
    } else if action == STOP_DI_SYNC_INSTANCE.action {
        stop(call, state)
    } else if action == GENERATE_DI_SYNC_TASK_CONFIG_FOR_UPDATING.action {
        generate(call, state)
    } else if action == QUERY_DI_SYNC_TASK_CONFIG_PROCESS_RESULT.action {
        query(call, state)
    } else {
        Err(Failure::documented(
            call.facts,
            500,
            "(mock) the operation has no behaviour",
        ))
    }?;
    let mut data = answer.data;
    if let Value::Object(m) = &mut data {
        for (field, cond) in &call.facts.nullable {
            let holds = match cond {
                NullWhen::Outcome(success) => *success == answer.ok,
                NullWhen::Param { param, values } => call
                    .params
                    .get(param)
                    .is_some_and(|v| values.iter().any(|x| x == v)),
            };
            if holds {
                m.insert(field.clone(), Value::Null);
            }
        }
    }
    Ok(data)
}

fn project<'s>(call: &Call<'_>, state: &'s mut State) -> Result<&'s mut Project, Failure> {
    let id = call.params.int("ProjectId");
    let denied = || {
        Failure::documented(
            call.facts,
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

fn task_type(call: &Call<'_>) -> TaskType {
    TaskType::from(call.params.get("TaskType").unwrap_or_default())
}

fn get(call: &Call<'_>, state: &mut State) -> Result<Answer, Failure> {
    let file = call.params.int("FileId");
    let project = project(call, state)?;
    let invalid = || Failure::documented(call.facts, 400, &format!("fileId[{file}] is invalid"));
    let data = match task_type(call) {
        TaskType::DiSolution => {
            let s = project.solutions.get(&file).ok_or_else(invalid)?;
            json!({
                "Status": s.status.as_str(),
                "SolutionInfo": {
                    "Status": s.status.as_str(),
                    "Id": file,
                    "CreatorName": s.creator_name,
                    "StepDetail": s.steps.iter().map(|st| json!({
                        "Status": st.status,
                        "StepId": st.step_id,
                        "StepName": st.step_name,
                        "Info": st.info,
                    })).collect::<Vec<_>>(),
                },
            })
        }
        _ => {
            let t = project.realtime_tasks.get_mut(&file).ok_or_else(invalid)?;
            let data = json!({"Status": t.status.as_str(), "Name": t.name});
            if let Some(p) = &mut t.pending {
                p.polls = p.polls.saturating_sub(1);
                if p.polls == 0 {
                    t.status = p.to.clone();
                    t.pending = None;
                }
            }
            data
        }
    };
    Ok(Answer {
        data: typed::<GetDiSyncInstanceInfoData>(call.facts, data)?,
        ok: true,
    })
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

fn start(call: &Call<'_>, state: &mut State) -> Result<Answer, Failure> {
    let file = call.params.int("FileId");
    let settle = call.pace.settle_polls;
    let start_param = call.params.get("StartParam").map(str::to_owned);
    let project = project(call, state)?;
    let missing = format!("fileId:[{file}] is invalid.");
    let result = match task_type(call) {
        TaskType::DiSolution => match project.solutions.get_mut(&file) {
            None => Err(missing),
            Some(s) => {
                s.status = SolutionStatus::Success;
                for step in &mut s.steps {
                    step.status = ProcessStatus::Success.as_str().to_owned();
                }
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
                    t.start_param = start_param;
                    Ok(())
                }
            },
        },
    };
    outcome::<StartDiSyncInstanceData>(call.facts, result)
}

fn stop(call: &Call<'_>, state: &mut State) -> Result<Answer, Failure> {
    let file = call.params.int("FileId");
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
    outcome::<StopDiSyncInstanceData>(call.facts, result)
}

fn generate(call: &Call<'_>, state: &mut State) -> Result<Answer, Failure> {
    let task = call.params.int("TaskId");
    let kind = task_type(call);
    let token = call.params.get("ClientToken").map(str::to_owned);
    let param = call.params.get("TaskParam").unwrap_or_default();
    let polls = call.pace.process_polls.max(1);
    let next_id = state.next_process_id;
    let project = project(call, state)?;
    let fail = |m: String| {
        Ok(Answer {
            data: typed::<GenerateDiSyncTaskConfigForUpdatingData>(
                call.facts,
                json!({"Status": ProcessStatus::Fail.as_str(), "Message": m}),
            )?,
            ok: false,
        })
    };
    let started = |id: i64| {
        Ok(Answer {
            data: typed::<GenerateDiSyncTaskConfigForUpdatingData>(
                call.facts,
                json!({"Status": ProcessStatus::Success.as_str(), "ProcessId": id}),
            )?,
            ok: true,
        })
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
        return fail(format!("taskId:[{task}] is invalid."));
    };
    let (status, task_content, message) = match task_content(param, &name, &job) {
        Ok(c) => (ProcessStatus::Success, Some(c), None),
        Err(m) => (ProcessStatus::Fail, None, Some(m)),
    };
    project.processes.insert(
        next_id,
        Process {
            task_type: kind,
            task_id: task,
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

fn query(call: &Call<'_>, state: &mut State) -> Result<Answer, Failure> {
    let id = call.params.int("AsyncProcessId");
    let kind = task_type(call);
    let project = project(call, state)?;
    let data = match project
        .processes
        .get_mut(&id)
        .filter(|p| p.task_type == kind)
    {
        None => (
            json!({"Status": ProcessStatus::Fail.as_str(), "Message": format!("asyncProcessId:[{id}] is invalid.")}),
            false,
        ),
        Some(p) => {
            p.polls_left = p.polls_left.saturating_sub(1);
            if p.polls_left > 0 {
                (json!({"Status": PROCESS_RUNNING}), true)
            } else if p.status == ProcessStatus::Success {
                (
                    json!({"Status": p.status.as_str(), "TaskContent": p.task_content}),
                    true,
                )
            } else {
                (
                    json!({"Status": p.status.as_str(), "Message": p.message}),
                    false,
                )
            }
        }
    };
    Ok(Answer {
        data: typed::<QueryDiSyncTaskConfigProcessResultData>(call.facts, data.0)?,
        ok: data.1,
    })
}
