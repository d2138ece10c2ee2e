/* portier-router-task.c: what both implementations' tasks share
 *
 * The task data of add_mapping, the finish functions of the interface (the same for
 * UPnP and NAT-PMP), and the end of a refresh: fresh info classified on the worker,
 * taken on the main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include "portier-router-discover-private.h"
#include "portier-router-task-private.h"

/**
 * portier_router_add_data_new:
 * @description: (nullable): the description the mapping is to carry
 *
 * Returns: (transfer full): the task data of an add_mapping: a copy of @request with
 *   @description, and an empty refusal
 */
PortierRouterAddData *
portier_router_add_data_new (const PortierMappingRequest *request,
                             const char                  *description)
{
  PortierRouterAddData *data = g_new0 (PortierRouterAddData, 1);

  data->request = *request;
  data->request.internal_client = g_strdup (request->internal_client);
  data->request.description = g_strdup (description);
  return data;
}

void
portier_router_add_data_free (PortierRouterAddData *data)
{
  g_free (data->request.internal_client);
  g_free (data->request.description);
  portier_router_refusal_clear (&data->refusal);
  g_free (data);
}

/**
 * portier_router_task_add_mapping_finish:
 *
 * The add_mapping_finish of both implementations: the task's mapping, and the refusal
 * its job left in the task's #PortierRouterAddData.
 */
PortierMapping *
portier_router_task_add_mapping_finish (PortierRouter         *router,
                                        GAsyncResult          *result,
                                        PortierRouterRefusal  *refusal,
                                        GError               **error)
{
  PortierRouterAddData *data = g_task_get_task_data (G_TASK (result));

  portier_router_refusal_copy (&data->refusal, refusal);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The finish functions of both implementations whose task returns just one value. */
gboolean
portier_router_task_finish_boolean (PortierRouter  *router,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

PortierMapping *
portier_router_task_finish_mapping (PortierRouter  *router,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
portier_router_task_finish_mappings (PortierRouter  *router,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

PortierPinhole *
portier_router_task_finish_pinhole (PortierRouter  *router,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * portier_router_task_return_info:
 * @info: (transfer full) (nullable): what the router said about itself, or %NULL
 * @error: (transfer full): why @info is %NULL
 *
 * Worker thread. Ends a refresh job: classifies @info and returns it, or returns @error.
 */
void
portier_router_task_return_info (GTask             *task,
                                 PortierRouterInfo *info,
                                 GError            *error)
{
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  portier_router_info_classify (info);
  g_task_return_pointer (task, info, (GDestroyNotify) portier_router_info_free);
}

/**
 * portier_router_task_take_info:
 * @info: (inout): the router's info, replaced on success
 *
 * Main context. Ends a refresh: the info its job returned takes the place of *@info
 * (still saying whether the router was the remembered one).
 *
 * Returns: %FALSE with @error set when the refresh failed; *@info is left as it was
 */
gboolean
portier_router_task_take_info (GAsyncResult       *result,
                               PortierRouterInfo **info,
                               GError            **error)
{
  PortierRouterInfo *fresh = g_task_propagate_pointer (G_TASK (result), error);

  if (fresh == NULL)
    return FALSE;
  fresh->from_cache = (*info)->from_cache;
  portier_router_info_free (*info);
  *info = fresh;
  return TRUE;
}
