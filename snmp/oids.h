/*
 * oids.h: every KAMAILIO-SIP-SERVER-MIB registrar OID ultrace serves, the
 * column numbers of its tables, and the objects of ultrace's own health
 * group. Plain numbers: no net-snmp, no registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_SNMP_OIDS_H
#define ULTRACE_SNMP_OIDS_H

/*
 * Numeric only: Debian ships neither the IETF base MIBs nor anything that
 * would let net-snmp resolve these names, so nothing here depends on MIB
 * parsing. kamailioSIPServerObjects = enterprises.34352.3.1.2.1.
 */
#define ULTRACE_OID_SIP_SERVER_OBJECTS 1, 3, 6, 1, 4, 1, 34352, 3, 1, 2, 1

/* kamailioSIPRegCfg and kamailioSIPRegStats. */
#define ULTRACE_OID_REG_CFG ULTRACE_OID_SIP_SERVER_OBJECTS, 5
#define ULTRACE_OID_REG_STATS ULTRACE_OID_SIP_SERVER_OBJECTS, 6

/* Scalars (registered without their .0 instance). */
#define ULTRACE_OID_REG_CURRENT_USERS ULTRACE_OID_REG_CFG, 4
#define ULTRACE_OID_REG_USER_LOOKUP_COUNTER ULTRACE_OID_REG_CFG, 8
#define ULTRACE_OID_REG_ACCEPTED_REGISTRATIONS ULTRACE_OID_REG_STATS, 1
/* The registrar's own figures (registrar_config, registrar_counters). */
#define ULTRACE_OID_REG_MAX_CONTACT_EXPIRY_DURATION ULTRACE_OID_REG_CFG, 2
#define ULTRACE_OID_REG_MAX_USERS ULTRACE_OID_REG_CFG, 3
#define ULTRACE_OID_REG_DFLT_REG_ACTIVE_INTERVAL ULTRACE_OID_REG_CFG, 5
#define ULTRACE_OID_REG_REJECTED_REGISTRATIONS ULTRACE_OID_REG_STATS, 2

/* Tables: the table OID is what is registered; entries are table.1. */
#define ULTRACE_OID_REG_USER_TABLE ULTRACE_OID_REG_CFG, 6
#define ULTRACE_OID_CONTACT_TABLE ULTRACE_OID_REG_CFG, 7
#define ULTRACE_OID_REG_USER_LOOKUP_TABLE ULTRACE_OID_REG_CFG, 9

/* The entry sub-identifier under every table OID. */
#define ULTRACE_COLUMN_ENTRY 1

/* kamailioSIPRegUserEntry: INDEX { kamailioSIPUserIndex }. */
enum ultrace_user_column {
	ULTRACE_USER_COL_INDEX = 1,           /* not-accessible */
	ULTRACE_USER_COL_URI = 2,             /* SnmpAdminString */
	ULTRACE_USER_COL_AUTH_FAILURES = 3,   /* Counter32 */
	ULTRACE_USER_COL_MIN = ULTRACE_USER_COL_URI,
	ULTRACE_USER_COL_MAX = ULTRACE_USER_COL_AUTH_FAILURES,
};

/*
 * kamailioSIPContactEntry:
 * INDEX { kamailioSIPUserIndex, kamailioSIPContactIndex }.
 */
enum ultrace_contact_column {
	ULTRACE_CONTACT_COL_INDEX = 1,        /* not-accessible */
	ULTRACE_CONTACT_COL_DISPLAY_NAME = 2, /* SnmpAdminString */
	ULTRACE_CONTACT_COL_URI = 3,          /* SnmpAdminString */
	ULTRACE_CONTACT_COL_LAST_UPDATED = 4, /* DateAndTime */
	ULTRACE_CONTACT_COL_EXPIRY = 5,       /* DateAndTime */
	ULTRACE_CONTACT_COL_PREFERENCE = 6,   /* SnmpAdminString */
	ULTRACE_CONTACT_COL_MIN = ULTRACE_CONTACT_COL_DISPLAY_NAME,
	ULTRACE_CONTACT_COL_MAX = ULTRACE_CONTACT_COL_PREFERENCE,
};

/* kamailioSIPRegUserLookupEntry: INDEX { kamailioSIPRegUserLookupIndex }. */
enum ultrace_lookup_column {
	ULTRACE_LOOKUP_COL_INDEX = 1,         /* not-accessible */
	ULTRACE_LOOKUP_COL_URI = 2,           /* read-create SnmpAdminString */
	ULTRACE_LOOKUP_COL_USER_INDEX = 3,    /* read-only Unsigned32 */
	ULTRACE_LOOKUP_COL_ROW_STATUS = 4,    /* read-create RowStatus */
	ULTRACE_LOOKUP_COL_MIN = ULTRACE_LOOKUP_COL_URI,
	ULTRACE_LOOKUP_COL_MAX = ULTRACE_LOOKUP_COL_ROW_STATUS,
};

/*
 * ultrace's health group: scalars base.N.0 under a configurable base
 * (agent.h, ULTRACE_SNMP_HEALTH_OID_DEFAULT); doc/snmp.md, "Health".
 */
enum ultrace_health_object {
	ULTRACE_HEALTH_EVENTS_APPLIED = 1,       /* Counter64 */
	ULTRACE_HEALTH_EVENTS_DISCARDED = 2,     /* Counter64 */
	ULTRACE_HEALTH_PACKETS_DISCARDED = 3,    /* Counter64 */
	ULTRACE_HEALTH_ANOMALIES = 4,            /* Counter64 */
	ULTRACE_HEALTH_LAST_EVENT_TIME = 5,      /* DateAndTime */
	ULTRACE_HEALTH_LAG_P50 = 6,              /* Gauge32, ms */
	ULTRACE_HEALTH_LAG_P99 = 7,              /* Gauge32, ms */
	ULTRACE_HEALTH_LAG_MAX = 8,              /* Gauge32, ms */
	ULTRACE_HEALTH_STATEDUMPS_COMPLETE = 9,  /* Counter64 */
	ULTRACE_HEALTH_STATE = 10,               /* INTEGER */
	ULTRACE_HEALTH_SUSPECT_SINCE = 11,       /* DateAndTime */
	ULTRACE_HEALTH_SUSPECT_REASON = 12,      /* OCTET STRING */
	ULTRACE_HEALTH_TTL_EXPIRED = 13,         /* Counter64 */
	ULTRACE_HEALTH_TRUNCATED_VALUES = 14,    /* Counter64 */
	ULTRACE_HEALTH_DUMP_REPAIRED = 15,       /* Counter64 */
	ULTRACE_HEALTH_DUMP_REMOVED = 16,        /* Counter64 */
	ULTRACE_HEALTH_MALFORMED_EVENTS = 17,    /* Counter64 */
	ULTRACE_HEALTH_SOURCE_STATE = 18,        /* INTEGER */
	ULTRACE_HEALTH_USERS = 19,               /* Gauge32 */
	ULTRACE_HEALTH_CONTACTS = 20,            /* Gauge32 */
	ULTRACE_HEALTH_REATTACHMENTS = 21,       /* Counter64 */
	ULTRACE_HEALTH_LAG_LAST = 22,            /* Gauge32, ms */
	ULTRACE_HEALTH_MIN = ULTRACE_HEALTH_EVENTS_APPLIED,
	ULTRACE_HEALTH_MAX = ULTRACE_HEALTH_LAG_LAST,
};

#endif /* ULTRACE_SNMP_OIDS_H */
