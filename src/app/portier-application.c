/* portier-application.c: the app — its window, and what it keeps open in the background
 *
 * Some openings last only as long as Portier runs (while Portier runs, for some hours:
 * Portier renews the router's lease and closes them in time). When the window closes
 * with such openings, Portier keeps running in the background (g_application_hold),
 * says so in a notification, and inside Flatpak asks the Background portal for leave.
 * Quitting asks what to do with them.
 *
 * What the first frame does not need waits until it is on screen: cleaning up after an
 * earlier run, keeping router leases alive, and the window's keyboard shortcuts.
 *
 * At login Portier starts as a service (without a window) only while something is open
 * that needs it then: an opening for some hours (closed when its time is up, even if
 * the computer was off meanwhile) or one "until I close it" with a router forward (put
 * back when the router forgot it). Outside Flatpak this is an XDG autostart entry that
 * Portier writes while there is such an opening and removes when there is none; inside
 * Flatpak the Background portal keeps it. The service cleans up, looks at every forward
 * on the router, and ends unless something still needs it running.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-application"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "portier-after-frame.h"
#include "portier-application.h"
#include "portier-background.h"
#include "portier-catalog.h"
#include "portier-close-run.h"
#include "portier-error.h"
#include "portier-openings-page.h"
#include "portier-sandbox.h"
#include "portier-window.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#define NOTIFICATION_ID "background"

struct _PortierApplication
{
  AdwApplication  parent_instance;

  PortierLedger  *ledger;
  PortierOpener  *opener;
  PortierCatalog *catalog;
  gboolean        in_background;
  gboolean        quitting;
  gboolean        started;
  guint           portal_requests;  /* asked of the Background portal, not answered yet */
};

G_DEFINE_FINAL_TYPE (PortierApplication, portier_application, ADW_TYPE_APPLICATION)

PortierApplication *
portier_application_new (void)
{
  return g_object_new (PORTIER_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/portier_app/Portier",
                       NULL);
}

/**
 * portier_application_get_ledger:
 *
 * Returns: (transfer none): the record of what Portier opened
 */
PortierLedger *
portier_application_get_ledger (PortierApplication *self)
{
  g_return_val_if_fail (PORTIER_IS_APPLICATION (self), NULL);
  return self->ledger;
}

/**
 * portier_application_get_opener:
 *
 * Returns: (transfer none): what opens, renews and closes, for every window
 */
PortierOpener *
portier_application_get_opener (PortierApplication *self)
{
  g_return_val_if_fail (PORTIER_IS_APPLICATION (self), NULL);
  return self->opener;
}

gboolean
portier_application_get_in_background (PortierApplication *self)
{
  g_return_val_if_fail (PORTIER_IS_APPLICATION (self), FALSE);
  return self->in_background;
}

/**
 * portier_application_list_kept:
 *
 * The openings that need Portier to keep running: those that close when it quits, and
 * those open for some hours, whose router lease it renews and which it closes in time.
 *
 * Returns: (transfer container) (element-type PortierOpening): from the ledger
 */
GPtrArray *
portier_application_list_kept (PortierApplication *self)
{
  GPtrArray *kept = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GPtrArray *openings;

  g_return_val_if_fail (PORTIER_IS_APPLICATION (self), kept);

  if (!portier_ledger_load (self->ledger, &error))
    {
      g_debug ("Cannot read the ledger: %s", error->message);
      return kept;
    }

  openings = portier_ledger_get_openings (self->ledger);
  for (guint i = 0; i < openings->len; i++)
    {
      PortierOpening *opening = g_ptr_array_index (openings, i);

      if (opening->state != PORTIER_OPENING_STATE_OPEN)
        continue;
      if ((opening->duration == PORTIER_DURATION_WHILE_RUNNING &&
           opening->owner_pid == getpid ()) ||
          (opening->duration == PORTIER_DURATION_UNTIL && opening->expires > now))
        g_ptr_array_add (kept, opening);
    }
  return kept;
}

