#!/bin/sh
# cluster_live.sh: one ultrace-consumerd follows every session of one
# lttng-relayd (--live net://RELAYD): three "hosts" (UTS and mount
# namespaces, each with its own lttng-sessiond) stream to it; hostB
# replicates hostA's usrloc (the same contacts, the same ruid), hostC
# starts late. Per-host SNMP contexts equal each host's truth, the default
# context the merged truth, the host table lists them; a destroyed
# session and a cut relayd connection leave the others unaffected and
# their contexts say so; after a relayd restart all reattach.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/consumerd_env.sh"
. "$ULTRACE_SRCDIR/tests/utils/snmp_view.sh"
. "$ULTRACE_SRCDIR/tests/utils/cluster_env.sh"
ultrace_isolate "$@"

plan 31
HEALTH=.1.3.6.1.4.1.8072.9999.9999.7637
HOST_TABLE=$HEALTH.30.1

start_relayd 27400
SNMPD_PORT=$(snmp_pick_udp_port 27461) || bail_out "no free UDP port"
# One community per context, as snmpd.conf's com2sec -Cn maps them.
cat >"$WORK/access.conf" <<CONF
com2sec defsec 127.0.0.1 public
com2sec -Cn hostA secA 127.0.0.1 public-hostA
com2sec -Cn hostB secB 127.0.0.1 public-hostB
com2sec -Cn hostC secC 127.0.0.1 public-hostC
com2sec -Cn hostC secCw 127.0.0.1 private-hostC
group rw v2c secCw
access rw "" any noauth prefix all all none
createUser ops SHA "cluster-auth-pass" AES "cluster-priv-pass"
group opsv3 usm ops
access opsv3 "" usm priv prefix all none none
group ro v2c defsec
group ro v2c secA
group ro v2c secB
group ro v2c secC
view all included .1
access ro "" any noauth prefix all none none
maxGetbulkResponses 1000
CONF
# snmpd as AgentX master with the same access: the subagent registers each
# context with it.
MASTER_PORT=$(snmp_pick_udp_port 27481) || bail_out "no free UDP port"
{
	printf 'agentAddress udp:127.0.0.1:%s\nmaster agentx\n' "$MASTER_PORT"
	printf 'agentXSocket %s\ndontLogTCPWrappersConnects yes\n' \
		"$WORK/agentx.sock"
	grep -v maxGetbulk "$WORK/access.conf"
} >"$WORK/master.conf"
MASTER_PID=
snmp_launch_snmpd MASTER_PID master "127.0.0.1:$MASTER_PORT" ||
	bail_out "snmpd did not start"
host_start hostA
host_start hostB
host_live_session hostA usrloc || bail_out "hostA: no live session"
host_live_session hostB usrloc || bail_out "hostB: no live session"

VG=
if [ "${CLUSTER_VALGRIND:-0}" = 1 ]; then
	VG="${LIBTOOL:-libtool} --mode=execute valgrind --quiet --leak-check=full
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99
		--log-file=$WORK/consumerd.valgrind"
fi
$VG "$CONSUMERD" --config=none --foreground \
	--agentx-socket "$WORK/agentx.sock" --ping-interval 1 \
	--snmp-listen "udp:127.0.0.1:$SNMPD_PORT" \
	--snmp-config "$WORK/access.conf" --log-file "$WORK/consumerd.log" \
	--live "net://127.0.0.1:$RELAYD_LIVE" --discover-interval 500 \
	--retry-max 2 --stats-interval 5 &
CONSUMERD_PID=$!
teardown() {
	stop_consumerd
	cluster_teardown
	[ -z "$MASTER_PID" ] || kill "$MASTER_PID" 2>/dev/null
}
TEARDOWN_HOOK=teardown
wait_agent 20
ok $? "ultrace-consumerd --live net://RELAYD serves SNMP"

