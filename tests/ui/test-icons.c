/* test-icons.c: the app's icons come with it, and its windows use them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <adwaita.h>

#include "portier-application.h"
#include "portier-text.h"

static void
assert_icon_from_resource (GtkIconTheme *theme,
                           const char   *icon_name)
{
  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *prefix = NULL;

  g_assert_true (gtk_icon_theme_has_icon (theme, icon_name));

  icon = gtk_icon_theme_lookup_icon (theme, icon_name, NULL, 128, 1, GTK_TEXT_DIR_NONE, 0);
  g_assert_nonnull (icon);
  file = gtk_icon_paintable_get_file (icon);
  g_assert_nonnull (file);
  uri = g_file_get_uri (file);

  /* Found in the app's own resource, not in some installed copy or as a fallback. */
  prefix = g_strdup_printf ("resource:///io/github/portier_app/Portier/icons/%s/apps/%s.svg",
                            g_str_has_suffix (icon_name, "-symbolic") ? "symbolic" : "scalable",
                            icon_name);
  g_assert_cmpstr (uri, ==, prefix);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (icon)), >, 0);
}

static PortierApplication *app;

static void
test_icons_resource (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *symbolic = g_strconcat (APP_ID, "-symbolic", NULL);
  GtkIconTheme *theme;

  /* Startup is what wires the icons up; no session bus needed for that. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (gtk_window_get_default_icon_name (), ==, APP_ID);

  theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  assert_icon_from_resource (theme, APP_ID);
  assert_icon_from_resource (theme, symbolic);
  /* The explainer's own pictures: a home router, and a port as a numbered door. */
  assert_icon_from_resource (theme, "portier-router-symbolic");
  assert_icon_from_resource (theme, "portier-port-symbolic");
}

/* @icon_name comes with the app or with GTK itself, not from an installed theme. */
static void
assert_icon_shipped (GtkIconTheme *theme,
                     const char   *icon_name)
{
  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;

  g_assert_true (gtk_icon_theme_has_icon (theme, icon_name));
  icon = gtk_icon_theme_lookup_icon (theme, icon_name, NULL, 16, 1, GTK_TEXT_DIR_NONE, 0);
  file = gtk_icon_paintable_get_file (icon);
  g_assert_nonnull (file);
  uri = g_file_get_uri (file);
  g_test_message ("%s: %s", icon_name, uri);
  g_assert_true (g_str_has_prefix (uri, "resource:///io/github/portier_app/Portier/icons/") ||
                 g_str_has_prefix (uri, "resource:///org/gtk/libgtk/icons/"));
}

/* The icons for the kinds of apps and for calling the provider come with the app, so
 * that they show in an icon theme without them (GNOME's drops old names over time). */
static void
test_icons_kinds (void)
{
  static const char * const categories[] = { "game", "media", "voice", "files", "torrent",
                                              "vpn", NULL };
  static const char * const others[] = { "call-start-symbolic", NULL };
  g_autoptr(GHashTable) icons = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GtkIconTheme) theme = gtk_icon_theme_new ();
  g_auto(GStrv) resource_path = NULL;

  /* The application that registered in /ui/icons/resource wired the icons up. */
  g_assert_nonnull (g_application_get_default ());

  /* A theme without Adwaita's icons: only hicolor, with the resource paths the
   * application gave the display's theme. */
  resource_path = gtk_icon_theme_get_resource_path (
    gtk_icon_theme_get_for_display (gdk_display_get_default ()));
  gtk_icon_theme_set_theme_name (theme, "hicolor");
  gtk_icon_theme_set_resource_path (theme, (const char * const *) resource_path);

  for (guint i = 0; categories[i] != NULL; i++)
    {
      const char *icon = portier_text_kind_icon (categories[i]);

      g_hash_table_add (icons, (gpointer) icon);
      assert_icon_shipped (theme, icon);
    }
  /* Games, media, files and sync, and the rest: four kinds, told apart. */
  g_assert_cmpuint (g_hash_table_size (icons), ==, 4);
  g_assert_cmpstr (portier_text_kind_icon (NULL), ==, portier_text_kind_icon ("vpn"));
  for (guint i = 0; others[i] != NULL; i++)
    assert_icon_shipped (theme, others[i]);
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/icons/resource", test_icons_resource);
  g_test_add_func ("/ui/icons/kinds", test_icons_kinds);

  app = portier_application_new ();
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
