#!/bin/sh
# packages.sh: the Debian packages build from the distributed source
# (`make distdir`, debian/ included) with dpkg-buildpackage, lintian finds
# no error in them, and the programs run from a scratch root they are
# unpacked into (dpkg -x): --help, a trace recorded with the installed
# ultrace-loadgen and provider replayed by the installed ultrace-replay
# and babeltrace2 plugin, a program built against libultrace-dev.
# With the Kamailio source configured (as tools/check does), the
# kamailio-ultrace-modules package too (build profile pkg.ultrace.kamailio).
. "$ULTRACE_SRCDIR/tests/utils/tap.sh"
. "$ULTRACE_SRCDIR/tests/utils/lttng_env.sh"
ultrace_isolate "$@"

plan 17

for tool in dpkg-buildpackage dh lintian fakeroot dpkg-deb; do
	command -v "$tool" >/dev/null ||
		bail_out "$tool not found: tools/setup-deps installs dpkg-dev, debhelper, lintian, fakeroot"
done
VERSION=$(sed -n '1s/^ultrace (\([^)]*\)).*/\1/p' "$ULTRACE_SRCDIR/debian/changelog")
ARCH=$(dpkg --print-architecture)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
SRC="$WORK/ultrace-$VERSION"

# The source as distributed: what `make dist` would pack, debian/ too.
env -u MAKEFLAGS -u MFLAGS make -s -C "$ULTRACE_BUILDDIR" distdir \
	distdir="$SRC" top_distdir="$SRC" >"$WORK/distdir.log" 2>&1
ok $? "make distdir copies the source with debian/" ||
	tail -n 20 "$WORK/distdir.log" | sed 's/^/# /'

# The Kamailio module builds inside the Kamailio source: a tree of links to
# the configured one, with a module directory of its own.
PROFILE=
PACKAGES="ultrace libultrace0 libultrace-dev"
if [ -n "${ULTRACE_KAMAILIO_SOURCE:-}" ]; then
	# Kamailio's make may rewrite its src/config.mak: a real copy of it.
	cp -as "$ULTRACE_KAMAILIO_SOURCE" "$WORK/kamailio" &&
		rm -rf "$WORK/kamailio/src/modules/ultrace" &&
		{ [ ! -f "$ULTRACE_KAMAILIO_SOURCE/src/config.mak" ] ||
		cp --remove-destination "$ULTRACE_KAMAILIO_SOURCE/src/config.mak" \
			"$WORK/kamailio/src/config.mak"; } ||
		bail_out "cannot copy $ULTRACE_KAMAILIO_SOURCE"
	PROFILE="-Ppkg.ultrace.kamailio"
	PACKAGES="$PACKAGES kamailio-ultrace-modules"
fi

# nocheck: the unit tests run in this same `make check`.
(cd "$SRC" && env -u MAKEFLAGS -u MFLAGS -u CFLAGS -u LDFLAGS \
	DEB_BUILD_OPTIONS="nocheck parallel=2" \
	ULTRACE_KAMAILIO_SOURCE="$WORK/kamailio" \
	nice dpkg-buildpackage -us -uc -b $PROFILE) >"$WORK/build.log" 2>&1
ok $? "dpkg-buildpackage -us -uc -b $PROFILE" || {
	tail -n 40 "$WORK/build.log" | sed 's/^/# /'
	bail_out "the packages did not build"
}

missing=
for pkg in $PACKAGES; do
	[ -f "$WORK/${pkg}_${VERSION}_$ARCH.deb" ] || missing="$missing $pkg"
done
is "$missing" "" "packages built: $PACKAGES"

# contains PACKAGE PATH...: each PATH is in PACKAGE's data.
contains() {
	_pkg=$1
	shift
	dpkg-deb -c "$WORK/${_pkg}_${VERSION}_$ARCH.deb" 2>/dev/null |
		awk '{print $6}' | sed 's|^\./|/|' >"$WORK/$_pkg.list"
	_absent=
	for _p in "$@"; do
		grep -qx "$_p" "$WORK/$_pkg.list" || _absent="$_absent $_p"
	done
	is "$_absent" "" "$_pkg holds $*"
}
L=/usr/lib/$MULTIARCH
contains ultrace /usr/bin/ultrace-replay /usr/bin/ultrace-loadgen \
	/usr/sbin/ultrace-consumerd /usr/share/man/man1/ultrace-replay.1.gz \
	/usr/share/man/man1/ultrace-loadgen.1.gz \
	/usr/share/man/man8/ultrace-consumerd.8.gz \
	/usr/share/man/man7/babeltrace2-sink.ultrace.table.7.gz \
	$L/babeltrace2/plugins/babeltrace-plugin-ultrace.so \
	/etc/snmp/snmpd.conf.d/ultrace.conf \
	/usr/share/doc/ultrace/examples/consumerd.conf
contains libultrace0 $L/libultrace.so.0 $L/ultrace/libultrace-provider.so
contains libultrace-dev /usr/include/ultrace.h $L/libultrace.so \
	$L/pkgconfig/ultrace.pc
# The unit make install puts in, if any, is in the package and enabled
# by nobody but the operator.
unit=$(cd "$SRC/debian/tmp" 2>/dev/null &&
	find lib/systemd/system usr/lib/systemd/system -name '*.service' 2>/dev/null)
