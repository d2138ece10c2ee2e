/* portier-plan.h: what the person chose in the wizard, page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-catalog.h"
#include "portier-ledger.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_PLAN (portier_plan_get_type ())
G_DECLARE_FINAL_TYPE (PortierPlan, portier_plan, PORTIER, PLAN, GObject)

PortierPlan      *portier_plan_new_for_app    (PortierApp            *app);
PortierPlan      *portier_plan_new_for_port   (const PortierPortSpec *spec,
                                               const char            *label,
                                               const char            *purpose);
PortierPlan      *portier_plan_new_for_fix    (PortierPlan           *plan,
                                               const PortierPortSpec *spec,
                                               PortierDuration        duration,
                                               guint                  hours);
PortierApp       *portier_plan_get_app        (PortierPlan           *self);
const char       *portier_plan_get_title      (PortierPlan           *self);
GArray           *portier_plan_get_ports      (PortierPlan           *self);
GArray           *portier_plan_get_lan_only   (PortierPlan           *self);
char             *portier_plan_describe_ports (PortierPlan           *self);
PortierRisk       portier_plan_get_risk       (PortierPlan           *self,
                                               const char           **reason);
PortierProtocol   portier_plan_get_protocols  (PortierPlan           *self);
PortierDuration   portier_plan_get_duration   (PortierPlan           *self);
guint             portier_plan_get_hours      (PortierPlan           *self);
void              portier_plan_set_duration   (PortierPlan           *self,
                                               PortierDuration        duration,
                                               guint                  hours);

G_END_DECLS
