/*
 * contact_csv.h: the CSV row format of a contact, shared by
 * `ultrace-replay --format csv` and `ultrace-loadgen --truth` so that the
 * two can be compared byte for byte. No SNMP, no babeltrace2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_CONTACT_CSV_H
#define ULTRACE_CONTACT_CSV_H

#include <stdio.h>

#include "ultrace.h"

/* Column names, in order; `--indexes` prepends user_index,contact_index. */
#define ULTRACE_CSV_HEADER \
	"domain,aor,contact,display_name,received,path,user_agent,callid," \
	"cseq,q,expires,last_modified,flags,cflags,methods,ruid,instance," \
	"reg_id,socket"

/* One field, quoted as RFC 4180 asks when it holds , " CR or LF. */
void ultrace_csv_write_str(FILE *out, struct ultrace_str s);

/* All columns of ULTRACE_CSV_HEADER, without the line end. */
void ultrace_csv_write_contact(FILE *out, const struct ultrace_contact *c);

/*
 * Row order: by domain, then AOR, then contact URI, each compared as
 * bytes (memcmp, shorter first on a tie). Returns <0, 0, >0.
 */
int ultrace_contact_key_cmp(const struct ultrace_contact *a,
		const struct ultrace_contact *b);

#endif /* ULTRACE_CONTACT_CSV_H */
