//! What a run says on stderr: plain lines for people, one JSON object per line for log
//! collectors (`--log-format json`), a progress spinner per phase only when stderr is a
//! terminal, nothing but errors under `--quiet`.

use std::io::{IsTerminal, Write};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

pub struct Log {
    pub format: Format,
    pub quiet: bool,
    progress: Option<indicatif::ProgressBar>,
    tty: bool,
}

fn json_escape(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

impl Log {
    pub fn new(format: Format, quiet: bool) -> Log {
        Log {
            format,
            quiet,
            progress: None,
            tty: std::io::stderr().is_terminal(),
        }
    }

    fn line(&self, level: &str, msg: &str, fields: &[(&str, String)]) {
        self.clear_progress_line();
        let mut err = std::io::stderr().lock();
        match self.format {
            Format::Text => {
                let _ = writeln!(
                    err,
                    "hmis: {}{msg}",
                    if level == "info" {
                        String::new()
                    } else {
                        format!("{level}: ")
                    }
                );
            }
            Format::Json => {
                let mut s = format!(
                    "{{\"time\":{},\"level\":{},\"msg\":{}",
                    json_escape(&chrono::Local::now().to_rfc3339()),
                    json_escape(level),
                    json_escape(msg)
                );
                for (k, v) in fields {
                    s.push_str(&format!(",{}:{v}", json_escape(k)));
                }
                s.push('}');
                let _ = writeln!(err, "{s}");
            }
        }
    }

    fn clear_progress_line(&self) {
        if let Some(p) = &self.progress {
            p.suspend(|| {});
        }
    }

    pub fn info(&self, msg: &str) {
        if !self.quiet {
            self.line("info", msg, &[]);
        }
    }

    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            self.line("warning", msg, &[]);
        }
    }

    /// Errors are always written.
    pub fn error(&self, msg: &str) {
        self.line("error", msg, &[]);
    }

    /// The final one-line summary (JSON: with its figures as fields).
    pub fn summary(&self, msg: &str, fields: &[(&str, String)]) {
        if !self.quiet {
            self.line("info", msg, fields);
        }
    }

    /// Starts a phase: a spinner with its name on a terminal (nothing otherwise).
    pub fn phase(&mut self, name: &str) {
        if self.quiet || !self.tty || self.format == Format::Json {
            return;
        }
        let p = self.progress.get_or_insert_with(|| {
            let p = indicatif::ProgressBar::new_spinner();
            p.set_style(
                indicatif::ProgressStyle::with_template("{spinner} hmis: {msg} ({elapsed})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            p.enable_steady_tick(Duration::from_millis(120));
            p
        });
        p.set_message(name.to_string());
    }

    /// Ends the progress display.
    pub fn done(&mut self) {
        if let Some(p) = self.progress.take() {
            p.finish_and_clear();
        }
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        self.done();
    }
}
