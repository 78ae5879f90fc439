/*
 * test_contact_csv.c: CSV quoting, the exact row of a contact and the row
 * order, byte for byte. CSV format only: no registry, no replay.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contact_csv.h"
#include "tap.h"

static struct ultrace_str str(const char *s)
{
	struct ultrace_str r = { s, s != NULL ? strlen(s) : 0 };

	return r;
}

static struct ultrace_str slice(const char *s, size_t len)
{
	struct ultrace_str r = { s, len };

	return r;
}

/* What ultrace_csv_write_str prints, as a malloc'd string. */
static char *render_str(struct ultrace_str s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (out == NULL) {
		bail_out("open_memstream failed");
	}
	ultrace_csv_write_str(out, s);
	fclose(out);
	return buf;
}

static char *render_contact(const struct ultrace_contact *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (out == NULL) {
		bail_out("open_memstream failed");
	}
	ultrace_csv_write_contact(out, c);
	fclose(out);
	return buf;
}

/* is_str on the rendering of `s`, freeing it. */
#define is_field(s, expected, ...) do { \
		char *got_ = render_str(s); \
		is_str(got_, expected, __VA_ARGS__); \
		free(got_); \
	} while (0)

static void test_fields(void)
{
	/* A slice whose bytes after `len` would need quoting. */
	static const char tail[] = "abc,\"def\"\n";

	is_field(str("sip:alice@192.0.2.1:5060;transport=tcp"),
		"sip:alice@192.0.2.1:5060;transport=tcp",
		"a plain field is written as is");
	is_field(str(" spaced out "), " spaced out ",
		"spaces alone do not quote");
	is_field(str("<sip:a;lr>,<sip:b;lr>"), "\"<sip:a;lr>,<sip:b;lr>\"",
		"a comma quotes the field");
	is_field(str("say \"hi\""), "\"say \"\"hi\"\"\"",
		"a quote quotes the field and is doubled");
	is_field(str("\""), "\"\"\"\"", "a lone quote becomes four quotes");
	is_field(str("a\rb"), "\"a\rb\"", "a CR quotes the field");
	is_field(str("a\nb"), "\"a\nb\"", "an LF quotes the field");
	is_field(str("Alice \"A\", \r\n2"), "\"Alice \"\"A\"\", \r\n2\"",
		"comma, quotes and CRLF together");
	is_field(str("caf\xc3\xa9;\x7f"), "caf\xc3\xa9;\x7f",
		"bytes >= 0x80 and DEL are written unquoted, unchanged");
	is_field(str(""), "", "an empty slice writes nothing");
	is_field(slice(NULL, 0), "", "a NULL slice writes nothing");
	is_field(slice(NULL, 5), "",
		"a NULL slice with a length writes nothing (NULL means empty)");
	is_field(slice(tail, 3), "abc",
		"only `len` bytes are written and looked at for quoting");
	is_field(slice(tail, 9), "\"abc,\"\"def\"\"\"",
		"an unterminated slice is quoted within its length");
}

