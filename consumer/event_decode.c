/*
 * event_decode.c: babeltrace2 event -> struct ultrace_registry_event.
 * Field positions are looked up once per event class and cached (a lookup
 * by name per event halves the replay rate); the cache holds a reference
 * on each class so a pointer is never reused for another class.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "event_decode.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash_table.h"
#include "ultrace_hash.h"

#define ULTRACE_PROVIDER_PREFIX "ultrace:"

enum field_id {
	F_DOMAIN, F_AOR, F_CONTACT, F_DISPLAY_NAME, F_RECEIVED, F_PATH,
	F_USER_AGENT, F_CALLID, F_RUID, F_INSTANCE, F_SOCKET,
	F_STRING_COUNT,
	F_CSEQ = F_STRING_COUNT, F_Q, F_EXPIRES, F_LAST_MODIFIED, F_FLAGS,
	F_CFLAGS, F_METHODS, F_REG_ID, F_TRUNCATED, F_DUMP_ID, F_CONTACTS,
	F_REFRESH,
	F_MAX_EXPIRES, F_MAX_USERS, F_DEFAULT_EXPIRES, F_ACCEPTED, F_REJECTED,
	F_COUNT,
};

/* A class's needed fields and their signedness are bit masks. */
_Static_assert(F_COUNT <= 32, "field bits must fit a uint32_t");

static const char *const field_names[F_COUNT] = {
	"domain", "aor", "contact", "display_name", "received", "path",
	"user_agent", "callid", "ruid", "instance", "socket",
	"cseq", "q", "expires", "last_modified", "flags", "cflags",
	"methods", "reg_id", "truncated", "dump_id", "contacts", "refresh",
	"max_expires", "max_users", "default_expires", "accepted", "rejected",
};

#define CONTACT_FIELDS ((UINT32_C(1) << F_DUMP_ID) - 1)
#define BIT(f) (UINT32_C(1) << (f))
/* contact_refresh's one array, laid out as ultrace_hash.h says. */
#define REFRESH_FIELDS BIT(F_REFRESH)
#define REGISTRAR_CONFIG_FIELDS (BIT(F_MAX_EXPIRES) | BIT(F_MAX_USERS) | \
	BIT(F_DEFAULT_EXPIRES))
#define REGISTRAR_COUNTERS_FIELDS (BIT(F_ACCEPTED) | BIT(F_REJECTED))

struct class_entry {
	struct hash_node hnode;
	const bt_event_class *event_class;   /* a reference we hold */
	int ultrace;                         /* 0: other provider */
	enum ultrace_event_kind kind;
	int has_clock;                       /* its stream class has one */
	uint32_t is_signed;                  /* bit f: field f is signed */
	uint64_t index[F_COUNT];
};

struct ultrace_event_decoder {
	struct hash_table classes;
	struct class_entry *last;            /* runs of one class are common */
};

static const struct {
	const char *name;
	enum ultrace_event_kind kind;
	uint32_t fields;
} event_kinds[] = {
	{ "contact_insert", ULTRACE_EVENT_CONTACT_INSERT, CONTACT_FIELDS },
	{ "contact_update", ULTRACE_EVENT_CONTACT_UPDATE, CONTACT_FIELDS },
	{ "contact_delete", ULTRACE_EVENT_CONTACT_DELETE, CONTACT_FIELDS },
	{ "contact_expire", ULTRACE_EVENT_CONTACT_EXPIRE, CONTACT_FIELDS },
	{ "statedump_begin", ULTRACE_EVENT_STATEDUMP_BEGIN, BIT(F_DUMP_ID) },
	{ "statedump_contact", ULTRACE_EVENT_STATEDUMP_CONTACT,
		CONTACT_FIELDS | BIT(F_DUMP_ID) },
	{ "statedump_end", ULTRACE_EVENT_STATEDUMP_END,
		BIT(F_DUMP_ID) | BIT(F_CONTACTS) },
	{ "contact_refresh", ULTRACE_EVENT_CONTACT_REFRESH, REFRESH_FIELDS },
	{ "registrar_config", ULTRACE_EVENT_REGISTRAR_CONFIG,
		REGISTRAR_CONFIG_FIELDS },
	{ "registrar_counters", ULTRACE_EVENT_REGISTRAR_COUNTERS,
		REGISTRAR_COUNTERS_FIELDS },
};

struct ultrace_event_decoder *ultrace_event_decoder_create(void)
{
	struct ultrace_event_decoder *decoder = calloc(1, sizeof(*decoder));

	if (decoder == NULL) {
		return NULL;
	}
	if (hash_table_init(&decoder->classes) != 0) {
		free(decoder);
		return NULL;
	}
	return decoder;
}

