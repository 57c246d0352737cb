//! Ctrl-C and SIGTERM. The first signal cancels the root token so every task
//! drains and output is flushed; the second exits at once with 130, unless
//! the command handles it ([`Shutdown::handle_force`]: `watch --sink` stops
//! waiting for acks and prints its summary first).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;

use crate::term;

#[derive(Clone, Default)]
pub struct Shutdown {
    pub token: CancellationToken,
    /// Cancelled by the second signal when [`Shutdown::handle_force`] was called.
    pub force: CancellationToken,
    interrupted: Arc<AtomicBool>,
    force_handled: Arc<AtomicBool>,
}

impl Shutdown {
    /// Listen for signals (call once, inside the runtime).
    pub fn install(quiet: bool) -> Shutdown {
        let s = Shutdown::default();
        let me = s.clone();
        tokio::spawn(async move {
            let first = wait_signal().await;
            me.interrupted.store(true, Ordering::SeqCst);
            me.token.cancel();
            if !quiet {
                term::note(match first {
                    Signal::Interrupt => "stopping (press Ctrl-C again to force)",
                    Signal::Terminate => "stopping on SIGTERM (a second signal forces)",
                });
            }
            wait_signal().await;
            if me.force_handled.load(Ordering::SeqCst) {
                me.force.cancel();
                wait_signal().await;
            }
            std::process::exit(130);
        });
        s
    }

    /// The second signal cancels [`Shutdown::force`] instead of exiting (a
    /// third one still exits at once with 130).
    pub fn handle_force(&self) {
        self.force_handled.store(true, Ordering::SeqCst);
    }

    /// Whether a signal asked us to stop.
    pub fn interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }
}

/// Which signal asked us to stop.
enum Signal {
    /// Ctrl-C (SIGINT).
    Interrupt,
    /// SIGTERM (a supervisor, `kill`).
    Terminate,
}

async fn wait_signal() -> Signal {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return Signal::Interrupt;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => Signal::Interrupt,
            _ = term.recv() => Signal::Terminate,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        Signal::Interrupt
    }
}
