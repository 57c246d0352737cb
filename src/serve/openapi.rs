//! `GET /api/openapi.json`: an OpenAPI 3.1 description of exactly the routes
//! [`super::router`] serves (a test compares the two).

use serde_json::{Value, json};

use crate::webcast::EventKind;

use super::routes::{DEFAULT_LIMIT, MAX_LIMIT};

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": schema}}
    })
}

fn filter_params(with_limit: bool) -> Vec<Value> {
    let mut params = vec![
        json!({
            "name": "type", "in": "query", "required": false,
            "description": "Only these event types: comma-separated names (any case); may repeat.",
            "schema": {"type": "string"}, "example": "gift,chat"
        }),
        json!({
            "name": "streamer", "in": "query", "required": false,
            "description": "Only this streamer's events (`@name` or `name`).",
            "schema": {"type": "string"}
        }),
        json!({
            "name": "after", "in": "query", "required": false,
            "description": "A cursor: return the events stored after it, oldest first. Use the `next` of the previous page or an event's `seq`; 0 starts from the oldest stored event. A cursor whose events were dropped from the buffer continues from the oldest one available (`missed` says how many were dropped).",
            "schema": {"type": "integer", "format": "int64", "minimum": 0}
        }),
    ];
    if with_limit {
        params.push(json!({
            "name": "limit", "in": "query", "required": false,
            "description": "Events per page.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}
        }));
    }
    params
}

/// The document.
pub fn document() -> Value {
    let types: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
    let bad = error_response(
        "A malformed request: unknown or repeated parameter, bad value, bad JSON, unknown field, bad URL.",
    );
    let unauthorized =
        error_response("The API key is missing or wrong (only when the server has one).");
    let mut stream_params = filter_params(false);
    stream_params.push(json!({
        "name": "Last-Event-ID", "in": "header", "required": false,
        "description": "Resume after this event (`seq`).",
        "schema": {"type": "integer", "format": "int64", "minimum": 0}
    }));
    let paths = paths(&bad, &unauthorized, stream_params);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "tiklive serve",
            "version": crate::version::VERSION,
            "description": "TikTok LIVE events stored by `tiklive serve`, their live tail, status, and the webhooks they are forwarded to. When the server has an API key (API_KEY), every /api/ request must send it as `Authorization: Bearer KEY` or `X-API-Key: KEY`. Every error is `{\"error\":{\"code\",\"message\"}}`."
        },
        "security": [{"bearerAuth": []}, {"apiKeyHeader": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"}
            },
            "schemas": schemas(&types)
        }
    })
}

