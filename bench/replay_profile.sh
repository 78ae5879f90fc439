#!/bin/sh
# bench/replay_profile.sh [--perf] [--values FILE] [--keep DIR] TRACE:
# where a replay's instructions (and, with --perf, its time) go. Prints
# markdown on stdout:
# - `ultrace-replay --stats TRACE` under `valgrind --tool=callgrind`:
#   self instructions grouped (babeltrace2 = libbabeltrace2 + its ctf and
#   utils plugins + glib; ours-decode = consumer/event_decode.c,
#   apply_*.c, registry_sink.c; registry = registry/*; libc alloc/mem* =
#   malloc and the mem/str functions; output = the printing; other), the
#   top functions, instructions per event. ultrace-replay reads the trace
#   in a forked child: valgrind follows the fork (%p in the output file
#   name), the child is the process that executed the most, the parent is
#   shown beside it;
# - the same for `babeltrace2 TRACE -c sink.utils.dummy`: its instructions
#   per event are the decoding floor;
# - --perf: `perf record -e cpu-clock` of the replay (not under valgrind),
#   the share of CPU time per group and the top functions by time:
#   instructions do not show cache misses, time does (noisily).
# --values FILE: the figures as KEY=VALUE lines, for bench/run.
# --keep DIR: keep the profiles (callgrind.out files, perf.data) in DIR.
# Environment: ULTRACE_BUILDDIR (default: the checkout's _build).
# Exit status: 0, or 1 with a message on stderr.
top=$(cd "$(dirname "$0")/.." && pwd)
: "${ULTRACE_BUILDDIR:=$top/_build}"
PERF=0
VALUES=
KEEP=
TOPN=${PROFILE_TOP:-12}
die() {
	echo "replay_profile: $*" >&2
	exit 1
}
while [ $# -gt 0 ]; do
	case "$1" in
	--perf) PERF=1 ;;
	--values) VALUES=$2; shift ;;
	--keep) KEEP=$2; shift ;;
	-h|--help)
		sed -n '2,/^# Exit status/s/^# \{0,1\}//p' "$0"
		exit 0 ;;
	-*) die "unknown option $1 (usage: replay_profile.sh [--perf] [--values FILE] [--keep DIR] TRACE)" ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || die "usage: replay_profile.sh [--perf] [--values FILE] [--keep DIR] TRACE"
TRACE=$1
[ -d "$TRACE" ] || die "$TRACE: not a directory"
REPLAY=$ULTRACE_BUILDDIR/consumer/ultrace-replay
LIBTOOL=$ULTRACE_BUILDDIR/libtool
[ -x "$REPLAY" ] || die "$REPLAY missing: build first"
[ -x "$LIBTOOL" ] || LIBTOOL=libtool
for t in valgrind callgrind_annotate babeltrace2 nm; do
	command -v $t >/dev/null || die "$t not found"
done
if [ -n "$KEEP" ]; then
	mkdir -p "$KEEP" || die "cannot create $KEEP"
	D=$KEEP
else
	D=$(mktemp -d "${TMPDIR:-/tmp}/replay-profile.XXXXXX") ||
		die "mktemp failed"
	trap 'rm -rf "$D"' EXIT
fi
trap 'exit 130' INT TERM

# Events: every ultrace event the replay applies (the trace holds no other).
"$REPLAY" --stats --format csv "$TRACE" >"$D/stats.csv" 2>"$D/stats.err" ||
	die "ultrace-replay --stats $TRACE failed: $(tail -n 3 "$D/stats.err")"
EVENTS=$(awk -F, '/^events\./ { n += $2 } END { print n + 0 }' "$D/stats.csv")
[ "$EVENTS" -gt 0 ] || die "$TRACE: no ultrace event"

# callgrind NAME CMD...: callgrind of CMD (and of the processes it forks)
# into $D/NAME.PID; prints the file of the process that executed the most,
# then the other processes' total instructions.
callgrind() {
	_name=$1
	shift
	rm -f "$D/$_name".*
	"$LIBTOOL" --mode=execute valgrind --tool=callgrind \
		--callgrind-out-file="$D/$_name.%p" "$@" \
		>"$D/$_name.stdout" 2>"$D/$_name.err" ||
		die "callgrind of $* failed: $(grep -v '^==' "$D/$_name.err" | tail -n 3)"
	_best= _max=-1 _rest=0
	for _f in "$D/$_name".[0-9]*; do
		[ -f "$_f" ] || continue
		_ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$_f" | head -n 1)
		[ -n "$_ir" ] || _ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$_f" | head -n 1)
		[ -n "$_ir" ] || die "$_f: no totals line"
		if [ "$_ir" -gt "$_max" ]; then
			[ "$_max" -ge 0 ] && _rest=$((_rest + _max))
			_max=$_ir _best=$_f
		else
			_rest=$((_rest + _ir))
		fi
	done
	[ -n "$_best" ] || die "callgrind of $* wrote no profile"
	echo "$_best $_rest"
}

