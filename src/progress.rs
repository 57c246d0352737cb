//! Progress on stderr: an indicatif spinner while connecting or reconnecting,
//! and progress lines for `forward`. Shown only when stderr is a terminal and
//! `-q` is not given (the caller decides, from `config::Terminal::progress`).
//! Messages printed while a bar is visible go through [`suspend`], so a bar
//! never tears a line.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Run `f` with the active bar (if any) hidden.
pub fn suspend<R>(f: impl FnOnce() -> R) -> R {
    let bar = ACTIVE.lock().ok().and_then(|g| g.clone());
    match bar {
        Some(bar) => bar.suspend(f),
        None => f(),
    }
}

/// A spinner (or a hidden no-op when progress is off).
pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    pub fn start(enabled: bool, message: impl Into<String>) -> Spinner {
        if !enabled {
            return Spinner { bar: None };
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(100));
        if let Ok(mut g) = ACTIVE.lock() {
            *g = Some(bar.clone());
        }
        Spinner { bar: Some(bar) }
    }

    /// A bar with a custom template (e.g. forward's delivery line).
    pub fn line(enabled: bool, template: &str) -> Spinner {
        if !enabled {
            return Spinner { bar: None };
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        if let Ok(mut g) = ACTIVE.lock() {
            *g = Some(bar.clone());
        }
        Spinner { bar: Some(bar) }
    }

    pub fn set_message(&self, message: impl Into<String>) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.into());
        }
    }

    /// Remove the spinner from the screen (before events print).
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            if let Ok(mut g) = ACTIVE.lock() {
                *g = None;
            }
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.clear();
    }
}
