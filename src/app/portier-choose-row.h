/* portier-choose-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-plan.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_CHOOSE_ROW (portier_choose_row_get_type ())
G_DECLARE_FINAL_TYPE (PortierChooseRow, portier_choose_row, PORTIER, CHOOSE_ROW, AdwActionRow)

GtkWidget   *portier_choose_row_new      (const char       *title,
                                          const char       *subtitle,
                                          const char       *icon_name,
                                          PortierPlan      *plan);
PortierPlan *portier_choose_row_get_plan (PortierChooseRow *self);

G_END_DECLS
