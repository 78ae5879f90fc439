/*
 * lookup_table.c: registers and serves kamailioSIPRegUserLookupTable and
 * nothing else: rows created by SET (URI + RowStatus createAndGo), the
 * five SET phases with undo, reaping by a net-snmp alarm. Reads the
 * registry only to resolve a URI; no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "lookup_table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "oids.h"
#include "snmp_values.h"
#include "registration_store.h"
#include "table_walk.h"

#define LOOKUP_DEFAULT_TIMEOUT_S 60

static const oid lookup_table_oid[] = { ULTRACE_OID_REG_USER_LOOKUP_TABLE };
static const oid lookup_entry_oid[] = {
	ULTRACE_OID_REG_USER_LOOKUP_TABLE, ULTRACE_COLUMN_ENTRY,
};
#define LOOKUP_ENTRY_LEN OID_LENGTH(lookup_entry_oid)

struct lookup_row {
	uint32_t index;
	uint32_t user_index;          /* 0: no user has that AOR */
	unsigned int alarm;           /* the reaping alarm; 0: none */
	struct timeval created;       /* monotonic */
	size_t uri_len;
	char uri[ULTRACE_SNMP_ADMIN_STRING_MAX];
};

/* The rows, sorted by index: binary search, memmove of pointers. */
static struct lookup_row **rows;
static size_t row_count;
static unsigned int row_timeout_s;
static struct ultrace_snmp_source lookup_source;

/*
 * What one SET transaction changes, kept from RESERVE2 (which allocates)
 * through ACTION (which applies) to COMMIT, FREE or UNDO (which release
 * or revert). AgentX delivers each phase as a new request: the varbinds
 * come again, nothing else does, hence this state keyed by transaction.
 */
enum txn_op {
	TXN_CREATE,
	TXN_DESTROY,
};

struct txn_item {
	enum txn_op op;
	uint32_t index;
	/*
	 * CREATE: the new row, ours until ACTION inserts it. DESTROY: the
	 * removed row, kept until COMMIT frees it or UNDO puts it back.
	 */
	struct lookup_row *row;
	int applied;
};

struct lookup_txn {
	long transid;
	size_t count;
	struct txn_item items[];
};

static struct lookup_txn *pending;

/* What the varbinds of one request ask of one row. */
struct row_change {
	uint32_t index;
	netsnmp_request_info *uri_req;
	netsnmp_request_info *status_req;
	long status;                  /* RS_NONEXISTENT: not set */
	int failed;
};

enum change_op {
	CHANGE_NONE,
	CHANGE_CREATE,
	CHANGE_DESTROY,
	CHANGE_ERROR,
};

/* --- rows ------------------------------------------------------------- */

/* The first position whose row index is >= `index`. */
static size_t row_position(uint32_t index)
{
	size_t lo = 0;
	size_t hi = row_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rows[mid]->index < index) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static struct lookup_row *row_find(uint32_t index)
{
	size_t pos = row_position(index);

	return pos < row_count && rows[pos]->index == index ? rows[pos] : NULL;
}

/* Insert a row whose index is absent; the caller checked the room. */
static void row_insert(struct lookup_row *row)
{
	size_t pos = row_position(row->index);

	memmove(&rows[pos + 1], &rows[pos], (row_count - pos) * sizeof(*rows));
	rows[pos] = row;
	row_count++;
}

/* Take the row out of the table and cancel its alarm; NULL if absent. */
static struct lookup_row *row_detach(uint32_t index)
{
	size_t pos = row_position(index);
	struct lookup_row *row;

	if (pos >= row_count || rows[pos]->index != index) {
		return NULL;
	}
	row = rows[pos];
	memmove(&rows[pos], &rows[pos + 1],
		(row_count - pos - 1) * sizeof(*rows));
	row_count--;
	if (row->alarm != 0) {
		snmp_alarm_unregister(row->alarm);
		row->alarm = 0;
	}
	return row;
}

