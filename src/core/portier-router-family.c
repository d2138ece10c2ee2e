/* portier-router-family.c: what the guide knows about each family of routers
 *
 * The data is data/guide/routers.json, compiled into the core's GResource. It is
 * checked when it loads: a family without a text the guide needs is a bug in the
 * data, reported as an error, never shown to a person. The texts are msgids; they are
 * translated when asked for (data/catalog-strings.py extracts them for xgettext).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router-family"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "portier-core-resources.h"
#include "portier-error.h"
#include "portier-router-family.h"

#define ROUTERS_RESOURCE "/io/github/portier_app/Portier/core/guide/routers.json"
#define GENERIC_ID "generic"

struct _PortierRouterFamily
{
  char  *id;
  char  *name;
  char  *vendor;
  char  *admin_url;
  char  *texts[PORTIER_ROUTER_TEXT_LAST + 1];
  char **match_upnp;
  char **match_title;
};

/* Where each text is in a family's JSON object, and whether it may be missing. */
static const struct
{
  const char *member;
  const char *field;
  gboolean    optional;
} text_members[PORTIER_ROUTER_TEXT_LAST + 1] = {
  [PORTIER_ROUTER_TEXT_WHERE] = { "where", NULL, FALSE },
  [PORTIER_ROUTER_TEXT_ADD] = { "add", NULL, FALSE },
  [PORTIER_ROUTER_TEXT_SAVE] = { "save", NULL, FALSE },
  [PORTIER_ROUTER_TEXT_UPNP] = { "upnp", NULL, TRUE },
  [PORTIER_ROUTER_TEXT_RESERVE] = { "reserve", NULL, FALSE },
  [PORTIER_ROUTER_TEXT_IPV6] = { "ipv6", NULL, FALSE },
  [PORTIER_ROUTER_TEXT_ADMIN_APP] = { "admin_app", NULL, TRUE },
  [PORTIER_ROUTER_TEXT_FIELD_NAME] = { "fields", "name", TRUE },
  [PORTIER_ROUTER_TEXT_FIELD_ADDRESS] = { "fields", "address", FALSE },
  [PORTIER_ROUTER_TEXT_FIELD_INTERNAL_PORT] = { "fields", "internal_port", FALSE },
  [PORTIER_ROUTER_TEXT_FIELD_EXTERNAL_PORT] = { "fields", "external_port", FALSE },
  [PORTIER_ROUTER_TEXT_FIELD_PROTOCOL] = { "fields", "protocol", FALSE },
  [PORTIER_ROUTER_TEXT_PROTOCOL_BOTH] = { "protocol_both", NULL, TRUE },
};

static GMutex families_lock;
static GPtrArray *families;

static void
family_free (PortierRouterFamily *self)
{
  g_free (self->id);
  g_free (self->name);
  g_free (self->vendor);
  g_free (self->admin_url);
  for (guint i = 0; i < G_N_ELEMENTS (self->texts); i++)
    g_free (self->texts[i]);
  g_strfreev (self->match_upnp);
  g_strfreev (self->match_title);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierRouterFamily, family_free)

/* A string member: TRUE with *out set (NULL for a JSON null or a missing member when
 * optional), FALSE for anything else. */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             gboolean     optional,
             char       **out)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return optional;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  if (*json_node_get_string (node) == '\0')
    return FALSE;
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_strings (JsonObject   *match,
              const char   *member,
              char       ***out)
{
  JsonArray *array;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (!json_object_has_member (match, member)
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (match, member)))
    return FALSE;
  array = json_object_get_array_member (match, member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node)
          || json_node_get_value_type (node) != G_TYPE_STRING
          || *json_node_get_string (node) == '\0')
        return FALSE;
      g_strv_builder_add (builder, json_node_get_string (node));
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static PortierRouterFamily *
family_from_json (JsonNode  *node,
                  guint      index,
                  GError   **error)
{
  g_autoptr(PortierRouterFamily) family = g_new0 (PortierRouterFamily, 1);
  JsonObject *object, *match;
  g_auto(GStrv) oui = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "router family %u is not an object", index);
      return NULL;
    }
  object = json_node_get_object (node);
  if (!read_string (object, "id", FALSE, &family->id)
      || !read_string (object, "name", FALSE, &family->name))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "router family %u has no id or name", index);
      return NULL;
    }
  if (!read_string (object, "vendor", g_str_equal (family->id, GENERIC_ID), &family->vendor)
      || !read_string (object, "admin_url", TRUE, &family->admin_url))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "router family %s: bad vendor or admin_url", family->id);
      return NULL;
    }
  if (family->admin_url != NULL && !g_str_has_prefix (family->admin_url, "http://")
      && !g_str_has_prefix (family->admin_url, "https://"))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "router family %s: admin_url is not a web address", family->id);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (text_members); i++)
    {
      JsonObject *holder = object;
      const char *member = text_members[i].member;

      if (text_members[i].field != NULL)
        {
          JsonNode *fields = json_object_get_member (object, member);

          if (fields == NULL || !JSON_NODE_HOLDS_OBJECT (fields))
            {
              g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                           "router family %s has no %s", family->id, member);
              return NULL;
            }
          holder = json_node_get_object (fields);
          member = text_members[i].field;
        }
      if (!read_string (holder, member, text_members[i].optional, &family->texts[i]))
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                       "router family %s: %s%s%s is missing or not a text", family->id,
                       text_members[i].member, text_members[i].field ? "." : "",
                       text_members[i].field ? text_members[i].field : "");
          return NULL;
        }
    }

  /* Set up with a phone app, or in a web browser (at admin_url, else the gateway). */
  if (family->texts[PORTIER_ROUTER_TEXT_ADMIN_APP] != NULL && family->admin_url != NULL)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "router family %s has both an app and a web address", family->id);
      return NULL;
    }

  if (!json_object_has_member (object, "match")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "match")))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "router family %s has no match", family->id);
      return NULL;
    }
  match = json_object_get_object_member (object, "match");
  if (!read_strings (match, "upnp", &family->match_upnp)
      || !read_strings (match, "title", &family->match_title)
      || !read_strings (match, "oui", &oui))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "router family %s: match needs lists upnp, title and oui", family->id);
      return NULL;
    }
  /* Every family but the generic one must be recognizable. */
  if (!g_str_equal (family->id, GENERIC_ID)
      && (family->match_upnp[0] == NULL || family->match_title[0] == NULL))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                   "router family %s cannot be recognized", family->id);
      return NULL;
    }

  return g_steal_pointer (&family);
}

