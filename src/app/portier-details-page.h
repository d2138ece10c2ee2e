/* portier-details-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-plan.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_DETAILS_PAGE (portier_details_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierDetailsPage, portier_details_page, PORTIER, DETAILS_PAGE,
                      GtkWidget)

GtkWidget   *portier_details_page_new      (PortierPlan     *plan,
                                            PortierDuration  duration,
                                            guint            hours);
PortierPlan *portier_details_page_get_plan (PortierDetailsPage *self);

G_END_DECLS
