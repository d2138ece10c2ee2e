/* portier-window-private.h: what the window's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-window.h"

G_BEGIN_DECLS

gboolean    portier_window_can_go_back      (PortierWindow  *self);
void        portier_window_forget_history   (PortierWindow  *self);
GSettings  *portier_window_get_settings     (PortierWindow  *self);
const char *portier_window_get_gateway      (PortierWindow  *self);

/* portier-window-actions.c */
void        portier_window_actions_install  (GtkWidgetClass *widget_class);

G_END_DECLS
