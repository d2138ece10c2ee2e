/* portier-gateway-page.h: the title of the router's own web page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTIER_GATEWAY_PAGE_MAX_BYTES (64 * 1024)
#define PORTIER_GATEWAY_PAGE_TIMEOUT_MS 2000

void  portier_gateway_page_title_async  (const char          *gateway,
                                         guint16              port,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
char *portier_gateway_page_title_finish (GAsyncResult        *result,
                                         GError             **error);

/* Another page of the gateway (its UPnP description), within the same limits. */
void    portier_gateway_page_fetch_async  (const char          *gateway,
                                           const char          *url,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GBytes *portier_gateway_page_fetch_finish (GAsyncResult        *result,
                                           GError             **error);

/* The text of a web page's <title>. */
char   *portier_html_find_title           (const char          *html,
                                           gsize                length);

G_END_DECLS
