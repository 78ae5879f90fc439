/*
 * fuzz_check.c: the invariants every fuzz harness checks on the registry it
 * fed, and the listings and SNMP values it must be able to produce from
 * it. Reads the registry only; no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz_check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "agent.h"
#include "admin_string.h"
#include "contact_csv.h"
#include "registry_print.h"
#include "snmp_values.h"

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz check failed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Length of the well-formed UTF-8 sequence at s[0], or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80;
	unsigned char hi = 0xbf;
	size_t need;
	size_t k;

	if (s[0] < 0x80) {
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 1;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		if (s[0] == 0xe0) {
			lo = 0xa0;          /* no overlong form */
		} else if (s[0] == 0xed) {
			hi = 0x9f;          /* no UTF-16 surrogate */
		}
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		if (s[0] == 0xf0) {
			lo = 0x90;
		} else if (s[0] == 0xf4) {
			hi = 0x8f;          /* nothing above U+10FFFF */
		}
	} else {
		return 0;
	}
	if (len < need + 1 || s[1] < lo || s[1] > hi) {
		return 0;
	}
	for (k = 2; k <= need; k++) {
		if ((s[k] & 0xc0) != 0x80) {
			return 0;
		}
	}
	return need + 1;
}

int fuzz_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq(u + i, len - i);

		if (n == 0) {
			return 0;
		}
		i += n;
	}
	return 1;
}

/* A small recursive-descent JSON reader that only says yes or no. */
struct json_in {
	const unsigned char *p;
	const unsigned char *end;
	int depth;
};

static void json_ws(struct json_in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\n' ||
			*in->p == '\r' || *in->p == '\t')) {
		in->p++;
	}
}

static int json_lit(struct json_in *in, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t) (in->end - in->p) < n || memcmp(in->p, lit, n) != 0) {
		return 0;
	}
	in->p += n;
	return 1;
}

static int json_string(struct json_in *in)
{
	if (in->p >= in->end || *in->p != '"') {
		return 0;
	}
	in->p++;
	while (in->p < in->end && *in->p != '"') {
		size_t n;

		if (*in->p < 0x20) {
			return 0;
		}
		if (*in->p == '\\') {
			in->p++;
			if (in->p >= in->end) {
				return 0;
			}
			if (*in->p == 'u') {
				int k;

				for (k = 1; k <= 4; k++) {
					if (in->p + k >= in->end ||
							!strchr("0123456789abcdefABCDEF",
								in->p[k]) ||
							in->p[k] == '\0') {
						return 0;
					}
				}
				in->p += 5;
			} else if (strchr("\"\\/bfnrt", *in->p) != NULL &&
					*in->p != '\0') {
				in->p++;
			} else {
				return 0;
			}
			continue;
		}
		n = utf8_seq(in->p, (size_t) (in->end - in->p));
		if (n == 0) {
			return 0;
		}
		in->p += n;
	}
	if (in->p >= in->end) {
		return 0;
	}
	in->p++;
	return 1;
}

static int json_number(struct json_in *in)
{
	const unsigned char *start = in->p;

	if (in->p < in->end && *in->p == '-') {
		in->p++;
	}
	if (in->p >= in->end || *in->p < '0' || *in->p > '9') {
		return 0;
	}
	if (*in->p == '0') {
		in->p++;
	} else {
		while (in->p < in->end && *in->p >= '0' && *in->p <= '9') {
			in->p++;
		}
	}
	/* ultrace prints integers only. */
	return in->p > start;
}

static int json_value(struct json_in *in);