/* "Minecraft: Java Edition and port 7777 (UDP)" */
static char *
describe_kept (PortierApplication *self,
               GPtrArray          *kept)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < kept->len; i++)
    {
      g_autofree char *title = NULL;

      /* Read when first needed, not at start. */
      if (self->catalog == NULL)
        self->catalog = portier_catalog_new_default (NULL);
      title = portier_opening_describe_title (g_ptr_array_index (kept, i), self->catalog);

      if (i > 0 && i == kept->len - 1)
        g_string_append (text, _(" and "));
      else if (i > 0)
        g_string_append (text, _(", "));
      g_string_append (text, title);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The background */

/* At login, Portier starts as a service: it cleans up what ended while the person was
 * away (its startup reconciles the ledger), puts back the router forwards the router
 * forgot, and, when something is still open for some hours, keeps it in the background. */
static const char * const login_command[] = { "portier", "--gapplication-service", NULL };

#define AUTOSTART_FILE APP_ID "-autostart.desktop"

/* Whether something open needs Portier at the next login: an opening for some hours (to
 * close it in time), or one "until I close it" with a forward Portier made (to put it
 * back when the router forgot it). "While Portier runs" ends with Portier. */
static gboolean
needed_at_login (PortierApplication *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GPtrArray *openings;

  if (!portier_ledger_load (self->ledger, NULL))
    return FALSE;
  openings = portier_ledger_get_openings (self->ledger);
  for (guint i = 0; i < openings->len; i++)
    {
      const PortierOpening *opening = g_ptr_array_index (openings, i);

      if (opening->state != PORTIER_OPENING_STATE_OPEN)
        continue;
      if ((opening->duration == PORTIER_DURATION_UNTIL && opening->expires > now) ||
          (opening->duration == PORTIER_DURATION_UNTIL_CLOSED &&
           portier_opening_has_forwards (opening)))
        return TRUE;
    }
  return FALSE;
}

/* Inside Flatpak the Background portal keeps the start at login. It is asked only when
 * that changes: a file beside the ledger says that Portier asked for it, so that a person
 * who never needed it is never asked about running in the background. */
static char *
login_start_marker (PortierApplication *self)
{
  g_autofree char *dir = g_path_get_dirname (portier_ledger_get_path (self->ledger));

  return g_build_filename (dir, "login-start", NULL);
}

typedef struct
{
  PortierApplication *app;
  gboolean            at_login;
  gboolean            notify_refusal;
} PortalRequest;

static void
portal_answered_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PortalRequest *request = user_data;
  PortierApplication *self = request->app;
  g_autofree char *marker = login_start_marker (self);
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GError) error = NULL;

  if (portier_background_request_finish (result, &error))
    {
      if (request->at_login)
        g_file_set_contents (marker, "", 0, NULL);
      else
        g_unlink (marker);
    }
  else
    {
      g_debug ("Background portal: %s", error->message);
      if (request->notify_refusal)
        {
          notification = g_notification_new (_("Portier may be stopped"));
          g_notification_set_body (notification,
                                   _("Your computer did not allow Portier to run in the "
                                     "background. Open Portier again and keep its window "
                                     "open while your friends play."));
          g_notification_set_default_action (notification, "app.show");
          g_application_send_notification (G_APPLICATION (self), NOTIFICATION_ID,
                                           notification);
        }
    }
  self->portal_requests--;
  g_application_release (G_APPLICATION (self));
  g_object_unref (self);
  g_free (request);
}

/* Asks the Background portal for leave to run on, with the start at login exactly when
 * something needs Portier then. Portier runs until it answers. */
