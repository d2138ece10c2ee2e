/* test-icons.c: the app's icons come with it, and its windows use them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <adwaita.h>

#include "portier-application.h"

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

static void
test_icons_resource (void)
{
  g_autoptr(PortierApplication) app = portier_application_new ();
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
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/icons/resource", test_icons_resource);

  return g_test_run ();
}
