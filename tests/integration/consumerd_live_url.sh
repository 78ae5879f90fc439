#!/bin/sh
# consumerd_live_url.sh: ultrace-consumerd refuses a --live URL that
# babeltrace2 2.0.4 would crash on or misread, before starting anything: a
# URL naming no session (net://HOST:PORT) or a malformed one is a usage
# error (exit 2) with the reason. No relayd, no snmpd: nothing listens on
# the port given, and a consumerd that wrongly accepted the URL is killed
# by `timeout` (exit 124, a failure here).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
: "${ULTRACE_BUILDDIR:?run through make check (ULTRACE_BUILDDIR unset)}"

CONSUMERD="$ULTRACE_BUILDDIR/consumer/ultrace-consumerd"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ultrace-live-url.XXXXXX") ||
	bail_out "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

PORT=$(pick_ports 1 27342) || bail_out "no free TCP port"

plan 8

# refused URL EXPECTED_TEXT DESCRIPTION: exit 2, EXPECTED_TEXT on stderr.
refused() {
	# --foreground: a consumerd that accepted the URL must not detach;
	# its AgentX socket is a path of ours, where no master listens.
	timeout 10 "$CONSUMERD" --foreground \
		--agentx-socket "$WORK/no-master" --live "$1" $4 \
		>"$WORK/out" 2>"$WORK/err"
	is $? 2 "$3: exit 2" || sed 's/^/# /' "$WORK/err"
	grep -qF -- "$2" "$WORK/err"
	ok $? "$3: says \"$2\"" || sed 's/^/# /' "$WORK/err"
}

# A relay without a session is a cluster (tests/integration/cluster_live.sh);
# the cluster's filters make no sense with one session.
refused "net://127.0.0.1:$PORT/host/h/s" \
	"--hosts, --sessions and --discover-interval are for --live=net://RELAY" \
	"--hosts with a single-session URL" "--hosts h*"
refused "net://127.0.0.1:99999/host/h/s" "the port is above 65535" \
	"a port above 65535"
refused "net://127.0.0.1:$PORT/host/h/s/more" \
	"something follows /host/HOSTNAME/SESSION" "trailing path"
refused "net4://[::1]:$PORT/host/h/s" "net4:// cannot take an IPv6 address" \
	"net4:// with an IPv6 address"
