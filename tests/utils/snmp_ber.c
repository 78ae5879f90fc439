/*
 * snmp_ber.c: SNMP messages in BER, by hand, for the tests (snmp_ber.h).
 * Knows no agent, no net-snmp, no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "snmp_ber.h"

#include <stdlib.h>
#include <string.h>

void snmp_ber_init(struct snmp_ber *b)
{
	memset(b, 0, sizeof(*b));
}

void snmp_ber_free(struct snmp_ber *b)
{
	free(b->data);
	snmp_ber_init(b);
}

void snmp_ber_put(struct snmp_ber *b, const void *p, size_t n)
{
	if (b->failed || n == 0) {
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *data;

		while (cap < b->len + n) {
			cap *= 2;
		}
		data = realloc(b->data, cap);
		if (data == NULL) {
			b->failed = 1;
			return;
		}
		b->data = data;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void snmp_ber_put_byte(struct snmp_ber *b, uint8_t c)
{
	snmp_ber_put(b, &c, 1);
}

void snmp_ber_put_len(struct snmp_ber *b, size_t len)
{
	uint8_t octets[sizeof(size_t) + 1];
	size_t n = 0;
	size_t v = len;

	if (len < 128) {
		snmp_ber_put_byte(b, (uint8_t) len);
		return;
	}
	while (v > 0) {
		octets[sizeof(octets) - 1 - n++] = (uint8_t) (v & 0xff);
		v >>= 8;
	}
	octets[sizeof(octets) - 1 - n] = (uint8_t) (0x80 | n);
	snmp_ber_put(b, octets + sizeof(octets) - 1 - n, n + 1);
}

void snmp_ber_put_tlv(struct snmp_ber *b, uint8_t tag, const void *value,
		size_t len)
{
	snmp_ber_put_byte(b, tag);
	snmp_ber_put_len(b, len);
	snmp_ber_put(b, value, len);
}

void snmp_ber_put_int(struct snmp_ber *b, uint8_t tag, int64_t v)
{
	uint8_t octets[8];
	int n = 8;
	int i;

	for (i = 0; i < 8; i++) {
		octets[7 - i] = (uint8_t) (((uint64_t) v >> (8 * i)) & 0xff);
	}
	/* Drop leading octets that only repeat the sign. */
	i = 0;
	while (n > 1 && ((octets[i] == 0x00 && !(octets[i + 1] & 0x80)) ||
			(octets[i] == 0xff && (octets[i + 1] & 0x80)))) {
		i++;
		n--;
	}
	snmp_ber_put_tlv(b, tag, octets + i, (size_t) n);
}

/* One sub-identifier in base 128, high groups first. */
static void put_subid(struct snmp_ber *b, uint64_t v)
{
	uint8_t octets[10];
	int n = 0;

	do {
		octets[9 - n] = (uint8_t) ((v & 0x7f) | (n > 0 ? 0x80 : 0));
		v >>= 7;
		n++;
	} while (v > 0);
	snmp_ber_put(b, octets + 10 - n, (size_t) n);
}

void snmp_ber_put_oid(struct snmp_ber *b, const uint32_t *sub, size_t n)
{
	struct snmp_ber body;
	size_t i;

	snmp_ber_init(&body);
	if (n >= 2) {
		put_subid(&body, (uint64_t) sub[0] * 40 + sub[1]);
	}
	for (i = 2; i < n; i++) {
		put_subid(&body, sub[i]);
	}
	if (body.failed) {
		b->failed = 1;
	}
	snmp_ber_put_tlv(b, SNMP_BER_OID, body.data, body.len);
	snmp_ber_free(&body);
}

int snmp_ber_oid_parse(const char *text, uint32_t *sub, size_t max)
{
	const char *p = text;
	size_t n = 0;

	if (*p == '.') {
		p++;
	}
	while (*p != '\0') {
		uint64_t v = 0;

		if (*p < '0' || *p > '9' || n == max) {
			return -1;
		}
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (uint64_t) (*p++ - '0');
			if (v > UINT32_MAX) {
				return -1;
			}
		}
		sub[n++] = (uint32_t) v;
		if (*p == '.') {
			p++;
			if (*p == '\0') {
				return -1;
			}
		} else if (*p != '\0') {
			return -1;
		}
	}
	return n >= 2 ? (int) n : -1;
}

