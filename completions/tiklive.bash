_tiklive() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="tiklive"
                ;;
            tiklive,cluster)
                cmd="tiklive__subcmd__cluster"
                ;;
            tiklive,completions)
                cmd="tiklive__subcmd__completions"
                ;;
            tiklive,config)
                cmd="tiklive__subcmd__config"
                ;;
            tiklive,forward)
                cmd="tiklive__subcmd__forward"
                ;;
            tiklive,help)
                cmd="tiklive__subcmd__help"
                ;;
            tiklive,info)
                cmd="tiklive__subcmd__info"
                ;;
            tiklive,man)
                cmd="tiklive__subcmd__man"
                ;;
            tiklive,serve)
                cmd="tiklive__subcmd__serve"
                ;;
            tiklive,streamers)
                cmd="tiklive__subcmd__streamers"
                ;;
            tiklive,watch)
                cmd="tiklive__subcmd__watch"
                ;;
            tiklive,webhooks)
                cmd="tiklive__subcmd__webhooks"
                ;;
            tiklive,worker)
                cmd="tiklive__subcmd__worker"
                ;;
            tiklive__subcmd__cluster,help)
                cmd="tiklive__subcmd__cluster__subcmd__help"
                ;;
            tiklive__subcmd__cluster,status)
                cmd="tiklive__subcmd__cluster__subcmd__status"
                ;;
            tiklive__subcmd__cluster__subcmd__help,help)
                cmd="tiklive__subcmd__cluster__subcmd__help__subcmd__help"
                ;;
            tiklive__subcmd__cluster__subcmd__help,status)
                cmd="tiklive__subcmd__cluster__subcmd__help__subcmd__status"
                ;;
            tiklive__subcmd__help,cluster)
                cmd="tiklive__subcmd__help__subcmd__cluster"
                ;;
            tiklive__subcmd__help,completions)
                cmd="tiklive__subcmd__help__subcmd__completions"
                ;;
            tiklive__subcmd__help,config)
                cmd="tiklive__subcmd__help__subcmd__config"
                ;;
            tiklive__subcmd__help,forward)
                cmd="tiklive__subcmd__help__subcmd__forward"
                ;;
            tiklive__subcmd__help,help)
                cmd="tiklive__subcmd__help__subcmd__help"
                ;;
            tiklive__subcmd__help,info)
                cmd="tiklive__subcmd__help__subcmd__info"
                ;;
            tiklive__subcmd__help,man)
                cmd="tiklive__subcmd__help__subcmd__man"
                ;;
            tiklive__subcmd__help,serve)
                cmd="tiklive__subcmd__help__subcmd__serve"
                ;;
            tiklive__subcmd__help,streamers)
                cmd="tiklive__subcmd__help__subcmd__streamers"
                ;;
            tiklive__subcmd__help,watch)
                cmd="tiklive__subcmd__help__subcmd__watch"
                ;;
            tiklive__subcmd__help,webhooks)
                cmd="tiklive__subcmd__help__subcmd__webhooks"
                ;;
            tiklive__subcmd__help,worker)
                cmd="tiklive__subcmd__help__subcmd__worker"
                ;;
            tiklive__subcmd__help__subcmd__cluster,status)
                cmd="tiklive__subcmd__help__subcmd__cluster__subcmd__status"
                ;;
            tiklive__subcmd__help__subcmd__streamers,add)
                cmd="tiklive__subcmd__help__subcmd__streamers__subcmd__add"
                ;;
            tiklive__subcmd__help__subcmd__streamers,list)
                cmd="tiklive__subcmd__help__subcmd__streamers__subcmd__list"
                ;;
            tiklive__subcmd__help__subcmd__streamers,remove)
                cmd="tiklive__subcmd__help__subcmd__streamers__subcmd__remove"
                ;;
            tiklive__subcmd__help__subcmd__webhooks,add)
                cmd="tiklive__subcmd__help__subcmd__webhooks__subcmd__add"
                ;;
            tiklive__subcmd__help__subcmd__webhooks,list)
                cmd="tiklive__subcmd__help__subcmd__webhooks__subcmd__list"
                ;;
            tiklive__subcmd__help__subcmd__webhooks,remove)
                cmd="tiklive__subcmd__help__subcmd__webhooks__subcmd__remove"
                ;;
            tiklive__subcmd__help__subcmd__webhooks,test)
                cmd="tiklive__subcmd__help__subcmd__webhooks__subcmd__test"
                ;;
            tiklive__subcmd__streamers,add)
                cmd="tiklive__subcmd__streamers__subcmd__add"
                ;;
            tiklive__subcmd__streamers,help)
                cmd="tiklive__subcmd__streamers__subcmd__help"
                ;;
            tiklive__subcmd__streamers,list)
                cmd="tiklive__subcmd__streamers__subcmd__list"
                ;;
            tiklive__subcmd__streamers,remove)
                cmd="tiklive__subcmd__streamers__subcmd__remove"
                ;;
            tiklive__subcmd__streamers__subcmd__help,add)
                cmd="tiklive__subcmd__streamers__subcmd__help__subcmd__add"
                ;;
            tiklive__subcmd__streamers__subcmd__help,help)
                cmd="tiklive__subcmd__streamers__subcmd__help__subcmd__help"
                ;;
            tiklive__subcmd__streamers__subcmd__help,list)
                cmd="tiklive__subcmd__streamers__subcmd__help__subcmd__list"
                ;;
            tiklive__subcmd__streamers__subcmd__help,remove)
                cmd="tiklive__subcmd__streamers__subcmd__help__subcmd__remove"
                ;;
            tiklive__subcmd__webhooks,add)
                cmd="tiklive__subcmd__webhooks__subcmd__add"
                ;;
            tiklive__subcmd__webhooks,help)
                cmd="tiklive__subcmd__webhooks__subcmd__help"
                ;;
            tiklive__subcmd__webhooks,list)
                cmd="tiklive__subcmd__webhooks__subcmd__list"
                ;;
            tiklive__subcmd__webhooks,remove)
                cmd="tiklive__subcmd__webhooks__subcmd__remove"
                ;;
            tiklive__subcmd__webhooks,test)
                cmd="tiklive__subcmd__webhooks__subcmd__test"
                ;;
            tiklive__subcmd__webhooks__subcmd__help,add)
                cmd="tiklive__subcmd__webhooks__subcmd__help__subcmd__add"
                ;;
            tiklive__subcmd__webhooks__subcmd__help,help)
                cmd="tiklive__subcmd__webhooks__subcmd__help__subcmd__help"
                ;;
            tiklive__subcmd__webhooks__subcmd__help,list)
                cmd="tiklive__subcmd__webhooks__subcmd__help__subcmd__list"
                ;;
            tiklive__subcmd__webhooks__subcmd__help,remove)
                cmd="tiklive__subcmd__webhooks__subcmd__help__subcmd__remove"
                ;;
            tiklive__subcmd__webhooks__subcmd__help,test)
                cmd="tiklive__subcmd__webhooks__subcmd__help__subcmd__test"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        tiklive)
            opts="-q -v -h -V --quiet --verbose --color --help --version watch forward serve info webhooks worker streamers cluster completions man config help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__cluster)
            opts="-q -v -h -V --quiet --verbose --color --help --version status help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__cluster__subcmd__help)
            opts="status help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__cluster__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__cluster__subcmd__help__subcmd__status)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__cluster__subcmd__status)
            opts="-q -v -h -V --json --nats-stream --nats --nats-creds --nats-token --nats-prefix --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --nats-stream)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-prefix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__completions)
            opts="-q -v -h -V --quiet --verbose --color --help --version bash zsh fish powershell elvish"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__config)
            opts="-q -v -h -V --room-id --sign-url --sign-api-key --proxy --send-session-to-signer --user-agent --max-retries --wait --idle-timeout --sign-budget --to --secret --listen --api-key --overlay-token-generation --db --nats --nats-creds --nats-token --nats-prefix --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --room-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-api-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --idle-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secret)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --api-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --overlay-token-generation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-prefix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__forward)
            opts="-t -n -q -v -h -V --replay --demo --speed --threads --type --gift-streaks --room-id --sign-url --sign-api-key --proxy --send-session-to-signer --user-agent --max-retries --wait --idle-timeout --sign-budget --to --secret --drain-timeout --from --nats-stream --ack-wait --deliver --nats-creds --nats-token --nats-prefix --dry-run --limit --db --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --replay)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --speed)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --type)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                -t)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                --gift-streaks)
                    COMPREPLY=($(compgen -W "all final" -- "${cur}"))
                    return 0
                    ;;
                --room-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-api-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --idle-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secret)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --drain-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-stream)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ack-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --deliver)
                    COMPREPLY=($(compgen -W "all new" -- "${cur}"))
                    return 0
                    ;;
                --nats-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-prefix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help)
            opts="watch forward serve info webhooks worker streamers cluster completions man config help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__cluster)
            opts="status"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__cluster__subcmd__status)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__config)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__forward)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__info)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__man)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__serve)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__streamers)
            opts="add remove list"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__streamers__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__streamers__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__streamers__subcmd__remove)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__watch)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__webhooks)
            opts="add list remove test"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__webhooks__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__webhooks__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__webhooks__subcmd__remove)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__webhooks__subcmd__test)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__help__subcmd__worker)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__info)
            opts="-q -v -h -V --sign-url --sign-api-key --proxy --send-session-to-signer --user-agent --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --sign-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-api-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__man)
            opts="-q -v -h -V --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__serve)
            opts="-t -n -q -v -h -V --replay --demo --speed --threads --type --gift-streaks --room-id --sign-url --sign-api-key --proxy --send-session-to-signer --user-agent --max-retries --wait --idle-timeout --sign-budget --listen --api-key --overlay-token-generation --buffer --insecure-no-auth --limit --from --nats-stream --nats-creds --nats-token --nats-prefix --db --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --replay)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --speed)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --type)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                -t)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                --gift-streaks)
                    COMPREPLY=($(compgen -W "all final" -- "${cur}"))
                    return 0
                    ;;
                --room-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-api-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --idle-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --api-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --overlay-token-generation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --buffer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-stream)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-prefix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__streamers)
            opts="-q -v -h -V --quiet --verbose --color --help --version add remove list help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__streamers__subcmd__add)
            opts="-q -v -h -V --nats --nats-creds --nats-token --nats-prefix --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --nats)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-prefix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__streamers__subcmd__help)
            opts="add remove list help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__streamers__subcmd__help__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__streamers__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__streamers__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__streamers__subcmd__help__subcmd__remove)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__streamers__subcmd__list)
            opts="-q -v -h -V --json --nats --nats-creds --nats-token --nats-prefix --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --nats)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-prefix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__streamers__subcmd__remove)
            opts="-q -v -h -V --nats --nats-creds --nats-token --nats-prefix --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --nats)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-prefix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__watch)
            opts="-t -n -q -v -h -V --replay --demo --speed --threads --type --gift-streaks --room-id --sign-url --sign-api-key --proxy --send-session-to-signer --user-agent --max-retries --wait --idle-timeout --sign-budget --format --limit --record --sink --nats-creds --nats-token --nats-prefix --nats-stream --nats-replicas --nats-max-age --nats-max-bytes --nats-duplicate-window --nats-window --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --replay)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --speed)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --type)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                -t)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                --gift-streaks)
                    COMPREPLY=($(compgen -W "all final" -- "${cur}"))
                    return 0
                    ;;
                --room-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-api-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --idle-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "ndjson pretty" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --record)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sink)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-prefix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-stream)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-replicas)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-max-age)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-max-bytes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-duplicate-window)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-window)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks)
            opts="-q -v -h -V --quiet --verbose --color --help --version add list remove test help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__add)
            opts="-t -q -v -h -V --name --secret --type --db --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secret)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --type)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                -t)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__help)
            opts="add list remove test help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__help__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__help__subcmd__remove)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__help__subcmd__test)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__list)
            opts="-q -v -h -V --db --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__remove)
            opts="-q -v -h -V --db --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__webhooks__subcmd__test)
            opts="-q -v -h -V --db --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --db)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tiklive__subcmd__worker)
            opts="-t -q -v -h -V --nats --id --capacity --lease-ttl --cursor-every --type --gift-streaks --room-id --sign-url --sign-api-key --proxy --send-session-to-signer --user-agent --max-retries --wait --idle-timeout --sign-budget --nats-creds --nats-token --nats-prefix --nats-stream --nats-replicas --nats-max-age --nats-max-bytes --nats-duplicate-window --nats-window --quiet --verbose --color --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --nats)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --capacity)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lease-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cursor-every)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --type)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                -t)
                    COMPREPLY=($(compgen -W "connected disconnected error streamEnd rawData decodedData chat gift like member roomUpdate social follow share emote envelope questionNew linkMicBattle linkMicArmies linkMicBattlePunishFinish linkMicBattleTask linkMicFanTicketMethod linkMicMethod liveIntro controlMessage barrage hourlyRank goalUpdate roomMessage captionMessage imDelete inRoomBanner rankUpdate pollMessage rankText unauthorizedMember oecLiveShopping msgDetect linkMessage roomVerify linkLayer roomPin superFan superFanJoin superFanBox subNotify accessControl accessRecall boostCard bottomMessage capsule gameRankNotify giftBroadcast giftDynamicRestriction giftPanelUpdate giftPrompt guide linkMicBattleItemCard linkMicLayoutState linkState liveGameIntro marqueeAnnouncement notice partnershipDropsUpdate partnershipGameOffline partnershipPunish perception roomNotify speaker subPinEvent system toast viewerPicksUpdate unknown" -- "${cur}"))
                    return 0
                    ;;
                --gift-streaks)
                    COMPREPLY=($(compgen -W "all final" -- "${cur}"))
                    return 0
                    ;;
                --room-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-api-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --idle-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sign-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-creds)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-prefix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-stream)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-replicas)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-max-age)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-max-bytes)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-duplicate-window)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nats-window)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _tiklive -o nosort -o bashdefault -o default tiklive
else
    complete -F _tiklive -o bashdefault -o default tiklive
fi
