# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tiklive_global_optspecs
    string join \n q/quiet v/verbose color= h/help V/version
end

function __fish_tiklive_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tiklive_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tiklive_using_subcommand
    set -l cmd (__fish_tiklive_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tiklive -n "__fish_tiklive_needs_command" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_needs_command" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_needs_command" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_needs_command" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_needs_command" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "watch" -d 'Print events of one or more streams (NDJSON when piped)'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "forward" -d 'Post events to webhook URLs, signed (Standard Webhooks): a source\'s events then exit, or a NATS stream\'s (--from) until Ctrl-C'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "serve" -d 'Watch a stream, store its events, forward them, and serve a REST API'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "info" -d 'Is this user live? Room lookup only: no sign call, no sign quota'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "webhooks" -d 'Manage the registered webhooks (shared with `serve` and `forward`)'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "worker" -d 'Watch the streamers of a shared set as one of a pool of workers (NATS JetStream)'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "streamers" -d 'Manage the set of streamers a worker pool watches (a NATS KV bucket)'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "cluster" -d 'Inspect a worker pool'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "config" -d 'Show the resolved settings and where each came from (secrets redacted)'
complete -c tiklive -n "__fish_tiklive_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l replay -d 'Replay a capture file (see README, "Capture files") instead of connecting' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l speed -d 'Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max [default: 1 (real time) for --demo, max for --replay]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l threads -d 'Threads decoding --demo/--replay at max speed; events stay in capture order [default: the number of CPU cores]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -s t -l type -d 'Only these event types (comma-separated or repeated; any case)' -r -f -a "connected\t''
disconnected\t''
error\t''
streamEnd\t''
rawData\t''
decodedData\t''
chat\t''
gift\t''
like\t''
member\t''
roomUpdate\t''
social\t''
follow\t''
share\t''
emote\t''
envelope\t''
questionNew\t''
linkMicBattle\t''
linkMicArmies\t''
linkMicBattlePunishFinish\t''
linkMicBattleTask\t''
linkMicFanTicketMethod\t''
linkMicMethod\t''
liveIntro\t''
controlMessage\t''
barrage\t''
hourlyRank\t''
goalUpdate\t''
roomMessage\t''
captionMessage\t''
imDelete\t''
inRoomBanner\t''
rankUpdate\t''
pollMessage\t''
rankText\t''
unauthorizedMember\t''
oecLiveShopping\t''
msgDetect\t''
linkMessage\t''
roomVerify\t''
linkLayer\t''
roomPin\t''
superFan\t''
superFanJoin\t''
superFanBox\t''
subNotify\t''
accessControl\t''
accessRecall\t''
boostCard\t''
bottomMessage\t''
capsule\t''
gameRankNotify\t''
giftBroadcast\t''
giftDynamicRestriction\t''
giftPanelUpdate\t''
giftPrompt\t''
guide\t''
linkMicBattleItemCard\t''
linkMicLayoutState\t''
linkState\t''
liveGameIntro\t''
marqueeAnnouncement\t''
notice\t''
partnershipDropsUpdate\t''
partnershipGameOffline\t''
partnershipPunish\t''
perception\t''
roomNotify\t''
speaker\t''
subPinEvent\t''
system\t''
toast\t''
viewerPicksUpdate\t''
unknown\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l gift-streaks -d 'Gift streaks: all (every gift message) or final (one event per streak)' -r -f -a "all\t''
final\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l room-id -d 'Connect to this room id (its digits, as TikTok\'s room URLs show them) and skip the room lookup' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l sign-url -d 'The sign server\'s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l sign-api-key -d 'The sign server\'s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l proxy -d 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l user-agent -d 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l max-retries -d 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l idle-timeout -d 'Seconds without frames or heartbeat replies before the socket counts as dead' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l sign-budget -d 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l format -d 'Output format (default: ndjson when piped, pretty on a terminal)' -r -f -a "ndjson\t''
pretty\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -s n -l limit -d 'Stop after N events (N is 1 or more; `error` events do not count; without --limit: until the stream ends)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l record -d 'Also write everything received to a capture file' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l sink -d 'Publish the events to NATS JetStream instead of stdout (nats://[USER:PASS@]HOST:PORT[,HOST:PORT…]; see README, "Scaling out")' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l nats-creds -d 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l nats-token -d 'A NATS authentication token [env: NATS_TOKEN]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l nats-prefix -d 'The subject prefix of this deployment\'s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l nats-stream -d 'The JetStream stream of events, created if missing with subjects PREFIX.ev.> [default: TIKLIVE_EVENTS; with --nats-prefix acme.staging, ACME_STAGING_EVENTS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l nats-replicas -d 'Replicas of a stream we create (3 on a three-node cluster)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l nats-max-age -d 'Drop events older than this from a stream we create (e.g. 7d is 168h; default: keep)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l nats-max-bytes -d 'Size limit in bytes of a stream we create, oldest events dropped first (default: none)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l nats-duplicate-window -d 'De-duplication window by event id of a stream we create (at least 2m)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l nats-window -d 'Publishes awaiting their ack at most (backpressure beyond)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l demo -d 'Use the built-in demo stream instead of connecting'
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l send-session-to-signer -d 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -l wait -d 'Wait for an offline user to go live instead of exiting'
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand watch" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l replay -d 'Replay a capture file (see README, "Capture files") instead of connecting' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l speed -d 'Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max [default: 1 (real time) for --demo, max for --replay]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l threads -d 'Threads decoding --demo/--replay at max speed; events stay in capture order [default: the number of CPU cores]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -s t -l type -d 'Only these event types (comma-separated or repeated; any case)' -r -f -a "connected\t''
disconnected\t''
error\t''
streamEnd\t''
rawData\t''
decodedData\t''
chat\t''
gift\t''
like\t''
member\t''
roomUpdate\t''
social\t''
follow\t''
share\t''
emote\t''
envelope\t''
questionNew\t''
linkMicBattle\t''
linkMicArmies\t''
linkMicBattlePunishFinish\t''
linkMicBattleTask\t''
linkMicFanTicketMethod\t''
linkMicMethod\t''
liveIntro\t''
controlMessage\t''
barrage\t''
hourlyRank\t''
goalUpdate\t''
roomMessage\t''
captionMessage\t''
imDelete\t''
inRoomBanner\t''
rankUpdate\t''
pollMessage\t''
rankText\t''
unauthorizedMember\t''
oecLiveShopping\t''
msgDetect\t''
linkMessage\t''
roomVerify\t''
linkLayer\t''
roomPin\t''
superFan\t''
superFanJoin\t''
superFanBox\t''
subNotify\t''
accessControl\t''
accessRecall\t''
boostCard\t''
bottomMessage\t''
capsule\t''
gameRankNotify\t''
giftBroadcast\t''
giftDynamicRestriction\t''
giftPanelUpdate\t''
giftPrompt\t''
guide\t''
linkMicBattleItemCard\t''
linkMicLayoutState\t''
linkState\t''
liveGameIntro\t''
marqueeAnnouncement\t''
notice\t''
partnershipDropsUpdate\t''
partnershipGameOffline\t''
partnershipPunish\t''
perception\t''
roomNotify\t''
speaker\t''
subPinEvent\t''
system\t''
toast\t''
viewerPicksUpdate\t''
unknown\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l gift-streaks -d 'Gift streaks: all (every gift message) or final (one event per streak)' -r -f -a "all\t''
final\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l room-id -d 'Connect to this room id (its digits, as TikTok\'s room URLs show them) and skip the room lookup' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l sign-url -d 'The sign server\'s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l sign-api-key -d 'The sign server\'s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l proxy -d 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l user-agent -d 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l max-retries -d 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l idle-timeout -d 'Seconds without frames or heartbeat replies before the socket counts as dead' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l sign-budget -d 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l to -d 'Where forward delivers (--to is repeatable; default: the registered webhooks) [env: WEBHOOK_URL]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l secret -d 'Signing secret for --to/WEBHOOK_URL targets (whsec_… is base64-decoded) [env: WEBHOOK_SECRET]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l drain-timeout -d 'How long to keep retrying after the input ends (with --from --limit: how long one delivery is retried), e.g. 30s or 5m' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l from -d 'Read the events from this NATS JetStream stream instead of a source: one durable consumer per target, shared by every forwarder of that target; runs until Ctrl-C' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l nats-stream -d 'With --from: the stream to read [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l ack-wait -d 'With --from: a delivery not acknowledged this long goes to another forwarder' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l deliver -d 'With --from: where a target\'s new consumer starts, all (the stream\'s first event, so a restarted target misses nothing) or new (the next event published); an existing consumer keeps its position [default: all]' -r -f -a "all\t'The stream\'s first event'
new\t'The next event published'"
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l nats-creds -d 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l nats-token -d 'A NATS authentication token [env: NATS_TOKEN]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l nats-prefix -d 'The subject prefix of this deployment\'s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -s n -l limit -d 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); with --from, after N events delivered or given up, over every target' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l db -d 'The store (webhooks, outbox, serve\'s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l demo -d 'Use the built-in demo stream instead of connecting'
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l send-session-to-signer -d 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l wait -d 'Wait for an offline user to go live instead of exiting'
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -l dry-run -d 'Print the requests that would be sent, with secrets redacted, and send nothing'
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiklive -n "__fish_tiklive_using_subcommand forward" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l replay -d 'Replay a capture file (see README, "Capture files") instead of connecting' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l speed -d 'Playback speed for --demo/--replay: a factor such as 2 or 0.5, or max [default: 1 (real time) for --demo, max for --replay]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l threads -d 'Threads decoding --demo/--replay at max speed; events stay in capture order [default: the number of CPU cores]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -s t -l type -d 'Only these event types (comma-separated or repeated; any case)' -r -f -a "connected\t''
disconnected\t''
error\t''
streamEnd\t''
rawData\t''
decodedData\t''
chat\t''
gift\t''
like\t''
member\t''
roomUpdate\t''
social\t''
follow\t''
share\t''
emote\t''
envelope\t''
questionNew\t''
linkMicBattle\t''
linkMicArmies\t''
linkMicBattlePunishFinish\t''
linkMicBattleTask\t''
linkMicFanTicketMethod\t''
linkMicMethod\t''
liveIntro\t''
controlMessage\t''
barrage\t''
hourlyRank\t''
goalUpdate\t''
roomMessage\t''
captionMessage\t''
imDelete\t''
inRoomBanner\t''
rankUpdate\t''
pollMessage\t''
rankText\t''
unauthorizedMember\t''
oecLiveShopping\t''
msgDetect\t''
linkMessage\t''
roomVerify\t''
linkLayer\t''
roomPin\t''
superFan\t''
superFanJoin\t''
superFanBox\t''
subNotify\t''
accessControl\t''
accessRecall\t''
boostCard\t''
bottomMessage\t''
capsule\t''
gameRankNotify\t''
giftBroadcast\t''
giftDynamicRestriction\t''
giftPanelUpdate\t''
giftPrompt\t''
guide\t''
linkMicBattleItemCard\t''
linkMicLayoutState\t''
linkState\t''
liveGameIntro\t''
marqueeAnnouncement\t''
notice\t''
partnershipDropsUpdate\t''
partnershipGameOffline\t''
partnershipPunish\t''
perception\t''
roomNotify\t''
speaker\t''
subPinEvent\t''
system\t''
toast\t''
viewerPicksUpdate\t''
unknown\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l gift-streaks -d 'Gift streaks: all (every gift message) or final (one event per streak)' -r -f -a "all\t''
final\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l room-id -d 'Connect to this room id (its digits, as TikTok\'s room URLs show them) and skip the room lookup' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l sign-url -d 'The sign server\'s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l sign-api-key -d 'The sign server\'s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l proxy -d 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l user-agent -d 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l max-retries -d 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l idle-timeout -d 'Seconds without frames or heartbeat replies before the socket counts as dead' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l sign-budget -d 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l listen -d 'The address serve listens on [env: TIKLIVE_LISTEN] [default: 127.0.0.1:8080]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l api-key -d 'Serve\'s API key for /api/* (Authorization: Bearer KEY or X-API-Key: KEY) [env: API_KEY]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l overlay-token-generation -d 'The generation of serve\'s read-only overlay token (derived from the API key); change it to rotate the token [env: OVERLAY_TOKEN_GENERATION] [default: 1]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l buffer -d 'Events kept in the store; the oldest are dropped first' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -s n -l limit -d 'Stop the source after N events (those --type keeps, `error` events not counted; N is 1 or more); the API keeps serving' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l from -d 'Serve the events of this NATS JetStream stream instead of watching a source: no store, the stream sequence is the cursor (--type: only these types)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l nats-stream -d 'With --from: the stream to read [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l nats-creds -d 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l nats-token -d 'A NATS authentication token [env: NATS_TOKEN]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l nats-prefix -d 'The subject prefix of this deployment\'s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l db -d 'The store (webhooks, outbox, serve\'s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l demo -d 'Use the built-in demo stream instead of connecting'
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l send-session-to-signer -d 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l wait -d 'Wait for an offline user to go live instead of exiting'
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -l insecure-no-auth -d 'Allow listening on a non-loopback address without an API key'
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand serve" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -l sign-url -d 'The sign server\'s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -l sign-api-key -d 'The sign server\'s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -l proxy -d 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -l user-agent -d 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -l send-session-to-signer -d 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand info" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -f -a "add" -d 'Register a webhook and print its id'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -f -a "list" -d 'List webhooks with delivery totals (a table on a terminal, JSON when piped)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -f -a "remove" -d 'Remove a webhook'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -f -a "test" -d 'Send a signed ping and report status and latency'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and not __fish_seen_subcommand_from add list remove test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from add" -l name -d 'A name for it' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from add" -l secret -d 'Its signing secret (whsec_… is base64-decoded); never printed back' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from add" -s t -l type -d 'Only these event types (comma-separated or repeated; any case)' -r -f -a "connected\t''
disconnected\t''
error\t''
streamEnd\t''
rawData\t''
decodedData\t''
chat\t''
gift\t''
like\t''
member\t''
roomUpdate\t''
social\t''
follow\t''
share\t''
emote\t''
envelope\t''
questionNew\t''
linkMicBattle\t''
linkMicArmies\t''
linkMicBattlePunishFinish\t''
linkMicBattleTask\t''
linkMicFanTicketMethod\t''
linkMicMethod\t''
liveIntro\t''
controlMessage\t''
barrage\t''
hourlyRank\t''
goalUpdate\t''
roomMessage\t''
captionMessage\t''
imDelete\t''
inRoomBanner\t''
rankUpdate\t''
pollMessage\t''
rankText\t''
unauthorizedMember\t''
oecLiveShopping\t''
msgDetect\t''
linkMessage\t''
roomVerify\t''
linkLayer\t''
roomPin\t''
superFan\t''
superFanJoin\t''
superFanBox\t''
subNotify\t''
accessControl\t''
accessRecall\t''
boostCard\t''
bottomMessage\t''
capsule\t''
gameRankNotify\t''
giftBroadcast\t''
giftDynamicRestriction\t''
giftPanelUpdate\t''
giftPrompt\t''
guide\t''
linkMicBattleItemCard\t''
linkMicLayoutState\t''
linkState\t''
liveGameIntro\t''
marqueeAnnouncement\t''
notice\t''
partnershipDropsUpdate\t''
partnershipGameOffline\t''
partnershipPunish\t''
perception\t''
roomNotify\t''
speaker\t''
subPinEvent\t''
system\t''
toast\t''
viewerPicksUpdate\t''
unknown\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from add" -l db -d 'The store (webhooks, outbox, serve\'s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from add" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from add" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l db -d 'The store (webhooks, outbox, serve\'s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from list" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from remove" -l db -d 'The store (webhooks, outbox, serve\'s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from test" -l db -d 'The store (webhooks, outbox, serve\'s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from test" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from test" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from test" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "add" -d 'Register a webhook and print its id'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "list" -d 'List webhooks with delivery totals (a table on a terminal, JSON when piped)'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a webhook'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a signed ping and report status and latency'
complete -c tiklive -n "__fish_tiklive_using_subcommand webhooks; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats -d 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l id -d 'This worker\'s id in the pool (default: HOST-PID-RANDOM)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l capacity -d 'Watch at most N streamers' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l lease-ttl -d 'A lease not renewed for this long may be taken by another worker' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l cursor-every -d 'Save each stream\'s cursor this often (when it moved)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -s t -l type -d 'Only these event types (comma-separated or repeated; any case)' -r -f -a "connected\t''
disconnected\t''
error\t''
streamEnd\t''
rawData\t''
decodedData\t''
chat\t''
gift\t''
like\t''
member\t''
roomUpdate\t''
social\t''
follow\t''
share\t''
emote\t''
envelope\t''
questionNew\t''
linkMicBattle\t''
linkMicArmies\t''
linkMicBattlePunishFinish\t''
linkMicBattleTask\t''
linkMicFanTicketMethod\t''
linkMicMethod\t''
liveIntro\t''
controlMessage\t''
barrage\t''
hourlyRank\t''
goalUpdate\t''
roomMessage\t''
captionMessage\t''
imDelete\t''
inRoomBanner\t''
rankUpdate\t''
pollMessage\t''
rankText\t''
unauthorizedMember\t''
oecLiveShopping\t''
msgDetect\t''
linkMessage\t''
roomVerify\t''
linkLayer\t''
roomPin\t''
superFan\t''
superFanJoin\t''
superFanBox\t''
subNotify\t''
accessControl\t''
accessRecall\t''
boostCard\t''
bottomMessage\t''
capsule\t''
gameRankNotify\t''
giftBroadcast\t''
giftDynamicRestriction\t''
giftPanelUpdate\t''
giftPrompt\t''
guide\t''
linkMicBattleItemCard\t''
linkMicLayoutState\t''
linkState\t''
liveGameIntro\t''
marqueeAnnouncement\t''
notice\t''
partnershipDropsUpdate\t''
partnershipGameOffline\t''
partnershipPunish\t''
perception\t''
roomNotify\t''
speaker\t''
subPinEvent\t''
system\t''
toast\t''
viewerPicksUpdate\t''
unknown\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l gift-streaks -d 'Gift streaks: all (every gift message) or final (one event per streak)' -r -f -a "all\t''
final\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l room-id -d 'Connect to this room id (its digits, as TikTok\'s room URLs show them) and skip the room lookup' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l sign-url -d 'The sign server\'s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l sign-api-key -d 'The sign server\'s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l proxy -d 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l user-agent -d 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l max-retries -d 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l idle-timeout -d 'Seconds without frames or heartbeat replies before the socket counts as dead' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l sign-budget -d 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats-creds -d 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats-token -d 'A NATS authentication token [env: NATS_TOKEN]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats-prefix -d 'The subject prefix of this deployment\'s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats-stream -d 'The JetStream stream of events, created if missing with subjects PREFIX.ev.> [default: TIKLIVE_EVENTS; with --nats-prefix acme.staging, ACME_STAGING_EVENTS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats-replicas -d 'Replicas of a stream we create (3 on a three-node cluster)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats-max-age -d 'Drop events older than this from a stream we create (e.g. 7d is 168h; default: keep)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats-max-bytes -d 'Size limit in bytes of a stream we create, oldest events dropped first (default: none)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats-duplicate-window -d 'De-duplication window by event id of a stream we create (at least 2m)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l nats-window -d 'Publishes awaiting their ack at most (backpressure beyond)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l send-session-to-signer -d 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -l wait -d 'Wait for an offline user to go live instead of exiting'
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand worker" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and not __fish_seen_subcommand_from add remove list help" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and not __fish_seen_subcommand_from add remove list help" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and not __fish_seen_subcommand_from add remove list help" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and not __fish_seen_subcommand_from add remove list help" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and not __fish_seen_subcommand_from add remove list help" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and not __fish_seen_subcommand_from add remove list help" -f -a "add" -d 'Add streamers to the set (the pool starts watching them)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and not __fish_seen_subcommand_from add remove list help" -f -a "remove" -d 'Remove streamers from the set (their worker stops watching them)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and not __fish_seen_subcommand_from add remove list help" -f -a "list" -d 'List the set, one streamer a line (--json: with owner, lease age and whether it is stale)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and not __fish_seen_subcommand_from add remove list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from add" -l nats -d 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from add" -l nats-creds -d 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from add" -l nats-token -d 'A NATS authentication token [env: NATS_TOKEN]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from add" -l nats-prefix -d 'The subject prefix of this deployment\'s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from add" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from add" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from remove" -l nats -d 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from remove" -l nats-creds -d 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from remove" -l nats-token -d 'A NATS authentication token [env: NATS_TOKEN]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from remove" -l nats-prefix -d 'The subject prefix of this deployment\'s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -l nats -d 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -l nats-creds -d 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -l nats-token -d 'A NATS authentication token [env: NATS_TOKEN]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -l nats-prefix -d 'The subject prefix of this deployment\'s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -l json
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add streamers to the set (the pool starts watching them)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove streamers from the set (their worker stops watching them)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the set, one streamer a line (--json: with owner, lease age and whether it is stale)'
complete -c tiklive -n "__fish_tiklive_using_subcommand streamers; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -f -a "status" -d 'Workers; each streamer\'s owner, lease age, lag and state (live, offline, failing); the sign budget'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -l nats-stream -d 'The events stream (for lag) [default: PREFIX_EVENTS, i.e. TIKLIVE_EVENTS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -l nats -d 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -l nats-creds -d 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -l nats-token -d 'A NATS authentication token [env: NATS_TOKEN]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -l nats-prefix -d 'The subject prefix of this deployment\'s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -l json -d 'JSON for scripts'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "status" -d 'Workers; each streamer\'s owner, lease age, lag and state (live, offline, failing); the sign budget'
complete -c tiklive -n "__fish_tiklive_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiklive -n "__fish_tiklive_using_subcommand completions" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand completions" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand completions" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand completions" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand completions" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand man" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand man" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand man" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand man" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand man" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l room-id -d 'Connect to this room id (its digits, as TikTok\'s room URLs show them) and skip the room lookup' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l sign-url -d 'The sign server\'s base URL [env: SIGN_API_URL] [default: https://api.eulerstream.com]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l sign-api-key -d 'The sign server\'s API key (sent as x-api-key) [env: SIGN_API_KEY] [default: none (anonymous limits)]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l proxy -d 'Proxy for HTTP and the WebSocket: http://, https:// or socks5:// (also https_proxy) [env: HTTPS_PROXY, ALL_PROXY]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l user-agent -d 'The browser shown to the sign server, TikTok and the WebSocket [env: TIKLIVE_USER_AGENT] [default: Chrome 147 on macOS]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l max-retries -d 'Reconnect attempts before giving up (default: TIKLIVE_START_RETRIES, 8, until the stream first connects; then unlimited)' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l idle-timeout -d 'Seconds without frames or heartbeat replies before the socket counts as dead' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l sign-budget -d 'Sign calls per minute for the whole process, shared by all streams (0 = no limit) [env: TIKLIVE_SIGN_BUDGET] [default: 10]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l to -d 'Where forward delivers (--to is repeatable; default: the registered webhooks) [env: WEBHOOK_URL]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l secret -d 'Signing secret for --to/WEBHOOK_URL targets (whsec_… is base64-decoded) [env: WEBHOOK_SECRET]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l listen -d 'The address serve listens on [env: TIKLIVE_LISTEN] [default: 127.0.0.1:8080]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l api-key -d 'Serve\'s API key for /api/* (Authorization: Bearer KEY or X-API-Key: KEY) [env: API_KEY]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l overlay-token-generation -d 'The generation of serve\'s read-only overlay token (derived from the API key); change it to rotate the token [env: OVERLAY_TOKEN_GENERATION] [default: 1]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l db -d 'The store (webhooks, outbox, serve\'s events) [env: TIKLIVE_DB] [default: tiklive/tiklive.db in the data directory]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l nats -d 'The NATS servers (nats://[USER:PASS@]HOST:PORT[,…]) [env: NATS_URL]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l nats-creds -d 'A NATS credentials file (JWT and NKey seed) [env: NATS_CREDS]' -r -F
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l nats-token -d 'A NATS authentication token [env: NATS_TOKEN]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l nats-prefix -d 'The subject prefix of this deployment\'s events (PREFIX.ev.<streamer>.<type>), stream (PREFIX_EVENTS), KV buckets and consumers: one per deployment sharing a NATS account (lower-case letters, digits, -; tokens split by ., none of them ev) [env: TIKLIVE_NATS_PREFIX] [default: tiklive]' -r
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l send-session-to-signer -d 'Send the TikTok session cookies (TIKTOK_SESSION_ID) to the sign server'
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -l wait -d 'Wait for an offline user to go live instead of exiting'
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -s q -l quiet -d 'No progress spinners or summaries on stderr (errors still print)'
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -s v -l verbose -d 'Log each step to stderr (-vv for more)'
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -s h -l help -d 'Print help'
complete -c tiklive -n "__fish_tiklive_using_subcommand config" -s V -l version -d 'Print version'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "watch" -d 'Print events of one or more streams (NDJSON when piped)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "forward" -d 'Post events to webhook URLs, signed (Standard Webhooks): a source\'s events then exit, or a NATS stream\'s (--from) until Ctrl-C'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "serve" -d 'Watch a stream, store its events, forward them, and serve a REST API'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "info" -d 'Is this user live? Room lookup only: no sign call, no sign quota'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "webhooks" -d 'Manage the registered webhooks (shared with `serve` and `forward`)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "worker" -d 'Watch the streamers of a shared set as one of a pool of workers (NATS JetStream)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "streamers" -d 'Manage the set of streamers a worker pool watches (a NATS KV bucket)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "cluster" -d 'Inspect a worker pool'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "completions" -d 'Print a shell completion script'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "man" -d 'Print the man page (roff)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "config" -d 'Show the resolved settings and where each came from (secrets redacted)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and not __fish_seen_subcommand_from watch forward serve info webhooks worker streamers cluster completions man config help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "add" -d 'Register a webhook and print its id'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "list" -d 'List webhooks with delivery totals (a table on a terminal, JSON when piped)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "remove" -d 'Remove a webhook'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and __fish_seen_subcommand_from webhooks" -f -a "test" -d 'Send a signed ping and report status and latency'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and __fish_seen_subcommand_from streamers" -f -a "add" -d 'Add streamers to the set (the pool starts watching them)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and __fish_seen_subcommand_from streamers" -f -a "remove" -d 'Remove streamers from the set (their worker stops watching them)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and __fish_seen_subcommand_from streamers" -f -a "list" -d 'List the set, one streamer a line (--json: with owner, lease age and whether it is stale)'
complete -c tiklive -n "__fish_tiklive_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "status" -d 'Workers; each streamer\'s owner, lease age, lag and state (live, offline, failing); the sign budget'