int snmp_ber_request(struct snmp_ber *out, long version,
		const char *community, uint8_t tag, int32_t request_id,
		long a, long b, const struct snmp_ber_varbind *varbinds,
		size_t count)
{
	struct snmp_ber list;
	struct snmp_ber pdu;
	struct snmp_ber msg;
	size_t i;
	int ret = -1;

	snmp_ber_init(&list);
	snmp_ber_init(&pdu);
	snmp_ber_init(&msg);
	for (i = 0; i < count; i++) {
		const struct snmp_ber_varbind *v = &varbinds[i];
		struct snmp_ber vb;

		snmp_ber_init(&vb);
		snmp_ber_put_oid(&vb, v->oid, v->oid_len);
		if (v->value == NULL && v->type == 0) {
			snmp_ber_put_tlv(&vb, SNMP_BER_NULL, NULL, 0);
		} else {
			snmp_ber_put_tlv(&vb, v->type, v->value, v->value_len);
		}
		if (vb.failed) {
			list.failed = 1;
		}
		snmp_ber_put_tlv(&list, SNMP_BER_SEQUENCE, vb.data, vb.len);
		snmp_ber_free(&vb);
	}
	snmp_ber_put_int(&pdu, SNMP_BER_INTEGER, request_id);
	snmp_ber_put_int(&pdu, SNMP_BER_INTEGER, a);
	snmp_ber_put_int(&pdu, SNMP_BER_INTEGER, b);
	snmp_ber_put_tlv(&pdu, SNMP_BER_SEQUENCE, list.data, list.len);
	snmp_ber_put_int(&msg, SNMP_BER_INTEGER, version);
	snmp_ber_put_tlv(&msg, SNMP_BER_OCTETS, community, strlen(community));
	snmp_ber_put_tlv(&msg, tag, pdu.data, pdu.len);
	snmp_ber_put_tlv(out, SNMP_BER_SEQUENCE, msg.data, msg.len);
	if (list.failed || pdu.failed || msg.failed || out->failed) {
		goto end;
	}
	ret = 0;
end:
	snmp_ber_free(&list);
	snmp_ber_free(&pdu);
	snmp_ber_free(&msg);
	return ret;
}

int snmp_ber_read_tlv(const uint8_t *p, size_t len, uint8_t *tag,
		const uint8_t **value, size_t *value_len, size_t *total)
{
	size_t head = 2;
	size_t vlen;

	if (len < 2) {
		return -1;
	}
	*tag = p[0];
	if ((p[0] & 0x1f) == 0x1f) {
		/* High tag numbers: SNMP has none. */
		return -1;
	}
	if (p[1] < 0x80) {
		vlen = p[1];
	} else {
		size_t n = p[1] & 0x7f;
		size_t i;

		if (n == 0 || n > 4 || len < 2 + n) {
			return -1;
		}
		vlen = 0;
		for (i = 0; i < n; i++) {
			vlen = (vlen << 8) | p[2 + i];
		}
		head += n;
	}
	if (vlen > len - head) {
		return -1;
	}
	*value = p + head;
	*value_len = vlen;
	*total = head + vlen;
	return 0;
}

/* A signed INTEGER of at most 8 octets under `want`: 0 or -1. */
static int read_int(const uint8_t **p, size_t *len, uint8_t want, int64_t *out)
{
	const uint8_t *value;
	size_t vlen;
	size_t total;
	uint8_t tag;
	uint64_t v;
	size_t i;

	if (snmp_ber_read_tlv(*p, *len, &tag, &value, &vlen, &total) != 0 ||
			tag != want || vlen == 0 || vlen > 8) {
		return -1;
	}
	v = (value[0] & 0x80) ? UINT64_MAX : 0;
	for (i = 0; i < vlen; i++) {
		v = (v << 8) | value[i];
	}
	*out = (int64_t) v;
	*p += total;
	*len -= total;
	return 0;
}