static int json_members(struct json_in *in, int object)
{
	char close = object ? '}' : ']';

	in->p++;
	json_ws(in);
	if (in->p < in->end && *in->p == close) {
		in->p++;
		return 1;
	}
	for (;;) {
		if (object) {
			if (!json_string(in)) {
				return 0;
			}
			json_ws(in);
			if (in->p >= in->end || *in->p != ':') {
				return 0;
			}
			in->p++;
		}
		if (!json_value(in)) {
			return 0;
		}
		json_ws(in);
		if (in->p < in->end && *in->p == ',') {
			in->p++;
			json_ws(in);
			continue;
		}
		if (in->p < in->end && *in->p == close) {
			in->p++;
			return 1;
		}
		return 0;
	}
}

static int json_value(struct json_in *in)
{
	int ok;

	json_ws(in);
	if (in->p >= in->end || ++in->depth > 64) {
		return 0;
	}
	switch (*in->p) {
	case '{':
		ok = json_members(in, 1);
		break;
	case '[':
		ok = json_members(in, 0);
		break;
	case '"':
		ok = json_string(in);
		break;
	case 't':
		ok = json_lit(in, "true");
		break;
	case 'f':
		ok = json_lit(in, "false");
		break;
	case 'n':
		ok = json_lit(in, "null");
		break;
	default:
		ok = json_number(in);
		break;
	}
	in->depth--;
	return ok;
}

int fuzz_json_valid(const char *s, size_t len, size_t *bad_at)
{
	struct json_in in = {
		(const unsigned char *) s, (const unsigned char *) s + len, 0,
	};
	int ok = json_value(&in);

	if (ok) {
		json_ws(&in);
		ok = in.p == in.end;
	}
	*bad_at = (size_t) (in.p - (const unsigned char *) s);
	return ok;
}

/*
 * Serve `s` as an SnmpAdminString through the agent's own function and
 * check the cut: at most 255 octets, a prefix, the whole value when it
 * fits, never a UTF-8 character split when the value is UTF-8, and
 * counted. Returns 1 if the value was cut.
 */
static int check_admin_string(struct ultrace_str s, const char *what)
{
	netsnmp_variable_list var;
	uint64_t before = ultrace_snmp_truncated_values();
	size_t len = s.s != NULL ? s.len : 0;
	int cut;

	memset(&var, 0, sizeof(var));
	ultrace_snmp_serve_admin_string(&var, s.s != NULL ? s.s : "", len);
	FUZZ_CHECK(var.type == ASN_OCTET_STR, "%s: type %d", what, var.type);
	FUZZ_CHECK(var.val_len <= ULTRACE_SNMP_ADMIN_STRING_MAX,
		"%s: %zu octets served", what, var.val_len);
	FUZZ_CHECK(var.val_len <= len, "%s: served %zu of %zu octets", what,
		var.val_len, len);
	FUZZ_CHECK(var.val_len == 0 || memcmp(var.val.string, s.s,
			var.val_len) == 0, "%s: served value is no prefix",
		what);
	FUZZ_CHECK(len <= ULTRACE_SNMP_ADMIN_STRING_MAX ?
			var.val_len == len :
			var.val_len + 3 >= ULTRACE_SNMP_ADMIN_STRING_MAX,
		"%s: %zu octets cut to %zu", what, len, var.val_len);
	FUZZ_CHECK(!fuzz_utf8_valid(s.s, len) ||
			fuzz_utf8_valid((const char *) var.val.string,
				var.val_len),
		"%s: the cut split a UTF-8 character", what);
	cut = var.val_len < len;
	FUZZ_CHECK(ultrace_snmp_truncated_values() - before ==
			(uint64_t) cut, "%s: cut not counted once", what);
	snmp_free_var_internals(&var);
	return cut;
}

