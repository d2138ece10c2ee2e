/* test-background.c: what Portier keeps open keeps it running when the window closes —
 * with a notification, and inside Flatpak with the Background portal's leave — and
 * quitting asks what to do with it
 *
 * The real application on a private session bus (GTestDBus), with the desktop's side
 * played in this process: a notification server (org.freedesktop.Notifications) and the
 * Background portal, both recording what they were asked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "portier-application.h"
#include "portier-sandbox.h"
#include "portier-window.h"
#include "ui-test-pages.h"
#include "ui-test-util.h"

static const char desktop_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "  </interface>"
  "  <interface name='org.freedesktop.portal.Background'>"
  "    <method name='RequestBackground'>"
  "      <arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "      <arg type='o' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static GTestDBus *test_bus;
static char *sandbox_root;

typedef struct
{
  GDBusConnection *desktop;
  GDBusNodeInfo   *info;

  /* What the desktop was asked */
  GPtrArray       *summaries;
  GPtrArray       *bodies;
  guint            closed;
  char            *background_reason;
  gboolean         background_autostart;
  char           **background_commandline;
  gboolean         allow_background;
} Fixture;

static void
notifications_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *path,
                    const char            *interface,
                    const char            *method,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  Fixture *fixture = user_data;

  if (g_str_equal (method, "Notify"))
    {
      const char *summary, *body;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (fixture->summaries, g_strdup (summary));
      g_ptr_array_add (fixture->bodies, g_strdup (body));
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", fixture->summaries->len));
    }
  else if (g_str_equal (method, "CloseNotification"))
    {
      fixture->closed++;
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    {
      const char *caps[] = { "body", "actions", NULL };
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(^as)", (char **) caps));
    }
}

static void
portal_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *path,
             const char            *interface,
             const char            *method,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GVariant) options = NULL;
  GVariantBuilder results;

  g_variant_get (parameters, "(&s@a{sv})", NULL, &options);
  g_clear_pointer (&fixture->background_reason, g_free);
  g_variant_lookup (options, "reason", "s", &fixture->background_reason);
  fixture->background_autostart = FALSE;
  g_variant_lookup (options, "autostart", "b", &fixture->background_autostart);
  g_clear_pointer (&fixture->background_commandline, g_strfreev);
  g_variant_lookup (options, "commandline", "^as", &fixture->background_commandline);

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background",
                         g_variant_new_boolean (fixture->allow_background));
  g_variant_builder_add (&results, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  ui_test_portal_answer (invocation, options, fixture->allow_background ? 0 : 1,
                         g_variant_builder_end (&results));
}

static const GDBusInterfaceVTable notifications_vtable = { notifications_call, NULL, NULL };
static const GDBusInterfaceVTable portal_vtable = { portal_call, NULL, NULL };

static void
write_opening (PortierDuration duration)
{
  g_autoptr(PortierLedger) ledger = portier_ledger_new (ui_test_state_dir ());
  g_autoptr(PortierOpening) opening = NULL;
  g_autoptr(GError) error = NULL;
  PortierPortSpec spec = { 7777, 7777, PORTIER_PROTOCOL_UDP };

  /* Nothing on the router or the firewall: closing it touches nothing outside. */
  opening = portier_opening_new (&spec, duration);
  opening->label = g_strdup ("My test server");
  opening->state = PORTIER_OPENING_STATE_OPEN;
  opening->expires = g_get_real_time () / G_USEC_PER_SEC + 3 * 3600;
  g_assert_true (portier_ledger_put (ledger, opening, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->summaries = g_ptr_array_new_with_free_func (g_free);
  fixture->bodies = g_ptr_array_new_with_free_func (g_free);
  fixture->allow_background = TRUE;

  fixture->info = g_dbus_node_info_new_for_xml (desktop_xml, &error);
  g_assert_no_error (error);
  fixture->desktop = ui_test_desktop_connect (test_bus);
  ui_test_desktop_serve (fixture->desktop, "org.freedesktop.Notifications",
                         "/org/freedesktop/Notifications", fixture->info->interfaces[0],
                         &notifications_vtable, fixture);
  ui_test_desktop_serve (fixture->desktop, "org.freedesktop.portal.Desktop",
                         "/org/freedesktop/portal/desktop", fixture->info->interfaces[1],
                         &portal_vtable, fixture);
  ui_test_wait_idle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->desktop, ui_test_desktop_close);
  g_dbus_node_info_unref (fixture->info);
  g_ptr_array_unref (fixture->summaries);
  g_ptr_array_unref (fixture->bodies);
  g_free (fixture->background_reason);
  g_strfreev (fixture->background_commandline);
  ui_test_state_dir_clear ();
}

/* One application for the whole run, as in a real session: registered once. */
static PortierApplication *the_app;

static PortierApplication *
start_app (void)
{
  PortierApplication *app = the_app;

  g_application_activate (G_APPLICATION (app));
  g_assert_nonnull (gtk_application_get_active_window (GTK_APPLICATION (app)));
  ui_test_wait_mapped (GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app))));
  return app;
}