# Functions (self cost) as "COST<TAB>OBJ<TAB>FILE<TAB>FUNCTION" lines from
# callgrind_annotate, which prints "IR (PCT%)  FILE:FUNCTION [OBJ]".
annotate() { # CALLGRIND_OUT -> $D/NAME.fns, and the program total
	callgrind_annotate --auto=no --threshold=100 "$1" >"$1.txt" 2>"$1.aerr" ||
		die "callgrind_annotate $1 failed: $(tail -n 3 "$1.aerr")"
	awk -v fns="$1.fns" '
		/^-- Auto-annotated/ { exit }
		/PROGRAM TOTALS/ { t = $1; gsub(",", "", t); total = t; next }
		/^ *[0-9][0-9,]* / {
			ir = $1; gsub(",", "", ir)
			rest = $0
			sub(/^ *[0-9,]+ +(\([ 0-9.]+%\) +)?/, "", rest)
			obj = "?"
			if (match(rest, / \[[^]]*\]$/)) {
				obj = substr(rest, RSTART + 2, RLENGTH - 3)
				rest = substr(rest, 1, RSTART - 1)
			}
			i = index(rest, ":")
			if (i == 0) next
			file = substr(rest, 1, i - 1)
			fn = substr(rest, i + 1)
			sub(/'"'"'[0-9]+$/, "", fn)	# callgrind: recursion depth
			printf "%s\t%s\t%s\t%s\n", ir, obj, file, fn >fns
			sum += ir
		}
		END {
			if (total == "") { print "no PROGRAM TOTALS" >"/dev/stderr"; exit 1 }
			# threshold 100: every function; their sum is the total.
			if (sum < total * 0.99 || sum > total * 1.01) {
				printf "functions sum to %.0f of %.0f\n", sum, total >"/dev/stderr"
				exit 1
			}
			print total
		}' "$1.txt" 2>"$1.aerr2" || die "$1: cannot parse callgrind_annotate's output: $(cat "$1.aerr2")"
}