static void
ask_portal (PortierApplication *self,
            gboolean            at_login,
            gboolean            notify_refusal)
{
  PortalRequest *request = g_new0 (PortalRequest, 1);

  request->app = g_object_ref (self);
  request->at_login = at_login;
  request->notify_refusal = notify_refusal;
  self->portal_requests++;
  g_application_hold (G_APPLICATION (self));
  portier_background_request_async (
    g_application_get_dbus_connection (G_APPLICATION (self)),
    _("Portier keeps the ports you opened open, and closes them in time."),
    request->at_login ? login_command : NULL, NULL, portal_answered_cb, request);
}

/* Inside Flatpak: asks for the start at login when something needs it and it was not
 * asked for, and takes it back when nothing needs it any more. */
static void
update_login_start (PortierApplication *self)
{
  g_autofree char *marker = login_start_marker (self);
  gboolean asked = g_file_test (marker, G_FILE_TEST_EXISTS);
  gboolean needed = needed_at_login (self);

  /* A request under way (leave to run in the background) asks what is needed already. */
  if (g_application_get_dbus_connection (G_APPLICATION (self)) == NULL || needed == asked ||
      self->portal_requests > 0)
    return;
  ask_portal (self, needed, FALSE);
}

/* Outside Flatpak: the autostart entry exists exactly while something needs Portier at
 * login. Portier does nothing at login otherwise. */
static void
update_autostart (PortierApplication *self)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "autostart", NULL);
  g_autofree char *path = g_build_filename (dir, AUTOSTART_FILE, NULL);
  g_autofree char *program = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (portier_sandbox_is_flatpak ())
    {
      update_login_start (self);
      return;
    }

  if (!needed_at_login (self))
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Cannot remove %s: %s", path, g_strerror (errno));
      return;
    }

  program = g_file_read_link ("/proc/self/exe", NULL);
  text = g_strdup_printf ("[Desktop Entry]\n"
                          "Type=Application\n"
                          "Name=Portier\n"
                          "Icon=%s\n"
                          "Exec=%s --gapplication-service\n"
                          "NoDisplay=true\n"
                          "X-GNOME-Autostart-enabled=true\n",
                          APP_ID, program != NULL ? program : login_command[0]);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &error))
    g_warning ("Cannot write %s: %s", path,
               error != NULL ? error->message : g_strerror (errno));
}

static void
enter_background (PortierApplication *self,
                  GPtrArray          *kept)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *what = describe_kept (self, kept);
  g_autofree char *body = NULL;

  if (self->in_background)
    return;

  self->in_background = TRUE;
  g_application_hold (G_APPLICATION (self));

  /* TRANSLATORS: %s is a list of apps or ports, e.g. "Minecraft: Java Edition" */
  body = g_strdup_printf (_("%s stays open while Portier runs in the background."), what);
  notification = g_notification_new (_("Portier keeps your ports open"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.show");
  g_notification_add_button (notification, _("Open Portier"), "app.show");
  g_notification_add_button (notification, _("Close and Quit"), "app.close-and-quit");
  g_application_send_notification (G_APPLICATION (self), NOTIFICATION_ID, notification);

  /* After: reading the ledger again (to know what is needed at login) frees what @kept
   * points to. */
  if (portier_sandbox_is_flatpak ())
    ask_portal (self, needed_at_login (self), TRUE);
}

static void
leave_background (PortierApplication *self)
{
  if (!self->in_background)
    return;

  self->in_background = FALSE;
  g_application_withdraw_notification (G_APPLICATION (self), NOTIFICATION_ID);
  g_application_release (G_APPLICATION (self));
}

static gboolean
window_close_request_cb (PortierApplication *self,
                         GtkWindow          *window)
{
  g_autoptr(GPtrArray) kept = portier_application_list_kept (self);

  if (kept->len > 0 && !self->quitting)
    enter_background (self, kept);
  /* After: reading the ledger again frees what @kept points to. */
  update_autostart (self);

  return FALSE;
}

static void reconcile_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

/* Whatever an earlier run left behind (it crashed, or was stopped) is closed, and what
 * stays open has its router leases renewed while Portier runs. Once per run: after the
 * first window's first frame, or at once when started as a service at login. */
static void
start_keeping (PortierApplication *self)
{
  if (self->started)
    return;

  self->started = TRUE;
  g_application_hold (G_APPLICATION (self));  /* until started () */
  portier_opener_reconcile_async (self->opener, NULL, reconcile_cb, g_object_ref (self));
  portier_opener_hold (self->opener);
}

/* After the window's first frame. */
static void
window_shown_cb (GtkWidget *window)
{
  PortierApplication *self = PORTIER_APPLICATION (gtk_window_get_application (
                                                    GTK_WINDOW (window)));
  g_autoptr(GtkBuilder) builder = NULL;

  builder = gtk_builder_new_from_resource ("/io/github/portier_app/Portier/"
                                           "portier-help-overlay.ui");
  gtk_application_window_set_help_overlay (
    GTK_APPLICATION_WINDOW (window),
    GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));

  if (self != NULL)
    start_keeping (self);
}

