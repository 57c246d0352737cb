
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tiklive' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tiklive'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tiklive' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Print events of one or more streams (NDJSON when piped)')
            [CompletionResult]::new('forward', 'forward', [CompletionResultType]::ParameterValue, 'Post events to webhook URLs, signed (Standard Webhooks): a source''s events then exit, or a NATS stream''s (--from) until Ctrl-C')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Watch a stream, store its events, forward them, and serve a REST API')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Is this user live? Room lookup only: no sign call, no sign quota')
            [CompletionResult]::new('webhooks', 'webhooks', [CompletionResultType]::ParameterValue, 'Manage the registered webhooks (shared with `serve` and `forward`)')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Watch the streamers of a shared set as one of a pool of workers (NATS JetStream)')
            [CompletionResult]::new('streamers', 'streamers', [CompletionResultType]::ParameterValue, 'Manage the set of streamers a worker pool watches (a NATS KV bucket)')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Inspect a worker pool')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the resolved settings and where each came from (secrets redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiklive;watch' {
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Replay a capture file (see README, "Capture files") instead of connecting')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max [default: 1 (real time) for --demo, max for --replay]')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Threads decoding --demo/--replay at max speed; events stay in capture order [default: the number of CPU cores]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--gift-streaks', '--gift-streaks', [CompletionResultType]::ParameterName, 'Gift streaks: all (every gift message) or final (one event per streak)')
            [CompletionResult]::new('--room-id', '--room-id', [CompletionResultType]::ParameterName, 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup')
            [CompletionResult]::new('--sign-url', '--sign-url', [CompletionResultType]::ParameterName, 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]')
            [CompletionResult]::new('--sign-api-key', '--sign-api-key', [CompletionResultType]::ParameterName, 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds without frames or heartbeat replies before the socket counts as dead')
            [CompletionResult]::new('--sign-budget', '--sign-budget', [CompletionResultType]::ParameterName, 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: ndjson when piped, pretty on a terminal)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop after N events (N is 1 or more; `error` events do not count; without --limit: until the stream ends)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N events (N is 1 or more; `error` events do not count; without --limit: until the stream ends)')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Also write everything received to a capture file')
            [CompletionResult]::new('--sink', '--sink', [CompletionResultType]::ParameterName, 'Publish the events to NATS JetStream instead of stdout (nats://[USER:PASS@]HOST:PORT[,HOST:PORT…]; see README, "Scaling out")')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]')
            [CompletionResult]::new('--nats-token', '--nats-token', [CompletionResultType]::ParameterName, 'A NATS authentication token [env: NATS_TOKEN]')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]')
            [CompletionResult]::new('--nats-stream', '--nats-stream', [CompletionResultType]::ParameterName, 'The JetStream stream of events, created if missing with subjects PREFIX.ev.> [default: TIKLIVE_EVENTS; with --nats-prefix acme.staging, ACME_STAGING_EVENTS]')
            [CompletionResult]::new('--nats-replicas', '--nats-replicas', [CompletionResultType]::ParameterName, 'Replicas of a stream we create (3 on a three-node cluster)')
            [CompletionResult]::new('--nats-max-age', '--nats-max-age', [CompletionResultType]::ParameterName, 'Drop events older than this from a stream we create (e.g. 7d is 168h; default: keep)')
            [CompletionResult]::new('--nats-max-bytes', '--nats-max-bytes', [CompletionResultType]::ParameterName, 'Size limit in bytes of a stream we create, oldest events dropped first (default: none)')
            [CompletionResult]::new('--nats-duplicate-window', '--nats-duplicate-window', [CompletionResultType]::ParameterName, 'De-duplication window by event id of a stream we create (at least 2m)')
            [CompletionResult]::new('--nats-window', '--nats-window', [CompletionResultType]::ParameterName, 'Publishes awaiting their ack at most (backpressure beyond)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Use the built-in demo stream instead of connecting')
            [CompletionResult]::new('--send-session-to-signer', '--send-session-to-signer', [CompletionResultType]::ParameterName, 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for an offline user to go live instead of exiting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;forward' {
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Replay a capture file (see README, "Capture files") instead of connecting')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max [default: 1 (real time) for --demo, max for --replay]')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Threads decoding --demo/--replay at max speed; events stay in capture order [default: the number of CPU cores]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--gift-streaks', '--gift-streaks', [CompletionResultType]::ParameterName, 'Gift streaks: all (every gift message) or final (one event per streak)')
            [CompletionResult]::new('--room-id', '--room-id', [CompletionResultType]::ParameterName, 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup')
            [CompletionResult]::new('--sign-url', '--sign-url', [CompletionResultType]::ParameterName, 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]')
            [CompletionResult]::new('--sign-api-key', '--sign-api-key', [CompletionResultType]::ParameterName, 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds without frames or heartbeat replies before the socket counts as dead')
            [CompletionResult]::new('--sign-budget', '--sign-budget', [CompletionResultType]::ParameterName, 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where forward delivers (--to is repeatable; default: the registered webhooks) [env: WEBHOOK_URL]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret for --to/WEBHOOK_URL targets (whsec_… is base64-decoded) [env: WEBHOOK_SECRET]')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying after the input ends (with --from --limit: how long one delivery is retried), e.g. 30s or 5m')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read the events from this NATS JetStream stream instead of a source: one durable consumer per target, shared by every forwarder of that target; runs until Ctrl-C')
            [CompletionResult]::new('--nats-stream', '--nats-stream', [CompletionResultType]::ParameterName, 'With --from: the stream to read [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]')
            [CompletionResult]::new('--ack-wait', '--ack-wait', [CompletionResultType]::ParameterName, 'With --from: a delivery not acknowledged this long goes to another forwarder')
            [CompletionResult]::new('--deliver', '--deliver', [CompletionResultType]::ParameterName, 'With --from: where a target''s new consumer starts, all (the stream''s first event, so a restarted target misses nothing) or new (the next event published); an existing consumer keeps its position [default: all]')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]')
            [CompletionResult]::new('--nats-token', '--nats-token', [CompletionResultType]::ParameterName, 'A NATS authentication token [env: NATS_TOKEN]')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); with --from, after N events delivered or given up, over every target')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); with --from, after N events delivered or given up, over every target')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Use the built-in demo stream instead of connecting')
            [CompletionResult]::new('--send-session-to-signer', '--send-session-to-signer', [CompletionResultType]::ParameterName, 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for an offline user to go live instead of exiting')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the requests that would be sent, with secrets redacted, and send nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;serve' {
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Replay a capture file (see README, "Capture files") instead of connecting')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max [default: 1 (real time) for --demo, max for --replay]')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Threads decoding --demo/--replay at max speed; events stay in capture order [default: the number of CPU cores]')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--gift-streaks', '--gift-streaks', [CompletionResultType]::ParameterName, 'Gift streaks: all (every gift message) or final (one event per streak)')
            [CompletionResult]::new('--room-id', '--room-id', [CompletionResultType]::ParameterName, 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup')
            [CompletionResult]::new('--sign-url', '--sign-url', [CompletionResultType]::ParameterName, 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]')
            [CompletionResult]::new('--sign-api-key', '--sign-api-key', [CompletionResultType]::ParameterName, 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds without frames or heartbeat replies before the socket counts as dead')
            [CompletionResult]::new('--sign-budget', '--sign-budget', [CompletionResultType]::ParameterName, 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'The address serve listens on [env: TIKLIVE_LISTEN] [default: 127.0.0.1:8080]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Serve''s API key for /api/* (Authorization: Bearer KEY or X-API-Key: KEY) [env: API_KEY]')
            [CompletionResult]::new('--overlay-token-generation', '--overlay-token-generation', [CompletionResultType]::ParameterName, 'The generation of serve''s read-only overlay token (derived from the API key); change it to rotate the token [env: OVERLAY_TOKEN_GENERATION] [default: 1]')
            [CompletionResult]::new('--buffer', '--buffer', [CompletionResultType]::ParameterName, 'Events kept in the store; the oldest are dropped first')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); the API keeps serving')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); the API keeps serving')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Serve the events of this NATS JetStream stream instead of watching a source: no store, the stream sequence is the cursor (--type: only these types)')
            [CompletionResult]::new('--nats-stream', '--nats-stream', [CompletionResultType]::ParameterName, 'With --from: the stream to read [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]')
            [CompletionResult]::new('--nats-token', '--nats-token', [CompletionResultType]::ParameterName, 'A NATS authentication token [env: NATS_TOKEN]')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--demo', '--demo', [CompletionResultType]::ParameterName, 'Use the built-in demo stream instead of connecting')
            [CompletionResult]::new('--send-session-to-signer', '--send-session-to-signer', [CompletionResultType]::ParameterName, 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for an offline user to go live instead of exiting')
            [CompletionResult]::new('--insecure-no-auth', '--insecure-no-auth', [CompletionResultType]::ParameterName, 'Allow listening on a non-loopback address without an API key')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;info' {
            [CompletionResult]::new('--sign-url', '--sign-url', [CompletionResultType]::ParameterName, 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]')
            [CompletionResult]::new('--sign-api-key', '--sign-api-key', [CompletionResultType]::ParameterName, 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--send-session-to-signer', '--send-session-to-signer', [CompletionResultType]::ParameterName, 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;webhooks' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register a webhook and print its id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List webhooks with delivery totals (a table on a terminal, JSON when piped)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a webhook')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a signed ping and report status and latency')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiklive;webhooks;add' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A name for it')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Its signing secret (whsec_… is base64-decoded); never printed back')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;webhooks;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;webhooks;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;webhooks;test' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;webhooks;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register a webhook and print its id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List webhooks with delivery totals (a table on a terminal, JSON when piped)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a webhook')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a signed ping and report status and latency')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiklive;webhooks;help;add' {
            break
        }
        'tiklive;webhooks;help;list' {
            break
        }
        'tiklive;webhooks;help;remove' {
            break
        }
        'tiklive;webhooks;help;test' {
            break
        }
        'tiklive;webhooks;help;help' {
            break
        }
        'tiklive;worker' {
            [CompletionResult]::new('--nats', '--nats', [CompletionResultType]::ParameterName, 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'This worker''s id in the pool (default: HOST-PID-RANDOM)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Watch at most N streamers')
            [CompletionResult]::new('--lease-ttl', '--lease-ttl', [CompletionResultType]::ParameterName, 'A lease not renewed for this long may be taken by another worker')
            [CompletionResult]::new('--cursor-every', '--cursor-every', [CompletionResultType]::ParameterName, 'Save each stream''s cursor this often (when it moved)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only these event types (comma-separated or repeated; any case)')
            [CompletionResult]::new('--gift-streaks', '--gift-streaks', [CompletionResultType]::ParameterName, 'Gift streaks: all (every gift message) or final (one event per streak)')
            [CompletionResult]::new('--room-id', '--room-id', [CompletionResultType]::ParameterName, 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup')
            [CompletionResult]::new('--sign-url', '--sign-url', [CompletionResultType]::ParameterName, 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]')
            [CompletionResult]::new('--sign-api-key', '--sign-api-key', [CompletionResultType]::ParameterName, 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds without frames or heartbeat replies before the socket counts as dead')
            [CompletionResult]::new('--sign-budget', '--sign-budget', [CompletionResultType]::ParameterName, 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]')
            [CompletionResult]::new('--nats-token', '--nats-token', [CompletionResultType]::ParameterName, 'A NATS authentication token [env: NATS_TOKEN]')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]')
            [CompletionResult]::new('--nats-stream', '--nats-stream', [CompletionResultType]::ParameterName, 'The JetStream stream of events, created if missing with subjects PREFIX.ev.> [default: TIKLIVE_EVENTS; with --nats-prefix acme.staging, ACME_STAGING_EVENTS]')
            [CompletionResult]::new('--nats-replicas', '--nats-replicas', [CompletionResultType]::ParameterName, 'Replicas of a stream we create (3 on a three-node cluster)')
            [CompletionResult]::new('--nats-max-age', '--nats-max-age', [CompletionResultType]::ParameterName, 'Drop events older than this from a stream we create (e.g. 7d is 168h; default: keep)')
            [CompletionResult]::new('--nats-max-bytes', '--nats-max-bytes', [CompletionResultType]::ParameterName, 'Size limit in bytes of a stream we create, oldest events dropped first (default: none)')
            [CompletionResult]::new('--nats-duplicate-window', '--nats-duplicate-window', [CompletionResultType]::ParameterName, 'De-duplication window by event id of a stream we create (at least 2m)')
            [CompletionResult]::new('--nats-window', '--nats-window', [CompletionResultType]::ParameterName, 'Publishes awaiting their ack at most (backpressure beyond)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--send-session-to-signer', '--send-session-to-signer', [CompletionResultType]::ParameterName, 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for an offline user to go live instead of exiting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;streamers' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add streamers to the set (the pool starts watching them)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove streamers from the set (their worker stops watching them)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the set, one streamer a line (--json: with owner, lease age and whether it is stale)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiklive;streamers;add' {
            [CompletionResult]::new('--nats', '--nats', [CompletionResultType]::ParameterName, 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]')
            [CompletionResult]::new('--nats-token', '--nats-token', [CompletionResultType]::ParameterName, 'A NATS authentication token [env: NATS_TOKEN]')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;streamers;remove' {
            [CompletionResult]::new('--nats', '--nats', [CompletionResultType]::ParameterName, 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]')
            [CompletionResult]::new('--nats-token', '--nats-token', [CompletionResultType]::ParameterName, 'A NATS authentication token [env: NATS_TOKEN]')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;streamers;list' {
            [CompletionResult]::new('--nats', '--nats', [CompletionResultType]::ParameterName, 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]')
            [CompletionResult]::new('--nats-token', '--nats-token', [CompletionResultType]::ParameterName, 'A NATS authentication token [env: NATS_TOKEN]')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;streamers;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add streamers to the set (the pool starts watching them)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove streamers from the set (their worker stops watching them)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the set, one streamer a line (--json: with owner, lease age and whether it is stale)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiklive;streamers;help;add' {
            break
        }
        'tiklive;streamers;help;remove' {
            break
        }
        'tiklive;streamers;help;list' {
            break
        }
        'tiklive;streamers;help;help' {
            break
        }
        'tiklive;cluster' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Workers; each streamer''s owner, lease age, lag and state (live, offline, failing); the sign budget')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiklive;cluster;status' {
            [CompletionResult]::new('--nats-stream', '--nats-stream', [CompletionResultType]::ParameterName, 'The events stream (for lag) [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]')
            [CompletionResult]::new('--nats', '--nats', [CompletionResultType]::ParameterName, 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]')
            [CompletionResult]::new('--nats-token', '--nats-token', [CompletionResultType]::ParameterName, 'A NATS authentication token [env: NATS_TOKEN]')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON for scripts')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;cluster;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Workers; each streamer''s owner, lease age, lag and state (live, offline, failing); the sign budget')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiklive;cluster;help;status' {
            break
        }
        'tiklive;cluster;help;help' {
            break
        }
        'tiklive;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;config' {
            [CompletionResult]::new('--room-id', '--room-id', [CompletionResultType]::ParameterName, 'Connect to this room id (its digits, as TikTok''s room URLs show them) and skip the room lookup')
            [CompletionResult]::new('--sign-url', '--sign-url', [CompletionResultType]::ParameterName, 'The sign server''s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]')
            [CompletionResult]::new('--sign-api-key', '--sign-api-key', [CompletionResultType]::ParameterName, 'The sign server''s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds without frames or heartbeat replies before the socket counts as dead')
            [CompletionResult]::new('--sign-budget', '--sign-budget', [CompletionResultType]::ParameterName, 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where forward delivers (--to is repeatable; default: the registered webhooks) [env: WEBHOOK_URL]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret for --to/WEBHOOK_URL targets (whsec_… is base64-decoded) [env: WEBHOOK_SECRET]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'The address serve listens on [env: TIKLIVE_LISTEN] [default: 127.0.0.1:8080]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Serve''s API key for /api/* (Authorization: Bearer KEY or X-API-Key: KEY) [env: API_KEY]')
            [CompletionResult]::new('--overlay-token-generation', '--overlay-token-generation', [CompletionResultType]::ParameterName, 'The generation of serve''s read-only overlay token (derived from the API key); change it to rotate the token [env: OVERLAY_TOKEN_GENERATION] [default: 1]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store (webhooks, outbox, serve''s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]')
            [CompletionResult]::new('--nats', '--nats', [CompletionResultType]::ParameterName, 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]')
            [CompletionResult]::new('--nats-creds', '--nats-creds', [CompletionResultType]::ParameterName, 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]')
            [CompletionResult]::new('--nats-token', '--nats-token', [CompletionResultType]::ParameterName, 'A NATS authentication token [env: NATS_TOKEN]')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subject prefix of this deployment''s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--send-session-to-signer', '--send-session-to-signer', [CompletionResultType]::ParameterName, 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for an offline user to go live instead of exiting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or summaries on stderr (errors still print)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each step to stderr (-vv for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tiklive;help' {
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Print events of one or more streams (NDJSON when piped)')
            [CompletionResult]::new('forward', 'forward', [CompletionResultType]::ParameterValue, 'Post events to webhook URLs, signed (Standard Webhooks): a source''s events then exit, or a NATS stream''s (--from) until Ctrl-C')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Watch a stream, store its events, forward them, and serve a REST API')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Is this user live? Room lookup only: no sign call, no sign quota')
            [CompletionResult]::new('webhooks', 'webhooks', [CompletionResultType]::ParameterValue, 'Manage the registered webhooks (shared with `serve` and `forward`)')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Watch the streamers of a shared set as one of a pool of workers (NATS JetStream)')
            [CompletionResult]::new('streamers', 'streamers', [CompletionResultType]::ParameterValue, 'Manage the set of streamers a worker pool watches (a NATS KV bucket)')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Inspect a worker pool')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the resolved settings and where each came from (secrets redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiklive;help;watch' {
            break
        }
        'tiklive;help;forward' {
            break
        }
        'tiklive;help;serve' {
            break
        }
        'tiklive;help;info' {
            break
        }
        'tiklive;help;webhooks' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register a webhook and print its id')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List webhooks with delivery totals (a table on a terminal, JSON when piped)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a webhook')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send a signed ping and report status and latency')
            break
        }
        'tiklive;help;webhooks;add' {
            break
        }
        'tiklive;help;webhooks;list' {
            break
        }
        'tiklive;help;webhooks;remove' {
            break
        }
        'tiklive;help;webhooks;test' {
            break
        }
        'tiklive;help;worker' {
            break
        }
        'tiklive;help;streamers' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add streamers to the set (the pool starts watching them)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove streamers from the set (their worker stops watching them)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the set, one streamer a line (--json: with owner, lease age and whether it is stale)')
            break
        }
        'tiklive;help;streamers;add' {
            break
        }
        'tiklive;help;streamers;remove' {
            break
        }
        'tiklive;help;streamers;list' {
            break
        }
        'tiklive;help;cluster' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Workers; each streamer''s owner, lease age, lag and state (live, offline, failing); the sign budget')
            break
        }
        'tiklive;help;cluster;status' {
            break
        }
        'tiklive;help;completions' {
            break
        }
        'tiklive;help;man' {
            break
        }
        'tiklive;help;config' {
            break
        }
        'tiklive;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
