/* portier-open-run.c: the opening of several ports, all or none
 *
 * An app may need several ports. They are opened one after the other, each its own
 * transaction (PortierOpener); when one fails, or the run is stopped, the ports opened
 * before it are closed again, newest first, so that nothing stays half-open. What could
 * not be closed stays in the ledger for the next cleanup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-open-run"

#include "config.h"

#include "portier-enums.h"
#include "portier-open-run.h"

struct _PortierOpenRun
{
  GObject         parent_instance;

  PortierOpener  *opener;
  GPtrArray      *options;            /* of PortierOpenOptions */
  gboolean        take_offered_port;
  gboolean        started;
};

G_DEFINE_FINAL_TYPE (PortierOpenRun, portier_open_run, G_TYPE_OBJECT)

enum {
  SIGNAL_PORT_STARTED,
  SIGNAL_STEP_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
portier_open_run_dispose (GObject *object)
{
  PortierOpenRun *self = PORTIER_OPEN_RUN (object);

  g_clear_object (&self->opener);
  g_clear_pointer (&self->options, g_ptr_array_unref);

  G_OBJECT_CLASS (portier_open_run_parent_class)->dispose (object);
}

static void
portier_open_run_class_init (PortierOpenRunClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = portier_open_run_dispose;

  /**
   * PortierOpenRun::port-started:
   * @index: the port's place in the options
   */
  signals[SIGNAL_PORT_STARTED] = g_signal_new ("port-started", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * PortierOpenRun::step-changed:
   *
   * #PortierOpener::step-changed, for the port being opened.
   */
  signals[SIGNAL_STEP_CHANGED] = g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 3, PORTIER_TYPE_STEP,
                                               PORTIER_TYPE_STEP_STATUS, G_TYPE_STRING);
}

static void
portier_open_run_init (PortierOpenRun *self)
{
}

/**
 * portier_open_run_new:
 * @options: (element-type PortierOpenOptions): one for each port, in order
 * @take_offered_port: when the router offers another outside port for a port it refused,
 *   open that port again with it
 */
PortierOpenRun *
portier_open_run_new (PortierOpener *opener,
                      GPtrArray     *options,
                      gboolean       take_offered_port)
{
  PortierOpenRun *self;

  g_return_val_if_fail (PORTIER_IS_OPENER (opener), NULL);
  g_return_val_if_fail (options != NULL && options->len > 0, NULL);

  self = g_object_new (PORTIER_TYPE_OPEN_RUN, NULL);
  self->opener = g_object_ref (opener);
  self->options = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_open_options_free);
  for (guint i = 0; i < options->len; i++)
    g_ptr_array_add (self->options, portier_open_options_copy (options->pdata[i]));
  self->take_offered_port = take_offered_port;
  return self;
}

typedef struct
{
  GPtrArray *results;        /* of PortierOpenResult */
  guint      index;          /* the port being opened */
  guint16    external_port;  /* the router's offer, for the port being opened */
  guint      undo;           /* while undoing: how many results are left to close */
  GError    *error;          /* a port could not start */
  gulong     step_handler;
} RunData;

static void
run_data_free (RunData *data)
{
  g_ptr_array_unref (data->results);
  g_clear_error (&data->error);
  g_free (data);
}

static void
step_changed_cb (PortierOpener     *opener,
                 PortierStep        step,
                 PortierStepStatus  status,
                 const char        *message,
                 PortierOpenRun    *self)
{
  g_signal_emit (self, signals[SIGNAL_STEP_CHANGED], 0, step, status, message);
}

