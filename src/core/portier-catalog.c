/* portier-catalog.c: the apps people open ports for
 *
 * The data is data/apps.json, compiled into the core's GResource. Every app is checked
 * when the catalog loads: an invalid entry is a bug in the data, reported as an error,
 * never shown to a person.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-catalog"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "portier-catalog.h"
#include "portier-core-resources.h"
#include "portier-error.h"

#define CATALOG_RESOURCE "/io/github/portier_app/Portier/core/apps.json"
#define MAX_ID_LENGTH 64

struct _PortierApp
{
  GObject      parent_instance;

  char        *id;
  char        *name;
  char        *category;
  char        *icon_name;
  char        *note;
  char        *source;
  char        *search_text;
  PortierRisk  risk;
  GArray      *ports;
  GArray      *lan_only;
};

G_DEFINE_FINAL_TYPE (PortierApp, portier_app, G_TYPE_OBJECT)

struct _PortierCatalog
{
  GObject     parent_instance;

  GListStore *apps;
  GHashTable *by_id;
};

G_DEFINE_FINAL_TYPE (PortierCatalog, portier_catalog, G_TYPE_OBJECT)

static const char * const categories[] = {
  "game", "media", "files", "torrent", "voice", "remote", "vpn", "home", "web",
};

static void
clear_app_port (gpointer data)
{
  PortierAppPort *port = data;

  g_clear_pointer (&port->purpose, g_free);
}

static void
portier_app_finalize (GObject *object)
{
  PortierApp *self = PORTIER_APP (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->category);
  g_free (self->icon_name);
  g_free (self->note);
  g_free (self->source);
  g_free (self->search_text);
  g_clear_pointer (&self->ports, g_array_unref);
  g_clear_pointer (&self->lan_only, g_array_unref);

  G_OBJECT_CLASS (portier_app_parent_class)->finalize (object);
}

static void
portier_app_class_init (PortierAppClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_app_finalize;
}

static void
portier_app_init (PortierApp *self)
{
  self->ports = g_array_new (FALSE, TRUE, sizeof (PortierAppPort));
  g_array_set_clear_func (self->ports, clear_app_port);
  self->lan_only = g_array_new (FALSE, TRUE, sizeof (PortierAppPort));
  g_array_set_clear_func (self->lan_only, clear_app_port);
}

const char *
portier_app_get_id (PortierApp *self)
{
  g_return_val_if_fail (PORTIER_IS_APP (self), NULL);
  return self->id;
}

const char *
portier_app_get_name (PortierApp *self)
{
  g_return_val_if_fail (PORTIER_IS_APP (self), NULL);
  return self->name;
}

const char *
portier_app_get_category (PortierApp *self)
{
  g_return_val_if_fail (PORTIER_IS_APP (self), NULL);
  return self->category;
}

const char *
portier_app_get_icon_name (PortierApp *self)
{
  g_return_val_if_fail (PORTIER_IS_APP (self), NULL);
  return self->icon_name;
}

const char *
portier_app_get_note (PortierApp *self)
{
  g_return_val_if_fail (PORTIER_IS_APP (self), NULL);
  return self->note;
}

const char *
portier_app_get_source (PortierApp *self)
{
  g_return_val_if_fail (PORTIER_IS_APP (self), NULL);
  return self->source;
}

PortierRisk
portier_app_get_risk (PortierApp *self)
{
  g_return_val_if_fail (PORTIER_IS_APP (self), PORTIER_RISK_LOW);
  return self->risk;
}

/**
 * portier_app_get_ports:
 *
 * Returns: (transfer none) (element-type PortierAppPort): the ports to forward
 */
GArray *
portier_app_get_ports (PortierApp *self)
{
  g_return_val_if_fail (PORTIER_IS_APP (self), NULL);
  return self->ports;
}

/**
 * portier_app_get_lan_only:
 *
 * Returns: (transfer none) (element-type PortierAppPort): ports the app uses only inside
 *   the home network, which must never be forwarded
 */
