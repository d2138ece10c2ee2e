/* test-share.c: the result page shares the address by email — through the Email portal,
 * and without one through a mailto: address for the desktop's mail program
 *
 * No desktop portal (xdg-desktop-portal and a mail program behind it) runs in the test
 * environment, so the portal is played in this process on a private session bus
 * (GTestDBus): it records what it was asked and answers as xdg-desktop-portal does. The
 * desktop's mail program, for the mailto: address, is a script that writes down the
 * address it was given, registered as the handler of mailto: in the test's own folders.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "portier-result-page.h"
#include "ui-test-pages.h"
#include "ui-test-util.h"

#define ADDRESS "[2001:db8::7]:25565"

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Email'>"
  "    <method name='ComposeEmail'>"
  "      <arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "      <arg type='o' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static GTestDBus *test_bus;
static char *home;

typedef struct
{
  PortierWindow   *window;
  GDBusConnection *desktop;
  GDBusNodeInfo   *info;

  /* What the portal was asked */
  guint            n_calls;
  char            *parent;
  char            *subject;
  char            *body;
} Fixture;

static char *
mailto_path (void)
{
  return g_build_filename (home, "mailto.txt", NULL);
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

  fixture->n_calls++;
  g_variant_get (parameters, "(s@a{sv})", &fixture->parent, &options);
  g_variant_lookup (options, "subject", "s", &fixture->subject);
  g_variant_lookup (options, "body", "s", &fixture->body);
  /* Written and sent: the portal's results are empty. */
  ui_test_portal_answer (invocation, options, 0,
                         g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
}

static const GDBusInterfaceVTable portal_vtable = { portal_call, NULL, NULL };

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean with_portal = GPOINTER_TO_INT (data);
  g_autoptr(PortierPlan) plan = NULL;
  PortierOpenResult *result;
  GtkWidget *page;
  g_autofree char *mailto = mailto_path ();
  g_autoptr(GError) error = NULL;

  g_remove (mailto);
  if (with_portal)
    {
      fixture->info = g_dbus_node_info_new_for_xml (portal_xml, &error);
      g_assert_no_error (error);
      fixture->desktop = ui_test_desktop_connect (test_bus);
      ui_test_desktop_serve (fixture->desktop, "org.freedesktop.portal.Desktop",
                             "/org/freedesktop/portal/desktop", fixture->info->interfaces[0],
                             &portal_vtable, fixture);
    }

  /* The result page of an opening whose home address is an IPv6 one. */
  fixture->window = ui_test_window_new (800, 600);
  plan = portier_plan_new_for_app (portier_catalog_lookup (
    portier_window_get_catalog (fixture->window), "minecraft-java"));
  result = ui_test_open_result_new (PORTIER_VERIFY_STATUS_REACHABLE);
  g_free (result->external_address);
  result->external_address = g_strdup ("2001:db8::7");
  page = portier_result_page_new (plan);
  portier_result_page_add_result (PORTIER_RESULT_PAGE (page), result);
  ui_test_open_result_free (result);
  portier_window_push_page (fixture->window, page, "Done");
  ui_test_wait_idle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *mailto = mailto_path ();

  ui_test_window_destroy (fixture->window);
  g_clear_pointer (&fixture->desktop, ui_test_desktop_close);
  g_clear_pointer (&fixture->info, g_dbus_node_info_unref);
  g_free (fixture->parent);
  g_free (fixture->subject);
  g_free (fixture->body);
  g_remove (mailto);
}

static void
share (Fixture *fixture)
{
  GtkWidget *page = portier_window_get_page (fixture->window);

  g_assert_true (PORTIER_IS_RESULT_PAGE (page));
  g_assert_true (gtk_widget_activate_action (page, "result.share", NULL));
}