/* Non-zero while a SET transaction not yet finished refers to `row`. */
static int row_in_pending(const struct lookup_row *row)
{
	size_t i;

	for (i = 0; pending != NULL && i < pending->count; i++) {
		if (pending->items[i].row == row) {
			return 1;
		}
	}
	return 0;
}

static void row_reap(unsigned int reg, void *clientarg)
{
	uint32_t index = (uint32_t) (uintptr_t) clientarg;
	struct lookup_row *row = row_find(index);

	/* A row destroyed and created again since has another alarm. */
	if (row == NULL || row->alarm != reg) {
		return;
	}
	/* A one-shot alarm is gone once it has run. */
	row->alarm = 0;
	if (row_in_pending(row)) {
		/* Its UNDO may still come and free it: try again later. */
		row->alarm = snmp_alarm_register(1, 0, row_reap,
			(void *) (uintptr_t) row->index);
		return;
	}
	free(row_detach(index));
}

/* Reap the row `timeout_s` after its creation (at least 1 s from now). */
static void row_arm(struct lookup_row *row)
{
	struct timeval now;
	long age;
	unsigned int left = row_timeout_s;

	netsnmp_get_monotonic_clock(&now);
	age = (long) (now.tv_sec - row->created.tv_sec);
	if (age > 0) {
		left = age >= (long) row_timeout_s ? 1 :
			row_timeout_s - (unsigned int) age;
	}
	row->alarm = snmp_alarm_register(left, 0, row_reap,
		(void *) (uintptr_t) row->index);
	if (row->alarm == 0) {
		snmp_log(LOG_WARNING, "ultrace: cannot arm the reaping of "
			"lookup row %u\n", (unsigned int) row->index);
	}
}

/* --- GET / GETNEXT ------------------------------------------------------ */

static const void *lookup_borrow_row(void *data, const uint32_t *index)
{
	(void) data;
	return row_find(index[0]);
}

static const void *lookup_borrow_row_ge(void *data, const uint32_t *index,
		uint32_t *found)
{
	size_t pos = row_position(index[0]);

	(void) data;
	if (pos >= row_count) {
		return NULL;
	}
	found[0] = rows[pos]->index;
	return rows[pos];
}

static void lookup_serve(void *data, const void *ptr, unsigned int column,
		netsnmp_variable_list *var)
{
	const struct lookup_row *row = ptr;
	u_long user_index = row->user_index;
	long status = RS_ACTIVE;

	(void) data;
	switch (column) {
	case ULTRACE_LOOKUP_COL_URI:
		snmp_set_var_typed_value(var, ASN_OCTET_STR, row->uri,
			row->uri_len);
		break;
	case ULTRACE_LOOKUP_COL_USER_INDEX:
		snmp_set_var_typed_value(var, ASN_UNSIGNED,
			(const u_char *) &user_index, sizeof(user_index));
		break;
	case ULTRACE_LOOKUP_COL_ROW_STATUS:
		/* The lookup is done at creation: a row is always active. */
		snmp_set_var_typed_value(var, ASN_INTEGER,
			(const u_char *) &status, sizeof(status));
		break;
	default:
		snmp_set_var_typed_value(var, SNMP_NOSUCHOBJECT, NULL, 0);
		break;
	}
}

static const struct ultrace_table_walk lookup_walk = {
	.entry = lookup_entry_oid,
	.entry_len = LOOKUP_ENTRY_LEN,
	.index_count = 1,
	.column_min = ULTRACE_LOOKUP_COL_MIN,
	.column_max = ULTRACE_LOOKUP_COL_MAX,
	.borrow_row = lookup_borrow_row,
	.borrow_row_ge = lookup_borrow_row_ge,
	.serve = lookup_serve,
};

/* --- SET ---------------------------------------------------------------- */

/*
 * Checks of one varbind on its own, in RFC 3416's order (4.2.5):
 * notWritable, wrongType, wrongLength, wrongValue, noCreation.
 * `*index` is set (non-zero) whenever the OID names a valid row, even
 * if the value is wrong.
 */
