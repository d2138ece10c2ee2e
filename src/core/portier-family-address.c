/* portier-family-address.c: a host name that connects over one IP family only
 *
 * The reachability test asks the probe server once over IPv4 and once over IPv6, since
 * the two can differ (a router forwards IPv4, a firewall blocks IPv6). The server tests
 * the address the request comes from, so each request must leave over the family it is
 * meant to test.
 *
 * This is a GNetworkAddress — TLS still checks the certificate against the host name —
 * whose addresses are filtered down to one family. It never goes through a proxy: the
 * probe server would test the proxy's address instead of this computer's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-probe"

#include "config.h"

#include "portier-error.h"
#include "portier-family-address.h"

struct _PortierFamilyAddress
{
  GNetworkAddress parent_instance;

  GSocketFamily   family;
};

static GSocketConnectableIface *parent_connectable_iface;

static void portier_family_address_connectable_init (GSocketConnectableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierFamilyAddress, portier_family_address,
                               G_TYPE_NETWORK_ADDRESS,
                               G_IMPLEMENT_INTERFACE (G_TYPE_SOCKET_CONNECTABLE,
                                                      portier_family_address_connectable_init))

/* The enumerator: the host name's addresses, those of the other family left out. */

#define PORTIER_TYPE_FAMILY_ENUMERATOR (portier_family_enumerator_get_type ())
G_DECLARE_FINAL_TYPE (PortierFamilyEnumerator, portier_family_enumerator, PORTIER,
                      FAMILY_ENUMERATOR, GSocketAddressEnumerator)

struct _PortierFamilyEnumerator
{
  GSocketAddressEnumerator  parent_instance;

  GSocketAddressEnumerator *inner;
  GSocketFamily             family;
  gboolean                  matched;   /* an address of the family came by */
};

G_DEFINE_FINAL_TYPE (PortierFamilyEnumerator, portier_family_enumerator,
                     G_TYPE_SOCKET_ADDRESS_ENUMERATOR)

static gboolean
family_matches (PortierFamilyEnumerator *self,
                GSocketAddress          *address)
{
  return g_socket_address_get_family (address) == self->family;
}

/* At the end of the list: an error when no address of the family came by at all, so the
 * caller can tell “this host has no IPv6 address” from a failed connection. */
static void
set_none_error (PortierFamilyEnumerator  *self,
                GError                  **error)
{
  if (!self->matched)
    g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND,
                 "The host has no %s address",
                 self->family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4");
}

static GSocketAddress *
portier_family_enumerator_next (GSocketAddressEnumerator  *enumerator,
                                GCancellable              *cancellable,
                                GError                   **error)
{
  PortierFamilyEnumerator *self = PORTIER_FAMILY_ENUMERATOR (enumerator);

  while (TRUE)
    {
      g_autoptr(GError) local_error = NULL;
      GSocketAddress *address = g_socket_address_enumerator_next (self->inner, cancellable,
                                                                  &local_error);

      if (address == NULL)
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            set_none_error (self, error);
          return NULL;
        }
      if (family_matches (self, address))
        {
          self->matched = TRUE;
          return address;
        }
      g_object_unref (address);
    }
}

static void
next_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierFamilyEnumerator *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  GSocketAddress *address;

  address = g_socket_address_enumerator_next_finish (self->inner, result, &error);
  if (address == NULL)
    {
      if (error == NULL)
        set_none_error (self, &error);
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (family_matches (self, address))
    {
      self->matched = TRUE;
      g_task_return_pointer (task, address, g_object_unref);
      return;
    }

  g_object_unref (address);
  cancellable = g_task_get_cancellable (task);
  g_socket_address_enumerator_next_async (self->inner, cancellable, next_cb,
                                          g_steal_pointer (&task));
}

static void
portier_family_enumerator_next_async (GSocketAddressEnumerator *enumerator,
                                      GCancellable             *cancellable,
                                      GAsyncReadyCallback       callback,
                                      gpointer                  user_data)
{
  PortierFamilyEnumerator *self = PORTIER_FAMILY_ENUMERATOR (enumerator);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, portier_family_enumerator_next_async);
  g_socket_address_enumerator_next_async (self->inner, cancellable, next_cb, task);
}

static GSocketAddress *
portier_family_enumerator_next_finish (GSocketAddressEnumerator  *enumerator,
                                       GAsyncResult              *result,
                                       GError                   **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
portier_family_enumerator_finalize (GObject *object)
{
  PortierFamilyEnumerator *self = PORTIER_FAMILY_ENUMERATOR (object);

  g_clear_object (&self->inner);
  G_OBJECT_CLASS (portier_family_enumerator_parent_class)->finalize (object);
}

static void
portier_family_enumerator_class_init (PortierFamilyEnumeratorClass *klass)
{
  GSocketAddressEnumeratorClass *enumerator_class = G_SOCKET_ADDRESS_ENUMERATOR_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = portier_family_enumerator_finalize;
  enumerator_class->next = portier_family_enumerator_next;
  enumerator_class->next_async = portier_family_enumerator_next_async;
  enumerator_class->next_finish = portier_family_enumerator_next_finish;
}

static void
portier_family_enumerator_init (PortierFamilyEnumerator *self)
{
}

/* The address */

static GSocketAddressEnumerator *
portier_family_address_enumerate (GSocketConnectable *connectable)
{
  PortierFamilyAddress *self = PORTIER_FAMILY_ADDRESS (connectable);
  PortierFamilyEnumerator *enumerator = g_object_new (PORTIER_TYPE_FAMILY_ENUMERATOR, NULL);

  enumerator->inner = parent_connectable_iface->enumerate (connectable);
  enumerator->family = self->family;
  return G_SOCKET_ADDRESS_ENUMERATOR (enumerator);
}

static gchar *
portier_family_address_to_string (GSocketConnectable *connectable)
{
  return parent_connectable_iface->to_string (connectable);
}

static void
portier_family_address_connectable_init (GSocketConnectableIface *iface)
{
  parent_connectable_iface = g_type_interface_peek_parent (iface);

  iface->enumerate = portier_family_address_enumerate;
  /* No proxies: the direct path is what is being tested. */
  iface->proxy_enumerate = portier_family_address_enumerate;
  iface->to_string = portier_family_address_to_string;
}

static void
portier_family_address_class_init (PortierFamilyAddressClass *klass)
{
}

static void
portier_family_address_init (PortierFamilyAddress *self)
{
  self->family = G_SOCKET_FAMILY_IPV4;
}

/**
 * portier_family_address_new:
 * @hostname: a host name or a literal address (no brackets)
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6
 *
 * Returns: (transfer full): a connectable that yields only @family's addresses of
 *   @hostname, and fails with %PORTIER_ERROR_NOT_FOUND when it has none
 */
GSocketConnectable *
portier_family_address_new (const char    *hostname,
                            guint16        port,
                            const char    *scheme,
                            GSocketFamily  family)
{
  PortierFamilyAddress *self;

  g_return_val_if_fail (hostname != NULL, NULL);
  g_return_val_if_fail (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6,
                        NULL);

  self = g_object_new (PORTIER_TYPE_FAMILY_ADDRESS,
                       "hostname", hostname,
                       "port", (guint) port,
                       "scheme", scheme,
                       NULL);
  self->family = family;
  return G_SOCKET_CONNECTABLE (self);
}

GSocketFamily
portier_family_address_get_family (PortierFamilyAddress *self)
{
  g_return_val_if_fail (PORTIER_IS_FAMILY_ADDRESS (self), G_SOCKET_FAMILY_INVALID);

  return self->family;
}
