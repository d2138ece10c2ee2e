/* portier-router-record.h: a small local record of the router forwards Portier made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-router.h"

G_BEGIN_DECLS

typedef struct
{
  char                *id;
  PortierPortSpec      spec;       /* this computer's ports */
  char                *label;      /* what it is for (an app id), or NULL */
  gint64               created;    /* wall clock, seconds */
  PortierRouterMethod  method;
  GPtrArray           *mappings;   /* PortierMapping */
  GPtrArray           *pinholes;   /* PortierPinhole */
} PortierRouterOpening;

PortierRouterOpening *portier_router_opening_new  (const PortierPortSpec      *spec,
                                                   const char                 *label,
                                                   PortierRouterMethod         method);
void                  portier_router_opening_free (PortierRouterOpening       *self);

#define PORTIER_TYPE_ROUTER_RECORD (portier_router_record_get_type ())
G_DECLARE_FINAL_TYPE (PortierRouterRecord, portier_router_record, PORTIER, ROUTER_RECORD,
                      GObject)

PortierRouterRecord  *portier_router_record_new           (const char            *path);
PortierRouterRecord  *portier_router_record_load          (const char            *path,
                                                           gboolean              *damaged,
                                                           GError               **error);
gboolean              portier_router_record_save          (PortierRouterRecord   *self,
                                                           GError               **error);
const char           *portier_router_record_get_path      (PortierRouterRecord   *self);
GPtrArray            *portier_router_record_get_openings  (PortierRouterRecord   *self);
void                  portier_router_record_add           (PortierRouterRecord   *self,
                                                           PortierRouterOpening  *opening);
PortierRouterOpening *portier_router_record_lookup        (PortierRouterRecord   *self,
                                                           const char            *id);
gboolean              portier_router_record_remove        (PortierRouterRecord   *self,
                                                           const char            *id);
gboolean              portier_router_record_is_recorded   (PortierRouterRecord   *self,
                                                           const PortierMapping  *mapping);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierRouterOpening, portier_router_opening_free)

G_END_DECLS
