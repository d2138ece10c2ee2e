/* test-layout.c: every page as a person sees it on a phone and on a small laptop —
 * titles that are not cut off, the page's main action on screen without scrolling, and
 * no technical words on the main path (issue 17)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "portier-choose-page.h"
#include "portier-details-page.h"
#include "portier-openings-page.h"
#include "portier-progress-page.h"
#include "portier-result-page.h"
#include "portier-review-page.h"
#include "portier-troubleshoot-page.h"
#include "ui-test-pages.h"
#include "ui-test-util.h"

static const UiTestSize sizes[] = {
  { "phone", 360, 640 },
  { "laptop", 800, 600 },
};

typedef struct
{
  const char *page;
  /* The page's main action: a template child of the page, or a row's title. */
  GType     (*type) (void);
  const char *child;
  const char *row;
  /* Part of the main path, whose words must be plain. */
  gboolean    main_path;
} PageCase;

static const PageCase cases[] = {
  { "welcome", NULL, NULL, "Let someone reach an app", TRUE },
  { "choose", portier_choose_page_get_type, "search_entry", NULL, TRUE },
  { "details", portier_details_page_get_type, "continue_button", NULL, TRUE },
  { "details-risk", portier_details_page_get_type, "continue_button", NULL, TRUE },
  { "review", portier_review_page_get_type, "open_button", NULL, TRUE },
  { "progress", portier_progress_page_get_type, "cancel_button", NULL, TRUE },
  { "result", portier_result_page_get_type, "copy_button", NULL, TRUE },
  { "troubleshoot", portier_troubleshoot_page_get_type, "check_button", NULL, TRUE },
  { "openings", portier_openings_page_get_type, "close_all_button", NULL, FALSE },
  { "explainer", NULL, NULL, NULL, FALSE },
};

/* Words a person opening a game server for a child's friend has never heard. */
static const char * const jargon[] = {
  "nftables", "ufw", "firewalld", "UPnP", "NAT-PMP", "IGD", "eth0", "IPv4", "IPv6", NULL
};

static GtkWidget *
show (PortierWindow  *window,
      const PageCase *test_case)
{
  ui_test_show_page (window, test_case->page);
  ui_test_wait_painted (GTK_WIDGET (window));
  return portier_window_get_page (window);
}

static GtkWidget *
main_action (GtkWidget      *page,
             const PageCase *test_case)
{
  /* In the language the test runs in (LANGUAGE, see tests/ui/meson.build). */
  if (test_case->row != NULL)
    return ui_test_find_row (page, _(test_case->row));
  if (test_case->child != NULL)
    return GTK_WIDGET (gtk_widget_get_template_child (page, test_case->type (),
                                                      test_case->child));
  return NULL;
}

/* Headings cut off with "…": the header's title, and the page's own large titles. */
static void
collect_ellipsized (GtkWidget *root,
                    GString   *found)
{
  static const char * const title_classes[] = {
    "title", "title-1", "title-2", "title-3", "title-4", NULL
  };
  g_autoptr(GPtrArray) labels = ui_test_shown_labels (root, NULL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      for (guint c = 0; title_classes[c] != NULL; c++)
        if (gtk_widget_has_css_class (label, title_classes[c]) &&
            pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))))
          {
            g_string_append_printf (found, "“%s” (%d px wide) ",
                                    gtk_label_get_text (GTK_LABEL (label)),
                                    gtk_widget_get_width (label));
            break;
          }
    }
}

