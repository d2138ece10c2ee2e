/* portier-router-forward.h: forward a whole port spec, or nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-router.h"

G_BEGIN_DECLS

/**
 * PortierIpv6Status:
 * @PORTIER_IPV6_NONE: the step did not run (no router, or an earlier step failed)
 * @PORTIER_IPV6_SKIPPED: not asked for
 * @PORTIER_IPV6_NO_ADDRESS: this computer has no global IPv6 address
 * @PORTIER_IPV6_NOT_NEEDED: the router has no IPv6 firewall control: nothing to open
 * @PORTIER_IPV6_OPENED: pinholes opened
 * @PORTIER_IPV6_FAILED: the router refused the pinholes
 */
typedef enum
{
  PORTIER_IPV6_NONE,
  PORTIER_IPV6_SKIPPED,      /* not asked for */
  PORTIER_IPV6_NO_ADDRESS,   /* this computer has no global IPv6 address */
  PORTIER_IPV6_NOT_NEEDED,   /* the router has no IPv6 firewall control: nothing to open */
  PORTIER_IPV6_OPENED,       /* pinholes opened */
  PORTIER_IPV6_FAILED,       /* the router refused the pinholes */
} PortierIpv6Status;

typedef struct
{
  PortierPortSpec      spec;            /* this computer's ports */
  guint16              external_first;  /* 0: the same ports outside */
  char                *label;           /* what it is for (an app id), or NULL */
  guint                lease;           /* seconds; 0: permanent */
  PortierMappingFlags  flags;
  gboolean             ipv6;            /* also open IPv6 pinholes where the router can */
  gboolean             ipv6_only;       /* only the pinholes: the router forwards no IPv4 */
} PortierForwardRequest;

typedef struct
{
  GPtrArray           *mappings;        /* PortierMapping */
  GPtrArray           *pinholes;        /* PortierPinhole */
  PortierIpv6Status    ipv6;
} PortierForwardResult;

void                  portier_forward_result_free     (PortierForwardResult *self);

void                  portier_router_forward_async    (PortierRouter               *router,
                                                       const PortierForwardRequest *request,
                                                       GCancellable                *cancellable,
                                                       GAsyncReadyCallback          callback,
                                                       gpointer                     user_data);
PortierForwardResult *portier_router_forward_finish   (PortierRouter               *router,
                                                       GAsyncResult                *result,
                                                       PortierRouterRefusal        *refusal,
                                                       GError                     **error);

void                  portier_router_unforward_async  (PortierRouter               *router,
                                                       GPtrArray                   *mappings,
                                                       GPtrArray                   *pinholes,
                                                       GCancellable                *cancellable,
                                                       GAsyncReadyCallback          callback,
                                                       gpointer                     user_data);
gboolean              portier_router_unforward_finish (PortierRouter               *router,
                                                       GAsyncResult                *result,
                                                       GPtrArray                  **mappings_left,
                                                       GPtrArray                  **pinholes_left,
                                                       GError                     **error);

GPtrArray            *portier_router_filter_ours      (GPtrArray                   *mappings,
                                                       const char                  *lan_address,
                                                       const PortierPortSpec       *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierForwardResult, portier_forward_result_free)

G_END_DECLS
