/* portier-router.c: the home router, over UPnP IGD or NAT-PMP
 *
 * One GInterface with two implementations (portier-router-upnp.c, portier-router-natpmp.c).
 * This file is the router's face: the interface's calls, and discovery, which chooses
 * between them: the remembered router of this network first, then an SSDP search, then
 * NAT-PMP at the default gateway. Below it, and calling only downward: the
 * implementations, their shared task plumbing (portier-router-task.c), what a router is
 * (portier-router-discover.c), the SSDP search (portier-router-ssdp.c), this computer's
 * side of the network (portier-router-local-net.c), the worker thread
 * (portier-router-worker.c) and the values (portier-router-types.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include "portier-error.h"
#include "portier-router-private.h"

/* ---------------------------------------------------------------------------- interface */

const PortierRouterInfo *
portier_router_get_info (PortierRouter *self)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER (self), NULL);

  return PORTIER_ROUTER_GET_IFACE (self)->get_info (self);
}

PortierRouterMethod
portier_router_get_method (PortierRouter *self)
{
  return portier_router_get_info (self)->method;
}

const char *
portier_router_get_lan_address (PortierRouter *self)
{
  return portier_router_get_info (self)->lan_address;
}

/**
 * portier_router_refresh_async:
 *
 * Asks the router again for its connection status and WAN address, and classifies it.
 */
void
portier_router_refresh_async (PortierRouter       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (PORTIER_IS_ROUTER (self));

  PORTIER_ROUTER_GET_IFACE (self)->refresh_async (self, cancellable, callback, user_data);
}

gboolean
portier_router_refresh_finish (PortierRouter  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER (self), FALSE);

  return PORTIER_ROUTER_GET_IFACE (self)->refresh_finish (self, result, error);
}

/**
 * portier_router_add_mapping_async:
 *
 * Forwards one external port and protocol to this computer. Another device's mapping is
 * never overwritten: a conflict fails with %PORTIER_ERROR_ROUTER_CONFLICT and a free
 * alternative port in the refusal, unless %PORTIER_MAPPING_ANY_EXTERNAL_PORT allows
 * taking it.
 */
void
portier_router_add_mapping_async (PortierRouter               *self,
                                  const PortierMappingRequest *request,
                                  GCancellable                *cancellable,
                                  GAsyncReadyCallback          callback,
                                  gpointer                     user_data)
{
  g_return_if_fail (PORTIER_IS_ROUTER (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (request->protocol == PORTIER_PROTOCOL_TCP ||
                    request->protocol == PORTIER_PROTOCOL_UDP);
  g_return_if_fail (request->internal_port != 0);

  PORTIER_ROUTER_GET_IFACE (self)->add_mapping_async (self, request, cancellable,
                                                      callback, user_data);
}

/**
 * portier_router_add_mapping_finish:
 * @refusal: (out caller-allocates) (optional): details when the router refused; clear it
 *   with portier_router_refusal_clear()
 *
 * Returns: (transfer full): the mapping, or %NULL with @error set
 */
PortierMapping *
portier_router_add_mapping_finish (PortierRouter         *self,
                                   GAsyncResult          *result,
                                   PortierRouterRefusal  *refusal,
                                   GError               **error)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER (self), NULL);

  return PORTIER_ROUTER_GET_IFACE (self)->add_mapping_finish (self, result, refusal, error);
}

/**
 * portier_router_remove_mapping_async:
 *
 * Removes @mapping, but only while the router's entry for its external port still points
 * at @mapping's internal client: a port another device took over is left alone.
 */
void
portier_router_remove_mapping_async (PortierRouter        *self,
                                     const PortierMapping *mapping,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_return_if_fail (PORTIER_IS_ROUTER (self));
  g_return_if_fail (mapping != NULL);

  PORTIER_ROUTER_GET_IFACE (self)->remove_mapping_async (self, mapping, cancellable,
                                                         callback, user_data);
}

