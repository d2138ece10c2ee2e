/* portier-after-frame.c: work that waits until a widget's first frame is on screen
 *
 * A window's first frame comes sooner when nothing else runs before it: what the first
 * frame does not show (the state of the network, cleaning up after an earlier run) starts
 * in an idle after the frame clock has painted the widget once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "portier-after-frame.h"

typedef struct
{
  gatomicrefcount        ref_count;
  GWeakRef               widget;
  PortierAfterFrameFunc  func;
  gulong                 map_id;
  gulong                 paint_id;
} AfterFrame;

static AfterFrame *
after_frame_ref (AfterFrame *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
after_frame_unref (gpointer  data,
                   GClosure *closure)
{
  AfterFrame *self = data;

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_weak_ref_clear (&self->widget);
  g_free (self);
}

static void
after_frame_unref_notify (gpointer data)
{
  after_frame_unref (data, NULL);
}

static gboolean
idle_cb (gpointer data)
{
  AfterFrame *self = data;
  g_autoptr(GtkWidget) widget = g_weak_ref_get (&self->widget);

  if (widget != NULL)
    self->func (widget);
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                AfterFrame    *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, idle_cb, after_frame_ref (self),
                   after_frame_unref_notify);
  /* Drops the reference the handler held; the idle keeps its own. */
  g_signal_handler_disconnect (clock, self->paint_id);
}

static void
watch_clock (GtkWidget  *widget,
             AfterFrame *self)
{
  self->paint_id = g_signal_connect_data (gtk_widget_get_frame_clock (widget), "after-paint",
                                          G_CALLBACK (after_paint_cb), after_frame_ref (self),
                                          after_frame_unref, 0);
  gtk_widget_queue_draw (widget);
}

static void
map_cb (GtkWidget  *widget,
        AfterFrame *self)
{
  watch_clock (widget, self);
  g_signal_handler_disconnect (widget, self->map_id);
}

/**
 * portier_after_first_frame:
 * @func: called with @widget, once
 *
 * Calls @func in an idle after the first frame that shows @widget (the next one when it
 * is on screen already). Not called when @widget is gone by then.
 */
void
portier_after_first_frame (GtkWidget             *widget,
                           PortierAfterFrameFunc  func)
{
  AfterFrame *self;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (func != NULL);

  self = g_new0 (AfterFrame, 1);
  g_atomic_ref_count_init (&self->ref_count);
  g_weak_ref_init (&self->widget, widget);
  self->func = func;

  if (gtk_widget_get_mapped (widget))
    watch_clock (widget, self);
  else
    self->map_id = g_signal_connect_data (widget, "map", G_CALLBACK (map_cb),
                                          after_frame_ref (self), after_frame_unref, 0);
  after_frame_unref (self, NULL);
}
