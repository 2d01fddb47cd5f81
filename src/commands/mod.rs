//! One file per command; each returns the process exit code.

pub mod dedup;
pub mod organizations;
pub mod pipeline;
pub mod report;
pub mod run;
pub mod synth;
pub mod validate;

use std::fmt;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Failure = 1,
    Usage = 2,
    Rejected = 3,
}

/// An error that ends a command, with the exit code it maps to.
#[derive(Debug)]
pub struct CommandError {
    pub exit: Exit,
    pub message: String,
}

impl CommandError {
    pub fn new(exit: Exit, message: impl fmt::Display) -> CommandError {
        CommandError {
            exit,
            message: message.to_string(),
        }
    }
}

impl From<crate::ingest::IngestError> for CommandError {
    fn from(e: crate::ingest::IngestError) -> Self {
        use crate::ingest::IngestError::*;
        let exit = match e {
            NotFound(_) => Exit::Usage,
            Io { .. } => Exit::Failure,
            Unusable { .. } => Exit::Rejected,
        };
        CommandError::new(exit, e)
    }
}

impl From<crate::output::OutputError> for CommandError {
    fn from(e: crate::output::OutputError) -> Self {
        CommandError::new(Exit::Failure, format!("cannot write {e}"))
    }
}

impl From<crate::dedup::RulesError> for CommandError {
    fn from(e: crate::dedup::RulesError) -> Self {
        CommandError::new(Exit::Usage, format!("rules: {e}"))
    }
}

impl From<crate::dedup::InputError> for CommandError {
    fn from(e: crate::dedup::InputError) -> Self {
        CommandError::new(Exit::Usage, e)
    }
}
