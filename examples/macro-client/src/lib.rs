//! Example: the typed DataWorks Data Integration client, generated at compile time by the
//! `generate!` proc-macro from the workspace's spec.
//!
//! The expansion holds the same items as the committed `generated/` crate (a test in
//! `dwdi-codegen-macro` compares them); a user of the macro keeps no generated file at all,
//! and cargo rebuilds this crate when the spec changes.
//!
//! ```no_run
//! use dwdi_example_macro_client::Client;
//! use dwdi_example_macro_client::types::TaskType;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?;
//! let answer = client
//!     .stop_di_sync_instance()
//!     .project_id(10000)
//!     .task_type(TaskType::DiRealtime)
//!     .file_id(100)
//!     .send()
//!     .await?;
//! println!("{:?}", answer.data);
//! # Ok(())
//! # }
//! ```

// The path is relative to this crate's Cargo.toml.
dwdi_codegen_macro::generate!("../../spec/dataworks-di.json");
