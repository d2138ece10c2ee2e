/* portier-probe-server.h: the reachability server anyone can host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-probe-config.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_PROBE_SERVER (portier_probe_server_get_type ())

G_DECLARE_FINAL_TYPE (PortierProbeServer, portier_probe_server, PORTIER, PROBE_SERVER, GObject)

PortierProbeServer *portier_probe_server_new            (const PortierProbeConfig *config);
gboolean            portier_probe_server_listen         (PortierProbeServer       *self,
                                                         GInetSocketAddress       *address,
                                                         GError                  **error);
GPtrArray          *portier_probe_server_get_addresses  (PortierProbeServer       *self);
void                portier_probe_server_stop           (PortierProbeServer       *self);
gboolean            portier_probe_server_is_idle        (PortierProbeServer       *self);

G_END_DECLS
