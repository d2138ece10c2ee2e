/* portier-review-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-plan.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_REVIEW_PAGE (portier_review_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierReviewPage, portier_review_page, PORTIER, REVIEW_PAGE, GtkWidget)

GtkWidget   *portier_review_page_new      (PortierPlan       *plan,
                                           const char        *gateway);
PortierPlan *portier_review_page_get_plan (PortierReviewPage *self);
char        *portier_duration_describe    (PortierDuration    duration,
                                           guint              hours);

G_END_DECLS