static PortierWindow *
show_window (PortierApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (portier_window_new (self));
      g_signal_connect_object (window, "close-request", G_CALLBACK (window_close_request_cb),
                               self, G_CONNECT_SWAPPED);
      portier_after_first_frame (GTK_WIDGET (window), window_shown_cb);
    }

  gtk_window_present (window);
  leave_background (self);
  return PORTIER_WINDOW (window);
}

static void
portier_application_activate (GApplication *app)
{
  show_window (PORTIER_APPLICATION (app));
}

/* Quitting */

static void
closed_for_quit_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PortierApplication) self = user_data;
  g_autoptr(GPtrArray) results = NULL;

  /* What cannot be closed now stays in the ledger, with this process as its owner:
   * the next start finds it stale and closes it. */
  results = portier_close_run_execute_finish (PORTIER_CLOSE_RUN (source), result, NULL);
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      const PortierCloseResult *closed = g_ptr_array_index (results, i);

      if (closed->error != NULL)
        g_warning ("Cannot close %s: %s", closed->id, closed->error->message);
    }

  leave_background (self);
  g_application_quit (G_APPLICATION (self));
  g_application_release (G_APPLICATION (self));
}

static void
close_and_quit (PortierApplication *self,
                GPtrArray          *kept)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  g_autoptr(PortierCloseRun) run = NULL;

  for (guint i = 0; i < kept->len; i++)
    g_strv_builder_add (builder, ((PortierOpening *) g_ptr_array_index (kept, i))->id);
  ids = g_strv_builder_end (builder);

  self->quitting = TRUE;
  run = portier_close_run_new (self->opener, (const char * const *) ids, TRUE);
  /* Running until everything is closed, window or not. */
  g_application_hold (G_APPLICATION (self));
  portier_close_run_execute_async (run, NULL, closed_for_quit_cb, g_object_ref (self));
}

/* After the dialog is done with its parent window. */
static void
destroy_windows_cb (gpointer user_data)
{
  g_autoptr(PortierApplication) self = user_data;
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (windows->data);
}