gboolean
portier_router_remove_mapping_finish (PortierRouter  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER (self), FALSE);

  return PORTIER_ROUTER_GET_IFACE (self)->remove_mapping_finish (self, result, error);
}

/**
 * portier_router_find_mapping_async:
 *
 * Looks up the router's entry for one external port. NAT-PMP cannot: it fails with
 * %PORTIER_ERROR_NOT_SUPPORTED.
 */
void
portier_router_find_mapping_async (PortierRouter       *self,
                                   guint16              external_port,
                                   PortierProtocol      protocol,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (PORTIER_IS_ROUTER (self));

  PORTIER_ROUTER_GET_IFACE (self)->find_mapping_async (self, external_port, protocol,
                                                       cancellable, callback, user_data);
}

/**
 * portier_router_find_mapping_finish:
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL without error when there is
 *   none
 */
PortierMapping *
portier_router_find_mapping_finish (PortierRouter  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER (self), NULL);

  return PORTIER_ROUTER_GET_IFACE (self)->find_mapping_finish (self, result, error);
}

void
portier_router_list_mappings_async (PortierRouter       *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (PORTIER_IS_ROUTER (self));

  PORTIER_ROUTER_GET_IFACE (self)->list_mappings_async (self, cancellable, callback,
                                                        user_data);
}

/**
 * portier_router_list_mappings_finish:
 *
 * Returns: (transfer full) (element-type PortierMapping): every mapping on the router
 *   (bounded), or %NULL with %PORTIER_ERROR_NOT_SUPPORTED over NAT-PMP
 */
GPtrArray *
portier_router_list_mappings_finish (PortierRouter  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER (self), NULL);

  return PORTIER_ROUTER_GET_IFACE (self)->list_mappings_finish (self, result, error);
}

/**
 * portier_router_add_pinhole_async:
 *
 * Opens an IPv6 pinhole (UPnP IGDv2 WANIPv6FirewallControl) for this computer's global
 * IPv6 address. Fails with %PORTIER_ERROR_NOT_SUPPORTED when the router or this computer
 * has no IPv6 to open.
 */
void
portier_router_add_pinhole_async (PortierRouter       *self,
                                  guint16              port,
                                  PortierProtocol      protocol,
                                  guint                lease,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (PORTIER_IS_ROUTER (self));

  PORTIER_ROUTER_GET_IFACE (self)->add_pinhole_async (self, port, protocol, lease,
                                                      cancellable, callback, user_data);
}

PortierPinhole *
portier_router_add_pinhole_finish (PortierRouter  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER (self), NULL);

  return PORTIER_ROUTER_GET_IFACE (self)->add_pinhole_finish (self, result, error);
}

void
portier_router_remove_pinhole_async (PortierRouter       *self,
                                     const char          *unique_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (PORTIER_IS_ROUTER (self));

  PORTIER_ROUTER_GET_IFACE (self)->remove_pinhole_async (self, unique_id, cancellable,
                                                         callback, user_data);
}

gboolean
portier_router_remove_pinhole_finish (PortierRouter  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER (self), FALSE);

  return PORTIER_ROUTER_GET_IFACE (self)->remove_pinhole_finish (self, result, error);
}

/**
 * portier_router_update_pinhole_async:
 *
 * Gives an IPv6 pinhole a new lease. Fails with %PORTIER_ERROR_NOT_FOUND when the router
 * no longer has it (a restart forgets them).
 */
void
portier_router_update_pinhole_async (PortierRouter       *self,
                                     const char          *unique_id,
                                     guint                lease,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (PORTIER_IS_ROUTER (self));

  PORTIER_ROUTER_GET_IFACE (self)->update_pinhole_async (self, unique_id, lease, cancellable,
                                                         callback, user_data);
}

gboolean
portier_router_update_pinhole_finish (PortierRouter  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (PORTIER_IS_ROUTER (self), FALSE);

  return PORTIER_ROUTER_GET_IFACE (self)->update_pinhole_finish (self, result, error);
}

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
