#!/bin/sh
# systemd_notify.sh: ultrace-consumerd started the way its systemd unit
# starts it (the unit's ExecStart line, a notify socket of ours, a
# watchdog period, the configuration in a file) speaks systemd's notify
# protocol: READY=1 once its source is attached, with a STATUS= line;
# WATCHDOG=1 pings at the pace asked; RELOADING=1 then READY=1 around a
# SIGHUP that re-reads the file (a new log level applied, a change that
# needs a restart logged, a bad file refused without stopping); STOPPING=1
# at SIGTERM. The unit passes `systemd-analyze verify`, and a bad file at
# start is exit 2 naming FILE:LINE. Under strace, serving a request and a
# reload, the daemon makes no system call outside the unit's
# SystemCallFilter and opens no socket of a family outside its
# RestrictAddressFamilies (this machine need not run systemd).
#
# AgentX goes to a socket path of ours where no master listens, so
# readiness can only come from the trace; one UDP port from 17100 up for
# the strace run. The notify socket is socat's
# (each datagram ends with a newline, so its output is one line each).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
ultrace_isolate "$@"

CONSUMERD="$ULTRACE_BUILDDIR/consumer/ultrace-consumerd"
UNIT="$ULTRACE_BUILDDIR/systemd/ultrace-consumerd.service"
SOCAT_PID=
DAEMON_PID=
STRACE_PID=
stop_ours() {
	[ -n "$DAEMON_PID" ] && kill -KILL "$DAEMON_PID" 2>/dev/null
	[ -n "$STRACE_PID" ] && kill -KILL "$STRACE_PID" 2>/dev/null
	[ -n "$SOCAT_PID" ] && kill "$SOCAT_PID" 2>/dev/null
	DAEMON_PID=
	STRACE_PID=
	SOCAT_PID=
}
TEARDOWN_HOOK=stop_ours

command -v socat >/dev/null || bail_out "socat not found: tools/setup-deps"
command -v systemd-analyze >/dev/null ||
	bail_out "systemd-analyze not found: tools/setup-deps"
command -v strace >/dev/null || bail_out "strace not found: tools/setup-deps"
command -v snmpget >/dev/null || bail_out "snmpget not found: tools/setup-deps"
[ -f "$UNIT" ] || bail_out "no $UNIT: run through make check"

plan 23

# --- the unit file -------------------------------------------------------
# verify wants ExecStart's binary and the man page to exist: the binary
# is the build's (the unit names the installed path), the page the
# source tree's.
mkdir -p "$WORK/man/man8"
ln -s "$ULTRACE_SRCDIR/doc/ultrace-consumerd.8" "$WORK/man/man8/"
sed "s|^ExecStart=[^ ]*|ExecStart=$CONSUMERD|" "$UNIT" \
	>"$WORK/ultrace-consumerd.service"
MANPATH="$WORK/man" systemd-analyze verify \
	"$WORK/ultrace-consumerd.service" >"$WORK/verify.out" 2>&1
status=$?
[ $status -eq 0 ] && [ ! -s "$WORK/verify.out" ]
ok $? "systemd-analyze verify: clean (exit $status, no message)" ||
	sed 's/^/# /' "$WORK/verify.out"
grep -q '^Type=notify$' "$UNIT" && grep -q '^WatchdogSec=' "$UNIT" &&
	grep -q '^User=ultrace$' "$UNIT" && grep -q '^ExecReload=.*-HUP' "$UNIT"
ok $? "the unit is Type=notify, has a watchdog, runs as ultrace, reloads with SIGHUP"

# The daemon's command line, as the unit has it (no quoting in there).
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
# shellcheck disable=SC2086
set -- $exec_start
[ "$(basename "$1")" = ultrace-consumerd ] ||
	bail_out "ExecStart does not run ultrace-consumerd: $exec_start"
shift
UNIT_ARGS="$*"

# start_as_unit CONFIG: the daemon as systemd would run it, with our
# notify socket and a 1 s watchdog; its pid in DAEMON_PID.
start_as_unit() {
	# WATCHDOG_PID is the pid systemd forks: exec keeps the shell's.
	# shellcheck disable=SC2086
	NOTIFY_SOCKET="$WORK/notify.sock" WATCHDOG_USEC=1000000 \
		sh -c 'WATCHDOG_PID=$$; export WATCHDOG_PID; exec "$@"' sh \
		"$CONSUMERD" $UNIT_ARGS --config="$1" \
		>>"$WORK/consumerd.out" 2>>"$WORK/consumerd.err" &
	DAEMON_PID=$!
}

# wait_for FILE PATTERN [SECONDS]: until a line of FILE matches.
wait_for() {
	_i=0
	until grep -q -- "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt $((${3:-30} * 10)) ] && return 1
		sleep 0.1
	done
}

# Lines of the notify log after line $1.
notes_after() {
	tail -n +"$(($1 + 1))" "$WORK/notify.log"
}

# --- a bad file at start ---------------------------------------------------
printf 'log-level = notice\nsnmp-listne = udp:127.0.0.1:1161\n' \
	>"$WORK/bad.conf"