/* The contact columns as contact_table.c serves them. */
static uint64_t check_contact_snmp(const struct ultrace_contact *c)
{
	uint8_t octets[ULTRACE_SNMP_DATE_AND_TIME_LEN];
	char pref[ULTRACE_SNMP_PREFERENCE_SIZE];
	int64_t times[2] = { c->expires, c->last_modified };
	int64_t back;
	size_t len;
	int i;
	uint64_t cuts = 0;

	cuts += (uint64_t) check_admin_string(c->display_name,
		"display_name");
	cuts += (uint64_t) check_admin_string(c->contact, "contact");
	for (i = 0; i < 2; i++) {
		int64_t want = times[i] < 0 ? 0 : times[i];

		len = ultrace_snmp_date_and_time(times[i], octets);
		FUZZ_CHECK(len == ULTRACE_SNMP_DATE_AND_TIME_LEN,
			"DateAndTime of %" PRId64 ": %zu octets", times[i],
			len);
		FUZZ_CHECK(ultrace_snmp_date_and_time_decode(octets, len,
				&back) == 0, "DateAndTime of %" PRId64
			" does not decode", times[i]);
		/* Up to year 65535 exactly; past it, clamped. */
		FUZZ_CHECK(back == want || (want > back &&
				octets[0] == 0xff && octets[1] == 0xff),
			"DateAndTime of %" PRId64 " decodes to %" PRId64,
			times[i], back);
	}
	len = ultrace_snmp_q_to_decimal(c->q, pref, sizeof(pref));
	FUZZ_CHECK(len < sizeof(pref) && strlen(pref) == len,
		"q %" PRId32 ": length %zu", c->q, len);
	FUZZ_CHECK(c->q >= 0 || len == 0, "q %" PRId32 " gives `%s`", c->q,
		pref);
	return cuts;
}

/* A field of a CSV row, RFC 4180, into `buf` (grown as needed). */
struct csv_in {
	const char *p;
	const char *end;
	char *buf;
	size_t len;
	size_t alloc;
};

static void csv_put(struct csv_in *in, char ch)
{
	if (in->len == in->alloc) {
		in->alloc = in->alloc ? in->alloc * 2 : 256;
		in->buf = realloc(in->buf, in->alloc);
		FUZZ_CHECK(in->buf != NULL, "out of memory");
	}
	in->buf[in->len++] = ch;
}

/* Reads one field; returns the character that ended it (',' or '\n'). */
static char csv_field(struct csv_in *in)
{
	in->len = 0;
	if (in->p < in->end && *in->p == '"') {
		in->p++;
		for (;;) {
			FUZZ_CHECK(in->p < in->end, "CSV: open quote");
			if (*in->p == '"') {
				if (in->p + 1 < in->end && in->p[1] == '"') {
					csv_put(in, '"');
					in->p += 2;
					continue;
				}
				in->p++;
				break;
			}
			csv_put(in, *in->p++);
		}
	} else {
		while (in->p < in->end && *in->p != ',' && *in->p != '\n') {
			FUZZ_CHECK(*in->p != '"' && *in->p != '\r',
				"CSV: unquoted field holds a quote or CR");
			csv_put(in, *in->p++);
		}
	}
	FUZZ_CHECK(in->p < in->end && (*in->p == ',' || *in->p == '\n'),
		"CSV: field not followed by , or LF");
	return *in->p++;
}

static void csv_expect_str(struct csv_in *in, struct ultrace_str s,
		char end, const char *what)
{
	size_t len = s.s != NULL ? s.len : 0;

	FUZZ_CHECK(csv_field(in) == end, "CSV %s: wrong separator", what);
	FUZZ_CHECK(in->len == len && (len == 0 ||
			memcmp(in->buf, s.s, len) == 0),
		"CSV %s: value does not read back (%zu vs %zu octets)", what,
		in->len, len);
}

static void csv_expect_num(struct csv_in *in, const char *text, char end,
		const char *what)
{
	FUZZ_CHECK(csv_field(in) == end, "CSV %s: wrong separator", what);
	FUZZ_CHECK(in->len == strlen(text) &&
			memcmp(in->buf, text, in->len) == 0,
		"CSV %s: `%.*s`, want `%s`", what, (int) in->len, in->buf,
		text);
}

