/* portier-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PORTIER_TYPE_APPLICATION (portier_application_get_type ())
G_DECLARE_FINAL_TYPE (PortierApplication, portier_application, PORTIER, APPLICATION,
                      AdwApplication)

PortierApplication *portier_application_new (void);

G_END_DECLS