static int check_varbind(const netsnmp_variable_list *var,
		unsigned int *column, uint32_t *index)
{
	const oid *name = var->name;
	size_t len = var->name_length;
	uint32_t parsed[1];
	unsigned int col;
	long status;

	*index = 0;
	if (len <= LOOKUP_ENTRY_LEN || snmp_oid_compare(name,
			LOOKUP_ENTRY_LEN, lookup_entry_oid,
			LOOKUP_ENTRY_LEN) != 0) {
		return SNMP_ERR_NOTWRITABLE;
	}
	if (ultrace_table_walk_parse(&lookup_walk, name, len, &col,
			parsed) == 0 && parsed[0] != 0) {
		*index = parsed[0];
	}
	col = (unsigned int) ultrace_table_walk_subid(name[LOOKUP_ENTRY_LEN]);
	if (col == ULTRACE_LOOKUP_COL_URI) {
		if (var->type != ASN_OCTET_STR) {
			return SNMP_ERR_WRONGTYPE;
		}
		if (var->val_len > ULTRACE_SNMP_ADMIN_STRING_MAX) {
			return SNMP_ERR_WRONGLENGTH;
		}
	} else if (col == ULTRACE_LOOKUP_COL_ROW_STATUS) {
		if (var->type != ASN_INTEGER) {
			return SNMP_ERR_WRONGTYPE;
		}
		if (var->val_len != sizeof(long)) {
			return SNMP_ERR_WRONGLENGTH;
		}
		status = *var->val.integer;
		/*
		 * notReady is never written (RFC 2579); createAndWait is
		 * not supported: a lookup needs only createAndGo.
		 */
		if (status < RS_ACTIVE || status > RS_DESTROY ||
				status == RS_NOTREADY ||
				status == RS_CREATEANDWAIT) {
			return SNMP_ERR_WRONGVALUE;
		}
	} else {
		/* The index, kamailioSIPRegUserIndex, or no column at all. */
		return SNMP_ERR_NOTWRITABLE;
	}
	if (*index == 0) {
		/* Index 0, above 2^32-1, missing or too long. */
		return SNMP_ERR_NOCREATION;
	}
	*column = col;
	return SNMP_ERR_NOERROR;
}

static struct row_change *change_for(struct row_change *changes,
		size_t *count, uint32_t index)
{
	size_t i;

	for (i = 0; i < *count; i++) {
		if (changes[i].index == index) {
			return &changes[i];
		}
	}
	memset(&changes[*count], 0, sizeof(changes[*count]));
	changes[*count].index = index;
	return &changes[(*count)++];
}

static void fail(netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *request, int error, int report)
{
	if (report) {
		netsnmp_set_request_error(reqinfo, request, error);
	}
}

/*
 * Group the varbinds by row. With `report`, a varbind that fails its
 * own checks gets its error; without, it is just left out. Returns the
 * number of rows in `*out` (to free), or -1 if out of memory.
 */
static long collect_changes(netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests, int report,
		struct row_change **out)
{
	netsnmp_request_info *request;
	struct row_change *changes;
	size_t count = 0;
	size_t n = 0;

	for (request = requests; request != NULL; request = request->next) {
		n++;
	}
	changes = calloc(n > 0 ? n : 1, sizeof(*changes));
	if (changes == NULL) {
		return -1;
	}
	for (request = requests; request != NULL; request = request->next) {
		netsnmp_variable_list *var = request->requestvb;
		struct row_change *change;
		unsigned int column;
		uint32_t index;
		int error = check_varbind(var, &column, &index);

		if (error != SNMP_ERR_NOERROR) {
			fail(reqinfo, request, error, report);
			if (index != 0) {
				/* One error per row: the first is the cause. */
				change_for(changes, &count, index)->failed = 1;
			}
			continue;
		}
		change = change_for(changes, &count, index);
		if (column == ULTRACE_LOOKUP_COL_URI) {
			if (change->uri_req != NULL) {
				/* The same object twice in one PDU. */
				fail(reqinfo, request,
					SNMP_ERR_INCONSISTENTVALUE, report);
				change->failed = 1;
				continue;
			}
			change->uri_req = request;
		} else {
			if (change->status_req != NULL) {
				fail(reqinfo, request,
					SNMP_ERR_INCONSISTENTVALUE, report);
				change->failed = 1;
				continue;
			}
			change->status_req = request;
			change->status = *var->val.integer;
		}
	}
	*out = changes;
	return (long) count;
}

