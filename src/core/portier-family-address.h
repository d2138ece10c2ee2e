/* portier-family-address.h: a host name that connects over one IP family only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTIER_TYPE_FAMILY_ADDRESS (portier_family_address_get_type ())

G_DECLARE_FINAL_TYPE (PortierFamilyAddress, portier_family_address, PORTIER, FAMILY_ADDRESS,
                      GNetworkAddress)

GSocketConnectable *portier_family_address_new        (const char           *hostname,
                                                       guint16               port,
                                                       const char           *scheme,
                                                       GSocketFamily         family);
GSocketFamily       portier_family_address_get_family (PortierFamilyAddress *self);

G_END_DECLS