void ultrace_event_decoder_destroy(struct ultrace_event_decoder *decoder)
{
	size_t b;

	if (decoder == NULL) {
		return;
	}
	for (b = 0; b <= decoder->classes.mask; b++) {
		struct hash_node *node = decoder->classes.buckets[b];

		while (node != NULL) {
			struct class_entry *entry = (struct class_entry *) node;

			node = node->next;
			bt_event_class_put_ref(entry->event_class);
			free(entry);
		}
	}
	hash_table_fini(&decoder->classes);
	free(decoder);
}

static int class_match(const struct hash_node *node, const void *key)
{
	return ((const struct class_entry *) node)->event_class == key;
}

static uint64_t class_hash(const bt_event_class *event_class)
{
	uintptr_t p = (uintptr_t) event_class;

	return hash_bytes(HASH_SEED, &p, sizeof(p));
}

void ultrace_stream_describe(const bt_stream *stream, char *buf, size_t len)
{
	const char *name = stream ? bt_stream_get_name(stream) : NULL;

	if (name != NULL) {
		snprintf(buf, len, "stream %s", name);
	} else if (stream != NULL) {
		snprintf(buf, len, "stream #%" PRIu64, bt_stream_get_id(stream));
	} else {
		snprintf(buf, len, "unknown stream");
	}
}

static int field_type_ok(enum field_id f, const bt_field_class *fc)
{
	bt_field_class_type type = bt_field_class_get_type(fc);

	if (f < F_STRING_COUNT) {
		return type == BT_FIELD_CLASS_TYPE_STRING;
	}
	if (f == F_REFRESH) {
		/* Five unsigned integers: a static array of exactly that. */
		return type == BT_FIELD_CLASS_TYPE_STATIC_ARRAY &&
			bt_field_class_array_static_get_length(fc) ==
				ULTRACE_REFRESH_COUNT &&
			bt_field_class_type_is(bt_field_class_get_type(
				bt_field_class_array_borrow_element_field_class_const(
					fc)),
				BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER);
	}
	return bt_field_class_type_is(type, BT_FIELD_CLASS_TYPE_INTEGER);
}

/*
 * Check the class once: which kind it is and where each field it must
 * have sits in the payload. A bad class is reported on its first event.
 */
static enum ultrace_decode_status class_resolve(struct class_entry *entry,
		const bt_event *event, char *err, size_t errlen)
{
	const bt_event_class *ec = entry->event_class;
	const char *name = bt_event_class_get_name(ec);
	const bt_field_class *payload_fc =
		bt_event_class_borrow_payload_field_class_const(ec);
	char where[512];
	size_t i;
	int f;
	uint32_t need = 0;

	if (name == NULL || strncmp(name, ULTRACE_PROVIDER_PREFIX,
			strlen(ULTRACE_PROVIDER_PREFIX)) != 0) {
		entry->ultrace = 0;
		return ULTRACE_DECODE_IGNORED;
	}
	for (i = 0; i < sizeof(event_kinds) / sizeof(event_kinds[0]); i++) {
		if (strcmp(name + strlen(ULTRACE_PROVIDER_PREFIX),
				event_kinds[i].name) == 0) {
			entry->kind = event_kinds[i].kind;
			need = event_kinds[i].fields;
			break;
		}
	}
	if (need == 0) {
		/* A newer producer's event kind: not ours to interpret. */
		entry->ultrace = 0;
		return ULTRACE_DECODE_IGNORED;
	}
	ultrace_stream_describe(bt_event_borrow_stream_const(event), where,
		sizeof(where));
	if (payload_fc == NULL || bt_field_class_get_type(payload_fc) !=
			BT_FIELD_CLASS_TYPE_STRUCTURE) {
		snprintf(err, errlen, "event %s in %s has no payload", name,
			where);
		return ULTRACE_DECODE_MALFORMED;
	}
	for (f = 0; f < F_COUNT; f++) {
		const bt_field_class_structure_member *member;
		uint64_t count =
			bt_field_class_structure_get_member_count(payload_fc);
		uint64_t m;

		entry->index[f] = UINT64_MAX;
		if (!(need & BIT(f))) {
			continue;
		}
		for (m = 0; m < count; m++) {
			member = bt_field_class_structure_borrow_member_by_index_const(
				payload_fc, m);
			if (strcmp(bt_field_class_structure_member_get_name(
					member), field_names[f]) == 0) {
				break;
			}
		}
		if (m == count) {
			snprintf(err, errlen,
				"event %s in %s lacks payload field `%s`",
				name, where, field_names[f]);
			return ULTRACE_DECODE_MALFORMED;
		}
		if (!field_type_ok(f, bt_field_class_structure_member_borrow_field_class_const(
				member))) {
			snprintf(err, errlen,
				"event %s in %s: field `%s` is not %s", name,
				where, field_names[f],
				f < F_STRING_COUNT ? "a string" :
				f == F_REFRESH ? "an array of 5 unsigned integers" :
				"an integer");
			return ULTRACE_DECODE_MALFORMED;
		}
		entry->index[f] = m;
		if (bt_field_class_type_is(bt_field_class_get_type(
				bt_field_class_structure_member_borrow_field_class_const(
					member)),
				BT_FIELD_CLASS_TYPE_SIGNED_INTEGER)) {
			entry->is_signed |= BIT(f);
		}
	}
	entry->has_clock = bt_stream_class_borrow_default_clock_class_const(
		bt_event_class_borrow_stream_class_const(ec)) != NULL;
	entry->ultrace = 1;
	return ULTRACE_DECODE_OK;
}

