/* portier-wake.h: being told when the computer wakes up from sleep; wall-clock timers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef void (*PortierWokeFunc) (gpointer user_data);

guint portier_wake_watch   (GDBusConnection *system_bus,
                            PortierWokeFunc  woke,
                            gpointer         user_data);
void  portier_wake_unwatch (GDBusConnection *system_bus,
                            guint            watch_id);

int   portier_wall_timer_new  (void);
void  portier_wall_timer_arm  (int              fd,
                               gint64           when);
void  portier_wall_timer_read (int              fd);

G_END_DECLS
