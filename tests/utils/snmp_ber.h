/*
 * snmp_ber.h: SNMP messages in BER, by hand, for the tests: v1/v2c
 * requests built (well-formed or not), TLVs walked, a response read.
 * Knows no agent, no net-snmp, no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_BER_H
#define ULTRACE_SNMP_BER_H

#include <stddef.h>
#include <stdint.h>

/* Tags (RFC 3416, RFC 2578). */
#define SNMP_BER_INTEGER 0x02
#define SNMP_BER_OCTETS 0x04
#define SNMP_BER_NULL 0x05
#define SNMP_BER_OID 0x06
#define SNMP_BER_SEQUENCE 0x30
#define SNMP_BER_COUNTER32 0x41
#define SNMP_BER_GAUGE32 0x42
#define SNMP_BER_GET 0xa0
#define SNMP_BER_GETNEXT 0xa1
#define SNMP_BER_RESPONSE 0xa2
#define SNMP_BER_SET 0xa3
#define SNMP_BER_TRAP_V1 0xa4
#define SNMP_BER_GETBULK 0xa5
#define SNMP_BER_INFORM 0xa6
#define SNMP_BER_TRAP_V2 0xa7
#define SNMP_BER_REPORT 0xa8

#define SNMP_BER_OID_MAX 128

/*
 * A growing octet buffer. After a failed allocation `failed` is set and
 * nothing more is appended.
 */
struct snmp_ber {
	uint8_t *data;
	size_t len;
	size_t cap;
	int failed;
};

void snmp_ber_init(struct snmp_ber *b);
void snmp_ber_free(struct snmp_ber *b);
void snmp_ber_put(struct snmp_ber *b, const void *p, size_t n);
void snmp_ber_put_byte(struct snmp_ber *b, uint8_t c);
/* The length octets of `len`: short form below 128, else the shortest. */
void snmp_ber_put_len(struct snmp_ber *b, size_t len);
void snmp_ber_put_tlv(struct snmp_ber *b, uint8_t tag, const void *value,
		size_t len);
/* An INTEGER-like value under `tag`, two's complement, fewest octets. */
void snmp_ber_put_int(struct snmp_ber *b, uint8_t tag, int64_t v);
/* An OBJECT IDENTIFIER of n >= 2 sub-identifiers (first two packed). */
void snmp_ber_put_oid(struct snmp_ber *b, const uint32_t *sub, size_t n);

/* Dotted text ("1.3.6..." or ".1.3.6...") to sub-identifiers: n, or -1. */
int snmp_ber_oid_parse(const char *text, uint32_t *sub, size_t max);

/* One variable binding of a request: value NULL is an ASN.1 NULL. */
struct snmp_ber_varbind {
	const uint32_t *oid;
	size_t oid_len;
	uint8_t type;
	const void *value;
	size_t value_len;
};

/*
 * A community-based message: SEQUENCE { version, community, PDU `tag`
 * { request-id, a, b, varbinds } }, where a/b are error-status/index or
 * non-repeaters/max-repetitions. Appends to `out`; 0, or -1 on failure.
 */
int snmp_ber_request(struct snmp_ber *out, long version,
		const char *community, uint8_t tag, int32_t request_id,
		long a, long b, const struct snmp_ber_varbind *varbinds,
		size_t count);

/*
 * The TLV at p[0..len): its tag, where its value starts and its length,
 * and the octets the whole TLV takes. Definite lengths of up to 4 length
 * octets only. 0, or -1 if it is malformed or does not fit in `len`.
 */
int snmp_ber_read_tlv(const uint8_t *p, size_t len, uint8_t *tag,
		const uint8_t **value, size_t *value_len, size_t *total);

/* A community-based Response-PDU, and its first variable binding. */
struct snmp_ber_response {
	long version;
	int32_t request_id;
	long error_status;
	long error_index;
	size_t varbinds;
	uint32_t oid[SNMP_BER_OID_MAX];
	size_t oid_len;
	uint8_t type;
	const uint8_t *value;
	size_t value_len;
};

/* Read p[0..len) as one; 0, or -1 if it is not a well-formed one. */
int snmp_ber_read_response(const uint8_t *p, size_t len,
		struct snmp_ber_response *r);

/* An unsigned value (Gauge32, Counter32...) of `len` octets: 0 or -1. */
int snmp_ber_read_unsigned(const uint8_t *value, size_t len, uint64_t *out);

#endif /* ULTRACE_SNMP_BER_H */