# walk_ctx COMMUNITY: the contact rows served in that context.
walk_ctx() {
	SNMP_COMMUNITY=$1 snmp_contacts_csv
}
# wait_ctx COMMUNITY EXPECTED SECONDS: until the context serves EXPECTED.
wait_ctx() {
	_end=$(($(date +%s) + $3))
	while [ "$(date +%s)" -le $_end ]; do
		walk_ctx "$1" >"$WORK/ctx.csv" 2>/dev/null
		cmp -s "$2" "$WORK/ctx.csv" && return 0
		sleep 0.5
	done
	diff "$2" "$WORK/ctx.csv" | head -5 | sed 's/^/# /'
	return 1
}
# host_state N: sourceState of host table row N.
host_col() {
	snmpget -v2c -c public -On -Oqv -t 1 -r 1 "$(snmp_peer)" \
		"$HOST_TABLE.$2.$1" 2>/dev/null
}
# host_row NAME: the host table row whose context is NAME.
host_row() {
	for _n in 1 2 3 4; do
		[ "$(host_col $_n 2)" = "\"$1\"" ] && echo $_n && return 0
	done
	echo 0
}
wait_host_state() {
	_end=$(($(date +%s) + $3))
	while [ "$(date +%s)" -le $_end ]; do
		[ "$(host_col "$1" 4)" = "$2" ] && return 0
		sleep 0.5
	done
	return 1
}

# Give discovery time to attach to both sessions before events flow.
_i=0
until [ "$(grep -c 'cluster: following host' "$WORK/consumerd.log")" -ge 2 ] ||
		[ $_i -gt 100 ]; do
	sleep 0.2
	_i=$((_i + 1))
done
sleep 1
LOAD="--users 200 --max-contacts 2 --events 3000 --rate 3000 --seed 5
	--expires-min 600 --expires-max 600 --expire-ratio 0
	--mix insert=20,refresh=60,rebind=10,update=5,delete=5 -q"
host_exec hostA "$ULTRACE_LOADGEN" $LOAD --truth "$WORK/A.csv" ||
	bail_out "loadgen on hostA failed"
# hostB's usrloc replicates hostA's: the same changes, later.
host_exec hostB "$ULTRACE_LOADGEN" $LOAD --truth "$WORK/B.csv" ||
	bail_out "loadgen on hostB failed"
truth_as_snmp "$WORK/A.csv" >"$WORK/A.exp"
truth_as_snmp "$WORK/B.csv" >"$WORK/B.exp"
cmp -s "$WORK/A.exp" "$WORK/B.exp"
ok $((! $?)) "hostB's replica has hostA's contacts with newer times"

wait_ctx public-hostA "$WORK/A.exp" 30
ok $? "context hostA equals hostA's truth ($(wc -l <"$WORK/A.exp") contacts)"
wait_ctx public-hostB "$WORK/B.exp" 30
ok $? "context hostB equals hostB's truth"
wait_ctx public "$WORK/B.exp" 30
ok $? "the default context shows each replicated contact once, the newest (hostB's) values"
# SNMPv3: the contextName names the host. Through snmpd: with AgentX on,
# the direct listener knows no v3 user (doc/snmp.md, "Serving directly").
snmpbulkwalk -v3 -u ops -l authPriv -a SHA -A cluster-auth-pass -x AES \
	-X cluster-priv-pass -n hostA -On -Ox -t 5 -r 1 -Cr50 \
	"127.0.0.1:$MASTER_PORT" \
	"$CONTACT_TABLE" >"$WORK/v3.walk" 2>"$WORK/v3.err"
v3rows=$(grep -c "^$CONTACT_TABLE\.1\.3\." "$WORK/v3.walk")
is "$v3rows" "$(wc -l <"$WORK/A.exp")" \
	"SNMPv3 (through snmpd) with contextName hostA walks hostA's contacts" ||
	sed 's/^/# /' "$WORK/v3.err" | head -3
(SNMPD_PORT=$MASTER_PORT; wait_ctx public-hostA "$WORK/A.exp" 30 &&
	wait_ctx public "$WORK/B.exp" 10)
ok $? "through snmpd (AgentX), community public-hostA reaches context hostA, public the merged view"

