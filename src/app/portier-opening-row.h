/* portier-opening-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PORTIER_TYPE_OPENING_ROW (portier_opening_row_get_type ())
G_DECLARE_FINAL_TYPE (PortierOpeningRow, portier_opening_row, PORTIER, OPENING_ROW,
                      AdwActionRow)

GtkWidget  *portier_opening_row_new            (const char        *opening_id,
                                                const char        *title,
                                                const char        *subtitle,
                                                const char        *close_label,
                                                const char        *share,
                                                gboolean           busy);
const char *portier_opening_row_get_opening_id (PortierOpeningRow *self);
void        portier_opening_row_set_busy       (PortierOpeningRow *self,
                                                gboolean           busy);
gboolean    portier_opening_row_get_busy       (PortierOpeningRow *self);

G_END_DECLS
