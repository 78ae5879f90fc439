# tap.sh: TAP output for integration test scripts (sourced, POSIX sh).
# Knows nothing of ultrace: plan, ok, is, diag, skip, bail_out.

_tap_n=0
_tap_failed=0

plan() {
	echo "1..$1"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# ok STATUS DESCRIPTION: STATUS is an exit code (0 passes).
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
	return "$1"
}

# is GOT EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:      '$1'" "expected: '$2'"
		return 1
	fi
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $1"
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}
