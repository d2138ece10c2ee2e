/* main.c: portier-helper, the privileged firewall helper
 *
 * Started by the system bus (through systemd where there is one) as root. It takes its
 * bus name only once it has compared its record with the firewall, and exits when it
 * has been idle for a while.
 *
 * `portier-helper --reconcile` (portier-helper-reconcile.service, at boot) only
 * compares: it removes every rule of the record that ended — its time is over, it was
 * not permanent and the computer restarted, or its program is gone — and exits. When a
 * helper runs, it has done that itself: the reconcile leaves the record to it. The two
 * never work on the record at once: each holds a lock on a file beside it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/file.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "portier-helper.h"

#define DEFAULT_STATE_DIR LOCALSTATEDIR "/lib/portier"
#define DEFAULT_IDLE_SECONDS 60

typedef struct
{
  GMainLoop     *loop;
  GDBusConnection *bus;
  PortierHelper *helper;
  char          *state_dir;
  guint          idle_seconds;
  gboolean       replace;
  gboolean       reconcile_only;
  guint          owner_id;
  int            status;
} Context;

static void
quit (Context *context,
      int      status)
{
  context->status = status;
  g_main_loop_quit (context->loop);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  g_debug ("Serving as %s", name);
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  Context *context = user_data;

  g_message ("Lost the bus name %s; exiting", name);
  quit (context, context->status);
}

static void
idle_cb (PortierHelper *helper,
         gpointer       user_data)
{
  Context *context = user_data;

  /* Give the name back first, so that a call from now on starts a new helper. */
  g_clear_handle_id (&context->owner_id, g_bus_unown_name);
  quit (context, EXIT_SUCCESS);
}

static gboolean
signal_cb (gpointer user_data)
{
  quit (user_data, EXIT_SUCCESS);
  return G_SOURCE_REMOVE;
}

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Context *context = user_data;
  g_autoptr(GError) error = NULL;

  if (context->reconcile_only)
    {
      if (!portier_helper_start_finish (PORTIER_HELPER (source), result, &error))
        {
          g_printerr ("portier-helper: %s\n", error->message);
          quit (context, EXIT_FAILURE);
        }
      else
        quit (context, EXIT_SUCCESS);
      return;
    }

  if (!portier_helper_start_finish (PORTIER_HELPER (source), result, &error) ||
      !portier_helper_export (PORTIER_HELPER (source), &error))
    {
      g_printerr ("portier-helper: %s\n", error->message);
      quit (context, EXIT_FAILURE);
      return;
    }

  g_signal_connect (source, "idle", G_CALLBACK (idle_cb), context);
  context->owner_id = g_bus_own_name_on_connection (
    context->bus, HELPER_BUS_NAME,
    G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT |
    (context->replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : 0),
    name_acquired_cb, name_lost_cb, context, NULL);
}

static void
authority_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Context *context = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortierAuthority) authority = portier_authority_new_finish (result, &error);

  if (authority == NULL)
    {
      g_printerr ("portier-helper: cannot reach polkit: %s\n", error->message);
      quit (context, EXIT_FAILURE);
      return;
    }

  context->helper = portier_helper_new (context->bus, authority, context->state_dir,
                                        context->idle_seconds);
  portier_helper_start_async (context->helper, NULL, started_cb, context);
}

/* Takes the lock beside the record: waits for it (@wait), or returns -1 at once when
 * another process holds it. */
static int
lock_record (const char  *state_dir,
             gboolean     wait,
             GError     **error)
{
  g_autofree char *path = g_build_filename (state_dir, "lock", NULL);
  int fd;

  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Cannot create %s: %s", state_dir, g_strerror (saved_errno));
      return -1;
    }
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Cannot open %s: %s", path, g_strerror (saved_errno));
      return -1;
    }
  while (flock (fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;
      close (fd);
      if (saved_errno != EWOULDBLOCK)
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                     "Cannot lock %s: %s", path, g_strerror (saved_errno));
      return -1;
    }
  return fd;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;
  int idle_seconds = DEFAULT_IDLE_SECONDS;
  gboolean replace = FALSE;
  gboolean reconcile = FALSE;
  gboolean verbose = FALSE;
  int lock_fd;
  const GOptionEntry entries[] = {
    { "state-directory", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
      "Where the record of rules lives (" DEFAULT_STATE_DIR ")", "DIR" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_seconds,
      "Exit after this many idle seconds; 0 for never", "SECONDS" },
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace, "Replace a running helper", NULL },
    { "reconcile", 0, 0, G_OPTION_ARG_NONE, &reconcile,
      "Remove the rules that ended (at boot), then exit", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print debug messages", NULL },
    { NULL }
  };
  Context context = { 0, };

  setlocale (LC_ALL, "");

  options = g_option_context_new (NULL);
  g_option_context_set_summary (options,
                                "Lets a port in through this computer's firewall for Portier.");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("portier-helper: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (idle_seconds < 0)
    {
      g_printerr ("portier-helper: --idle-timeout cannot be negative\n");
      return EXIT_FAILURE;
    }
  if (verbose)
    g_log_set_debug_enabled (TRUE);

  if (geteuid () != 0)
    {
      g_printerr ("portier-helper: must run as root\n");
      return EXIT_FAILURE;
    }

  if (state_dir == NULL)
    state_dir = g_strdup (DEFAULT_STATE_DIR);
  lock_fd = lock_record (state_dir, !reconcile, &error);
  if (lock_fd < 0)
    {
      if (error != NULL)
        {
          g_printerr ("portier-helper: %s\n", error->message);
          return EXIT_FAILURE;
        }
      g_print ("portier-helper: a helper is running and keeps the record itself\n");
      return EXIT_SUCCESS;
    }

  context.bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (context.bus == NULL)
    {
      g_printerr ("portier-helper: cannot reach the system bus: %s\n", error->message);
      close (lock_fd);
      return EXIT_FAILURE;
    }
  g_dbus_connection_set_exit_on_close (context.bus, FALSE);

  context.loop = g_main_loop_new (NULL, FALSE);
  context.state_dir = g_strdup (state_dir);
  context.reconcile_only = reconcile;
  context.idle_seconds = (guint) idle_seconds;
  context.replace = replace;
  context.status = EXIT_SUCCESS;

  g_unix_signal_add (SIGTERM, signal_cb, &context);
  g_unix_signal_add (SIGINT, signal_cb, &context);

  if (reconcile)
    {
      /* No calls: no polkit either. */
      context.helper = portier_helper_new (context.bus, NULL, context.state_dir, 0);
      portier_helper_start_async (context.helper, NULL, started_cb, &context);
    }
  else
    portier_authority_new_async (NULL, authority_cb, &context);
  g_main_loop_run (context.loop);

  g_clear_handle_id (&context.owner_id, g_bus_unown_name);
  if (context.helper != NULL && !context.reconcile_only)
    portier_helper_unexport (context.helper);
  g_clear_object (&context.helper);
  g_dbus_connection_flush_sync (context.bus, NULL, NULL);
  g_clear_object (&context.bus);
  g_main_loop_unref (context.loop);
  g_free (context.state_dir);
  close (lock_fd);
  return context.status;
}
