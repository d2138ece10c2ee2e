/* portier-settings.h: the app's GSettings, when the schema is installed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-ledger.h"

G_BEGIN_DECLS

#define PORTIER_SETTINGS_SCHEMA_ID "io.github.portier_app.Portier"

GSettings       *portier_settings_new                  (void);
PortierDuration  portier_settings_get_default_duration (GSettings  *settings,
                                                        guint      *hours);
void             portier_settings_set_default_duration (GSettings  *settings,
                                                        PortierDuration duration,
                                                        guint       hours);

G_END_DECLS
