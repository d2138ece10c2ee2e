/* main.c: portier-probe-server
 *
 *   portier-probe-server --listen ADDRESS:PORT [--listen …] [--config FILE]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include <glib-unix.h>

#include "portier-probe-server.h"

#define SHUTDOWN_GRACE_US (5 * G_USEC_PER_SEC)

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* Every connection and every pending probe holds a descriptor. Take what the system
 * allows, and lower the limits when even that is too little. */
static void
fit_descriptors (PortierProbeConfig *config)
{
  struct rlimit limit;
  rlim_t needed = (rlim_t) config->max_connections + config->max_pending_probes + 32;
  rlim_t usable;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return;
  if (limit.rlim_cur < needed && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = MIN (needed, limit.rlim_max);
      setrlimit (RLIMIT_NOFILE, &limit);
      getrlimit (RLIMIT_NOFILE, &limit);
    }
  if (limit.rlim_cur >= needed)
    return;

  usable = limit.rlim_cur > 128 ? limit.rlim_cur - 64 : 64;
  config->max_connections = MAX (1, (guint) (usable / 2));
  config->max_pending_probes = MIN (config->max_pending_probes,
                                    MAX (1, (guint) (usable - config->max_connections)));
  g_message ("Only %lu file descriptors may be open: allowing %u connections and %u "
             "pending probes. Raise LimitNOFILE to allow more.",
             (unsigned long) limit.rlim_cur, config->max_connections,
             config->max_pending_probes);
}

static gboolean
listen_all (PortierProbeServer        *server,
            const PortierProbeConfig  *config,
            gboolean                   defaults,
            GError                   **error)
{
  guint listening = 0;

  for (guint i = 0; i < config->listen->len; i++)
    {
      GInetSocketAddress *address = g_ptr_array_index (config->listen, i);
      g_autoptr(GError) local_error = NULL;

      if (portier_probe_server_listen (server, address, &local_error))
        {
          listening++;
          continue;
        }

      /* The default IPv6 address is optional: some machines have IPv6 turned off. */
      if (defaults && g_socket_address_get_family (G_SOCKET_ADDRESS (address)) ==
                      G_SOCKET_FAMILY_IPV6)
        {
          g_message ("Not listening on IPv6: %s", local_error->message);
          continue;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (listening == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Nowhere to listen");
      return FALSE;
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_auto(GStrv) listen = NULL;
  g_auto(GStrv) trusted = NULL;
  g_autofree char *config_path = NULL;
  gboolean version = FALSE;
  gboolean verbose = FALSE;
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &listen,
      "Listen on ADDRESS:PORT, e.g. 0.0.0.0:8080 or [::]:8080 (repeatable; default both "
      "of these)", "ADDRESS:PORT" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Read settings from a key file", "FILE" },
    { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &trusted,
      "Believe X-Forwarded-For from this address or network (repeatable)", "ADDRESS[/BITS]" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log every request", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(PortierProbeConfig) config = portier_probe_config_new ();
  g_autoptr(PortierProbeServer) server = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  gboolean defaults;
  gint64 deadline;

  /* GLib's slice allocator (GLib before 2.76) keeps what thousands of pending probes
   * took long after they have ended; malloc gives it back (see sweep_cb()). GLib reads
   * G_SLICE before main() runs, so the server starts itself once more with it set. */
  if (glib_check_version (2, 76, 0) != NULL && getenv ("G_SLICE") == NULL &&
      setenv ("G_SLICE", "always-malloc", 1) == 0)
    execv ("/proc/self/exe", argv);

  setlocale (LC_ALL, "");
  signal (SIGPIPE, SIG_IGN);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "Tells Portier users whether a port on their computer can be reached from the "
    "internet. It connects back only to the address each request comes from.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("portier-probe-server: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("portier-probe-server %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (verbose)
    g_log_set_debug_enabled (TRUE);

  if (config_path != NULL && !portier_probe_config_load_file (config, config_path, &error))
    {
      g_printerr ("portier-probe-server: %s\n", error->message);
      return 2;
    }
  if (listen != NULL)
    {
      g_ptr_array_set_size (config->listen, 0);
      for (guint i = 0; listen[i] != NULL; i++)
        if (!portier_probe_config_add_listen (config, listen[i], &error))
          {
            g_printerr ("portier-probe-server: %s\n", error->message);
            return 2;
          }
    }
  for (guint i = 0; trusted != NULL && trusted[i] != NULL; i++)
    if (!portier_probe_config_add_trusted_proxy (config, trusted[i], &error))
      {
        g_printerr ("portier-probe-server: %s\n", error->message);
        return 2;
      }

  /* The tests run client and server on one machine, where the client is this host. No
   * configuration file can say this, and the server says it loudly. */
  if (g_strcmp0 (g_getenv ("PORTIER_PROBE_TEST_LOCAL_TARGETS"), "1") == 0)
    {
      config->allow_local_targets = TRUE;
      g_message ("PORTIER_PROBE_TEST_LOCAL_TARGETS=1: this server tests its own host too. "
                 "For tests on one machine only: never offer it to others like this.");
    }

  defaults = config->listen->len == 0;
  if (defaults)
    {
      portier_probe_config_add_listen (config, "0.0.0.0:8080", NULL);
      portier_probe_config_add_listen (config, "[::]:8080", NULL);
    }

  fit_descriptors (config);

  server = portier_probe_server_new (config);
  if (!listen_all (server, config, defaults, &error))
    {
      g_printerr ("portier-probe-server: %s\n", error->message);
      return 1;
    }

  /* One line a socket, for people and for scripts that asked for port 0. */
  addresses = portier_probe_server_get_addresses (server);
  for (guint i = 0; i < addresses->len; i++)
    {
      g_autofree char *text = g_socket_connectable_to_string (
        G_SOCKET_CONNECTABLE (g_ptr_array_index (addresses, i)));
      g_print ("portier-probe-server: listening on %s\n", text);
    }
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  portier_probe_server_stop (server);
  deadline = g_get_monotonic_time () + SHUTDOWN_GRACE_US;
  while (!portier_probe_server_is_idle (server) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  /* Let the last answers go out. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return 0;
}