/*
 * What a row's varbinds do given whether the row exists (RFC 2579's
 * RowStatus state table, restricted to createAndGo and destroy). On
 * CHANGE_ERROR, `*error` and `*culprit` say what to report where.
 */
static enum change_op change_op(const struct row_change *change, int exists,
		int *error, netsnmp_request_info **culprit)
{
	*error = SNMP_ERR_INCONSISTENTVALUE;
	*culprit = change->status_req;
	if (change->failed) {
		*culprit = NULL;
		return CHANGE_ERROR;
	}
	switch (change->status) {
	case RS_CREATEANDGO:
		/* Exists already, or nothing to look up: inconsistent. */
		if (exists || change->uri_req == NULL) {
			return CHANGE_ERROR;
		}
		return CHANGE_CREATE;
	case RS_ACTIVE:
		if (!exists) {
			return CHANGE_ERROR;
		}
		if (change->uri_req != NULL) {
			/* The URI of a done lookup does not change. */
			*culprit = change->uri_req;
			return CHANGE_ERROR;
		}
		return CHANGE_NONE;
	case RS_NOTINSERVICE:
		/* A row is active from its creation to its end. */
		return CHANGE_ERROR;
	case RS_DESTROY:
		/* Destroying a row that is not there is no error. */
		return exists ? CHANGE_DESTROY : CHANGE_NONE;
	default:
		/* A URI without a RowStatus. */
		*culprit = change->uri_req;
		if (!exists) {
			/* No implicit creation (RFC 2579). */
			*error = SNMP_ERR_INCONSISTENTNAME;
		}
		return CHANGE_ERROR;
	}
}

static long request_transid(const netsnmp_agent_request_info *reqinfo)
{
	if (reqinfo->asp == NULL || reqinfo->asp->pdu == NULL) {
		return -1;
	}
	return reqinfo->asp->pdu->transid;
}

static void txn_destroy(struct lookup_txn *txn)
{
	size_t i;

	if (txn == NULL) {
		return;
	}
	for (i = 0; i < txn->count; i++) {
		struct txn_item *item = &txn->items[i];

		/* Rows not (or no longer) in the table are still ours. */
		if ((item->op == TXN_CREATE && !item->applied) ||
				(item->op == TXN_DESTROY && item->applied)) {
			free(item->row);
		}
	}
	free(txn);
}

static void set_reserve1(netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests)
{
	struct row_change *changes;
	long count = collect_changes(reqinfo, requests, 1, &changes);
	long i;

	if (count < 0) {
		netsnmp_set_request_error(reqinfo, requests,
			SNMP_ERR_RESOURCEUNAVAILABLE);
		return;
	}
	for (i = 0; i < count; i++) {
		netsnmp_request_info *culprit;
		int error;

		if (change_op(&changes[i], row_find(changes[i].index) != NULL,
				&error, &culprit) == CHANGE_ERROR &&
				culprit != NULL) {
			netsnmp_set_request_error(reqinfo, culprit, error);
		}
	}
	free(changes);
}

