/* portier-probe-config.c: what a probe server listens on and how much it allows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "portier-error.h"
#include "portier-probe-config.h"

G_DEFINE_BOXED_TYPE (PortierProbeConfig, portier_probe_config,
                     portier_probe_config_copy, portier_probe_config_free)

typedef struct
{
  const char *group;
  const char *key;
  gsize       offset;
  guint       min;
  guint       max;
} LimitKey;

#define LIMIT(key, field, min, max) \
  { "limits", key, G_STRUCT_OFFSET (PortierProbeConfig, field), min, max }

static const LimitKey limit_keys[] = {
  LIMIT ("requests-per-minute", requests_per_minute, 1, 1000000),
  LIMIT ("request-burst", request_burst, 1, 1000000),
  LIMIT ("prefix-requests-per-minute", prefix_requests_per_minute, 1, 1000000),
  LIMIT ("prefix-request-burst", prefix_request_burst, 1, 1000000),
  LIMIT ("max-pending-probes", max_pending_probes, 1, 1000000),
  LIMIT ("max-pending-probes-per-address", max_pending_probes_per_address, 1, 1000000),
  LIMIT ("prefix-max-pending-probes", prefix_max_pending_probes, 1, 1000000),
  LIMIT ("max-connections", max_connections, 1, 1000000),
  LIMIT ("max-connections-per-address", max_connections_per_address, 1, 1000000),
  LIMIT ("prefix-max-connections", prefix_max_connections, 1, 1000000),
  LIMIT ("max-tracked-addresses", max_tracked_addresses, 16, 10000000),
  LIMIT ("max-body-bytes", max_body_bytes, 64, 65536),
  LIMIT ("connect-timeout-ms", connect_timeout_ms, 50, 60000),
  LIMIT ("read-timeout-ms", read_timeout_ms, 50, 60000),
  LIMIT ("request-timeout-ms", request_timeout_ms, 50, 600000),
};

#undef LIMIT

/**
 * portier_probe_config_new:
 *
 * Returns: (transfer full): the defaults, safe for a server anyone on the internet can
 *   use: a person testing a few ports now and then never meets a limit, a script hammering
 *   the server does at once.
 */
PortierProbeConfig *
portier_probe_config_new (void)
{
  PortierProbeConfig *self = g_new0 (PortierProbeConfig, 1);

  self->listen = g_ptr_array_new_with_free_func (g_object_unref);
  self->trusted_proxies = g_ptr_array_new_with_free_func (g_object_unref);

  self->requests_per_minute = 20;
  self->request_burst = 10;
  self->prefix_requests_per_minute = 60;
  self->prefix_request_burst = 30;
  self->max_pending_probes = 10000;
  self->max_pending_probes_per_address = 4;
  self->prefix_max_pending_probes = 16;
  self->max_connections = 16384;
  self->max_connections_per_address = 8;
  self->prefix_max_connections = 32;
  self->max_tracked_addresses = 65536;
  self->max_body_bytes = 1024;
  self->connect_timeout_ms = 5000;
  self->read_timeout_ms = 3000;
  self->request_timeout_ms = 10000;

  return self;
}

PortierProbeConfig *
portier_probe_config_copy (const PortierProbeConfig *self)
{
  PortierProbeConfig *copy = g_memdup2 (self, sizeof *self);

  copy->listen = g_ptr_array_copy (self->listen, (GCopyFunc) (void (*) (void)) g_object_ref,
                                   NULL);
  g_ptr_array_set_free_func (copy->listen, g_object_unref);
  copy->trusted_proxies = g_ptr_array_copy (self->trusted_proxies,
                                            (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  g_ptr_array_set_free_func (copy->trusted_proxies, g_object_unref);
  return copy;
}

void
portier_probe_config_free (PortierProbeConfig *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->listen);
  g_ptr_array_unref (self->trusted_proxies);
  g_free (self);
}

static gboolean
parse_port (const char *text,
            guint16    *port)
{
  guint64 value;

  if (text[0] == '\0' || strlen (text) > 5)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  value = g_ascii_strtoull (text, NULL, 10);
  if (value > G_MAXUINT16)
    return FALSE;
  *port = (guint16) value;
  return TRUE;
}

static GInetSocketAddress *
parse_listen_address (const char *text)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) address = NULL;
  GSocketFamily family;
  const char *port_text;
  guint16 port;

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL || end[1] != ':')
        return NULL;
      host = g_strndup (text + 1, end - text - 1);
      port_text = end + 2;
      family = G_SOCKET_FAMILY_IPV6;
    }
  else
    {
      const char *colon = strrchr (text, ':');

      if (colon == NULL)
        return NULL;
      host = g_strndup (text, colon - text);
      port_text = colon + 1;
      family = G_SOCKET_FAMILY_IPV4;
    }

  address = g_inet_address_new_from_string (host);
  if (address == NULL || g_inet_address_get_family (address) != family ||
      !parse_port (port_text, &port))
    return NULL;

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));
}

/**
 * portier_probe_parse_listen_address:
 * @text: `ADDRESS:PORT`: `0.0.0.0:8080`, `[::]:8080`, `127.0.0.1:0` (0: any free port)
 *
 * Only literal addresses: a server that resolves names at start-up can come up on the
 * wrong address.
 *
 * Returns: (transfer full): the address, or %NULL
 */
