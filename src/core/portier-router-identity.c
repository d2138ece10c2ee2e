/* portier-router-identity.c: which router this is, for the guide
 *
 * Best source first: the UPnP description (the router names its maker and model), the
 * maker of the gateway's hardware address (the kernel's ARP table and the IEEE registry
 * table made at build time), the title of the gateway's own web page. Whatever is not
 * recognized gets the generic family; identification never fails for lack of an answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router-identity"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "portier-error.h"
#include "portier-gateway-page.h"
#include "portier-guide-oui.h"
#include "portier-router-identity-private.h"


G_DEFINE_BOXED_TYPE (PortierRouterIdentity, portier_router_identity,
                     portier_router_identity_copy, portier_router_identity_free)

static char *
admin_url_for (const PortierRouterFamily *family,
               const char                *gateway)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *text = NULL;

  if (portier_router_family_get_admin_url (family) != NULL)
    return g_strdup (portier_router_family_get_admin_url (family));
  if (portier_router_family_get_text (family, PORTIER_ROUTER_TEXT_ADMIN_APP) != NULL)
    return NULL;
  address = gateway != NULL ? g_inet_address_new_from_string (gateway) : NULL;
  if (address == NULL)
    return NULL;
  text = g_inet_address_to_string (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("http://[%s]/", text);
  return g_strdup_printf ("http://%s/", text);
}

/**
 * portier_router_identity_new:
 * @family: (nullable): the family; NULL for the generic one
 * @gateway: (nullable): the gateway's address, for the settings page's address
 */
PortierRouterIdentity *
portier_router_identity_new (const PortierRouterFamily *family,
                             PortierRouterSource        source,
                             const char                *vendor,
                             const char                *model,
                             const char                *gateway)
{
  PortierRouterIdentity *self = g_new0 (PortierRouterIdentity, 1);

  self->family = family != NULL ? family : portier_router_family_generic ();
  self->source = source;
  if (vendor != NULL && *vendor != '\0')
    self->vendor = g_strdup (vendor);
  else if (portier_router_family_get_vendor (self->family) != NULL)
    self->vendor = g_strdup (portier_router_family_get_vendor (self->family));
  self->model = model != NULL && *model != '\0' ? g_strdup (model) : NULL;
  self->admin_url = admin_url_for (self->family, gateway);
  return self;
}

PortierRouterIdentity *
portier_router_identity_copy (const PortierRouterIdentity *self)
{
  PortierRouterIdentity *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (PortierRouterIdentity, 1);
  copy->family = self->family;
  copy->source = self->source;
  copy->vendor = g_strdup (self->vendor);
  copy->model = g_strdup (self->model);
  copy->admin_url = g_strdup (self->admin_url);
  return copy;
}

void
portier_router_identity_free (PortierRouterIdentity *self)
{
  if (self == NULL)
    return;
  g_free (self->vendor);
  g_free (self->model);
  g_free (self->admin_url);
  g_free (self);
}

const char *
portier_router_source_to_string (PortierRouterSource source)
{
  switch (source)
    {
    case PORTIER_ROUTER_SOURCE_UPNP:
      return "upnp";
    case PORTIER_ROUTER_SOURCE_HARDWARE_ADDRESS:
      return "hardware-address";
    case PORTIER_ROUTER_SOURCE_PAGE_TITLE:
      return "page-title";
    case PORTIER_ROUTER_SOURCE_NONE:
    default:
      return "none";
    }
}

/* ---- the UPnP description ---------------------------------------------------------- */

enum { UPNP_MANUFACTURER, UPNP_MODEL_NAME, UPNP_MODEL_NUMBER, UPNP_FRIENDLY_NAME, N_UPNP };

static const char * const upnp_elements[N_UPNP] = {
  "manufacturer", "modelName", "modelNumber", "friendlyName",
};

typedef struct
{
  GPtrArray *stack;             /* element names, outermost first */
  int        field;             /* the field whose text is being read, or -1 */
  GString   *text;
  char      *values[N_UPNP];
} UpnpParse;

/* The element name without a namespace prefix. */
static const char *
local_name (const char *name)
{
  const char *colon = strrchr (name, ':');

  return colon != NULL ? colon + 1 : name;
}