static void
quit_response_cb (AdwMessageDialog   *dialog,
                  const char         *response,
                  PortierApplication *self)
{
  g_autoptr(GPtrArray) kept = portier_application_list_kept (self);

  if (g_str_equal (response, "close"))
    close_and_quit (self, kept);
  else if (g_str_equal (response, "background") && kept->len > 0)
    enter_background (self, kept);
  else
    return;

  g_idle_add_once (destroy_windows_cb, g_object_ref (self));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  PortierApplication *self = user_data;
  g_autoptr(GPtrArray) kept = portier_application_list_kept (self);
  g_autofree char *what = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  PortierWindow *window;

  if (kept->len == 0)
    {
      self->quitting = TRUE;
      g_application_quit (G_APPLICATION (self));
      return;
    }

  what = describe_kept (self, kept);
  body = g_strdup_printf (
    /* TRANSLATORS: %s is a list of apps or ports, e.g. "Minecraft: Java Edition" */
    g_dngettext (GETTEXT_PACKAGE,
                 "%s is open only while Portier runs. Quitting closes it, and your friends "
                 "will not get through any more.",
                 "%s are open only while Portier runs. Quitting closes them, and your "
                 "friends will not get through any more.",
                 kept->len),
    what);

  window = show_window (self);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (window),
                                                       _("Close What You Opened?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "background", _("Keep Open in the _Background"),
                                    "close", _("Close and _Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (quit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_and_quit_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PortierApplication *self = user_data;
  g_autoptr(GPtrArray) kept = portier_application_list_kept (self);

  close_and_quit (self, kept);
}

static void
show_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  show_window (PORTIER_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Portier developers", NULL };
  PortierApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Portier"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Portier developers"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/portier-app/portier",
                         "issue-url", "https://github.com/portier-app/portier/issues",
                         "developers", developers,
                         /* TRANSLATORS: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         "copyright", "© 2026 The Portier developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

/* For the integration tests only (tests/integration/test-app-crash.py), never in a
 * person's session: with PORTIER_TEST_ACTIONS=1 in the environment, the app has the
 * action app.test-open-while-running(("PORT/PROTOCOL", LEASE)), which opens that port
 * "while Portier runs" (firewall and router, no test from the internet) as the wizard's
 * Open button does, with a router lease of LEASE seconds when it is not 0, without the pages, so that a test can open something over the session
 * bus (org.gtk.Actions) and then kill the app. It prints "opened ID" or "failed: …". */

static void
test_opened_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PortierOpenResult) opened = NULL;
  g_autoptr(GError) error = NULL;

  opened = portier_opener_open_finish (PORTIER_OPENER (source), result, &error);
  if (opened != NULL && opened->error == NULL)
    g_print ("opened %s\n", opened->id);
  else
    g_print ("failed: %s\n", opened != NULL ? opened->error->message : error->message);
  fflush (stdout);
  g_object_unref (user_data);  /* the application, held while it opened */
}

static void
test_open_while_running_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  PortierApplication *self = user_data;
  g_autoptr(PortierPortSpec) spec = NULL;
  g_autoptr(PortierOpenOptions) options = NULL;
  g_autoptr(GError) error = NULL;
  const char *port;
  guint32 lease;

  g_variant_get (parameter, "(&su)", &port, &lease);
  spec = portier_port_spec_parse (port, &error);
  if (spec == NULL)
    {
      g_print ("failed: %s\n", error->message);
      fflush (stdout);
      return;
    }
  options = portier_open_options_new (spec);
  options->duration = PORTIER_DURATION_WHILE_RUNNING;
  options->verify = FALSE;
  options->seconds = lease;
  portier_opener_open_async (self->opener, options, NULL, test_opened_cb,
                             g_object_ref (self));
}

static const GActionEntry test_actions[] = {
  { "test-open-while-running", test_open_while_running_action, "(su)" },
};

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
  { "show", show_action },
  { "close-and-quit", close_and_quit_action },
};

static gboolean
started_at_login (PortierApplication *self)
{
  return (g_application_get_flags (G_APPLICATION (self)) & G_APPLICATION_IS_SERVICE) != 0 &&
         gtk_application_get_active_window (GTK_APPLICATION (self)) == NULL;
}

/* The end of the work at start. Takes the hold of startup. */
static void
started (PortierApplication *self)
{
  g_autoptr(GPtrArray) kept = NULL;

  update_autostart (self);

  /* Started at login (as a service, with no window): what is still open for some
   * hours is kept in the background; with nothing to keep, the service ends. */
  if (started_at_login (self) && (kept = portier_application_list_kept (self))->len > 0)
    enter_background (self, kept);
  g_application_release (G_APPLICATION (self));
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PortierApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!portier_opener_check_forwards_finish (PORTIER_OPENER (source), result, &error))
    g_debug ("Looking at the router's forwards: %s", error->message);
  started (self);
}