static int read_oid(const uint8_t *value, size_t len, uint32_t *sub,
		size_t *n)
{
	size_t i = 0;
	size_t count = 0;

	while (i < len) {
		uint64_t v = 0;

		do {
			if (i == len || v > (UINT32_MAX >> 7)) {
				return -1;
			}
			v = (v << 7) | (value[i] & 0x7f);
		} while (value[i++] & 0x80);
		if (count == 0) {
			if (count + 2 > SNMP_BER_OID_MAX) {
				return -1;
			}
			sub[count++] = v < 80 ? (uint32_t) (v / 40) : 2;
			sub[count++] = (uint32_t) (v < 80 ? v % 40 : v - 80);
		} else {
			if (count == SNMP_BER_OID_MAX) {
				return -1;
			}
			sub[count++] = (uint32_t) v;
		}
	}
	*n = count;
	return count >= 2 ? 0 : -1;
}

int snmp_ber_read_response(const uint8_t *p, size_t len,
		struct snmp_ber_response *r)
{
	const uint8_t *value;
	size_t vlen;
	size_t total;
	uint8_t tag;
	int64_t v;

	memset(r, 0, sizeof(*r));
	if (snmp_ber_read_tlv(p, len, &tag, &value, &vlen, &total) != 0 ||
			tag != SNMP_BER_SEQUENCE || total != len) {
		return -1;
	}
	p = value;
	len = vlen;
	if (read_int(&p, &len, SNMP_BER_INTEGER, &v) != 0) {
		return -1;
	}
	r->version = (long) v;
	/* The community. */
	if (snmp_ber_read_tlv(p, len, &tag, &value, &vlen, &total) != 0 ||
			tag != SNMP_BER_OCTETS) {
		return -1;
	}
	p += total;
	len -= total;
	if (snmp_ber_read_tlv(p, len, &tag, &value, &vlen, &total) != 0 ||
			tag != SNMP_BER_RESPONSE || total != len) {
		return -1;
	}
	p = value;
	len = vlen;
	if (read_int(&p, &len, SNMP_BER_INTEGER, &v) != 0) {
		return -1;
	}
	r->request_id = (int32_t) v;
	if (read_int(&p, &len, SNMP_BER_INTEGER, &v) != 0) {
		return -1;
	}
	r->error_status = (long) v;
	if (read_int(&p, &len, SNMP_BER_INTEGER, &v) != 0) {
		return -1;
	}
	r->error_index = (long) v;
	if (snmp_ber_read_tlv(p, len, &tag, &value, &vlen, &total) != 0 ||
			tag != SNMP_BER_SEQUENCE || total != len) {
		return -1;
	}
	p = value;
	len = vlen;
	while (len > 0) {
		const uint8_t *vb;
		size_t vb_len;
		const uint8_t *name;
		size_t name_len;
		size_t name_total;

		if (snmp_ber_read_tlv(p, len, &tag, &vb, &vb_len, &total) != 0 ||
				tag != SNMP_BER_SEQUENCE) {
			return -1;
		}
		p += total;
		len -= total;
		if (snmp_ber_read_tlv(vb, vb_len, &tag, &name, &name_len,
				&name_total) != 0 || tag != SNMP_BER_OID) {
			return -1;
		}
		if (r->varbinds++ > 0) {
			continue;
		}
		if (read_oid(name, name_len, r->oid, &r->oid_len) != 0 ||
				snmp_ber_read_tlv(vb + name_total,
					vb_len - name_total, &r->type,
					&r->value, &r->value_len,
					&total) != 0 ||
				name_total + total != vb_len) {
			return -1;
		}
	}
	return 0;
}

int snmp_ber_read_unsigned(const uint8_t *value, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	/* Up to 4 octets, or 5 with a leading zero. */
	if (len == 0 || len > 5 || (len == 5 && value[0] != 0)) {
		return -1;
	}
	for (i = 0; i < len; i++) {
		v = (v << 8) | value[i];
	}
	*out = v;
	return 0;
}