/* `--format csv --indexes` lists every contact, in walk order, exactly. */
static void check_contacts_csv(const struct ultrace_registry *registry,
		const char *text, size_t size)
{
	struct csv_in in = { text, text + size, NULL, 0, 0 };
	const char *header = "user_index,contact_index," ULTRACE_CSV_HEADER
		"\n";
	const struct ultrace_registry_contact *rc;
	char num[32];

	FUZZ_CHECK(size >= strlen(header) &&
			memcmp(text, header, strlen(header)) == 0,
		"CSV: no header");
	in.p += strlen(header);
	for (rc = ultrace_registry_borrow_contact_ge(registry, 0, 0);
			rc != NULL; ) {
		const struct ultrace_contact *c =
			ultrace_registry_contact_values(rc);
		const struct ultrace_registry_user *u =
			ultrace_registry_contact_borrow_user(rc);
		uint32_t ui = ultrace_registry_user_get_index(u);
		uint32_t ci = ultrace_registry_contact_get_index(rc);

		snprintf(num, sizeof(num), "%" PRIu32, ui);
		csv_expect_num(&in, num, ',', "user_index");
		snprintf(num, sizeof(num), "%" PRIu32, ci);
		csv_expect_num(&in, num, ',', "contact_index");
		csv_expect_str(&in, c->domain, ',', "domain");
		csv_expect_str(&in, c->aor, ',', "aor");
		csv_expect_str(&in, c->contact, ',', "contact");
		csv_expect_str(&in, c->display_name, ',', "display_name");
		csv_expect_str(&in, c->received, ',', "received");
		csv_expect_str(&in, c->path, ',', "path");
		csv_expect_str(&in, c->user_agent, ',', "user_agent");
		csv_expect_str(&in, c->callid, ',', "callid");
		snprintf(num, sizeof(num), "%" PRId32, c->cseq);
		csv_expect_num(&in, num, ',', "cseq");
		snprintf(num, sizeof(num), "%" PRId32, c->q);
		csv_expect_num(&in, num, ',', "q");
		snprintf(num, sizeof(num), "%" PRId64, c->expires);
		csv_expect_num(&in, num, ',', "expires");
		snprintf(num, sizeof(num), "%" PRId64, c->last_modified);
		csv_expect_num(&in, num, ',', "last_modified");
		snprintf(num, sizeof(num), "%" PRIu32, c->flags);
		csv_expect_num(&in, num, ',', "flags");
		snprintf(num, sizeof(num), "%" PRIu32, c->cflags);
		csv_expect_num(&in, num, ',', "cflags");
		snprintf(num, sizeof(num), "%" PRIu32, c->methods);
		csv_expect_num(&in, num, ',', "methods");
		csv_expect_str(&in, c->ruid, ',', "ruid");
		csv_expect_str(&in, c->instance, ',', "instance");
		snprintf(num, sizeof(num), "%" PRIu32, c->reg_id);
		csv_expect_num(&in, num, ',', "reg_id");
		csv_expect_str(&in, c->socket, '\n', "socket");
		rc = ultrace_registry_borrow_contact_ge(registry, ui, ci + 1);
		if (rc == NULL && ui < UINT32_MAX) {
			rc = ultrace_registry_borrow_contact_ge(registry,
				ui + 1, 0);
		}
	}
	FUZZ_CHECK(in.p == in.end, "CSV: %zu octets after the last row",
		(size_t) (in.end - in.p));
	free(in.buf);
}

enum listing {
	LIST_CONTACTS,
	LIST_USERS,
	LIST_STATS,
};

/* Print one listing into memory and check what can be checked of it. */
static void check_listing(const struct ultrace_registry *registry,
		const struct ultrace_loss_log *losses, enum listing what,
		enum ultrace_print_format format, int indexes)
{
	struct ultrace_print_options options = { format, indexes };
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int ret;