GArray *
portier_app_get_lan_only (PortierApp *self)
{
  g_return_val_if_fail (PORTIER_IS_APP (self), NULL);
  return self->lan_only;
}

/**
 * portier_app_matches:
 * @query: what a person typed in the search box
 *
 * Every word of @query must be found in the app's name, id or category, ignoring case
 * and accents; a port number matches the app that uses it.
 */
gboolean
portier_app_matches (PortierApp *self,
                     const char *query)
{
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (PORTIER_IS_APP (self), FALSE);

  if (query == NULL)
    return TRUE;

  words = g_str_tokenize_and_fold (query, NULL, NULL);
  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (self->search_text, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
valid_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > MAX_ID_LENGTH || id[0] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (id[i]) && !g_ascii_isdigit (id[i]) && id[i] != '-')
      return FALSE;
  return TRUE;
}

static const char *
get_string (JsonObject  *object,
            const char  *member,
            const char  *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING ||
      json_node_get_string (node)[0] == '\0')
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "%s: \"%s\" must be a non-empty string", where, member);
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
read_ports (JsonObject  *object,
            const char  *member,
            const char  *where,
            GArray      *ports,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "%s: \"%s\" must be an array", where, member);
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_where = g_strdup_printf ("%s %s[%u]", where, member, i);
      g_autoptr(PortierPortSpec) spec = NULL;
      const char *spec_text;
      const char *purpose;
      PortierAppPort port;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                       "%s: must be an object", element_where);
          return FALSE;
        }
      if ((spec_text = get_string (json_node_get_object (element), "spec",
                                   element_where, error)) == NULL ||
          (purpose = get_string (json_node_get_object (element), "purpose",
                                 element_where, error)) == NULL)
        return FALSE;

      if ((spec = portier_port_spec_parse (spec_text, error)) == NULL)
        {
          g_prefix_error (error, "%s: ", element_where);
          return FALSE;
        }

      port.spec = *spec;
      port.purpose = g_strdup (g_dgettext (GETTEXT_PACKAGE, purpose));
      g_array_append_val (ports, port);
    }
  return TRUE;
}

static PortierApp *
app_from_json (JsonNode  *node,
               guint      index,
               GError   **error)
{
  g_autoptr(PortierApp) app = NULL;
  g_autofree char *where = g_strdup_printf ("app %u", index);
  g_autoptr(GString) search = NULL;
  JsonObject *object;
  const char *id, *name, *category, *icon, *note, *risk, *source;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "%s: must be an object", where);
      return NULL;
    }
  object = json_node_get_object (node);

  if ((id = get_string (object, "id", where, error)) == NULL)
    return NULL;
  g_free (where);
  where = g_strdup_printf ("app \"%s\"", id);

  if ((name = get_string (object, "name", where, error)) == NULL ||
      (category = get_string (object, "category", where, error)) == NULL ||
      (icon = get_string (object, "icon", where, error)) == NULL ||
      (note = get_string (object, "note", where, error)) == NULL ||
      (risk = get_string (object, "risk", where, error)) == NULL ||
      (source = get_string (object, "source", where, error)) == NULL)
    return NULL;

  if (!valid_id (id))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "%s: ids are lowercase letters, digits and dashes", where);
      return NULL;
    }
  if (!g_strv_contains (categories, category))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "%s: unknown category \"%s\"", where, category);
      return NULL;
    }

  app = g_object_new (PORTIER_TYPE_APP, NULL);
  if (!portier_risk_from_string (risk, &app->risk))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "%s: unknown risk \"%s\"", where, risk);
      return NULL;
    }

  if (!read_ports (object, "ports", where, app->ports, error) ||
      !read_ports (object, "lan_only", where, app->lan_only, error))
    return NULL;

  if (app->ports->len == 0)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "%s: has no port to forward", where);
      return NULL;
    }

  for (guint i = 0; i < app->ports->len; i++)
    for (guint j = 0; j < app->lan_only->len; j++)
      {
        const PortierAppPort *forward = &g_array_index (app->ports, PortierAppPort, i);
        const PortierAppPort *lan = &g_array_index (app->lan_only, PortierAppPort, j);

        if (portier_port_spec_overlaps (&forward->spec, &lan->spec))
          {
            g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                         "%s: a port to forward is also listed as home-network only", where);
            return NULL;
          }
      }

  app->id = g_strdup (id);
  app->name = g_strdup (g_dgettext (GETTEXT_PACKAGE, name));
  app->category = g_strdup (category);
  app->icon_name = g_strdup (icon);
  app->note = g_strdup (g_dgettext (GETTEXT_PACKAGE, note));
  app->source = g_strdup (source);

  search = g_string_new (NULL);
  g_string_append_printf (search, "%s %s %s %s", app->name, name, id, category);
  for (guint i = 0; i < app->ports->len; i++)
    {
      const PortierAppPort *port = &g_array_index (app->ports, PortierAppPort, i);
      g_string_append_printf (search, " %u", port->spec.first);
    }
  {
    g_auto(GStrv) tokens = g_str_tokenize_and_fold (search->str, NULL, NULL);
    g_autofree char *joined = g_strjoinv (" ", tokens);
    app->search_text = g_strdup_printf (" %s ", joined);
  }

  return g_steal_pointer (&app);
}