static void
upnp_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  UpnpParse *parse = user_data;

  g_ptr_array_add (parse->stack, (gpointer) local_name (element));
  parse->field = -1;
  /* Only the root device's own fields: <root><device><manufacturer>; the embedded
   * WAN devices repeat them, sometimes differently. */
  if (parse->stack->len == 3
      && g_str_equal (g_ptr_array_index (parse->stack, 0), "root")
      && g_str_equal (g_ptr_array_index (parse->stack, 1), "device"))
    {
      for (int i = 0; i < N_UPNP; i++)
        if (g_str_equal (local_name (element), upnp_elements[i]) && parse->values[i] == NULL)
          parse->field = i;
      g_string_truncate (parse->text, 0);
    }
}

static void
upnp_end (GMarkupParseContext  *context,
          const char           *element,
          gpointer              user_data,
          GError              **error)
{
  UpnpParse *parse = user_data;

  if (parse->field >= 0)
    {
      g_strstrip (parse->text->str);
      if (parse->text->str[0] != '\0')
        parse->values[parse->field] = g_strdup (parse->text->str);
      parse->field = -1;
    }
  g_ptr_array_set_size (parse->stack, parse->stack->len - 1);
}

static void
upnp_text (GMarkupParseContext  *context,
           const char           *text,
           gsize                 length,
           gpointer              user_data,
           GError              **error)
{
  UpnpParse *parse = user_data;

  if (parse->field >= 0 && parse->text->len < 1024)
    g_string_append_len (parse->text, text, length);
}

/**
 * portier_router_identity_from_upnp_description:
 * @xml: the router's device description (the XML its LOCATION points at)
 *
 * The family is the generic one when the maker is not one the guide knows; the vendor
 * and model are the router's own words either way. An error when @xml is not a device
 * description.
 */
PortierRouterIdentity *
portier_router_identity_from_upnp_description (const char  *xml,
                                               gssize       length,
                                               const char  *gateway,
                                               GError     **error)
{
  static const GMarkupParser parser = { upnp_start, upnp_end, upnp_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  UpnpParse parse = { NULL, -1, NULL, { NULL } };
  PortierRouterIdentity *identity = NULL;
  const PortierRouterFamily *family = NULL;
  g_autofree char *model = NULL;
  gboolean ok;

  g_return_val_if_fail (xml != NULL, NULL);

  parse.stack = g_ptr_array_new ();
  parse.text = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, G_MARKUP_IGNORE_QUALIFIED, &parse, NULL);
  ok = g_markup_parse_context_parse (context, xml, length, error)
       && g_markup_parse_context_end_parse (context, error);
  if (ok && parse.values[UPNP_MANUFACTURER] == NULL && parse.values[UPNP_MODEL_NAME] == NULL
      && parse.values[UPNP_FRIENDLY_NAME] == NULL)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                           "The UPnP description names no maker and no model");
      ok = FALSE;
    }
  if (ok)
    {
      for (int i = 0; i < N_UPNP && family == NULL; i++)
        if (i != UPNP_MODEL_NUMBER)
          family = portier_router_family_match (PORTIER_ROUTER_MATCH_UPNP, parse.values[i]);
      model = g_strdup (parse.values[UPNP_MODEL_NAME] != NULL
                        ? parse.values[UPNP_MODEL_NAME] : parse.values[UPNP_FRIENDLY_NAME]);
      identity = portier_router_identity_new (family, PORTIER_ROUTER_SOURCE_UPNP,
                                              parse.values[UPNP_MANUFACTURER], model,
                                              gateway);
    }
  else
    g_prefix_error (error, "Not a UPnP device description: ");

  for (int i = 0; i < N_UPNP; i++)
    g_free (parse.values[i]);
  g_ptr_array_unref (parse.stack);
  g_string_free (parse.text, TRUE);
  return identity;
}

/* ---- the hardware address ---------------------------------------------------------- */

