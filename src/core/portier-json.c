/* portier-json.c: the JSON-GLib idioms the core and portierctl share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "portier-json.h"

/**
 * portier_json_add_string:
 *
 * Adds the member @name to the object @builder is building: @value, or null when @value
 * is %NULL.
 */
void
portier_json_add_string (JsonBuilder *builder,
                         const char  *name,
                         const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * portier_json_get_string:
 *
 * Returns: (nullable) (transfer none): the member @name of @object when it is a string;
 *   %NULL when it is missing, null or of another type
 */
const char *
portier_json_get_string (JsonObject *object,
                         const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
