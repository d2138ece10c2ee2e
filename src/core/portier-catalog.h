/* portier-catalog.h: the apps people open ports for
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

typedef struct
{
  PortierPortSpec  spec;
  char            *purpose;
} PortierAppPort;

#define PORTIER_TYPE_APP (portier_app_get_type ())
G_DECLARE_FINAL_TYPE (PortierApp, portier_app, PORTIER, APP, GObject)

const char       *portier_app_get_id          (PortierApp *self);
const char       *portier_app_get_name        (PortierApp *self);
const char       *portier_app_get_category    (PortierApp *self);
const char       *portier_app_get_icon_name   (PortierApp *self);
const char       *portier_app_get_note        (PortierApp *self);
const char       *portier_app_get_source      (PortierApp *self);
PortierRisk       portier_app_get_risk        (PortierApp *self);
GArray           *portier_app_get_ports       (PortierApp *self);
GArray           *portier_app_get_lan_only    (PortierApp *self);
gboolean          portier_app_matches         (PortierApp *self,
                                               const char *query);

#define PORTIER_TYPE_CATALOG (portier_catalog_get_type ())
G_DECLARE_FINAL_TYPE (PortierCatalog, portier_catalog, PORTIER, CATALOG, GObject)

PortierCatalog   *portier_catalog_new_default (GError        **error);
PortierCatalog   *portier_catalog_new_from_data (const char   *data,
                                                 gsize         length,
                                                 GError      **error);
GListModel       *portier_catalog_get_apps    (PortierCatalog *self);
PortierApp       *portier_catalog_lookup      (PortierCatalog *self,
                                               const char     *id);

G_END_DECLS
