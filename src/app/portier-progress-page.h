/* portier-progress-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-diagnosis.h"
#include "portier-opener.h"
#include "portier-plan.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_PROGRESS_PAGE (portier_progress_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierProgressPage, portier_progress_page, PORTIER, PROGRESS_PAGE,
                      GtkWidget)

GtkWidget         *portier_progress_page_new             (PortierPlan         *plan);
GtkWidget         *portier_progress_page_new_opening     (PortierPlan         *plan,
                                                          PortierFixAction     fix,
                                                          PortierOpener       *opener);
PortierFixAction   portier_progress_page_get_fix         (PortierProgressPage *self);
PortierPlan       *portier_progress_page_get_plan        (PortierProgressPage *self);
GCancellable      *portier_progress_page_get_cancellable (PortierProgressPage *self);
void               portier_progress_page_begin_port      (PortierProgressPage *self,
                                                          guint                index);
void               portier_progress_page_set_step        (PortierProgressPage *self,
                                                          PortierStep          step,
                                                          PortierStepStatus    status,
                                                          const char          *message);
PortierStepStatus  portier_progress_page_get_step_status (PortierProgressPage *self,
                                                          PortierStep          step);
void               portier_progress_page_finish          (PortierProgressPage *self);

G_END_DECLS
