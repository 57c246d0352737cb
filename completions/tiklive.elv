
use builtin;
use str;

set edit:completion:arg-completer[tiklive] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tiklive'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tiklive'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand watch 'Print events of one or more streams (NDJSON when piped)'
            cand forward 'Post events to webhook URLs, signed (Standard Webhooks): a source''s events then exit, or a NATS stream''s (--from) until Ctrl-C'
            cand serve 'Watch a stream, store its events, forward them, and serve a REST API'
            cand info 'Is this user live? Room lookup only: no sign call, no sign quota'
            cand webhooks 'Manage the registered webhooks (shared with `serve` and `forward`)'
            cand worker 'Watch the streamers of a shared set as one of a pool of workers (NATS JetStream)'
            cand streamers 'Manage the set of streamers a worker pool watches (a NATS KV bucket)'
            cand cluster 'Inspect a worker pool'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand config 'Show the resolved settings and where each came from (secrets redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiklive;watch'= {
            cand --replay 'Replay a capture file (see README, "Capture files") instead of connecting'
            cand --speed 'Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max [default: 1 (real time) for --demo, max for --replay]'
            cand --threads 'Threads decoding --demo/--replay at max speed; events stay in capture order [default: the number of CPU cores]'
            cand -t 'Only these event types (comma-separated or repeated; any case)'
            cand --type 'Only these event types (comma-separated or repeated; any case)'
            cand --gift-streaks 'Gift streaks: all (every gift message) or final (one event per streak)'
            cand --room-id 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup'
            cand --sign-url 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]'
            cand --sign-api-key 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]'
            cand --proxy 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]'
            cand --user-agent 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]'
            cand --max-retries 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)'
            cand --idle-timeout 'Seconds without frames or heartbeat replies before the socket counts as dead'
            cand --sign-budget 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]'
            cand --format 'Output format (default: ndjson when piped, pretty on a terminal)'
            cand -n 'Stop after N events (N is 1 or more; `error` events do not count; without --limit: until the stream ends)'
            cand --limit 'Stop after N events (N is 1 or more; `error` events do not count; without --limit: until the stream ends)'
            cand --record 'Also write everything received to a capture file'
            cand --sink 'Publish the events to NATS JetStream instead of stdout (nats://[USER:PASS@]HOST:PORT[,HOST:PORT…]; see README, "Scaling out")'
            cand --nats-creds 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]'
            cand --nats-token 'A NATS authentication token [env: NATS_TOKEN]'
            cand --nats-prefix 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]'
            cand --nats-stream 'The JetStream stream of events, created if missing with subjects PREFIX.ev.> [default: TIKLIVE_EVENTS; with --nats-prefix acme.staging, ACME_STAGING_EVENTS]'
            cand --nats-replicas 'Replicas of a stream we create (3 on a three-node cluster)'
            cand --nats-max-age 'Drop events older than this from a stream we create (e.g. 7d is 168h; default: keep)'
            cand --nats-max-bytes 'Size limit in bytes of a stream we create, oldest events dropped first (default: none)'
            cand --nats-duplicate-window 'De-duplication window by event id of a stream we create (at least 2m)'
            cand --nats-window 'Publishes awaiting their ack at most (backpressure beyond)'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --demo 'Use the built-in demo stream instead of connecting'
            cand --send-session-to-signer 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
            cand --wait 'Wait for an offline user to go live instead of exiting'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;forward'= {
            cand --replay 'Replay a capture file (see README, "Capture files") instead of connecting'
            cand --speed 'Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max [default: 1 (real time) for --demo, max for --replay]'
            cand --threads 'Threads decoding --demo/--replay at max speed; events stay in capture order [default: the number of CPU cores]'
            cand -t 'Only these event types (comma-separated or repeated; any case)'
            cand --type 'Only these event types (comma-separated or repeated; any case)'
            cand --gift-streaks 'Gift streaks: all (every gift message) or final (one event per streak)'
            cand --room-id 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup'
            cand --sign-url 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]'
            cand --sign-api-key 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]'
            cand --proxy 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]'
            cand --user-agent 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]'
            cand --max-retries 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)'
            cand --idle-timeout 'Seconds without frames or heartbeat replies before the socket counts as dead'
            cand --sign-budget 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]'
            cand --to 'Where forward delivers (--to is repeatable; default: the registered webhooks) [env: WEBHOOK_URL]'
            cand --secret 'Signing secret for --to/WEBHOOK_URL targets (whsec_… is base64-decoded) [env: WEBHOOK_SECRET]'
            cand --drain-timeout 'How long to keep retrying after the input ends (with --from --limit: how long one delivery is retried), e.g. 30s or 5m'
            cand --from 'Read the events from this NATS JetStream stream instead of a source: one durable consumer per target, shared by every forwarder of that target; runs until Ctrl-C'
            cand --nats-stream 'With --from: the stream to read [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]'
            cand --ack-wait 'With --from: a delivery not acknowledged this long goes to another forwarder'
            cand --deliver 'With --from: where a target''s new consumer starts, all (the stream''s first event, so a restarted target misses nothing) or new (the next event published); an existing consumer keeps its position [default: all]'
            cand --nats-creds 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]'
            cand --nats-token 'A NATS authentication token [env: NATS_TOKEN]'
            cand --nats-prefix 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]'
            cand -n 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); with --from, after N events delivered or given up, over every target'
            cand --limit 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); with --from, after N events delivered or given up, over every target'
            cand --db 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --demo 'Use the built-in demo stream instead of connecting'
            cand --send-session-to-signer 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
            cand --wait 'Wait for an offline user to go live instead of exiting'
            cand --dry-run 'Print the requests that would be sent, with secrets redacted, and send nothing'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;serve'= {
            cand --replay 'Replay a capture file (see README, "Capture files") instead of connecting'
            cand --speed 'Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max [default: 1 (real time) for --demo, max for --replay]'
            cand --threads 'Threads decoding --demo/--replay at max speed; events stay in capture order [default: the number of CPU cores]'
            cand -t 'Only these event types (comma-separated or repeated; any case)'
            cand --type 'Only these event types (comma-separated or repeated; any case)'
            cand --gift-streaks 'Gift streaks: all (every gift message) or final (one event per streak)'
            cand --room-id 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup'
            cand --sign-url 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]'
            cand --sign-api-key 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]'
            cand --proxy 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]'
            cand --user-agent 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]'
            cand --max-retries 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)'
            cand --idle-timeout 'Seconds without frames or heartbeat replies before the socket counts as dead'
            cand --sign-budget 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]'
            cand --listen 'The address serve listens on [env: TIKLIVE_LISTEN] [default: 127.0.0.1:8080]'
            cand --api-key 'Serve''s API key for /api/* (Authorization: Bearer KEY or X-API-Key: KEY) [env: API_KEY]'
            cand --overlay-token-generation 'The generation of serve''s read-only overlay token (derived from the API key); change it to rotate the token [env: OVERLAY_TOKEN_GENERATION] [default: 1]'
            cand --buffer 'Events kept in the store; the oldest are dropped first'
            cand -n 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); the API keeps serving'
            cand --limit 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); the API keeps serving'
            cand --from 'Serve the events of this NATS JetStream stream instead of watching a source: no store, the stream sequence is the cursor (--type: only these types)'
            cand --nats-stream 'With --from: the stream to read [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]'
            cand --nats-creds 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]'
            cand --nats-token 'A NATS authentication token [env: NATS_TOKEN]'
            cand --nats-prefix 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]'
            cand --db 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --demo 'Use the built-in demo stream instead of connecting'
            cand --send-session-to-signer 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
            cand --wait 'Wait for an offline user to go live instead of exiting'
            cand --insecure-no-auth 'Allow listening on a non-loopback address without an API key'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;info'= {
            cand --sign-url 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]'
            cand --sign-api-key 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]'
            cand --proxy 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]'
            cand --user-agent 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --send-session-to-signer 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;webhooks'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Register a webhook and print its id'
            cand list 'List webhooks with delivery totals (a table on a terminal, JSON when piped)'
            cand remove 'Remove a webhook'
            cand test 'Send a signed ping and report status and latency'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiklive;webhooks;add'= {
            cand --name 'A name for it'
            cand --secret 'Its signing secret (whsec_… is base64-decoded); never printed back'
            cand -t 'Only these event types (comma-separated or repeated; any case)'
            cand --type 'Only these event types (comma-separated or repeated; any case)'
            cand --db 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;webhooks;list'= {
            cand --db 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;webhooks;remove'= {
            cand --db 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;webhooks;test'= {
            cand --db 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;webhooks;help'= {
            cand add 'Register a webhook and print its id'
            cand list 'List webhooks with delivery totals (a table on a terminal, JSON when piped)'
            cand remove 'Remove a webhook'
            cand test 'Send a signed ping and report status and latency'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiklive;webhooks;help;add'= {
        }
        &'tiklive;webhooks;help;list'= {
        }
        &'tiklive;webhooks;help;remove'= {
        }
        &'tiklive;webhooks;help;test'= {
        }
        &'tiklive;webhooks;help;help'= {
        }
        &'tiklive;worker'= {
            cand --nats 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]'
            cand --id 'This worker''s id in the pool (default: HOST-PID-RANDOM)'
            cand --capacity 'Watch at most N streamers'
            cand --lease-ttl 'A lease not renewed for this long may be taken by another worker'
            cand --cursor-every 'Save each stream''s cursor this often (when it moved)'
            cand -t 'Only these event types (comma-separated or repeated; any case)'
            cand --type 'Only these event types (comma-separated or repeated; any case)'
            cand --gift-streaks 'Gift streaks: all (every gift message) or final (one event per streak)'
            cand --room-id 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup'
            cand --sign-url 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]'
            cand --sign-api-key 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]'
            cand --proxy 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]'
            cand --user-agent 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]'
            cand --max-retries 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)'
            cand --idle-timeout 'Seconds without frames or heartbeat replies before the socket counts as dead'
            cand --sign-budget 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]'
            cand --nats-creds 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]'
            cand --nats-token 'A NATS authentication token [env: NATS_TOKEN]'
            cand --nats-prefix 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]'
            cand --nats-stream 'The JetStream stream of events, created if missing with subjects PREFIX.ev.> [default: TIKLIVE_EVENTS; with --nats-prefix acme.staging, ACME_STAGING_EVENTS]'
            cand --nats-replicas 'Replicas of a stream we create (3 on a three-node cluster)'
            cand --nats-max-age 'Drop events older than this from a stream we create (e.g. 7d is 168h; default: keep)'
            cand --nats-max-bytes 'Size limit in bytes of a stream we create, oldest events dropped first (default: none)'
            cand --nats-duplicate-window 'De-duplication window by event id of a stream we create (at least 2m)'
            cand --nats-window 'Publishes awaiting their ack at most (backpressure beyond)'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --send-session-to-signer 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
            cand --wait 'Wait for an offline user to go live instead of exiting'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;streamers'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add streamers to the set (the pool starts watching them)'
            cand remove 'Remove streamers from the set (their worker stops watching them)'
            cand list 'List the set, one streamer a line (--json: with owner, lease age and whether it is stale)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiklive;streamers;add'= {
            cand --nats 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]'
            cand --nats-creds 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]'
            cand --nats-token 'A NATS authentication token [env: NATS_TOKEN]'
            cand --nats-prefix 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;streamers;remove'= {
            cand --nats 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]'
            cand --nats-creds 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]'
            cand --nats-token 'A NATS authentication token [env: NATS_TOKEN]'
            cand --nats-prefix 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;streamers;list'= {
            cand --nats 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]'
            cand --nats-creds 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]'
            cand --nats-token 'A NATS authentication token [env: NATS_TOKEN]'
            cand --nats-prefix 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'json'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;streamers;help'= {
            cand add 'Add streamers to the set (the pool starts watching them)'
            cand remove 'Remove streamers from the set (their worker stops watching them)'
            cand list 'List the set, one streamer a line (--json: with owner, lease age and whether it is stale)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiklive;streamers;help;add'= {
        }
        &'tiklive;streamers;help;remove'= {
        }
        &'tiklive;streamers;help;list'= {
        }
        &'tiklive;streamers;help;help'= {
        }
        &'tiklive;cluster'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Workers; each streamer''s owner, lease age, lag and state (live, offline, failing); the sign budget'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiklive;cluster;status'= {
            cand --nats-stream 'The events stream (for lag) [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]'
            cand --nats 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]'
            cand --nats-creds 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]'
            cand --nats-token 'A NATS authentication token [env: NATS_TOKEN]'
            cand --nats-prefix 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'JSON for scripts'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;cluster;help'= {
            cand status 'Workers; each streamer''s owner, lease age, lag and state (live, offline, failing); the sign budget'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiklive;cluster;help;status'= {
        }
        &'tiklive;cluster;help;help'= {
        }
        &'tiklive;completions'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;man'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;config'= {
            cand --room-id 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup'
            cand --sign-url 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]'
            cand --sign-api-key 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]'
            cand --proxy 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]'
            cand --user-agent 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]'
            cand --max-retries 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)'
            cand --idle-timeout 'Seconds without frames or heartbeat replies before the socket counts as dead'
            cand --sign-budget 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]'
            cand --to 'Where forward delivers (--to is repeatable; default: the registered webhooks) [env: WEBHOOK_URL]'
            cand --secret 'Signing secret for --to/WEBHOOK_URL targets (whsec_… is base64-decoded) [env: WEBHOOK_SECRET]'
            cand --listen 'The address serve listens on [env: TIKLIVE_LISTEN] [default: 127.0.0.1:8080]'
            cand --api-key 'Serve''s API key for /api/* (Authorization: Bearer KEY or X-API-Key: KEY) [env: API_KEY]'
            cand --overlay-token-generation 'The generation of serve''s read-only overlay token (derived from the API key); change it to rotate the token [env: OVERLAY_TOKEN_GENERATION] [default: 1]'
            cand --db 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]'
            cand --nats 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]'
            cand --nats-creds 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]'
            cand --nats-token 'A NATS authentication token [env: NATS_TOKEN]'
            cand --nats-prefix 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --send-session-to-signer 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
            cand --wait 'Wait for an offline user to go live instead of exiting'
            cand -q 'No progress spinners or summaries on stderr (errors still print)'
            cand --quiet 'No progress spinners or summaries on stderr (errors still print)'
            cand -v 'Log each step to stderr (-vv for more)'
            cand --verbose 'Log each step to stderr (-vv for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tiklive;help'= {
            cand watch 'Print events of one or more streams (NDJSON when piped)'
            cand forward 'Post events to webhook URLs, signed (Standard Webhooks): a source''s events then exit, or a NATS stream''s (--from) until Ctrl-C'
            cand serve 'Watch a stream, store its events, forward them, and serve a REST API'
            cand info 'Is this user live? Room lookup only: no sign call, no sign quota'
            cand webhooks 'Manage the registered webhooks (shared with `serve` and `forward`)'
            cand worker 'Watch the streamers of a shared set as one of a pool of workers (NATS JetStream)'
            cand streamers 'Manage the set of streamers a worker pool watches (a NATS KV bucket)'
            cand cluster 'Inspect a worker pool'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand config 'Show the resolved settings and where each came from (secrets redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiklive;help;watch'= {
        }
        &'tiklive;help;forward'= {
        }
        &'tiklive;help;serve'= {
        }
        &'tiklive;help;info'= {
        }
        &'tiklive;help;webhooks'= {
            cand add 'Register a webhook and print its id'
            cand list 'List webhooks with delivery totals (a table on a terminal, JSON when piped)'
            cand remove 'Remove a webhook'
            cand test 'Send a signed ping and report status and latency'
        }
        &'tiklive;help;webhooks;add'= {
        }
        &'tiklive;help;webhooks;list'= {
        }
        &'tiklive;help;webhooks;remove'= {
        }
        &'tiklive;help;webhooks;test'= {
        }
        &'tiklive;help;worker'= {
        }
        &'tiklive;help;streamers'= {
            cand add 'Add streamers to the set (the pool starts watching them)'
            cand remove 'Remove streamers from the set (their worker stops watching them)'
            cand list 'List the set, one streamer a line (--json: with owner, lease age and whether it is stale)'
        }
        &'tiklive;help;streamers;add'= {
        }
        &'tiklive;help;streamers;remove'= {
        }
        &'tiklive;help;streamers;list'= {
        }
        &'tiklive;help;cluster'= {
            cand status 'Workers; each streamer''s owner, lease age, lag and state (live, offline, failing); the sign budget'
        }
        &'tiklive;help;cluster;status'= {
        }
        &'tiklive;help;completions'= {
        }
        &'tiklive;help;man'= {
        }
        &'tiklive;help;config'= {
        }
        &'tiklive;help;help'= {
        }
    ]
    $completions[$command]
}