GInetSocketAddress *
portier_probe_parse_listen_address (const char  *text,
                                    GError     **error)
{
  GInetSocketAddress *address = parse_listen_address (text);

  if (address == NULL)
    g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                 "“%s” is not an address to listen on; write 0.0.0.0:8080 or [::]:8080",
                 text);
  return address;
}

gboolean
portier_probe_config_add_listen (PortierProbeConfig  *self,
                                 const char          *text,
                                 GError             **error)
{
  GInetSocketAddress *address = portier_probe_parse_listen_address (text, error);

  if (address == NULL)
    return FALSE;
  g_ptr_array_add (self->listen, address);
  return TRUE;
}

/**
 * portier_probe_config_add_trusted_proxy:
 * @text: an address (`127.0.0.1`, `::1`) or a network (`10.0.0.0/8`, `fd00::/8`)
 *
 * A trusted proxy may say, in `X-Forwarded-For`, which address it forwards for.
 */
gboolean
portier_probe_config_add_trusted_proxy (PortierProbeConfig  *self,
                                        const char          *text,
                                        GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  GInetAddressMask *mask = g_inet_address_mask_new_from_string (text, &local_error);

  if (mask == NULL)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an address or a network such as 10.0.0.0/8: %s",
                   text, local_error->message);
      return FALSE;
    }
  g_ptr_array_add (self->trusted_proxies, mask);
  return TRUE;
}

gboolean
portier_probe_config_is_trusted_proxy (const PortierProbeConfig *self,
                                       GInetAddress             *address)
{
  for (guint i = 0; i < self->trusted_proxies->len; i++)
    if (g_inet_address_mask_matches (g_ptr_array_index (self->trusted_proxies, i), address))
      return TRUE;
  return FALSE;
}

static gboolean
check_keys (GKeyFile  *key_file,
            GError   **error)
{
  static const char *const server_keys[] = { "listen", "trusted-proxies",
                                             "allow-private-targets", NULL };
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_auto(GStrv) keys = NULL;
      gboolean is_server = g_str_equal (groups[g], "server");

      if (!is_server && !g_str_equal (groups[g], "limits"))
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                       "unknown group [%s]; the groups are [server] and [limits]", groups[g]);
          return FALSE;
        }

      keys = g_key_file_get_keys (key_file, groups[g], NULL, NULL);
      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        {
          gboolean known = FALSE;

          if (is_server)
            known = g_strv_contains (server_keys, keys[k]);
          else
            for (guint i = 0; i < G_N_ELEMENTS (limit_keys) && !known; i++)
              known = g_str_equal (limit_keys[i].key, keys[k]);

          if (!known)
            {
              g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                           "unknown key “%s” in [%s]", keys[k], groups[g]);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/**
 * portier_probe_config_load_key_file:
 *
 * Reads `[server]` (listen, trusted-proxies, allow-private-targets) and `[limits]`. Keys that are not there keep
 * their value; unknown keys are errors, so a typo never silently leaves a limit at its
 * default.
 */
gboolean
portier_probe_config_load_key_file (PortierProbeConfig  *self,
                                    GKeyFile            *key_file,
                                    GError             **error)
{
  g_auto(GStrv) listen = NULL;
  g_auto(GStrv) proxies = NULL;

  if (!check_keys (key_file, error))
    return FALSE;

  listen = g_key_file_get_string_list (key_file, "server", "listen", NULL, NULL);
  for (guint i = 0; listen != NULL && listen[i] != NULL; i++)
    {
      g_strstrip (listen[i]);
      if (listen[i][0] != '\0' && !portier_probe_config_add_listen (self, listen[i], error))
        return FALSE;
    }

  proxies = g_key_file_get_string_list (key_file, "server", "trusted-proxies", NULL, NULL);
  for (guint i = 0; proxies != NULL && proxies[i] != NULL; i++)
    {
      g_strstrip (proxies[i]);
      if (proxies[i][0] != '\0' && !portier_probe_config_add_trusted_proxy (self, proxies[i],
                                                                            error))
        return FALSE;
    }

  if (g_key_file_has_key (key_file, "server", "allow-private-targets", NULL))
    {
      g_autoptr(GError) local_error = NULL;
      gboolean allow = g_key_file_get_boolean (key_file, "server", "allow-private-targets",
                                               &local_error);

      if (local_error != NULL)
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                       "[server] allow-private-targets must be true or false");
          return FALSE;
        }
      self->allow_private_targets = allow;
    }

  for (guint i = 0; i < G_N_ELEMENTS (limit_keys); i++)
    {
      const LimitKey *limit = &limit_keys[i];
      g_autofree char *text = NULL;
      char *end = NULL;
      guint64 value;

      text = g_key_file_get_value (key_file, limit->group, limit->key, NULL);
      if (text == NULL)
        continue;
      g_strstrip (text);
      value = g_ascii_strtoull (text, &end, 10);
      if (text[0] == '\0' || !g_ascii_isdigit (text[0]) || end == NULL || *end != '\0' ||
          value < limit->min || value > limit->max)
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                       "[%s] %s must be a whole number from %u to %u, not “%s”",
                       limit->group, limit->key, limit->min, limit->max, text);
          return FALSE;
        }
      G_STRUCT_MEMBER (guint, self, limit->offset) = (guint) value;
    }

  return TRUE;
}

gboolean
portier_probe_config_load_file (PortierProbeConfig  *self,
                                const char          *path,
                                GError             **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, error) ||
      !portier_probe_config_load_key_file (self, key_file, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}
