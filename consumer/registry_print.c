/*
 * registry_print.c: table, CSV and JSON listings of the registry for
 * ultrace-replay. Reads the registry only; no SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "registry_print.h"

#include <inttypes.h>
#include <stdlib.h>

#include "contact_csv.h"
#include "time_parse.h"

typedef const struct ultrace_registry_contact *contact_ref;
typedef const struct ultrace_registry_user *user_ref;

static int contact_ref_cmp(const void *a, const void *b)
{
	return ultrace_contact_key_cmp(
		ultrace_registry_contact_values(*(const contact_ref *) a),
		ultrace_registry_contact_values(*(const contact_ref *) b));
}

static int user_ref_cmp(const void *a, const void *b)
{
	user_ref ua = *(const user_ref *) a;
	user_ref ub = *(const user_ref *) b;
	struct ultrace_contact ka = { 0 };
	struct ultrace_contact kb = { 0 };

	ka.domain = ultrace_registry_user_get_domain(ua);
	ka.aor = ultrace_registry_user_get_aor(ua);
	kb.domain = ultrace_registry_user_get_domain(ub);
	kb.aor = ultrace_registry_user_get_aor(ub);
	return ultrace_contact_key_cmp(&ka, &kb);
}

/* Every contact, in index order, or in key order unless `indexes`. */
static contact_ref *collect_contacts(const struct ultrace_registry *registry,
		int indexes, size_t *count)
{
	size_t n = ultrace_registry_borrow_stats(registry)->contacts;
	contact_ref *rows = malloc((n ? n : 1) * sizeof(*rows));
	user_ref user;
	size_t i = 0;

	if (rows == NULL) {
		return NULL;
	}
	for (user = ultrace_registry_borrow_user_ge(registry, 0); user != NULL;
			user = ultrace_registry_borrow_next_user(registry, user)) {
		contact_ref c = ultrace_registry_user_borrow_first_contact(user);

		for (; c != NULL && i < n;
				c = ultrace_registry_contact_borrow_next(c)) {
			rows[i++] = c;
		}
	}
	if (!indexes) {
		qsort(rows, i, sizeof(*rows), contact_ref_cmp);
	}
	*count = i;
	return rows;
}

static user_ref *collect_users(const struct ultrace_registry *registry,
		int indexes, size_t *count)
{
	size_t n = ultrace_registry_borrow_stats(registry)->users;
	user_ref *rows = malloc((n ? n : 1) * sizeof(*rows));
	user_ref user;
	size_t i = 0;

	if (rows == NULL) {
		return NULL;
	}
	for (user = ultrace_registry_borrow_user_ge(registry, 0);
			user != NULL && i < n;
			user = ultrace_registry_borrow_next_user(registry, user)) {
		rows[i++] = user;
	}
	if (!indexes) {
		qsort(rows, i, sizeof(*rows), user_ref_cmp);
	}
	*count = i;
	return rows;
}

/*
 * A JSON string. Bytes that are not valid UTF-8 become U+FFFD: JSON text
 * must be UTF-8, and a trace may hold anything.
 */
static void json_str(FILE *out, struct ultrace_str s)
{
	const unsigned char *p = (const unsigned char *) s.s;
	size_t i = 0;

	fputc('"', out);
	while (p != NULL && i < s.len) {
		unsigned char ch = p[i];
		unsigned char lo;
		unsigned char hi;
		size_t need = 0;
		size_t k;

		if (ch == '"' || ch == '\\') {
			fprintf(out, "\\%c", ch);
			i++;
			continue;
		}
		if (ch < 0x20) {
			fprintf(out, "\\u%04x", ch);
			i++;
			continue;
		}
		if (ch < 0x80) {
			fputc(ch, out);
			i++;
			continue;
		}
		/*
		 * Well-formed sequences only (RFC 3629): the second octet's
		 * range also rules out overlong forms, UTF-16 surrogates
		 * (ED A0..BF) and code points above U+10FFFF.
		 */
		lo = 0x80;
		hi = 0xbf;
		if (ch >= 0xc2 && ch <= 0xdf) {
			need = 1;
		} else if (ch >= 0xe0 && ch <= 0xef) {
			need = 2;
			lo = ch == 0xe0 ? 0xa0 : 0x80;
			hi = ch == 0xed ? 0x9f : 0xbf;
		} else if (ch >= 0xf0 && ch <= 0xf4) {
			need = 3;
			lo = ch == 0xf0 ? 0x90 : 0x80;
			hi = ch == 0xf4 ? 0x8f : 0xbf;
		}
		if (need != 0 && (i + 1 >= s.len || p[i + 1] < lo ||
				p[i + 1] > hi)) {
			need = 0;
		}
		for (k = 2; need != 0 && k <= need; k++) {
			if (i + k >= s.len || (p[i + k] & 0xc0) != 0x80) {
				need = 0;
			}
		}
		if (need == 0) {
			fputs("\\ufffd", out);
			i++;
			continue;
		}
		fwrite(p + i, 1, need + 1, out);
		i += need + 1;
	}
	fputc('"', out);
}