static GPtrArray *
load_families (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) family_free);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *root;
  JsonArray *array;
  gboolean have_generic = FALSE;

  /* Through the resource itself, so static linking always keeps it. */
  bytes = g_resource_lookup_data (portier_core_get_resource (), ROUTERS_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "families")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root),
                                                         "families")))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                           "the router families have no list of families");
      return NULL;
    }
  array = json_object_get_array_member (json_node_get_object (root), "families");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      PortierRouterFamily *family = family_from_json (json_array_get_element (array, i),
                                                      i, error);

      if (family == NULL)
        return NULL;
      g_ptr_array_add (list, family);
      if (!g_hash_table_add (ids, family->id))
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                       "router family %s is there twice", family->id);
          return NULL;
        }
      have_generic |= g_str_equal (family->id, GENERIC_ID);
    }
  if (!have_generic)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_STATE_CORRUPT,
                           "the router families have no generic family");
      return NULL;
    }
  return g_steal_pointer (&list);
}

/**
 * portier_router_families_load:
 *
 * Loads and checks the families once. Every other function here needs them loaded;
 * they load them on first use and treat a failure as a programming error, which the
 * unit tests rule out.
 */
gboolean
portier_router_families_load (GError **error)
{
  gboolean loaded;

  g_mutex_lock (&families_lock);
  if (families == NULL)
    families = load_families (error);
  loaded = families != NULL;
  g_mutex_unlock (&families_lock);
  return loaded;
}

static GPtrArray *
get_families (void)
{
  g_autoptr(GError) error = NULL;

  if (!portier_router_families_load (&error))
    g_error ("The router families are broken: %s", error->message);
  return families;
}

/* A new array of the families (const PortierRouterFamily *), in the data's order. */
GPtrArray *
portier_router_families_list (void)
{
  GPtrArray *all = get_families ();
  GPtrArray *copy = g_ptr_array_sized_new (all->len);

  for (guint i = 0; i < all->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (all, i));
  return copy;
}

const PortierRouterFamily *
portier_router_family_lookup (const char *id)
{
  GPtrArray *all = get_families ();

  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < all->len; i++)
    {
      const PortierRouterFamily *family = g_ptr_array_index (all, i);

      if (g_str_equal (family->id, id))
        return family;
    }
  return NULL;
}

const PortierRouterFamily *
portier_router_family_generic (void)
{
  return portier_router_family_lookup (GENERIC_ID);
}

/* Whether @needle is in @haystack at the start of a word ("arris" is not in "Harris"). */
static gboolean
contains_word (const char *haystack,
               const char *needle)
{
  g_autofree char *h = g_utf8_casefold (haystack, -1);
  g_autofree char *n = g_utf8_casefold (needle, -1);

  for (const char *found = strstr (h, n); found != NULL; found = strstr (found + 1, n))
    if (found == h || !g_ascii_isalnum (found[-1]))
      return TRUE;
  return FALSE;
}

/* The first family one of whose names begins a word of @text (case does not matter), or
 * NULL. */
const PortierRouterFamily *
portier_router_family_match (PortierRouterMatch  kind,
                             const char         *text)
{
  GPtrArray *all = get_families ();

  if (text == NULL || *text == '\0')
    return NULL;
  for (guint i = 0; i < all->len; i++)
    {
      const PortierRouterFamily *family = g_ptr_array_index (all, i);
      char **names = kind == PORTIER_ROUTER_MATCH_UPNP ? family->match_upnp
                                                       : family->match_title;

      for (guint j = 0; names[j] != NULL; j++)
        if (contains_word (text, names[j]))
          return family;
    }
  return NULL;
}

const char *
portier_router_family_get_id (const PortierRouterFamily *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/* The product name (never translated). */
const char *
portier_router_family_get_name (const PortierRouterFamily *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

/* The maker, or NULL for the generic family. */
const char *
portier_router_family_get_vendor (const PortierRouterFamily *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->vendor;
}

/* The address its settings page has on every such router, or NULL: then it is the
 * gateway's address (or, with an admin app, there is no page). */
const char *
portier_router_family_get_admin_url (const PortierRouterFamily *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->admin_url;
}

const char *
portier_router_family_get_text (const PortierRouterFamily *self,
                                PortierRouterText          text)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (text <= PORTIER_ROUTER_TEXT_LAST, NULL);

  if (self->texts[text] == NULL)
    return NULL;
  return g_dgettext (GETTEXT_PACKAGE, self->texts[text]);
}

gboolean
portier_router_family_is_generic (const PortierRouterFamily *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_str_equal (self->id, GENERIC_ID);
}
