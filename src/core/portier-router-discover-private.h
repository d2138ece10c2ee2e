/* portier-router-discover-private.h: device descriptions, the remembered router, the hop after it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-router.h"

G_BEGIN_DECLS

/* ---- device descriptions (worker thread) --------------------------------------------------- */
#define PORTIER_DESCRIPTION_MAX 65536
#define PORTIER_DESCRIPTION_TIMEOUT_MS 5000

gboolean  portier_router_parse_description_response (const char  *data,
                                                     gsize        length,
                                                     GBytes     **body,
                                                     gboolean    *framed,
                                                     GError     **error);
GBytes   *portier_router_fetch_description          (const char  *url,
                                                     char       **local_address,
                                                     GError     **error);

/* ---- the remembered router per network --------------------------------------------------- */
char     *portier_router_cache_lookup (const char *network_key,
                                       PortierRouterMethod *method);
void      portier_router_cache_store  (const char *network_key,
                                       PortierRouterMethod method,
                                       const char *url);

/* ---- the hop after the router (TTL 2), to tell carrier NAT from a second router --------- */
char     *portier_router_probe_hop    (guint            ttl,
                                       gboolean        *unreachable,
                                       GError         **error);

/* ---- the WAN class (worker thread) --------------------------------------------------- */
/* Fills wan_class (and upstream_hop when the router reports no address). */
void           portier_router_info_classify   (PortierRouterInfo     *info);

G_END_DECLS
