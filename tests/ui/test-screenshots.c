/* test-screenshots.c: every page, light and dark, wide and narrow, as PNG files in
 * $PORTIER_SCREENSHOT_DIR — and nothing wider than a phone at 360 pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "ui-test-pages.h"
#include "ui-test-util.h"

#define NARROW 360

static const char * const pages[] = {
  "welcome", "choose", "details", "details-risk", "review", "progress", "result",
  "troubleshoot", "troubleshoot-not-running", "guide-open", "guide", "openings",
  "explainer", NULL
};

static const UiTestSize sizes[] = {
  { "wide", 800, 700 },
  { "narrow", NARROW, 720 },
  /* Where the main action must show without scrolling (issue 17). */
  { "phone", NARROW, 640 },
};

static void
test_screenshots (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  ui_test_fill_ledger ();

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      PortierWindow *window = ui_test_window_new (sizes[s].width, sizes[s].height);

      for (guint dark = 0; dark <= 1; dark++)
        {
          adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                          : ADW_COLOR_SCHEME_FORCE_LIGHT);
          g_assert_cmpint (adw_style_manager_get_dark (style), ==, dark);

          for (guint p = 0; pages[p] != NULL; p++)
            {
              g_autofree char *name = g_strdup_printf ("%s-%s-%s", pages[p], sizes[s].name,
                                                       dark ? "dark" : "light");
              GtkWidget *page;
              int minimum;

              ui_test_show_page (window, pages[p]);
              page = portier_window_get_page (window);

              /* Fits a phone: the page never needs more than 360 pixels. */
              gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL,
                                  NULL, NULL);
              if (minimum > NARROW)
                g_error ("page “%s” needs %d pixels, more than %d", pages[p], minimum,
                         NARROW);

              ui_test_save_png (GTK_WIDGET (window), name);
            }
        }

      ui_test_window_destroy (window);
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  ui_test_state_dir_clear ();
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/screenshots", test_screenshots);

  return g_test_run ();
}
