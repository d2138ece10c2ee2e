/* empty-window.c: the floors for tools/bench ui — a window with one line of text in it, at
 * Portier's size, started the way Portier starts (an application that presents its window
 * on activate). Built three times: as empty-window, a libadwaita window like Portier's;
 * with HEADER_BAR as header-window, the same with a header bar above the text, as a
 * libadwaita window has to be for people to move and close it (information only); and
 * with PLAIN_GTK as gtk-window, a plain GTK 4 window that does not load libadwaita at all.
 * Whatever Portier takes beyond them is Portier's own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifdef PLAIN_GTK
#include <gtk/gtk.h>
#else
#include <adwaita.h>
#endif

static void
activate_cb (GApplication *app)
{
#ifdef PLAIN_GTK
  GtkWidget *window = gtk_application_window_new (GTK_APPLICATION (app));

  gtk_window_set_child (GTK_WINDOW (window), gtk_label_new ("Empty"));
#else
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Empty");
#ifdef HEADER_BAR
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
    gtk_widget_set_vexpand (page, TRUE);
    gtk_box_append (GTK_BOX (box), page);
    page = box;
  }
#endif
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), page);
#endif
  /* The text tells a drawn frame from a freshly mapped window. */
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 620);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
#ifdef PLAIN_GTK
  g_autoptr(GtkApplication) app = gtk_application_new ("org.example.GtkWindow",
                                                       G_APPLICATION_DEFAULT_FLAGS);
#else
  g_autoptr(AdwApplication) app = adw_application_new ("org.example.EmptyWindow",
                                                       G_APPLICATION_DEFAULT_FLAGS);
#endif

  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