/* Allocate the new rows and check the room: nothing can fail after. */
static void set_reserve2(netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests)
{
	struct row_change *changes = NULL;
	struct lookup_txn *txn = NULL;
	long count = collect_changes(reqinfo, requests, 0, &changes);
	size_t rows_after = row_count;
	long i;

	/* A transaction the master never finished (it died meanwhile). */
	txn_destroy(pending);
	pending = NULL;
	if (count < 0) {
		goto nomem;
	}
	txn = calloc(1, sizeof(*txn) + (size_t) count * sizeof(txn->items[0]));
	if (txn == NULL) {
		goto nomem;
	}
	txn->transid = request_transid(reqinfo);
	for (i = 0; i < count; i++) {
		const struct row_change *change = &changes[i];
		const netsnmp_variable_list *uri;
		struct txn_item *item = &txn->items[txn->count];
		netsnmp_request_info *culprit;
		int error;

		switch (change_op(change, row_find(change->index) != NULL,
				&error, &culprit)) {
		case CHANGE_CREATE:
			if (rows_after >= ULTRACE_LOOKUP_ROWS_MAX) {
				netsnmp_set_request_error(reqinfo,
					change->status_req,
					SNMP_ERR_RESOURCEUNAVAILABLE);
				goto error;
			}
			item->row = calloc(1, sizeof(*item->row));
			if (item->row == NULL) {
				netsnmp_set_request_error(reqinfo,
					change->status_req,
					SNMP_ERR_RESOURCEUNAVAILABLE);
				goto error;
			}
			uri = change->uri_req->requestvb;
			item->row->index = change->index;
			item->row->uri_len = uri->val_len;
			memcpy(item->row->uri, uri->val.string, uri->val_len);
			item->op = TXN_CREATE;
			item->index = change->index;
			txn->count++;
			rows_after++;
			break;
		case CHANGE_DESTROY:
			item->op = TXN_DESTROY;
			item->index = change->index;
			txn->count++;
			rows_after--;
			break;
		case CHANGE_NONE:
		case CHANGE_ERROR:
			/* RESERVE1 reported the errors already. */
			break;
		}
	}
	/* Kept for ACTION, then COMMIT, FREE or UNDO. */
	pending = txn;
	txn = NULL;
	goto end;

nomem:
	netsnmp_set_request_error(reqinfo, requests,
		SNMP_ERR_RESOURCEUNAVAILABLE);
error:
end:
	txn_destroy(txn);
	free(changes);
}

/* The transaction of this request, or NULL (answered with an error). */
static struct lookup_txn *txn_of(netsnmp_agent_request_info *reqinfo)
{
	if (pending == NULL || pending->transid != request_transid(reqinfo)) {
		return NULL;
	}
	return pending;
}

/* URIs resolve in `source`: the registry of the request's context. */
static void set_action(netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests,
		const struct ultrace_snmp_source *source)
{
	struct lookup_txn *txn = txn_of(reqinfo);
	size_t i;

	if (txn == NULL) {
		netsnmp_set_request_error(reqinfo, requests,
			SNMP_ERR_COMMITFAILED);
		return;
	}
	/* One lock hold for every lookup of the request. */
	pthread_mutex_lock(source->lock);
	for (i = 0; i < txn->count; i++) {
		struct txn_item *item = &txn->items[i];
		const struct ultrace_registry_user *user;
		struct ultrace_str uri;

		if (item->op == TXN_DESTROY) {
			/* NULL if reaped since RESERVE1: nothing to undo. */
			item->row = row_detach(item->index);
			item->applied = item->row != NULL;
			continue;
		}
		if (row_find(item->index) != NULL) {
			/* Only if reserve checks were bypassed: refuse. */
			netsnmp_set_request_error(reqinfo, requests,
				SNMP_ERR_COMMITFAILED);
			break;
		}
		uri.s = item->row->uri;
		uri.len = item->row->uri_len;
		user = ultrace_registry_borrow_user_by_aor(source->registry,
			uri);
		item->row->user_index = user != NULL ?
			ultrace_registry_user_get_index(user) : 0;
		netsnmp_get_monotonic_clock(&item->row->created);
		row_insert(item->row);
		row_arm(item->row);
		item->applied = 1;
	}
	pthread_mutex_unlock(source->lock);
}

static void set_undo(netsnmp_agent_request_info *reqinfo)
{
	struct lookup_txn *txn = txn_of(reqinfo);
	size_t i;

	if (txn == NULL) {
		return;
	}
	for (i = txn->count; i-- > 0;) {
		struct txn_item *item = &txn->items[i];

		if (!item->applied) {
			continue;
		}
		if (item->op == TXN_CREATE) {
			/* The alarm may have reaped it already. */
			if (row_find(item->index) == item->row) {
				row_detach(item->index);
			}
			/* Not in the table any more: ours to free. */
			item->applied = 0;
		} else if (row_find(item->index) == NULL &&
				row_count < ULTRACE_LOOKUP_ROWS_MAX) {
			row_insert(item->row);
			row_arm(item->row);
			item->applied = 0;
		}
	}
	txn_destroy(txn);
	pending = NULL;
}

