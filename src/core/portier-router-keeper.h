/* portier-router-keeper.h: keeps router forwards alive while they are wanted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-router.h"

G_BEGIN_DECLS

/* How often a held forward is checked on the router at most, in seconds. */
#define PORTIER_ROUTER_KEEPER_CHECK_INTERVAL 30

#define PORTIER_TYPE_ROUTER_KEEPER (portier_router_keeper_get_type ())
G_DECLARE_FINAL_TYPE (PortierRouterKeeper, portier_router_keeper, PORTIER, ROUTER_KEEPER,
                      GObject)

PortierRouterKeeper *portier_router_keeper_new          (PortierRouter        *router);
PortierRouter       *portier_router_keeper_get_router   (PortierRouterKeeper  *self);
void                 portier_router_keeper_hold         (PortierRouterKeeper  *self,
                                                         const PortierMapping *mapping,
                                                         guint                 lease);
void                 portier_router_keeper_hold_pinhole (PortierRouterKeeper  *self,
                                                         const PortierPinhole *pinhole,
                                                         guint                 lease);
GPtrArray           *portier_router_keeper_get_mappings (PortierRouterKeeper  *self);
void                 portier_router_keeper_release_all  (PortierRouterKeeper  *self);
void                 portier_router_keeper_forget       (PortierRouterKeeper  *self,
                                                         const PortierMapping *mapping);
void                 portier_router_keeper_forget_pinhole (PortierRouterKeeper *self,
                                                         const char           *unique_id);
void                 portier_router_keeper_check_async  (PortierRouterKeeper  *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean             portier_router_keeper_check_finish (PortierRouterKeeper  *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