: >"$WORK/notify.log"
start_as_unit "$WORK/bad.conf"
wait "$DAEMON_PID"
is $? 2 "a bad key at start: exit 2"
DAEMON_PID=
grep -qF "$WORK/bad.conf:2: unknown key \`snmp-listne\`" "$WORK/consumerd.err"
ok $? "... naming FILE:LINE and the key" || sed 's/^/# /' "$WORK/consumerd.err"

# --- a trace to serve --------------------------------------------------------
start_sessiond
create_session rec "$WORK/trace" || bail_out "cannot create the session"
"$ULTRACE_LOADGEN" --users 50 --events 500 --seed 14 \
	2>"$WORK/loadgen.err" || bail_out "loadgen failed"
stop_session rec

socat -u UNIX-RECV:"$WORK/notify.sock" \
	OPEN:"$WORK/notify.log",creat,append 2>"$WORK/socat.err" &
SOCAT_PID=$!
_i=0
until [ -S "$WORK/notify.sock" ]; do
	_i=$((_i + 1))
	[ $_i -gt 50 ] && bail_out "socat did not bind $WORK/notify.sock"
	sleep 0.1
done

cat >"$WORK/consumerd.conf" <<EOF
# as /etc/ultrace/consumerd.conf would be
trace = $WORK/trace
agentx-socket = $WORK/no-master
stats-interval = 1
EOF
: >"$WORK/consumerd.err"
start_as_unit "$WORK/consumerd.conf"

