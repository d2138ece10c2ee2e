/* portier-router-record.c: a small local record of the router forwards Portier made
 *
 * Just enough to close what was opened by id, to remove permanent leases, and to find
 * NAT-PMP forwards (which a router cannot list) again: one JSON file in
 * $XDG_STATE_HOME/portier/, written atomically. It stands apart on purpose, so the full
 * ledger can replace it. The router itself stays the truth: closing works without this
 * record too, from the tag in each mapping's description.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "portier-error.h"
#include "portier-router-record.h"

#define RECORD_VERSION 1
#define RECORD_MAX_SIZE (4 * 1024 * 1024)
#define RECORD_MAX_OPENINGS 1024

struct _PortierRouterRecord
{
  GObject    parent_instance;

  char      *path;
  GPtrArray *openings;   /* PortierRouterOpening */
};

G_DEFINE_FINAL_TYPE (PortierRouterRecord, portier_router_record, G_TYPE_OBJECT)

PortierRouterOpening *
portier_router_opening_new (const PortierPortSpec *spec,
                            const char            *label,
                            PortierRouterMethod    method)
{
  PortierRouterOpening *self = g_new0 (PortierRouterOpening, 1);
  guint8 bytes[4];

  for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
    bytes[i] = (guint8) g_random_int_range (0, 256);
  self->id = g_strdup_printf ("%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]);
  self->spec = *spec;
  self->label = g_strdup (label);
  self->created = g_get_real_time () / G_USEC_PER_SEC;
  self->method = method;
  self->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
  self->pinholes = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_pinhole_free);
  return self;
}

void
portier_router_opening_free (PortierRouterOpening *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->label);
  g_clear_pointer (&self->mappings, g_ptr_array_unref);
  g_clear_pointer (&self->pinholes, g_ptr_array_unref);
  g_free (self);
}

static void
portier_router_record_finalize (GObject *object)
{
  PortierRouterRecord *self = PORTIER_ROUTER_RECORD (object);

  g_free (self->path);
  g_clear_pointer (&self->openings, g_ptr_array_unref);

  G_OBJECT_CLASS (portier_router_record_parent_class)->finalize (object);
}

static void
portier_router_record_class_init (PortierRouterRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_router_record_finalize;
}

static void
portier_router_record_init (PortierRouterRecord *self)
{
  self->openings = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_router_opening_free);
}

/* ---------------------------------------------------------------------------- reading */

static gboolean
get_port (JsonObject *object,
          const char *member,
          guint16    *port)
{
  gint64 value;

  if (!json_object_has_member (object, member))
    return FALSE;
  value = json_object_get_int_member (object, member);
  if (value < 1 || value > 65535)
    return FALSE;
  *port = (guint16) value;
  return TRUE;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static PortierMapping *
read_mapping (JsonObject *object)
{
  g_autoptr(PortierMapping) mapping = g_new0 (PortierMapping, 1);
  PortierProtocol protocol;

  if (!get_port (object, "external_port", &mapping->external_port) ||
      !get_port (object, "internal_port", &mapping->internal_port) ||
      !portier_protocol_from_string (get_string (object, "protocol"), &protocol) ||
      (protocol != PORTIER_PROTOCOL_TCP && protocol != PORTIER_PROTOCOL_UDP) ||
      get_string (object, "internal_client") == NULL ||
      !portier_router_method_from_string (get_string (object, "method"), &mapping->method))
    return NULL;
  mapping->protocol = protocol;
  mapping->internal_client = g_strdup (get_string (object, "internal_client"));
  mapping->description = g_strdup (get_string (object, "description"));
  mapping->lease = (guint) CLAMP (json_object_get_int_member_with_default (object, "lease", 0),
                                  0, G_MAXUINT32);
  mapping->permanent = json_object_get_boolean_member_with_default (object, "permanent",
                                                                    FALSE);
  mapping->expires = json_object_get_int_member_with_default (object, "expires", 0);
  mapping->enabled = TRUE;
  return g_steal_pointer (&mapping);
}

static PortierPinhole *
read_pinhole (JsonObject *object)
{
  g_autoptr(PortierPinhole) pinhole = g_new0 (PortierPinhole, 1);
  PortierProtocol protocol;
  const char *id = get_string (object, "unique_id");

  if (id == NULL || strlen (id) > 16 ||
      !get_port (object, "internal_port", &pinhole->internal_port) ||
      !portier_protocol_from_string (get_string (object, "protocol"), &protocol))
    return NULL;
  pinhole->unique_id = g_strdup (id);
  pinhole->protocol = protocol;
  pinhole->internal_client = g_strdup (get_string (object, "internal_client"));
  pinhole->lease = (guint) CLAMP (json_object_get_int_member_with_default (object, "lease", 0),
                                  0, G_MAXUINT32);
  pinhole->expires = json_object_get_int_member_with_default (object, "expires", 0);
  return g_steal_pointer (&pinhole);
}

static PortierRouterOpening *
read_opening (JsonObject *object)
{
  g_autoptr(PortierRouterOpening) opening = g_new0 (PortierRouterOpening, 1);
  g_autoptr(PortierPortSpec) spec = NULL;
  const char *id = get_string (object, "id");
  const char *spec_text = get_string (object, "spec");
  JsonArray *array;

  if (id == NULL || strlen (id) > 32 || !g_str_is_ascii (id) || spec_text == NULL ||
      (spec = portier_port_spec_parse (spec_text, NULL)) == NULL ||
      !portier_router_method_from_string (get_string (object, "method"), &opening->method))
    return NULL;

  opening->id = g_strdup (id);
  opening->spec = *spec;
  opening->label = g_strdup (get_string (object, "label"));
  opening->created = json_object_get_int_member_with_default (object, "created", 0);
  opening->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_mapping_free);
  opening->pinholes = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_pinhole_free);

  array = json_object_has_member (object, "mappings")
          ? json_object_get_array_member (object, "mappings") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      PortierMapping *mapping = JSON_NODE_HOLDS_OBJECT (node)
                                ? read_mapping (json_node_get_object (node)) : NULL;
      if (mapping == NULL)
        return NULL;
      g_ptr_array_add (opening->mappings, mapping);
    }

  array = json_object_has_member (object, "pinholes")
          ? json_object_get_array_member (object, "pinholes") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      PortierPinhole *pinhole = JSON_NODE_HOLDS_OBJECT (node)
                                ? read_pinhole (json_node_get_object (node)) : NULL;
      if (pinhole == NULL)
        return NULL;
      g_ptr_array_add (opening->pinholes, pinhole);
    }
  return g_steal_pointer (&opening);
}