static gboolean
parse_mac (const char *mac,
           guint8      bytes[6])
{
  if (mac == NULL || strlen (mac) != 17)
    return FALSE;
  for (int i = 0; i < 6; i++)
    {
      const char *part = mac + i * 3;

      if (!g_ascii_isxdigit (part[0]) || !g_ascii_isxdigit (part[1])
          || (i < 5 && part[2] != ':' && part[2] != '-'))
        return FALSE;
      bytes[i] = g_ascii_xdigit_value (part[0]) << 4 | g_ascii_xdigit_value (part[1]);
    }
  return TRUE;
}

static int
compare_oui (const void *key,
             const void *element)
{
  guint32 prefix = *(const guint32 *) key;
  const PortierGuideOui *oui = element;

  return prefix < oui->prefix ? -1 : prefix > oui->prefix ? 1 : 0;
}

/**
 * portier_router_identity_from_hardware_address:
 * @mac: the gateway's hardware address, aa:bb:cc:dd:ee:ff
 *
 * Returns: (nullable): the identity when the address's maker is one the guide has
 *   steps for; NULL otherwise, and for addresses that are not a maker's (locally
 *   administered ones, as many routers use on their second network).
 */
PortierRouterIdentity *
portier_router_identity_from_hardware_address (const char *mac,
                                               const char *gateway)
{
  const PortierGuideOui *oui;
  const PortierRouterFamily *family;
  guint8 bytes[6];
  guint32 prefix;

  if (!parse_mac (mac, bytes) || (bytes[0] & 0x02) != 0)
    return NULL;
  prefix = (guint32) bytes[0] << 16 | (guint32) bytes[1] << 8 | bytes[2];
  oui = bsearch (&prefix, portier_guide_oui_table, portier_guide_oui_table_length,
                 sizeof (PortierGuideOui), compare_oui);
  if (oui == NULL)
    return NULL;
  family = portier_router_family_lookup (oui->family_id);
  if (family == NULL)
    {
      g_warning ("The vendor table names a router family that does not exist: %s",
                 oui->family_id);
      return NULL;
    }
  return portier_router_identity_new (family, PORTIER_ROUTER_SOURCE_HARDWARE_ADDRESS,
                                      NULL, NULL, gateway);
}

/**
 * portier_arp_table_find:
 * @contents: the text of /proc/net/arp
 * @address: an IPv4 address
 *
 * Returns: the hardware address of @address's complete entry, in lower case; an error
 *   (PORTIER_ERROR_NOT_FOUND) when the table has none, another one when @contents is
 *   not an ARP table.
 */
char *
portier_arp_table_find (const char  *contents,
                        const char  *address,
                        GError     **error)
{
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (contents != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (!g_str_has_prefix (contents, "IP address"))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                           "This is not the kernel's ARP table");
      return NULL;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) columns = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      guint8 bytes[6];
      guint64 flags;
      char *end = NULL;

      for (guint j = 0; columns[j] != NULL; j++)
        if (*columns[j] != '\0')
          g_ptr_array_add (words, columns[j]);
      /* IP address, HW type, Flags, HW address, Mask, Device */
      if (words->len < 4 || !g_str_equal (g_ptr_array_index (words, 0), address))
        continue;
      flags = g_ascii_strtoull (g_ptr_array_index (words, 2), &end, 16);
      /* ATF_COM: the kernel has the answer; incomplete entries are all zeros. */
      if (end == NULL || *end != '\0' || (flags & 0x2) == 0)
        continue;
      if (!parse_mac (g_ptr_array_index (words, 3), bytes)
          || (bytes[0] | bytes[1] | bytes[2] | bytes[3] | bytes[4] | bytes[5]) == 0)
        continue;
      return g_ascii_strdown (g_ptr_array_index (words, 3), -1);
    }
  g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND,
               "The ARP table has no hardware address for %s", address);
  return NULL;
}

/**
 * portier_router_identity_from_page_title:
 *
 * Returns: (nullable): the identity when @title names a family the guide knows.
 */
PortierRouterIdentity *
portier_router_identity_from_page_title (const char *title,
                                         const char *gateway)
{
  const PortierRouterFamily *family;

  family = portier_router_family_match (PORTIER_ROUTER_MATCH_TITLE, title);
  if (family == NULL)
    return NULL;
  return portier_router_identity_new (family, PORTIER_ROUTER_SOURCE_PAGE_TITLE,
                                      NULL, NULL, gateway);
}

