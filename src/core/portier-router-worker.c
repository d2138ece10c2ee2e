/* portier-router-worker.c: the one thread where the router's blocking calls run
 *
 * miniupnpc and libnatpmp block (HTTP, UDP with retries). Their calls, and the SSDP
 * search and hop probe beside them, run here, one job at a time, in the order they were
 * asked for. Each job returns its GTask's result itself; GTask hands it back on the main
 * context of whoever asked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include "portier-router-private.h"

typedef struct
{
  GTask            *task;
  PortierRouterJob  job;
} WorkItem;

static GThreadPool *pool;
static GThread *worker_thread;

static void
worker_func (gpointer data,
             gpointer user_data)
{
  WorkItem *item = data;

  /* An exclusive pool of one: always the same thread. */
  g_atomic_pointer_set (&worker_thread, g_thread_self ());

  if (!g_task_return_error_if_cancelled (item->task))
    item->job (item->task);

  g_object_unref (item->task);
  g_free (item);
}

/**
 * portier_router_worker_run:
 * @task: the task; the job must return its result
 * @job: what to run on the worker thread
 */
void
portier_router_worker_run (GTask            *task,
                           PortierRouterJob  job)
{
  static gsize initialized = 0;
  WorkItem *item;

  if (g_once_init_enter (&initialized))
    {
      g_autoptr(GError) error = NULL;

      pool = g_thread_pool_new (worker_func, NULL, 1, TRUE, &error);
      if (pool == NULL)
        g_error ("Cannot start the router thread: %s", error->message);
      g_once_init_leave (&initialized, 1);
    }

  item = g_new0 (WorkItem, 1);
  item->task = g_object_ref (task);
  item->job = job;
  g_thread_pool_push (pool, item, NULL);
}

/**
 * portier_router_worker_is_current:
 *
 * Returns: whether the caller runs on the router's worker thread
 */
gboolean
portier_router_worker_is_current (void)
{
  return g_atomic_pointer_get (&worker_thread) == g_thread_self ();
}
