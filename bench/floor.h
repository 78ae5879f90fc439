/*
 * floor.h: bench-only call sites of LTTng's floor (bench/floor_tp.h), in
 * bench/libultrace-floor.so: compiled as libultrace's are (a shared
 * object, dynamic probe linkage, no LTTng library linked), the probes in a
 * provider loaded at run time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_FLOOR_H
#define ULTRACE_FLOOR_H

#include <stddef.h>
#include <stdint.h>

/* Records ultrace_floor:floor_int when a session enables it. */
void ultrace_floor_int(uint64_t value);
/* Records ultrace_floor:floor_blob, `len` bytes in one field. */
void ultrace_floor_blob(const uint8_t *bytes, uint32_t len);
/*
 * dlopens the floor's provider: $ULTRACE_FLOOR_PROVIDER, else the one in
 * the build tree. 0, or -1 with a message in errbuf.
 */
int ultrace_floor_load(char *errbuf, size_t errlen);

#endif /* ULTRACE_FLOOR_H */