static void set_release(netsnmp_agent_request_info *reqinfo)
{
	/* COMMIT keeps what ACTION did; FREE follows a failed RESERVE. */
	if (txn_of(reqinfo) != NULL) {
		txn_destroy(pending);
		pending = NULL;
	}
}

static int lookup_table_handler(netsnmp_mib_handler *handler,
		netsnmp_handler_registration *reginfo,
		netsnmp_agent_request_info *reqinfo,
		netsnmp_request_info *requests)
{
	const struct ultrace_snmp_source *source =
		handler->myvoid != NULL ? handler->myvoid : &lookup_source;

	(void) reginfo;
	switch (reqinfo->mode) {
	case MODE_GET:
		ultrace_table_walk_get(&lookup_walk, NULL, requests);
		break;
	case MODE_GETNEXT:
		ultrace_table_walk_getnext(&lookup_walk, NULL, requests);
		break;
	case MODE_SET_RESERVE1:
		set_reserve1(reqinfo, requests);
		break;
	case MODE_SET_RESERVE2:
		set_reserve2(reqinfo, requests);
		break;
	case MODE_SET_ACTION:
		set_action(reqinfo, requests, source);
		break;
	case MODE_SET_UNDO:
		set_undo(reqinfo);
		break;
	case MODE_SET_COMMIT:
	case MODE_SET_FREE:
		set_release(reqinfo);
		break;
	default:
		break;
	}
	return SNMP_ERR_NOERROR;
}

int init_ultrace_lookup_table(const struct ultrace_snmp_source *source,
		unsigned int timeout_s)
{
	netsnmp_handler_registration *reg;
	int ret = -1;

	lookup_source = *source;
	row_timeout_s = timeout_s > 0 ? timeout_s : LOOKUP_DEFAULT_TIMEOUT_S;
	rows = calloc(ULTRACE_LOOKUP_ROWS_MAX, sizeof(*rows));
	if (rows == NULL) {
		goto end;
	}
	row_count = 0;
	reg = netsnmp_create_handler_registration(
		"kamailioSIPRegUserLookupTable", lookup_table_handler,
		lookup_table_oid, OID_LENGTH(lookup_table_oid),
		HANDLER_CAN_RWRITE);
	if (reg == NULL) {
		goto error;
	}
	/* Frees `reg` on failure. */
	if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		goto error;
	}
	ret = 0;
	goto end;

error:
	free(rows);
	rows = NULL;
end:
	return ret;
}

int ultrace_lookup_table_add_context(const struct ultrace_snmp_source *source,
		const char *context)
{
	struct ultrace_snmp_source *src = ultrace_snmp_store_alloc(
		sizeof(*src));
	netsnmp_handler_registration *reg;

	if (src == NULL || rows == NULL) {
		return -1;
	}
	*src = *source;
	reg = netsnmp_create_handler_registration(
		"kamailioSIPRegUserLookupTable", lookup_table_handler,
		lookup_table_oid, OID_LENGTH(lookup_table_oid),
		HANDLER_CAN_RWRITE);
	if (reg == NULL) {
		return -1;
	}
	reg->handler->myvoid = src;
	if (ultrace_snmp_registration_set_context(reg, context) != 0) {
		return -1;
	}
	/* Frees `reg` on failure. */
	return netsnmp_register_handler(reg) == MIB_REGISTERED_OK ? 0 : -1;
}

void shutdown_ultrace_lookup_table(void)
{
	txn_destroy(pending);
	pending = NULL;
	while (row_count > 0) {
		free(row_detach(rows[row_count - 1]->index));
	}
	free(rows);
	rows = NULL;
}
