/* portier-router-task-private.h: what both implementations' tasks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-router.h"

G_BEGIN_DECLS

/* ---- what both implementations' tasks share ---------------------------------------------- */
/* The task data of add_mapping: the request, and the refusal its job fills in. */
typedef struct
{
  PortierMappingRequest request;
  PortierRouterRefusal  refusal;
} PortierRouterAddData;

PortierRouterAddData *portier_router_add_data_new  (const PortierMappingRequest *request,
                                                    const char                  *description);
void                  portier_router_add_data_free (PortierRouterAddData        *data);

/* Finish functions for the interface, the same for both implementations. */
PortierMapping *portier_router_task_add_mapping_finish (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        PortierRouterRefusal  *refusal,
                                                        GError               **error);
gboolean        portier_router_task_finish_boolean     (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        GError               **error);
PortierMapping *portier_router_task_finish_mapping     (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        GError               **error);
GPtrArray      *portier_router_task_finish_mappings    (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        GError               **error);
PortierPinhole *portier_router_task_finish_pinhole     (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        GError               **error);

/* Refresh: the job returns fresh info (worker thread), the finish takes it (main
 * context). */
void            portier_router_task_return_info        (GTask                 *task,
                                                        PortierRouterInfo     *info,
                                                        GError                *error);
gboolean        portier_router_task_take_info          (GAsyncResult          *result,
                                                        PortierRouterInfo    **info,
                                                        GError               **error);

G_END_DECLS
