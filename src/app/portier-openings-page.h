/* portier-openings-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-catalog.h"
#include "portier-ledger.h"
#include "portier-opener.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_OPENINGS_PAGE (portier_openings_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierOpeningsPage, portier_openings_page, PORTIER, OPENINGS_PAGE,
                      GtkWidget)

GtkWidget *portier_openings_page_new        (PortierLedger       *ledger,
                                             PortierCatalog      *catalog,
                                             PortierOpener       *opener);
void       portier_openings_page_reload     (PortierOpeningsPage *self);
guint      portier_openings_page_get_n_rows (PortierOpeningsPage *self);
void       portier_openings_page_set_busy   (PortierOpeningsPage *self,
                                             const char          *id,
                                             gboolean             busy);
char      *portier_opening_describe_title   (const PortierOpening *opening,
                                             PortierCatalog       *catalog);
char      *portier_opening_describe_state   (const PortierOpening *opening,
                                             gint64                now);

G_END_DECLS
