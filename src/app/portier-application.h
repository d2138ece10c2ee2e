/* portier-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-ledger.h"
#include "portier-opener.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_APPLICATION (portier_application_get_type ())
G_DECLARE_FINAL_TYPE (PortierApplication, portier_application, PORTIER, APPLICATION,
                      AdwApplication)

PortierApplication *portier_application_new              (void);
PortierLedger      *portier_application_get_ledger       (PortierApplication *self);
PortierOpener      *portier_application_get_opener       (PortierApplication *self);
GPtrArray          *portier_application_list_kept        (PortierApplication *self);
gboolean            portier_application_get_in_background (PortierApplication *self);

G_END_DECLS
