/* portier-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef struct _PortierApplication PortierApplication;

#define PORTIER_TYPE_WINDOW (portier_window_get_type ())
G_DECLARE_FINAL_TYPE (PortierWindow, portier_window, PORTIER, WINDOW, AdwApplicationWindow)

PortierWindow *portier_window_new (PortierApplication *application);

G_END_DECLS
