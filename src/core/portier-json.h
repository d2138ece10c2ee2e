/* portier-json.h: the JSON-GLib idioms the core and portierctl share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void        portier_json_add_string (JsonBuilder *builder,
                                     const char  *name,
                                     const char  *value);
const char *portier_json_get_string (JsonObject  *object,
                                     const char  *name);

G_END_DECLS
