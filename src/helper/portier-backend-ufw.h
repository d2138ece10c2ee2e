/* portier-backend-ufw.h: ufw, changed with the ufw command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-backend.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_BACKEND_UFW (portier_backend_ufw_get_type ())

G_DECLARE_FINAL_TYPE (PortierBackendUfw, portier_backend_ufw, PORTIER, BACKEND_UFW, GObject)

PortierBackendUfw *portier_backend_ufw_new       (void);
gboolean           portier_backend_ufw_is_active (GError **error);

G_END_DECLS