static struct ultrace_str get_str(const bt_field *payload, uint64_t index)
{
	const bt_field *field =
		bt_field_structure_borrow_member_field_by_index_const(payload,
			index);
	struct ultrace_str s;

	s.s = bt_field_string_get_value(field);
	s.len = bt_field_string_get_length(field);
	return s;
}

/* Field f, whose signedness the class told (checked once per class). */
static int64_t get_int(const struct class_entry *entry,
		const bt_field *payload, int f)
{
	const bt_field *field =
		bt_field_structure_borrow_member_field_by_index_const(payload,
			entry->index[f]);

	if (entry->is_signed & BIT(f)) {
		return bt_field_integer_signed_get_value(field);
	}
	return (int64_t) bt_field_integer_unsigned_get_value(field);
}

static void decode_contact(const struct class_entry *entry,
		const bt_field *payload, struct ultrace_registry_event *out)
{
	struct ultrace_contact *c = &out->contact;
	struct ultrace_str *strs[F_STRING_COUNT] = {
		&c->domain, &c->aor, &c->contact, &c->display_name,
		&c->received, &c->path, &c->user_agent, &c->callid, &c->ruid,
		&c->instance, &c->socket,
	};
	int f;

	for (f = 0; f < F_STRING_COUNT; f++) {
		*strs[f] = get_str(payload, entry->index[f]);
	}
	c->cseq = (int32_t) get_int(entry, payload, F_CSEQ);
	c->q = (int32_t) get_int(entry, payload, F_Q);
	c->expires = get_int(entry, payload, F_EXPIRES);
	c->last_modified = get_int(entry, payload, F_LAST_MODIFIED);
	c->flags = (uint32_t) get_int(entry, payload, F_FLAGS);
	c->cflags = (uint32_t) get_int(entry, payload, F_CFLAGS);
	c->methods = (uint32_t) get_int(entry, payload, F_METHODS);
	c->reg_id = (uint32_t) get_int(entry, payload, F_REG_ID);
	out->truncated = (uint32_t) get_int(entry, payload, F_TRUNCATED);
}

static uint64_t refresh_value(const bt_field *array, uint64_t i)
{
	return bt_field_integer_unsigned_get_value(
		bt_field_array_borrow_element_field_by_index_const(array, i));
}

static void decode_refresh(const bt_field *array,
		struct ultrace_registry_event *out)
{
	out->refresh_key = refresh_value(array, ULTRACE_REFRESH_KEY);
	out->refresh_check = refresh_value(array, ULTRACE_REFRESH_CHECK);
	out->contact.cseq = (int32_t) refresh_value(array,
		ULTRACE_REFRESH_CSEQ);
	out->contact.expires = (int64_t) refresh_value(array,
		ULTRACE_REFRESH_EXPIRES);
	out->contact.last_modified = (int64_t) refresh_value(array,
		ULTRACE_REFRESH_LAST_MODIFIED);
}

/*
 * The MIB's Unsigned32: a value outside it (a producer that declared the
 * field signed, or wider) is clamped, not wrapped into another setting.
 */
static uint32_t get_u32(const struct class_entry *entry,
		const bt_field *payload, int f)
{
	int64_t v = get_int(entry, payload, f);

	if ((entry->is_signed & BIT(f)) && v < 0) {
		return 0;
	}
	return (uint64_t) v > UINT32_MAX ? UINT32_MAX : (uint32_t) v;
}

static void decode_registrar_config(const struct class_entry *entry,
		const bt_field *payload, struct ultrace_registry_event *out)
{
	struct ultrace_registrar_settings *s = &out->registrar.settings;

	s->max_expires = get_u32(entry, payload, F_MAX_EXPIRES);
	s->max_users = get_u32(entry, payload, F_MAX_USERS);
	s->default_expires = get_u32(entry, payload, F_DEFAULT_EXPIRES);
}

