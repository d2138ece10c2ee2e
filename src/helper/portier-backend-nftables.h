/* portier-backend-nftables.h: nftables, changed with nft
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-backend.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_BACKEND_NFTABLES (portier_backend_nftables_get_type ())

G_DECLARE_FINAL_TYPE (PortierBackendNftables, portier_backend_nftables,
                      PORTIER, BACKEND_NFTABLES, GObject)

PortierBackendNftables *portier_backend_nftables_new            (void);
gboolean                portier_backend_nftables_filters_input  (PortierBackendNftables  *self,
                                                                 GError                 **error);

G_END_DECLS
