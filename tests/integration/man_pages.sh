#!/bin/sh
# man_pages.sh: every installed program has its man page, and every long
# option its --help lists is described there (doc/ must stay true), and
# --help/--version exit 0 while an unknown option exits 2.
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
: "${ULTRACE_BUILDDIR:?run through make check (ULTRACE_BUILDDIR unset)}"

PROGRAMS="consumer/ultrace-replay:1 consumer/ultrace-consumerd:8 tools/loadgen/ultrace-loadgen:1"
plan 15

for entry in $PROGRAMS; do
	prog=$ULTRACE_BUILDDIR/${entry%:*}
	name=$(basename "${entry%:*}")
	page=$ULTRACE_SRCDIR/doc/$name.${entry#*:}
	[ -f "$page" ]
	ok $? "$name: man page doc/$name.${entry#*:} exists"
	help=$("$prog" --help 2>&1)
	ok $? "$name: --help exits 0"
	# The page's text with roff's escaped hyphens and fonts undone.
	text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$page" 2>/dev/null)
	missing=
	for opt in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z0-9-]*' |
			sort -u); do
		printf '%s\n' "$text" | grep -q -- "$opt" ||
			missing="$missing $opt"
	done
	is "${missing:-none}" none "$name: every option of --help is in the man page"
	"$prog" --version >/dev/null 2>&1
	ok $? "$name: --version exits 0"
	"$prog" --no-such-option >/dev/null 2>&1
	is $? 2 "$name: an unknown option is a usage error (2)"
done
