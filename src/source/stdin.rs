//! Event NDJSON on stdin (`forward -`): one event per line, as `watch`
//! prints them. A line that is not an event is a counted warning, skipped.

use anyhow::{Context, Result};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::OfflineEnd;
use crate::term;
use crate::webcast::{Envelope, KindSet};

/// Events per batch read from stdin at most.
const STDIN_BATCH: usize = 256;

/// Read events from stdin until it ends, sending the `wanted` ones.
pub async fn read_stdin(
    tx: mpsc::Sender<Vec<Envelope>>,
    cancel: CancellationToken,
    wanted: KindSet,
) -> Result<OfflineEnd> {
    let mut reader = BufReader::with_capacity(64 * 1024, tokio::io::stdin());
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut batch = Vec::new();
    loop {
        line.clear();
        let read = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Ok(OfflineEnd::Cancelled),
            r = reader.read_until(b'\n', &mut line) => r.context("cannot read stdin")?,
        };
        if read == 0 {
            break;
        }
        number += 1;
        match parse_line(&line) {
            Ok(None) => {}
            Ok(Some(env)) => {
                if wanted.contains(env.kind) {
                    batch.push(env);
                }
            }
            Err(why) => term::warn(format_args!("stdin line {number}: {why}; skipped")),
        }
        if !batch.is_empty()
            && (reader.buffer().is_empty() || batch.len() >= STDIN_BATCH)
            && tx.send(std::mem::take(&mut batch)).await.is_err()
        {
            return Ok(OfflineEnd::ConsumerGone);
        }
    }
    if !batch.is_empty() && tx.send(batch).await.is_err() {
        return Ok(OfflineEnd::ConsumerGone);
    }
    Ok(OfflineEnd::Done)
}

/// One stdin line: `None` if blank, else an event or why it is not one.
fn parse_line(line: &[u8]) -> Result<Option<Envelope>, String> {
    let text = std::str::from_utf8(line).map_err(|_| "not UTF-8".to_string())?;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    serde_json::from_str::<Envelope>(text)
        .map(Some)
        .map_err(
            |e| match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Err(json) => format!("not JSON ({json})"),
                Ok(_) => format!("not an event ({e})"),
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_lines_parse_or_say_why_not() {
        assert!(parse_line(b"  \n").unwrap().is_none());
        let ok = parse_line(
            br#"{"type":"chat","data":{},"timestamp":"2024-01-01T00:00:00.000Z","id":"x"}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.id, "x");
        assert!(parse_line(b"{oops").unwrap_err().starts_with("not JSON"));
        assert!(
            parse_line(br#"{"type":"nope","data":{},"timestamp":"t","id":"x"}"#)
                .unwrap_err()
                .starts_with("not an event")
        );
        assert!(
            parse_line(b"[1,2]")
                .unwrap_err()
                .starts_with("not an event")
        );
        assert_eq!(parse_line(b"\xff\xfe").unwrap_err(), "not UTF-8");
    }
}
