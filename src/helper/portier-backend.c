/* portier-backend.c: one kind of firewall the helper can change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include "portier-backend.h"
#include "portier-backend-firewalld.h"
#include "portier-backend-nftables.h"
#include "portier-backend-ufw.h"
#include "portier-error.h"

G_DEFINE_INTERFACE (PortierBackend, portier_backend, G_TYPE_OBJECT)

static void
portier_backend_default_init (PortierBackendInterface *iface)
{
}

const char *
portier_backend_get_name (PortierBackend *self)
{
  return PORTIER_BACKEND_GET_IFACE (self)->get_name (self);
}

PortierPortStatus
portier_backend_query (PortierBackend         *self,
                       const PortierPortSpec  *spec,
                       const char             *zone,
                       char                  **out_zone,
                       GError                **error)
{
  return PORTIER_BACKEND_GET_IFACE (self)->query (self, spec, zone, out_zone, error);
}

gboolean
portier_backend_open (PortierBackend     *self,
                      PortierRule        *rule,
                      PortierOpenStatus  *status,
                      GError            **error)
{
  return PORTIER_BACKEND_GET_IFACE (self)->open (self, rule, status, error);
}

gboolean
portier_backend_close (PortierBackend     *self,
                       const PortierRule  *rule,
                       GError            **error)
{
  return PORTIER_BACKEND_GET_IFACE (self)->close (self, rule, error);
}

gboolean
portier_backend_exists (PortierBackend     *self,
                        const PortierRule  *rule,
                        gboolean           *exists,
                        GError            **error)
{
  return PORTIER_BACKEND_GET_IFACE (self)->exists (self, rule, exists, error);
}

const char *
portier_port_status_to_string (PortierPortStatus status)
{
  switch (status)
    {
    case PORTIER_PORT_STATUS_OPEN:
      return "open";
    case PORTIER_PORT_STATUS_BLOCKED:
      return "blocked";
    case PORTIER_PORT_STATUS_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
portier_open_status_to_string (PortierOpenStatus status)
{
  switch (status)
    {
    case PORTIER_OPEN_OPENED:
      return "opened";
    case PORTIER_OPEN_ALREADY_OPEN:
      return "already-open";
    case PORTIER_OPEN_NOT_NEEDED:
    default:
      return "not-needed";
    }
}

PortierBackend *
portier_backend_new_for_name (GDBusConnection *system_bus,
                              const char      *name)
{
  if (g_strcmp0 (name, "firewalld") == 0)
    return PORTIER_BACKEND (portier_backend_firewalld_new (system_bus));
  if (g_strcmp0 (name, "ufw") == 0)
    return PORTIER_BACKEND (portier_backend_ufw_new ());
  if (g_strcmp0 (name, "nftables") == 0)
    return PORTIER_BACKEND (portier_backend_nftables_new ());
  return NULL;
}

static gboolean
iptables_legacy_in_use (void)
{
  g_autofree char *names = NULL;

  /* Tables of the old iptables are invisible to nft; this file lists them. */
  if (!g_file_get_contents ("/proc/net/ip_tables_names", &names, NULL, NULL))
    return FALSE;
  return g_strstr_len (names, -1, "filter") != NULL;
}

/**
 * portier_backend_detect:
 * @out_name: (out): "firewalld", "ufw", "nftables", "iptables-legacy" or "none"
 *
 * Finds the firewall in charge now: firewalld when it runs, else ufw when it is active,
 * else nftables when a base chain filters incoming connections. An installed ufw that
 * fails is an error: the helper never guesses past it.
 *
 * Returns: (transfer full) (nullable): the backend, or %NULL for "iptables-legacy" (which
 *   the helper does not change) and "none" (nothing filters incoming connections)
 */
PortierBackend *
portier_backend_detect (GDBusConnection  *system_bus,
                        char            **out_name,
                        GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  PortierBackend *backend;

  if (portier_backend_firewalld_is_running (system_bus))
    {
      *out_name = g_strdup ("firewalld");
      return PORTIER_BACKEND (portier_backend_firewalld_new (system_bus));
    }

  if (portier_backend_ufw_is_active (&local_error))
    {
      *out_name = g_strdup ("ufw");
      return PORTIER_BACKEND (portier_backend_ufw_new ());
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  backend = PORTIER_BACKEND (portier_backend_nftables_new ());
  if (portier_backend_nftables_filters_input (PORTIER_BACKEND_NFTABLES (backend),
                                              &local_error))
    {
      *out_name = g_strdup ("nftables");
      return backend;
    }
  g_object_unref (backend);
  if (local_error != NULL &&
      !g_error_matches (local_error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  *out_name = g_strdup (iptables_legacy_in_use () ? "iptables-legacy" : "none");
  return NULL;
}
