#!/bin/sh
# record_trace.sh OUTDIR [LOADGEN ARGS...]: records a small real trace of
# ultrace-loadgen through a private lttng-sessiond (tests/utils/lttng_env.sh)
# into OUTDIR/trace, with 4 KiB sub-buffers so that every packet, hence
# every stream file, stays small enough to seed a fuzzer. Used to make
# tests/fuzz/metadata and the corpus seeds; not run by `make check`.
# Run it with ULTRACE_BUILDDIR and ULTRACE_SRCDIR set.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"

OUT=${1:?usage: record_trace.sh OUTDIR [LOADGEN ARGS...]}
shift
ultrace_isolate "$OUT" "$@"
start_sessiond
lttng create seed --output="$WORK/trace" >/dev/null &&
lttng enable-channel -u -s seed ultrace --buffers-uid \
	--subbuf-size=4096 --num-subbuf=64 >/dev/null &&
lttng enable-event -u -s seed -c ultrace 'ultrace:*' >/dev/null &&
lttng start seed >/dev/null || bail_out "cannot create the session"
"$ULTRACE_LOADGEN" -q "$@" || bail_out "loadgen failed"
stop_session seed
mkdir -p "$OUT"
cp -r "$WORK/trace" "$OUT/" || bail_out "cannot copy the trace"
find "$OUT/trace" -type f | sort