fn paths(bad: &Value, unauthorized: &Value, stream_params: Vec<Value>) -> Value {
    json!({
        "/healthz": {
            "get": {
                "summary": "Liveness check (no API key needed)",
                "operationId": "healthz",
                "security": [],
                "responses": {
                    "200": json_response("The server is up.", json!({
                        "type": "object", "required": ["status"],
                        "properties": {"status": {"const": "ok"}}
                    }))
                }
            }
        },
        "/api/status": {
            "get": {
                "summary": "Connection state per streamer, event counts, buffer and webhook totals",
                "operationId": "getStatus",
                "responses": {
                    "200": json_response("The status.", json!({"$ref": "#/components/schemas/Status"})),
                    "401": unauthorized
                }
            }
        },
        "/api/events": {
            "get": {
                "summary": "Stored events, oldest first within a page",
                "description": "Without `after`: the newest `limit` events. With `after`: the events stored after that cursor, up to `limit`. Following `next` never repeats or skips an event.",
                "operationId": "listEvents",
                "parameters": filter_params(true),
                "responses": {
                    "200": json_response("A page of events.", json!({"$ref": "#/components/schemas/EventsPage"})),
                    "400": bad,
                    "401": unauthorized
                }
            }
        },
        "/api/events/stream": {
            "get": {
                "summary": "The live tail as server-sent events",
                "description": "Each message has `id:` = the event's `seq` and `data:` = the event (as in /api/events). Resumes after `Last-Event-ID` (sent by browsers on reconnect), else after `after`, else starts with the next event stored.",
                "operationId": "streamEvents",
                "parameters": stream_params,
                "responses": {
                    "200": {
                        "description": "A stream of events.",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}}
                    },
                    "400": bad,
                    "401": unauthorized
                }
            }
        },
        "/api/webhooks": {
            "get": {
                "summary": "Registered webhooks with their delivery totals (secrets are never returned)",
                "operationId": "listWebhooks",
                "responses": {
                    "200": json_response("The webhooks.", json!({
                        "type": "array", "items": {"$ref": "#/components/schemas/Webhook"}
                    })),
                    "401": unauthorized
                }
            },
            "post": {
                "summary": "Register a webhook; served events are forwarded to it from now on",
                "operationId": "createWebhook",
                "requestBody": {
                    "required": true,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewWebhook"}}}
                },
                "responses": {
                    "201": {
                        "description": "Registered.",
                        "headers": {"Location": {"schema": {"type": "string"}, "description": "/api/webhooks/{id}"}},
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Webhook"}}}
                    },
                    "400": bad,
                    "401": unauthorized,
                    "413": error_response("The body is larger than the limit."),
                    "415": error_response("The body is not declared as JSON.")
                }
            }
        },
        "/api/webhooks/{id}": {
            "parameters": [{
                "name": "id", "in": "path", "required": true,
                "description": "The webhook's id.",
                "schema": {"type": "string", "pattern": "^[1-9][0-9]*$"}
            }],
            "get": {
                "summary": "One webhook",
                "operationId": "getWebhook",
                "responses": {
                    "200": json_response("The webhook.", json!({"$ref": "#/components/schemas/Webhook"})),
                    "401": unauthorized,
                    "404": error_response("There is no such webhook.")
                }
            },
            "delete": {
                "summary": "Remove a webhook and drop its pending deliveries",
                "operationId": "deleteWebhook",
                "responses": {
                    "204": {"description": "Removed."},
                    "401": unauthorized,
                    "404": error_response("There is no such webhook.")
                }
            }
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "openapi",
                "responses": {
                    "200": json_response("OpenAPI 3.1.", json!({"type": "object"})),
                    "401": unauthorized
                }
            }
        },
        "/api/overlay/state": {
            "get": {
                "summary": "The overlays' state: session counters and top gifters",
                "description": "Kept in memory as events arrive and rebuilt from the store at start, so a refreshed overlay or a restarted serve continues where it was. Accepts the read-only overlay token as `?token=`. A session starts again when a `connected` event names another room.",
                "operationId": "getOverlayState",
                "parameters": [
                    {"name": "streamer", "in": "query", "schema": {"type": "string"}, "description": "One streamer; default: every streamer summed up."},
                    {"name": "top", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}, "description": "Leaderboard rows."},
                    {"name": "token", "in": "query", "schema": {"type": "string"}, "description": "The overlay token (instead of the API key)."}
                ],
                "responses": {
                    "200": json_response("The state.", json!({"$ref": "#/components/schemas/OverlayState"})),
                    "400": bad,
                    "401": unauthorized
                }
            }
        },
        "/api/overlay/token": {
            "get": {
                "summary": "The read-only overlay token (null without an API key)",
                "operationId": "getOverlayToken",
                "responses": {
                    "200": json_response("The token.", json!({
                        "type": "object", "required": ["token"],
                        "properties": {"token": {"type": ["string", "null"]}}
                    })),
                    "401": unauthorized
                }
            }
        },
        "/api/test-events": {
            "post": {
                "summary": "Send a sample event to the open event streams (overlays, dashboard)",
                "description": "The event carries `\"test\": true` and no `seq`; it is not stored, not forwarded to webhooks and not counted.",
                "operationId": "sendTestEvent",
                "requestBody": {"required": false, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": false,
                    "properties": {
                        "type": {"type": "string", "enum": ["chat", "gift", "follow", "share", "superFan", "like"], "default": "gift"},
                        "streamer": {"type": "string"}
                    }
                }}}},
                "responses": {
                    "202": json_response("The event sent.", json!({"$ref": "#/components/schemas/Event"})),
                    "400": bad,
                    "401": unauthorized
                }
            }
        }
    })
}

fn schemas(types: &[&str]) -> Value {
    let mut schemas = json!({
        "Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {
                "type": "object", "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["bad_request", "unauthorized", "not_found", "method_not_allowed", "payload_too_large", "unsupported_media_type", "request_timeout", "internal"]},
                    "message": {"type": "string"}
                }
            }}
        },
        "EventType": {"type": "string", "enum": types}
    });
    let more: [(&str, Value); 7] = [
        ("OverlayState", overlay_state_schema()),
        ("Event", event_schema()),
        ("EventsPage", page_schema()),
        ("Status", status_schema()),
        ("NewWebhook", new_webhook_schema()),
        ("Webhook", webhook_schema()),
        ("StreamerStatus", streamer_schema()),
    ];
    for (name, schema) in more {
        schemas[name] = schema;
    }
    schemas
}

fn overlay_state_schema() -> Value {
    let count = json!({"type": "integer", "minimum": 0});
    json!({
        "type": "object",
        "required": ["streamers", "counters", "leaderboard", "lastSeq"],
        "properties": {
            "streamers": {"type": "array", "items": {"type": "string"}},
            "roomId": {"type": ["string", "null"]},
            "since": {"type": ["string", "null"], "format": "date-time"},
            "lastSeq": {"type": "integer", "description": "The newest stored seq when the state was taken."},
            "counters": {
                "type": "object",
                "properties": {
                    "likes": {"type": "integer", "minimum": 0, "description": "The newest totalLikeCount."},
                    "viewers": {"type": "integer", "minimum": 0, "description": "The newest roomUpdate viewerCount."},
                    "follows": count, "shares": count, "subscribers": count,
                    "diamonds": {"type": "integer", "minimum": 0, "description": "totalDiamonds of every finished gift (streaks once)."},
                    "gifts": count
                }
            },
            "leaderboard": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "userId": {"type": "string"}, "uniqueId": {"type": "string"},
                    "nickname": {"type": "string"}, "profilePictureUrl": {"type": "string"},
                    "diamonds": {"type": "integer"}
                }
            }}
        }
    })
}

