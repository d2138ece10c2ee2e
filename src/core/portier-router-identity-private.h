/* portier-router-identity-private.h: the identification with its inputs spelled out
 *
 * For the unit tests: the ARP table from a fixture, the web page on a loopback port.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-router-identity.h"

G_BEGIN_DECLS

#define PORTIER_ARP_TABLE "/proc/net/arp"

void portier_router_identify_full_async (const char          *gateway,
                                         const char          *upnp_description,
                                         const char          *arp_path,
                                         guint16              http_port,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);

G_END_DECLS
