/* portier-portal.h: one request to a desktop portal, and its answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTIER_PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTIER_PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"

/* The answer of a portal request (org.freedesktop.portal.Request::Response). */
typedef enum
{
  PORTIER_PORTAL_RESPONSE_SUCCESS = 0,
  PORTIER_PORTAL_RESPONSE_CANCELLED = 1,
  PORTIER_PORTAL_RESPONSE_OTHER = 2,
} PortierPortalResponse;

void      portier_portal_request_async   (GDBusConnection        *bus,
                                          const char             *interface,
                                          const char             *method,
                                          const char             *parent_window,
                                          GVariantBuilder        *options,
                                          GCancellable           *cancellable,
                                          GAsyncReadyCallback     callback,
                                          gpointer                user_data);
GVariant *portier_portal_request_finish  (GAsyncResult           *result,
                                          PortierPortalResponse  *response,
                                          GError                **error);
gboolean  portier_portal_error_is_absent (const GError           *error);

G_END_DECLS
