/*
 * registry_sink.h: a babeltrace2 sink component class that applies
 * `ultrace` events to a registry. Knows babeltrace2 and the registry API;
 * nothing of SNMP, nothing of where the messages come from.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ULTRACE_REGISTRY_SINK_H
#define ULTRACE_REGISTRY_SINK_H

#include <babeltrace2/babeltrace.h>

#include "apply_engine.h"

/*
 * The component's initialize method data is a
 * struct ultrace_registry_sink_config (apply_engine.h), owned by the
 * caller.
 */
/* Creates the component class (a new reference; put it when done). */
bt_component_class_sink *ultrace_registry_sink_class_create(void);

#endif /* ULTRACE_REGISTRY_SINK_H */