static gboolean
parse (PortierRouterRecord  *self,
       const char           *contents,
       gsize                 length,
       GError              **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *openings;

  if (!json_parser_load_from_data (parser, contents, (gssize) length, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT, "not an object");
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_int_member_with_default (root, "version", 0) != RECORD_VERSION ||
      !json_object_has_member (root, "openings") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "openings")))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT, "unknown format");
      return FALSE;
    }

  openings = json_object_get_array_member (root, "openings");
  for (guint i = 0; i < json_array_get_length (openings) && i < RECORD_MAX_OPENINGS; i++)
    {
      JsonNode *node = json_array_get_element (openings, i);
      PortierRouterOpening *opening = JSON_NODE_HOLDS_OBJECT (node)
                                      ? read_opening (json_node_get_object (node)) : NULL;

      if (opening == NULL)
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                       "entry %u is damaged", i);
          return FALSE;
        }
      g_ptr_array_add (self->openings, opening);
    }
  return TRUE;
}

/**
 * portier_router_record_new:
 * @path: (nullable): the file; %NULL for $XDG_STATE_HOME/portier/router.json
 *
 * Returns: (transfer full): an empty record that will be saved to @path
 */
PortierRouterRecord *
portier_router_record_new (const char *path)
{
  PortierRouterRecord *self = g_object_new (PORTIER_TYPE_ROUTER_RECORD, NULL);

  self->path = path != NULL ? g_strdup (path)
                            : g_build_filename (g_get_user_state_dir (), "portier",
                                                "router.json", NULL);
  return self;
}

/**
 * portier_router_record_load:
 * @path: (nullable): the file; %NULL for $XDG_STATE_HOME/portier/router.json
 * @damaged: (out) (optional): set when the file was damaged
 *
 * A missing file is an empty record. A damaged one is set aside (renamed to .damaged)
 * and an empty record is returned; @damaged says so (%PORTIER_ERROR_STATE_CORRUPT has
 * the sentence for people).
 *
 * Returns: (transfer full): the record
 */
PortierRouterRecord *
portier_router_record_load (const char  *path,
                            gboolean    *damaged,
                            GError     **error)
{
  g_autoptr(PortierRouterRecord) self = portier_router_record_new (path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (damaged != NULL)
    *damaged = FALSE;

  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (length > RECORD_MAX_SIZE || !parse (self, contents, length, &local_error))
    {
      g_autofree char *aside = g_strconcat (self->path, ".damaged", NULL);

      g_debug ("The record of router forwards (%s) is damaged (%s); starting afresh",
               self->path, local_error != NULL ? local_error->message : "too large");
      g_rename (self->path, aside);
      g_ptr_array_set_size (self->openings, 0);
      if (damaged != NULL)
        *damaged = TRUE;
    }
  return g_steal_pointer (&self);
}

/* ---------------------------------------------------------------------------- writing */

static void
write_mapping (JsonBuilder          *builder,
               const PortierMapping *mapping)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, portier_router_method_to_string (mapping->method));
  json_builder_set_member_name (builder, "external_port");
  json_builder_add_int_value (builder, mapping->external_port);
  json_builder_set_member_name (builder, "internal_port");
  json_builder_add_int_value (builder, mapping->internal_port);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, portier_protocol_to_string (mapping->protocol));
  json_builder_set_member_name (builder, "internal_client");
  json_builder_add_string_value (builder, mapping->internal_client);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, mapping->description);
  json_builder_set_member_name (builder, "lease");
  json_builder_add_int_value (builder, mapping->lease);
  json_builder_set_member_name (builder, "permanent");
  json_builder_add_boolean_value (builder, mapping->permanent);
  json_builder_set_member_name (builder, "expires");
  json_builder_add_int_value (builder, mapping->expires);
  json_builder_end_object (builder);
}

