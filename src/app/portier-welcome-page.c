/* portier-welcome-page.c: the first page — what Portier does, in one sentence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-welcome-page.h"

struct _PortierWelcomePage
{
  GtkWidget      parent_instance;

  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (PortierWelcomePage, portier_welcome_page, GTK_TYPE_WIDGET)

static void
portier_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (portier_welcome_page_parent_class)->dispose (object);
}

static void
portier_welcome_page_class_init (PortierWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = portier_welcome_page_dispose;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PortierWelcomePage, status_page);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_welcome_page_init (PortierWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
