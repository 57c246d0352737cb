//! Tests against real TikTok data captured by others (shared/data/real).

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use tiklive::webcast::mapping::Route;
use tiklive::webcast::{Decoder, DecoderOptions, EventKind, KindSet, Output};

fn real_data_dir() -> PathBuf {
    let dir = std::env::var_os("TIKLIVE_REAL_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real"));
    assert!(
        dir.join("tiktoklivejava/events-collector").is_dir(),
        "real data not found at {} (set TIKLIVE_REAL_DATA to the shared/data/real folder)",
        dir.display()
    );
    dir
}

/// Every distinct payload: (method, payload).
fn collector_payloads() -> Vec<(String, Vec<u8>)> {
    let dir = real_data_dir().join("tiktoklivejava/events-collector");
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for (key, items) in json.as_object().unwrap() {
            for item in items.as_array().unwrap() {
                let b64 = item["eventData"].as_str().unwrap();
                if !seen.insert(b64.to_string()) {
                    continue;
                }
                // The key is the method, except `RoomMessage`, which holds
                // `SystemMessage` payloads (data README).
                let method = if key == "RoomMessage" {
                    "SystemMessage"
                } else {
                    key.as_str()
                };
                out.push((method.to_string(), B64.decode(b64).unwrap()));
            }
        }
    }
    out
}

fn everything() -> DecoderOptions {
    let mut wanted = KindSet::default_set();
    wanted.insert(EventKind::Unknown);
    DecoderOptions {
        wanted,
        ..Default::default()
    }
}

#[test]
fn every_collector_payload_decodes_into_its_event() {
    let payloads = collector_payloads();
    assert_eq!(
        payloads.len(),
        2303,
        "the data README counts 2,303 distinct payloads"
    );
    let mut decoder = Decoder::new(everything());
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (method, payload) in &payloads {
        let mut out = Vec::new();
        decoder.decode_message(method, payload, false, &mut out);
        let events: Vec<_> = out
            .iter()
            .filter_map(|o| match o {
                Output::Event(e) => Some(e),
                Output::Warning(w) => {
                    failures.push(w.to_string());
                    None
                }
            })
            .collect();
        assert_eq!(
            events.len(),
            1,
            "{method}: one wire message yields exactly one event"
        );
        let expected: &[EventKind] = match Route::for_method(method) {
            Some(route) => route.kinds(),
            None => &[EventKind::Unknown],
        };
        assert!(
            expected.contains(&events[0].kind),
            "{method} became {} (expected one of {expected:?})",
            events[0].kind
        );
        // Every data object is a JSON object.
        let data: serde_json::Value = serde_json::from_str(events[0].data.get()).unwrap();
        assert!(data.is_object(), "{method}: data is an object");
        *by_kind.entry(events[0].kind.name()).or_default() += 1;
    }
    assert!(
        failures.is_empty(),
        "{} payloads failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("decoded by kind: {by_kind:?}");
    // The spec kinds that this corpus holds at least once.
    for kind in [
        "chat",
        "gift",
        "like",
        "member",
        "roomUpdate",
        "follow",
        "share",
        "emote",
        "envelope",
        "questionNew",
        "linkMicBattle",
        "linkMicArmies",
        "linkMicBattlePunishFinish",
        "linkMicBattleTask",
        "linkMicFanTicketMethod",
        "linkMicMethod",
        "liveIntro",
        "streamEnd",
        "barrage",
        "hourlyRank",
        "goalUpdate",
        "roomMessage",
        "captionMessage",
        "imDelete",
        "inRoomBanner",
        "rankUpdate",
        "pollMessage",
        "rankText",
        "unauthorizedMember",
        "oecLiveShopping",
        "msgDetect",
        "linkMessage",
        "roomVerify",
        "linkLayer",
        "roomPin",
        "unknown",
    ] {
        assert!(
            by_kind.contains_key(kind),
            "no {kind} event came out of the real data"
        );
    }
}

#[test]
#[ignore]
fn dump_samples() {
    let mut decoder = Decoder::new(everything());
    let mut seen = HashSet::new();
    for (method, payload) in collector_payloads() {
        let mut out = Vec::new();
        decoder.decode_message(&method, &payload, false, &mut out);
        for o in out {
            if let Output::Event(e) = o
                && seen.insert(e.kind)
            {
                let s = e.data.get();
                println!("{} {}", e.kind, &s[..s.len().min(1500)]);
            }
        }
    }
}