static void json_contact(FILE *out, contact_ref ref, int indexes)
{
	const struct ultrace_contact *c =
		ultrace_registry_contact_values(ref);

	fputc('{', out);
	if (indexes) {
		fprintf(out, "\"user_index\":%" PRIu32 ",\"contact_index\":%"
			PRIu32 ",",
			ultrace_registry_user_get_index(
				ultrace_registry_contact_borrow_user(ref)),
			ultrace_registry_contact_get_index(ref));
	}
	fputs("\"domain\":", out);
	json_str(out, c->domain);
	fputs(",\"aor\":", out);
	json_str(out, c->aor);
	fputs(",\"contact\":", out);
	json_str(out, c->contact);
	fputs(",\"display_name\":", out);
	json_str(out, c->display_name);
	fputs(",\"received\":", out);
	json_str(out, c->received);
	fputs(",\"path\":", out);
	json_str(out, c->path);
	fputs(",\"user_agent\":", out);
	json_str(out, c->user_agent);
	fputs(",\"callid\":", out);
	json_str(out, c->callid);
	fprintf(out, ",\"cseq\":%" PRId32 ",\"q\":%" PRId32 ",\"expires\":%"
		PRId64 ",\"last_modified\":%" PRId64 ",\"flags\":%" PRIu32
		",\"cflags\":%" PRIu32 ",\"methods\":%" PRIu32 ",\"ruid\":",
		c->cseq, c->q, c->expires, c->last_modified, c->flags,
		c->cflags, c->methods);
	json_str(out, c->ruid);
	fputs(",\"instance\":", out);
	json_str(out, c->instance);
	fprintf(out, ",\"reg_id\":%" PRIu32 ",\"socket\":", c->reg_id);
	json_str(out, c->socket);
	fputc('}', out);
}

/* q in thousandths as the MIB's decimal string: 1000 -> "1", 700 -> "0.7". */
static void format_q(int32_t q, char *buf, size_t len)
{
	if (q < 0) {
		snprintf(buf, len, "-");
	} else if (q % 1000 == 0) {
		snprintf(buf, len, "%" PRId32, q / 1000);
	} else if (q % 100 == 0) {
		snprintf(buf, len, "%" PRId32 ".%01" PRId32, q / 1000,
			(q % 1000) / 100);
	} else if (q % 10 == 0) {
		snprintf(buf, len, "%" PRId32 ".%02" PRId32, q / 1000,
			(q % 1000) / 10);
	} else {
		snprintf(buf, len, "%" PRId32 ".%03" PRId32, q / 1000,
			q % 1000);
	}
}

static void table_contact(FILE *out, contact_ref ref, int indexes)
{
	const struct ultrace_contact *c =
		ultrace_registry_contact_values(ref);
	char expires[32];
	char q[16];

	/*
	 * A trace may carry any int64: past year 9999 gmtime_r() fails (or
	 * its year overflows `int` + 1900) and ultrace_time_format_s() would
	 * print an uninitialised struct tm. Such a value is shown as is.
	 */
	if (c->expires >= -62135596800 && c->expires <= 253402300799) {
		ultrace_time_format_s(c->expires, expires, sizeof(expires));
	} else {
		snprintf(expires, sizeof(expires), "%" PRId64, c->expires);
	}
	format_q(c->q, q, sizeof(q));
	if (indexes) {
		fprintf(out, "%6" PRIu32 " %4" PRIu32 "  ",
			ultrace_registry_user_get_index(
				ultrace_registry_contact_borrow_user(ref)),
			ultrace_registry_contact_get_index(ref));
	}
	fprintf(out, "%-12.*s %-32.*s %-5s %-20s %.*s  %.*s\n",
		(int) c->domain.len, c->domain.s, (int) c->aor.len, c->aor.s,
		q, expires, (int) c->contact.len, c->contact.s,
		(int) c->user_agent.len, c->user_agent.s);
}

