/* portier-welcome-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "portier-network.h"
#include "portier-router.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_WELCOME_PAGE (portier_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierWelcomePage, portier_welcome_page, PORTIER, WELCOME_PAGE,
                      GtkWidget)

void            portier_welcome_page_set_network         (PortierWelcomePage *self,
                                                          PortierNetwork     *network);
PortierNetwork *portier_welcome_page_get_network         (PortierWelcomePage *self);
void            portier_welcome_page_set_router_status   (PortierWelcomePage *self,
                                                          const char         *text,
                                                          gboolean            found);
void            portier_welcome_page_set_firewall_status (PortierWelcomePage *self,
                                                          const char         *text);
void            portier_welcome_page_show_router         (PortierWelcomePage      *self,
                                                          const PortierRouterInfo *info,
                                                          const GError            *error);

G_END_DECLS