# --- readiness, status, watchdog --------------------------------------------
wait_for "$WORK/notify.log" '^READY=1$' 30
ok $? "READY=1 arrives" || sed 's/^/# /' "$WORK/consumerd.err"
# READY=1 and its STATUS= come in one datagram: the next line.
status_line=$(grep -A1 '^READY=1$' "$WORK/notify.log" | sed -n 2p)
case "$status_line" in
"STATUS=following $WORK/trace"* | "STATUS=done with $WORK/trace"*) res=0 ;;
*) res=1 ;;
esac
ok $res "ready because the trace is attached (no AgentX master): $status_line"
case "$status_line" in
*"AgentX master not reached"*) res=0 ;;
*) res=1 ;;
esac
ok $res "STATUS= says the AgentX master is not reached"
# Asked every 1 s, pinged every 0.5 s: at least 6 within 10 s.
_i=0
while [ "$(grep -c '^WATCHDOG=1$' "$WORK/notify.log")" -lt 6 ] &&
		[ $_i -lt 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
pings=$(grep -c '^WATCHDOG=1$' "$WORK/notify.log")
[ "$pings" -ge 6 ]
ok $? "WATCHDOG=1 pings keep coming ($pings, 6 wanted within 10 s)"
wait_for "$WORK/consumerd.err" 'notice: events [0-9]*, users [0-9]*,' 10
ok $? "stats are logged every second at level notice"

# --- SIGHUP: a quieter log level applied, a restart-only change logged -------
before=$(wc -l <"$WORK/notify.log")
cat >"$WORK/consumerd.conf" <<EOF
# as /etc/ultrace/consumerd.conf would be
trace = $WORK/other-trace
agentx-socket = $WORK/no-master
stats-interval = 1
log-level = warning
EOF
kill -HUP "$DAEMON_PID"
wait_for "$WORK/consumerd.err" 'SIGHUP: configuration reloaded' 10
ok $? "SIGHUP re-reads the file" || sed 's/^/# /' "$WORK/consumerd.err"
grep -q 'SIGHUP: log level warning (was notice)' "$WORK/consumerd.err"
ok $? "... applies the new log level"
grep -qF "\`trace\` changed in $WORK/consumerd.conf ($WORK/trace -> $WORK/other-trace): not applied until ultrace-consumerd restarts" \
	"$WORK/consumerd.err"
ok $? "... and logs that the new input needs a restart"
i=0
until notes_after "$before" | grep -q '^READY=1$' || [ $i -gt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
notes_after "$before" | grep -v '^WATCHDOG=1$' >"$WORK/reload.notes"
[ "$(sed -n 1p "$WORK/reload.notes")" = RELOADING=1 ] &&
	grep -q '^MONOTONIC_USEC=[0-9][0-9]*$' "$WORK/reload.notes" &&
	sed -n '2,$p' "$WORK/reload.notes" | grep -q '^READY=1$'
ok $? "RELOADING=1 (with MONOTONIC_USEC=), then READY=1" ||
	sed 's/^/# /' "$WORK/reload.notes"
# Stats lines are notice: at level warning none may follow the reload.
lines=$(wc -l <"$WORK/consumerd.err")
sleep 2.5
tail -n +"$((lines + 1))" "$WORK/consumerd.err" | grep -q 'notice: events'
ok $((! $?)) "the level is in force: no notice line for 2.5 s of 1 s stats"

# --- SIGHUP with a bad file: refused, nothing stops ----------------------------
before=$(wc -l <"$WORK/notify.log")
printf 'stats-interval = 1\nstats-interval = 2\n' >"$WORK/consumerd.conf"
kill -HUP "$DAEMON_PID"
wait_for "$WORK/consumerd.err" 'configuration not reloaded' 10
ok $? "a bad file at reload is refused" || sed 's/^/# /' "$WORK/consumerd.err"
grep -qF "$WORK/consumerd.conf:2: \`stats-interval\` is already set at line 1" \
	"$WORK/consumerd.err"
ok $? "... naming FILE:LINE"
i=0
until notes_after "$before" | grep -q '^READY=1$' || [ $i -gt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
pings=$(notes_after "$before" | grep -c '^WATCHDOG=1$')
kill -0 "$DAEMON_PID" 2>/dev/null &&
	notes_after "$before" | grep -q '^READY=1$'
ok $? "... and the daemon goes on, ready again"
sleep 1.5
pings_now=$(notes_after "$before" | grep -c '^WATCHDOG=1$')
[ "$pings_now" -gt "$pings" ]
ok $? "... pinging the watchdog ($pings then $pings_now)"

# --- SIGTERM ---------------------------------------------------------------------
before=$(wc -l <"$WORK/notify.log")
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
status=$?
DAEMON_PID=
notes_after "$before" | grep -q '^STOPPING=1$'
ok $? "STOPPING=1 at SIGTERM"
is $status 0 "exit 0 after SIGTERM"

# --- the sandbox the unit sets: system calls and socket families ---------------
PORT=
for p in $(seq 17100 17199); do
	if port_free udp "$p"; then
		PORT=$p
		break
	fi
done
[ -n "$PORT" ] || bail_out "no free UDP port in 17100-17199"
cat >"$WORK/strace.conf" <<EOF
trace = $WORK/trace
agentx-socket = $WORK/no-master
snmp-listen = udp:127.0.0.1:$PORT
stats-interval = 1
pidfile = $WORK/strace.pid
EOF
# Signals go to the daemon (its pid file), not to strace.
# shellcheck disable=SC2086
strace -f -qq -o "$WORK/strace.out" "$CONSUMERD" $UNIT_ARGS \
	--config="$WORK/strace.conf" 2>"$WORK/strace.err" &
STRACE_PID=$!
wait_for "$WORK/strace.err" 'read to its end' 30
DAEMON_PID=$(cat "$WORK/strace.pid" 2>/dev/null)
[ -n "$DAEMON_PID" ] || bail_out "no pid file from the daemon under strace"
served=1
_i=0
while [ $_i -lt 10 ]; do
	if snmpget -v2c -c public -r0 -t2 "127.0.0.1:$PORT" \
			1.3.6.1.4.1.34352.3.1.2.1.5.4.0 >"$WORK/snmpget.out" 2>&1; then
		served=0
		break
	fi
	_i=$((_i + 1))
	sleep 0.5
done
ok $served "under strace it serves a GET" || sed 's/^/# /' "$WORK/snmpget.out"
kill -HUP "$DAEMON_PID"
wait_for "$WORK/strace.err" 'configuration reloaded' 10
kill -TERM "$DAEMON_PID"
wait "$STRACE_PID"
DAEMON_PID=
STRACE_PID=
# Every name in the unit's filter, its @groups expanded.
systemd-analyze syscall-filter 2>/dev/null >"$WORK/groups.txt"
filter=$(sed -n 's/^SystemCallFilter=//p' "$UNIT")
awk -v want="$filter" '
	function expand(name,   n, parts, i) {
		if (name !~ /^@/) { allowed[name] = 1; return }
		if (name in seen) { return }
		seen[name] = 1
		n = split(members[name], parts, " ")
		for (i = 1; i <= n; i++) { expand(parts[i]) }
	}
	/^@/ { group = $1; next }
	/^ *#/ || NF == 0 { next }
	group != "" { members[group] = members[group] " " $1 }
	END {
		n = split(want, wanted, " ")
		for (i = 1; i <= n; i++) { expand(wanted[i]) }
		for (s in allowed) { print s }
	}' "$WORK/groups.txt" | sort -u >"$WORK/allowed.txt"
sed -n 's/^[0-9][0-9]* *\([a-z_0-9]*\)(.*/\1/p' "$WORK/strace.out" |
	sort -u >"$WORK/used.txt"
outside=$(comm -23 "$WORK/used.txt" "$WORK/allowed.txt" | tr '\n' ' ')
[ -s "$WORK/used.txt" ] && [ -s "$WORK/allowed.txt" ] ||
	outside="(no strace output or no filter: $outside)"
is "${outside:-none}" none "no system call outside SystemCallFilter=$filter ($(wc -l <"$WORK/used.txt") used)"
families=$(sed -n 's/^RestrictAddressFamilies=//p' "$UNIT")
bad_families=
for f in $(grep -o 'socket(AF_[A-Z0-9]*' "$WORK/strace.out" |
		sed 's/socket(//' | sort -u); do
	case " $families " in
	*" $f "*) ;;
	*) bad_families="$bad_families $f" ;;
	esac
done
is "${bad_families:-none}" none "no socket outside RestrictAddressFamilies=$families"
