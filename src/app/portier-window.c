/* portier-window.c: the main window, which holds the wizard's pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-window"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-application.h"
#include "portier-welcome-page.h"
#include "portier-window.h"

struct _PortierWindow
{
  AdwApplicationWindow  parent_instance;

  AdwHeaderBar         *header_bar;
  GtkStack             *pages;
  PortierWelcomePage   *welcome_page;
};

G_DEFINE_FINAL_TYPE (PortierWindow, portier_window, ADW_TYPE_APPLICATION_WINDOW)

PortierWindow *
portier_window_new (PortierApplication *application)
{
  return g_object_new (PORTIER_TYPE_WINDOW, "application", application, NULL);
}

static void
portier_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_WINDOW);

  G_OBJECT_CLASS (portier_window_parent_class)->dispose (object);
}

static void
portier_window_class_init (PortierWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = portier_window_dispose;

  g_type_ensure (PORTIER_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/portier_app/Portier/portier-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, PortierWindow, welcome_page);
}

static void
portier_window_init (PortierWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_str_has_suffix (APP_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}
