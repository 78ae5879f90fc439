/*
 * contact_csv.c: CSV rows for contacts (RFC 4180 quoting, fixed column
 * order), and the row order every listing uses.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "contact_csv.h"

#include <inttypes.h>
#include <string.h>

void ultrace_csv_write_str(FILE *out, struct ultrace_str s)
{
	size_t i;
	int quote = 0;

	if (s.s == NULL) {
		return;
	}
	for (i = 0; i < s.len; i++) {
		char ch = s.s[i];

		if (ch == ',' || ch == '"' || ch == '\r' || ch == '\n') {
			quote = 1;
			break;
		}
	}
	if (!quote) {
		fwrite(s.s, 1, s.len, out);
		return;
	}
	fputc('"', out);
	for (i = 0; i < s.len; i++) {
		if (s.s[i] == '"') {
			fputc('"', out);
		}
		fputc(s.s[i], out);
	}
	fputc('"', out);
}

void ultrace_csv_write_contact(FILE *out, const struct ultrace_contact *c)
{
	ultrace_csv_write_str(out, c->domain);
	fputc(',', out);
	ultrace_csv_write_str(out, c->aor);
	fputc(',', out);
	ultrace_csv_write_str(out, c->contact);
	fputc(',', out);
	ultrace_csv_write_str(out, c->display_name);
	fputc(',', out);
	ultrace_csv_write_str(out, c->received);
	fputc(',', out);
	ultrace_csv_write_str(out, c->path);
	fputc(',', out);
	ultrace_csv_write_str(out, c->user_agent);
	fputc(',', out);
	ultrace_csv_write_str(out, c->callid);
	fprintf(out, ",%" PRId32 ",%" PRId32 ",%" PRId64 ",%" PRId64
		",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",",
		c->cseq, c->q, c->expires, c->last_modified, c->flags,
		c->cflags, c->methods);
	ultrace_csv_write_str(out, c->ruid);
	fputc(',', out);
	ultrace_csv_write_str(out, c->instance);
	fprintf(out, ",%" PRIu32 ",", c->reg_id);
	ultrace_csv_write_str(out, c->socket);
}

static int str_cmp(struct ultrace_str a, struct ultrace_str b)
{
	size_t n;
	int r;

	/* A NULL slice is the empty string (ultrace.h). */
	if (a.s == NULL) {
		a.len = 0;
	}
	if (b.s == NULL) {
		b.len = 0;
	}
	n = a.len < b.len ? a.len : b.len;
	r = n == 0 ? 0 : memcmp(a.s, b.s, n);

	if (r == 0 && a.len != b.len) {
		r = a.len < b.len ? -1 : 1;
	}
	return r;
}

int ultrace_contact_key_cmp(const struct ultrace_contact *a,
		const struct ultrace_contact *b)
{
	int r = str_cmp(a->domain, b->domain);

	if (r == 0) {
		r = str_cmp(a->aor, b->aor);
	}
	if (r == 0) {
		r = str_cmp(a->contact, b->contact);
	}
	return r;
}