static void
write_pinhole (JsonBuilder          *builder,
               const PortierPinhole *pinhole)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "unique_id");
  json_builder_add_string_value (builder, pinhole->unique_id);
  json_builder_set_member_name (builder, "internal_client");
  json_builder_add_string_value (builder, pinhole->internal_client);
  json_builder_set_member_name (builder, "internal_port");
  json_builder_add_int_value (builder, pinhole->internal_port);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, portier_protocol_to_string (pinhole->protocol));
  json_builder_set_member_name (builder, "lease");
  json_builder_add_int_value (builder, pinhole->lease);
  json_builder_set_member_name (builder, "expires");
  json_builder_add_int_value (builder, pinhole->expires);
  json_builder_end_object (builder);
}

/**
 * portier_router_record_save:
 *
 * Writes the record atomically (a new file renamed over the old one).
 */
gboolean
portier_router_record_save (PortierRouterRecord  *self,
                            GError              **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *text = NULL;

  g_return_val_if_fail (PORTIER_IS_ROUTER_RECORD (self), FALSE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, RECORD_VERSION);
  json_builder_set_member_name (builder, "openings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->openings->len; i++)
    {
      const PortierRouterOpening *opening = g_ptr_array_index (self->openings, i);
      g_autofree char *spec = portier_port_spec_to_string (&opening->spec);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, opening->id);
      json_builder_set_member_name (builder, "spec");
      json_builder_add_string_value (builder, spec);
      json_builder_set_member_name (builder, "label");
      if (opening->label != NULL)
        json_builder_add_string_value (builder, opening->label);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, opening->created);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, portier_router_method_to_string (opening->method));
      json_builder_set_member_name (builder, "mappings");
      json_builder_begin_array (builder);
      for (guint m = 0; m < opening->mappings->len; m++)
        write_mapping (builder, g_ptr_array_index (opening->mappings, m));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "pinholes");
      json_builder_begin_array (builder);
      for (guint p = 0; p < opening->pinholes->len; p++)
        write_pinhole (builder, g_ptr_array_index (opening->pinholes, p));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (self->path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

const char *
portier_router_record_get_path (PortierRouterRecord *self)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER_RECORD (self), NULL);

  return self->path;
}

/**
 * portier_router_record_get_openings:
 *
 * Returns: (transfer none) (element-type PortierRouterOpening): what is recorded
 */
GPtrArray *
portier_router_record_get_openings (PortierRouterRecord *self)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER_RECORD (self), NULL);

  return self->openings;
}

/**
 * portier_router_record_add:
 * @opening: (transfer full): what was opened
 */
void
portier_router_record_add (PortierRouterRecord  *self,
                           PortierRouterOpening *opening)
{
  g_return_if_fail (PORTIER_IS_ROUTER_RECORD (self));

  /* Ids are random; make sure this one is new. */
  while (portier_router_record_lookup (self, opening->id) != NULL)
    {
      g_free (opening->id);
      opening->id = g_strdup_printf ("%08x", g_random_int ());
    }
  g_ptr_array_add (self->openings, opening);
}

/**
 * portier_router_record_lookup:
 *
 * Returns: (transfer none) (nullable): the opening with @id
 */
PortierRouterOpening *
portier_router_record_lookup (PortierRouterRecord *self,
                              const char          *id)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER_RECORD (self), NULL);

  for (guint i = 0; i < self->openings->len; i++)
    {
      PortierRouterOpening *opening = g_ptr_array_index (self->openings, i);

      if (g_strcmp0 (opening->id, id) == 0)
        return opening;
    }
  return NULL;
}

gboolean
portier_router_record_remove (PortierRouterRecord *self,
                              const char          *id)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER_RECORD (self), FALSE);

  for (guint i = 0; i < self->openings->len; i++)
    {
      PortierRouterOpening *opening = g_ptr_array_index (self->openings, i);

      if (g_strcmp0 (opening->id, id) == 0)
        {
          g_ptr_array_remove_index (self->openings, i);
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * portier_router_record_is_recorded:
 *
 * Returns: whether a recorded opening holds @mapping (same external port, protocol and
 *   internal client)
 */
gboolean
portier_router_record_is_recorded (PortierRouterRecord  *self,
                                   const PortierMapping *mapping)
{
  for (guint i = 0; i < self->openings->len; i++)
    {
      PortierRouterOpening *opening = g_ptr_array_index (self->openings, i);

      for (guint m = 0; m < opening->mappings->len; m++)
        {
          const PortierMapping *mine = g_ptr_array_index (opening->mappings, m);

          if (mine->external_port == mapping->external_port &&
              mine->protocol == mapping->protocol &&
              g_strcmp0 (mine->internal_client, mapping->internal_client) == 0)
            return TRUE;
        }
    }
  return FALSE;
}
