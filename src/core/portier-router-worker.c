/* portier-router-worker.c: the threads where the router's blocking calls run
 *
 * miniupnpc and libnatpmp block (HTTP, UDP with retries). Their calls, and the SSDP
 * search and hop probe beside them, run on the worker thread, one job at a time, in the
 * order they were asked for. Each job returns its GTask's result itself; GTask hands it
 * back on the main context of whoever asked.
 *
 * The IPv6 side of a UPnP router (its IGD over IPv6 and the pinholes) has a thread of
 * its own, so that a dual-stack open waits for the slower side rather than for both in
 * turn. Its jobs touch only that side's own state and read what never changes after the
 * router was made; miniupnpc keeps no state of its own between calls (each call takes
 * its control URL and service type from the caller), so the two threads share nothing
 * they write.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include "portier-router-worker-private.h"

typedef struct
{
  GTask            *task;
  PortierRouterJob  job;
} WorkItem;

static GThreadPool *pool;
static GThreadPool *pool6;
static GThread *worker_thread;

static void
worker_func (gpointer data,
             gpointer user_data)
{
  WorkItem *item = data;

  /* An exclusive pool of one: always the same thread. */
  if (user_data == NULL)
    g_atomic_pointer_set (&worker_thread, g_thread_self ());

  if (!g_task_return_error_if_cancelled (item->task))
    item->job (item->task);

  g_object_unref (item->task);
  g_free (item);
}

static void
push (GThreadPool     **where,
      gsize            *initialized,
      gboolean          ipv6,
      GTask            *task,
      PortierRouterJob  job)
{
  WorkItem *item;

  if (g_once_init_enter (initialized))
    {
      g_autoptr(GError) error = NULL;

      *where = g_thread_pool_new (worker_func, GINT_TO_POINTER (ipv6), 1, TRUE, &error);
      if (*where == NULL)
        g_error ("Cannot start the router thread: %s", error->message);
      g_once_init_leave (initialized, 1);
    }

  item = g_new0 (WorkItem, 1);
  item->task = g_object_ref (task);
  item->job = job;
  g_thread_pool_push (*where, item, NULL);
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

  push (&pool, &initialized, FALSE, task, job);
}

/**
 * portier_router_worker_run_ipv6:
 * @task: the task; the job must return its result
 * @job: what to run on the IPv6 thread
 *
 * For the jobs of a UPnP router's IPv6 side only (see above): one at a time, in order,
 * beside the worker thread's jobs.
 */
void
portier_router_worker_run_ipv6 (GTask            *task,
                                PortierRouterJob  job)
{
  static gsize initialized = 0;

  push (&pool6, &initialized, TRUE, task, job);
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

/* The clock of the deadlines of the blocking calls (SSDP, descriptions, hop probe), in
 * milliseconds. */
gint64
portier_router_now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}
