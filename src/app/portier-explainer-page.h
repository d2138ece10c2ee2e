/* portier-explainer-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PORTIER_TYPE_EXPLAINER_PAGE (portier_explainer_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierExplainerPage, portier_explainer_page, PORTIER, EXPLAINER_PAGE,
                      GtkWidget)

GtkWidget *portier_explainer_page_new (void);

G_END_DECLS