	FUZZ_CHECK(out != NULL, "open_memstream failed");
	switch (what) {
	case LIST_CONTACTS:
		ret = ultrace_registry_print_contacts(out, registry, &options);
		break;
	case LIST_USERS:
		ret = ultrace_registry_print_users(out, registry, &options);
		break;
	default:
		ret = ultrace_registry_print_stats(out, registry, losses,
			&options);
		break;
	}
	FUZZ_CHECK(ret == 0, "listing %d format %d failed", (int) what,
		(int) format);
	FUZZ_CHECK(fclose(out) == 0, "closing the listing failed");
	if (format == ULTRACE_PRINT_JSON) {
		size_t at;
		size_t from;

		if (!fuzz_json_valid(text, size, &at)) {
			from = at > 40 ? at - 40 : 0;
			fprintf(stderr, "JSON listing %d, octets %zu..%zu:\n",
				(int) what, from, at + 8);
			fwrite(text + from, 1, (at + 8 < size ? at + 8 : size) -
				from, stderr);
			fuzz_fail("listing %d: not valid JSON at octet %zu "
				"of %zu", (int) what, at, size);
		}
	}
	if (format == ULTRACE_PRINT_CSV && what == LIST_CONTACTS && indexes) {
		check_contacts_csv(registry, text, size);
	}
	free(text);
}

static int str_same(struct ultrace_str a, struct ultrace_str b)
{
	size_t la = a.s != NULL ? a.len : 0;
	size_t lb = b.s != NULL ? b.len : 0;

	return la == lb && (la == 0 || memcmp(a.s, b.s, la) == 0);
}

/* The registry's slices are NUL-terminated (registry.h). */
static void check_terminated(struct ultrace_str s, const char *what)
{
	FUZZ_CHECK(s.s != NULL && s.s[s.len] == '\0',
		"%s: slice not NUL-terminated", what);
}

static uint64_t check_user(const struct ultrace_registry *registry,
		const struct ultrace_registry_user *user, uint64_t *contacts)
{
	uint32_t index = ultrace_registry_user_get_index(user);
	struct ultrace_str domain = ultrace_registry_user_get_domain(user);
	struct ultrace_str aor = ultrace_registry_user_get_aor(user);
	const struct ultrace_registry_contact *c;
	const struct ultrace_registry_user *by_aor;
	uint32_t count = 0;
	uint32_t last_ci = 0;
	uint64_t cuts = 0;

	check_terminated(domain, "user domain");
	check_terminated(aor, "user aor");
	FUZZ_CHECK(aor.len > 0, "user %" PRIu32 " has an empty AOR", index);
	FUZZ_CHECK(ultrace_registry_borrow_user(registry, domain, aor) ==
		user, "user %" PRIu32 ": lookup by key finds another",
		index);
	FUZZ_CHECK(ultrace_registry_borrow_user_by_index(registry, index) ==
		user, "user %" PRIu32 ": lookup by index finds another",
		index);
	by_aor = ultrace_registry_borrow_user_by_aor(registry, aor);
	FUZZ_CHECK(by_aor != NULL &&
			str_same(ultrace_registry_user_get_aor(by_aor), aor) &&
			ultrace_registry_user_get_index(by_aor) <= index,
		"user %" PRIu32 ": lookup by AOR", index);
	cuts += (uint64_t) check_admin_string(aor, "user aor");
	for (c = ultrace_registry_user_borrow_first_contact(user); c != NULL;
			c = ultrace_registry_contact_borrow_next(c)) {
		const struct ultrace_contact *v =
			ultrace_registry_contact_values(c);
		uint32_t ci = ultrace_registry_contact_get_index(c);

		FUZZ_CHECK(count < UINT32_MAX && ci > last_ci,
			"user %" PRIu32 ": contact index %" PRIu32
			" after %" PRIu32, index, ci, last_ci);
		last_ci = ci;
		count++;
		FUZZ_CHECK(ultrace_registry_contact_borrow_user(c) == user,
			"contact %" PRIu32 ".%" PRIu32 ": wrong user", index,
			ci);
		FUZZ_CHECK(str_same(v->domain, domain) &&
			str_same(v->aor, aor), "contact %" PRIu32 ".%" PRIu32
			": domain/AOR differ from its user's", index, ci);
		FUZZ_CHECK(v->contact.len > 0, "contact %" PRIu32 ".%" PRIu32
			": empty URI", index, ci);
		check_terminated(v->contact, "contact");
		check_terminated(v->display_name, "display_name");
		check_terminated(v->received, "received");
		check_terminated(v->path, "path");
		check_terminated(v->user_agent, "user_agent");
		check_terminated(v->callid, "callid");
		check_terminated(v->ruid, "ruid");
		check_terminated(v->instance, "instance");
		check_terminated(v->socket, "socket");
		FUZZ_CHECK(ultrace_registry_borrow_contact(registry, domain,
			aor, v->contact) == c, "contact %" PRIu32 ".%" PRIu32
			": lookup by key finds another", index, ci);
		FUZZ_CHECK(ultrace_registry_borrow_contact_ge(registry, index,
			ci) == c, "contact %" PRIu32 ".%" PRIu32
			": GETNEXT primitive finds another", index, ci);
		cuts += check_contact_snmp(v);
	}
	FUZZ_CHECK(count > 0, "user %" PRIu32 " has no contact", index);
	FUZZ_CHECK(count == ultrace_registry_user_get_contact_count(user),
		"user %" PRIu32 ": %" PRIu32 " contacts, count says %" PRIu32,
		index, count, ultrace_registry_user_get_contact_count(user));
	*contacts += count;
	return cuts;
}