static void
portier_catalog_finalize (GObject *object)
{
  PortierCatalog *self = PORTIER_CATALOG (object);

  g_clear_object (&self->apps);
  g_clear_pointer (&self->by_id, g_hash_table_unref);

  G_OBJECT_CLASS (portier_catalog_parent_class)->finalize (object);
}

static void
portier_catalog_class_init (PortierCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_catalog_finalize;
}

static void
portier_catalog_init (PortierCatalog *self)
{
  self->apps = g_list_store_new (PORTIER_TYPE_APP);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * portier_catalog_new_from_data:
 *
 * Reads and checks a catalog. Any invalid entry fails the whole catalog.
 */
PortierCatalog *
portier_catalog_new_from_data (const char  *data,
                               gsize        length,
                               GError     **error)
{
  g_autoptr(PortierCatalog) self = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonNode *apps;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, data, (gssize) length, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (apps = json_object_get_member (json_node_get_object (root), "apps")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (apps))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                           "the catalog must be an object with an \"apps\" array");
      return NULL;
    }

  self = g_object_new (PORTIER_TYPE_CATALOG, NULL);
  array = json_node_get_array (apps);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(PortierApp) app = app_from_json (json_array_get_element (array, i), i, error);

      if (app == NULL)
        return NULL;
      if (g_hash_table_contains (self->by_id, app->id))
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                       "app \"%s\" is listed twice", app->id);
          return NULL;
        }
      g_hash_table_insert (self->by_id, app->id, app);
      g_list_store_append (self->apps, app);
    }

  return g_steal_pointer (&self);
}

/**
 * portier_catalog_new_default:
 *
 * The catalog that ships with Portier.
 */
PortierCatalog *
portier_catalog_new_default (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  const char *data;

  /* Through the resource itself, so static linking always keeps it. */
  bytes = g_resource_lookup_data (portier_core_get_resource (), CATALOG_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  return portier_catalog_new_from_data (data, length, error);
}

/**
 * portier_catalog_get_apps:
 *
 * Returns: (transfer none): a list model of #PortierApp, in catalog order
 */
GListModel *
portier_catalog_get_apps (PortierCatalog *self)
{
  g_return_val_if_fail (PORTIER_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->apps);
}

/**
 * portier_catalog_lookup:
 *
 * Returns: (transfer none) (nullable): the app with this id
 */
PortierApp *
portier_catalog_lookup (PortierCatalog *self,
                        const char     *id)
{
  g_return_val_if_fail (PORTIER_IS_CATALOG (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;
}
