/* portier-router-private.h: the two implementations, UPnP and NAT-PMP
 *
 * With the private headers of every layer below them: what finding the router
 * (portier-router-find.c) and the tests need.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-router.h"
#include "portier-router-discover-private.h"
#include "portier-router-local-net-private.h"
#include "portier-router-ssdp-private.h"
#include "portier-router-task-private.h"
#include "portier-router-worker-private.h"

G_BEGIN_DECLS

/* ---- the implementations ------------------------------------------------------------------ */
#define PORTIER_TYPE_ROUTER_UPNP (portier_router_upnp_get_type ())
G_DECLARE_FINAL_TYPE (PortierRouterUpnp, portier_router_upnp, PORTIER, ROUTER_UPNP, GObject)

#define PORTIER_TYPE_ROUTER_NATPMP (portier_router_natpmp_get_type ())
G_DECLARE_FINAL_TYPE (PortierRouterNatpmp, portier_router_natpmp, PORTIER, ROUTER_NATPMP,
                      GObject)

/* Worker thread only. */
PortierRouter *portier_router_upnp_open_url   (const char            *url,
                                               const PortierLocalNet *net,
                                               GError               **error);
struct UPNPUrls;
struct IGDdatas;
gboolean       portier_router_upnp_parse_igd  (const char            *url,
                                               GBytes                *description,
                                               struct UPNPUrls       *urls,
                                               struct IGDdatas       *data,
                                               GError               **error);
gboolean       portier_router_upnp_load_igd   (const char            *url,
                                               struct UPNPUrls       *urls,
                                               struct IGDdatas       *data,
                                               char                 **lan_address,
                                               GError               **error);
PortierRouter *portier_router_upnp_discover   (const PortierLocalNet *net,
                                               GCancellable          *cancellable,
                                               GError               **error);
PortierRouter *portier_router_natpmp_discover (const PortierLocalNet *net,
                                               GCancellable          *cancellable,
                                               GError               **error);

G_END_DECLS