int ultrace_registry_print_contacts(FILE *out,
		const struct ultrace_registry *registry,
		const struct ultrace_print_options *options)
{
	size_t count = 0;
	size_t i;
	contact_ref *rows = collect_contacts(registry, options->indexes,
		&count);

	if (rows == NULL) {
		return -1;
	}
	switch (options->format) {
	case ULTRACE_PRINT_CSV:
		fprintf(out, "%s%s\n",
			options->indexes ? "user_index,contact_index," : "",
			ULTRACE_CSV_HEADER);
		for (i = 0; i < count; i++) {
			if (options->indexes) {
				fprintf(out, "%" PRIu32 ",%" PRIu32 ",",
					ultrace_registry_user_get_index(
						ultrace_registry_contact_borrow_user(
							rows[i])),
					ultrace_registry_contact_get_index(
						rows[i]));
			}
			ultrace_csv_write_contact(out,
				ultrace_registry_contact_values(
					rows[i]));
			fputc('\n', out);
		}
		break;
	case ULTRACE_PRINT_JSON:
		fputs("{\"contacts\":[", out);
		for (i = 0; i < count; i++) {
			fputs(i == 0 ? "\n" : ",\n", out);
			json_contact(out, rows[i], options->indexes);
		}
		fputs("\n]}\n", out);
		break;
	case ULTRACE_PRINT_TABLE:
		fprintf(out, "%s%-12s %-32s %-5s %-20s %s  %s\n",
			options->indexes ? " USER# CON#  " : "", "DOMAIN",
			"AOR", "Q", "EXPIRES", "CONTACT", "USER-AGENT");
		for (i = 0; i < count; i++) {
			table_contact(out, rows[i], options->indexes);
		}
		fprintf(out, "(%zu contacts)\n", count);
		break;
	}
	free(rows);
	return ferror(out) ? -1 : 0;
}

int ultrace_registry_print_users(FILE *out,
		const struct ultrace_registry *registry,
		const struct ultrace_print_options *options)
{
	size_t count = 0;
	size_t i;
	user_ref *rows = collect_users(registry, options->indexes, &count);

	if (rows == NULL) {
		return -1;
	}
	if (options->format == ULTRACE_PRINT_CSV) {
		fprintf(out, "%sdomain,aor,contacts\n",
			options->indexes ? "user_index," : "");
	} else if (options->format == ULTRACE_PRINT_JSON) {
		fputs("{\"users\":[", out);
	} else {
		fprintf(out, "%s%-12s %-40s %s\n",
			options->indexes ? " USER#  " : "", "DOMAIN", "AOR",
			"CONTACTS");
	}
	for (i = 0; i < count; i++) {
		struct ultrace_str domain =
			ultrace_registry_user_get_domain(rows[i]);
		struct ultrace_str aor = ultrace_registry_user_get_aor(rows[i]);
		uint32_t index = ultrace_registry_user_get_index(rows[i]);
		uint32_t n = ultrace_registry_user_get_contact_count(rows[i]);

		switch (options->format) {
		case ULTRACE_PRINT_CSV:
			if (options->indexes) {
				fprintf(out, "%" PRIu32 ",", index);
			}
			ultrace_csv_write_str(out, domain);
			fputc(',', out);
			ultrace_csv_write_str(out, aor);
			fprintf(out, ",%" PRIu32 "\n", n);
			break;
		case ULTRACE_PRINT_JSON:
			fputs(i == 0 ? "\n{" : ",\n{", out);
			if (options->indexes) {
				fprintf(out, "\"user_index\":%" PRIu32 ",",
					index);
			}
			fputs("\"domain\":", out);
			json_str(out, domain);
			fputs(",\"aor\":", out);
			json_str(out, aor);
			fprintf(out, ",\"contacts\":%" PRIu32 "}", n);
			break;
		case ULTRACE_PRINT_TABLE:
			if (options->indexes) {
				fprintf(out, "%6" PRIu32 "  ", index);
			}
			fprintf(out, "%-12.*s %-40.*s %" PRIu32 "\n",
				(int) domain.len, domain.s, (int) aor.len,
				aor.s, n);
			break;
		}
	}
	if (options->format == ULTRACE_PRINT_JSON) {
		fputs("\n]}\n", out);
	} else if (options->format == ULTRACE_PRINT_TABLE) {
		fprintf(out, "(%zu users)\n", count);
	}
	free(rows);
	return ferror(out) ? -1 : 0;
}

struct stat_row {
	const char *name;
	uint64_t value;
};