# The grouping, shared by the callgrind and perf tables: group(OBJ, FILE,
# FUNCTION). FILE is the source file (callgrind; for perf, from nm -l of
# our binary), "???" or "" when unknown.
GROUPS_AWK='
function base(p) { sub(/.*\//, "", p); return p }
function group(obj, file, fn) {
	if (obj ~ /libbabeltrace2|babeltrace-plugin-|libglib-|libgmodule-/)
		return "babeltrace2"
	if (file ~ /registry\/[^\/]*\.[ch]$/)
		return "registry"
	if (file ~ /consumer\/(event_decode|apply_[a-z_]*|registry_sink)\.[ch]$/)
		return "ours-decode"
	if (file ~ /consumer\/(registry_print|replay_output|loss_log|contact_csv|print_format)\.[ch]$/)
		return "output"
	if (obj ~ /(^|\/)libc[.-]/) {
		if (file ~ /(^|\/)(malloc|string)\// || fn ~ /^(__libc_)?(malloc|calloc|realloc|free|cfree)(@.*)?$|^_int_(malloc|free|realloc)|^malloc_|^unlink_chunk|^tcache|^sysmalloc|^alloc_perturb|^_?_?(mem|str|wmem|rawmem|stp)[a-z]*(_[a-z0-9_]+)?$/)
			return "libc alloc/mem*"
		if (file ~ /(^|\/)(stdio-common|libio)\// || fn ~ /printf|^_IO_|^f?write|^fputs|^fputc|^putc|^fflush|^__overflow|_itoa|^__mpn_/)
			return "output"
	}
	if (obj ~ /kernel/)
		return "kernel"
	return "other"
}
function label(obj, file, fn) {
	if (fn ~ /^0x[0-9a-f]+$/ || fn == "[unknown]") {
		h = fn; sub(/^0x0*/, "0x", h)
		return base(obj) "+" (fn == "[unknown]" ? "?" : h)
	}
	return fn
}
function where(obj, file) {
	if (file != "" && file != "???") return base(file)
	return base(obj)
}
function key(g) { gsub(/[^a-z0-9]+/, "_", g); sub(/_$/, "", g); return g }
BEGIN {
	ngroups = split("babeltrace2|ours-decode|registry|libc alloc/mem*|output|kernel|other", order, "|")
	desc["babeltrace2"] = "babeltrace2 (libbabeltrace2, babeltrace-plugin-ctf and -utils, glib)"
	desc["ours-decode"] = "ours: decoding and the engine (consumer/event_decode.c, apply_*.c, registry_sink.c)"
	desc["registry"] = "registry (registry/*: hash tables, index tree, expiry wheel, string copies)"
	desc["libc alloc/mem*"] = "libc: malloc/free, mem*/str*"
	desc["output"] = "output (consumer/registry_print.c ..., stdio)"
	desc["kernel"] = "kernel (page faults, reads)"
	desc["other"] = "other (ld.so, graph set-up, the rest of libc)"
}'

# table NAME FNS TOTAL EVENTS PROCESSES: the group table and the top
# functions of one callgrind profile; KEY=VALUE lines to $D/NAME.values.
table() {
	awk -F'\t' -v total="$3" -v ev="$4" -v topn="$TOPN" -v name="$1" \
		-v vals="$D/$1.values" "$GROUPS_AWK"'
		{
			g = group($2, $3, $4); cost[g] += $1
			k = label($2, $3, $4) "\t" where($2, $3) "\t" g
			fcost[k] += $1
		}
		END {
			print "| group | instructions | share | instructions/event |"
			print "|---|---|---|---|"
			for (i = 1; i <= ngroups; i++) {
				g = order[i]
				if (g == "kernel") continue	# valgrind counts user space only
				printf "| %s | %.0f | %.1f%% | %.0f |\n", desc[g], cost[g], 100 * cost[g] / total, cost[g] / ev
				printf "%s_%s_ir_per_event=%.0f\n%s_%s_share=%.1f\n", name, key(g), cost[g] / ev, name, key(g), 100 * cost[g] / total >vals
			}
			printf "| total | %.0f | 100.0%% | %.0f |\n", total, total / ev
			printf "%s_ir=%.0f\n%s_ir_per_event=%.0f\n", name, total, name, total / ev >vals
			print ""
			printf "Top %d functions (self instructions):\n\n", topn
			print "| function | file or object | group | instructions/event | share |"
			print "|---|---|---|---|---|"
			n = 0
			for (k in fcost) sorted[++n] = k
			# insertion sort by cost, descending: a few hundred functions
			for (i = 2; i <= n; i++) {
				v = sorted[i]
				for (j = i - 1; j >= 1 && fcost[sorted[j]] < fcost[v]; j--)
					sorted[j + 1] = sorted[j]
				sorted[j + 1] = v
			}
			for (i = 1; i <= n && i <= topn; i++) {
				split(sorted[i], f, "\t")
				printf "| `%s` | %s | %s | %.0f | %.1f%% |\n", f[1], f[2], f[3], fcost[sorted[i]] / ev, 100 * fcost[sorted[i]] / total
			}
		}' "$2"
}

# --memory-limit=off: an address-space limit on the child would bind
# valgrind's own mappings too, not only the program's.
set -- $(callgrind replay "$REPLAY" --stats --memory-limit=off "$TRACE")
[ $# -eq 2 ] || exit 1
REPLAY_CG=$1 REPLAY_PARENT=$2
REPLAY_TOTAL=$(annotate "$REPLAY_CG") || exit 1
set -- $(callgrind dummy babeltrace2 "$TRACE" -c sink.utils.dummy)
[ $# -eq 2 ] || exit 1
DUMMY_CG=$1
DUMMY_TOTAL=$(annotate "$DUMMY_CG") || exit 1
: >"$D/values"

echo "#### \`ultrace-replay --stats TRACE\` under callgrind"
echo
echo "\`valgrind --tool=callgrind ultrace-replay --stats --memory-limit=off TRACE\`,"
echo "$EVENTS events; the forked child that reads the trace executed"
echo "$REPLAY_TOTAL instructions ($(awk -v t="$REPLAY_TOTAL" -v n="$EVENTS" 'BEGIN { printf "%.0f", t / n }')/event), the parent $REPLAY_PARENT."
echo "Self instructions (a function's own, not its callees'), grouped:"
echo
table replay "$REPLAY_CG.fns" "$REPLAY_TOTAL" "$EVENTS"
cat "$D/replay.values" >>"$D/values"
echo
echo "#### \`babeltrace2 TRACE -c sink.utils.dummy\` under callgrind (the floor)"
echo
echo "$DUMMY_TOTAL instructions ($(awk -v t="$DUMMY_TOTAL" -v n="$EVENTS" 'BEGIN { printf "%.0f", t / n }')/event: the decoding floor)."
echo
table dummy "$DUMMY_CG.fns" "$DUMMY_TOTAL" "$EVENTS"
cat "$D/dummy.values" >>"$D/values"
echo
bt_replay=$(sed -n 's/^replay_babeltrace2_ir_per_event=//p' "$D/values")
bt_dummy=$(sed -n 's/^dummy_ir_per_event=//p' "$D/values")
echo "babeltrace2's own code in the replay: $bt_replay instructions/event; the"
echo "dummy's whole run: $bt_dummy/event ($(awk -v a="$bt_replay" -v b="$bt_dummy" 'BEGIN { printf "%.2f", a / b }')x): what the replay adds"
echo "beyond the floor is the rest of its table."
echo "events=$EVENTS" >>"$D/values"

if [ $PERF -eq 1 ]; then
	echo
	echo "#### \`ultrace-replay --stats TRACE\`: CPU time by group (perf)"
	echo
	if ! command -v perf >/dev/null ||
			! perf record -q -e cpu-clock -o "$D/perf.probe" -- true \
				>/dev/null 2>&1; then
		echo "Not measured: \`perf record -e cpu-clock\` does not work here."
		echo "perf_samples=0" >>"$D/values"
	else
		"$LIBTOOL" --mode=execute perf record -q -e cpu-clock \
			-F "${PROFILE_PERF_FREQ:-4999}" -o "$D/perf.data" -- \
			"$REPLAY" --stats "$TRACE" >/dev/null 2>"$D/perf.err" ||
			die "perf record of ultrace-replay failed: $(tail -n 3 "$D/perf.err")"
		# Which source file each of our functions is in (perf has names).
		"$LIBTOOL" --mode=execute nm --defined-only -l "$REPLAY" 2>/dev/null |
			awk 'NF >= 4 && $2 ~ /^[tTwW]$/ {
				sub(/:[0-9]+$/, "", $4); print $3 "\t" $4 }' \
			>"$D/nm.map"
		perf script -i "$D/perf.data" -F pid,ip,sym,dso 2>/dev/null |
			awk '{
				dso = $NF; gsub(/^\(|\)$/, "", dso)
				sym = $0; sub(/^ *[0-9]+ +[0-9a-f]+ */, "", sym)
				sub(/ +\([^()]*\)$/, "", sym)
				if (sym == "") sym = "[unknown]"
				printf "1\t%s\t\t%s\n", dso, sym
			}' >"$D/perf.samples"
		samples=$(wc -l <"$D/perf.samples")
		[ "$samples" -gt 0 ] || die "perf recorded no sample"
		echo "\`perf record -e cpu-clock -F ${PROFILE_PERF_FREQ:-4999} ultrace-replay --stats TRACE\`:"
		echo "$samples samples (parent and child). Share of samples by group,"
		echo "with the instructions' share (callgrind, above) beside it: a group"
		echo "whose time share exceeds its instruction share waits on memory."
		echo
		awk -F'\t' -v vals="$D/perf.values" -v topn="$TOPN" -v n="$samples" \
			-v ir="$D/replay.values" "$GROUPS_AWK"'
			FILENAME == ir { split($0, kv, "="); irv[kv[1]] = kv[2]; next }
			FILENAME ~ /nm\.map$/ { if (!($1 in src)) src[$1] = $2; next }
			{
				file = ""
				s = $4
				if (s in src) file = src[s]
				g = group($2, file, s); cnt[g]++
				k = label($2, file, s) "\t" where($2, file) "\t" g
				fc[k]++
			}
			END {
				print "| group | samples | share of CPU time | share of instructions |"
				print "|---|---|---|---|"
				for (i = 1; i <= ngroups; i++) {
					g = order[i]
					iv = (("replay_" key(g) "_share") in irv) ? irv["replay_" key(g) "_share"] "%" : "-"
					printf "| %s | %d | %.1f%% | %s |\n", desc[g], cnt[g], 100 * cnt[g] / n, iv
					printf "perf_%s_share=%.1f\n", key(g), 100 * cnt[g] / n >vals
				}
				printf "perf_samples=%d\n", n >vals
				print ""
				printf "Top %d functions by CPU time:\n\n", topn
				print "| function | file or object | group | share of CPU time |"
				print "|---|---|---|---|"
				m = 0
				for (k in fc) sorted[++m] = k
				for (i = 2; i <= m; i++) {
					v = sorted[i]
					for (j = i - 1; j >= 1 && fc[sorted[j]] < fc[v]; j--)
						sorted[j + 1] = sorted[j]
					sorted[j + 1] = v
				}
				for (i = 1; i <= m && i <= topn; i++) {
					split(sorted[i], f, "\t")
					printf "| `%s` | %s | %s | %.1f%% |\n", f[1], f[2], f[3], 100 * fc[sorted[i]] / n
				}
			}' "$D/replay.values" "$D/nm.map" "$D/perf.samples"
		cat "$D/perf.values" >>"$D/values"
	fi
fi
if [ -n "$VALUES" ]; then
	cp "$D/values" "$VALUES" || die "cannot write $VALUES"
fi
exit 0
