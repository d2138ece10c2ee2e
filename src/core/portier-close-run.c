/* portier-close-run.c: the closing of several openings, each one whole
 *
 * The openings are closed one after the other with portier_opener_close_async(), which
 * removes an opening's router forwards and then its firewall rules and its entry in the
 * ledger.
 *
 * Nothing is left half-closed: an opening that has begun to close is closed to the end,
 * whatever happens to the run's cancellable; a stop takes effect between openings, and
 * the ones not begun stay open as they were (their results say G_IO_ERROR_CANCELLED).
 *
 * When one opening cannot be closed (the firewall refuses, the router cannot be
 * reached), its result carries the error and the run goes on with the next: closing more
 * is always safe. What could not be closed stays in the ledger (as being closed), so
 * "Ports I opened" still shows it and a later close or cleanup takes it away; a router
 * forward that could not be removed runs out with its lease.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-close-run"

#include "config.h"

#include "portier-close-run.h"

PortierCloseResult *
portier_close_result_copy (const PortierCloseResult *self)
{
  PortierCloseResult *copy = g_new0 (PortierCloseResult, 1);

  copy->id = g_strdup (self->id);
  copy->error = self->error != NULL ? g_error_copy (self->error) : NULL;
  return copy;
}

void
portier_close_result_free (PortierCloseResult *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_clear_error (&self->error);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (PortierCloseResult, portier_close_result, portier_close_result_copy,
                     portier_close_result_free)

struct _PortierCloseRun
{
  GObject         parent_instance;

  PortierOpener  *opener;
  GStrv           ids;
  gboolean        interactive;
  gboolean        started;
};

G_DEFINE_FINAL_TYPE (PortierCloseRun, portier_close_run, G_TYPE_OBJECT)

enum {
  SIGNAL_OPENING_STARTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
portier_close_run_dispose (GObject *object)
{
  PortierCloseRun *self = PORTIER_CLOSE_RUN (object);

  g_clear_object (&self->opener);

  G_OBJECT_CLASS (portier_close_run_parent_class)->dispose (object);
}

static void
portier_close_run_finalize (GObject *object)
{
  PortierCloseRun *self = PORTIER_CLOSE_RUN (object);

  g_strfreev (self->ids);

  G_OBJECT_CLASS (portier_close_run_parent_class)->finalize (object);
}

static void
portier_close_run_class_init (PortierCloseRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = portier_close_run_dispose;
  object_class->finalize = portier_close_run_finalize;

  /**
   * PortierCloseRun::opening-started:
   * @index: the opening's place in the ids
   * @id: the opening
   */
  signals[SIGNAL_OPENING_STARTED] = g_signal_new ("opening-started",
                                                  G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

static void
portier_close_run_init (PortierCloseRun *self)
{
}

/**
 * portier_close_run_new:
 * @ids: the openings to close, in order
 * @interactive: whether the firewall may ask the person for their password
 */
PortierCloseRun *
portier_close_run_new (PortierOpener      *opener,
                       const char * const *ids,
                       gboolean            interactive)
{
  PortierCloseRun *self;

  g_return_val_if_fail (PORTIER_IS_OPENER (opener), NULL);
  g_return_val_if_fail (ids != NULL, NULL);

  self = g_object_new (PORTIER_TYPE_CLOSE_RUN, NULL);
  self->opener = g_object_ref (opener);
  self->ids = g_strdupv ((GStrv) ids);
  self->interactive = interactive;
  return self;
}

typedef struct
{
  GPtrArray *results;  /* of PortierCloseResult */
} RunData;

static void
run_data_free (RunData *data)
{
  g_ptr_array_unref (data->results);
  g_free (data);
}

static void close_next (GTask *task);

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  PortierCloseResult *closed = g_ptr_array_index (data->results, data->results->len - 1);

  if (!portier_opener_close_finish (PORTIER_OPENER (source), result, &closed->error))
    g_debug ("closing %s: %s", closed->id, closed->error->message);
  close_next (g_steal_pointer (&task));
}

static void
close_next (GTask *task)
{
  PortierCloseRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  guint index = data->results->len;
  PortierCloseResult *closing;

  if (self->ids[index] == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->results),
                             (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  closing = g_new0 (PortierCloseResult, 1);
  closing->id = g_strdup (self->ids[index]);
  g_ptr_array_add (data->results, closing);

  /* Stopped: what is not begun stays as it is. */
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &closing->error))
    {
      close_next (task);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_OPENING_STARTED], 0, index, closing->id);
  /* Without the cancellable: an opening begun is closed to the end. */
  portier_opener_close_async (self->opener, closing->id, self->interactive, NULL,
                              closed_cb, task);
}

/**
 * portier_close_run_execute_async:
 * @cancellable: (nullable): stops the run between two openings
 *
 * Closes the openings one after the other. Runs once.
 */
void
portier_close_run_execute_async (PortierCloseRun     *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  RunData *data;

  g_return_if_fail (PORTIER_IS_CLOSE_RUN (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_close_run_execute_async);
  /* A stopped run still reports what it closed and what it left. */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (RunData, 1);
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_close_result_free);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  close_next (task);
}

/**
 * portier_close_run_execute_finish:
 *
 * Returns: (transfer container) (element-type PortierCloseResult): one result for each
 *   id, in order: closed (no error), not closed (why), or not begun because the run was
 *   stopped (G_IO_ERROR_CANCELLED). The run itself does not fail.
 */
GPtrArray *
portier_close_run_execute_finish (PortierCloseRun  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * portier_close_run_count_failed:
 * @results: (element-type PortierCloseResult): what a run returned
 *
 * Returns: how many openings were not closed (whatever the reason)
 */
guint
portier_close_run_count_failed (GPtrArray *results)
{
  guint failed = 0;

  for (guint i = 0; i < results->len; i++)
    if (((PortierCloseResult *) g_ptr_array_index (results, i))->error != NULL)
      failed++;
  return failed;
}
