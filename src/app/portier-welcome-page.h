/* portier-welcome-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PORTIER_TYPE_WELCOME_PAGE (portier_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (PortierWelcomePage, portier_welcome_page, PORTIER, WELCOME_PAGE,
                      GtkWidget)

G_END_DECLS