/* ---- all of them ---------------------------------------------------------------------- */

typedef struct
{
  char                  *gateway;
  char                  *arp_path;
  guint16                http_port;
  PortierRouterIdentity *fallback;     /* what UPnP said when the maker is unknown */
} IdentifyData;

static void
identify_data_free (IdentifyData *data)
{
  g_free (data->gateway);
  g_free (data->arp_path);
  portier_router_identity_free (data->fallback);
  g_free (data);
}

static void
return_best (GTask                 *task,
             PortierRouterIdentity *found)
{
  IdentifyData *data = g_task_get_task_data (task);

  if (found == NULL)
    found = data->fallback != NULL ? g_steal_pointer (&data->fallback)
                                   : portier_router_identity_new (NULL,
                                                                  PORTIER_ROUTER_SOURCE_NONE,
                                                                  NULL, NULL, data->gateway);
  g_task_return_pointer (task, found, (GDestroyNotify) portier_router_identity_free);
}

static void
title_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdentifyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  title = portier_gateway_page_title_finish (result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (error != NULL)
    g_debug ("No title from the router's page: %s", error->message);
  else
    g_debug ("The router's page is called “%s”", title ? title : "");
  return_best (task, portier_router_identity_from_page_title (title, data->gateway));
}

static void
arp_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdentifyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *mac = NULL;
  PortierRouterIdentity *found = NULL;
  GCancellable *cancellable;

  if (g_file_load_contents_finish (G_FILE (source), result, &contents, NULL, NULL, &error))
    mac = portier_arp_table_find (contents, data->gateway, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (mac != NULL)
    found = portier_router_identity_from_hardware_address (mac, data->gateway);
  else
    g_debug ("No hardware address for the gateway: %s", error->message);
  if (found != NULL)
    {
      return_best (task, found);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  portier_gateway_page_title_async (data->gateway, data->http_port, cancellable, title_cb,
                                    g_steal_pointer (&task));
}

void
portier_router_identify_full_async (const char          *gateway,
                                    const char          *upnp_description,
                                    const char          *arp_path,
                                    guint16              http_port,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GFile) arp = NULL;
  IdentifyData *data;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_router_identify_async);

  address = gateway != NULL ? g_inet_address_new_from_string (gateway) : NULL;
  if (address == NULL)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                               "“%s” is not a gateway address", gateway ? gateway : "");
      return;
    }
  data = g_new0 (IdentifyData, 1);
  data->gateway = g_inet_address_to_string (address);
  data->arp_path = g_strdup (arp_path != NULL ? arp_path : PORTIER_ARP_TABLE);
  data->http_port = http_port;
  g_task_set_task_data (task, data, (GDestroyNotify) identify_data_free);

  if (upnp_description != NULL)
    {
      g_autoptr(GError) error = NULL;
      PortierRouterIdentity *identity;

      identity = portier_router_identity_from_upnp_description (upnp_description, -1,
                                                                data->gateway, &error);
      if (identity == NULL)
        g_debug ("%s", error->message);
      else if (!portier_router_family_is_generic (identity->family))
        {
          return_best (task, identity);
          return;
        }
      else
        data->fallback = identity;
    }

  /* The kernel has the gateway's hardware address for IPv4 only. */
  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    {
      portier_gateway_page_title_async (data->gateway, data->http_port, cancellable,
                                        title_cb, g_steal_pointer (&task));
      return;
    }
  arp = g_file_new_for_path (data->arp_path);
  g_file_load_contents_async (arp, cancellable, arp_cb, g_steal_pointer (&task));
}

/**
 * portier_router_identify_async:
 * @gateway: the default gateway's address
 * @upnp_description: (nullable): the router's UPnP device description, when it has one
 *
 * Finds out which router this is. The result is never NULL: an unknown router gets the
 * generic family. Errors only for a @gateway that is not an address, and cancellation.
 */
void
portier_router_identify_async (const char          *gateway,
                               const char          *upnp_description,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  portier_router_identify_full_async (gateway, upnp_description, NULL, 0, cancellable,
                                      callback, user_data);
}

PortierRouterIdentity *
portier_router_identify_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == portier_router_identify_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
