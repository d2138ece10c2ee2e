/* test-window.c: the window opens on the welcome page and goes away cleanly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <adwaita.h>

#include "portier-window.h"
#include "ui-test-util.h"

static void
test_window_welcome (void)
{
  PortierWindow *window = portier_window_new (NULL);
  GtkStack *pages;

  gtk_window_present (GTK_WINDOW (window));
  ui_test_wait_mapped (GTK_WIDGET (window));

  /* The visible page is the welcome page. */
  pages = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), PORTIER_TYPE_WINDOW,
                                                    "pages"));
  g_assert_nonnull (pages);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (pages), ==, "welcome");
  g_assert_true (gtk_widget_get_mapped (gtk_stack_get_visible_child (pages)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Portier");
  ui_test_save_png (GTK_WIDGET (window), "welcome");

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/window/welcome", test_window_welcome);

  return g_test_run ();
}