if [ -n "$unit" ]; then
	_u=/$(echo "$unit" | head -n 1)
	grep -qx "$_u" "$WORK/ultrace.list"
	ok $? "ultrace holds the systemd unit make install installs ($_u)"
else
	ok 0 "make install installs no systemd unit: none to package"
fi

lintian --fail-on error "$WORK/ultrace_${VERSION}_$ARCH.changes" >"$WORK/lintian.log" 2>&1
ok $? "lintian: no error in the .changes and its packages" ||
	grep '^E:' "$WORK/lintian.log" | sed 's/^/# /'
grep -E '^[WE]:' "$WORK/lintian.log" | sed 's/^/# lintian: /'

ROOT="$WORK/root"
for pkg in $PACKAGES; do
	dpkg -x "$WORK/${pkg}_${VERSION}_$ARCH.deb" "$ROOT" || break
done
ok $? "dpkg -x unpacks every package into a scratch root"

LD_LIBRARY_PATH="$ROOT$L"
export LD_LIBRARY_PATH
"$ROOT/usr/bin/ultrace-replay" --help >"$WORK/replay-help" 2>&1 &&
	grep -q 'ultrace-replay' "$WORK/replay-help"
ok $? "the installed ultrace-replay --help" || sed 's/^/# /' "$WORK/replay-help"
"$ROOT/usr/sbin/ultrace-consumerd" --help >"$WORK/consumerd-help" 2>&1 &&
	grep -q 'ultrace-consumerd' "$WORK/consumerd-help"
ok $? "the installed ultrace-consumerd --help" ||
	sed 's/^/# /' "$WORK/consumerd-help"
ldd "$ROOT/usr/bin/ultrace-loadgen" | grep -q "=> $ROOT$L/libultrace.so.0"
ok $? "the installed ultrace-loadgen links the installed libultrace.so.0" ||
	ldd "$ROOT/usr/bin/ultrace-loadgen" | sed 's/^/# /'

# A trace recorded with the installed loadgen and provider (the installed
# default path is /usr/lib/..., not the scratch root: ULTRACE_PROVIDER).
ULTRACE_PROVIDER="$ROOT$L/ultrace/libultrace-provider.so"
start_sessiond
create_session pkg "$WORK/trace" || bail_out "cannot create the session"
"$ROOT/usr/bin/ultrace-loadgen" --threads 1 --users 200 --events 5000 \
	--rate 20000 --seed 7 --truth "$WORK/truth.csv" 2>"$WORK/loadgen.log"
status=$?
stop_session pkg
test $status -eq 0 && test "$(wc -l <"$WORK/truth.csv")" -gt 1
ok $? "the installed ultrace-loadgen records a trace through the installed provider" ||
	sed 's/^/# /' "$WORK/loadgen.log"
"$ROOT/usr/bin/ultrace-replay" --format csv "$WORK/trace" >"$WORK/replay.csv" 2>"$WORK/replay.err" &&
	cmp -s "$WORK/truth.csv" "$WORK/replay.csv"
ok $? "the installed ultrace-replay rebuilds loadgen's state from it" ||
	sed 's/^/# /' "$WORK/replay.err"
babeltrace2 --plugin-path="$ROOT$L/babeltrace2/plugins" "$WORK/trace" \
	-c sink.ultrace.table -p 'format="csv"' >"$WORK/plugin.csv" 2>"$WORK/plugin.err" &&
	cmp -s "$WORK/truth.csv" "$WORK/plugin.csv"
ok $? "the installed babeltrace2 plugin (sink.ultrace.table) gives the same state" ||
	sed 's/^/# /' "$WORK/plugin.err"

# A producer built against libultrace-dev alone, with its pkg-config file.
cat >"$WORK/producer.c" <<'EOF'
#include <stdio.h>
#include <ultrace.h>
int main(void)
{
	char err[256];

	if (ultrace_provider_load(0, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return 0;
}
EOF
PKG_CONFIG_SYSROOT_DIR=$ROOT PKG_CONFIG_LIBDIR="$ROOT$L/pkgconfig" \
	pkg-config --cflags --libs ultrace >"$WORK/pc" 2>&1 &&
	cc -o "$WORK/producer" "$WORK/producer.c" $(cat "$WORK/pc") 2>"$WORK/cc.err" &&
	"$WORK/producer"
ok $? "a producer compiled with pkg-config ultrace against libultrace-dev loads the provider" ||
	cat "$WORK/pc" "$WORK/cc.err" | sed 's/^/# /'

if [ -n "$PROFILE" ]; then
	mod=$ROOT$L/kamailio/modules/ultrace.so
	cat >"$WORK/kamailio.cfg" <<EOF
loadmodule "usrloc.so"
loadmodule "$mod"
modparam("ultrace", "libultrace_path", "$ROOT$L/libultrace.so.0")
request_route { drop; }
EOF
	kamailio -c -f "$WORK/kamailio.cfg" -L /usr/lib/$MULTIARCH/kamailio/modules \
		>"$WORK/kamailio.log" 2>&1
	ok $? "kamailio -c loads the packaged module ultrace.so" ||
		tail -n 20 "$WORK/kamailio.log" | sed 's/^/# /'
else
	skip "kamailio-ultrace-modules: this build has no Kamailio source (configure --with-kamailio-source)"
fi
