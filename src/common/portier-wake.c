/* portier-wake.c: being told when the computer wakes up from sleep
 *
 * logind sends PrepareForSleep(true) before the computer sleeps and PrepareForSleep(false)
 * when it woke up. Timers on the monotonic clock stood still meanwhile; whatever has an
 * end time looks at it again then.
 *
 * A wall-clock timer (a timerfd on CLOCK_REALTIME, which goes on during suspend) fires at
 * a Unix time, and also when the clock is set (then it is to be armed again).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <sys/timerfd.h>

#include "portier-wake.h"

#define LOGIND_BUS_NAME "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER_INTERFACE "org.freedesktop.login1.Manager"

typedef struct
{
  PortierWokeFunc woke;
  gpointer        user_data;
} Watch;

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  const Watch *watch = user_data;
  gboolean going_to_sleep = TRUE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (!going_to_sleep)
    watch->woke (watch->user_data);
}

/**
 * portier_wake_watch:
 * @system_bus: where logind is
 * @woke: called each time the computer woke up
 *
 * Returns: the id for portier_wake_unwatch()
 */
guint
portier_wake_watch (GDBusConnection *system_bus,
                    PortierWokeFunc  woke,
                    gpointer         user_data)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->woke = woke;
  watch->user_data = user_data;
  return g_dbus_connection_signal_subscribe (system_bus, LOGIND_BUS_NAME,
                                             LOGIND_MANAGER_INTERFACE, "PrepareForSleep",
                                             LOGIND_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                             prepare_for_sleep_cb, watch, g_free);
}

void
portier_wake_unwatch (GDBusConnection *system_bus,
                      guint            watch_id)
{
  if (watch_id != 0)
    g_dbus_connection_signal_unsubscribe (system_bus, watch_id);
}

/**
 * portier_wall_timer_new:
 *
 * Returns: a timer on the wall clock, not armed (a file descriptor to watch for
 *   %G_IO_IN and close), or -1 when there is none
 */
int
portier_wall_timer_new (void)
{
  return timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
}

/**
 * portier_wall_timer_arm:
 * @when: Unix time (one past fires at once); 0 disarms the timer
 */
void
portier_wall_timer_arm (int    fd,
                        gint64 when)
{
  struct itimerspec spec = { { 0, 0 }, { 0, 0 } };

  if (fd < 0)
    return;
  spec.it_value.tv_sec = (time_t) when;
  if (timerfd_settime (fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL) != 0)
    g_warning ("Cannot set the timer: %s", g_strerror (errno));
}

/* Takes what made the timer fire: its time came, or the clock was set (ECANCELED). */
void
portier_wall_timer_read (int fd)
{
  guint64 expirations;

  if (read (fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN &&
      errno != ECANCELED)
    g_warning ("Cannot read the timer: %s", g_strerror (errno));
}
