/* portier-troubleshoot-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-diagnosis.h"
#include "portier-plan.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_TROUBLESHOOT_PAGE (portier_troubleshoot_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierTroubleshootPage, portier_troubleshoot_page, PORTIER,
                      TROUBLESHOOT_PAGE, GtkWidget)

GtkWidget                    *portier_troubleshoot_page_new          (const PortierPortSpec *spec);
GtkWidget                    *portier_troubleshoot_page_new_for_plan (PortierPlan           *plan,
                                                                      const PortierPortSpec *spec,
                                                                      const char            *intro);
PortierPlan                  *portier_troubleshoot_page_get_plan     (PortierTroubleshootPage *self);
void                          portier_troubleshoot_page_check        (PortierTroubleshootPage *self);
const PortierPortSpec        *portier_troubleshoot_page_get_spec     (PortierTroubleshootPage *self);
GCancellable                 *portier_troubleshoot_page_get_cancellable
                                                                     (PortierTroubleshootPage *self);
void                          portier_troubleshoot_page_set_checking (PortierTroubleshootPage *self);
void                          portier_troubleshoot_page_set_report   (PortierTroubleshootPage *self,
                                                                      const PortierDiagnosisReport *report);
void                          portier_troubleshoot_page_set_error    (PortierTroubleshootPage *self,
                                                                      const GError            *error);
const PortierDiagnosisReport *portier_troubleshoot_page_get_report   (PortierTroubleshootPage *self);

G_END_DECLS
