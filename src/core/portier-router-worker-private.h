/* portier-router-worker-private.h: the router's worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* ---- the one worker thread ------------------------------------------------------------
 * Every blocking call (SSDP, miniupnpc, libnatpmp, the hop probe) runs there, one at a
 * time. The function returns the task's result itself (g_task_return_*); GTask delivers
 * it on the context the task was made in. */
typedef void (*PortierRouterJob) (GTask *task);

void      portier_router_worker_run        (GTask            *task,
                                            PortierRouterJob  job);
/* The IPv6 side of a UPnP router: a thread of its own, beside the worker. */
void      portier_router_worker_run_ipv6   (GTask            *task,
                                            PortierRouterJob  job);
gboolean  portier_router_worker_is_current (void);
/* Milliseconds on the monotonic clock, for the deadlines of the blocking calls. */
gint64    portier_router_now_ms            (void);

G_END_DECLS
