//! Example: what a program using only `dataworks-di` looks like.
//!
//! [`task_status`] reads a real-time task's state; [`stop_and_wait`] stops it and waits until
//! it has stopped. `src/main.rs` runs them against Alibaba Cloud (or any endpoint), and the
//! tests against a local DataWorks.

use dataworks_di::Client;
use dataworks_di::config::WaiterConfig;
use dataworks_di::error::{WaitError, WaiterFailure};
use dataworks_di::operation::get_di_sync_instance_info::{
    GetDiSyncInstanceInfoError, GetDiSyncInstanceInfoOutput,
};
use dataworks_di::operation::stop_di_sync_instance::StopDiSyncInstanceError;
use dataworks_di::types::{GetDiSyncInstanceInfoStatus, TaskType};

/// The state of the real-time task `file_id` in workspace `project_id`.
pub async fn task_status(
    client: &Client,
    project_id: i64,
    file_id: i64,
) -> Result<GetDiSyncInstanceInfoOutput, GetDiSyncInstanceInfoError> {
    client
        .get_di_sync_instance_info()
        .project_id(project_id)
        .task_type(TaskType::DiRealtime)
        .file_id(file_id)
        .send()
        .await
}

/// Why [`stop_and_wait`] did not end with the task stopped.
#[derive(Debug)]
pub enum StopError {
    /// The stop call failed (including `Data.Status = fail`, with the service's message).
    Stop(StopDiSyncInstanceError),
    /// Waiting for `PAUSE` failed or timed out.
    Wait(WaitError<WaiterFailure<GetDiSyncInstanceInfoError>>),
}

impl std::fmt::Display for StopError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopError::Stop(e) => write!(f, "stopping failed: {e}"),
            StopError::Wait(e) => write!(f, "waiting for the task to stop failed: {e}"),
        }
    }
}

impl std::error::Error for StopError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StopError::Stop(e) => Some(e),
            StopError::Wait(e) => Some(e),
        }
    }
}

/// Stops the real-time task and polls until it reports `PAUSE`.
pub async fn stop_and_wait(
    client: &Client,
    project_id: i64,
    file_id: i64,
    waiter: &WaiterConfig,
) -> Result<GetDiSyncInstanceInfoOutput, StopError> {
    client
        .stop_di_sync_instance()
        .project_id(project_id)
        .task_type(TaskType::DiRealtime)
        .file_id(file_id)
        .send()
        .await
        .map_err(StopError::Stop)?;
    client
        .get_di_sync_instance_info()
        .project_id(project_id)
        .task_type(TaskType::DiRealtime)
        .file_id(file_id)
        .wait_until_instance_status(GetDiSyncInstanceInfoStatus::Pause, waiter)
        .await
        .map_err(StopError::Wait)
}
