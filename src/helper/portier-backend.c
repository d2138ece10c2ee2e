/* portier-backend.c: one kind of firewall the helper can change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <stdint.h>
#include <sys/stat.h>

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

/* The last detection of ufw or nftables, reused for a few seconds: ufw's status is a
 * program of its own (Python), and a flood of reads from one user must not keep the
 * computer busy running it for every call. firewalld is asked each time (one D-Bus
 * call). A change to ufw's switch (its configuration file, rewritten by "ufw enable"
 * and "ufw disable") or to its lock file is noticed at once; any failure, and firewalld
 * reloading or coming and going, forget it (portier_backend_forget_detected()). */
#define DETECTED_USEC (3 * G_USEC_PER_SEC)

static const char * const ufw_files[] = { "/etc/ufw/ufw.conf", "/run/ufw.lock", NULL };

static GMutex detected_mutex;
static char *detected_name;
static char *detected_files;
static gint64 detected_at;

/**
 * _portier_backend_files_fingerprint:
 * @paths: files, none large
 *
 * What @paths look like now, without running anything: each one's kind, inode, size and
 * time of change, and a regular file's contents.
 */
char *
_portier_backend_files_fingerprint (const char * const *paths)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *contents = NULL;
      struct stat st;

      if (stat (paths[i], &st) != 0)
        {
          g_string_append (text, "-\n");
          continue;
        }
      g_string_append_printf (text, "%ju %ju %o %jd.%09ld %jd\n", (uintmax_t) st.st_dev,
                              (uintmax_t) st.st_ino, (unsigned) st.st_mode,
                              (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                              (intmax_t) st.st_size);
      if (S_ISREG (st.st_mode) && st.st_size < 65536 &&
          g_file_get_contents (paths[i], &contents, NULL, NULL))
        g_string_append (text, contents);
    }
  return g_string_free (text, FALSE);
}

/**
 * _portier_backend_detected_lookup:
 * @files: the fingerprint of ufw's files now
 * @now: the monotonic time now
 *
 * Returns: (transfer full) (nullable): the name remembered, while it is recent and ufw's
 *   files are the same
 */
char *
_portier_backend_detected_lookup (const char *files,
                                  gint64      now)
{
  char *name = NULL;

  g_mutex_lock (&detected_mutex);
  if (detected_name != NULL && g_str_equal (files, detected_files) &&
      now - detected_at < DETECTED_USEC)
    name = g_strdup (detected_name);
  g_mutex_unlock (&detected_mutex);
  return name;
}

/* @name: (nullable): %NULL forgets */
void
_portier_backend_detected_remember (const char *name,
                                    const char *files,
                                    gint64      now)
{
  g_mutex_lock (&detected_mutex);
  g_clear_pointer (&detected_name, g_free);
  g_clear_pointer (&detected_files, g_free);
  if (name != NULL)
    {
      detected_name = g_strdup (name);
      detected_files = g_strdup (files);
      detected_at = now;
    }
  g_mutex_unlock (&detected_mutex);
}

/**
 * portier_backend_forget_detected:
 *
 * The next portier_backend_detect_recent() looks at the firewall again.
 */
void
portier_backend_forget_detected (void)
{
  _portier_backend_detected_remember (NULL, NULL, 0);
}

/**
 * portier_backend_detect_recent:
 *
 * portier_backend_detect(), whose answer for ufw and nftables is reused for a few
 * seconds while ufw's files stay the same. Errors are never reused.
 */
PortierBackend *
portier_backend_detect_recent (GDBusConnection  *system_bus,
                               char            **out_name,
                               GError          **error)
{
  g_autofree char *files = NULL;
  PortierBackend *backend;

  if (portier_backend_firewalld_is_running (system_bus))
    return portier_backend_detect (system_bus, out_name, error);

  files = _portier_backend_files_fingerprint (ufw_files);
  *out_name = _portier_backend_detected_lookup (files, g_get_monotonic_time ());
  if (*out_name != NULL)
    return portier_backend_new_for_name (system_bus, *out_name);

  backend = portier_backend_detect (system_bus, out_name, error);
  _portier_backend_detected_remember (*out_name != NULL &&
                                      !g_str_equal (*out_name, "firewalld") ? *out_name
                                                                            : NULL,
                                      files, g_get_monotonic_time ());
  return backend;
}