# A late host: picked up within a few seconds.
host_start hostC
host_live_session hostC usrloc || bail_out "hostC: no live session"
_i=0
until [ "$(grep -c 'cluster: following host' "$WORK/consumerd.log")" -ge 3 ] ||
		[ $_i -gt 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
test "$_i" -le 100
ok $? "a host started late is followed ($((_i / 10)) s after its session)"
sleep 1
host_exec hostC "$ULTRACE_LOADGEN" $LOAD --seed 6 --domain location2 \
	--truth "$WORK/C.csv" || bail_out "loadgen on hostC failed"
truth_as_snmp "$WORK/C.csv" >"$WORK/C.exp"
wait_ctx public-hostC "$WORK/C.exp" 30
ok $? "context hostC equals hostC's truth"
# The lookup table in hostC's context resolves in hostC's registry.
first=$(snmpgetnext -v2c -c public-hostC -On -t 2 -r 1 "$(snmp_peer)" \
	"$USER_TABLE.1.2" 2>/dev/null)
uidx=$(echo "$first" | sed -n 's/^[.0-9]*\.6\.1\.2\.\([0-9]*\) = .*/\1/p')
aor=$(echo "$first" | sed -n 's/.*STRING: "\(.*\)"$/\1/p')
snmpset -v2c -c private-hostC -t 2 -r 1 "$(snmp_peer)" \
	"$REG_CFG.9.1.2.77" s "$aor" "$REG_CFG.9.1.4.77" i 4 >/dev/null 2>&1
is "$(SNMP_COMMUNITY=public-hostC snmp_get "$REG_CFG.9.1.3.77")" "${uidx:-none}" \
	"a lookup row created in context hostC gives hostC's user index of $aor"
truth_as_snmp "$WORK/B.csv" "$WORK/C.csv" >"$WORK/merged.exp"
wait_ctx public "$WORK/merged.exp" 30
ok $? "the default context equals the merged truth ($(wc -l <"$WORK/merged.exp") contacts)"

is "$(for n in 1 2 3; do host_col $n 2; done | sort | tr '\n' ' ')" \
	'"hostA" "hostB" "hostC" ' "the host table lists the three contexts"
RA=$(host_row hostA) RB=$(host_row hostB) RC=$(host_row hostC)
is "$(host_col "$RA" 4) $(host_col "$RB" 4) $(host_col "$RC" 4)" "2 2 2" \
	"...all following"
is "$(host_col "$RA" 9) $(host_col "$RC" 9)" \
	"$(wc -l <"$WORK/A.exp") $(wc -l <"$WORK/C.exp")" \
	"...with their contact counts"

# By name, as README's walkthrough types it (the build tree's drop-in).
mkdir -p "$WORK/mibhome/.snmp"
echo "includeFile $ULTRACE_BUILDDIR/snmp/ultrace-snmp-uninstalled.conf" \
	>"$WORK/mibhome/.snmp/snmp.conf"
(unset MIBS MIBDIRS SNMPCONFPATH; HOME=$WORK/mibhome snmptable -v2c \
	-c public -Cf , -CH -t 2 -r 1 "$(snmp_peer)" ultraceHostTable) \
	>"$WORK/hosts.table" 2>"$WORK/hosts.err"
is "$(cut -d, -f1 "$WORK/hosts.table" | sort | tr '\n' ' ')" "hostA hostB hostC " \
	"snmptable ultraceHostTable by name lists the hosts" ||
	sed 's/^/# /' "$WORK/hosts.err" "$WORK/hosts.table"

# hostB's session destroyed: its context keeps its last state, says ended.
host_exec hostB lttng destroy usrloc >/dev/null
wait_host_state "$RB" 6 30
ok $? "a destroyed session's host row says ended(6)"
is "$(SNMP_COMMUNITY=public-hostB snmp_get "$HEALTH.18.0")" "4" \
	"...and its context's sourceState says done(4)"
walk_ctx public-hostB >"$WORK/B.now"
cmp -s "$WORK/B.exp" "$WORK/B.now"
ok $? "...while serving its last state"

# hostC's relayd connection cut (its session daemon killed).
host_kill_sessiond hostC KILL
wait_host_state "$RC" 6 60
ok $? "a host whose relayd connection was cut is marked ended"
walk_ctx public-hostC >"$WORK/C.now"
cmp -s "$WORK/C.exp" "$WORK/C.now"
ok $? "...and keeps its last state"

# The others are unaffected: hostA goes on.
# A registrar restarted with an empty usrloc: its statedump at the end
# sweeps what the consumer still held from its first run.
host_exec hostA "$ULTRACE_LOADGEN" $LOAD --seed 8 --statedump-at-end \
	--truth "$WORK/A2.csv" || bail_out "loadgen on hostA failed"
truth_as_snmp "$WORK/A2.csv" >"$WORK/A2.exp"
wait_ctx public-hostA "$WORK/A2.exp" 30
ok $? "hostA's context follows its new events meanwhile"
is "$(host_col "$RA" 4)" "2" "...and hostA is still following"

# relayd restarted: the sessions are recreated and every one reattaches.
stop_relayd
start_relayd "$RELAYD_CTRL"
host_exec hostA lttng destroy usrloc >/dev/null
host_live_session hostA usrloc || bail_out "hostA: no live session again"
host_live_session hostB usrloc || bail_out "hostB: no live session again"
wait_host_state "$RA" 2 60 && wait_host_state "$RB" 2 60
ok $? "after a relayd restart hostA and hostB follow again"
sleep 1
host_exec hostA "$ULTRACE_LOADGEN" $LOAD --seed 9 --statedump-at-end \
	--truth "$WORK/A3.csv" || bail_out "loadgen on hostA failed"
truth_as_snmp "$WORK/A3.csv" >"$WORK/A3.exp"
wait_ctx public-hostA "$WORK/A3.exp" 30
ok $? "hostA's context follows the reattached session"

# The merged view now: hostA's latest run (the newest), hostB's and
# hostC's last states (ended, their contacts not expired yet), each
# contact once (AOR and URI; hostC's are in another domain).
truth_as_snmp "$WORK/A3.csv" >"$WORK/A3.rows"
truth_as_snmp "$WORK/B.csv" >"$WORK/B.rows"
awk -F '\t' 'FNR == NR { seen[$1 "\t" $2] = 1; print; next }
	!(($1 "\t" $2) in seen)' "$WORK/A3.rows" "$WORK/B.rows" >"$WORK/AB.rows"
cat "$WORK/AB.rows" "$WORK/C.exp" | LC_ALL=C sort >"$WORK/final.exp"
wait_ctx public "$WORK/final.exp" 30
ok $? "the default context merges live and ended hosts, newest values winning ($(wc -l <"$WORK/final.exp") contacts)"

stop_consumerd
is "$CONSUMERD_STATUS" "0" "SIGTERM stops ultrace-consumerd with status 0"

# Offline: the relayd's output directory holds every host's traces.
replay_valgrind --format csv --host hostC "$WORK/relayd" >"$WORK/C.replay"
ok $? "ultrace-replay --host hostC reads the relayd's directory (valgrind-clean)"
cmp -s "$WORK/C.csv" "$WORK/C.replay"
ok $? "...and prints hostC's truth byte for byte" ||
	diff "$WORK/C.csv" "$WORK/C.replay" | head -5 | sed 's/^/# /'
"$ULTRACE_REPLAY" --format csv "$WORK/relayd" >"$WORK/merged.replay"
ok $? "ultrace-replay of all hosts prints the merged view"
truth_as_snmp "$WORK/merged.replay" >"$WORK/merged.replay.rows"
cmp -s "$WORK/final.exp" "$WORK/merged.replay.rows"
ok $? "...equal to the live merged view" ||
	diff "$WORK/final.exp" "$WORK/merged.replay.rows" | head -5 | sed 's/^/# /'
"$ULTRACE_REPLAY" --stats "$WORK/relayd" >/dev/null 2>"$WORK/stats.err"
is $? 2 "--stats over several hosts asks for --host" ||
	sed 's/^/# /' "$WORK/stats.err"