static gboolean
has_notifications (Fixture *fixture,
                   guint    n)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (fixture->summaries->len < n && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  return fixture->summaries->len >= n;
}

static void
close_window (PortierApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_nonnull (window);
  gtk_window_close (window);
  ui_test_wait_idle ();
}

static void
finish_app (PortierApplication *app)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
  if (portier_application_get_in_background (app))
    g_application_activate (G_APPLICATION (app));
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
  ui_test_wait_idle ();
  g_assert_false (portier_application_get_in_background (app));
}

/* Nothing kept open: closing the window ends Portier, and nobody is bothered. */
static void
test_nothing_kept (Fixture       *fixture,
                   gconstpointer  data)
{
  PortierApplication *app = start_app ();
  g_autoptr(GPtrArray) kept = portier_application_list_kept (app);

  g_assert_cmpuint (kept->len, ==, 0);
  close_window (app);
  g_assert_false (portier_application_get_in_background (app));
  g_assert_cmpuint (fixture->summaries->len, ==, 0);
  finish_app (app);
}

/* Open for some hours: Portier stays, says so, and comes back when asked. */
static void
test_background (Fixture       *fixture,
                 gconstpointer  data)
{
  PortierApplication *app;
  g_autoptr(GPtrArray) kept = NULL;

  write_opening (PORTIER_DURATION_UNTIL);
  app = start_app ();
  kept = portier_application_list_kept (app);
  g_assert_cmpuint (kept->len, ==, 1);

  close_window (app);
  g_assert_true (portier_application_get_in_background (app));
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (has_notifications (fixture, 1));
  g_assert_cmpstr (g_ptr_array_index (fixture->summaries, 0), ==,
                   "Portier keeps your ports open");
  g_assert_nonnull (strstr (g_ptr_array_index (fixture->bodies, 0), "My test server"));
  /* Not in Flatpak: no portal asked. */
  g_assert_null (fixture->background_reason);

  /* Opening Portier again brings the window back and takes the notification away. */
  g_application_activate (G_APPLICATION (app));
  g_assert_nonnull (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_false (portier_application_get_in_background (app));
  for (guint i = 0; i < 100 && fixture->closed == 0; i++)
    ui_test_wait_idle ();
  g_assert_cmpuint (fixture->closed, >=, 1);

  finish_app (app);
}

/* Inside Flatpak the Background portal is asked; a refusal is told to the person. */
static void
test_portal (Fixture       *fixture,
             gconstpointer  data)
{
  gboolean allowed = GPOINTER_TO_INT (data);
  PortierApplication *app;

  fixture->allow_background = allowed;
  write_opening (PORTIER_DURATION_UNTIL);
  g_setenv (PORTIER_SANDBOX_ROOT_ENV, sandbox_root, TRUE);
  g_assert_true (portier_sandbox_is_flatpak ());

  app = start_app ();
  close_window (app);
  g_assert_true (portier_application_get_in_background (app));
  g_assert_true (has_notifications (fixture, 1));
  for (guint i = 0; i < 100 && fixture->background_reason == NULL; i++)
    ui_test_wait_idle ();
  g_assert_cmpstr (fixture->background_reason, ==,
                   "Portier keeps the ports you opened open, and closes them in time.");
  /* Open for some hours: started again at login, to close it in time and keep it. */
  {
    const char *login[] = { "portier", "--gapplication-service", NULL };

    g_assert_true (fixture->background_autostart);
    g_assert_cmpstrv (fixture->background_commandline, login);
  }

  if (allowed)
    {
      ui_test_wait_idle ();
      g_assert_cmpuint (fixture->summaries->len, ==, 1);
    }
  else
    {
      g_assert_true (has_notifications (fixture, 2));
      g_assert_cmpstr (g_ptr_array_index (fixture->summaries, 1), ==,
                       "Portier may be stopped");
    }

  g_unsetenv (PORTIER_SANDBOX_ROOT_ENV);
  finish_app (app);
}

static char *
autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart",
                           APP_ID "-autostart.desktop", NULL);
}