/* Takes @task. */
static void
finish (GTask *task)
{
  PortierOpenRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  g_clear_signal_handler (&data->step_handler, self->opener);
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_pointer (task, g_ptr_array_ref (data->results),
                           (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

static void undo_next (GTask *task);

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* It stays in the ledger ("closing"), and the next cleanup closes it. */
  if (!portier_opener_close_finish (PORTIER_OPENER (source), result, &error))
    g_warning ("could not close %s again: %s",
               ((PortierOpenResult *) data->results->pdata[data->undo])->id, error->message);
  undo_next (g_steal_pointer (&task));
}

/* Closes what the earlier ports opened, newest first. It runs to the end even when the
 * run was stopped, so it does not use the task's cancellable. Takes @task. */
static void
undo_next (GTask *task)
{
  PortierOpenRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  while (data->undo > 0)
    {
      const PortierOpenResult *result = data->results->pdata[--data->undo];
      const PortierOpenOptions *options = self->options->pdata[data->undo];

      /* Nothing was made for it (it was open already, or needed nothing): nothing to
       * close. */
      if (result->id == NULL || result->id[0] == '\0')
        continue;
      portier_opener_close_async (self->opener, result->id, options->interactive, NULL,
                                  closed_cb, task);
      return;
    }
  finish (task);
}

/* Everything opened so far is closed again: the failed port's own transaction has already
 * undone itself. Takes @task. */
static void
undo (GTask *task)
{
  RunData *data = g_task_get_task_data (task);

  data->undo = data->index;
  undo_next (task);
}

static void open_next (GTask *task);

static void
opened_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortierOpenRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(PortierOpenResult) result = NULL;

  result = portier_opener_open_finish (self->opener, res, &data->error);
  if (result == NULL)
    {
      undo (g_steal_pointer (&task));
      return;
    }

  /* The router offered another outside port: open it again with that one. */
  if (result->error != NULL && self->take_offered_port && data->external_port == 0 &&
      result->alternative_port != 0)
    {
      data->external_port = result->alternative_port;
      open_next (g_steal_pointer (&task));
      return;
    }

  g_ptr_array_add (data->results, g_steal_pointer (&result));
  if (((PortierOpenResult *) data->results->pdata[data->index])->error != NULL)
    {
      undo (g_steal_pointer (&task));
      return;
    }

  data->index++;
  data->external_port = 0;
  if (data->index < self->options->len)
    open_next (g_steal_pointer (&task));
  else
    finish (g_steal_pointer (&task));
}

/* Takes @task. */
static void
open_next (GTask *task)
{
  PortierOpenRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(PortierOpenOptions) options = NULL;

  options = portier_open_options_copy (self->options->pdata[data->index]);
  if (data->external_port != 0)
    options->external_port = data->external_port;

  g_signal_emit (self, signals[SIGNAL_PORT_STARTED], 0, data->index);
  portier_opener_open_async (self->opener, options, g_task_get_cancellable (task), opened_cb,
                             task);
}

/**
 * portier_open_run_execute_async:
 *
 * Opens the ports one after the other, emitting #PortierOpenRun::port-started and
 * #PortierOpenRun::step-changed. A run executes once.
 */
void
portier_open_run_execute_async (PortierOpenRun      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (PORTIER_IS_OPEN_RUN (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, portier_open_run_execute_async);
  /* A stopped run still returns what happened (the last result says it was stopped). */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (RunData, 1);
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_open_result_free);
  data->step_handler = g_signal_connect (self->opener, "step-changed",
                                         G_CALLBACK (step_changed_cb), self);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  open_next (g_steal_pointer (&task));
}

/**
 * portier_open_run_execute_finish:
 *
 * Returns: (transfer full) (element-type PortierOpenResult): the result of each port
 *   opened, whenever the transactions ran: either every port is open, or the last result
 *   has the error (a failure, or a stop) and the ports before it were closed again.
 *   %NULL with an error when a port could not start (cancelled before it started,
 *   invalid options); the ports before it were closed again too.
 */
GPtrArray *
portier_open_run_execute_finish (PortierOpenRun  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * portier_open_run_get_failed:
 * @results: (element-type PortierOpenResult): what portier_open_run_execute_finish()
 *   returned
 *
 * Returns: (transfer none) (nullable): the result of the port that failed; %NULL when every
 *   port is open
 */
const PortierOpenResult *
portier_open_run_get_failed (GPtrArray *results)
{
  for (guint i = 0; i < results->len; i++)
    if (((PortierOpenResult *) results->pdata[i])->error != NULL)
      return results->pdata[i];
  return NULL;
}
