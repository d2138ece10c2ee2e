/* fuzz-ledger.c: libFuzzer target for reading ledger entries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>

#include "portier-ledger.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(PortierOpening) opening = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) size, NULL) ||
      (root = json_parser_get_root (parser)) == NULL)
    return 0;

  opening = portier_opening_deserialize (root, &error);
  if (opening != NULL)
    {
      /* What is read writes back and reads again as the same entry. */
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(PortierOpening) again = NULL;

      portier_opening_serialize (opening, builder);
      node = json_builder_get_root (builder);
      again = portier_opening_deserialize (node, NULL);
      g_assert_nonnull (again);
      g_assert_cmpstr (again->id, ==, opening->id);
      g_assert_cmpuint (again->mappings->len, ==, opening->mappings->len);
      g_assert_cmpuint (again->rules->len, ==, opening->rules->len);
    }
  else
    g_assert_nonnull (error);
  return 0;
}
