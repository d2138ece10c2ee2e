/* portier-router-find.c: finding the router of this network
 *
 * Discovery chooses between the interface's two implementations: the remembered router
 * of this network first, then an SSDP search, then NAT-PMP at the default gateway. It is
 * the top of the router's files and calls only downward: the implementations
 * (portier-router-upnp.c, portier-router-natpmp.c), what a router is
 * (portier-router-discover.c), this computer's side of the network
 * (portier-router-local-net.c), the worker thread (portier-router-worker.c), the
 * interface (portier-router.c) and the values (portier-router-types.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include "portier-error.h"
#include "portier-router-private.h"

/* ---------------------------------------------------------------------------- discovery */

static void
discover_job (GTask *task)
{
  PortierRouterDiscoverFlags flags = GPOINTER_TO_UINT (g_task_get_task_data (task));
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(PortierLocalNet) net = NULL;
  g_autoptr(PortierRouter) router = NULL;
  g_autoptr(GError) upnp_error = NULL;
  g_autoptr(GError) natpmp_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  PortierRouterInfo *info;

  net = portier_local_net_read (NULL, &error);
  if (net == NULL)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                               "No router: %s", error->message);
      return;
    }
  key = portier_local_net_key (net);

  if (!(flags & PORTIER_ROUTER_DISCOVER_NO_CACHE))
    {
      PortierRouterMethod method;
      g_autofree char *url = portier_router_cache_lookup (key, &method);

      if (method == PORTIER_ROUTER_METHOD_UPNP && url != NULL &&
          !(flags & PORTIER_ROUTER_DISCOVER_NO_UPNP))
        {
          router = portier_router_upnp_open_url (url, net, &error);
          if (router == NULL)
            g_debug ("The remembered router %s did not do: %s", url, error->message);
          g_clear_error (&error);
        }
      else if (method == PORTIER_ROUTER_METHOD_NATPMP && url != NULL &&
               !(flags & PORTIER_ROUTER_DISCOVER_NO_NATPMP))
        {
          router = portier_router_natpmp_discover (net, cancellable, &error);
          if (router == NULL)
            g_debug ("The remembered NAT-PMP router did not answer: %s", error->message);
          g_clear_error (&error);
        }
      if (router != NULL)
        ((PortierRouterInfo *) portier_router_get_info (router))->from_cache = TRUE;
    }

  if (router == NULL && !(flags & PORTIER_ROUTER_DISCOVER_NO_UPNP))
    router = portier_router_upnp_discover (net, cancellable, &upnp_error);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (router == NULL && !(flags & PORTIER_ROUTER_DISCOVER_NO_NATPMP))
    router = portier_router_natpmp_discover (net, cancellable, &natpmp_error);

  if (router == NULL)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                               "No UPnP IGD (%s) and no NAT-PMP (%s) at %s",
                               upnp_error ? upnp_error->message : "not tried",
                               natpmp_error ? natpmp_error->message : "not tried",
                               net->gateway);
      return;
    }

  /* The router object is not shared yet: its info may still be written here. */
  info = (PortierRouterInfo *) portier_router_get_info (router);
  portier_router_info_classify (info);
  if (net->gateway_mac == NULL)
    {
      portier_local_net_update_mac (net, NULL);
      g_free (key);
      key = portier_local_net_key (net);
    }
  portier_router_cache_store (key, info->method,
                              info->method == PORTIER_ROUTER_METHOD_UPNP ? info->url
                                                                         : info->gateway);
  g_task_return_pointer (task, g_steal_pointer (&router), g_object_unref);
}

/**
 * portier_router_discover_async:
 *
 * Finds the router: the one remembered for this network (checked before use), else an
 * SSDP search that waits briefly and longer only when nothing answered, accepting only
 * IGDs on this computer's subnet and preferring the default gateway, else NAT-PMP at the
 * default gateway (at most 2 s).
 */
void
portier_router_discover_async (PortierRouterDiscoverFlags  flags,
                               GCancellable               *cancellable,
                               GAsyncReadyCallback         callback,
                               gpointer                    user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, portier_router_discover_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (flags), NULL);
  portier_router_worker_run (task, discover_job);
}

/**
 * portier_router_discover_finish:
 *
 * Returns: (transfer full): the router, or %NULL with %PORTIER_ERROR_ROUTER_NOT_FOUND
 */
PortierRouter *
portier_router_discover_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        portier_router_discover_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