/* Outside Flatpak, Portier starts at login only while something needs it then: an
 * opening for some hours, or one "until I close it" with a router forward (which the
 * router may forget). Nothing open: no autostart entry, and one left is taken away. */
static void
test_autostart (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = autostart_path ();
  g_autofree char *text = NULL;
  g_autoptr(PortierLedger) ledger = portier_ledger_new (ui_test_state_dir ());
  g_autoptr(PortierOpening) opening = NULL;
  g_autoptr(GError) error = NULL;
  PortierPortSpec spec = { 7777, 7777, PORTIER_PROTOCOL_UDP };
  PortierApplication *app;

  /* Open until closed, on this computer only: nothing to do at login. */
  opening = portier_opening_new (&spec, PORTIER_DURATION_UNTIL_CLOSED);
  opening->state = PORTIER_OPENING_STATE_OPEN;
  g_assert_true (portier_ledger_put (ledger, opening, &error));
  g_assert_no_error (error);
  app = start_app ();
  close_window (app);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  finish_app (app);

  /* With a router forward: started at login, as a service, to put it back. */
  portier_opening_add_mapping (opening, "upnp", "udp", 7777, 7777, "192.0.2.10", 0, 0);
  g_assert_true (portier_ledger_put (ledger, opening, &error));
  g_assert_no_error (error);
  app = start_app ();
  close_window (app);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "[Desktop Entry]\n"));
  g_assert_nonnull (strstr (text, " --gapplication-service\n"));
  g_assert_nonnull (strstr (text, "\nNoDisplay=true\n"));
  finish_app (app);

  /* A forward another program keeps is not Portier's to put back. */
  g_ptr_array_set_size (opening->mappings, 0);
  portier_opening_add_mapping (opening, "upnp", "udp", 7777, 7777, "192.0.2.10", 0,
                               0)->kept_by = g_strdup ("Steam");
  g_assert_true (portier_ledger_put (ledger, opening, &error));
  g_assert_no_error (error);
  app = start_app ();
  close_window (app);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  finish_app (app);

  /* Open for some hours: started at login to close it in time. Once it is gone, so is
   * the entry. */
  g_assert_true (portier_ledger_remove (ledger, opening->id, &error));
  write_opening (PORTIER_DURATION_UNTIL);
  app = start_app ();
  close_window (app);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  finish_app (app);
  ui_test_state_dir_clear ();
  app = start_app ();
  close_window (app);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  finish_app (app);
}

static void
wait_for_portal (Fixture *fixture)
{
  for (guint i = 0; i < 100 && fixture->background_reason == NULL; i++)
    ui_test_wait_idle ();
}

/* Portier starts and its window closes, and the portal is not asked. */
static void
run_without_asking_portal (Fixture *fixture)
{
  PortierApplication *app;

  g_clear_pointer (&fixture->background_reason, g_free);
  app = start_app ();
  close_window (app);
  ui_test_wait_idle ();
  g_assert_null (fixture->background_reason);
  finish_app (app);
}

/* Inside Flatpak the Background portal keeps the start at login: an opening "until I
 * close it" with a router forward asks for it (the router may forget the forward, and
 * Portier puts it back at login), though nothing keeps Portier running now; once
 * nothing needs it, it is taken back; and the portal is asked only when that changes. */