static enum ultrace_decode_status event_time(const bt_message *msg,
		const struct class_entry *entry, const bt_event *event,
		int64_t *ns, char *err, size_t errlen)
{
	const bt_clock_snapshot *snap;

	if (!entry->has_clock) {
		snprintf(err, errlen, "event %s has no timestamp (its stream "
			"class has no clock)",
			bt_event_class_get_name(bt_event_borrow_class_const(
				event)));
		return ULTRACE_DECODE_MALFORMED;
	}
	snap = bt_message_event_borrow_default_clock_snapshot_const(msg);
	if (bt_clock_snapshot_get_ns_from_origin(snap, ns) !=
			BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
		snprintf(err, errlen, "event %s: timestamp out of range",
			bt_event_class_get_name(bt_event_borrow_class_const(
				event)));
		return ULTRACE_DECODE_MALFORMED;
	}
	return ULTRACE_DECODE_OK;
}

static struct class_entry *class_lookup(struct ultrace_event_decoder *decoder,
		const bt_event_class *ec, int *is_new)
{
	struct class_entry *entry = decoder->last;
	uint64_t hash;

	*is_new = 0;
	if (entry != NULL && entry->event_class == ec) {
		return entry;
	}
	hash = class_hash(ec);
	entry = (struct class_entry *) hash_table_lookup(&decoder->classes,
		hash, class_match, ec);
	if (entry == NULL) {
		entry = calloc(1, sizeof(*entry));
		if (entry == NULL) {
			return NULL;
		}
		entry->event_class = ec;
		bt_event_class_get_ref(ec);
		entry->hnode.hash = hash;
		hash_table_insert(&decoder->classes, &entry->hnode);
		*is_new = 1;
	}
	decoder->last = entry;
	return entry;
}

enum ultrace_decode_status ultrace_event_decode(
		struct ultrace_event_decoder *decoder, const bt_message *msg,
		struct ultrace_registry_event *out, char *err, size_t errlen)
{
	const bt_event *event = bt_message_event_borrow_event_const(msg);
	const bt_event_class *ec = bt_event_borrow_class_const(event);
	const bt_field *payload;
	struct class_entry *entry;
	enum ultrace_decode_status status;
	int is_new;

	entry = class_lookup(decoder, ec, &is_new);
	if (entry == NULL) {
		return ULTRACE_DECODE_NOMEM;
	}
	if (is_new) {
		status = class_resolve(entry, event, err, errlen);
		if (status == ULTRACE_DECODE_MALFORMED) {
			/* Every event of a bad class is malformed: keep saying so. */
			entry->ultrace = -1;
			return status;
		}
	}
	if (entry->ultrace == 0) {
		return ULTRACE_DECODE_IGNORED;
	}
	if (entry->ultrace < 0) {
		/* Reported in full once; later events only counted. */
		snprintf(err, errlen, "event %s: malformed (see above)",
			bt_event_class_get_name(ec));
		return ULTRACE_DECODE_MALFORMED;
	}
	memset(out, 0, sizeof(*out));
	out->kind = entry->kind;
	status = event_time(msg, entry, event, &out->time_ns, err, errlen);
	if (status != ULTRACE_DECODE_OK) {
		return status;
	}
	payload = bt_event_borrow_payload_field_const(event);
	if (entry->index[F_DUMP_ID] != UINT64_MAX) {
		out->dump_id = (uint64_t) get_int(entry, payload, F_DUMP_ID);
	}
	if (entry->index[F_CONTACTS] != UINT64_MAX) {
		out->dump_contacts = (uint64_t) get_int(entry, payload,
			F_CONTACTS);
	}
	if (entry->index[F_AOR] != UINT64_MAX) {
		decode_contact(entry, payload, out);
	} else if (entry->index[F_REFRESH] != UINT64_MAX) {
		decode_refresh(bt_field_structure_borrow_member_field_by_index_const(
			payload, entry->index[F_REFRESH]), out);
	}
	if (entry->kind == ULTRACE_EVENT_REGISTRAR_CONFIG) {
		decode_registrar_config(entry, payload, out);
	} else if (entry->kind == ULTRACE_EVENT_REGISTRAR_COUNTERS) {
		out->registrar.counts.accepted = (uint64_t) get_int(entry,
			payload, F_ACCEPTED);
		out->registrar.counts.rejected = (uint64_t) get_int(entry,
			payload, F_REJECTED);
	}
	return ULTRACE_DECODE_OK;
}