uint64_t fuzz_check_registry(const struct ultrace_registry *registry,
		const struct ultrace_loss_log *losses)
{
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(registry);
	const struct ultrace_registry_user *user;
	uint64_t users = 0;
	uint64_t contacts = 0;
	uint32_t last = 0;
	uint64_t cuts = 0;
	int f;

	for (user = ultrace_registry_borrow_user_ge(registry, 0); user != NULL;
			user = ultrace_registry_borrow_next_user(registry,
				user)) {
		uint32_t index = ultrace_registry_user_get_index(user);

		FUZZ_CHECK(index > last, "user index %" PRIu32 " after %"
			PRIu32, index, last);
		FUZZ_CHECK(ultrace_registry_borrow_user_ge(registry, last +
			1) == user, "user %" PRIu32 ": >= lookup finds another",
			index);
		last = index;
		users++;
		cuts += check_user(registry, user, &contacts);
	}
	FUZZ_CHECK(users == st->users, "walk finds %" PRIu64 " users, stats "
		"say %" PRIu64, users, st->users);
	FUZZ_CHECK(contacts == st->contacts, "walk finds %" PRIu64
		" contacts, stats say %" PRIu64, contacts, st->contacts);
	FUZZ_CHECK(users <= st->users_created, "%" PRIu64 " users, %" PRIu64
		" ever created", users, st->users_created);
	FUZZ_CHECK(st->health == ULTRACE_REGISTRY_CONSISTENT ||
		st->health == ULTRACE_REGISTRY_SUSPECT, "health %d",
		(int) st->health);
	FUZZ_CHECK(ultrace_registry_borrow_contact_ge(registry, last == UINT32_MAX ?
		last : last + 1, 0) == NULL || last == UINT32_MAX,
		"a contact after the last user");
	for (f = ULTRACE_PRINT_TABLE; f <= ULTRACE_PRINT_JSON; f++) {
		check_listing(registry, losses, LIST_CONTACTS, f, 0);
		check_listing(registry, losses, LIST_CONTACTS, f, 1);
		check_listing(registry, losses, LIST_USERS, f, 0);
		check_listing(registry, losses, LIST_USERS, f, 1);
		check_listing(registry, losses, LIST_STATS, f, 0);
	}
	return cuts;
}
