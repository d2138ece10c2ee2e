/* portier-result-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-opener.h"
#include "portier-plan.h"

G_BEGIN_DECLS

typedef enum
{
  PORTIER_OUTCOME_REACHABLE,    /* open, and tested from the internet */
  PORTIER_OUTCOME_UNTESTED,     /* open, but the test could not run */
  PORTIER_OUTCOME_FAILED,       /* a step failed, or the test did not get through */
} PortierOutcome;

#define PORTIER_TYPE_RESULT_PAGE (portier_result_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierResultPage, portier_result_page, PORTIER, RESULT_PAGE, GtkWidget)

PortierOutcome  portier_open_result_get_outcome (const PortierOpenResult *result);
char           *portier_open_result_dup_share   (const PortierOpenResult *result);

GtkWidget      *portier_result_page_new         (PortierPlan             *plan);
GtkWidget      *portier_result_page_new_with_results (PortierPlan        *plan,
                                                 GPtrArray               *results);
void            portier_result_page_add_result  (PortierResultPage       *self,
                                                 const PortierOpenResult *result);
PortierOutcome  portier_result_page_get_outcome (PortierResultPage       *self);

G_END_DECLS
