//! The TaskContent an asynchronous process generates: the task's job (reader and writer)
//! with the tables the TaskParam asks for, built as the generated `TaskContent` type so that
//! it has the documented shape.
//!
//! It depends on no other module of the mock: the state holds [`Job`]s and keeps what this
//! module generates, never the other way round.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use dataworks_di::documents::{BatchTaskContent, Connection, TaskContent, TaskParam};
use dataworks_di::types::{StepCategory, StepType};

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

impl Job {
    /// Takes what one step of a document says about the job: its kind and data source (a
    /// reader's from its first connection that names one, a writer's from its own
    /// `datasource`), as the reader's or the writer's; what the step does not say stays.
    fn take_step(
        &mut self,
        step: &StepCategory,
        kind: Option<&StepType>,
        connections: Option<&Vec<Connection>>,
        datasource: Option<&String>,
    ) {
        let (job_kind, job_source, source) = if *step == category(true) {
            let source = connections
                .into_iter()
                .flatten()
                .find_map(|c| c.datasource.as_ref());
            (&mut self.reader, &mut self.reader_datasource, source)
        } else if *step == category(false) {
            (&mut self.writer, &mut self.writer_datasource, datasource)
        } else {
            return;
        };
        if let Some(kind) = kind {
            *job_kind = kind.clone();
        }
        if let Some(source) = source {
            *job_source = source.clone();
        }
    }
}

/// The step categories, for building documents.
fn category(reader: bool) -> StepCategory {
    if reader {
        StepCategory::Reader
    } else {
        StepCategory::Writer
    }
}

/// One table asked for: its database (several-database mode) and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The database, when the TaskParam names one.
    pub db: Option<String>,
    /// The table.
    pub table: String,
}

/// The tables a TaskParam's reader connections name, in order.
pub fn tables(param: &TaskParam) -> Vec<(Connection, Vec<Table>)> {
    let mut out = Vec::new();
    for step in param.steps.iter().filter(|s| s.category == category(true)) {
        for conn in step.parameter.connection.iter().flatten() {
            let mut list: Vec<Table> = conn
                .table
                .iter()
                .flatten()
                .map(|t| Table {
                    db: None,
                    table: t.clone(),
                })
                .collect();
            for sel in conn.selected_tables.iter().flatten() {
                for schema in &sel.schema {
                    for info in &schema.table_infos {
                        list.push(Table {
                            db: Some(sel.db_name.clone()),
                            table: info.table.clone(),
                        });
                    }
                }
            }
            out.push((conn.clone(), list));
        }
    }
    out
}

/// The table names of `connections`, in order: `table` entries, then each database's
/// `selectedTables` as `db.table`.
fn connection_tables<'a>(connections: impl IntoIterator<Item = &'a Connection>) -> Vec<String> {
    let mut out = Vec::new();
    for conn in connections {
        out.extend(conn.table.iter().flatten().cloned());
        for sel in conn.selected_tables.iter().flatten() {
            for schema in &sel.schema {
                for info in &schema.table_infos {
                    out.push(format!("{}.{}", sel.db_name, info.table));
                }
            }
        }
    }
    out
}

/// The tables the reader of a (validated) real-time TaskContent synchronizes; none if it
/// cannot be read.
pub fn content_tables(task_content: &str) -> Vec<String> {
    let Ok(doc) = serde_json::from_str::<TaskContent>(task_content) else {
        return Vec::new();
    };
    connection_tables(
        doc.steps
            .iter()
            .filter(|s| s.category == category(true))
            .flat_map(|s| s.parameter.connection.iter().flatten()),
    )
}

/// The tables the reader of a (validated) batch job reads; none if it cannot be read.
pub fn batch_tables(content: &str) -> Vec<String> {
    let Ok(doc) = serde_json::from_str::<BatchTaskContent>(content) else {
        return Vec::new();
    };
    connection_tables(
        doc.steps
            .iter()
            .filter(|s| s.category == category(true))
            .flat_map(|s| s.parameter.connection.iter().flatten()),
    )
}

/// The job a (validated) real-time TaskContent runs: its reader's and writer's kinds and data
/// sources, and its resource group; what it does not say is `base`'s. A task created or
/// updated with the content runs this job, so the configuration generated for it later keeps
/// the task's own reader and writer.
pub fn content_job(task_content: &str, base: &Job) -> Job {
    let mut job = base.clone();
    let Ok(doc) = serde_json::from_str::<TaskContent>(task_content) else {
        return job;
    };
    for step in &doc.steps {
        let p = &step.parameter;
        job.take_step(
            &step.category,
            Some(&step.step_type),
            p.connection.as_ref(),
            p.datasource.as_ref(),
        );
    }
    if let Some(group) = doc.extend.and_then(|e| e.resource_group) {
        job.resource_group = group;
    }
    job
}