static void test_rows(void)
{
	struct ultrace_contact c;
	char *row;
	size_t commas = 0;
	const char *p;

	for (p = ULTRACE_CSV_HEADER; *p != '\0'; p++) {
		commas += *p == ',';
	}
	is_int(commas + 1, 19, "the header has 19 columns");
	is_str(ULTRACE_CSV_HEADER,
		"domain,aor,contact,display_name,received,path,user_agent,"
		"callid,cseq,q,expires,last_modified,flags,cflags,methods,"
		"ruid,instance,reg_id,socket", "the header names the columns");

	memset(&c, 0, sizeof(c));
	c.domain = str("location");
	c.aor = str("alice@example.com");
	c.contact = str("sip:alice@192.0.2.1:5060;transport=tcp");
	c.display_name = str("Smith, \"Al\"");
	c.received = str("");
	c.path = slice(NULL, 0);
	c.user_agent = str("UA\r\n2");
	c.callid = str("a84b4c76e66710@pc33");
	c.cseq = -1;
	c.q = ULTRACE_Q_UNSET;
	c.expires = 1763893600;
	c.last_modified = 1763890000;
	c.flags = UINT32_MAX;
	c.cflags = 0;
	c.methods = 8191;
	c.ruid = str("uloc-5f2a-1");
	c.instance = str("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>");
	c.reg_id = 1;
	c.socket = str("udp:192.0.2.10:5060");
	row = render_contact(&c);
	is_str(row,
		"location,alice@example.com,"
		"sip:alice@192.0.2.1:5060;transport=tcp,"
		"\"Smith, \"\"Al\"\"\",,,\"UA\r\n2\",a84b4c76e66710@pc33,"
		"-1,-1,1763893600,1763890000,4294967295,0,8191,"
		"uloc-5f2a-1,<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>,"
		"1,udp:192.0.2.10:5060",
		"a full row: 19 columns in header order, q=-1, negative cseq, "
		"uint32 max flags, quoted and empty fields");
	free(row);

	memset(&c, 0, sizeof(c));
	row = render_contact(&c);
	is_str(row, ",,,,,,,,0,0,0,0,0,0,0,,,0,",
		"an all-zero contact: 19 columns, strings empty, numbers 0");
	free(row);

	memset(&c, 0, sizeof(c));
	c.domain = str("d");
	c.aor = str("a");
	c.contact = str("c");
	c.cseq = INT32_MIN;
	c.q = 1000;
	c.expires = INT64_MAX;
	c.last_modified = INT64_MIN;
	c.flags = 0;
	c.cflags = UINT32_MAX;
	c.methods = UINT32_MAX;
	c.reg_id = UINT32_MAX;
	row = render_contact(&c);
	is_str(row, "d,a,c,,,,,,-2147483648,1000,9223372036854775807,"
		"-9223372036854775808,0,4294967295,4294967295,,,4294967295,",
		"integer extremes are printed in full, signed where signed");
	free(row);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static struct ultrace_contact key(const char *domain, const char *aor,
		const char *uri)
{
	struct ultrace_contact c;

	memset(&c, 0, sizeof(c));
	c.domain = str(domain);
	c.aor = str(aor);
	c.contact = str(uri);
	return c;
}

/* cmp(a, b) has sign `want`, and cmp(b, a) the opposite. */
#define is_order(a, b, want, ...) do { \
		struct ultrace_contact a_ = (a); \
		struct ultrace_contact b_ = (b); \
		int ab_ = sign(ultrace_contact_key_cmp(&a_, &b_)); \
		int ba_ = sign(ultrace_contact_key_cmp(&b_, &a_)); \
		ok(ab_ == (want) && ba_ == -(want), __VA_ARGS__); \
		if (ab_ != (want) || ba_ != -(want)) { \
			diag("sign(cmp(a, b)) = %d, sign(cmp(b, a)) = %d, " \
				"expected %d", ab_, ba_, (want)); \
		} \
	} while (0)

static int qsort_cmp(const void *a, const void *b)
{
	return ultrace_contact_key_cmp(a, b);
}

/*
 * sign(cmp(a, b)) computed in a child process, so that a crash is one
 * failed test and not the end of the program. 2 means the child died.
 */
static int sign_in_child(const struct ultrace_contact *a,
		const struct ultrace_contact *b, int *signo)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		bail_out("fork failed");
	}
	if (pid == 0) {
		_exit(1 + sign(ultrace_contact_key_cmp(a, b)));
	}
	if (waitpid(pid, &status, 0) != pid) {
		bail_out("waitpid failed");
	}
	*signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (!WIFEXITED(status)) {
		return 2;
	}
	return WEXITSTATUS(status) - 1;
}

