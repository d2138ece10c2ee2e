/* portier-router.c: the home router, over UPnP IGD or NAT-PMP
 *
 * One GInterface with two implementations (portier-router-upnp.c, portier-router-natpmp.c):
 * its GType and its calls. It calls no other file of the router but the values
 * (portier-router-types.c); finding the router of this network, which chooses between
 * the two, is portier-router-find.c, above the implementations.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include "portier-router.h"

G_DEFINE_INTERFACE (PortierRouter, portier_router, G_TYPE_OBJECT)

static void
portier_router_default_init (PortierRouterInterface *iface)
{
}

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