fn event_schema() -> Value {
    json!({
        "type": "object",
        "description": "The event envelope (as `watch` prints it and webhooks receive it) plus `seq`, its position in the store. New fields and types may appear; ignore what you do not know.",
        "required": ["seq", "type", "data", "timestamp", "id"],
        "properties": {
            "seq": {"type": "integer", "format": "int64", "description": "The cursor: ascending in the order events were stored, never reused."},
            "type": {"$ref": "#/components/schemas/EventType"},
            "streamer": {"type": "string"},
            "data": {"type": "object"},
            "timestamp": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid"},
            "history": {"type": "boolean"}
        }
    })
}

fn page_schema() -> Value {
    json!({
        "type": "object", "required": ["events", "next", "missed"],
        "properties": {
            "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
            "next": {"type": "integer", "format": "int64", "description": "Pass as `after` to get the events stored after this page."},
            "missed": {"type": "integer", "description": "Events after `after` that were dropped from the buffer (--buffer) before they were read."}
        }
    })
}

fn streamer_schema() -> Value {
    json!({
        "type": "object",
        "required": ["streamer", "state", "reconnects", "events"],
        "properties": {
            "streamer": {"type": "string"},
            "state": {"enum": ["connected", "reconnecting", "offline", "ended"]},
            "roomId": {"type": ["string", "null"]},
            "connectedSince": {"type": ["string", "null"], "format": "date-time"},
            "reconnects": {"type": "integer"},
            "lastError": {"type": ["string", "null"]},
            "lastErrorAt": {"type": ["string", "null"], "format": "date-time"},
            "lastEventAt": {"type": ["string", "null"], "format": "date-time"},
            "events": {"type": "integer", "description": "Events stored for this streamer since the server started."}
        }
    })
}

fn status_schema() -> Value {
    json!({
        "type": "object",
        "required": ["version", "startedAt", "uptimeSeconds", "source", "sourceRunning", "streamers", "events", "buffer", "webhooks"],
        "properties": {
            "version": {"type": "string"},
            "startedAt": {"type": "string", "format": "date-time"},
            "uptimeSeconds": {"type": "number"},
            "source": {"enum": ["live", "demo", "replay"]},
            "sourceRunning": {"type": "boolean"},
            "streamers": {"type": "array", "items": {"$ref": "#/components/schemas/StreamerStatus"}},
            "events": {
                "type": "object", "required": ["total", "byType", "copies"],
                "description": "Events stored since the server started.",
                "properties": {
                    "total": {"type": "integer"},
                    "byType": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "copies": {"type": "integer", "description": "Events received since the server started whose id the store already held: not stored, counted or forwarded again."}
                }
            },
            "buffer": {
                "type": "object", "required": ["size", "capacity", "lastSeq"],
                "properties": {
                    "size": {"type": "integer"},
                    "capacity": {"type": "integer"},
                    "lastSeq": {"type": "integer", "format": "int64"}
                }
            },
            "webhooks": {
                "type": "object", "required": ["count", "delivered", "failed", "pending"],
                "description": "Totals over the registered webhooks, all time (refreshed every second).",
                "properties": {
                    "count": {"type": "integer"},
                    "delivered": {"type": "integer"},
                    "failed": {"type": "integer"},
                    "pending": {"type": "integer"}
                }
            }
        }
    })
}

fn new_webhook_schema() -> Value {
    json!({
        "type": "object", "required": ["url"], "additionalProperties": false,
        "properties": {
            "url": {"type": "string", "format": "uri", "description": "http or https."},
            "name": {"type": "string", "maxLength": 200},
            "secret": {"type": "string", "description": "Signing secret (Standard Webhooks; `whsec_…` is base64-decoded). Never returned."},
            "types": {"type": "array", "items": {"$ref": "#/components/schemas/EventType"}, "description": "Only these types; empty or absent = all."}
        }
    })
}

fn webhook_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "url", "kind", "secret", "types", "delivered", "failed", "pending", "createdAt", "giveUps"],
        "properties": {
            "id": {"type": "string"},
            "url": {"type": "string"},
            "name": {"type": ["string", "null"]},
            "kind": {"enum": ["registered", "adhoc"]},
            "secret": {"enum": ["set", "unset"]},
            "types": {"type": "array", "items": {"$ref": "#/components/schemas/EventType"}},
            "delivered": {"type": "integer"},
            "failed": {"type": "integer"},
            "pending": {"type": "integer"},
            "lastStatus": {"type": ["integer", "null"]},
            "lastError": {"type": ["string", "null"]},
            "lastAttemptAt": {"type": ["string", "null"], "format": "date-time"},
            "createdAt": {"type": "string", "format": "date-time"},
            "giveUps": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "eventId": {"type": "string"},
                    "eventType": {"type": "string"},
                    "webhookMessageId": {"type": "string"},
                    "attempts": {"type": "integer"},
                    "reason": {"type": "string"},
                    "at": {"type": "string", "format": "date-time"}
                }
            }}
        }
    })
}
