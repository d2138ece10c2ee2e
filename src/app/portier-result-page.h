/* portier-result-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-open-result.h"
#include "portier-opener.h"
#include "portier-plan.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_RESULT_PAGE (portier_result_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierResultPage, portier_result_page, PORTIER, RESULT_PAGE, GtkWidget)

GtkWidget      *portier_result_page_new         (PortierPlan             *plan);
GtkWidget      *portier_result_page_new_with_results (PortierPlan        *plan,
                                                 GPtrArray               *results);
void            portier_result_page_add_result  (PortierResultPage       *self,
                                                 const PortierOpenResult *result);
PortierOutcome  portier_result_page_get_outcome (PortierResultPage       *self);

G_END_DECLS