/* ultrace.h: "A NULL `s` or a zero `len` records an empty string." */
static void test_null_slices(void)
{
	struct ultrace_contact a = key("location", "alice", "sip:a");
	struct ultrace_contact b = key("location", "alice", "sip:a");
	int signo = 0;
	int got;

	a.aor.s = NULL;
	b.aor = str("");
	got = sign_in_child(&a, &b, &signo);
	is_int(got, 0, "an AOR {NULL, 5} equals an empty AOR");
	if (signo != 0) {
		diag("the comparison died of signal %d", signo);
	}
	b.aor = str("alice");
	got = sign_in_child(&a, &b, &signo);
	is_int(got, -1, "an AOR {NULL, 5} sorts before \"alice\"");
	if (signo != 0) {
		diag("the comparison died of signal %d", signo);
	}
}

static void test_order(void)
{
	struct ultrace_contact a;
	struct ultrace_contact b;
	struct ultrace_contact list[8];
	char joined[256];
	size_t n = 0;
	int i;

	is_order(key("a", "z", "z"), key("b", "a", "a"), -1,
		"domain is compared first");
	is_order(key("d", "a", "z"), key("d", "b", "a"), -1,
		"then the AOR");
	is_order(key("d", "a", "sip:1"), key("d", "a", "sip:2"), -1,
		"then the contact URI");
	is_order(key("d", "abc", "c"), key("d", "abcd", "c"), -1,
		"on a common prefix the shorter sorts first");
	is_order(key("d", "", "c"), key("d", "a", "c"), -1,
		"an empty AOR sorts before any other");
	is_order(key("d", "a", "z"), key("d", "a", "\xc3\xa9"), -1,
		"bytes >= 0x80 sort after ASCII (compared unsigned)");
	is_order(key("d", "a\x7f", "c"), key("d", "a\x80", "c"), -1,
		"0x7f sorts before 0x80");
	is_order(key("D", "a", "c"), key("d", "a", "c"), -1,
		"comparison is bytewise: upper case first, no folding");

	a = key("location", "alice", "sip:a");
	b = key("location", "alice", "sip:a");
	a.cseq = 1;
	b.cseq = 2;
	a.user_agent = str("x");
	is_int(ultrace_contact_key_cmp(&a, &b), 0,
		"equal keys compare 0 whatever the other fields");
	a = key("location", "alice", "sip:aX");
	a.contact.len = 5;
	b = key("location", "aliceY", "sip:aZ");
	b.aor.len = 5;
	b.contact.len = 5;
	is_int(ultrace_contact_key_cmp(&a, &b), 0,
		"only `len` bytes of each slice count");
	a = key(NULL, "alice", "sip:a");
	b = key("", "alice", "sip:a");
	is_int(ultrace_contact_key_cmp(&a, &b), 0,
		"a NULL domain equals an empty one");

	list[n++] = key("location", "bob", "sip:b");
	list[n++] = key("location", "alice", "sip:\xc3\xa9");
	list[n++] = key("location", "alice", "sip:b");
	list[n++] = key("aliases", "zed", "sip:z");
	list[n++] = key("location", "alice", "sip:");
	list[n++] = key("location", "Alice", "sip:a");
	list[n++] = key("location", "alice", "sip:bb");
	list[n++] = key("location", "alice", "sip:B");
	qsort(list, n, sizeof(list[0]), qsort_cmp);
	joined[0] = '\0';
	for (i = 0; i < (int) n; i++) {
		char row[64];

		snprintf(row, sizeof(row), "%s%s/%s/%s", i > 0 ? " " : "",
			list[i].domain.s, list[i].aor.s, list[i].contact.s);
		strncat(joined, row, sizeof(joined) - strlen(joined) - 1);
	}
	is_str(joined, "aliases/zed/sip:z location/Alice/sip:a "
		"location/alice/sip: location/alice/sip:B "
		"location/alice/sip:b location/alice/sip:bb "
		"location/alice/sip:\xc3\xa9 location/bob/sip:b",
		"qsort with the key order gives the listing order");
}

int main(void)
{
	plan(14 + 5 + 12 + 2);
	test_fields();
	test_rows();
	test_order();
	test_null_slices();
	return exit_status();
}