int ultrace_registry_print_stats(FILE *out,
		const struct ultrace_registry *registry,
		const struct ultrace_loss_log *losses,
		const struct ultrace_print_options *options)
{
	const struct ultrace_registry_stats *st =
		ultrace_registry_borrow_stats(registry);
	const struct ultrace_registry_registrar *registrar =
		ultrace_registry_borrow_registrar(registry);
	struct stat_row rows[ULTRACE_EVENT_KIND_COUNT + ULTRACE_ANOMALY_COUNT +
		11 + 5];
	char names[ULTRACE_EVENT_KIND_COUNT + ULTRACE_ANOMALY_COUNT][48];
	char first[40];
	char last[40];
	char since[40];
	const char *health = ultrace_registry_health_name(st->health);
	const char *reason = ultrace_suspect_reason_name(st->suspect_reason);
	size_t n = 0;
	size_t i;
	int k;

	for (k = 0; k < ULTRACE_EVENT_KIND_COUNT; k++) {
		snprintf(names[k], sizeof(names[k]), "events.%s",
			ultrace_event_kind_name(k));
		rows[n].name = names[k];
		rows[n++].value = st->events[k];
	}
	for (k = 0; k < ULTRACE_ANOMALY_COUNT; k++) {
		char *name = names[ULTRACE_EVENT_KIND_COUNT + k];

		snprintf(name, 48, "anomalies.%s", ultrace_anomaly_name(k));
		rows[n].name = name;
		rows[n++].value = st->anomalies[k];
	}
	rows[n].name = "discarded_events";
	rows[n++].value = st->discarded_events;
	rows[n].name = "discarded_packets";
	rows[n++].value = st->discarded_packets;
	rows[n].name = "dumps_begun";
	rows[n++].value = st->dumps_begun;
	rows[n].name = "dumps_complete";
	rows[n++].value = st->dumps_complete;
	rows[n].name = "dump_removed";
	rows[n++].value = st->dump_removed;
	rows[n].name = "dump_repaired";
	rows[n++].value = st->dump_repaired;
	rows[n].name = "ttl_expired";
	rows[n++].value = st->ttl_expired;
	rows[n].name = "users";
	rows[n++].value = st->users;
	rows[n].name = "contacts";
	rows[n++].value = st->contacts;
	rows[n].name = "users_created";
	rows[n++].value = st->users_created;
	/* The registrar's own figures, once its events said them. */
	if (registrar->has_settings) {
		rows[n].name = "registrar.max_expires";
		rows[n++].value = registrar->settings.max_expires;
		rows[n].name = "registrar.max_users";
		rows[n++].value = registrar->settings.max_users;
		rows[n].name = "registrar.default_expires";
		rows[n++].value = registrar->settings.default_expires;
	}
	if (registrar->has_counts) {
		rows[n].name = "registrar.accepted";
		rows[n++].value = registrar->counts.accepted;
		rows[n].name = "registrar.rejected";
		rows[n++].value = registrar->counts.rejected;
	}
	ultrace_time_format_ns(st->first_event_ns, first, sizeof(first));
	ultrace_time_format_ns(st->last_event_ns, last, sizeof(last));
	if (st->first_event_ns == 0) {
		snprintf(first, sizeof(first), "-");
		snprintf(last, sizeof(last), "-");
	}
	if (st->suspect_since_ns != 0) {
		ultrace_time_format_ns(st->suspect_since_ns, since,
			sizeof(since));
	} else {
		snprintf(since, sizeof(since), "-");
	}
	if (*reason == '\0') {
		reason = "-";
	}

	switch (options->format) {
	case ULTRACE_PRINT_CSV:
		fputs("name,value\n", out);
		for (i = 0; i < n; i++) {
			fprintf(out, "%s,%" PRIu64 "\n", rows[i].name,
				rows[i].value);
		}
		fprintf(out, "first_event,%s\nlast_event,%s\nhealth,%s\n"
			"suspect_since,%s\nsuspect_reason,%s\n", first, last,
			health, since, reason);
		if (losses != NULL) {
			ultrace_loss_log_print(out, losses, options->format);
		}
		break;
	case ULTRACE_PRINT_JSON:
		fputc('{', out);
		for (i = 0; i < n; i++) {
			fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "",
				rows[i].name, rows[i].value);
		}
		fprintf(out, ",\"first_event\":\"%s\",\"last_event\":\"%s\""
			",\"health\":\"%s\",\"suspect_since\":\"%s\","
			"\"suspect_reason\":\"%s\"", first, last, health, since,
			reason);
		if (losses != NULL) {
			fputc(',', out);
			ultrace_loss_log_print(out, losses, options->format);
		}
		fputs("}\n", out);
		break;
	case ULTRACE_PRINT_TABLE:
		for (i = 0; i < n; i++) {
			fprintf(out, "%-28s %" PRIu64 "\n", rows[i].name,
				rows[i].value);
		}
		fprintf(out, "%-28s %s\n%-28s %s\n%-28s %s\n%-28s %s\n"
			"%-28s %s\n", "first_event", first, "last_event", last,
			"health", health, "suspect_since", since,
			"suspect_reason", reason);
		if (losses != NULL) {
			ultrace_loss_log_print(out, losses, options->format);
		}
		break;
	}
	return ferror(out) ? -1 : 0;
}