static void
test_portal_login_start (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *login[] = { "portier", "--gapplication-service", NULL };
  g_autoptr(PortierLedger) ledger = portier_ledger_new (ui_test_state_dir ());
  g_autoptr(PortierOpening) opening = NULL;
  g_autoptr(GError) error = NULL;
  PortierPortSpec spec = { 7777, 7777, PORTIER_PROTOCOL_UDP };
  PortierApplication *app;

  g_setenv (PORTIER_SANDBOX_ROOT_ENV, sandbox_root, TRUE);
  opening = portier_opening_new (&spec, PORTIER_DURATION_UNTIL_CLOSED);
  opening->state = PORTIER_OPENING_STATE_OPEN;
  portier_opening_add_mapping (opening, "upnp", "udp", 7777, 7777, "192.0.2.10", 0, 0);
  g_assert_true (portier_ledger_put (ledger, opening, &error));
  g_assert_no_error (error);

  app = start_app ();
  close_window (app);
  wait_for_portal (fixture);
  g_assert_false (portier_application_get_in_background (app));
  g_assert_cmpstr (fixture->background_reason, ==,
                   "Portier keeps the ports you opened open, and closes them in time.");
  g_assert_true (fixture->background_autostart);
  g_assert_cmpstrv (fixture->background_commandline, login);
  /* Asked for and given: not asked again while it is needed. */
  finish_app (app);
  run_without_asking_portal (fixture);

  /* Closed: the start at login is taken back, once. */
  g_assert_true (portier_ledger_remove (ledger, opening->id, &error));
  g_assert_no_error (error);
  app = start_app ();
  close_window (app);
  wait_for_portal (fixture);
  g_assert_nonnull (fixture->background_reason);
  g_assert_false (fixture->background_autostart);
  g_assert_null (fixture->background_commandline);
  finish_app (app);
  run_without_asking_portal (fixture);

  g_unsetenv (PORTIER_SANDBOX_ROOT_ENV);
}

/* Quitting with something kept open asks first; "Close and Quit" closes it. */
static void
test_quit_asks (Fixture       *fixture,
                gconstpointer  data)
{
  PortierApplication *app;
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(PortierLedger) ledger = NULL;

  write_opening (PORTIER_DURATION_UNTIL);
  app = start_app ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  ui_test_wait_idle ();
  dialog = ui_test_find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Close What You Opened?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "My test server"));

  /* Cancel: nothing happens. */
  adw_message_dialog_response (dialog, "cancel");
  ui_test_wait_idle ();
  g_assert_nonnull (gtk_application_get_active_window (GTK_APPLICATION (app)));
  kept = portier_application_list_kept (app);
  g_assert_cmpuint (kept->len, ==, 1);
  g_clear_pointer (&kept, g_ptr_array_unref);

  /* Close and quit: the opening is closed, the window goes. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  ui_test_wait_idle ();
  dialog = ui_test_find_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "close");
  ledger = portier_ledger_new (ui_test_state_dir ());
  for (guint i = 0; i < 50; i++)
    {
      g_assert_true (portier_ledger_load (ledger, NULL));
      if (portier_ledger_get_openings (ledger)->len == 0)
        break;
      ui_test_wait_idle ();
    }
  g_assert_cmpuint (portier_ledger_get_openings (ledger)->len, ==, 0);
  ui_test_wait_idle ();
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));

  finish_app (app);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *info = NULL;
  int status;

  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autofree char *config = g_dir_make_tmp ("portier-config-XXXXXX", NULL);
  g_autofree char *autostart = NULL;

  /* The autostart entry goes into a folder of the test's own (read before anything asks
   * for the user's folders). */
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  /* A session bus of our own, before any thread runs (it sets the environment, and
   * unsets DISPLAY, which the X server of the test run needs back). */
  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  ui_test_init (&argc, &argv);

  the_app = portier_application_new ();
  g_application_set_flags (G_APPLICATION (the_app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (the_app), NULL, NULL));

  /* A folder that looks like the root of a Flatpak sandbox. */
  sandbox_root = g_dir_make_tmp ("portier-sandbox-XXXXXX", NULL);
  info = g_build_filename (sandbox_root, ".flatpak-info", NULL);
  g_assert_true (g_file_set_contents (info, "[Application]\nname=" APP_ID "\n", -1, NULL));

#define ADD(path, func, data) \
  g_test_add ("/ui/background/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("nothing-kept", test_nothing_kept, NULL);
  ADD ("hold", test_background, NULL);
  ADD ("portal-allowed", test_portal, GINT_TO_POINTER (TRUE));
  ADD ("portal-refused", test_portal, GINT_TO_POINTER (FALSE));
  ADD ("portal-login-start", test_portal_login_start, NULL);
  ADD ("quit-asks", test_quit_asks, NULL);
  ADD ("autostart", test_autostart, NULL);

  status = g_test_run ();

  g_clear_object (&the_app);
  /* Stopped, not torn down (and not finalized, which would tear it down): the app's
   * bus connection lives until the process ends. */
  g_test_dbus_stop (test_bus);
  g_remove (info);
  autostart = g_build_filename (config, "autostart", NULL);
  g_rmdir (autostart);
  g_rmdir (config);
  g_rmdir (sandbox_root);
  g_free (sandbox_root);
  return status;
}