/// The job of a new task, as GenerateDISyncTaskConfigForCreating's TaskParam describes it:
/// the reader's and the writer's kinds and data sources, and the resource group; what it does
/// not say is the default job's.
pub fn creation_job(task_param: &str) -> Job {
    let mut job = Job::default();
    let Ok(param) = serde_json::from_str::<TaskParam>(task_param) else {
        return job;
    };
    for step in &param.steps {
        let p = &step.parameter;
        job.take_step(
            &step.category,
            step.step_type.as_ref(),
            p.connection.as_ref(),
            p.datasource.as_ref(),
        );
    }
    if let Some(group) = param.setting.and_then(|s| s.resource_group) {
        job.resource_group = group;
    }
    job
}

/// The TaskContent for `task_param` (already validated) on a task named `name` with `job`;
/// `Err` says why no configuration can be generated.
pub fn task_content(task_param: &str, name: &str, job: &Job) -> Result<String, String> {
    let param: TaskParam =
        serde_json::from_str(task_param).map_err(|e| format!("TaskParam cannot be read: {e}"))?;
    let conns = tables(&param);
    let total: usize = conns.iter().map(|(_, t)| t.len()).sum();
    if total == 0 {
        return Err("TaskParam names no table for the reader.".to_owned());
    }
    let mut connections = Vec::new();
    let mut rules = Vec::new();
    for (conn, list) in &conns {
        let mut c = serde_json::to_value(conn).map_err(|e| e.to_string())?;
        if let Value::Object(m) = &mut c {
            m.entry("datasource")
                .or_insert_with(|| json!(job.reader_datasource));
            m.entry("datasourceType")
                .or_insert_with(|| json!(job.reader.as_str()));
        }
        connections.push(c);
        for t in list {
            let db =
                t.db.clone()
                    .unwrap_or_else(|| job.reader_datasource.clone());
            rules.push(json!({
                "srcDbName": db,
                "srcTable": t.table,
                "dstTable": format!("{db}.{}", t.table),
                "mergeIntoCycleType": "DEFAULT",
                "hourDeltaEnable": false,
                "dayDeltaEnable": false,
                "primaryKeyInfo": {"column": ["id"], "type": "pk"},
                "dstCreateTableInfo": {"schemaName": db, "tableName": t.table},
            }));
        }
    }
    let doc = json!({
        "type": "job",
        "version": "2.0",
        "extend": {
            "mode": format!("migration_{}", job.writer.as_str()),
            "resourceGroup": job.resource_group,
            "name": name,
        },
        "steps": [
            {
                "stepType": job.reader.as_str(),
                "category": category(true).as_str(),
                "name": "reader",
                "parameter": {"connection": connections},
            },
            {
                "stepType": job.writer.as_str(),
                "category": category(false).as_str(),
                "name": "writer",
                "parameter": {
                    "datasource": job.writer_datasource,
                    "tableMappingRule": {
                        "datasource": [{
                            "srcDatasourceName": job.reader_datasource,
                            "tableRule": rules,
                        }],
                        "totalTableMapping": total,
                    },
                    "writeMode": "replay",
                },
            },
        ],
        "order": {"hops": [{"from": "reader", "to": "writer"}]},
    });
    let typed: TaskContent =
        serde_json::from_value(doc).map_err(|e| format!("TaskContent cannot be built: {e}"))?;
    serde_json::to_string(&typed).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_content_runs_the_job_it_was_generated_for() {
        let job = Job {
            reader: StepType::Mysql,
            reader_datasource: "shop".into(),
            writer: StepType::Odps,
            writer_datasource: "warehouse".into(),
            resource_group: "S_res_group_demo".into(),
        };
        let param = r#"{"steps":[{"category":"reader","name":"Reader","parameter":{"connection":[{"table":["orders"]}]}}]}"#;
        let text = task_content(param, "t", &job).unwrap();
        assert_eq!(content_job(&text, &Job::default()), job);
        // What a content does not say is the base's.
        assert_eq!(content_job("not json", &job), job);
    }

    #[test]
    fn generated_content_validates_and_lists_the_tables() {
        let param = r#"{"steps":[{"category":"reader","name":"Reader","parameter":{"connection":[
            {"table":["a","b"]},
            {"selectedTables":[{"dbName":"sales","schema":[{"tableInfos":[{"table":"orders"}]}]}]}]}}]}"#;
        let text = task_content(param, "t", &Job::default()).unwrap();
        let v = dwdi_validate::DocumentValidator::new(
            dataworks_di::documents::TASK_CONTENT_SCHEMA,
            dataworks_di::documents::TASK_CONTENT_RULES,
        )
        .unwrap();
        assert_eq!(v.validate(&text, true), vec![]);
        let doc: Value = serde_json::from_str(&text).unwrap();
        let rules = &doc["steps"][1]["parameter"]["tableMappingRule"];
        assert_eq!(rules["totalTableMapping"], 3);
        assert_eq!(
            rules["datasource"][0]["tableRule"][2]["dstTable"],
            "sales.orders"
        );
    }
}
