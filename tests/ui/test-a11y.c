/* test-a11y.c: every control on every page has a name a screen reader can say, and the
 * keyboard can reach it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "ui-test-pages.h"
#include "ui-test-util.h"

static const char * const pages[] = {
  "welcome", "choose", "details", "details-risk", "review", "progress", "result",
  "troubleshoot", "openings", "explainer", NULL
};

static void
expand_all (GtkWidget *widget)
{
  if (ADW_IS_EXPANDER_ROW (widget))
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (widget), TRUE);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    expand_all (child);
}

static void
assert_named (GtkWidget  *root,
              const char *where)
{
  g_autoptr(GString) problems = ui_test_check_names (root);

  if (problems->len > 0)
    g_error ("%s:\n%s", where, problems->str);
}

/* The check itself finds what it should. */
static void
test_check_finds_unnamed (void)
{
  g_autoptr(GString) problems = NULL;
  GtkWidget *box = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_box_append (GTK_BOX (box), button);
  problems = ui_test_check_names (box);
  g_assert_nonnull (strstr (problems->str, "GtkButton"));
  g_string_free (g_steal_pointer (&problems), TRUE);

  gtk_widget_set_tooltip_text (button, "Copy");
  problems = ui_test_check_names (box);
  g_assert_cmpstr (problems->str, ==, "");
  g_string_free (g_steal_pointer (&problems), TRUE);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), gtk_image_new_from_icon_name ("go-next"));
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_box_append (GTK_BOX (box), list);
  problems = ui_test_check_names (box);
  g_assert_nonnull (strstr (problems->str, "GtkListBoxRow"));
  g_string_free (g_steal_pointer (&problems), TRUE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Next", -1);
  problems = ui_test_check_names (box);
  g_assert_cmpstr (problems->str, ==, "");

  g_object_unref (box);
}

static void
test_pages_named (void)
{
  PortierWindow *window;

  ui_test_fill_ledger ();
  window = ui_test_window_new (800, 700);

  for (guint i = 0; pages[i] != NULL; i++)
    {
      g_autofree char *where = g_strdup_printf ("page “%s”", pages[i]);

      ui_test_show_page (window, pages[i]);
      expand_all (GTK_WIDGET (window));
      ui_test_wait_idle ();
      /* The whole window: header bar and page. */
      assert_named (GTK_WIDGET (window), where);
      g_test_message ("%s: every control has a name", where);
    }

  ui_test_window_destroy (window);
  ui_test_state_dir_clear ();
}

/* The confirmation before closing everything. */
static void
test_dialog_named (void)
{
  PortierWindow *window;
  GtkWidget *dialog = NULL;
  GListModel *toplevels;

  ui_test_fill_ledger ();
  window = ui_test_window_new (800, 700);
  ui_test_show_page (window, "openings");
  gtk_widget_activate_action (portier_window_get_page (window), "openings.close-all", NULL);
  ui_test_wait_idle ();

  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        dialog = toplevel;
    }
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  assert_named (dialog, "the “Close All” dialog");

  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_window_destroy (window);
  ui_test_state_dir_clear ();
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/a11y/check-finds-unnamed", test_check_finds_unnamed);
  g_test_add_func ("/ui/a11y/pages", test_pages_named);
  g_test_add_func ("/ui/a11y/dialog", test_dialog_named);

  return g_test_run ();
}
