//! tiklive: TikTok LIVE events as NDJSON, webhooks and a REST API.

pub mod webcast;