static void
reconcile_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PortierApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!portier_opener_reconcile_finish (PORTIER_OPENER (source), result, &error))
    g_debug ("Cleaning up after an earlier run: %s", error->message);

  /* At login, forwards the router forgot (it was restarted, or the computer was off
   * longer than it remembers) are put back before the service decides to end. */
  if (started_at_login (self))
    {
      PortierOpener *opener = self->opener;

      portier_opener_check_forwards_async (opener, NULL, checked_cb, g_steal_pointer (&self));
      return;
    }
  started (self);
}

/* On X11 a window carries its icon as pixels, which GTK makes from the icon theme when
 * the first window is realized: for Portier's scalable icon that means loading the SVG
 * loader and rendering the icon, on the main thread, before the first frame. Looked up
 * in a worker thread as soon as the display is open, the icon is made on another
 * processor while GTK builds the window (the first frame about 8 ms sooner under Xvfb
 * without a GPU, release build). GtkIconTheme allows lookups from any thread once it
 * exists on the main thread. Wayland takes the icon from the desktop file: nothing to
 * do there. */
static void
load_window_icon_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  g_autoptr(GtkIconPaintable) icon = NULL;

  /* 48 pixels: the size GTK asks a scalable theme icon for a window's icon. */
  icon = gtk_icon_theme_lookup_icon (GTK_ICON_THEME (task_data), APP_ID, NULL, 48, 1,
                                     gtk_widget_get_default_direction (),
                                     GTK_ICON_LOOKUP_PRELOAD);
}

static void
load_window_icon (void)
{
#ifdef GDK_WINDOWING_X11
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GTask) task = NULL;

  if (!GDK_IS_X11_DISPLAY (display))
    return;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_task_data (task, g_object_ref (gtk_icon_theme_get_for_display (display)),
                        g_object_unref);
  g_task_run_in_thread (task, load_window_icon_thread);
#endif
}

static void
portier_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  PortierApplication *self = PORTIER_APPLICATION (app);

  G_APPLICATION_CLASS (portier_application_parent_class)->startup (app);

  /* Windows show the app's own icon; it is in the GResource too, so this also works
   * before installing. */
  load_window_icon ();
  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  if (g_strcmp0 (g_getenv ("PORTIER_TEST_ACTIONS"), "1") == 0)
    g_action_map_add_action_entries (G_ACTION_MAP (app), test_actions,
                                     G_N_ELEMENTS (test_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay",
                                         shortcuts_accels);

  /* Cleaning up and keeping leases alive start after the first window's first frame
   * (window_shown_cb), or at once when Portier starts as a service at login. Any other
   * start without a window is for a notification's "Close and Quit", which closes what
   * is kept; the next start cleans up the rest. */
  self->ledger = portier_ledger_new_default ();
  self->opener = portier_opener_new (self->ledger);

  if ((g_application_get_flags (app) & G_APPLICATION_IS_SERVICE) != 0)
    start_keeping (self);
}

static void
portier_application_shutdown (GApplication *app)
{
  PortierApplication *self = PORTIER_APPLICATION (app);

  G_APPLICATION_CLASS (portier_application_parent_class)->shutdown (app);

  /* Inside Flatpak the portal cannot be asked any more now: the next start (at login,
   * at the latest) asks. */
  if (!portier_sandbox_is_flatpak ())
    update_autostart (self);
  g_clear_object (&self->opener);
  g_clear_object (&self->ledger);
  g_clear_object (&self->catalog);
}

static void
portier_application_class_init (PortierApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = portier_application_activate;
  app_class->startup = portier_application_startup;
  app_class->shutdown = portier_application_shutdown;
}

static void
portier_application_init (PortierApplication *self)
{
}