/* The Email portal gets the address, in brackets and with the port, in a sentence. */
static void
test_portal (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *mailto = mailto_path ();

  share (fixture);
  for (guint i = 0; i < 50 && fixture->body == NULL; i++)
    ui_test_wait_idle ();

  g_assert_cmpuint (fixture->n_calls, ==, 1);
  g_assert_cmpstr (fixture->subject, ==, "Join me in Minecraft: Java Edition");
  g_assert_nonnull (fixture->body);
  g_assert_nonnull (strstr (fixture->body, "Join me! Connect to this address"));
  g_assert_nonnull (strstr (fixture->body, "\n" ADDRESS "\n"));
  /* Under X, the window the mail program opens from. */
  g_assert_true (g_str_has_prefix (fixture->parent, "x11:"));
  /* The portal answered: no mailto: address as well. */
  ui_test_wait_idle ();
  g_assert_false (g_file_test (mailto, G_FILE_TEST_EXISTS));
}

/* Without the portal: a mailto: address, for the mail program the desktop knows. */
static void
test_no_portal (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *mailto = mailto_path ();
  g_autofree char *uri = NULL;
  g_autofree char *query = NULL;
  g_autoptr(GError) error = NULL;

  share (fixture);
  for (guint i = 0; i < 100 && !g_file_test (mailto, G_FILE_TEST_EXISTS); i++)
    ui_test_wait_idle ();
  /* The script writes it at once; give it a moment to finish. */
  ui_test_wait_idle ();

  g_assert_true (g_file_get_contents (mailto, &uri, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (uri, "mailto:?subject="));
  query = g_uri_unescape_string (uri, NULL);
  g_assert_nonnull (strstr (query, "subject=Join me in Minecraft: Java Edition&"));
  g_assert_nonnull (strstr (query, "&body=Join me! Connect to this address"));
  g_assert_nonnull (strstr (query, "\n" ADDRESS "\n"));
}

/* A mail program that writes down the address it is given, as the handler of mailto:
 * in folders of the test's own (set before anything reads them). */
static void
install_mail_program (void)
{
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *apps = g_build_filename (data, "applications", NULL);
  g_autofree char *script = g_build_filename (home, "mail-program", NULL);
  g_autofree char *script_text = NULL;
  g_autofree char *desktop = g_build_filename (apps, "portier-test-mail.desktop", NULL);
  g_autofree char *desktop_text = NULL;
  g_autofree char *mimeapps = g_build_filename (config, "mimeapps.list", NULL);
  g_autofree char *mailto = mailto_path ();
  g_autofree char *quoted = g_shell_quote (mailto);

  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (config, 0700), ==, 0);
  script_text = g_strdup_printf ("#!/bin/sh\nprintf '%%s' \"$1\" > %s.part\n"
                                 "mv %s.part %s\n", quoted, quoted, quoted);
  g_assert_true (g_file_set_contents (script, script_text, -1, NULL));
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);
  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Mail\n"
                                  "Exec=%s %%u\nMimeType=x-scheme-handler/mailto;\n"
                                  "NoDisplay=true\n", script);
  g_assert_true (g_file_set_contents (desktop, desktop_text, -1, NULL));
  g_assert_true (g_file_set_contents (mimeapps,
                                      "[Default Applications]\n"
                                      "x-scheme-handler/mailto=portier-test-mail.desktop\n",
                                      -1, NULL));
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
}

static gboolean
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL &&
         g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
    {
      g_autofree char *child_path = g_file_get_path (child);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child_path);
      else
        g_remove (child_path);
    }
  return g_rmdir (path) == 0;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  int status;

  home = g_dir_make_tmp ("portier-share-XXXXXX", NULL);
  install_mail_program ();

  /* A session bus of our own, before any thread runs (it sets the environment, and
   * unsets DISPLAY, which the X server of the test run needs back). */
  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  ui_test_init (&argc, &argv);

#define ADD(path, func, data) \
  g_test_add ("/ui/share/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("portal", test_portal, GINT_TO_POINTER (TRUE));
  ADD ("no-portal", test_no_portal, GINT_TO_POINTER (FALSE));

  status = g_test_run ();

  g_test_dbus_stop (test_bus);
  remove_tree (home);
  g_free (home);
  return status;
}