static void
test_layout (gconstpointer data)
{
  const PageCase *test_case = data;

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      PortierWindow *window = ui_test_window_new (sizes[s].width, sizes[s].height);
      GtkWidget *page = show (window, test_case);
      GtkWidget *action = main_action (page, test_case);
      g_autoptr(GString) ellipsized = g_string_new (NULL);
      graphene_rect_t bounds;

      /* The window's content is never wider than asked for (window decorations may take
       * a few pixels of it): what fits here fits there. */
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, sizes[s].width);

      collect_ellipsized (GTK_WIDGET (window), ellipsized);
      if (ellipsized->len > 0)
        g_test_fail_printf ("%s at %s size: cut off: %s", test_case->page, sizes[s].name,
                            ellipsized->str);

      if (action == NULL && (test_case->child != NULL || test_case->row != NULL))
        g_test_fail_printf ("%s has no main action", test_case->page);
      else if (action != NULL && !ui_test_is_shown (action))
        g_test_fail_printf ("%s at %s size: the main action is hidden", test_case->page,
                            sizes[s].name);
      else if (action != NULL)
        {
          g_assert_true (gtk_widget_compute_bounds (action, GTK_WIDGET (window), &bounds));
          if (bounds.origin.x < 0 || bounds.origin.y < 0 ||
              bounds.origin.x + bounds.size.width > gtk_widget_get_width (GTK_WIDGET (window)) ||
              bounds.origin.y + bounds.size.height > gtk_widget_get_height (GTK_WIDGET (window)))
            g_test_fail_printf ("%s at %s size (%d×%d): the main action is at %g,%g %g×%g, "
                                "outside the window", test_case->page, sizes[s].name,
                                gtk_widget_get_width (GTK_WIDGET (window)),
                                gtk_widget_get_height (GTK_WIDGET (window)),
                                bounds.origin.x, bounds.origin.y,
                                bounds.size.width, bounds.size.height);
        }

      ui_test_window_destroy (window);
    }
}

/* The text a person reads: every shown label, except inside a "Technical details" row
 * (which says so in its title, and is folded away). */
static void
collect_text (GtkWidget *root,
              GString   *text)
{
  g_autoptr(GPtrArray) labels = ui_test_shown_labels (root, "technical-details");

  for (guint i = 0; i < labels->len; i++)
    g_string_append_printf (text, "%s\n",
                            gtk_label_get_text (g_ptr_array_index (labels, i)));
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '-';
}

/* @word as a word of @text, not inside another one. */
static gboolean
has_word (const char *text,
          const char *word)
{
  size_t length = strlen (word);

  for (const char *at = strstr (text, word); at != NULL; at = strstr (at + 1, word))
    if ((at == text || !is_word_char (at[-1])) && !is_word_char (at[length]))
      return TRUE;
  return FALSE;
}

static void
test_jargon (gconstpointer data)
{
  const PageCase *test_case = data;
  PortierWindow *window = ui_test_window_new (800, 600);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) found = g_string_new (NULL);

  show (window, test_case);
  /* The welcome page shows the network when it has found it. */
  ui_test_wait_idle ();
  collect_text (GTK_WIDGET (window), text);

  for (guint i = 0; jargon[i] != NULL; i++)
    if (has_word (text->str, jargon[i]))
      g_string_append_printf (found, "%s ", jargon[i]);

  ui_test_window_destroy (window);

  if (found->len > 0 && g_str_equal (test_case->page, "welcome"))
    {
      /* The welcome page's "Right Now" group is being reworded on its own (issue 17's
       * welcome part): until then it names the network interface and the router's
       * protocols. */
      g_test_incomplete ("the welcome page still says: technical words, reworded separately");
      return;
    }
  if (found->len > 0)
    g_test_fail_printf ("%s says %s; the text:\n%s", test_case->page, found->str, text->str);
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);
  ui_test_fill_ledger ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *layout = g_strdup_printf ("/ui/layout/fits/%s", cases[i].page);

      g_test_add_data_func (layout, &cases[i], test_layout);
      if (cases[i].main_path)
        {
          g_autofree char *words = g_strdup_printf ("/ui/layout/plain-words/%s",
                                                    cases[i].page);
          g_test_add_data_func (words, &cases[i], test_jargon);
        }
    }

  return g_test_run ();
}
