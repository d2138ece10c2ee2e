/* portier-explainer-page.c: "What is a port?" in our own words — the address is the
 * building, the port the apartment, the router the doorman
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-explainer-page"

#include "config.h"

#include "portier-explainer-page.h"

struct _PortierExplainerPage
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (PortierExplainerPage, portier_explainer_page, GTK_TYPE_WIDGET)

GtkWidget *
portier_explainer_page_new (void)
{
  return g_object_new (PORTIER_TYPE_EXPLAINER_PAGE, NULL);
}

static void
portier_explainer_page_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), PORTIER_TYPE_EXPLAINER_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (portier_explainer_page_parent_class)->dispose (object);
}

static void
portier_explainer_page_class_init (PortierExplainerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = portier_explainer_page_dispose;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/portier_app/Portier/portier-explainer-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
portier_explainer_page_init (PortierExplainerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
